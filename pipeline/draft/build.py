"""``build_draft(meeting)`` turns a meeting record into a ``Draft``: title and date, attendance,
decisions, the actions table, the discussion grouped by theme with each section's summary, the next
meetings and the warnings to check.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pipeline.core.record import Meeting, Provenance
from pipeline.draft.model import (
    DiscussionItem,
    Draft,
    DraftAction,
    DraftAttendance,
    DraftDecision,
    DraftNextMeeting,
    DraftSection,
    DraftWarning,
    SectionRef,
    ThemeGroup,
)

PROCEDURAL_LABELS = frozenset({"procedural_schedule"})
OTHER_LABEL = "other"


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
                               votes=_votes(d), section=ref_at(d.provenance, d.section), lead=_lead(d),
                               items=list(d.items)) for d in meeting.decisions]
    actions = []
    repeats = {id(a) for a in meeting.actions if _repeats_a_decision(a, meeting.decisions)}
    for act in meeting.actions:
        if id(act) in repeats:
            continue  # the decision above says it; an ownerless copy of it adds nothing to check
        resolved = [r for r in act.owner_resolved if r]
        extra = resolved and {r.casefold() for r in resolved} != {o.casefold() for o in act.owner}
        due_date = act.due if act.due and _ISO_DAY.fullmatch(act.due) else None
        if act.due and act.due_text and act.due_text.strip().casefold() != act.due.casefold():
            due_display = f"{act.due} ({act.due_text.strip()})"
        else:
            due_display = act.due or (act.due_text or "")
        actions.append(DraftAction(
            owner=list(act.owner), owner_resolved=resolved,
            owner_display=_owners(act.owner, act.owner_groups) if act.owner else "no owner named",
            groups=list(act.owner_groups),
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
                for w in meeting.warnings
                if not (w.code == "action_no_owner" and any(w.provenance == a.provenance for a in meeting.actions
                                                            if id(a) in repeats))]
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


def _repeats_a_decision(action, decisions) -> bool:
    """An inferred action with no owner that only restates a decision: it lies inside the decision and
    either the decision is an agreement over a list or the action is most of it."""
    if action.owner or action.explicit:
        return False
    a, z = action.provenance.start, action.provenance.end
    for d in decisions:
        s, e = d.provenance.start, d.provenance.end
        if s <= a < e and (d.items or (z <= e and z - a >= 0.6 * (e - s))):
            return True
    return False


def _owners(owner: list[str], groups: list[str]) -> str:
    """People first, then groups marked as such: 'Lizzie, Nicc and all members (group)'."""
    people = [o for o in owner if o not in groups]
    marked = [f"{g} (group)" for g in groups]
    return ", ".join(people + marked)


def _lead(d) -> str | None:
    """The words before a decision's list ("... in terms of:"), when it ends in one."""
    if not d.items:
        return None
    at = d.text.rfind("; ".join(d.items))
    return d.text[:at].rstrip() if at > 0 else None


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


def next_meeting_of(line: str) -> DraftNextMeeting:
    """A next meeting as the clerk typed it: ``YYYY-MM-DD [HH:MM[-HH:MM]] [zone][, place]`` (the record's
    own form) gives its date, times and place; anything else is kept as written, with no date."""
    return _next_meeting(" ".join(line.split()), None, None)


def next_meeting_line(n: DraftNextMeeting) -> str:
    """The record's form of a next meeting (``Meeting.next_meeting``): what ``next_meeting_of`` reads."""
    if not n.date:
        return n.text
    out = n.date
    if n.start_time:
        out += " " + n.start_time + (f"-{n.end_time}" if n.end_time else "")
        out += "".join(" and " + t for t in n.other_times)
        if n.zone:
            out += " " + n.zone
    return out + (f", {n.place}" if n.place else "")


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
