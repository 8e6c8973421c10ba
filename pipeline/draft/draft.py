"""The draft summary a secretary checks and sends after a meeting (``minutebook summarise``).

``build_draft(meeting)`` turns a meeting record into a ``Draft``: typed and renderer-neutral, with
everything the summary shows (title and date, attendance, decisions, the actions table, the
discussion grouped by theme with each section's summary, the next meetings, the warnings to check)
and, for each item, the section of the minutes it comes from (index, heading, page, anchor
``section-N`` where N is the index in ``Meeting.section_tree``).

Renderers: ``render_markdown``, ``render_html`` (standalone page), ``render_docx`` (Word),
``render_json`` and ``render_ics`` (next meetings and dated actions for a calendar).

Every piece of document text is escaped in every format: Markdown with ``render.md_escape``, HTML
with Jinja2 autoescape, DOCX and ICS through their libraries (plus removal of characters XML cannot
hold). The only links the renderers write are internal anchors they build themselves.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path, PurePath
from typing import Literal

from pydantic import BaseModel, Field

from pipeline.core.record import Meeting, Provenance
from pipeline.draft.meeting_md import md_escape

PROCEDURAL_LABELS = frozenset({"procedural_schedule"})
OTHER_LABEL = "other"

# ------------------------------------------------------------------------------------------- model


class SectionRef(BaseModel):
    """Where an item comes from in the minutes: the link back to the section."""

    index: int = Field(description="index in Meeting.section_tree")
    heading: str
    number: str | None = None
    page: int | None = None
    anchor: str = Field(description="'section-N', the id renderers give the section")


class DraftSection(BaseModel):
    """One section of the minutes, in document order (the anchors' targets)."""

    ref: SectionRef
    level: int = 1
    themes: list[str] = Field(default_factory=list, description="theme labels, most relevant first")
    theme_names: list[str] = Field(default_factory=list)
    summary: str | None = None


class DraftAttendance(BaseModel):
    present: list[str] = Field(default_factory=list)
    apologies: list[str] = Field(default_factory=list)
    guests: list[str] = Field(default_factory=list)
    absent: list[str] = Field(default_factory=list)
    chair: str | None = None
    minutes: str | None = None


class DraftDecision(BaseModel):
    text: str
    kind: str = "agreed"
    mover: str | None = None
    seconder: str | None = None
    result: str | None = None
    votes: str | None = Field(default=None, description="the vote as a phrase, e.g. '5 for, 1 against, 0 abstentions'")
    section: SectionRef | None = None


class DraftAction(BaseModel):
    owner: list[str] = Field(default_factory=list, description="owners as written")
    owner_resolved: list[str] = Field(default_factory=list)
    owner_display: str = Field(description="owners as written, or 'no owner named'")
    resolved_display: str | None = Field(default=None, description="resolved names when they add to what is written")
    task: str
    due: str | None = None
    due_text: str | None = None
    due_date: str | None = Field(default=None, description="ISO date when the due is one day")
    due_display: str = ""
    explicit: bool = True
    confidence: float = 1.0
    status: str | None = None
    section: SectionRef | None = None


class DiscussionItem(BaseModel):
    section: SectionRef
    summary: str | None = None
    method: str | None = None
    grounded: bool | None = None
    score: float | None = Field(default=None, description="the theme label's score for this section")
    primary: bool = Field(default=True, description="this theme is the section's main one: its summary is shown here; "
                                                    "elsewhere renderers refer to it")
    primary_theme: str | None = Field(default=None, description="name of the theme the summary is shown under")


class ThemeGroup(BaseModel):
    label: str
    name: str
    items: list[DiscussionItem] = Field(default_factory=list)


class DraftNextMeeting(BaseModel):
    text: str = Field(description="as written in the minutes")
    date: str | None = Field(default=None, description="ISO date")
    start_time: str | None = Field(default=None, description="HH:MM")
    end_time: str | None = None
    other_times: list[str] = Field(default_factory=list)
    zone: str | None = None
    place: str | None = None
    year_inferred: bool = False
    display: str
    section: SectionRef | None = None


class DraftWarning(BaseModel):
    code: str
    title: str
    message: str
    section: SectionRef | None = None
    page: int | None = None


class Draft(BaseModel):
    title: str
    meeting_name: str = Field(description="the title without the date: what the meeting is called")
    date: str | None = Field(default=None, description="ISO meeting date")
    date_text: str | None = Field(default=None, description="the meeting date as written")
    date_display: str
    year_inferred: bool = False
    date_inferred: bool = Field(default=False, description="the meeting date was inferred or corrected: check it")
    source_file: str
    source_format: str
    pages: int | None = None
    pipeline_version: str
    attendance: DraftAttendance
    decisions: list[DraftDecision] = Field(default_factory=list)
    actions: list[DraftAction] = Field(default_factory=list)
    discussion: list[ThemeGroup] = Field(default_factory=list)
    next_meetings: list[DraftNextMeeting] = Field(default_factory=list)
    warnings: list[DraftWarning] = Field(default_factory=list)
    sections: list[DraftSection] = Field(default_factory=list)


# ------------------------------------------------------------------------------------------- build

_WARNING_TITLES = {
    "no_meeting_date": "No meeting date",
    "meeting_date_inferred": "Meeting date inferred or corrected",
    "no_attendance": "No attendance list",
    "attendance_conflict": "Attendance conflict",
    "person_not_in_attendance": "Person not in the attendance list",
    "absent_person_active": "Person marked absent takes part",
    "ambiguous_person": "Ambiguous name",
    "action_no_owner": "Action with no owner",
    "actions_inferred": "Actions inferred from the discussion",
    "date_without_year": "Date without a year",
    "summary_not_grounded": "Summary to check",
}
_WARNING_ORDER = {code: i for i, code in enumerate(_WARNING_TITLES)}

_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_NEXT = re.compile(
    r"^(?P<date>\d{4}-\d\d-\d\d)"
    r"(?:\s+(?P<start>\d\d:\d\d)(?:-(?P<end>\d\d:\d\d))?(?P<others>(?:\s+and\s+\d\d:\d\d(?:-\d\d:\d\d)?)*)"
    r"(?:\s+(?P<zone>[A-Za-z][A-Za-z/_+-]*))?)?"
    r"(?:,\s*(?P<place>.+))?$", re.S)


# names for the labels of the annotation guide (corpus/expected); ``theme_labels`` overrides them
DEFAULT_THEME_NAMES = {
    "procedural_schedule": "Procedural items",
    "finance": "Finance",
    "staffing_people": "Staffing and people",
    "partnerships_external": "Partnerships and external relations",
    "communications_outreach": "Communications and outreach",
    "events": "Events",
    "strategy_planning": "Strategy and planning",
    "governance_membership": "Governance and membership",
    "diversity_inclusion": "Diversity and inclusion",
    "community_engagement": "Community engagement",
    "technical_infrastructure": "Technical infrastructure",
    "security_safety": "Security and safety",
    "facilities_property": "Facilities and property",
    "legal_policy_compliance": "Legal, policy and compliance",
    "education_training": "Education and training",
}


def theme_name(label: str, theme_labels: dict[str, str] | None = None) -> str:
    """The human name of a theme label: from ``theme_labels``, else a known name, else a title-cased
    default ('health_wellbeing' -> 'Health and Wellbeing')."""
    if theme_labels and label in theme_labels:
        return theme_labels[label]
    if label == OTHER_LABEL:
        return "Other business"
    if label in DEFAULT_THEME_NAMES:
        return DEFAULT_THEME_NAMES[label]
    words = [w.capitalize() for w in label.replace("-", "_").split("_") if w]
    if len(words) <= 1:
        return words[0] if words else label
    return ", ".join(words[:-1]) + " and " + words[-1]


def _long_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d:%A} {d.day} {d:%B %Y}"


def _meeting_name(title: str, date_text: str | None) -> str:
    name = title
    if date_text and date_text in name:
        name = name.replace(date_text, " ")
    name = re.sub(r"(?i)\b(?:(?:meeting\s+)?(?:notes|minutes)(?:\s+of(?:\s+the)?)?|held\s+on|on)\s*[:,–—-]?\s*$", "", name.strip(" :,;–—-"))
    name = re.sub(r"(?i)^\s*(?:minutes|notes)\s+of\s+(?:the\s+)?", "", name)
    name = " ".join(name.split()).strip(" :,;–—-")
    return name or title


def build_draft(meeting: Meeting, *, theme_labels: dict[str, str] | None = None,
                procedural: Literal["last", "omit"] = "last") -> Draft:
    """The draft summary of ``meeting``.

    ``theme_labels`` maps theme labels to the names shown (``{"finance": "Funding and finance"}``).
    Procedural labels (``procedural_schedule``) never group a section that has other themes; a section
    with only procedural labels is listed in a last group (``procedural="last"``) or left out of the
    discussion (``"omit"``; attendance, actions and next meetings have their own parts).
    """
    tree = meeting.section_tree
    refs = [SectionRef(index=i, heading=h.heading, number=h.number, page=h.provenance.page, anchor=f"section-{i}")
            for i, h in enumerate(tree)]

    def ref_at(prov: Provenance | None, heading: str | None = None) -> SectionRef | None:
        """The section an item is in: the heading the detector named (the nearest one before the item
        when several sections share it), else the deepest section whose span holds the item."""
        if heading:
            same = [i for i, h in enumerate(tree) if h.heading == heading]
            if len(same) > 1 and prov is not None:
                before = [i for i in same if tree[i].provenance.start <= prov.start]
                same = before[-1:] or same[:1]
            if same:
                return refs[same[0]]
        if prov is not None:
            best = None
            for i, h in enumerate(tree):
                if h.provenance.start <= prov.start < max(h.body_end, h.provenance.end):
                    if best is None or h.level >= tree[best].level:
                        best = i
            if best is not None:
                return refs[best]
        return None

    # themes per section: theme_detail first, else the plain {heading: [labels]} map
    labels_of: dict[int, list[tuple[str, float | None]]] = {}
    for st in meeting.theme_detail:
        if 0 <= st.section_index < len(tree):
            labels_of.setdefault(st.section_index, [(lab.label, lab.score) for lab in st.labels])
    if not meeting.theme_detail and meeting.themes:
        for heading, labels in meeting.themes.items():
            r = ref_at(None, heading)
            if r is not None:
                labels_of.setdefault(r.index, [(lab, None) for lab in labels])
    summary_of = {}
    for s in meeting.summaries:
        if 0 <= s.section_index < len(tree) and s.section_index not in summary_of:
            summary_of[s.section_index] = s

    # group sections by theme
    groups: dict[str, list[DiscussionItem]] = {}
    first_seen: dict[str, int] = {}
    for i in range(len(tree)):
        labels = labels_of.get(i, [])
        summ = summary_of.get(i)
        if summ is None and summary_of:
            continue  # summarised meeting, but not this section (an attendance list, the actions table)
        real = [(lab, sc) for lab, sc in labels if lab not in PROCEDURAL_LABELS]
        if real:
            chosen = real
        elif labels:
            if procedural == "omit" or summ is None:  # a procedural heading alone adds nothing to the draft
                continue
            chosen = labels[:1]
        elif summ is not None:
            chosen = [(OTHER_LABEL, None)]
        else:
            continue
        primary = theme_name(chosen[0][0], theme_labels)
        for k, (lab, sc) in enumerate(chosen):
            first_seen.setdefault(lab, i)
            groups.setdefault(lab, []).append(DiscussionItem(
                section=refs[i], summary=summ.summary if summ else None, method=summ.method if summ else None,
                grounded=summ.grounded if summ else None, score=sc, primary=k == 0, primary_theme=primary))

    def rank(lab: str):
        # most sections first; themes that carry summaries before themes that only refer to them;
        # "Other business", then procedural items, last
        tail = lab == OTHER_LABEL or lab in PROCEDURAL_LABELS
        items = groups[lab]
        return (tail, lab in PROCEDURAL_LABELS, not any(it.primary for it in items), -len(items),
                -sum(it.score or 0.0 for it in items), first_seen[lab], lab)

    discussion = [ThemeGroup(label=lab, name=theme_name(lab, theme_labels), items=groups[lab])
                  for lab in sorted(groups, key=rank)]
    if len(discussion) == 1 and discussion[0].label == OTHER_LABEL:
        discussion[0].name = "Discussion" if not (theme_labels and OTHER_LABEL in theme_labels) else discussion[0].name

    sections = [DraftSection(ref=refs[i], level=h.level, themes=[lab for lab, _ in labels_of.get(i, [])],
                             theme_names=[theme_name(lab, theme_labels) for lab, _ in labels_of.get(i, [])],
                             summary=summary_of[i].summary if i in summary_of else None)
                for i, h in enumerate(tree)]

    # attendance, decisions, actions
    a = meeting.attendees
    attendance = DraftAttendance(present=list(a.present), apologies=list(a.apologies), guests=list(a.guests),
                                 absent=list(a.absent), chair=a.chair, minutes=a.minutes)
    decisions = [DraftDecision(text=d.text, kind=d.kind, mover=d.mover, seconder=d.seconder, result=d.result,
                               votes=_votes(d), section=ref_at(d.provenance, d.section))
                 for d in meeting.decisions]
    actions = []
    for act in meeting.actions:
        resolved = [r for r in act.owner_resolved if r]
        extra = resolved and {r.casefold() for r in resolved} != {o.casefold() for o in act.owner}
        due_date = act.due if act.due and _ISO_DAY.fullmatch(act.due) else None
        if act.due and act.due_text and act.due_text.strip().casefold() != act.due.casefold():
            due_display = f"{act.due} ({act.due_text.strip()})"
        else:
            due_display = act.due or (act.due_text or "")
        actions.append(DraftAction(
            owner=list(act.owner), owner_resolved=resolved,
            owner_display=", ".join(act.owner) if act.owner else "no owner named",
            resolved_display=", ".join(resolved) if extra else None,
            task=act.task, due=act.due, due_text=act.due_text, due_date=due_date, due_display=due_display,
            explicit=act.explicit, confidence=act.confidence, status=act.status,
            section=ref_at(act.provenance, act.section)))

    # next meetings
    nexts = []
    details = list(meeting.next_meeting_detail)
    for k, s in enumerate(meeting.next_meeting):
        dv = details[k] if k < len(details) else None
        nexts.append(_next_meeting(s, dv, ref_at(dv.provenance if dv else None)))

    # warnings
    warnings = [DraftWarning(code=w.code, title=_WARNING_TITLES.get(w.code, w.code.replace("_", " ").capitalize()),
                             message=w.message, section=ref_at(w.provenance),
                             page=w.provenance.page if w.provenance else None)
                for w in meeting.warnings]
    if not (a.present or a.apologies or a.guests or a.absent or a.chair):
        warnings.append(DraftWarning(code="no_attendance", title=_WARNING_TITLES["no_attendance"],
                                     message="no attendance list was found: add who came before sending"))
    inferred = [x for x in actions if not x.explicit]
    if inferred:
        warnings.append(DraftWarning(
            code="actions_inferred", title=_WARNING_TITLES["actions_inferred"],
            message=f"{len(inferred)} action{'s were' if len(inferred) > 1 else ' was'} read from the discussion "
                    "rather than marked as actions in the minutes: check each is meant as one"))
    for i in sorted(summary_of):
        s = summary_of[i]
        if not s.grounded:
            warnings.append(DraftWarning(
                code="summary_not_grounded", title=_WARNING_TITLES["summary_not_grounded"],
                message=f"the summary of '{tree[i].heading}' has a name, number or date that is not in the section",
                section=refs[i], page=refs[i].page))
    warnings.sort(key=lambda w: _WARNING_ORDER.get(w.code, len(_WARNING_ORDER)))

    title = meeting.title or "Untitled meeting"
    dd = meeting.meeting_date_detail
    date_inferred = any(w.code == "meeting_date_inferred" for w in meeting.warnings)
    if meeting.meeting_date:
        date_display = _long_date(meeting.meeting_date)
        if dd and dd.year_inferred:
            date_display += " (year inferred)"
        elif date_inferred:
            date_display += " (inferred)"
    else:
        date_display = "date not found"
    return Draft(
        title=title, meeting_name=_meeting_name(title, dd.text if dd else None),
        date=meeting.meeting_date, date_text=dd.text if dd else None, date_display=date_display,
        year_inferred=bool(dd and dd.year_inferred), date_inferred=date_inferred,
        source_file=meeting.file, source_format=meeting.format, pages=meeting.quality.pages,
        pipeline_version=meeting.pipeline_version, attendance=attendance, decisions=decisions, actions=actions,
        discussion=discussion, next_meetings=nexts, warnings=warnings, sections=sections)


def _votes(d) -> str | None:
    parts = []
    if d.votes_for is not None:
        parts.append(f"{d.votes_for} for")
    if d.votes_against is not None:
        parts.append(f"{d.votes_against} against")
    if d.abstentions is not None:
        parts.append(f"{d.abstentions} abstention{'' if d.abstentions == 1 else 's'}")
    out = ", ".join(parts)
    if d.unanimous:
        out = "unanimous" + (f" ({out})" if out else "")
    if d.opposed_by:
        out += ("; " if out else "") + "opposed: " + ", ".join(d.opposed_by)
    if d.abstained_by:
        out += ("; " if out else "") + "abstained: " + ", ".join(d.abstained_by)
    return out or None


def _next_meeting(s: str, dv, section: SectionRef | None) -> DraftNextMeeting:
    m = _NEXT.match(s.strip())
    text = dv.text if dv else s
    year_inferred = bool(dv and dv.year_inferred)
    if not m:
        iso = dv.value if dv and dv.value else None
        disp = (_long_date(iso) + f" (as written: {text})") if iso else text
        return DraftNextMeeting(text=text, date=iso, year_inferred=year_inferred, display=disp, section=section)
    others = re.findall(r"\d\d:\d\d(?:-\d\d:\d\d)?", m.group("others") or "")
    disp = _long_date(m.group("date"))
    if m.group("start"):
        disp += ", " + m.group("start") + (f"–{m.group('end')}" if m.group("end") else "")
        if others:
            disp += " and " + " and ".join(o.replace("-", "–") for o in others)
        if m.group("zone"):
            disp += " " + m.group("zone")
    if m.group("place"):
        disp += ", " + m.group("place")
    if year_inferred:
        disp += " (year inferred)"
    return DraftNextMeeting(text=text, date=m.group("date"), start_time=m.group("start"), end_time=m.group("end"),
                            other_times=others, zone=m.group("zone"), place=m.group("place"),
                            year_inferred=year_inferred, display=disp, section=section)


# ---------------------------------------------------------------------------------------- Markdown

def _md(text: str | None) -> str:
    """Document text for Markdown: control characters dropped, then ``render.md_escape``."""
    return md_escape(_clean(text))


def _md_link(text: str, ref: SectionRef | None) -> str:
    if ref is None:
        return _md(text)
    return f"[{_md(text)}](#section-{ref.index})"


def _ref_label(ref: SectionRef) -> str:
    return (f"{ref.number} " if ref.number else "") + ref.heading


def _page(ref: SectionRef | None) -> str:
    return f", p. {ref.page}" if ref is not None and ref.page else ""


def render_markdown(draft: Draft) -> str:
    """The draft as Markdown (GitHub flavour: tables; section anchors are ``<a id>`` tags)."""
    e = _md
    out: list[str] = [f"# {e(draft.title)}", ""]
    out.append(f"**Date:** {e(draft.date_display)}"
               + (f" — as written: {e(draft.date_text)}" if _date_differs(draft) else "") + "  ")
    src = PurePath(draft.source_file).name
    out.append(f"**Source:** {e(src)} ({e(draft.source_format)}" + (f", {draft.pages} pages" if draft.pages else "") + ")  ")
    out.append(f"_Draft summary by minutebook {_version(draft)}: check it against the minutes before sending._")

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
            extra = _decision_extra(d)
            where = f" ({_md_link(_ref_label(d.section), d.section)}{_page(d.section)})" if d.section else ""
            out.append(f"{k}. {e(d.text)}" + (f" — {e(extra)}" if extra else "") + where)
    else:
        out.append("_No decisions recorded._")

    out += ["", "## Actions", ""]
    if draft.actions:
        out += ["| # | Owner | Task | Due | Noted as | Section |", "| --- | --- | --- | --- | --- | --- |"]
        for k, act in enumerate(draft.actions, 1):
            owner = e(act.owner_display) if act.owner else "_no owner named_"
            if act.resolved_display:
                owner += f" ({e(act.resolved_display)})"
            where = _md_link(_ref_label(act.section), act.section) if act.section else ""
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
                    head = f"**{_md_link(_ref_label(it.section), it.section)}**{_page(it.section)}"
                    out.append(f"- {head}: {e(it.summary)}" if it.summary else f"- {head}: _no summary_")
            also = [it for it in g.items if not it.primary]
            if also:
                if any(it.primary for it in g.items):
                    out.append("")
                out.append("_Also discussed in:_ " + ", ".join(
                    f"{_md_link(_ref_label(it.section), it.section)} (under _{e(it.primary_theme or '')}_)"
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
            where = f" ({_md_link(_ref_label(w.section), w.section)}{_page(w.section)})" if w.section else ""
            out.append(f"- **{e(w.title)}:** {e(w.message)}{where}")
    else:
        out.append("_Nothing flagged._")

    if draft.sections:
        out += ["", "## Sections of the minutes", ""]
        for s in draft.sections:
            themes = f" — {', '.join(e(t) for t in s.theme_names)}" if s.theme_names else ""
            out.append(f"{'  ' * max(0, s.level - 1)}- <a id=\"section-{s.ref.index}\"></a>{e(_ref_label(s.ref))}"
                       f"{_page(s.ref)}{themes}")
    return "\n".join(out).rstrip() + "\n"


def _date_differs(draft: Draft) -> bool:
    def norm(t: str) -> str:
        return re.sub(r"[^a-z0-9]+", " ", t.casefold()).strip()
    return bool(draft.date_text) and norm(draft.date_text) not in norm(draft.date_display)


def _version(draft: Draft) -> str:
    return re.sub(r"[^\w.+-]", "", draft.pipeline_version)


def _decision_extra(d: DraftDecision) -> str:
    parts = []
    if d.mover:
        parts.append(f"moved by {d.mover}")
    if d.seconder:
        parts.append(f"seconded by {d.seconder}")
    if d.result:
        parts.append(d.result)
    if d.votes:
        parts.append(d.votes)
    return "; ".join(parts)


# -------------------------------------------------------------------------------------------- HTML

_HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="minutebook {{ version }}">
<title>{{ d.title }}</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;margin:0 auto;max-width:50rem;padding:1rem}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0}h2{font-size:1.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}.meta{color:#444;margin:.2rem 0}.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.5rem .75rem}
.muted{color:#666}.tag{display:inline-block;font-size:.8rem;background:#eef;border-radius:.6rem;padding:0 .5rem;margin:0 .2rem}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}ul,ol{padding-left:1.3rem}li{margin:.3rem 0}a{color:#0645ad}.warn li{margin:.4rem 0}
:target{background:#fff3c4}
@media (max-width:36rem){body{padding:.6rem}table,thead,tbody,tr,td{display:block}thead{display:none}
tr{border:1px solid #ccc;margin-bottom:.6rem}td{border:0;border-bottom:1px solid #eee}td::before{content:attr(data-label) ": ";font-weight:600}}
@media print{a{color:inherit;text-decoration:none}.note{border:1px solid #999}}
</style>
</head>
<body>
<header>
<h1>{{ d.title }}</h1>
<p class="meta"><strong>Date:</strong> {{ d.date_display }}{% if date_differs %} <span class="muted">(as written: {{ d.date_text }})</span>{% endif %}</p>
<p class="meta"><strong>Source:</strong> {{ source }} ({{ d.source_format }}{% if d.pages %}, {{ d.pages }} pages{% endif %})</p>
<p class="note">Draft summary by minutebook {{ version }}: check it against the minutes before sending.</p>
</header>
<main>
<section id="attendance"><h2>Attendance</h2>
{% if attendance %}<ul>{% for label, names in attendance %}<li><strong>{{ label }}{% if names|length > 1 %} ({{ names|length }}){% endif %}:</strong> {{ names|join(", ") }}</li>{% endfor %}</ul>
{% else %}<p class="muted">No attendance list found.</p>{% endif %}
</section>
<section id="decisions"><h2>Decisions</h2>
{% if d.decisions %}<ol>{% for x in d.decisions %}<li>{{ x.text }}{% if extra(x) %} <span class="muted">— {{ extra(x) }}</span>{% endif %}{% if x.section %} {{ link(x.section) }}{% endif %}</li>{% endfor %}</ol>
{% else %}<p class="muted">No decisions recorded.</p>{% endif %}
</section>
<section id="actions"><h2>Actions</h2>
{% if d.actions %}<div class="scroll"><table>
<thead><tr><th>#</th><th>Owner</th><th>Task</th><th>Due</th><th>Noted as</th><th>Section</th></tr></thead>
<tbody>{% for x in d.actions %}
<tr><td data-label="#">{{ loop.index }}</td><td data-label="Owner">{% if x.owner %}{{ x.owner_display }}{% else %}<em>no owner named</em>{% endif %}{% if x.resolved_display %}<br><span class="muted">{{ x.resolved_display }}</span>{% endif %}</td><td data-label="Task">{{ x.task }}</td><td data-label="Due">{{ x.due_display }}</td><td data-label="Noted as">{{ "action" if x.explicit else "inferred" }}</td><td data-label="Section">{% if x.section %}{{ link(x.section) }}{% endif %}</td></tr>{% endfor %}
</tbody></table></div>
{% else %}<p class="muted">No actions recorded.</p>{% endif %}
</section>
<section id="discussion"><h2>Discussion by theme</h2>
{% for g in d.discussion %}<h3 id="theme-{{ loop.index }}">{{ g.name }}</h3>
{% set prim = g.items|selectattr("primary")|list %}{% set also = g.items|rejectattr("primary")|list %}
{% if prim %}<ul>{% for it in prim %}<li>{{ link(it.section, bold=True) }}{% if it.section.page %} <span class="muted">p. {{ it.section.page }}</span>{% endif %}:
{% if it.summary %}{{ it.summary }}{% else %}<span class="muted">no summary</span>{% endif %}</li>{% endfor %}</ul>{% endif %}
{% if also %}<p class="muted"><em>Also discussed in:</em> {% for it in also %}{{ link(it.section) }} (under <em>{{ it.primary_theme }}</em>){% if not loop.last %}, {% endif %}{% endfor %}</p>{% endif %}
{% else %}<p class="muted">No section summaries.</p>{% endfor %}
</section>
<section id="next-meeting"><h2>Next meeting</h2>
{% if d.next_meetings %}<ul>{% for n in d.next_meetings %}<li>{{ n.display }}{% if n.date %} <span class="muted">— as written: “{{ n.text }}”</span>{% endif %}</li>{% endfor %}</ul>
{% else %}<p class="muted">No next meeting found.</p>{% endif %}
</section>
<section id="check" class="warn"><h2>Check these</h2>
{% if d.warnings %}<ul>{% for w in d.warnings %}<li><strong>{{ w.title }}:</strong> {{ w.message }}{% if w.section %} {{ link(w.section) }}{% endif %}</li>{% endfor %}</ul>
{% else %}<p class="muted">Nothing flagged.</p>{% endif %}
</section>
{% if d.sections %}<section id="sections"><h2>Sections of the minutes</h2>
<ol start="0">{% for s in d.sections %}<li id="section-{{ s.ref.index }}"><strong>{{ label(s.ref) }}</strong>{% if s.ref.page %} <span class="muted">p. {{ s.ref.page }}</span>{% endif %}{% for t in s.theme_names %}<span class="tag">{{ t }}</span>{% endfor %}{% if s.summary %}<br>{{ s.summary }}{% endif %}</li>{% endfor %}</ol>
</section>{% endif %}
</main>
</body>
</html>
"""

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str | None) -> str:
    """Text safe for XML-based formats: no control characters XML cannot hold."""
    return _XML_BAD.sub("", text or "")


def _clean_tree(value):
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        return [_clean_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_tree(v) for k, v in value.items()}
    return value


def _html_env():
    from jinja2 import Environment

    return Environment(autoescape=True, trim_blocks=False, lstrip_blocks=False)


def render_html(draft: Draft) -> str:
    """The draft as one standalone HTML page: inline CSS, no scripts, no external resources."""
    from markupsafe import Markup, escape

    def link(ref: SectionRef, bold: bool = False) -> Markup:
        # the href is built here from an integer index: never from document text
        text = escape(_clean(_ref_label(ref)))
        if bold:
            text = Markup("<strong>") + text + Markup("</strong>")
        return Markup('<a href="#section-%d">') % ref.index + text + Markup("</a>")

    a = draft.attendance
    attendance = [(label, [_clean(n) for n in names]) for label, names in (
        ("Chair", [a.chair] if a.chair else []), ("Present", a.present), ("Apologies", a.apologies),
        ("Guests", a.guests), ("Absent", a.absent), ("Minutes", [a.minutes] if a.minutes else [])) if names]
    tpl = _html_env().from_string(_HTML_TEMPLATE)
    clean = Draft.model_validate(_clean_tree(draft.model_dump()))
    return tpl.render(d=clean, version=_version(clean), date_differs=_date_differs(clean), source=PurePath(clean.source_file).name, attendance=attendance, link=link,
                      label=_ref_label, extra=_decision_extra)


# -------------------------------------------------------------------------------------------- DOCX

def render_docx(draft: Draft, path: str | Path) -> Path:
    """The draft as a Word document a secretary can edit: Title/Heading styles, an actions table,
    bullets, and a bookmark per section that the discussion and the tables link to."""
    import docx
    from docx.shared import Pt

    c = _clean
    doc = docx.Document()
    doc.core_properties.title = c(draft.title)[:255]
    doc.core_properties.comments = f"Draft summary by minutebook {_version(draft)}"
    doc.add_paragraph(c(draft.title), style="Title")
    p = doc.add_paragraph()
    p.add_run("Date: ").bold = True
    p.add_run(c(draft.date_display) + (f" (as written: {c(draft.date_text)})" if _date_differs(draft) else ""))
    p = doc.add_paragraph()
    p.add_run("Source: ").bold = True
    p.add_run(c(PurePath(draft.source_file).name) + f" ({c(draft.source_format)}"
              + (f", {draft.pages} pages" if draft.pages else "") + ")")
    note = doc.add_paragraph().add_run(f"Draft summary by minutebook {_version(draft)}: "
                                       "check it against the minutes before sending.")
    note.italic = True

    doc.add_heading("Attendance", level=1)
    a = draft.attendance
    rows = [("Chair", [a.chair] if a.chair else []), ("Present", a.present), ("Apologies", a.apologies),
            ("Guests", a.guests), ("Absent", a.absent), ("Minutes", [a.minutes] if a.minutes else [])]
    if any(n for _, n in rows):
        for label, names in rows:
            if names:
                p = doc.add_paragraph(style="List Bullet")
                p.add_run(f"{label}{f' ({len(names)})' if len(names) > 1 else ''}: ").bold = True
                p.add_run(", ".join(c(n) for n in names))
    else:
        doc.add_paragraph("No attendance list found.")

    doc.add_heading("Decisions", level=1)
    if draft.decisions:
        for d in draft.decisions:
            p = doc.add_paragraph(c(d.text), style="List Number")
            extra = _decision_extra(d)
            if extra:
                p.add_run(f" — {c(extra)}").italic = True
            if d.section:
                p.add_run(" (")
                _docx_link(p, d.section)
                p.add_run(")")
    else:
        doc.add_paragraph("No decisions recorded.")

    doc.add_heading("Actions", level=1)
    if draft.actions:
        header = ["#", "Owner", "Task", "Due", "Noted as", "Section"]
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        _repeat_header(table.rows[0])
        for k, act in enumerate(draft.actions, 1):
            cells = table.add_row().cells
            cells[0].text = str(k)
            if act.owner:
                cells[1].text = c(act.owner_display)
            else:
                cells[1].paragraphs[0].add_run("no owner named").italic = True
            if act.resolved_display:
                cells[1].add_paragraph().add_run(c(act.resolved_display)).italic = True
            cells[2].text = c(act.task)
            cells[3].text = c(act.due_display)
            cells[4].text = "action" if act.explicit else "inferred"
            if act.section:
                _docx_link(cells[5].paragraphs[0], act.section)
    else:
        doc.add_paragraph("No actions recorded.")

    doc.add_heading("Discussion by theme", level=1)
    if draft.discussion:
        for g in draft.discussion:
            doc.add_heading(c(g.name), level=2)
            for it in g.items:
                if not it.primary:
                    continue
                p = doc.add_paragraph(style="List Bullet")
                _docx_link(p, it.section, bold=True)
                if it.section.page:
                    p.add_run(f" (p. {it.section.page})")
                p.add_run(": ")
                if it.summary:
                    p.add_run(c(it.summary))
                else:
                    p.add_run("no summary").italic = True
            also = [it for it in g.items if not it.primary]
            if also:
                p = doc.add_paragraph()
                p.add_run("Also discussed in: ").italic = True
                for k, it in enumerate(also):
                    _docx_link(p, it.section)
                    p.add_run(f" (under {c(it.primary_theme)})" + (", " if k < len(also) - 1 else ""))
    else:
        doc.add_paragraph("No section summaries.")

    doc.add_heading("Next meeting", level=1)
    if draft.next_meetings:
        for n in draft.next_meetings:
            p = doc.add_paragraph(c(n.display), style="List Bullet")
            if n.date:
                p.add_run(f" — as written: “{c(n.text)}”").italic = True
    else:
        doc.add_paragraph("No next meeting found.")

    doc.add_heading("Check these", level=1)
    if draft.warnings:
        for w in draft.warnings:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(f"{c(w.title)}: ").bold = True
            p.add_run(c(w.message))
            if w.section:
                p.add_run(" (")
                _docx_link(p, w.section)
                p.add_run(")")
    else:
        doc.add_paragraph("Nothing flagged.")

    if draft.sections:
        doc.add_heading("Sections of the minutes", level=1)
        for k, s in enumerate(draft.sections):
            p = doc.add_paragraph(style="List Bullet" if s.level <= 1 else "List Bullet 2")
            _docx_bookmark(p, s.ref, k + 1)
            if s.ref.page:
                p.add_run(f" (p. {s.ref.page})")
            if s.theme_names:
                r = p.add_run(" — " + ", ".join(c(t) for t in s.theme_names))
                r.italic = True
                r.font.size = Pt(9)

    out = Path(path)
    doc.save(str(out))
    return out


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _docx_link(paragraph, ref: SectionRef, *, bold: bool = False) -> None:
    """An internal hyperlink (w:anchor) to the section's bookmark: never an external target."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), f"section_{ref.index}")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    rpr.append(color)
    rpr.append(underline)
    if bold:
        rpr.append(OxmlElement("w:b"))
    run.append(rpr)
    t = OxmlElement("w:t")
    t.text = _clean(_ref_label(ref))
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _docx_bookmark(paragraph, ref: SectionRef, bid: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bid))
    start.set(qn("w:name"), f"section_{ref.index}")
    paragraph._p.append(start)
    paragraph.add_run(_clean(_ref_label(ref))).bold = True
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bid))
    paragraph._p.append(end)


# -------------------------------------------------------------------------------------------- JSON

def render_json(draft: Draft) -> str:
    """The draft as JSON (``Draft.model_validate_json`` reads it back)."""
    return draft.model_dump_json(indent=2) + "\n"


# --------------------------------------------------------------------------------------------- ICS

_ZONES = {"UTC": 0, "GMT": 0, "BST": 1, "CET": 1, "CEST": 2, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
          "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
_IANA = {"ET": "America/New_York", "EASTERN": "America/New_York", "PT": "America/Los_Angeles",
         "PACIFIC": "America/Los_Angeles", "CENTRAL": "America/Chicago"}


def _zone(name: str | None):
    if not name:
        return None
    if name.upper() in _ZONES:
        return timezone(timedelta(hours=_ZONES[name.upper()]))
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(_IANA.get(name.upper(), name))
    except Exception:  # unknown zone: keep local (floating) time
        return None


def _uid(draft: Draft, kind: str, key: str, seen: set[str]) -> str:
    # the file's name (not its path: the same minutes opened from elsewhere keep their UIDs) and the meeting date
    base = f"{PurePath(draft.source_file).name}|{draft.date or ''}|{kind}|{' '.join(key.split()).casefold()}"
    uid = hashlib.sha1(base.encode("utf-8")).hexdigest()[:24]
    n = 1
    while uid in seen:
        n += 1
        uid = hashlib.sha1(f"{base}|{n}".encode("utf-8")).hexdigest()[:24]
    seen.add(uid)
    return f"{uid}@minutebook"


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def render_ics(meeting_or_draft: Meeting | Draft, *, actions_as: Literal["event", "todo"] = "event") -> bytes:
    """A calendar: one VEVENT per dated next meeting (all-day when no time; times with a zone are written
    in UTC), and one all-day VEVENT (``actions_as="event"``, shown by every calendar) or VTODO per action
    with a one-day due date, summary "Action: task (owner)".

    UIDs come from the source file's name, the meeting date and the item, so importing again updates
    rather than duplicates; DTSTAMP is the meeting date, so the output is reproducible.
    """
    from icalendar import Calendar, Event, Todo

    draft = meeting_or_draft if isinstance(meeting_or_draft, Draft) else build_draft(meeting_or_draft)
    stamp = datetime.combine(date.fromisoformat(draft.date) if draft.date else date(2000, 1, 1), time(0), timezone.utc)
    cal = Calendar()
    cal.add("prodid", f"-//minutebook//minutebook {draft.pipeline_version}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    seen: set[str] = set()
    name = _one_line(draft.meeting_name)
    origin = f"From the minutes of {_one_line(draft.title)}" + (f" ({draft.date})" if draft.date else "") + \
        f", {PurePath(draft.source_file).name}"

    for n in draft.next_meetings:
        if not n.date:
            continue
        ev = Event()
        ev.add("uid", _uid(draft, "next", n.date + (n.start_time or ""), seen))
        ev.add("dtstamp", stamp)
        ev.add("summary", f"Next meeting: {name}" if name else "Next meeting")
        day = date.fromisoformat(n.date)
        if n.start_time:
            tz = _zone(n.zone)
            start = datetime.combine(day, time.fromisoformat(n.start_time), tz)
            if tz is not None:
                start = start.astimezone(timezone.utc)
            ev.add("dtstart", start)
            if n.end_time:
                end = datetime.combine(day, time.fromisoformat(n.end_time), tz)
                if tz is not None:
                    end = end.astimezone(timezone.utc)
                if end <= start:
                    end += timedelta(days=1)
                ev.add("dtend", end)
        else:
            ev.add("dtstart", day)
            ev.add("dtend", day + timedelta(days=1))
        if n.place:
            ev.add("location", _one_line(n.place))
        desc = [f"As written: {_one_line(n.text)}"]
        if n.other_times:
            desc.append("Other times given: " + ", ".join(n.other_times))
        if n.zone and _zone(n.zone) is None:
            desc.append(f"Time zone as written: {_one_line(n.zone)}")
        if n.year_inferred:
            desc.append("The minutes give no year: check the date.")
        desc.append(origin)
        ev.add("description", "\n".join(desc))
        cal.add_component(ev)

    for act in draft.actions:
        if not act.due_date:
            continue
        owner = act.owner_display if act.owner else "no owner named"
        summary = _one_line(f"Action: {act.task} ({owner})")
        due = date.fromisoformat(act.due_date)
        desc = [f"Task: {_one_line(act.task)}", f"Owner: {_one_line(owner)}"]
        if act.resolved_display:
            desc.append(f"Owner names: {_one_line(act.resolved_display)}")
        if act.due_text:
            desc.append(f"Due as written: {_one_line(act.due_text)}")
        if not act.explicit:
            desc.append("Read from the discussion: check it is meant as an action.")
        desc.append(origin)
        uid = _uid(draft, "action", act.task, seen)
        if actions_as == "todo":
            item = Todo()
            item.add("due", due)
            item.add("status", "NEEDS-ACTION")
        else:
            item = Event()
            item.add("dtstart", due)
            item.add("dtend", due + timedelta(days=1))
            item.add("transp", "TRANSPARENT")
        item.add("uid", uid)
        item.add("dtstamp", stamp)
        item.add("summary", summary)
        item.add("description", "\n".join(desc))
        cal.add_component(item)
    return cal.to_ical()
