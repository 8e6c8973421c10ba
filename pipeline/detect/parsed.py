"""A document's blocks run through spaCy once, shared by every detector.

``ParsedDocument`` holds one spaCy ``Doc`` per block (headings, paragraphs, list items, and table
rows, whose text joins the cells with " | "). A token's offset in the document's plain text is
``block.start + token.idx``, so every detector can give exact provenance.

Memory is bounded by the text parsed at once, not by the document: spaCy's tagger and parser hold
their working arrays for a whole ``nlp.pipe`` batch (or a whole ``Doc``) at once. The reader already
splits paragraphs over ``ReadOptions.max_block_chars`` (10,000) into blocks, but 64 such blocks made
one batch: a 1 MB line (107 blocks) peaked at 1.5 GB. So a batch holds at most ``BATCH`` blocks and
``BATCH_CHARS`` characters, and a block still longer than ``MAX_CHARS`` (a table row, a document
built without the reader's split) is cut into sentence-ish pieces, each parsed on its own, joined
back into one ``Doc`` with the block's exact text (``Doc.from_docs``), so offsets and every
detector are unchanged. Batching does not change spaCy's annotations, so ordinary documents parse
as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from pipeline.core.document import Document

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

MAX_CHARS = 10_000  # about 1,500 words: longer than any real paragraph, small enough for spaCy to parse in ~50 MB
BATCH = 64  # blocks per nlp.pipe batch (spaCy's own default batch size)
BATCH_CHARS = 50_000  # and at most this much text in one batch, which spaCy holds in memory at once
_SENTENCE_END = re.compile(r"[.!?;:][\"')\]]*\s+|\n\s*")
_SPACE = re.compile(r"\s+")


@dataclass
class ParsedDocument:
    document: Document
    docs: list["Doc"]  # aligned with document.blocks

    def offset(self, i: int, char: int) -> int:
        """Document offset of character ``char`` of block ``i``."""
        return self.document.blocks[i].start + char


def pieces(text: str, limit: int = MAX_CHARS) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` characters that join back to ``text``: each cut
    follows the last sentence end in the second half of the window, else the last run of spaces,
    else falls at ``limit`` (a run with no space at all)."""
    out: list[str] = []
    i = 0
    while len(text) - i > limit:
        window = text[i:i + limit]
        cut = 0
        for pattern in (_SENTENCE_END, _SPACE):
            ends = [m.end() for m in pattern.finditer(window, limit // 2) if m.end() < limit]
            if ends:
                cut = ends[-1]
                break
        cut = cut or limit
        out.append(window[:cut])
        i += cut
    out.append(text[i:])
    return out


def _parse_long(text: str, nlp) -> "Doc":
    from spacy.tokens import Doc

    parsed = Doc.from_docs([nlp(p) for p in pieces(text)], ensure_whitespace=False)
    assert parsed.text == text
    return parsed


def _batches(texts: list[str]) -> Iterator[list[str]]:
    """Consecutive ordinary blocks, at most ``BATCH`` of them and ``BATCH_CHARS`` characters a
    batch; a long block as a batch of its own."""
    batch: list[str] = []
    size = 0
    for t in texts:
        if batch and (len(t) > MAX_CHARS or len(batch) == BATCH or size + len(t) > BATCH_CHARS):
            yield batch
            batch, size = [], 0
        batch.append(t)
        size += len(t)
        if len(t) > MAX_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _parse(texts: list[str], nlp) -> Iterator["Doc"]:
    """Docs for ``texts`` in order: ordinary blocks batched through ``nlp.pipe``, a long block on
    its own, piece by piece."""
    for batch in _batches(texts):
        if len(batch[0]) > MAX_CHARS:
            yield _parse_long(batch[0], nlp)
        elif hasattr(nlp, "pipe"):
            yield from nlp.pipe(batch, batch_size=BATCH)
        else:
            yield from (nlp(t) for t in batch)


def parse_document(doc: Document, nlp) -> ParsedDocument:
    """Run ``nlp`` (a SpacyPipeline or spaCy Language) over every block."""
    return ParsedDocument(document=doc, docs=list(_parse([b.text for b in doc.blocks], nlp)))
