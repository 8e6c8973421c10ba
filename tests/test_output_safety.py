"""Output safety: nothing a document says can reach the file system or become a live link.

A minute can name paths (``../../etc/passwd``, ``file:///…``), carry a DOCX whose zip entries and
relationships point outside the package (zip slip, external sub-documents, linked images), or HTML and
Markdown that embed local files. The readers work in memory on the one file they were given: these
tests plant a canary file beside the document and check that its content never appears in the record,
no file is created outside the folders the user named, and every link in a rendered draft is an
in-page anchor. (Escaping of ``<script>`` and ``javascript:`` in each output format:
tests/draft/test_draft.py and tests/test_cli.py; search text that could break SQL/FTS: tests/archive/test_archive.py.)
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pipeline.extract import read_document

CANARY = "CANARY-7f3a-secret-contents"

MINUTES = ("Minutes of the Finance Committee, 4 March 2025\n\nPresent: Ana Lima (Chair), Bo Chen\n\n"
           "1. Budget\nThe committee agreed the budget. Action: Bo Chen to circulate the accounts by 1 April 2025.\n")


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    secret = tmp_path / "secret" / "passwd"
    secret.parent.mkdir()
    secret.write_text(CANARY + "\n")
    return secret


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _docx_with_traversal(target: Path, secret: Path) -> None:
    rel = os.path.relpath(secret, target.parent)
    body = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in MINUTES.splitlines() if line)
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<w:body>{body}<w:altChunk r:id="rIdX"/><w:subDoc r:id="rIdY"/></w:body></w:document>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk" Target="../../{rel}"/>'
            f'<Relationship Id="rIdY" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/subDocument" Target="file://{secret}" TargetMode="External"/>'
            f'<Relationship Id="rIdZ" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="{secret}" TargetMode="External"/>'
            '</Relationships>')
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
             '</Types>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", document)
        z.writestr("word/_rels/document.xml.rels", rels)
        # zip slip: member names that would land outside any folder they were extracted to
        z.writestr("../../evil-zip-slip.txt", "written outside")
        z.writestr("/tmp/evil-absolute.txt", "written outside")
    target.write_bytes(buf.getvalue())


def test_docx_relationships_and_zip_slip_never_reach_the_file_system(tmp_path: Path, canary: Path):
    doc_path = tmp_path / "docs" / "board.docx"
    doc_path.parent.mkdir()
    _docx_with_traversal(doc_path, canary)
    before = _tree(tmp_path)
    doc = read_document(doc_path)
    assert "Budget" in doc.text and "Bo Chen" in doc.text  # the real text was read
    assert CANARY not in doc.text and CANARY not in str(doc.metadata)
    assert _tree(tmp_path) == before  # nothing written anywhere
    assert not Path("/tmp/evil-absolute.txt").exists()
    assert not (tmp_path.parent / "evil-zip-slip.txt").exists()


def test_html_and_markdown_references_to_local_files_are_not_followed(tmp_path: Path, canary: Path):
    rel = os.path.relpath(canary, tmp_path / "docs")
    refs = [str(canary), f"file://{canary}", f"../{rel}", rel]
    html = tmp_path / "docs" / "minutes.html"
    html.parent.mkdir()
    tags = "".join(f'<img src="{r}"><iframe src="{r}"></iframe><object data="{r}"></object><embed src="{r}">'
                   f'<link rel="import" href="{r}"><a href="{r}">the attachment</a>' for r in refs)
    body = "".join(f"<p>{line}</p>" for line in MINUTES.splitlines() if line)
    html.write_text(f"<html><head><title>Finance</title></head><body>{body}{tags}</body></html>")
    md = tmp_path / "docs" / "minutes.md"
    md.write_text(MINUTES + "\n" + "\n".join(f"![scan]({r}) [attachment]({r}) <img src=\"{r}\">" for r in refs) + "\n")
    before = _tree(tmp_path)
    for p in (html, md):
        doc = read_document(p)
        assert "Budget" in doc.text
        assert CANARY not in doc.text, p.name
    assert _tree(tmp_path) == before


def test_rendered_draft_links_only_inside_the_page(tmp_path: Path, canary: Path):
    """Paths and URLs written in a minute come out as text; the only links a draft makes are #anchors."""
    from pipeline.api import analyse
    from pipeline.draft.build import build_draft
    from pipeline.draft.html import render_html
    from pipeline.draft.markdown import render_markdown

    text = (MINUTES + f"\n2. Papers\nIt was agreed to file the paper at {canary} and file://{canary} and ../../etc/passwd "
            "and [the file](../../etc/passwd) and <a href=\"file:///etc/passwd\">here</a>.\n")
    src = tmp_path / "minutes.txt"
    src.write_text(text)
    meeting = analyse(src, stages=["extract", "structure", "detect"])
    draft = build_draft(meeting)
    soup = BeautifulSoup(render_html(draft), "html.parser")
    hrefs = [a.get("href") for a in soup.find_all(href=True)] + [t.get("src") for t in soup.find_all(src=True)]
    assert hrefs and all(h.startswith("#") for h in hrefs), hrefs
    assert "../../etc/passwd" in soup.get_text()  # shown as the text it is
    md = render_markdown(draft)
    assert CANARY not in md
    # parse the Markdown as a renderer would: every link or image it makes is an in-page anchor
    from markdown_it import MarkdownIt

    targets = [t.attrGet("href") or t.attrGet("src") for tok in MarkdownIt("commonmark").parse(md)
               for t in (tok.children or []) if t.type in ("link_open", "image")]
    assert targets and all(str(h).startswith("#") for h in targets), targets
    assert "../../etc/passwd" in md  # the path is still there, as text


def test_tag_writes_only_the_archive(tmp_path: Path, canary: Path):
    """A batch over a folder whose documents name paths creates the archive and nothing else."""
    from pipeline.scale.batch import run_batch

    docs = tmp_path / "docs"
    docs.mkdir()
    _docx_with_traversal(docs / "a.docx", canary)
    (docs / "b.md").write_text(MINUTES + f"\n![x](../{os.path.relpath(canary, tmp_path)})\n")
    db = tmp_path / "out" / "archive.db"
    db.parent.mkdir()
    before = _tree(tmp_path)
    report = run_batch([docs], db=db, stages=["extract", "structure"], vectors=False)
    assert report.total == 2 and not report.failures, report.failures
    created = _tree(tmp_path) - before
    assert created and all(c.startswith("out/archive.db") for c in created), created
