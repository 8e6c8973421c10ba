"""Property tests for the DOCX, HTML, Markdown and text readers.

(a) any input yields a Document or a MinutebookError, never another exception;
(b) no text is lost between the input and the blocks;
(c) every block's (and cell's) span points at its text in ``Document.text``.
"""

from __future__ import annotations

import html as htmllib
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.document import Document
from pipeline.core.errors import MinutebookError
from pipeline.extract import ReadOptions, get_reader

FORMATS = ["docx", "html", "markdown", "text"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PATH = Path("prop-input")


def check_spans(doc: Document) -> None:
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text
        for c in b.cells or []:
            assert doc.text[c.start:c.end] == c.text


def run_reader(fmt: str, data: bytes) -> Document | None:
    try:
        doc = get_reader(fmt)(PATH, data, ReadOptions())
    except MinutebookError:
        return None
    assert isinstance(doc, Document)
    check_spans(doc)
    return doc


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for k, v in members.items():
            z.writestr(k, v)
    return buf.getvalue()


# -- (a) + (c): arbitrary input ---------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(fmt, data):
    run_reader(fmt, data)


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
@SETTINGS
@given(text=st.text(max_size=1500))
def test_arbitrary_text_never_crashes(fmt, text):
    run_reader(fmt, text.encode("utf-8"))


_MARKUP = st.lists(st.sampled_from([
    "<p>", "</p>", "<br>", "<ul>", "<li>", "</li>", "</ul>", "<table>", "<tr>", "<td>", "<th>", "</td>",
    "</table>", "<h2>", "</h2>", "<b>", "</b>", "<dl>", "<dt>", "<dd>", "<pre>", "</pre>", "# ", "## ",
    "**", "*", "- ", "1. ", "| a | b |\n|---|---|\n", "\n", "\n\n", "---\n", "Present: ", "word ", "&amp;",
    "<!--", "-->", "<script>", "```", "> ", "    ", "\t", "•", "[x](y)", "<div>", "</div>", "Title Case Line\n",
]), max_size=80).map("".join)


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
@SETTINGS
@given(text=_MARKUP)
def test_markup_soup_never_crashes(fmt, text):
    run_reader(fmt, text.encode("utf-8"))


@SETTINGS
@given(xml=st.one_of(st.binary(max_size=300), _MARKUP.map(lambda s: s.encode())),
       wrap=st.booleans())
def test_docx_with_arbitrary_document_xml(xml, wrap):
    if wrap:
        xml = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
               + xml + b"</w:body></w:document>")
    run_reader("docx", _zip({"word/document.xml": xml, "word/styles.xml": xml[:50]}))


# -- (b): no text lost -------------------------------------------------------------------------

def _nonspace(s: str) -> str:
    return "".join(s.replace("\u200b", "").replace("\ufeff", "").split())


@SETTINGS
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=1500))
def test_plain_text_keeps_every_character(text):
    doc = run_reader("text", text.encode("utf-8"))
    assert doc is not None
    rebuilt = "".join((b.style or "") + b.text if b.kind in ("list_item", "heading") else b.text
                      for b in doc.blocks)
    assert _nonspace(rebuilt) == _nonspace(text.replace("\r\n", "\n").replace("\r", "\n"))


_TEXT_LINES = st.lists(st.one_of(
    st.from_regex(r"[A-Za-z][a-z]{0,9}( [a-z]{1,9}){0,12}[.:]?", fullmatch=True),
    st.sampled_from(["", "", "- item", "  * sub item", "1. First", "Present: A B", "Title Line", "HEADING",
                     "https://example.org/x", "\t- tabbed", "o option", "• dot", "(i) roman", "a) letter"]),
), max_size=40).map("\n".join)


@SETTINGS
@given(text=_TEXT_LINES)
def test_minutes_like_text_keeps_every_character(text):
    doc = run_reader("text", text.encode("utf-8"))
    assert doc is not None
    rebuilt = "".join((b.style or "") + b.text if b.kind in ("list_item", "heading") else b.text
                      for b in doc.blocks)
    assert _nonspace(rebuilt) == _nonspace(text)


WORD = st.from_regex(r"[A-Za-z]{1,10}", fullmatch=True)
WORDS = st.lists(WORD, min_size=1, max_size=8)
ELEMENT = st.one_of(
    st.tuples(st.just("h"), st.integers(1, 6), WORDS),
    st.tuples(st.just("p"), st.just(0), WORDS),
    st.tuples(st.just("b"), st.just(0), WORDS),
    st.tuples(st.just("ul"), st.integers(0, 2), st.lists(WORDS, min_size=1, max_size=4)),
    st.tuples(st.just("table"), st.just(0), st.lists(WORDS, min_size=2, max_size=3)),
)
DOC = st.lists(ELEMENT, min_size=1, max_size=12)


def expected_words(elements) -> list[str]:
    out: list[str] = []
    for kind, _, body in elements:
        if kind in ("ul", "table"):
            for ws in body:
                out.extend(ws)
        else:
            out.extend(body)
    return out


def to_markdown(elements) -> str:
    parts = []
    for kind, n, body in elements:
        if kind == "h":
            parts.append("#" * n + " " + " ".join(body))
        elif kind == "p":
            parts.append(" ".join(body))
        elif kind == "b":
            parts.append("**" + " ".join(body) + "**")
        elif kind == "ul":
            parts.append("\n".join("  " * min(i, n) + "- " + " ".join(ws) for i, ws in enumerate(body)))
        else:
            parts.append("| " + " | ".join(" ".join(ws) for ws in body) + " |\n|" + "---|" * len(body))
    return "\n\n".join(parts) + "\n"


def to_html(elements) -> str:
    parts = ["<html><head><title>T-1 title 0</title></head><body>"]
    for kind, n, body in elements:
        text = htmllib.escape(" ".join(body)) if kind not in ("ul", "table") else ""
        if kind == "h":
            parts.append(f"<h{n}>{text}</h{n}>")
        elif kind == "p":
            parts.append(f"<p>{text}</p>")
        elif kind == "b":
            parts.append(f"<div><strong>{text}</strong></div>")
        elif kind == "ul":
            parts.append("<ul>" + "".join(f"<li>{' '.join(ws)}</li>" for ws in body) + "</ul>")
        else:
            parts.append("<table><tr>" + "".join(f"<td>{' '.join(ws)}</td>" for ws in body) + "</tr></table>")
    return "".join(parts) + "</body></html>"


def to_docx(elements) -> bytes:
    d = docx.Document()
    for kind, n, body in elements:
        if kind == "h":
            d.add_heading(" ".join(body), level=n)
        elif kind == "p":
            d.add_paragraph(" ".join(body))
        elif kind == "b":
            d.add_paragraph().add_run(" ".join(body)).bold = True
        elif kind == "ul":
            for ws in body:
                d.add_paragraph(" ".join(ws), style="List Bullet")
        else:
            t = d.add_table(rows=1, cols=len(body))
            for i, ws in enumerate(body):
                t.cell(0, i).text = " ".join(ws)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def assert_words_in_order(doc: Document, words: list[str]) -> None:
    got = re.findall(r"[A-Za-z]+", " ".join(b.text for b in doc.blocks))
    it = iter(got)
    missing = [w for w in words if not any(g == w for g in it)]
    assert not missing, (missing, got)


@SETTINGS
@given(elements=DOC)
def test_markdown_keeps_words_in_order(elements):
    doc = run_reader("markdown", to_markdown(elements).encode())
    assert doc is not None
    assert_words_in_order(doc, expected_words(elements))


@SETTINGS
@given(elements=DOC)
def test_html_keeps_words_in_order(elements):
    doc = run_reader("html", to_html(elements).encode())
    assert doc is not None
    assert_words_in_order(doc, expected_words(elements))
    assert "T-1 title 0" not in doc.text  # <title> is metadata, not a block


@settings(max_examples=25, deadline=None)
@given(elements=DOC)
def test_docx_keeps_words_in_order(elements):
    doc = run_reader("docx", to_docx(elements))
    assert doc is not None
    assert_words_in_order(doc, expected_words(elements))
