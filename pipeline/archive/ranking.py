"""Ranking rules the archive applies the same way on every backend (see ``Archive.search``): which words of the
query a section holds, whether it holds them as a phrase, how much of its heading they make, which theme labels of
the taxonomy a query names or paraphrases, and how hits are grouped so that one meeting does not fill the page.

Words are compared by their Snowball (Porter 2) English stems, lower-cased and without diacritics, close to what
the full-text indexes do (FTS5 ``porter``, PostgreSQL's ``english`` stemmer).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Sequence

from pipeline.archive.text import fold

_WORD = re.compile(r"\w+", re.UNICODE)

# function words: never the point of a query, so they neither name a theme nor count towards "every word"
STOPWORDS = frozenset("""a an and are as at be been but by can did do does for from had has have how i if in into is it
its of on or our over so than that the their them then there these they this those to under up was we were what when
where which while who whom why will with about after all any before between both each few more most no nor not only
other own same some such too very just should would could may might must shall""".split())


@lru_cache(maxsize=1)
def _stemmer():  # PyStemmer (C) when installed, else the pure-Python Snowball stemmer
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def stems(text: str | None) -> list[str]:
    """The text's words as stems, in order."""
    return [stem(w) for w in _WORD.findall(fold((text or "").lower()))]


def query_stems(query: str | None) -> list[str]:
    """The query's words as stems, function words left out (all of them when the query is only those)."""
    words = [w for w in _WORD.findall(fold((query or "").lower()))]
    content = [w for w in words if w not in STOPWORDS] or words
    return list(dict.fromkeys(stem(w) for w in content))


# a query word for ``text_match``: a stem, or alternatives (an OR group, a prefix), each (its stems, is a prefix)
Unit = str | tuple[tuple[tuple[str, ...], bool], ...]


@dataclass(frozen=True)
class TextMatch:
    coverage: float  # share of the query's distinct words the section holds (heading or text)
    phrase: bool  # the query's words in order, next to each other (function words between them allowed)
    heading: float  # share of the query's words in the heading


def text_match(q: Sequence[Unit], h: Sequence[str], body: Sequence[str]) -> TextMatch:
    """How a section's heading and text (as ``stems``) hold the query ``q``: stems (from ``query_stems``) or, for the
    query syntax, ``Query.units`` (an OR group or a prefix counts as one word, held when one alternative is)."""
    if not q:
        return TextMatch(0.0, False, 0.0)
    words = set(h) | set(body)
    hs = set(h)
    words_q = [t for t in q if isinstance(t, str)]
    phrase = len(words_q) > 1 and (_has_phrase(words_q, h) or _has_phrase(words_q, body))
    return TextMatch(sum(1 for t in q if _holds(t, words)) / len(q), phrase,
                     sum(1 for t in q if _holds(t, hs)) / len(q))


def _holds(u: Unit, words: set[str]) -> bool:
    if isinstance(u, str):
        return u in words
    return any(any(w.startswith(alt[0]) for w in words) if prefix else all(x in words for x in alt)
               for alt, prefix in u)


_STOP_STEMS = frozenset(stem(w) for w in STOPWORDS)


def _has_phrase(q: Sequence[str], seq: Sequence[str]) -> bool:
    content = [t for t in seq if t not in _STOP_STEMS]
    n = len(q)
    first = q[0]
    return any(content[i:i + n] == list(q) for i, t in enumerate(content) if t == first)


class ThemeIndex:
    """Which labels of a taxonomy a query names or paraphrases, from the words of each label's name, description
    and examples. A query word found in few labels says more than one found in many (weight
    log(1 + labels / labels with the word)); a label matches with the share of the query's weight its words
    cover, when that share is at least ``MIN_SHARE``."""

    MIN_SHARE = 0.5
    MAX_LABELS = 2

    def __init__(self, labels: dict[str, Iterable[str]]):
        self.vocab = {name: set(stems(" ".join([name.replace("_", " "), *texts]))) for name, texts in labels.items()}
        df: dict[str, int] = {}
        for words in self.vocab.values():
            for w in words:
                df[w] = df.get(w, 0) + 1
        self.df = df

    @classmethod
    def of_taxonomy(cls, taxonomy) -> "ThemeIndex":
        return cls({n: [d.description, *d.examples] for n, d in taxonomy.labels.items()})

    def match(self, query: str | None) -> dict[str, float]:
        """{label: share (0-1)} for the labels the query names, best first."""
        q = query_stems(query)
        if not q:
            return {}
        n = len(self.vocab)
        weight = {t: math.log(1 + n / self.df[t]) if t in self.df else math.log(1 + n) for t in q}
        total = sum(weight.values())
        shares = {lab: sum(weight[t] for t in q if t in words) / total for lab, words in self.vocab.items()}
        good = sorted((lab for lab, s in shares.items() if s >= self.MIN_SHARE), key=lambda lab: (-shares[lab], lab))
        return {lab: round(shares[lab], 4) for lab in good[:self.MAX_LABELS]}


def group_key(meeting_id: int, title: str | None, meeting_date: str | None) -> tuple:
    """The sections of one meeting, whichever file they were read from: the meeting's date and title when it has a
    date, else the meeting itself."""
    if meeting_date:
        return ("d", meeting_date, " ".join(_WORD.findall(fold((title or "").lower()))))
    return ("m", meeting_id)


def rendition_key(heading: str | None, text: str | None, group: tuple) -> tuple:
    """The same section of the same minutes in another file (PDF, Word, text): the same heading and the same opening
    words, or, for a heading with no text, the same heading in the same meeting (``group_key``)."""
    h = " ".join(_WORD.findall(fold((heading or "").lower())))
    words = _WORD.findall(fold((text or "")[:FINGERPRINT_WORDS * 40].lower()))[:FINGERPRINT_WORDS]
    return ("t", h, " ".join(words)) if words else ("h", h, group)


FINGERPRINT_WORDS = 12


def grouped(order: Sequence[int], group: Callable[[int], tuple], rendition: Callable[[int], tuple],
            meeting: dict[int, int], per_group: int, limit: int) -> tuple[list[int], dict[int, list[int]]]:
    """The first ``limit`` of ``order`` (best first) with at most ``per_group`` sections of one meeting before every
    other meeting has had its turn, and a section already shown from another rendition of the same minutes (another
    meeting with the same ``rendition_key``) left out. Returns the ids kept and, for each, its other renditions."""
    shown: dict[tuple, int] = {}
    renditions: dict[int, list[int]] = {}
    taken: dict[tuple, int] = {}
    first: list[int] = []
    later: list[int] = []
    for sid in order:
        k = rendition(sid)
        if k in shown and meeting[shown[k]] != meeting[sid]:
            renditions[shown[k]].append(sid)
            continue
        shown.setdefault(k, sid)
        renditions[sid] = []
        g = group(sid)
        n = taken.get(g, 0)
        taken[g] = n + 1
        (first if n < per_group else later).append(sid)
        if len(first) >= limit:
            break
    keep = (first + later)[:limit]
    return keep, {s: renditions[s] for s in keep}
