"""The text of each section, split into sentences with their spans, for taggers and summarisers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.core.document import Document
from pipeline.core.record import Meeting


@dataclass
class Sentence:
    text: str
    start: int  # offsets in the document's plain text
    end: int
    block: int


@dataclass
class SectionText:
    index: int  # position in meeting.section_tree
    heading: str
    level: int
    parent: int | None
    start: int  # the section's own body (up to its first sub-section), in the document's plain text
    end: int
    text: str
    sentences: list[Sentence] = field(default_factory=list)
    has_children: bool = False

    @property
    def is_container(self) -> bool:
        """A heading that only holds sub-headings ("Ongoing business") has no text of its own."""
        return self.has_children and len(self.text.split()) < 8


_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'(])")


def section_texts(doc: Document, meeting: Meeting, parsed=None) -> list[SectionText]:
    """One ``SectionText`` per entry of ``meeting.section_tree``: the section's own text (its body up
    to the first sub-section) split into sentences. spaCy sentences are used when ``parsed`` (a
    ``ParsedDocument``) is given; list items and table rows are always sentences of their own."""
    tree = meeting.section_tree
    out: list[SectionText] = []
    for i, s in enumerate(tree):
        own_end = s.body_end
        children = [j for j, t in enumerate(tree) if t.parent == i]
        if children:
            own_end = min(own_end, tree[children[0]].provenance.start)
        start = s.body_start
        text = doc.text[start:own_end]
        sents: list[Sentence] = []
        for bi, b in enumerate(doc.blocks):
            if b.end <= start or b.start >= own_end or b.kind == "heading":
                continue
            lo, hi = max(b.start, start), min(b.end, own_end)
            if lo >= hi:
                continue
            if b.kind in ("list_item", "table_row") or parsed is None:
                pieces = _split(doc.text, lo, hi) if b.kind == "paragraph" else [(lo, hi)]
            else:
                pieces = [(b.start + x.start_char, b.start + x.end_char) for x in parsed.docs[bi].sents
                          if lo <= b.start + x.start_char < hi]
            for a, z in pieces:
                t = doc.text[a:z].strip()
                if len(re.findall(r"\w+", t)) >= 2:
                    lead = doc.text[a:z].find(t)
                    sents.append(Sentence(t, a + lead, a + lead + len(t), bi))
        out.append(SectionText(index=i, heading=s.heading, level=s.level, parent=s.parent, start=start,
                               end=own_end, text=text, sentences=sents, has_children=bool(children)))
    return out


def _split(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    chunk = text[lo:hi]
    out, pos = [], 0
    for m in _SENT_END.finditer(chunk):
        out.append((lo + pos, lo + m.start()))
        pos = m.end()
    out.append((lo + pos, hi))
    return out
