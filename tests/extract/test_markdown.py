"""Markdown reader: front matter, headings, inline markup, lists, tables, raw HTML, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract import ReadOptions, get_reader, read_document

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"


def read(text: str, tmp_path: Path):
    p = tmp_path / "m.md"
    data = text.encode("utf-8")
    p.write_bytes(data)
    return get_reader("markdown")(p, data, ReadOptions())


def test_front_matter_goes_to_metadata(tmp_path):
    doc = read('---\ntitle: "Council Minutes"\ndate: "2013-08-15"\ncategories:\n  - "a"\n  - "b"\n---\n\n'
               "Minutes of the meeting\n", tmp_path)
    assert doc.metadata["title"] == "Council Minutes"
    assert doc.metadata["date"] == "2013-08-15"
    assert doc.metadata["categories"] == "a, b"
    assert "2013-08-15" not in doc.text


def test_headings_inline_markup_and_bold(tmp_path):
    doc = read("# **Directors Attending**\n\nSetext Title\n============\n\n"
               "A [link](https://x.org) and <https://y.org> and the &quot;Board&quot; with *emphasis*.\n\n"
               "**Funding**\n\n### Sub\n", tmp_path)
    b = doc.blocks
    assert (b[0].kind, b[0].text, b[0].level) == ("heading", "Directors Attending", 1)
    assert (b[1].kind, b[1].text, b[1].level) == ("heading", "Setext Title", 1)
    assert b[2].text == 'A link and https://y.org and the "Board" with emphasis.'
    assert (b[3].kind, b[3].text, b[3].bold) == ("paragraph", "Funding", True)
    assert (b[4].kind, b[4].level) == ("heading", 3)


def test_lists_and_tables(tmp_path):
    doc = read("## Actions\n\n* one\n  * nested\n* two\n\n1. first\n\n"
               "| Action | Owner |\n|---|---|\n| Write | **JS** |\n| Call | AB |\n", tmp_path)
    items = [(b.text, b.level) for b in doc.blocks if b.kind == "list_item"]
    assert items == [("one", 0), ("nested", 1), ("two", 0), ("first", 0)]
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert [r.cell_texts() for r in rows] == [["Action", "Owner"], ["Write", "JS"], ["Call", "AB"]]
    assert rows[0].header and not rows[1].header
    for r in rows:
        for c in r.cells:
            assert doc.text[c.start:c.end] == c.text


def test_label_lines_and_br_split(tmp_path):
    doc = read("Date: 5 May\nPresent: A, B<br>Regrets: C\nnot a label, wrapped text\n\n"
               "<div>Raw <b>html</b> block</div>\n\n```\ncode line\n```\n", tmp_path)
    texts = [b.text for b in doc.blocks]
    assert "Date: 5 May" in texts
    assert "Present: A, B" in texts
    assert "Regrets: C not a label, wrapped text" in texts
    assert "Raw html block" in texts
    assert "code line" in texts


def test_headingless_markdown_gets_layout_headings(tmp_path):
    doc = read("Minutes\n\n4. Matters Arising:\n\nThe clerk reported.\n\n5. Declaration of Interest:\n\nNone.\n", tmp_path)
    heads = [b.text for b in doc.blocks if b.kind == "heading"]
    assert heads == ["Minutes", "4. Matters Arising:", "5. Declaration of Interest:"]


def _norm(s: str) -> str:
    import re
    s = re.sub(r"^\s*(\d+\.|[a-z]\))\s*", "", s)
    return s.strip().rstrip(":").strip()


@pytest.mark.shared
@pytest.mark.parametrize("name", ["19_nodejs-tsc_2026-03-04.md", "22_dsf-board_2025-12-11.md",
                                  "25_carpentrycon-taskforce_2016-12-19", "32_stoke-ferry-parish_2013-07-10.md"])
def test_real_markdown_headings_match_gold(name):
    if not CORPUS.exists():
        pytest.skip("../shared/corpus not present")
    gold = json.loads((CORPUS / "gold" / f"{name}.json").read_text())["sections"]
    doc = read_document(CORPUS / "real" / name)
    assert doc.format == "markdown"
    heads = {_norm(b.text) for b in doc.blocks if b.kind == "heading"}
    found = [g for g in gold if _norm(g) in heads]
    assert len(found) >= 0.8 * len(gold), (set(gold) - set(found))


@pytest.mark.shared
def test_real_markdown_all_files_read():
    if not CORPUS.exists():
        pytest.skip("../shared/corpus not present")
    for p in sorted((CORPUS / "real").iterdir()):
        if p.suffix == ".md" or p.suffix == "":
            doc = read_document(p)
            assert doc.format == "markdown", p
            assert doc.blocks
            assert "**" not in doc.text.replace("\\*", ""), p


def test_one_item_numbered_lists_before_bullets_are_sub_headings(tmp_path):
    """Wiki exports number each topic '1.' as a one-item list with its points in a bullet list after it."""
    p = tmp_path / "w.md"
    p.write_text("Editors call, 5 May 2017\n\n## Minutes\n\n### Spec\n\n1.  Glossary terms\n\n- Ann: two are missing.\n\n"
                 "1.  Release plan\n\n- Bo: after the summer.\n\n### Website\n\n1.  Nothing to report, all is fine.\n\n"
                 "- Moved.\n", encoding="utf-8")
    doc = read_document(p)
    heads = [(b.text, b.level) for b in doc.blocks if b.kind == "heading"]
    assert heads == [("Minutes", 2), ("Spec", 3), ("Glossary terms", 4), ("Release plan", 4), ("Website", 3)]
