"""The meeting record: what minutebook emits for one document.

Keys follow the gold annotation format (``corpus/expected/*.json``; ``meeting_date``, ``title``,
``attendees``, ``actions``, ``sections``, ``themes``, ``next_meeting``) so a record can be scored
directly. Beside each plain value sits the evidence for it (``Provenance``: file, page, character
span), because every fact we emit must be checkable against the source.

The JSON schema is published with ``minutebook schema``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pipeline import PIPELINE_VERSION, SCHEMA_VERSION


class Provenance(BaseModel):
    file: str
    page: int | None = None
    start: int = Field(description="character offset in the document's plain text")
    end: int
    block: int | None = Field(default=None, description="index of the source block")
    text: str | None = Field(default=None, description="the source text the fact was read from")


class Heading(BaseModel):
    heading: str
    level: int = Field(description="1 = top-level section")
    number: str | None = Field(default=None, description="agenda numbering as written, e.g. '4' or '4.1'")
    parent: int | None = Field(default=None, description="index of the parent section in section_tree")
    provenance: Provenance
    body_start: int = Field(description="span of the section's body (to the next heading at the same or higher level)")
    body_end: int


AttendanceRole = Literal["present", "apologies", "absent", "guests", "chair", "minutes", "officer"]


class AttendanceEntry(BaseModel):
    name: str = Field(description="the name as written, without role markers")
    role: AttendanceRole
    initials: str | None = Field(default=None, description="initials the document defines, e.g. 'JS'")
    note: str | None = Field(default=None, description="role or affiliation given beside the name, e.g. 'Clerk'")
    provenance: Provenance


class Attendees(BaseModel):
    present: list[str] = Field(default_factory=list)
    apologies: list[str] = Field(default_factory=list)
    guests: list[str] = Field(default_factory=list)
    absent: list[str] = Field(default_factory=list)
    chair: str | None = None
    minutes: str | None = Field(default=None, description="who took the minutes")


class DateValue(BaseModel):
    value: str | None = Field(description="ISO date (YYYY-MM-DD), or None when not resolvable")
    text: str = Field(description="the date as written")
    year_inferred: bool = Field(default=False, description="the text had no year; it was completed from context")
    provenance: Provenance | None = None


class Action(BaseModel):
    owner: list[str] = Field(default_factory=list, description="people or roles as written; [] when nobody is named")
    owner_resolved: list[str] = Field(default_factory=list, description="owners resolved to attendance names")
    owner_groups: list[str] = Field(default_factory=list, description="the owners that are groups, not one person "
                                                                      "('All', 'the team', 'Trustees')")
    task: str
    due: str | None = None
    due_text: str | None = None
    explicit: bool = True
    confidence: float = 1.0
    status: str | None = None
    section: str | None = None
    provenance: Provenance


class Decision(BaseModel):
    text: str
    kind: Literal["agreed", "resolved", "motion"] = "agreed"
    mover: str | None = None
    seconder: str | None = None
    result: str | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    abstentions: int | None = None
    unanimous: bool | None = None
    opposed_by: list[str] = Field(default_factory=list)
    abstained_by: list[str] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list, description="the list a decision ends in, item by item "
                                                                "(``text`` joins them with '; ')")
    section: str | None = None
    provenance: Provenance


class Person(BaseModel):
    name: str
    aliases: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)
    mentions: list[Provenance] = Field(default_factory=list)


class ThemeEvidence(BaseModel):
    text: str
    score: float
    provenance: Provenance


class ThemeLabel(BaseModel):
    label: str
    score: float = Field(description="similarity-based score in [0, 1]; labels at or above the label's threshold are given")
    evidence: list[ThemeEvidence] = Field(default_factory=list, description="the sentences that support the label")


class SectionThemes(BaseModel):
    section: str
    section_index: int
    labels: list[ThemeLabel] = Field(default_factory=list)


class SectionSummary(BaseModel):
    section: str
    section_index: int
    summary: str
    method: str = Field(description="'extractive', or the abstractive model's name")
    grounded: bool = Field(description="every name, number and date in the summary occurs in the section")
    fallback: str | None = Field(default=None, description="why an abstractive summary was replaced by the extractive one")
    sentences: list[Provenance] = Field(default_factory=list, description="where each extracted sentence comes from")


class Warning(BaseModel):
    code: str
    message: str
    provenance: Provenance | None = None


class TableOut(BaseModel):
    header: list[str] | None
    rows: list[list[str]]
    provenance: Provenance


class QualityOut(BaseModel):
    pages: int | None = None
    empty_pages: list[int] = Field(default_factory=list)
    characters: int = 0
    undecodable_glyphs: int = 0
    undecodable_ratio: float = 0.0
    likely_scan: bool = False
    dropped_lines: int = 0
    encoding: str | None = None
    ocr_pages: list[int] = Field(default_factory=list, description="PDF pages read with OCR (scanned pages)")
    ocr_confidence: float | None = Field(default=None, description="mean OCR word confidence of those pages, 0-100")
    notes: list[str] = Field(default_factory=list)


class Meeting(BaseModel):
    schema_version: str = SCHEMA_VERSION
    pipeline_version: str = PIPELINE_VERSION
    file: str
    format: str
    meeting_index: int = Field(default=0, description="which meeting of the file this is (0 = the first); "
                                                      "a file holding several meetings gives one record each")
    meetings_in_file: int = Field(default=1, description="how many meetings the file holds")
    title: str | None = None
    title_provenance: Provenance | None = None
    meeting_date: str | None = None
    meeting_date_detail: DateValue | None = None
    attendees: Attendees = Field(default_factory=Attendees)
    attendance: list[AttendanceEntry] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)
    top_sections: list[str] = Field(default_factory=list)
    section_tree: list[Heading] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    next_meeting: list[str] = Field(default_factory=list)
    next_meeting_detail: list[DateValue] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    dates: list[DateValue] = Field(default_factory=list, description="every date expression, normalised against the meeting date")
    themes: dict[str, list[str]] = Field(default_factory=dict, description="{section heading: [labels]}, most relevant first")
    theme_detail: list[SectionThemes] = Field(default_factory=list)
    summaries: list[SectionSummary] = Field(default_factory=list)
    tables: list[TableOut] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    quality: QualityOut = Field(default_factory=QualityOut)
    stages: list[str] = Field(default_factory=list, description="the pipeline stages that produced this record")
    models: dict[str, str] = Field(default_factory=dict, description="the packaged models used, with versions")
