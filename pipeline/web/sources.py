"""The passage behind a provenance link: the stored file re-extracted, the span marked.

A record keeps, for every fact, the character span in the document's plain text. To show it, the
stored file is read again through ``pipeline.extract`` (the same reader and format it was tagged
with) and the span is cut out of that text. The file must still hold the content that was tagged
(same sha256 as ``documents.content_hash``): otherwise the spans would point at the wrong words, so
the page says so and shows the text the record itself kept for the span, when it has one.

Extracted texts are cached (a few documents, keyed by document id, content hash and the file's size
and modification time), so following several links into one document reads it once.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from pipeline.archive.types import DocumentRow, content_hash
from pipeline.core.errors import MinutebookError
from pipeline.core.record import Meeting, Provenance

WHOLE_TEXT_CHARS = 60_000  # shorter documents are shown whole (the anchor scrolls to the mark)
CONTEXT_CHARS = 4_000  # otherwise this much text either side of the span


@dataclass
class SourceText:
    text: str
    block_starts: list[int]
    block_pages: list[int | None]

    def page_at(self, offset: int) -> int | None:
        i = bisect.bisect_right(self.block_starts, offset) - 1
        return self.block_pages[i] if 0 <= i < len(self.block_pages) else None


@dataclass
class Passage:
    available: bool  # the original file was read again
    note: str | None  # why it was not, or what to keep in mind
    before: str
    marked: str
    after: str
    start: int
    end: int
    page: int | None
    cut_before: int = 0  # characters of the document left out before ``before``
    cut_after: int = 0


class SourceTexts:
    """A small thread-safe cache of re-extracted documents."""

    def __init__(self, max_entries: int = 8):
        self.max_entries = max(1, max_entries)
        self._cache: OrderedDict[tuple, SourceText] = OrderedDict()
        self._lock = threading.Lock()

    def text_of(self, doc: DocumentRow) -> tuple[SourceText | None, str | None]:
        """The document's plain text as tagged, or None and the reason it cannot be had."""
        path = Path(doc.path)
        try:
            st = path.stat()
        except OSError:
            return None, "the original file is no longer where it was tagged from"
        if not path.is_file():
            return None, "the original file is no longer where it was tagged from"
        key = (doc.id, doc.content_hash, st.st_size, st.st_mtime_ns)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit, None
        try:
            if content_hash(path) != doc.content_hash:
                return None, "the original file has changed since it was tagged, so its spans no longer apply"
            from pipeline.extract import read_document

            d = read_document(path, as_format=doc.format)
        except MinutebookError as e:
            return None, f"the original file could not be read again ({e.message})"
        except OSError:
            return None, "the original file could not be read"
        src = SourceText(text=d.text, block_starts=[b.start for b in d.blocks], block_pages=[b.page for b in d.blocks])
        with self._lock:
            self._cache[key] = src
            while len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)
        return src, None

    def passage(self, doc: DocumentRow, start: int, end: int, meeting: Meeting | None,
                page: int | None = None) -> Passage:
        src, why = self.text_of(doc)
        if src is not None:
            text = src.text
            start = max(0, min(start, len(text)))
            end = max(start, min(end, len(text)))
            if len(text) <= WHOLE_TEXT_CHARS:
                lo, hi = 0, len(text)
            else:
                lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
            return Passage(available=True, note=None, before=text[lo:start], marked=text[start:end],
                           after=text[end:hi], start=start, end=end,
                           page=src.page_at(start) if src.block_starts else page, cut_before=lo,
                           cut_after=len(text) - hi)
        kept = stored_text(meeting, start, end) if meeting else None
        if kept is not None:
            return Passage(available=False, note=why + "; below is the text the record kept for this span",
                           before="", marked=kept.text or "", after="", start=start, end=end,
                           page=kept.page if kept.page is not None else page)
        return Passage(available=False, note=why + "; the record keeps no text for this span", before="",
                       marked="", after="", start=start, end=end, page=page)


def _provenances(m: Meeting) -> Iterator[Provenance]:
    if m.title_provenance:
        yield m.title_provenance
    for a in m.attendance:
        yield a.provenance
    for x in m.actions:
        yield x.provenance
    for d in m.decisions:
        yield d.provenance
    for h in m.section_tree:
        yield h.provenance
    for s in m.summaries:
        yield from s.sentences
    for t in m.theme_detail:
        for lab in t.labels:
            for e in lab.evidence:
                yield e.provenance
    for p in m.people:
        yield from p.mentions
    for dv in [m.meeting_date_detail, *m.dates, *m.next_meeting_detail]:
        if dv is not None and dv.provenance is not None:
            yield dv.provenance
    for w in m.warnings:
        if w.provenance is not None:
            yield w.provenance


def stored_text(m: Meeting, start: int, end: int) -> Provenance | None:
    """A provenance of the record with exactly this span and some text, if there is one."""
    for p in _provenances(m):
        if p.start == start and p.end == end and p.text:
            return p
    return None


def content_type(fmt: str | None) -> str:
    return {"pdf": "application/pdf",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "html": "text/html", "markdown": "text/markdown", "text": "text/plain"}.get(fmt or "", "application/octet-stream")


def safe_filename(name: str, default: str = "minutes") -> str:
    """A file name for a Content-Disposition header: letters, digits, '.', '-', '_' only."""
    base = Path(name or "").name
    out = "".join(c if (c.isascii() and (c.isalnum() or c in "._-")) else "_" for c in base).strip("._")
    return out[:120] or default


def provenance_args(p: Any) -> dict[str, int]:
    """The query arguments of a source link for a record or archive provenance."""
    start = getattr(p, "start", None)
    end = getattr(p, "end", None)
    if start is None or end is None or int(end) <= int(start) == 0:
        return {}  # no span (an item a clerk added in a draft): no source link
    return {"start": int(start), "end": int(end)}
