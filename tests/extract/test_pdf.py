"""PDF reader tests. Test PDFs are generated here with fpdf2; the shared real corpus is optional."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    LimitExceeded,
    MinutebookError,
    ScannedDocument,
)
from pipeline.extract import ReadOptions, read_document

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
REAL = SHARED / "corpus" / "real"
GOLD = SHARED / "corpus" / "gold"

LONG = ("The committee discussed the budget for the coming year at some length and agreed that the "
        "treasurer would prepare a revised forecast including the new library opening hours and the "
        "cost of the extra volunteers needed for the summer reading challenge, which")
CONTINUED = ("continues on the next page without a break in the sentence and ends here.")


class _Minutes(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, "Friends of the Library - Committee minutes", align="C")
        self.ln(10)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")


def _minutes_pdf(path: Path) -> Path:
    pdf = _Minutes()
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=25)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, "Committee Meeting Minutes", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, "Present: Alice Smith (Chair), Bob Jones, Carol White.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, "1. Apologies", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, "Apologies were received from Dan Brown.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 5, "Matters arising", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for k in range(3):
        pdf.multi_cell(0, 5, f"- Point number {k + 1} was noted by the committee.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    # filler so that the next paragraph is split by the page break
    while pdf.get_y() < 258:
        pdf.multi_cell(0, 5, "Filler paragraph about the day-to-day running of the library service.", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.multi_cell(0, 5, LONG + " " + CONTINUED * 1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, "2. Actions", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    with pdf.table(col_widths=(60, 25, 15), line_height=5) as t:
        for r in [("Agreed approach", "Person taking this on", "Deadline"),
                  ("Write to the council about the library opening hours and the budget for next year",
                   "Alice Smith", "30 June"),
                  ("Book the room for the summer fair", "Bob Jones and Carol White", "ASAP")]:
            row = t.row()
            for c in r:
                row.cell(c)
    pdf.ln(3)
    pdf.multi_cell(0, 5, "The meeting closed at 9pm.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def minutes(tmp_path_factory) -> Path:
    return _minutes_pdf(tmp_path_factory.mktemp("pdf") / "minutes.pdf")


@pytest.fixture(scope="module")
def minutes_doc(minutes):
    return read_document(minutes)


def test_pages_and_quality(minutes_doc):
    q = minutes_doc.quality
    assert minutes_doc.format == "pdf"
    assert q.pages == 2
    assert q.empty_pages == []
    assert q.undecodable_glyphs == 0
    assert not q.likely_scan


def test_headings_levels_and_fonts(minutes_doc):
    heads = [(b.text, b.level) for b in minutes_doc.blocks if b.kind == "heading"]
    assert heads[0] == ("Committee Meeting Minutes", 1)
    assert ("1. Apologies", 2) in heads
    assert ("2. Actions", 2) in heads
    assert ("Matters arising", 3) in heads  # bold at body size: lowest level
    title = minutes_doc.blocks[0]
    assert title.bold and title.font_size == 16
    assert all(b.page in (1, 2) for b in minutes_doc.blocks)


def test_paragraphs_and_list_items(minutes_doc):
    present = next(b for b in minutes_doc.blocks if b.text.startswith("Present:"))
    assert present.kind == "paragraph" and not present.bold
    items = [b.text for b in minutes_doc.blocks if b.kind == "list_item"]
    assert items[:3] == [f"Point number {k} was noted by the committee." for k in (1, 2, 3)]


def test_running_header_footer_and_page_numbers_dropped(minutes_doc):
    assert "Friends of the Library - Committee minutes" not in minutes_doc.text
    assert not re.search(r"Page \d of", minutes_doc.text)
    assert minutes_doc.quality.dropped_lines == 4


def test_paragraph_split_by_page_break_is_joined(minutes, minutes_doc):
    from pdfminer.high_level import extract_text

    assert "continues on the next page" in extract_text(str(minutes), page_numbers=[1])  # really split
    split = [b for b in minutes_doc.blocks if "summer reading challenge" in b.text]
    assert len(split) == 1
    assert split[0].text.endswith("ends here.")
    assert split[0].page == 1
    assert "continues on the next page" in split[0].text


def test_actions_table_rows_with_wrapped_cells(minutes_doc):
    tables = minutes_doc.tables()
    assert len(tables) == 1
    rows = next(iter(tables.values()))
    assert [r.cell_texts() for r in rows] == [
        ["Agreed approach", "Person taking this on", "Deadline"],
        ["Write to the council about the library opening hours and the budget for next year", "Alice Smith",
         "30 June"],
        ["Book the room for the summer fair", "Bob Jones and Carol White", "ASAP"],
    ]
    assert rows[0].header and not rows[1].header
    assert rows[1].page == 2
    # cell spans point into the text
    c = rows[1].cells[1]
    assert minutes_doc.text[c.start:c.end] == "Alice Smith"
    # reading order: the table comes after its heading and before the closing line
    kinds = [b.text for b in minutes_doc.blocks]
    assert kinds.index("2. Actions") < kinds.index(rows[0].text) < kinds.index("The meeting closed at 9pm.")


def test_borderless_table(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, "Actions agreed at the meeting are listed below.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table(col_widths=(60, 25, 15), line_height=5, borders_layout="NONE") as t:
        for r in [("Task", "Owner", "Due"),
                  ("Send the newsletter to all members once the editor has approved the final draft", "Eve",
                   "1 May"),
                  ("Renew the insurance", "Frank", "June")]:
            row = t.row()
            for c in r:
                row.cell(c)
    pdf.ln(6)
    pdf.multi_cell(0, 5, "Next meeting: 3 May.", new_x="LMARGIN", new_y="NEXT")
    p = tmp_path / "borderless.pdf"
    pdf.output(str(p))
    doc = read_document(p)
    rows = [b.cell_texts() for b in doc.blocks if b.kind == "table_row"]
    assert rows == [["Task", "Owner", "Due"],
                    ["Send the newsletter to all members once the editor has approved the final draft", "Eve",
                     "1 May"],
                    ["Renew the insurance", "Frank", "June"]]
    assert doc.blocks[-1].text == "Next meeting: 3 May."


def test_table_continued_on_next_page(tmp_path):
    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    with pdf.table(col_widths=(60, 25, 15), line_height=6) as t:
        for k in range(60):
            row = t.row()
            for c in (f"Task number {k}", "Owner", "Soon") if k else ("Task", "Owner", "Due"):
                row.cell(c)
    p = tmp_path / "long_table.pdf"
    pdf.output(str(p))
    doc = read_document(p)
    tables = doc.tables()
    assert len(tables) == 1  # one table across the page break
    rows = next(iter(tables.values()))
    assert {r.page for r in rows} == {1, 2}
    assert sum(r.header for r in rows) == 1  # a header repeated on page 2 is not a second header
    assert [r.cells[0].text for r in rows if not r.header] == [f"Task number {k}" for k in range(1, 60)]


def test_encrypted_with_password(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Secret minutes")
    pdf.set_encryption(owner_password="owner", user_password="secret")
    p = tmp_path / "enc.pdf"
    pdf.output(str(p))
    with pytest.raises(EncryptedDocument):
        read_document(p)


def test_encrypted_with_empty_user_password_is_read(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Open minutes, owner password only")
    pdf.set_encryption(owner_password="owner", user_password="")
    p = tmp_path / "enc_open.pdf"
    pdf.output(str(p))
    doc = read_document(p)
    assert "Open minutes" in doc.text


@pytest.mark.parametrize("keep", [0.1, 0.3, 0.5, 0.8])
def test_truncated_pdf(minutes, tmp_path, keep):
    data = minutes.read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[: int(len(data) * keep)])
    try:
        doc = read_document(p)
    except (CorruptDocument, EmptyDocument):
        return
    # pdfminer can sometimes recover objects from a cut file: then the damage must be reported
    assert any("truncated" in n for n in doc.quality.notes)


def test_not_a_pdf(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_bytes(b"hello, this is not a pdf\n" * 10)
    with pytest.raises(MinutebookError):
        read_document(p, as_format="pdf")


def _png(path: Path) -> Path:
    import struct
    import zlib

    w = h = 40
    raw = b"".join(b"\x00" + bytes([(x * 6) % 256 for x in range(w)]) for _ in range(h))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def test_scan_without_text_layer(tmp_path):
    img = _png(tmp_path / "scan.png")
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(str(img), x=10, y=10, w=180)
    p = tmp_path / "scan.pdf"
    pdf.output(str(p))
    with pytest.raises(ScannedDocument):
        read_document(p)


def test_mostly_scanned_is_flagged(tmp_path):
    img = _png(tmp_path / "scan.png")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Cover sheet")
    for _ in range(3):
        pdf.add_page()
        pdf.image(str(img), x=10, y=10, w=180)
    p = tmp_path / "mostly_scan.pdf"
    pdf.output(str(p))
    doc = read_document(p)
    assert doc.quality.likely_scan
    assert doc.quality.empty_pages == [2, 3, 4]


def test_blank_pages(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.add_page()
    p = tmp_path / "blank.pdf"
    pdf.output(str(p))
    with pytest.raises(EmptyDocument):
        read_document(p)


def test_empty_page_in_the_middle(tmp_path):
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in ("First page text.", None, "Third page text."):
        pdf.add_page()
        if text:
            pdf.cell(0, 10, text)
    p = tmp_path / "gap.pdf"
    pdf.output(str(p))
    doc = read_document(p)
    assert doc.quality.empty_pages == [2]
    assert [b.page for b in doc.blocks] == [1, 3]


def test_page_limit(minutes):
    with pytest.raises(LimitExceeded):
        read_document(minutes, options=ReadOptions(max_pages=1))


_VALID: bytes | None = None


def _valid_pdf() -> bytes:
    global _VALID
    if _VALID is None:
        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 10, "Minutes")
        pdf.ln(12)
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 5, "Present: A, B. The meeting agreed the budget.", new_x="LMARGIN", new_y="NEXT")
        _VALID = bytes(pdf.output())
    return _VALID


def _check_bytes(tmp_path: Path, data: bytes) -> None:
    p = tmp_path / "fuzz.pdf"
    p.write_bytes(data)
    try:
        doc = read_document(p, as_format="pdf")
    except MinutebookError:
        return
    assert doc.format == "pdf"


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_fuzz_arbitrary_bytes(tmp_path, data):
    _check_bytes(tmp_path, data)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_fuzz_mutated_pdf(tmp_path, data):
    buf = bytearray(_valid_pdf())
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(buf) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "dup"]))
        if op == "flip":
            buf[i] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del buf[i: i + data.draw(st.integers(1, 200))]
        else:
            buf[i:i] = buf[i: i + data.draw(st.integers(1, 50))]
        if not buf:
            buf = bytearray(b"%PDF-1.4")
    _check_bytes(tmp_path, bytes(buf))


# ---------------------------------------------------------------------------------------------- real corpus


def _real(name: str) -> Path:
    if not REAL.is_dir():
        pytest.skip(f"../shared/corpus not present: {REAL} is missing (real PDFs are not stored in the repo)")
    p = REAL / name
    if not p.exists():
        pytest.skip(f"../shared/corpus not present: {p} is missing")
    return p


def _norm(t: str) -> str:
    t = re.sub(r"^\(?\d{1,3}(\.\d{1,3})*[.)]?\s+", "", t.strip())
    return " ".join(t.strip(" :.").replace("\u2019", "'").lower().split())


@pytest.mark.parametrize("name,minimum", [("01_suffolk-libraries_board_2016-07-28.pdf", 24),
                                          ("06_cssuob_committee_2025-10-13.pdf", 11)])
def test_real_headings_match_gold(name, minimum):
    doc = read_document(_real(name))
    gold = json.loads((GOLD / f"{name}.json").read_text())["sections"]
    heads = {_norm(b.text) for b in doc.blocks if b.kind == "heading"}
    found = [s for s in gold if _norm(s) in heads]
    assert len(found) >= minimum, [s for s in gold if _norm(s) not in heads]


def test_real_suffolk_layout():
    doc = read_document(_real("01_suffolk-libraries_board_2016-07-28.pdf"))
    text = doc.text
    assert "Registered Office" not in text and "draft Open Board Minutes" not in text
    assert doc.quality.dropped_lines >= 16
    # the Action column entry stays with the paragraph beside it
    rows = [b for b in doc.blocks if b.kind == "table_row" and b.cell_texts()[-1] == "NS"]
    assert len(rows) == 1 and "inform them of the closing date" in rows[0].text
    # the attendance box is a table
    att = [b for b in doc.blocks if b.kind == "table_row" and b.cell_texts()[0] == "Attendees"]
    assert att and "Tony Brown (Chair)" in att[0].cell_texts()[1]
    # item numbers from the left gutter are kept with their headings, in reading order
    heads = [b.text for b in doc.blocks if b.kind == "heading"]
    assert heads.index("1. Welcome and Apologies") < heads.index("2. Declarations of Interest")


def test_real_cssuob_logo_garbage_dropped():
    doc = read_document(_real("06_cssuob_committee_2025-10-13.pdf"))
    assert "ACAC3t" not in doc.text
    assert any("tiny text" in n for n in doc.quality.notes)


# --- layout families that lost structure -------------------------------------------------------


def test_item_title_on_its_own_line_is_its_own_block(tmp_path):
    """'1.  Street Lights' on a short line of its own, the item's text starting on the next line in the
    same font: the title line is a block of its own (a numbered heading), not the start of a paragraph."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 5, "Village Hall Committee minutes, 4 March 2021", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for title, body in [("1.  Street Lights", "The Clerk reported that two lamps on Mill Lane were still out and the "
                         "supplier had been chased twice without reply during the month."),
                        ("2.  Open Forum", "No members of the public were present at the meeting tonight, so the "
                         "chairman moved straight on to the next item of business.")]:
        pdf.multi_cell(0, 5, title, new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 5, body, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "t.pdf"))
    doc = read_document(tmp_path / "t.pdf")
    texts = [b.text for b in doc.blocks]
    assert "1. Street Lights" in texts and "2. Open Forum" in texts
    assert any(t.startswith("The Clerk reported") for t in texts)
    # a wrapped paragraph that merely starts with a number stays one block
    assert not any(t == "No members of the public were present at the meeting tonight, so the" for t in texts)


def test_ligatures_are_written_out():
    from pipeline.extract.pdf import _line_text

    class Line:
        def get_text(self):
            return "Academic Sta\ufb00 Committee: \ufb01nal o\ufb03ce \ufb02at\n"

    assert _line_text(Line()) == "Academic Staff Committee: final office flat"


def _pdf_with_form_xobject() -> bytes:
    """A one-page PDF whose only text is drawn by a form XObject (as some converters write it)."""
    text = (b"BT /F1 12 Tf 72 720 Td (PARISH COUNCIL MEETING 8th MAY 2019) Tj 0 -20 Td "
            b"(1. WELCOME AND APOLOGIES) Tj 0 -20 Td (The chair welcomed everyone to the meeting and thanked the hall "
            b"committee for the new heaters.) Tj ET")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /Fm1 5 0 R >> >> >>",
        b"<< /Length 14 >>\nstream\nq /Fm1 Do Q\n\nendstream",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> >> /Length "
        + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for k, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{k} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_text_only_inside_a_form_xobject_is_read(tmp_path):
    p = tmp_path / "form.pdf"
    p.write_bytes(_pdf_with_form_xobject())
    doc = read_document(p)
    assert "1. WELCOME AND APOLOGIES" in [b.text for b in doc.blocks]
    assert "The chair welcomed everyone" in doc.text


def test_a_pdf_far_over_the_word_limit_is_refused_while_it_is_laid_out(tmp_path, monkeypatch):
    """A long PDF under the page limit but over the word limit stops after the pages that prove it,
    not after laying out all of them (issue 19: a 2,000-page PDF was parsed for 76-126 s first)."""
    import random

    from helpers import make_text_pdf

    import pipeline.extract.pdf as pdf_mod

    rng = random.Random(0)
    vocab = ["budget", "library", "roof", "repairs", "committee", "agreed", "plan", "council", "tenders",
             "playground", "lighting", "minutes", "report", "clerk", "grant", "survey", "hall", "trees"]
    pages = [[" ".join(rng.choice(vocab) for _ in range(14)) for _ in range(25)] for _ in range(60)]
    path = make_text_pdf(tmp_path / "long.pdf", pages)  # 350 words a page, no line repeated
    laid_out: list[int] = []
    real = pdf_mod._page_data

    def counting(layout, number, notes):
        laid_out.append(number)
        return real(layout, number, notes)

    monkeypatch.setattr(pdf_mod, "_page_data", counting)
    with pytest.raises(LimitExceeded, match="more than .* words, over the 2,000-word limit") as e:
        read_document(path, options=ReadOptions(max_words=2000))
    assert e.value.code == "MB009"
    assert len(laid_out) < 10, laid_out  # 60 pages in the file
    laid_out.clear()
    assert read_document(path, options=ReadOptions(max_words=30_000)).word_count() > 15_000  # less running lines
    assert len(laid_out) == 60
