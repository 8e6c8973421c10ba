"""Render a meeting record for people (Markdown). Every piece of document text is escaped."""

from __future__ import annotations

import re

from pipeline.core.record import Meeting

_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>!|~])")
_MD_LINE_START = re.compile(r"^(\s*)(?:([#+\-=>])|(\d+)([.)]))")


def md_escape(text: str) -> str:
    """Escape Markdown (and inline HTML) so document text renders as the literal text it is.

    Inline markup characters are always escaped; block markers only where they would start a block.
    """
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_LINE_START.sub(
        lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\" + m.group(4)), text)


def _cell(text: str) -> str:
    return md_escape(text)  # md_escape already escapes "|"


def meeting_markdown(m: Meeting) -> str:
    out: list[str] = []
    out.append(f"# {md_escape(m.title or 'Untitled meeting')}")
    out.append("")
    date = m.meeting_date or "unknown"
    if m.meeting_date_detail and m.meeting_date_detail.year_inferred:
        date += " (year inferred)"
    out.append(f"- **Date:** {md_escape(date)}")
    out.append(f"- **Source:** `{m.file.replace('`', '')}` ({m.format}"
               + (f", {m.quality.pages} pages" if m.quality.pages else "") + ")")
    a = m.attendees
    if a.chair:
        out.append(f"- **Chair:** {md_escape(a.chair)}")
    for label, names in (("Present", a.present), ("Apologies", a.apologies), ("Guests", a.guests),
                         ("Absent", a.absent)):
        if names:
            out.append(f"- **{label}:** {', '.join(md_escape(n) for n in names)}")
    if a.minutes:
        out.append(f"- **Minutes:** {md_escape(a.minutes)}")
    if m.section_tree:
        out += ["", "## Sections", ""]
        for s in m.section_tree:
            depth = 0
            p = s.parent
            while p is not None:
                depth += 1
                p = m.section_tree[p].parent
            num = f"{md_escape(s.number)} " if s.number else ""
            page = f" (p. {s.provenance.page})" if s.provenance.page else ""
            out.append(f"{'  ' * depth}- {num}{md_escape(s.heading)}{page}")
    if m.actions:
        out += ["", "## Actions", "", "| Owner | Task | Due |", "| --- | --- | --- |"]
        for act in m.actions:
            owner = ", ".join(act.owner) or "_no owner named_"
            out.append(f"| {_cell(owner) if act.owner else owner} | {_cell(act.task)} | {_cell(act.due or '')} |")
    if m.decisions:
        out += ["", "## Decisions", ""]
        out += [f"- {md_escape(d.text)}" for d in m.decisions]
    if m.next_meeting:
        out += ["", "## Next meeting", ""]
        out += [f"- {md_escape(n)}" for n in m.next_meeting]
    if m.tables:
        out += ["", f"## Tables ({len(m.tables)})", ""]
        for t in m.tables:
            cols = max([len(t.header or [])] + [len(r) for r in t.rows]) or 1
            head = (t.header or [""] * cols) + [""] * (cols - len(t.header or []))
            out.append("| " + " | ".join(_cell(c) for c in head) + " |")
            out.append("|" + " --- |" * cols)
            for r in t.rows:
                r = r + [""] * (cols - len(r))
                out.append("| " + " | ".join(_cell(c) for c in r) + " |")
            out.append("")
    if m.warnings:
        out += ["", "## Check these", ""]
        out += [f"- {md_escape(w.message)}" for w in m.warnings]
    return "\n".join(out).rstrip() + "\n"
