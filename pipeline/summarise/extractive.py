"""The default summariser: whole sentences of the section, ranked by centrality with a preference
for sentences carrying decisions, amounts, dates and names, redundancy removed. Grounded by
construction: every summary sentence is a span of the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from pipeline.core.record import Provenance, SectionSummary
from pipeline.summarise.base import Summariser
from pipeline.summarise.grounding import MONTH_RE, WEEKDAY_RE, check_grounding, names_in
from pipeline.summarise.sentences import TERMINAL, URL, Piece, is_candidate, section_sentences, word_tokens

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from pipeline.core.document import Document
    from pipeline.structure.sections import SectionText


_DECISION = re.compile(
    r"\b(?:it|this|which|they|members|committee|board|council|group|meeting|trustees|all|we)\s+"
    r"(?:was\s+|were\s+|have\s+|has\s+)?(?:also\s+|then\s+|unanimously\s+)?"
    r"(?:agreed|resolved|decided|approved|voted|endorsed|adopted|ratified)\b|"
    r"\b(?:agreed|resolved|decided|approved|voted)\s+(?:that|to|unanimously|on|by)\b|"
    r"^\W*(?:agreed|resolved|decision|decided|approved|carried|action)\b|"
    r"\b(?:motion|proposal|recommendation)\b.{0,80}\b(?:carried|passed|approved|adopted|agreed|rejected|defeated)\b|"
    r"\bunanimous(?:ly)?\b|\b(?:was|were)\s+(?:approved|adopted|carried|accepted|rejected)\b",
    re.I)
_FOLLOW_UP = re.compile(r"\b(?:will|action|deadline|by the next meeting|next steps?)\b", re.I)
_AMOUNT = re.compile(r"[£$€¥]\s?\d|\d\s?(?:%|per\s?cent|percent)|\b\d[\d,.]*\s?(?:k|m|bn|million|billion|thousand)\b|"
                     r"\b\d[\d,]*(?:\.\d+)?\b", re.I)
_DATE_CUE = re.compile(rf"\b(?:{MONTH_RE}|{WEEKDAY_RE})(?!\w)|\b(?:19|20)\d\d\b|\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b")


def _cues(text: str) -> dict[str, float]:
    return {
        "decision": 1.0 if _DECISION.search(text) else (0.4 if _FOLLOW_UP.search(text) else 0.0),
        "amount": 1.0 if _AMOUNT.search(text) else 0.0,
        "date": 1.0 if _DATE_CUE.search(text) else 0.0,
        "name": 1.0 if names_in(text) else 0.0,
    }


# A sentence that opens with a personal pronoun needs the sentence before it to say who is meant.
_PRONOUN_LEAD = re.compile(r"^\W*(He|She|His|Her)\b")
_NOT_A_PERSON = re.compile(r"\b(Councils?|Committees?|Boards?|Trusts?|Universit(?:y|ies)|Groups?|Teams?|Ltd|Limited|"
                           r"Librar(?:y|ies)|Society|Societies|Associations?|Foundations?|Departments?|Offices?|"
                           r"Services?|Schools?|Church(?:es)?|Clubs?|Funds?|Projects?|Reports?|Meetings?|Minutes|"
                           r"Chair|Clerk|Treasurer|Secretary|Members?|Trustees?|Directors?|Staff|Everyone|All)\b")
_LEAD_NAME = re.compile(r"^\W*((?:(?:Mr|Mrs|Ms|Dr|Cllr|Prof)\.?\s+)?[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){0,2})"
                        r"(?=\s+(?:[a-z]|\())")


_PRONOUNS = {"he", "she", "his", "her", "they", "their", "it", "its", "we", "our", "i", "you", "this", "that"}


def _referent_before(cands: list, i: int, steps: int = 3) -> str | None:
    """The person a pronoun-led sentence ``cands[i]`` means: named in the sentence before it, or (when
    that one is pronoun-led too, "She also quoted ...") in the one before that, up to ``steps`` back."""
    for k in range(i - 1, max(-1, i - 1 - steps), -1):
        who = _referent(cands[k].text)
        if who is not None or not _PRONOUN_LEAD.match(cands[k].text):
            return who
    return None


def _referent(previous: str) -> str | None:
    """The person the sentence before names as its subject ("Alison Wheeler (Manager) thanked ...");
    None when its subject is not one person: a summary must not guess who "he" is."""
    found: list[str] = []
    m = _LEAD_NAME.match(previous)
    if m and m.group(1).split()[-1].lower() not in ("the", "this", "it", "we", "they", "there", "a", "an"):
        found.append(m.group(1))
    if re.match(r"^\W*[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s+(?:and|&)\s+[A-Z]", previous):
        return None  # "Marc and Sarah spoke": which one?
    people = {n for n in found if not _NOT_A_PERSON.search(n) and len(n.split()) <= 3 and n[:1].isupper()
              and n.split()[0].lower() not in _PRONOUNS}
    # "Laura Cream" and "Laura" are one person
    people = {n for n in people if not any(n != o and n in o for o in people)}
    return next(iter(people)) if len(people) == 1 else None


def _name_pronoun(text: str, who: str) -> str:
    """'He pointed out ...' -> 'Graham pointed out ...'; 'His report ...' -> "Graham's report ..."."""
    m = _PRONOUN_LEAD.match(text)
    if not m:
        return text
    name = who + ("’s" if m.group(1) in ("His", "Her") else "")
    return text[:m.start(1)] + name + text[m.end(1):]


@dataclass(frozen=True)
class ExtractiveConfig:
    short_sentences: int = 2  # sentences in the summary of a short section
    long_sentences: int = 3  # ... of a long one
    short_words: int = 60  # word budget of a short section's summary (the first sentence may exceed it)
    long_words: int = 80
    long_section_words: int = 200  # a section with more words than this, or more sentences, is long
    long_section_sentences: int = 8
    mmr_lambda: float = 0.7  # relevance vs. novelty
    w_centrality: float = 1.0
    w_heading: float = 0.25
    w_decision: float = 0.3
    w_amount: float = 0.12
    w_date: float = 0.08
    w_name: float = 0.06
    ideal_words: tuple[int, int] = (8, 35)  # sentences outside this range score lower


def _provenance(doc: "Document", p: Piece) -> Provenance:
    from pipeline.core.provenance import provenance

    return provenance(doc, p.start, p.end, p.block)


def _join(pieces: Iterable[Piece]) -> str:
    out = []
    for p in pieces:
        t = " ".join(p.text.split())
        out.append(t if TERMINAL.search(t) else t.rstrip(",;:–—- ") + ".")
    return " ".join(out)


class ExtractiveSummariser(Summariser):
    """Picks the section's most central sentences (cosine similarity to the section centroid, plus a
    little to the heading), prefers decisions, amounts, dates and names, removes redundancy with MMR
    and keeps the chosen sentences in document order."""

    name = "extractive"

    def __init__(self, config: ExtractiveConfig | None = None, encoder=None, **overrides: Any):
        base = config or ExtractiveConfig()
        if overrides:
            base = replace(base, **overrides)
        self.config = base
        self._encoder = encoder
        self._cache: dict[str, "np.ndarray"] = {}

    @property
    def encoder(self):
        if self._encoder is None:
            from pipeline.themes.encoder import shared_encoder

            self._encoder = shared_encoder()
        return self._encoder

    def warm_up(self) -> None:
        self.encoder.warm_up()

    def _embed(self, texts: list[str]) -> "np.ndarray":
        import numpy as np

        todo = sorted({t for t in texts if t not in self._cache}, key=len)  # similar lengths pad less
        if todo:
            for t, v in zip(todo, self.encoder.encode(todo)):
                self._cache[t] = v
        return np.stack([self._cache[t] for t in texts])

    # -- selection ------------------------------------------------------------------------------
    def candidates(self, section: "SectionText", doc: "Document | None" = None) -> list[Piece]:
        pieces = section_sentences(section, doc)
        cands = [p for p in pieces if is_candidate(p.text)]
        if not cands:
            cands = [p for p in pieces if URL.sub("", p.text).strip() and len(word_tokens(p.text)) >= 2]
        return cands

    def score(self, cands: list[Piece], heading: str) -> tuple[list[float], "np.ndarray"]:
        """Each sentence's score and the sentence embeddings (one row each; a row times another is
        their similarity). No sentence-by-sentence matrix: a 170,000-word section of 10,000 sentences
        would need 10,000 x 10,000 of them; ``select`` computes one row per chosen sentence."""
        import numpy as np

        cfg = self.config
        heading = heading.strip()
        emb = self._embed([p.text for p in cands] + ([heading] if heading else []))
        sent_emb = emb[:len(cands)]
        centroid = sent_emb.mean(0)
        centroid = centroid / (np.linalg.norm(centroid) or 1.0)
        central = sent_emb @ centroid
        headsim = sent_emb @ emb[len(cands)] if heading else np.zeros(len(cands))
        scores = [cfg.w_centrality * float(central[i]) + cfg.w_heading * float(headsim[i]) + self.prior(p)
                  for i, p in enumerate(cands)]
        return scores, sent_emb

    def prior(self, p: Piece) -> float:
        """What the sentence carries (decision, amount, date, name) and how it reads, by itself."""
        cfg = self.config
        c = _cues(p.text)
        n = len(word_tokens(p.text))
        sc = (cfg.w_decision * c["decision"] + cfg.w_amount * c["amount"] + cfg.w_date * c["date"]
              + cfg.w_name * c["name"])
        lo, hi = cfg.ideal_words
        if n < lo:
            sc -= 0.04 * (lo - n)
        elif n > hi:
            sc -= 0.01 * (n - hi)
        text = p.text.rstrip()
        if text.endswith(":"):
            sc -= 0.3  # a list's lead-in says little by itself
        elif text.endswith("?"):
            sc -= 0.1  # a question is not an outcome
        if re.match(r"[a-z]", text) or text.count("(") != text.count(")"):
            sc -= 0.15  # starts mid-sentence, or a parenthesis is cut off
        if not TERMINAL.search(text) and re.search(r"\b(?:to|of|the|a|an|and|or|for|with|in|on|by|at|from|as)$", text, re.I):
            sc -= 0.2  # ends mid-sentence
        return sc

    def select(self, section: "SectionText", doc: "Document | None" = None) -> list[Piece]:
        cands = self.candidates(section, doc)
        if len(cands) <= 2:
            out = []
            for i, p in enumerate(cands):
                if _PRONOUN_LEAD.match(p.text) and not out:  # nothing before it in the summary names the person
                    who = _referent_before(cands, i)
                    if who is None:
                        continue
                    p = replace(p, text=_name_pronoun(p.text, who))
                out.append(p)
            return out or cands
        cfg = self.config
        total_words = sum(len(word_tokens(p.text)) for p in cands)
        long = total_words > cfg.long_section_words or len(cands) > cfg.long_section_sentences
        max_sents = cfg.long_sentences if long else cfg.short_sentences
        max_words = cfg.long_words if long else cfg.short_words
        scores, sent_emb = self.score(cands, section.heading)
        chosen: list[int] = []
        named: dict[int, str] = {}  # a chosen sentence that opens with a pronoun -> the person it means
        words = 0
        remaining = set(range(len(cands)))
        # each sentence's highest similarity to a chosen one (0 before the first pick): O(sentences) memory
        redundancy = [0.0] * len(cands)
        while remaining and len(chosen) < max_sents:
            def mmr(i: int) -> float:
                return cfg.mmr_lambda * scores[i] - (1 - cfg.mmr_lambda) * redundancy[i]

            pick = None
            for i in sorted(remaining, key=lambda i: (-mmr(i), i)):
                if _PRONOUN_LEAD.match(cands[i].text) and i - 1 not in chosen and i not in named:
                    who = _referent_before(cands, i)
                    if who is None:
                        continue  # "He pointed out ..." with nobody to point to: not a summary sentence
                    named[i] = who
                if not chosen or words + len(word_tokens(cands[i].text)) <= max_words:
                    pick = i
                    break
            if pick is None:
                break
            row = (sent_emb @ sent_emb[pick]).tolist()
            redundancy = row if not chosen else [max(a, b) for a, b in zip(redundancy, row)]
            chosen.append(pick)
            words += len(word_tokens(cands[pick].text))
            remaining.discard(pick)
        out = []
        for i in sorted(chosen, key=lambda i: cands[i].start):
            p = cands[i]
            if i in named and i - 1 not in chosen:
                p = replace(p, text=_name_pronoun(p.text, named[i]))
            out.append(p)
        return out

    def _with_list(self, pieces: list[Piece], section: "SectionText", doc: "Document | None") -> list[Piece]:
        """A chosen lead-in ("The following were elected:") brings the short items it introduces."""
        if not any(p.text.rstrip().endswith(":") for p in pieces):
            return pieces
        allp = [q for q in section_sentences(section, doc) if URL.sub("", q.text).strip()]
        out = []
        for p in pieces:
            if p.text.rstrip().endswith(":") and p in allp:
                items = []
                for q in allp[allp.index(p) + 1:]:
                    if q.text.rstrip().endswith(":") or len(word_tokens(q.text)) > 12 or len(items) >= 6:
                        break
                    items.append(q)
                if items and sum(len(word_tokens(q.text)) for q in items) <= 30:
                    parts = p.spans + tuple(x for q in items for x in q.spans)
                    text = p.text + " " + "; ".join(q.text.rstrip(" .;,") for q in items)
                    p = Piece(text, p.start, items[-1].end, p.block, parts)
            out.append(p)
        return out

    def summarise(self, section: "SectionText", doc: "Document") -> SectionSummary:
        pieces = self._with_list(self.select(section, doc), section, doc)
        text = _join(pieces)
        report = check_grounding(text, section.text)
        return SectionSummary(section=section.heading, section_index=section.index, summary=text,
                              method="extractive", grounded=report.ok,
                              sentences=[_provenance(doc, q) for p in pieces for q in p.spans])

    def summarise_many(self, sections: Sequence["SectionText"], doc: "Document") -> list[SectionSummary]:
        texts: list[str] = []  # one encoder call for the whole document
        for s in sections:
            cands = self.candidates(s, doc)
            if len(cands) > 2:
                texts += [p.text for p in cands] + ([s.heading.strip()] if s.heading.strip() else [])
        if texts:
            self._embed(texts)
        try:
            return [self.summarise(s, doc) for s in sections]
        finally:
            self._cache.clear()
