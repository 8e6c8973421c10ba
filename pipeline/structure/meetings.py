"""Several meetings in one file: a Word export of a term's meetings, a running log, a year of minutes
pasted into one page. Each meeting gets a record of its own.

A meeting **starts** at a block that says which meeting it is: a date near its beginning, in one of
three layouts that files of several meetings use:

- *a repeated meeting heading*: headings of one level ("Meeting 3", "Minutes – 10 April 2026",
  "## 2024-05-07") each followed, within two blocks, by a date, or holding one themselves;
- *a repeated dated header line*: a line that begins with a date and names the attendance
  ("20/03/2026 Attendees: ...", "Tuesday 4 June 2024 – Present: ...");
- *a repeated form*: a table row "Date | 20/08/2021" with an "Attendees | ..." row below it.

The file is split only when at least two starts of the same layout carry **different** dates, the
first start opens the file (nothing but a title before it), and every meeting has content of its
own. Anything else (one meeting that mentions other dates, a "Date of next meeting" heading, an
agenda item about the last meeting's minutes) stays one meeting: a wrong split would scatter a
meeting's actions and attendance over several records.

Each part is an exact slice of the document (its text and blocks, offsets made relative to the
part), so a part's record is moved back into the file's coordinates with
``pipeline.core.provenance.relocate``.

>>> from pipeline.core.document import DocumentBuilder
>>> b = DocumentBuilder("log.md", "markdown")
>>> for line in ("## Meeting 1", "3 March 2025", "Present: Ann, Bo", "We agreed the plan.",
...              "## Meeting 2", "10 March 2025", "Present: Ann, Cy", "We reviewed the plan."):
...     _ = b.add("heading" if line.startswith("##") else "paragraph", line.lstrip("# "), level=1)
>>> [p.document.blocks[0].text for p in split_document(b.build())]
['Meeting 1', 'Meeting 2']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.core.dates import find_dates, locale_day_first
from pipeline.core.document import Block, Document

# Headings that carry a date but are about another meeting, or an agenda item: never a start.
_NOT_A_START = re.compile(r"\b(next|previous|last|prior|future|following|upcoming|approv\w*|confirm\w*|"
                          r"matters arising|signed|adopted|deadline|due)\b", re.IGNORECASE)
_ATTENDANCE = re.compile(r"\b(attendees|attendance|present|apologies|participants|in attendance|roll call)\b\s*[:;-]",
                         re.IGNORECASE)
_MAX_HEADER_WORDS = 14
_DATE_WITHIN = 40  # characters from the start of a header line where its date must begin
_MIN_PART_BLOCKS = 2


@dataclass(frozen=True)
class Part:
    """One meeting of a file: its own ``document`` (a slice of the file's) and where that slice starts."""

    document: Document
    char_offset: int
    block_offset: int
    title: str | None = None  # "<the file's title> – <this meeting's heading>", for every meeting but the first
    title_span: tuple[int, int] | None = None  # where that heading is, in the file's text


def split_document(doc: Document) -> list[Part]:
    """The meetings of ``doc``, in file order (one part, the whole document, for almost every file)."""
    starts = meeting_starts(doc)
    if len(starts) < 2:
        return [Part(doc, 0, 0)]
    bounds = [0] + starts[1:] + [len(doc.blocks)]
    parts = [_slice(doc, a, b, f"{k + 1}/{len(starts)}") for k, (a, b) in enumerate(zip(bounds, bounds[1:]))]
    # the file's title (its first line, when that opens no meeting) names every meeting of it
    head = doc.blocks[0] if starts[0] > 0 and len(doc.blocks[0].text.split()) <= 12 else None
    day_first = locale_day_first(doc.text)
    for k, p in enumerate(parts[1:], 1):
        first = p.document.blocks[0]
        if head is None:
            continue
        if first.kind == "heading" and len(first.text.split()) <= 10:
            name, a, z = first.text, first.start, first.end
        else:  # a dated line opens the meeting: its date names it
            dates = [d for d in find_dates(first.text[:120], day_first=day_first) if d.start <= _DATE_WITHIN]
            if not dates:
                continue
            name, a, z = dates[0].text, first.start + dates[0].start, first.start + dates[0].end
        parts[k] = replace(p, title=f"{head.text} – {name}", title_span=(p.char_offset + a, p.char_offset + z))
    return parts


def meeting_starts(doc: Document) -> list[int]:
    """Block indices where a meeting starts, when the file holds several; [] otherwise. Both layouts
    may occur in one file (an export that lost some meeting headings)."""
    blocks = doc.blocks
    if len(blocks) < 4:
        return []
    day_first = locale_day_first(doc.text)
    headings = dict(_heading_starts(blocks, day_first))
    starts = dict(headings)
    for i, when in _dated_line_starts(blocks, day_first) + _form_row_starts(blocks, day_first):
        # the dated line right under a meeting heading belongs to that heading's meeting
        if not any(h <= i <= h + 2 for h in headings):
            starts[i] = when
    ordered = sorted(starts.items())
    return [i for i, _ in ordered] if _credible(ordered, blocks) else []


def _date_near_start(text: str, day_first: bool) -> str | None:
    """The ISO date written near the start of a short line, else None."""
    for d in find_dates(text[:120], day_first=day_first):
        if d.value is not None and d.start <= _DATE_WITHIN and not d.year_inferred:
            return d.value.isoformat()
    return None


def _heading_starts(blocks: list[Block], day_first: bool) -> list[tuple[int, str]]:
    """Headings of the top level used by dated headings, each dated by itself or the next two blocks."""
    found: list[tuple[int, str, int | None]] = []
    for i, b in enumerate(blocks):
        if b.kind != "heading" or len(b.text.split()) > _MAX_HEADER_WORDS or _NOT_A_START.search(b.text):
            continue
        when = _date_near_start(b.text, day_first)
        if when is None:
            for nb in blocks[i + 1:i + 3]:
                if nb.kind == "heading":
                    break
                when = _date_near_start(nb.text, day_first)
                if when is not None:
                    break
        if when is not None:
            found.append((i, when, b.level))
    if not found:
        return []
    top = min((lv for _, _, lv in found if lv is not None), default=None)
    return [(i, when) for i, when, lv in found if lv == top]


def _dated_line_starts(blocks: list[Block], day_first: bool) -> list[tuple[int, str]]:
    """Lines that begin with a date and name the attendance ("20/03/2026 Attendees: ...")."""
    out = []
    for i, b in enumerate(blocks):
        if b.kind == "table_row" or not _ATTENDANCE.search(b.text[:160]):
            continue
        when = _date_near_start(b.text, day_first)
        if when is not None and (i == 0 or blocks[i - 1].kind == "heading" or _date_near_start(b.text[:20], day_first)):
            # a heading right before the dated line opens the meeting ("Meeting 4" / "20/04/2026 Attendees: ...")
            out.append((i - 1 if i and blocks[i - 1].kind == "heading" and not blocks[i - 1].text.endswith(":")
                        else i, when))
    return out


_ROW_ATTENDANCE = re.compile(r"^\W*(attendees|attendance|attending|present|participants|members present)\W*$", re.I)
_DATE_LABEL = re.compile(r"^\W*(?:meeting )?date\W*$", re.IGNORECASE)


def _form_row_starts(blocks: list[Block], day_first: bool) -> list[tuple[int, str]]:
    """A form's "Date | 20/08/2021" row followed by its "Attendees | ..." row: a meeting of a file
    that keeps every meeting in one table."""
    out = []
    for i, b in enumerate(blocks):
        cells = b.cell_texts() if b.kind == "table_row" else []
        if len(cells) < 2 or not _DATE_LABEL.match(cells[0]):
            continue
        when = _date_near_start(cells[1], day_first)
        if when is not None and any(nb.kind == "table_row" and _ROW_ATTENDANCE.match(nb.cell_texts()[0])
                                    for nb in blocks[i + 1:i + 4] if nb.cell_texts()):
            out.append((i, when))
    return out


def _credible(starts: list[tuple[int, str]], blocks: list[Block]) -> bool:
    """Several starts with different dates, the first one opening the file, each with content."""
    if len(starts) < 2 or len({when for _, when in starts}) < 2:
        return False
    first = starts[0][0]
    # only a title (and blank metadata) may come before the first meeting
    if first > 3 or any(b.kind in ("list_item", "table_row") for b in blocks[:first]):
        return False
    idx = [i for i, _ in starts] + [len(blocks)]
    return all(b - a >= _MIN_PART_BLOCKS for a, b in zip(idx, idx[1:]))


def _slice(doc: Document, a: int, b: int, which: str) -> Part:
    """Blocks a..b-1 as a document of their own: the exact text span, offsets made relative to it."""
    blocks = doc.blocks[a:b]
    lo = 0 if a == 0 else blocks[0].start
    hi = blocks[-1].end
    tables = sorted({x.table for x in blocks if x.table is not None})
    renumber = {t: k for k, t in enumerate(tables)}
    moved = [replace(x, start=x.start - lo, end=x.end - lo,
                     table=renumber[x.table] if x.table is not None else None,
                     cells=[replace(c, start=c.start - lo, end=c.end - lo) for c in x.cells] if x.cells else x.cells)
             for x in blocks]
    part = Document(path=doc.path, format=doc.format, text=doc.text[lo:hi], blocks=moved, quality=doc.quality,
                    metadata={**doc.metadata, "meeting_part": which})
    return Part(part, lo, a)
