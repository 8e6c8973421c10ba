"""A section's candidate sentences for a summary: whole sentences (and list items) with their exact
spans, abbreviations rejoined, a leading bullet or list number trimmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover

    from pipeline.core.document import Document
    from pipeline.structure.sections import SectionText


_BULLET = re.compile(r"^(?:[\u2022\u25aa\u25cf\u25e6\u2023\u2043\u2219\u00b7*\-–—>o]\s+|"
                     r"\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+)")
_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"“'‘(]?[A-Z0-9])")
_ABBREV = {"e.g", "eg", "i.e", "ie", "etc", "mr", "mrs", "ms", "dr", "prof", "cllr", "st", "no", "vs", "cf",
           "approx", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
           "oct", "nov", "dec", "rev", "hon", "fig", "p", "pp", "vol", "al", "jr", "sr", "u.s", "u.k", "a.m",
           "p.m", "min", "est", "dept", "govt", "corp"}
URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.I)
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$")


@dataclass
class Piece:
    text: str
    start: int
    end: int
    block: int | None
    parts: tuple["Piece", ...] = ()  # a sentence broken by a page break (and links): its spans

    @property
    def spans(self) -> tuple["Piece", ...]:
        return self.parts or (self,)


def _sub_sentences(text: str, start: int, block: int | None) -> list[Piece]:
    """Split a section sentence (a list item can hold several) into sentences with exact offsets."""
    out: list[Piece] = []
    pos = 0
    for m in _SPLIT.finditer(text):
        before = text[pos:m.start()].rstrip("\"'”’)")
        last = before.rsplit(None, 1)[-1] if before.split() else ""
        stem = last.rstrip(".!?").lower().lstrip("(")
        if stem in _ABBREV or (len(stem) == 1 and stem.isalpha()):
            continue
        if before.count("(") > before.count(")"):
            continue  # never split inside a parenthesis
        out.append(Piece(text[pos:m.start()], start + pos, start + m.start(), block))
        pos = m.end()
    out.append(Piece(text[pos:], start + pos, start + len(text), block))
    res = []
    for p in out:
        t = p.text.strip()
        if not t:
            continue
        lead = p.text.find(t)
        res.append(Piece(t, p.start + lead, p.start + lead + len(t), p.block))
    return res


def _trim_bullet(p: Piece) -> Piece:
    m = _BULLET.match(p.text)
    if m and len(p.text) > m.end():
        return Piece(p.text[m.end():], p.start + m.end(), p.end, p.block)
    return p


def section_sentences(section: "SectionText", doc: "Document | None" = None) -> list[Piece]:
    """The section's sentences (list items split further), leading bullets trimmed, exact offsets.

    With ``doc``, a paragraph that starts mid-sentence ("2022 so we are ...", after a page break
    and a few links) is joined to the unfinished sentence before it; the result keeps both spans."""
    out: list[Piece] = []
    for s in _rejoin_abbreviations(section):
        for k, p in enumerate(_sub_sentences(s.text, s.start, s.block)):
            p = _trim_bullet(p)
            prev = next((q for q in reversed(out) if URL.sub("", q.text).strip()), None)
            if doc is not None and prev is not None and k == 0 and _continues(prev, p, doc):
                parts = prev.spans + (p,)
                out.remove(prev)
                out.append(Piece(" ".join(x.text for x in parts), parts[0].start, p.end, prev.block, parts))
                continue
            out.append(p)
    return out


_TITLE_ONLY = re.compile(r"(?:^|\s)((?:(?:Mr|Mrs|Ms|Mx|Dr|Prof|Cllr|Rev|Sr|Jr|St)\.\s*)+)$")


def _rejoin_abbreviations(section: "SectionText") -> list[Piece]:
    """Undo splits after "Ms." / "Dr." / "e.g." / an initial ("On a motion by Ms. | Alvarado, ...")."""
    out: list[Piece] = []
    for s in section.sentences:
        p = Piece(s.text, s.start, s.end, s.block)
        lo = out[-1].end if out else section.start
        gap = section.text[max(0, lo - section.start):max(0, s.start - section.start)]
        gap = gap.rsplit("\n", 1)[-1]
        m = _TITLE_ONLY.search(gap)
        if m and section.start <= s.start - len(gap) + m.start(1):
            a = s.start - len(gap) + m.start(1)  # a title split off its name: "Mr. | Feld presented ..."
            p = Piece(section.text[a - section.start:p.end - section.start], a, p.end, p.block)
        if out and out[-1].block == p.block and section.start <= out[-1].start and p.end <= section.end:
            last = out[-1].text.rsplit(None, 1)[-1] if out[-1].text.split() else ""
            stem = last.rstrip(".").lower().lstrip("(")
            if last.endswith(".") and (stem in _ABBREV or re.fullmatch(r"[A-Za-z]", stem)):
                a, z = out[-1].start, p.end
                out[-1] = Piece(section.text[a - section.start:z - section.start], a, z, p.block)
                continue
        out.append(p)
    return out


_SPEAKER = re.compile(r"^<?[\w.@-]{1,20}>?:\s|^<[^>]{1,30}>\s")
_CONTINUATION = re.compile(r"^(?:[a-z]|(?:1[89]|20)\d\d\s+[a-z])")


def _continues(prev: Piece, p: Piece, doc: "Document") -> bool:
    if p.block is None or p.block >= len(doc.blocks) or doc.blocks[p.block].kind != "paragraph":
        return False
    if p.block == prev.block or not _CONTINUATION.match(p.text) or URL.match(p.text) or prev.parts:
        return False
    if _SPEAKER.match(p.text) or _SPEAKER.match(prev.text):
        return False  # chat logs: "ege: correct" is a turn of its own
    if len(word_tokens(prev.text)) < 4 or re.search(r"[.!?:;][\"'”’)\]]*$", prev.text):
        return False
    last = prev.spans[-1]
    blk = doc.blocks[last.block] if last.block is not None and last.block < len(doc.blocks) else None
    return blk is not None and not doc.text[last.end:blk.end].strip()  # it ends its block


def word_tokens(text: str) -> list[str]:
    return _WORD.findall(text)


def is_candidate(text: str) -> bool:
    """Sentences worth showing: not a bare link, not a fragment, mostly words."""
    rest = URL.sub(" ", text)
    words = word_tokens(rest)
    if len(words) < 4:
        return False
    letters = sum(ch.isalpha() for ch in rest)
    return letters >= 0.5 * max(1, len(rest.strip()))
