"""HTML reader: headings, paragraphs with <br>, lists, tables, dl, dropped elements, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract import ReadOptions, get_reader, read_document

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"


def read(html: str, tmp_path: Path):
    p = tmp_path / "m.html"
    data = html.encode("utf-8")
    p.write_bytes(data)
    return get_reader("html")(p, data, ReadOptions())


PAGE = """<!DOCTYPE html><html><head><title>Board &amp; Council</title><style>p{}</style>
<script>var x = "not text";</script></head><body>
<nav><a href="/">Home</a></nav>
<h1>Minutes</h1>
<p>Present: A, B<br>Regrets: C</p>
<p><strong>Funding</strong></p>
<div>Loose <em>div</em> text</div>
<ul><li>one<ul><li>nested</li></ul></li><li>two</li></ul>
<dl><dt>Chair</dt><dd>Ann</dd></dl>
<h3>Actions</h3>
<table><tr><th>Action</th><th>Owner</th></tr><tr><td>Write</td><td><table><tr><td>JS</td></tr></table></td></tr></table>
<pre>line one
line two</pre>
<blockquote><p>Quoted</p></blockquote>
<noscript>enable js</noscript><template><p>hidden</p></template><p hidden>gone</p>
</body></html>"""


def test_structure(tmp_path):
    doc = read(PAGE, tmp_path)
    assert doc.metadata["title"] == "Board & Council"
    ks = [(b.kind, b.text) for b in doc.blocks]
    assert ks[0] == ("heading", "Minutes")
    assert ("paragraph", "Present: A, B") in ks and ("paragraph", "Regrets: C") in ks
    funding = next(b for b in doc.blocks if b.text == "Funding")
    assert funding.bold and funding.kind == "paragraph"
    assert ("paragraph", "Loose div text") in ks
    items = [(b.text, b.level) for b in doc.blocks if b.kind == "list_item"]
    assert items == [("one", 0), ("nested", 1), ("two", 0)]
    assert ("paragraph", "Chair: Ann") in ks
    h3 = next(b for b in doc.blocks if b.text == "Actions")
    assert h3.kind == "heading" and h3.level == 3
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert [r.cell_texts() for r in rows] == [["Action", "Owner"], ["Write", "JS"]]
    assert rows[0].header and not rows[1].header
    assert ("paragraph", "line one") in ks and ("paragraph", "line two") in ks
    assert ("paragraph", "Quoted") in ks
    for bad in ("not text", "enable js", "hidden", "gone", "Home"):
        assert bad not in doc.text
    order = [b.text for b in doc.blocks]
    assert order.index("Minutes") < order.index("Funding") < order.index("Actions") < order.index("Quoted")


def test_layout_table_with_lists(tmp_path):
    doc = read("<table><tr><td><b>1</b></td><td>Apologies<ul><li>Rohit</li><li>Toby</li></ul></td><td>MW</td></tr>"
               "<tr><td>2</td><td>AOB</td><td>All</td></tr></table>", tmp_path)
    ks = [(b.kind, b.text) for b in doc.blocks]
    assert ks == [("table_row", "1 | Apologies | MW"), ("list_item", "Rohit"), ("list_item", "Toby"),
                  ("table_row", "2 | AOB | All")]
    assert doc.blocks[3].row == 1


def test_deep_nesting_does_not_recurse(tmp_path):
    doc = read("<div>" * 3000 + "deep text" + "</div>" * 3000, tmp_path)
    assert any("deep text" in b.text for b in doc.blocks) or doc.blocks == []


def test_spans(tmp_path):
    doc = read(PAGE, tmp_path)
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text
        for c in b.cells or []:
            assert doc.text[c.start:c.end] == c.text


@pytest.mark.shared
def test_real_w3c_minutes_headings():
    if not CORPUS.exists():
        pytest.skip("../shared/corpus not present")
    name = "15_w3c-wot-td_2025-10-22.html"
    gold = json.loads((CORPUS / "gold" / f"{name}.json").read_text())["sections"]
    doc = read_document(CORPUS / "real" / name)
    heads = [b.text for b in doc.blocks if b.kind == "heading"]
    assert all(g in heads for g in gold), heads
    assert any(b.text.startswith("Present: Cristiano_Aguzzi") for b in doc.blocks)
    assert doc.metadata["title"].startswith("WoT Thing Description")


@pytest.mark.shared
def test_real_layout_table_html():
    if not CORPUS.exists():
        pytest.skip("../shared/corpus not present")
    doc = read_document(CORPUS / "real" / "17_cssuob_committee_2025-11-18.html")
    rows = [b.cell_texts() for b in doc.blocks if b.kind == "table_row"]
    assert ["1", "Apologies", "MW"] in rows
    assert any(b.kind == "list_item" and b.text.startswith("ACTION ML: Make placecards") for b in doc.blocks)


# --- web pages: the minutes among a site's menus, sidebars and footer ---------------------------

_CHROME_TOP = ('<div class="site-header"><a href="/">Example Project</a><ul class="menu"><li><a href="/">Home</a></li>'
               '<li><a href="/docs">Docs</a></li><li><a href="/community">Community</a></li></ul></div>')
_SIDEBAR = ('<div class="sidebar"><h3>Governance</h3><ul><li><a href="/tsc">Steering Committee</a></li>'
            '<li><a href="/charter">Charter</a></li></ul><h3>Recent posts</h3><ul><li><a href="/p1">Release 4.2 is out'
            '</a></li><li><a href="/p2">Call for speakers</a></li></ul></div>')
_FOOTER = '<div class="footer"><h4>About</h4><p>A community project. <a href="/l">License</a> <a href="/p">Privacy</a></p></div>'
_MINUTES = ('<h1>TSC meeting 2024-05-02</h1><h2>Attendees</h2><ul><li>Ann Lee (chair)</li><li>Bo Chan</li></ul>'
            '<h2>Release schedule</h2><p>Ann proposed moving the 4.3 release to June because two blocking issues are '
            'still open. The committee agreed after a short discussion of the risks involved.</p>'
            '<h2>Security policy</h2><p>Bo summarised the draft policy; comments are due by the end of the month, '
            'after which the policy goes to a vote.</p><h2>Action items</h2><table><tr><th>Action</th><th>Owner</th>'
            '</tr><tr><td>Publish the schedule</td><td>Ann</td></tr></table>')


def _headings(doc):
    return [b.text for b in doc.blocks if b.kind == "heading"]


def test_page_main_element_leaves_out_menus_sidebar_and_footer(tmp_path):
    html = f"<html><body>{_CHROME_TOP}<div>{_SIDEBAR}<main>{_MINUTES}</main></div>{_FOOTER}</body></html>"
    doc = read(html, tmp_path)
    assert _headings(doc) == ["TSC meeting 2024-05-02", "Attendees", "Release schedule", "Security policy",
                              "Action items"]
    assert "Bo Chan" in doc.text and "Publish the schedule" in doc.text
    assert any("main" in n for n in doc.quality.notes)


def test_sidebar_of_links_in_an_aside_is_left_out(tmp_path):
    html = ("<html><body><aside><h2>On this page</h2><ul><li><a href='#a'>Attendees</a></li><li><a href='#b'>Actions"
            "</a></li></ul></aside><h1>Group call, 3 May 2024</h1><aside><p>Note: the recording failed, so these "
            "notes are from memory.</p></aside><h2>Attendees</h2><p>Ann, Bo</p></body></html>")
    doc = read(html, tmp_path)
    assert _headings(doc) == ["Group call, 3 May 2024", "Attendees"]
    assert "the recording failed" in doc.text  # an aside that is a note, not links, is kept


def test_page_without_semantic_markup_uses_readability(tmp_path):
    pytest.importorskip("readability")
    html = f"<html><body>{_CHROME_TOP}<div class='container'>{_SIDEBAR}<div class='content'>{_MINUTES}</div></div>" \
           f"{_FOOTER}</body></html>"
    doc = read(html, tmp_path)
    assert _headings(doc) == ["TSC meeting 2024-05-02", "Attendees", "Release schedule", "Security policy",
                              "Action items"]
    assert "Bo Chan" in doc.text  # the short list readability itself would prune is read


def test_page_whose_other_text_is_minutes_is_read_whole(tmp_path):
    pytest.importorskip("readability")
    irc = "".join(f"<p>&lt;ann&gt; item {k}: we looked at the open pull requests and merged two</p>" for k in range(12))
    html = (f"<html><body><h1>WG call, 9 May 2024</h1><h2>Attendees</h2><p>Ann, Bo</p><h2>Minutes</h2>{irc}"
            "<div class='long'><p>Bo gave a long report on the state of the build farm, the flaky tests on the "
            "Windows runners, the migration of the documentation site and the plans for the next release, which "
            "everyone agreed should go out at the end of the month after the last fixes land.</p></div>"
            "<h2>Diagnostics</h2><p>Maybe present: Cy</p></body></html>")
    doc = read(html, tmp_path)
    assert "Attendees" in _headings(doc) and "item 11" in doc.text


# ---- encodings (issue 19) --------------------------------------------------------------------------

def test_latin1_html_without_a_charset_is_read_as_windows_1252(tmp_path):
    from pipeline.extract import read_document

    html = "<html><body><h1>Minutes</h1><p>Present: Ana Núñez (Chair), José Peña.</p><p>The fee is £40.</p></body></html>"
    p = tmp_path / "latin1.html"
    p.write_bytes(html.encode("latin-1"))
    doc = read_document(p)
    assert "Núñez" in doc.text and "£40" in doc.text and "Peña" in doc.text
    assert doc.quality.encoding == "cp1252" and any("windows-1252" in n for n in doc.quality.notes)
    # a declared charset is honoured (iso-8859-1 read as browsers do, as windows-1252)
    declared = tmp_path / "declared.html"
    declared.write_bytes(html.replace("<html>", '<html><head><meta charset="iso-8859-2"></head>')
                         .replace("Ana Núñez", "Jan Dvořák").replace("José Peña", "Eva Nováková")
                         .replace("£", "Kč ").encode("iso-8859-2"))
    assert "Dvořák" in read_document(declared).text
    meta = tmp_path / "meta.html"
    meta.write_bytes(html.replace("<html>", '<html><head><meta http-equiv="Content-Type" '
                                            'content="text/html; charset=ISO-8859-1"></head>').encode("latin-1"))
    assert "Núñez" in read_document(meta).text and "£40" in read_document(meta).text
    # UTF-8 stays UTF-8, with no note
    utf8 = tmp_path / "utf8.html"
    utf8.write_text(html, encoding="utf-8")
    doc = read_document(utf8)
    assert "Núñez" in doc.text and not any("charset" in n for n in doc.quality.notes)


# --- XHTML: read as HTML without a parser warning; entities of its own refused (billion laughs) ----

_XHTML = ('<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
          '<title>Minutes</title></head><body><h1>Board minutes 3 May 2024</h1><p>{body}</p></body></html>')


def test_xhtml_reads_without_a_parser_warning(tmp_path, recwarn):
    p = tmp_path / "m.xhtml"
    p.write_text(_XHTML.format(doctype='<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
                                       '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">',
                               body="The board approved the budget."), encoding="utf-8")
    doc = read_document(p)
    assert [b.text for b in doc.blocks] == ["Board minutes 3 May 2024", "The board approved the budget."]
    assert not [w for w in recwarn if "XML" in str(w.message)]


def test_xhtml_billion_laughs_is_refused_as_entity_expansion(tmp_path):
    from pipeline.core.errors import CorruptDocument

    ents = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    p = tmp_path / "laughs.xhtml"
    p.write_text(_XHTML.format(doctype=f"<!DOCTYPE html [{ents}]>", body="&lol9;"), encoding="utf-8")
    with pytest.raises(CorruptDocument) as e:
        read_document(p)
    line = e.value.one_line()
    assert "the page declares its own XML entities" in line and "entity expansion refused" in line
    assert "[MB006]" in line and "laughs.xhtml" in line and "damaged" not in line
