"""Plain-text reader: layout headings, lists, Label: lines, encodings, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.core.errors import EncodingError
from pipeline.extract import ReadOptions, get_reader, read_document

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


def read(text: str | bytes, tmp_path: Path, name: str = "m.txt", **opts):
    data = text.encode("utf-8") if isinstance(text, str) else text
    p = tmp_path / name
    p.write_bytes(data)
    return get_reader("text")(p, data, ReadOptions(**opts))


def kinds(doc):
    return [(b.kind, b.text) for b in doc.blocks]


def test_layout_headings_lists_and_labels(tmp_path):
    doc = read(
        "Parish Council Minutes\n\n"
        "Present: A Smith, B Jones\n"
        "Apologies: C Brown\n\n"
        "Matters Arising\n"
        "The clerk reported on the lighting, which is still awaiting a reply from the county council.\n\n"
        "Actions:\n"
        "- Clerk to write to NCC\n"
        "    - copy to chair\n"
        "* Chair to inspect the bins\n\n"
        "4.1 Playing Fields\n\n"
        "The strimming is now fine.\n", tmp_path)
    ks = kinds(doc)
    assert ("heading", "Parish Council Minutes") in ks
    assert ("paragraph", "Present: A Smith, B Jones") in ks
    assert ("paragraph", "Apologies: C Brown") in ks
    assert ("heading", "Matters Arising") in ks
    assert ("heading", "Actions:") in ks
    items = [b for b in doc.blocks if b.kind == "list_item"]
    assert [(b.text, b.level) for b in items] == [("Clerk to write to NCC", 0), ("copy to chair", 1),
                                                  ("Chair to inspect the bins", 0)]
    h = next(b for b in doc.blocks if b.text == "4.1 Playing Fields")
    assert h.kind == "heading" and h.level == 2
    assert doc.quality.encoding == "utf-8"


def test_sentences_are_not_headings(tmp_path):
    doc = read("The meeting opened at seven.\n\nIt was agreed to proceed.\n\nAll in favour, none against.\n", tmp_path)
    assert all(b.kind == "paragraph" for b in doc.blocks)


def test_wrapped_paragraph_joins_and_short_lines_split(tmp_path):
    doc = read("Rayna Harris\nGreg Wilson\nAlix Keener\n\n"
               "This is a long paragraph that has been wrapped by an editor at about seventy\n"
               "characters so that it spans several lines of the file and must be one block\n"
               "in the output.\n", tmp_path)
    assert [b.text for b in doc.blocks[:3]] == ["Rayna Harris", "Greg Wilson", "Alix Keener"]
    assert doc.blocks[3].text.startswith("This is a long") and doc.blocks[3].text.endswith("in the output.")
    assert len(doc.blocks) == 4


def test_indented_block_makes_heading_and_bullets_without_space(tmp_path):
    doc = read("Attendance\n    -Chet\n    -Jack\n\nPOC (point of contact)\n    -ARA - J Martini\n", tmp_path)
    assert kinds(doc)[0] == ("heading", "Attendance")
    assert ("list_item", "Chet") in kinds(doc)
    assert ("heading", "POC (point of contact)") in kinds(doc)


def test_url_lines_are_paragraphs(tmp_path):
    doc = read("Links\nhttps://example.org/a\nhttps://example.org/b\n", tmp_path)
    assert ("paragraph", "https://example.org/a") in kinds(doc)
    assert ("paragraph", "https://example.org/b") in kinds(doc)


def test_crlf_and_latin1(tmp_path):
    doc = read("Minutes\r\n\r\nCaf\xe9 meeting held.\r\n".encode("cp1252"), tmp_path)
    assert any("Café" in b.text for b in doc.blocks)
    assert doc.quality.encoding and doc.quality.encoding != "utf-8"


def test_forced_bad_encoding_is_typed(tmp_path):
    with pytest.raises(EncodingError):
        read(b"\xff\xfe\xfa", tmp_path, encoding="ascii")


def test_spans_match(tmp_path):
    doc = read("Heading One\n\n- a\n- b\n\nPresent: x\nRegrets: y\n", tmp_path)
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text


def _real(name: str) -> Path:
    if not CORPUS.exists():
        pytest.skip("../shared/corpus not present")
    return CORPUS / "real" / name


def test_seed_minutes_headings():
    seed = SHARED / "seed-minutes.txt"
    if not seed.exists():
        pytest.skip("../shared/seed-minutes.txt not present")
    gold = json.loads((CORPUS / "gold" / "seed.json").read_text())["sections"]
    doc = read_document(seed)
    heads = [b.text.rstrip(":").strip() for b in doc.blocks if b.kind == "heading"]
    found = [g for g in gold if g in heads]
    assert len(found) >= len(gold) - 1, (found, heads)
    assert heads.index("Funding") > heads.index("Updates")


def test_real_txt_with_crlf():
    p = _real("36_ua-control-freaks_2021-05-18.txt")
    doc = read_document(p)
    heads = [b.text for b in doc.blocks if b.kind == "heading"]
    for g in ["Attendance", "tasks", "POC (point of contact)"]:
        assert g in heads
    assert "\r" not in doc.text


# ---- junk that is not minutes (issue 19) --------------------------------------------------------

def test_nul_filled_text_and_programs_are_refused(tmp_path):
    from pipeline.core.errors import UnsupportedFormat

    nul = tmp_path / "zeros.txt"
    nul.write_bytes(b"\x00" * 100_000)
    with pytest.raises(UnsupportedFormat, match="nothing but NUL bytes") as e:
        read_document(nul)
    assert "zeros.txt" in e.value.one_line()
    elf = tmp_path / "minutes.pdf"  # an ELF program: zeros at odd and even offsets, some text between
    elf.write_bytes(b"\x7fELF\x02\x01\x01\x00" + (b"\x00" * 24 + b"GLIBC_2.2.5 text here\x00") * 200)
    with pytest.raises(UnsupportedFormat, match="is a program"):
        read_document(elf)
    # UTF-16 without a byte-order mark is still text
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(("Minutes of the meeting held on 3 June 2024\n\nPresent: Ann Smith\n" * 20).encode("utf-16-le"))
    assert "Ann Smith" in read_document(utf16).text


def test_text_without_word_breaks_is_not_minutes(tmp_path):
    from pipeline.core.errors import EmptyDocument

    p = tmp_path / "x.txt"
    p.write_bytes(b"x" * 2_000_000)
    with pytest.raises(EmptyDocument, match="no words") as e:
        read_document(p)
    assert e.value.code == "MB004" and "x.txt" in e.value.one_line()
    md = tmp_path / "x.md"
    md.write_bytes(b"# Title\n\n" + b"y" * 50_000)
    with pytest.raises(EmptyDocument, match="no words"):
        read_document(md)
    # a long single line of real words is text (split into blocks later), as is unspaced CJK prose
    words = tmp_path / "words.txt"
    words.write_text("The committee agreed the budget for the year. " * 2000, encoding="utf-8")
    assert read_document(words).word_count() > 10_000
    cjk = tmp_path / "cjk.txt"
    cjk.write_text("委员会批准了本年度的预算并同意在下次会议上讨论。\n" * 500, encoding="utf-8")
    assert read_document(cjk).text.strip()


def test_html_whose_text_has_no_words_is_not_minutes(tmp_path):
    from pipeline.core.errors import EmptyDocument

    p = tmp_path / "x.html"
    p.write_text("<html><body><h1>Minutes</h1><p>" + "x" * 100_000 + "</p></body></html>", encoding="utf-8")
    with pytest.raises(EmptyDocument, match="no words"):
        read_document(p)


def test_far_over_the_word_limit_is_refused_before_decoding(tmp_path, monkeypatch):
    import pipeline.extract as extract
    from pipeline.core.errors import LimitExceeded

    p = tmp_path / "huge.txt"
    p.write_text("The committee agreed the budget for the year.\n" * 20_000, encoding="utf-8")  # 160,000 words

    def no_reader(fmt):
        raise AssertionError("decoded and read although the word count was known from the bytes")

    monkeypatch.setattr(extract, "get_reader", no_reader)
    with pytest.raises(LimitExceeded, match="more than .* words, over the 100,000-word limit") as e:
        read_document(p, options=ReadOptions(max_words=100_000))
    assert e.value.code == "MB009"
    monkeypatch.undo()
    # just over the limit (within the margin): decoded, counted exactly, refused with the exact count
    with pytest.raises(LimitExceeded, match="the text has 160,000 words"):
        read_document(p, options=ReadOptions(max_words=150_000))
    assert read_document(p, options=ReadOptions(max_words=160_000)).word_count() == 160_000
