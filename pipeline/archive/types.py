"""The archive's record types: what is written (``TaggedDocument``), what queries return (rows as
dataclasses with ``to_dict``), the search filters, and the content hash that identifies a document.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from pipeline import PIPELINE_VERSION
from pipeline.core.record import Meeting

STATUSES = ("SUCCESS", "PARTIAL", "FAILED", "SKIPPED")


GOOD_STATUSES = ("SUCCESS", "PARTIAL")


def content_hash(path: str | Path, *, chunk: int = 1 << 20) -> str:
    """sha256 of a file's bytes (streamed), as hex: the ``content_hash`` that identifies a document."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


class Row:
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass
class TaggedMeeting:
    """One more meeting of a file that holds several (``TaggedDocument.more_meetings``), with its own
    section vectors and texts (aligned with its ``section_tree``)."""

    meeting: Meeting
    section_vectors: Any = None
    section_texts: list[str] | None = None
    text: str | None = None  # this meeting's own part of the file's text


@dataclass
class TaggedDocument:
    """What a batch worker hands to the single writer for one file.

    ``section_texts`` (aligned with ``meeting.section_tree``) or ``text`` (the document's plain text,
    from which each section's own body is sliced) give the searchable section text; without either,
    a section is indexed by its heading, summary and the actions and decisions in it.
    ``section_vectors`` are aligned with ``meeting.section_tree`` (one vector for the whole document
    when the tree is empty). A file that holds several meetings has the first in ``meeting`` and the
    others, in file order, in ``more_meetings``."""

    path: str
    content_hash: str
    format: str | None = None
    status: str = "SUCCESS"
    error: str | None = None
    meeting: Meeting | None = None
    section_vectors: Any = None  # list[list[float]] | numpy array | None
    pipeline_version: str = PIPELINE_VERSION
    section_texts: list[str] | None = None
    text: str | None = None
    pages: int | None = None
    more_meetings: list[TaggedMeeting] = field(default_factory=list)
    meeting_text: str | None = None  # the first meeting's own part of ``text`` when there are several


@dataclass
class Provenance(Row):
    path: str
    page: int | None
    start: int | None
    end: int | None


@dataclass
class Hit(Row):
    meeting_id: int
    section_id: int
    title: str | None
    meeting_date: str | None
    heading: str
    snippet: str
    score: float
    provenance: Provenance
    bm25: float | None = None  # FTS5 bm25 (lower is better), None for vector-only hits
    similarity: float | None = None  # cosine with the query vector
    text_rank: int | None = None
    vector_rank: int | None = None
    themes: list[str] = field(default_factory=list)
    boosted_themes: list[str] = field(default_factory=list)  # labels the query named that lifted this hit
    renditions: list[str] = field(default_factory=list)  # other files holding the same section (pdf/docx/txt)


@dataclass
class ActionRow(Row):
    id: int
    meeting_id: int
    title: str | None
    meeting_date: str | None
    section: str | None
    owner: list[str]
    owner_resolved: list[str]
    task: str
    due: str | None
    due_text: str | None
    due_date: str | None
    explicit: bool
    confidence: float | None
    status: str | None
    done: bool
    open: bool
    closed_by_action_id: int | None
    closed_on: str | None  # the meeting date of the closing action
    provenance: Provenance


@dataclass
class CarriedAction(Row):
    """An action an earlier meeting of the series left open when a later one met."""
    id: int
    task: str
    status: str | None
    meeting_id: int  # the meeting that set it
    meeting_date: str
    closed_here: bool  # recorded done at the meeting being shown
    closed_on: str | None  # the meeting date that recorded it done, if any


@dataclass
class PersonRow(Row):
    name: str
    name_key: str
    aliases: list[str]
    meetings: int
    present: int
    apologies: int
    absent: int
    guest: int
    actions_owned: int
    roles: list[str]
    first_seen: str | None
    last_seen: str | None
    meeting_ids: list[int]


@dataclass
class ThemeCount(Row):
    period: str
    label: str
    sections: int
    meetings: int


@dataclass
class ThemeSeries:
    """The most frequent theme labels over the periods of ``Archive.themes``, one count per period."""

    periods: list[str]
    labels: list[str]  # most sections first
    values: dict[str, list[int]]  # label -> sections per period (0 where absent)
    totals: dict[str, int]


def theme_series(rows: Sequence[ThemeCount], *, top: int = 8) -> ThemeSeries:
    """The ``top`` labels by sections over all periods (ties by name): what every theme chart draws."""
    periods = sorted({r.period for r in rows})
    totals: dict[str, int] = {}
    cells: dict[tuple[str, str], int] = {}
    for r in rows:
        totals[r.label] = totals.get(r.label, 0) + r.sections
        cells[(r.label, r.period)] = cells.get((r.label, r.period), 0) + r.sections
    labels = sorted(totals, key=lambda k: (-totals[k], k))[:top]
    return ThemeSeries(periods=periods, labels=labels,
                       values={lab: [cells.get((lab, p), 0) for p in periods] for lab in labels},
                       totals={lab: totals[lab] for lab in labels})


@dataclass
class DocumentRow(Row):
    id: int
    path: str
    content_hash: str
    format: str | None
    status: str
    error: str | None
    pages: int | None
    pipeline_version: str | None
    tagged_at: str
    meeting_id: int | None
    title: str | None
    meeting_date: str | None


@dataclass
class MeetingListRow(Row):
    """One meeting in the archive's list of meetings (``Archive.meeting_list``)."""

    meeting_id: int
    document_id: int
    meeting_index: int
    title: str | None
    meeting_date: str | None
    path: str
    format: str | None


@dataclass
class Counts(Row):
    documents: int
    success: int
    partial: int
    failed: int
    skipped: int
    meetings: int
    sections: int
    actions: int
    decisions: int
    people: int
    embeddings: int


@dataclass
class ActionBoard(Row):
    rows: list[ActionRow]
    counts: dict[str, int]  # {'open', 'overdue', 'done', 'all'} -> actions in that state (same owner filter)
    state: str
    today: str


@dataclass
class PersonName(Row):
    name: str
    name_key: str
    meetings: int


@dataclass
class PersonMeeting(Row):
    meeting_id: int
    title: str | None
    meeting_date: str | None
    roles: list[str]  # attendance roles in that meeting (present, apologies, chair...); [] when only mentioned


@dataclass
class PersonRecord(Row):
    person: PersonRow
    meetings: list[PersonMeeting]  # newest first


@dataclass
class Filters:
    theme: str | None = None
    person_keys: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    doc_format: str | None = None  # documents.format (pdf, docx, html, markdown, text)

    @property
    def empty(self) -> bool:
        return not (self.theme or self.person_keys or self.since or self.until or self.doc_format)


DRAFT_STATES = ("queued", "ready", "edited", "archived", "failed")


@dataclass
class DraftRecord(Row):
    """A draft made in the web application from an uploaded file (table ``drafts``): the file, its
    state, the machine's record and, once the clerk edited it, the corrected record (JSON of
    ``pipeline.core.record.Meeting``), the draft as edited (``pipeline.draft.model.Draft``) and which
    record item each draft item came from."""

    id: str
    filename: str
    uploaded_at: float
    state: str = "queued"  # one of DRAFT_STATES
    stored_path: str | None = None
    client: str | None = None
    size: int | None = None
    started_at: float | None = None
    seconds: float | None = None
    error: str | None = None
    meeting_index: int = 0
    meeting_id: int | None = None
    machine_json: str | None = None
    corrected_json: str | None = None
    draft_json: str | None = None
    origins_json: str | None = None

