"""Browsing the archive: the list of meetings, with the same minutes in several renditions (the
PDF, Word and text of one meeting, each tagged as its own document) shown as one meeting.

Renditions of one meeting: the same meeting date, the same series name (the title without its
date and "minutes of"), and near-identical records (the words of their headings, attendance,
decisions, actions and summaries overlap by ``SAME_TEXT`` or more, Jaccard). Only meetings that
share a date and a series name are compared, so the records read are few.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from pipeline.archive.text import series_key, series_name
from pipeline.archive.types import MeetingListRow
from pipeline.core.record import Meeting

SAME_TEXT = 0.8
FORMAT_NAMES = {"pdf": "PDF", "docx": "Word", "html": "HTML", "markdown": "Markdown", "text": "text"}
_WORD = re.compile(r"\w+")


def fingerprint(m: Meeting) -> frozenset[str]:
    """The words of what a record says (not where it says it): headings, attendance, decisions,
    actions and summaries."""
    parts: list[str] = [m.title or ""]
    parts += [h.heading for h in m.section_tree]
    parts += [e.name for e in m.attendance]
    parts += [d.text for d in m.decisions]
    parts += [f"{' '.join(a.owner)} {a.task}" for a in m.actions]
    parts += [s.summary for s in m.summaries]
    return frozenset(_WORD.findall(" ".join(parts).casefold()))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass
class Rendition:
    meeting_id: int
    document_id: int
    format: str | None
    file_name: str

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES.get(self.format or "", self.format or "file")


@dataclass
class MeetingEntry:
    """One meeting of the list: the first-tagged rendition's id, title and date, and every rendition."""

    meeting_id: int
    title: str
    meeting_date: str | None
    series: str
    key: str = ""  # series_key(title)
    renditions: list[Rendition] = field(default_factory=list)

    @property
    def year(self) -> str | None:
        return self.meeting_date[:4] if self.meeting_date else None


@dataclass
class MeetingIndex:
    entries: list[MeetingEntry]
    by_meeting: dict[int, MeetingEntry]
    _series: dict[str, list[MeetingEntry]] | None = field(default=None, repr=False)
    _names: list[tuple[str, int]] | None = field(default=None, repr=False)

    def neighbours(self, meeting_id: int) -> tuple[MeetingEntry | None, MeetingEntry | None]:
        """The previous and next dated meetings of the same series (by date), if any."""
        entry = self.by_meeting.get(meeting_id)
        if entry is None or not entry.meeting_date:
            return None, None
        if self._series is None:
            groups: dict[str, list[MeetingEntry]] = {}
            for e in self.entries:
                if e.key and e.meeting_date:
                    groups.setdefault(e.key, []).append(e)
            for g in groups.values():
                g.sort(key=lambda e: (e.meeting_date or "", e.meeting_id))
            self._series = groups
        group = self._series.get(entry.key, [])
        k = next((i for i, e in enumerate(group) if e is entry), None)
        if k is None:
            return None, None
        return (group[k - 1] if k > 0 else None), (group[k + 1] if k + 1 < len(group) else None)

    def years(self) -> list[tuple[str, int]]:
        out: dict[str, int] = {}  # a pass over the entries: no regular expression, fast
        for e in self.entries:
            if e.year:
                out[e.year] = out.get(e.year, 0) + 1
        return sorted(out.items(), reverse=True)

    def series(self) -> list[tuple[str, int]]:
        """Series names with their number of meetings, most first (those with one meeting last)."""
        if self._names is None:
            out: dict[str, tuple[str, int]] = {}
            for e in self.entries:
                if e.key:
                    name, n = out.get(e.key, (e.series, 0))
                    out[e.key] = (name, n + 1)
            self._names = sorted(out.values(), key=lambda x: (-x[1], x[0].casefold()))
        return self._names

    def select(self, *, year: str = "", series: str = "", title: str = "", doc_format: str = "",
               oldest_first: bool = False) -> list[MeetingEntry]:
        want_series = series_key(series) if series else ""
        words = _WORD.findall(title.casefold())
        out = []
        for e in self.entries:
            if year and e.year != year:
                continue
            if want_series and e.key != want_series:
                continue
            if words and not all(w in e.title.casefold() for w in words):
                continue
            if doc_format and all(r.format != doc_format for r in e.renditions):
                continue
            out.append(e)
        undated = [e for e in out if not e.meeting_date]
        dated = sorted((e for e in out if e.meeting_date), key=lambda e: (e.meeting_date, e.meeting_id),
                       reverse=not oldest_first)
        return dated + undated


def build_index(rows: Iterable[MeetingListRow], record: Callable[[int], Meeting | None]) -> MeetingIndex:
    """Group the archive's meetings into ``MeetingEntry``s (renditions together)."""
    rows = sorted(rows, key=lambda r: r.meeting_id)
    buckets: dict[tuple[str, str], list[MeetingListRow]] = {}
    for r in rows:
        if r.meeting_date:
            buckets.setdefault((r.meeting_date, series_key(r.title)), []).append(r)
    same: dict[int, int] = {}  # meeting id -> the id of the first rendition it is the same as
    for group in buckets.values():
        if len(group) < 2:
            continue
        prints: dict[int, frozenset[str]] = {}
        for r in group:
            m = record(r.meeting_id)
            prints[r.meeting_id] = fingerprint(m) if m is not None else frozenset()
        heads: list[int] = []
        for r in group:
            head = next((h for h in heads if prints[r.meeting_id] and
                         similarity(prints[h], prints[r.meeting_id]) >= SAME_TEXT), None)
            if head is None:
                heads.append(r.meeting_id)
            else:
                same[r.meeting_id] = head
    entries: dict[int, MeetingEntry] = {}
    by_meeting: dict[int, MeetingEntry] = {}
    for r in rows:
        head = same.get(r.meeting_id, r.meeting_id)
        e = entries.get(head)
        if e is None:
            title = r.title or Path(r.path).name
            e = entries[head] = MeetingEntry(meeting_id=head, title=title, meeting_date=r.meeting_date,
                                             series=series_name(title) or title, key=series_key(title))
        e.renditions.append(Rendition(meeting_id=r.meeting_id, document_id=r.document_id, format=r.format,
                                      file_name=Path(r.path).name))
        by_meeting[r.meeting_id] = e
    return MeetingIndex(entries=list(entries.values()), by_meeting=by_meeting)


def one_per_meeting(hits: list, index: MeetingIndex) -> tuple[list, dict[int, list[Rendition]]]:
    """Search hits with the renditions of one meeting counted once: a meeting's hits come from the
    first of its renditions to appear in the ranking; returns the hits and, per meeting id kept,
    the other renditions (to show "also as")."""
    chosen: dict[int, int] = {}  # entry id -> the rendition's meeting id whose hits are kept
    out, also = [], {}
    for h in hits:
        entry = index.by_meeting.get(h.meeting_id)
        if entry is None or len(entry.renditions) < 2:
            out.append(h)
            continue
        keep = chosen.setdefault(entry.meeting_id, h.meeting_id)
        if keep == h.meeting_id:
            out.append(h)
            also[h.meeting_id] = [r for r in entry.renditions if r.meeting_id != h.meeting_id]
    return out, also
