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


def choose_meetings(path: object, which: str):
    """``--meeting``: a function picking meetings from a file's records: 'last' (the one just held, the
    default), 'all', or a number from 1. A bad value fails at once, before any analysis."""
    from pipeline.core.errors import MinutebookError

    w = (which or "last").strip().lower()
    if w == "last":
        return lambda ms: ms[-1:]
    if w == "all":
        return lambda ms: list(ms)
    if not w.isdigit() or int(w) < 1:
        raise MinutebookError(path, f"--meeting {which!r} is not a meeting number, 'last' or 'all'",
                              "pass --meeting 1 for the first meeting of the file, 'last' or 'all'")
    n = int(w)

    def pick(ms):
        if n > len(ms):
            raise MinutebookError(path, f"the file holds {len(ms)} meeting(s), not {n}",
                                  f"pass --meeting 1 to {len(ms)}, 'last' or 'all'")
        return [ms[n - 1]]

    return pick


def render_drafts(drafts: list[Draft], fmt: str, output=None) -> list[tuple[object, bytes]]:
    """Where each rendered draft goes: ``(path or None for standard output, bytes)``. One draft goes to
    ``output``; several go one after another (Markdown, separated by a rule), as one JSON list, or to
    numbered files beside ``output`` (HTML, Word: ``draft-1.docx``, ``draft-2.docx``, ...)."""
    from pathlib import Path

    from pipeline.core.errors import MinutebookError

    if len(drafts) == 1:
        return [(output, render_draft(drafts[0], fmt))]
    if fmt == "md":
        return [(output, b"\n\n---\n\n".join(render_draft(d, fmt) for d in drafts))]
    if fmt == "json":
        return [(output, ("[" + ",\n".join(render_json(d) for d in drafts) + "]\n").encode("utf-8"))]
    if output is None:
        raise MinutebookError(None, f"several {fmt} drafts need a file to go to", f"add -o draft.{fmt}")
    out = Path(output)
    return [(out.with_name(f"{out.stem}-{i}{out.suffix}"), render_draft(d, fmt)) for i, d in enumerate(drafts, 1)]
