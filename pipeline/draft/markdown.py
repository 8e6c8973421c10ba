"""Meeting records and drafts as Markdown (``analyse --format md``, ``summarise``). Every piece of
document text is escaped with ``md_escape``; the only links are internal anchors built here.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from pipeline.core.output import plural
from pipeline.core.record import Meeting
from pipeline.draft.model import Draft, SectionRef, clean_text, date_differs, decision_extra, ref_label, version_of

PROCEDURAL_LABELS = frozenset({"procedural_schedule"})
OTHER_LABEL = "other"


_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>!|~])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_LINE_START = re.compile(r"^(\s*)(?:([#+\-=>])|(\d+)([.)]))")


def md_escape(text: str) -> str:
    """Escape Markdown (and inline HTML) so document text renders as the literal text it is.

    Inline markup characters (``<`` and ``>`` included: no inline HTML) are always escaped with a
    backslash, so the file reads as the text it is (no ``&amp;`` or ``&lt;``); an ``&`` only where it
    would start an entity (``&amp;``, ``&#38;``); block markers only where they would start a block.
    """
    text = " ".join(text.split())
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
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
               + (f", {plural(m.quality.pages, 'page')}" if m.quality.pages else "") + ")")
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


def _md(text: str | None) -> str:
    """Document text for Markdown: control characters dropped, then ``pipeline.draft.markdown.md_escape``."""
    return md_escape(clean_text(text))


def _md_link(text: str, ref: SectionRef | None) -> str:
    if ref is None:
        return _md(text)
    return f"[{_md(text)}](#section-{ref.index})"


def _page(ref: SectionRef | None) -> str:
    return f", p. {ref.page}" if ref is not None and ref.page else ""


def render_markdown(draft: Draft) -> str:
    """The draft as Markdown (GitHub flavour: tables; section anchors are ``<a id>`` tags)."""
    e = _md
    out: list[str] = [f"# {e(draft.title)}", ""]
    out.append(f"**Date:** {e(draft.date_display)}"
               + (f" — as written: {e(draft.date_text)}" if date_differs(draft) else "") + "  ")
    src = PurePath(draft.source_file).name
    out.append(f"**Source:** {e(src)} ({e(draft.source_format)}" + (f", {plural(draft.pages, 'page')}" if draft.pages else "") + ")  ")
    out.append(f"_Draft summary by minutebook {version_of(draft)}: check it against the minutes before sending._")

    a = draft.attendance
    out += ["", "## Attendance", ""]
    rows = [("Chair", [a.chair] if a.chair else []), ("Present", a.present), ("Apologies", a.apologies),
            ("Guests", a.guests), ("Absent", a.absent), ("Minutes", [a.minutes] if a.minutes else [])]
    lines = [f"- **{label}{f' ({len(names)})' if len(names) > 1 else ''}:** {', '.join(e(n) for n in names)}"
             for label, names in rows if names]
    out += lines or ["_No attendance list found._"]

    out += ["", "## Decisions", ""]
    if draft.decisions:
        for k, d in enumerate(draft.decisions, 1):
            extra = decision_extra(d)
            where = f" ({_md_link(ref_label(d.section), d.section)}{_page(d.section)})" if d.section else ""
            out.append(f"{k}. {e(d.lead or d.text)}" + (f" — {e(extra)}" if extra else "") + where)
            if d.lead:
                out += [f"    - {e(item)}" for item in d.items]
    else:
        out.append("_No decisions recorded._")

    out += ["", "## Actions", ""]
    if draft.actions:
        out += ["| # | Owner | Task | Due | Noted as | Section |", "| --- | --- | --- | --- | --- | --- |"]
        for k, act in enumerate(draft.actions, 1):
            owner = e(act.owner_display) if act.owner else "_no owner named_"
            if act.resolved_display:
                owner += f" ({e(act.resolved_display)})"
            where = _md_link(ref_label(act.section), act.section) if act.section else ""
            out.append(f"| {k} | {owner} | {e(act.task)} | {e(act.due_display)} | "
                       f"{'action' if act.explicit else 'inferred'} | {where} |")
    else:
        out.append("_No actions recorded._")

    out += ["", "## Discussion by theme", ""]
    if draft.discussion:
        for g in draft.discussion:
            out += [f"### {e(g.name)}", ""]
            for it in g.items:
                if it.primary:
                    head = f"**{_md_link(ref_label(it.section), it.section)}**{_page(it.section)}"
                    out.append(f"- {head}: {e(it.summary)}" if it.summary else f"- {head}: _no summary_")
            also = [it for it in g.items if not it.primary]
            if also:
                if any(it.primary for it in g.items):
                    out.append("")
                out.append("_Also discussed in:_ " + ", ".join(
                    f"{_md_link(ref_label(it.section), it.section)} (under _{e(it.primary_theme or '')}_)"
                    for it in also))
            out.append("")
        out.pop()
    else:
        out.append("_No section summaries._")

    out += ["", "## Next meeting", ""]
    if draft.next_meetings:
        for n in draft.next_meetings:
            written = f" — as written: “{e(n.text)}”" if n.date else ""
            out.append(f"- {e(n.display)}{written}")
    else:
        out.append("_No next meeting found._")

    out += ["", "## Check these", ""]
    if draft.warnings:
        for w in draft.warnings:
            where = f" ({_md_link(ref_label(w.section), w.section)}{_page(w.section)})" if w.section else ""
            out.append(f"- **{e(w.title)}:** {e(w.message)}{where}")
    else:
        out.append("_Nothing flagged._")

    if draft.sections:
        out += ["", "## Sections of the minutes", ""]
        for s in draft.sections:
            themes = f" — {', '.join(e(t) for t in s.theme_names)}" if s.theme_names else ""
            out.append(f"{'  ' * max(0, s.level - 1)}- <a id=\"section-{s.ref.index}\"></a>{e(ref_label(s.ref))}"
                       f"{_page(s.ref)}{themes}")
    return "\n".join(out).rstrip() + "\n"


