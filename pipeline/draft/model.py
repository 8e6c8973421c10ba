"""The draft summary's typed model: renderer-neutral, with everything the summary shows and, for each
item, the section of the minutes it comes from (index, heading, page, anchor ``section-N`` where N is
the index in ``Meeting.section_tree``).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

PROCEDURAL_LABELS = frozenset({"procedural_schedule"})
OTHER_LABEL = "other"


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
    lead: str | None = Field(default=None, description="the text before the list a decision ends in")
    items: list[str] = Field(default_factory=list, description="that list's items (shown as sub-bullets)")


class DraftAction(BaseModel):
    owner: list[str] = Field(default_factory=list, description="owners as written")
    owner_resolved: list[str] = Field(default_factory=list)
    owner_display: str = Field(description="owners as written (people first, groups marked '(group)'), or "
                                           "'no owner named'")
    groups: list[str] = Field(default_factory=list, description="the owners that are groups, not people")
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



def render_json(draft: Draft) -> str:
    """The draft as JSON (``Draft.model_validate_json`` reads it back)."""
    return draft.model_dump_json(indent=2) + "\n"


# ------------------------------------------------------------------------ helpers for every renderer

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str | None) -> str:
    """Text safe for XML-based formats: no control characters XML cannot hold."""
    return _XML_BAD.sub("", text or "")


def clean_tree(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: clean_tree(v) for k, v in value.items()}
    return value


def ref_label(ref: SectionRef) -> str:
    return (f"{ref.number} " if ref.number else "") + ref.heading


def date_differs(draft: Draft) -> bool:
    def norm(t: str) -> str:
        return re.sub(r"[^a-z0-9]+", " ", t.casefold()).strip()
    return bool(draft.date_text) and norm(draft.date_text) not in norm(draft.date_display)


def version_of(draft: Draft) -> str:
    return re.sub(r"[^\w.+-]", "", draft.pipeline_version)


def decision_extra(d: DraftDecision) -> str:
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
