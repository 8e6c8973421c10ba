"""Section embeddings for the archive's search (the ``vectors`` stage): one L2-normalised float32 row
per entry of ``meeting.section_tree``, from the same sentence encoder the themes stage uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from pipeline.core.document import Document
    from pipeline.core.record import Meeting
    from pipeline.structure.sections import SectionText

_VECTOR_SENTENCES = 3
_VECTOR_CHARS = 800


def vector_texts(meeting: "Meeting", document: "Document", sections: Sequence["SectionText"]) -> list[str]:
    """The text embedded for each section, aligned with ``meeting.section_tree``: the heading plus
    the section's summary when the summarise stage ran, otherwise its first sentences (or first
    characters). A document without headings gets one text: its title and opening sentences."""
    summaries = {s.section_index: s.summary for s in (meeting.summaries or []) if s.summary}
    out = []
    for s in sections:
        body = summaries.get(s.index)
        if not body:
            body = " ".join(x.text for x in s.sentences[:_VECTOR_SENTENCES]) or s.text
        out.append(f"{s.heading}\n{' '.join(body.split())[:_VECTOR_CHARS]}".strip())
    if not out:
        title = meeting.title or ""
        out.append(f"{title}\n{' '.join(document.text.split())[:_VECTOR_CHARS]}".strip())
    return out


def section_vectors(meeting: "Meeting", document: "Document", sections: Sequence["SectionText"]) -> "np.ndarray":
    """One embedding per section: the normalised mean of the section's heading (counted twice) and its
    sentences' embeddings. The tagger and summariser have already encoded those sentences in this
    process (the encoder caches by text), so this costs little; a document without headings falls
    back to ``vector_texts``."""
    import numpy as np

    from pipeline.themes.encoder import shared_encoder

    enc = shared_encoder()
    if not sections or len(sections) != len(meeting.section_tree):
        return enc.encode(vector_texts(meeting, document, sections))
    rows = []
    for s in sections:
        texts = [s.heading, s.heading] + [x.text for x in s.sentences[:40]]
        v = enc.encode(texts).mean(axis=0)
        rows.append(v / (np.linalg.norm(v) or 1.0))
    return np.stack(rows).astype(np.float32)
