"""The one owner of provenance: where in the source a fact was read (file, page, character span).

>>> from pipeline.core.document import DocumentBuilder
>>> b = DocumentBuilder("m.txt", "text"); _ = b.add("paragraph", "Present: Ann Lee", page=1)
>>> provenance(b.build(), 9, 16).text
'Ann Lee'
"""

from __future__ import annotations

from pydantic import BaseModel

from pipeline.core.document import Document
from pipeline.core.record import Heading, Provenance


def provenance(doc: Document, start: int, end: int, block: int | None = None) -> Provenance:
    """The provenance of ``doc.text[start:end]`` (the block is found when not given)."""
    if block is None:
        block = block_at(doc, start)
    page = doc.blocks[block].page if block is not None and block < len(doc.blocks) else None
    return Provenance(file=doc.path, page=page, start=start, end=end, block=block, text=doc.text[start:end])


def block_at(doc: Document, offset: int) -> int | None:
    """The index of the block holding ``offset`` (binary search), or None."""
    lo, hi = 0, len(doc.blocks) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        b = doc.blocks[mid]
        if offset < b.start:
            hi = mid - 1
        elif offset > b.end:
            lo = mid + 1
        else:
            return mid
    return None


def relocate(record: BaseModel, char_offset: int, block_offset: int) -> None:
    """Move every character span and block index in ``record`` (a ``Meeting`` read from one part of a
    file, see ``pipeline.structure.meetings``) by the part's offsets, in place, so that provenance
    points into the whole file's text."""
    if not char_offset and not block_offset:
        return
    seen: set[int] = set()

    def walk(value: object) -> None:
        if isinstance(value, BaseModel):
            if id(value) in seen:
                return
            seen.add(id(value))
            if isinstance(value, Provenance):
                value.start += char_offset
                value.end += char_offset
                if value.block is not None:
                    value.block += block_offset
                return
            if isinstance(value, Heading):
                value.body_start += char_offset
                value.body_end += char_offset
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    walk(record)
