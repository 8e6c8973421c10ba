"""A document's blocks run through spaCy once, shared by every detector.

``ParsedDocument`` holds one spaCy ``Doc`` per block (headings, paragraphs, list items, and table
rows, whose text joins the cells with " | "). A token's offset in the document's plain text is
``block.start + token.idx``, so every detector can give exact provenance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.core.document import Document

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc


@dataclass
class ParsedDocument:
    document: Document
    docs: list["Doc"]  # aligned with document.blocks

    def offset(self, i: int, char: int) -> int:
        """Document offset of character ``char`` of block ``i``."""
        return self.document.blocks[i].start + char

def parse_document(doc: Document, nlp) -> ParsedDocument:
    """Run ``nlp`` (a SpacyPipeline or spaCy Language) over every block, batched."""
    texts = [b.text for b in doc.blocks]
    pipe = nlp.pipe if hasattr(nlp, "pipe") else None
    docs = list(pipe(texts)) if pipe else [nlp(t) for t in texts]
    return ParsedDocument(document=doc, docs=docs)
