"""Text rules the archive applies the same way on every backend: the user's query as safe full-text
terms, a done status, dates in filters, and the snippet for a hit found by its vector alone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone

_WORD = re.compile(r"\w+", re.UNICODE)


_FTS_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


def fts_terms(query: str | None, *, max_terms: int = 32) -> list[str]:
    """The user's text as safe FTS5 strings, one per whitespace-separated token (see module doc)."""
    out: list[str] = []
    for tok in (query or "").split():
        if tok in _FTS_OPERATORS or tok.upper().startswith("NEAR("):
            continue
        tok = "".join(c for c in tok if c.isprintable()).strip("\"*^():+-{}[],;!?")
        if not _WORD.search(tok) or tok in _FTS_OPERATORS:
            continue
        out.append('"' + tok.replace('"', '""') + '"')
        if len(out) >= max_terms:
            break
    return out


def fts_query(query: str | None, *, any_term: bool = False) -> str | None:
    """A MATCH expression for the user's text, or None when nothing searchable is left."""
    terms = fts_terms(query)
    if not terms:
        return None
    return (" OR " if any_term else " ").join(terms)


_CLOSED = re.compile(r"^\W*(done|complete[ds]?|completed|closed|finished|resolved|cancell?ed|withdrawn)\b",
                     re.IGNORECASE)


def is_done_status(status: str | None) -> bool:
    """True for a status that closes an action: done, complete(d), closed, finished, resolved,
    cancelled, withdrawn ('Complete - 12/03' too); False for open, in progress, carried forward, None."""
    return bool(status and _CLOSED.search(status.strip()))


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_or_none(value: str | None) -> str | None:
    return value if value and _ISO_DATE.match(value) else None


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


_SENT = re.compile(r"(?<=[.!?])\s+")


def best_sentence(text: str, query: str | None, width: int = 200) -> str:
    """For a vector-only hit: the sentence sharing most words with the query (else the first)."""
    sents = [s.strip() for s in _SENT.split(text or "") if s.strip()] or [text or ""]
    qw = {w.lower() for w in _WORD.findall(query or "")}
    best = max(sents, key=lambda s: len(qw & {w.lower() for w in _WORD.findall(s)})) if qw else sents[0]
    return best if len(best) <= width else best[: width - 1].rstrip() + "…"


_FOLD_RANGE = "[\u00c0-\u024f]"  # Latin letters with diacritics (and × ÷): the texts worth folding


def fold(text: str) -> str:
    """What ``minutebook_fold()`` does in the database: drop the diacritics of a text holding
    accented Latin letters (canonical decomposition, combining marks U+0300-U+036F removed)."""
    if not re.search(_FOLD_RANGE, text):
        return text
    return re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFD", text))


# ---- the series of a meeting (its title without dates): action linking and the web's meeting list

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DATE_WORDS = re.compile(rf"(?i)\b(?:{_MONTHS}|{_DAYS})\b\.?|\b\d+(?:st|nd|rd|th)?\b|[/.]\d+")
_LEAD = re.compile(r"(?i)^\s*(?:draft\s+)?(?:minutes|notes)\s+of\s+(?:the\s+|a\s+)?")
_TAIL = re.compile(r"(?i)\b(?:(?:meeting\s+)?(?:minutes|notes)|meeting|(?:held\s+)?on|of|dated|for|the|at|held)\s*[:,–—-]?\s*$")


def series_name(title: str | None) -> str:
    """The name of a meeting's series: its title without dates, "minutes of the", "held on"."""
    name = _DATE_WORDS.sub(" ", title or "")
    name = _LEAD.sub("", name)
    name = " ".join(name.replace(",", " ").split()).strip(" :;–—-")
    while True:
        shorter = _TAIL.sub("", name).strip(" :;,–—-")
        if shorter == name:
            break
        name = shorter
    return name


def series_key(title: str | None) -> str:
    return " ".join(_WORD.findall(series_name(title).casefold()))
