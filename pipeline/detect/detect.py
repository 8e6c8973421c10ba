"""Stage 3, detect: people, dates, action items, decisions and next meetings, with spaCy.

One spaCy pass over the document's blocks (``ParsedDocument``) feeds every detector. Everything
found carries provenance; owners are kept as written and resolved to attendees only when the
evidence is unambiguous; an action that names nobody has ``owner=[]`` and a warning.
"""

from __future__ import annotations

import re
from datetime import date
from textwrap import shorten

from pipeline.core.document import Document
from pipeline.core.provenance import provenance
from pipeline.core.record import Action, DateValue, Meeting, Warning
from pipeline.detect.actions import (
    ActionFound,
    action_regions,
    assignment_list_actions,
    dedupe,
    flattened_table_actions,
    marker_actions,
    owner_line_actions,
    prose_actions,
    section_actions,
    table_actions,
)
from pipeline.detect.owners import is_group
from pipeline.structure.structure import Structure


def detect(doc: Document, st: Structure, meeting: Meeting, *, nlp):
    """Fill ``meeting`` (in place) with people, next meetings, actions, decisions and warnings.
    Returns the ``ParsedDocument`` so later stages reuse the parse."""
    from pipeline.detect import decisions as decisions_mod
    from pipeline.detect import duedates
    from pipeline.detect import people as people_mod
    from pipeline.detect.parsed import parse_document

    parsed = parse_document(doc, nlp)
    index = people_mod.PeopleIndex.from_structure(doc, st)
    meeting_date = date.fromisoformat(meeting.meeting_date) if meeting.meeting_date else None

    # next meetings first: "by the next meeting" resolves to their date
    nexts = duedates.find_next_meetings(doc, meeting_date=meeting_date, day_first=st.day_first, sections=st.sections)
    meeting.next_meeting = [n.as_string() for n in nexts]
    meeting.next_meeting_detail = [
        DateValue(value=n.date.isoformat() if n.date else None, text=n.text, year_inferred=n.year_inferred,
                  provenance=provenance(doc, n.start, n.end, n.block)) for n in nexts]
    next_date = next((n.date for n in nexts if n.date), None)

    def due_of(text: str) -> tuple[str | None, str | None]:
        got = duedates.find_due(text, meeting_date=meeting_date, next_meeting=next_date, day_first=st.day_first)
        if got is None:
            got = duedates.implied_due(text, meeting_date=meeting_date, next_meeting=next_date, day_first=st.day_first)
        if got is None:
            return None, None
        d, s, e = got
        return d.due, text[s:e]

    def due_cell(text: str) -> tuple[str | None, str | None]:
        d = duedates.normalise_due(text, meeting_date=meeting_date, next_meeting=next_date, day_first=st.day_first)
        if d.kind == "text" and len(text.split()) > 2:  # "Version 1 by 21st February 2019": the deadline in the cell
            got = duedates.find_due(text, meeting_date=meeting_date, next_meeting=next_date, day_first=st.day_first)
            if got is not None and got[0].due is not None:
                return got[0].due, text
        return d.due, text

    def is_due(text: str) -> bool:
        t = text.strip()
        if len(t.split()) > 5:
            return False
        d = duedates.normalise_due(t, meeting_date=meeting_date, next_meeting=next_date, day_first=st.day_first)
        return d.due is not None and d.kind != "text" or bool(re.fullmatch(r"(ongoing|tbc|tbd|asap|n/a)\.?", t, re.I))

    def bare(name: str) -> str:  # "the Governance Manager" ~ "governance manager"
        return re.sub(r"^the\s+", "", name.lower().strip())

    notes = {bare(n): p for p in index.people for n in p.notes}

    def known(name: str) -> bool:
        # an account name written in lower case ('ehuss will follow up') is read as a handle
        r = index.resolve(name, handle=bool(re.fullmatch(r"@?[a-z][a-z0-9_-]{3,24}", name.strip())))
        if r.person is not None or r.ambiguous:
            return True
        return bare(name) in notes

    section_of = _section_lookup(doc, st)
    flat = flattened_table_actions(doc, st, due_of=due_cell, is_due=is_due, known=known)
    covered = {i for a in flat for i in a.covers}
    found: list[ActionFound] = []
    found += table_actions(doc, section_of=section_of, due_of=due_cell, known=known)
    found += flat
    regions = action_regions(doc, st, known)
    in_regions = {i for r in regions for i in r.blocks}
    found += marker_actions(doc, section_of=section_of, due_of=due_of, known=known, action_blocks=in_regions)
    found += owner_line_actions(doc, section_of=section_of, due_of=due_of, known=known)
    found += assignment_list_actions(parsed, section_of=section_of, due_of=due_of, known=known,
                                     skip_blocks=in_regions | covered,
                                     command=lambda t: _is_command(nlp, t))
    covered |= {i for a in found if a.source == "marker" for i in a.covers}
    found += section_actions(doc, st, due_of=due_of, known=known, taken=covered, regions=regions,
                             next_due=lambda: (next_date.isoformat(), "next meeting") if next_date else (None, None),
                             parsed=parsed)
    decided = decisions_mod.find_decisions(doc, st, parsed)
    decision_spans = [(d.start, d.end) for d in decided if d.kind in ("resolved", "motion")]
    # whom the minutes themselves give work to (an action list, an owner column) is known to the prose
    # readers too, when the attendance list leaves them out ("Cate not here, Innes not here" as the
    # only attendance, and "Daniel - organise posters" in the action list)
    assigned = {bare(o) for a in found if a.explicit for o in a.owner}

    def known_or_assigned(name: str) -> bool:
        return known(name) or bare(name) in assigned

    found += prose_actions(parsed, section_of=section_of, due_of=due_of, known=known_or_assigned,
                           skip_blocks=covered, skip_spans=decision_spans, has_people=bool(index.people))
    actions = dedupe(found)

    meeting.actions = [_to_action(a, doc, index) for a in actions]
    meeting.decisions = decisions_mod.to_record(decided, doc)

    mentions = people_mod.find_mentions(parsed, index, nlp=nlp)
    spk = people_mod.speakers(parsed, index, mentions)
    owners = [(o, a.provenance) for a in meeting.actions for o in a.owner]
    for w in people_mod.people_warnings(index, mentions, spk, action_owners=owners):
        meeting.warnings.append(w)
    meeting.people = people_mod.to_record(index, mentions)
    for a in meeting.actions:
        if not a.owner:
            meeting.warnings.append(Warning(code="action_no_owner",
                                            message=f"action with no owner named: {shorten(a.task, 80, placeholder=' …')}",
                                            provenance=a.provenance))
    meeting.dates = [
        DateValue(value=x.value, text=x.text, year_inferred=x.year_inferred, provenance=provenance(doc, x.start, x.end))
        for x in duedates.all_dates(doc, meeting_date=meeting_date, day_first=st.day_first)]
    # a year the minutes left out matters where it dates a fact: a next meeting or a deadline
    for n, dv in zip(nexts, meeting.next_meeting_detail):
        if n.year_inferred and n.date:
            meeting.warnings.append(Warning(code="date_without_year",
                                            message=f"next meeting '{n.text}' has no year; read as {n.date.isoformat()}",
                                            provenance=dv.provenance))
    for a in meeting.actions:
        if a.due and re.fullmatch(r"\d{4}-\d\d-\d\d", a.due) and a.due_text and not re.search(r"\b(19|20)\d\d\b", a.due_text) \
                and re.search(r"\d", a.due_text):
            meeting.warnings.append(Warning(code="date_without_year",
                                            message=f"deadline '{a.due_text}' has no year; read as {a.due}",
                                            provenance=a.provenance))
    if "detect" not in meeting.stages:
        meeting.stages.append("detect")
    meeting.models = dict(meeting.models, spacy=f"{getattr(nlp, 'model_name', 'spacy')} {getattr(nlp, 'model_version', '')}".strip())
    return parsed


def _is_command(nlp, text: str) -> bool:
    """'Book the stand ...' is a command: after 'You should' its first word is read as a bare verb."""
    words = text.split()
    if not words:
        return False
    probe = "You should " + words[0].lower() + " " + " ".join(words[1:6])
    d = next(iter(nlp.pipe([probe]))) if hasattr(nlp, "pipe") else nlp(probe)
    return len(d) > 2 and d[2].tag_ == "VB"


def _section_lookup(doc: Document, st: Structure):
    spans = [(s.start, s.body_end, s.heading) for s in st.sections]

    def section_of(i: int) -> str | None:
        pos = doc.blocks[i].start
        best = None
        for s, e, h in spans:
            if s <= pos < max(e, s + 1):
                best = h  # the deepest (latest-starting) section containing the block
        return best

    return section_of


def _to_action(a: ActionFound, doc: Document, index) -> Action:
    resolved = []
    for o in a.owner:
        r = index.resolve(o)
        if r.person is not None:
            resolved.append(r.person.name)
    return Action(owner=a.owner, owner_resolved=resolved, owner_groups=[o for o in a.owner if is_group(o)],
                  task=a.task, due=a.due, due_text=a.due_text,
                  explicit=a.explicit, confidence=round(a.confidence, 2), status=a.status, section=a.section,
                  provenance=provenance(doc, a.start, a.end, a.block))


__all__ = ["detect"]
