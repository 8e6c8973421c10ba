"""The one owner of provenance: where in the source a fact was read (file, page, character span).

>>> from pipeline.core.document import DocumentBuilder
>>> b = DocumentBuilder("m.txt", "text"); _ = b.add("paragraph", "Present: Ann Lee", page=1)
>>> provenance(b.build(), 9, 16).text
'Ann Lee'
"""

from __future__ import annotations

from pipeline.core.document import Document
from pipeline.core.record import Provenance


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
