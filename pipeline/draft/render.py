"""One entry point for every draft format: ``render_draft(draft, "md" | "html" | "json" | "docx")``
returns the file's bytes (the CLI, the web page and users' code write them where they like)."""

from __future__ import annotations

import io

from pipeline.draft.model import Draft, render_json

FORMATS = ("md", "html", "json", "docx")


def render_draft(draft: Draft, fmt: str) -> bytes:
    """The draft in ``fmt``: UTF-8 text for md/html/json, a Word document for docx."""
    if fmt == "md":
        from pipeline.draft.markdown import render_markdown

        return render_markdown(draft).encode("utf-8")
    if fmt == "html":
        from pipeline.draft.html import render_html

        return render_html(draft).encode("utf-8")
    if fmt == "json":
        return render_json(draft).encode("utf-8")
    if fmt == "docx":
        from pipeline.draft.docx import render_docx

        buf = io.BytesIO()
        render_docx(draft, buf)
        return buf.getvalue()
    raise ValueError(f"unknown draft format {fmt!r}; one of {', '.join(FORMATS)}")
