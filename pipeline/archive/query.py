"""The search box's syntax, parsed once: ``minutebook search``, the web page and both archive backends read the
user's text through ``parse_query``.

    budget review        words: each optional; sections holding more of them rank higher (``Archive.search``)
    "budget review"      a phrase: these words next to each other, in this order; required
    -budget  NOT budget  leave out the sections holding the word (``-"budget review"``: the phrase)
    library OR museum    either word (the pair counts as one word of the query)
    lib*                 a word starting so: library, libraries, liberty

Anything else is words: an unbalanced quote runs to the end of the text, a lone ``OR``/``NOT``/``AND``, a ``*`` or a
``-`` alone are dropped, so no text is a syntax error. Function words ("the", "of") are left out of the optional words
(not out of phrases) unless nothing else is left. Words are compared by their stems, as the indexes compare them
(``ranking.stem``): ``budgets`` finds "budget", ``lib*`` the stems starting with ``lib``. One difference is left
between the backends: PostgreSQL does not index stop words, so a prefix such as ``the*`` finds "theme" on both but
"the" and "there" only in SQLite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterator, Sequence

from pipeline.archive.ranking import STOPWORDS, Unit, stem, stems
from pipeline.archive.text import fold

_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'-?"[^"]*"?|[^\s"]+')  # a quoted phrase (maybe unclosed, maybe after '-'), or a bare token
_PREFIX_WORD = re.compile(r"[^\W_]+")  # letters and digits only: the same prefix on FTS5 and PostgreSQL
_STRIP = "\"*^():+-{}[],;!?"
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
MAX_TERMS = 32


@dataclass(frozen=True)
class Term:
    """One searchable piece: a word, a token the index splits into a phrase ("co-production"), or a quoted phrase."""

    text: str
    quoted: bool = False  # written in double quotes: required as a phrase
    prefix: bool = False  # ``word*``: any word starting so (``text`` is then letters and digits only)

    def fts(self) -> str:
        """As an FTS5 string (a phrase of the words the tokenizer finds; ``*`` for a prefix)."""
        return '"' + self.text.replace('"', '""') + '"' + (" *" if self.prefix else "")

    @property
    def plain(self) -> bool:
        return not (self.quoted or self.prefix)


@dataclass(frozen=True)
class Ops:
    """How a backend writes the operators of a text query (FTS5 MATCH, PostgreSQL tsquery)."""

    and_: str
    or_: str
    not_: str  # ``{0}`` the wanted part, ``{1}`` what is left out


FTS5_OPS = Ops(" AND ", " OR ", "{0} NOT {1}")
PG_OPS = Ops(" && ", " || ", "{0} && !!{1}")


@dataclass(frozen=True)
class Query:
    """``groups``: the wanted terms, each group a term or alternatives joined by OR; ``excluded``: terms whose sections
    are left out."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    said: str = field(default="", compare=False)  # the wanted terms as written, function words included

    @property
    def terms(self) -> tuple[Term, ...]:
        """Every wanted term once, in order."""
        return tuple(dict.fromkeys(t for g in self.groups for t in g))

    @property
    def required(self) -> tuple[tuple[Term, ...], ...]:
        """The groups a section must hold: those made of quoted phrases only."""
        return tuple(g for g in self.groups if all(t.quoted for t in g))

    @property
    def plain(self) -> bool:
        """Words only, as before the syntax: every term optional, no OR, prefix or exclusion."""
        return not self.excluded and all(len(g) == 1 and g[0].plain for g in self.groups)

    @property
    def has_constraints(self) -> bool:
        """Something every hit must honour (a phrase to hold, a word not to hold), whichever list found it."""
        return bool(self.excluded or self.required)

    @property
    def text(self) -> str:
        """The wanted words as plain text (for the theme labels and the query vector)."""
        return " ".join(t.text for t in self.terms)

    def meaning(self, query: str) -> str:
        """The text to encode as the query's vector: the user's text when it is words only, else the wanted terms
        (function words kept, operators and the words left out dropped)."""
        return query if self.plain else self.said

    def notice(self) -> str | None:
        """What to tell the user when the text asks for nothing that can be searched for."""
        if self.excluded and not self.groups:
            return ("Only words to leave out (-word or NOT word): add a word to search for, e.g. "
                    f"'minutes -{self.excluded[0].text}', or a filter.")
        return None

    def expression(self, term: Callable[[Term], str], ops: Ops, *, any_term: bool,
                   optional: Sequence[Term] | None = None) -> str | None:
        """The text query in a backend's syntax, ``term`` writing each term (called in the order the terms appear):
        with ``any_term`` any wanted term (or any of ``optional``) plus every required group, else every group; then
        the excluded terms left out. None when nothing is wanted."""
        if not self.groups:
            return None

        def group(g: Sequence[Term]) -> str:
            return "(" + ops.or_.join(term(t) for t in g) + ")" if len(g) > 1 else term(g[0])

        required = self.required
        if any_term and (optional is not None or len(required) < len(self.groups)):
            wanted = self.terms if optional is None else tuple(optional)
            parts = ([group(wanted)] if wanted else []) + [group(g) for g in required]
        else:
            parts = [group(g) for g in self.groups]
        if not parts:
            return None
        expr = "(" + ops.and_.join(parts) + ")" if len(parts) > 1 else parts[0]
        if self.excluded:
            expr = ops.not_.format(expr, "(" + ops.or_.join(term(t) for t in self.excluded) + ")")
        return expr

    def fts(self, *, any_term: bool = False, optional: Sequence[Term] | None = None) -> str | None:
        """An FTS5 MATCH expression."""
        return self.expression(Term.fts, FTS5_OPS, any_term=any_term, optional=optional)

    def requirement(self) -> "Query":
        """What every hit must hold: the required groups, all of them."""
        return Query(groups=self.required)

    def exclusion(self) -> "Query":
        """What no hit may hold: any excluded term."""
        return Query(groups=(self.excluded,)) if self.excluded else Query()

    def units(self) -> list[Unit]:
        """The query for ``ranking.text_match``: each optional word's stem (function words out, as ``query_stems``),
        then each prefix and each OR group as one unit of alternatives."""
        words = [w for g in self.groups if len(g) == 1 and not g[0].prefix
                 for w in _WORD.findall(fold(g[0].text.lower()))]
        content = [w for w in words if w not in STOPWORDS] or words
        out: list[Unit] = list(dict.fromkeys(stem(w) for w in content))
        for g in self.groups:
            if len(g) > 1 or g[0].prefix:
                out.append(tuple((tuple(stems(t.text)) or (t.text.lower(),), t.prefix) for t in g))
        return list(dict.fromkeys(out))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the wanted terms are in ``text``: (start, end) character offsets, a phrase as one span, words compared
        by stem as the search compares them; in order, not overlapping."""
        toks = [(m.start(), m.end(), stem(fold(m.group(0).lower())), fold(m.group(0).lower()))
                for m in _WORD.finditer(text or "")]
        found: list[tuple[int, int]] = []
        for t in self.terms:
            want = stems(t.text)
            if not want:
                continue
            if t.prefix:
                p = want[0]
                found += [(a, b) for a, b, s, w in toks if s.startswith(p) or w.startswith(fold(t.text.lower()))]
                continue
            n = len(want)
            found += [(toks[i][0], toks[i + n - 1][1]) for i in range(len(toks) - n + 1)
                      if all(toks[i + j][2] == want[j] for j in range(n))]
        out: list[tuple[int, int]] = []
        for a, b in sorted(found, key=lambda x: (x[0], -x[1])):
            if out and a < out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
        return out


def _tokens(query: str) -> Iterator[tuple[str, Term | None, bool]]:
    """("op", None, False) for OR/NOT, ("term", term, excluded) for the rest; what cannot be searched is skipped."""
    for m in _TOKEN.finditer(query):
        tok = "".join(c for c in m.group(0) if c.isprintable())
        neg = tok.startswith("-")
        body = tok.lstrip("-")
        if body.startswith('"'):
            inner = body[1:-1] if len(body) > 1 and body.endswith('"') else body[1:]
            inner = " ".join(inner.split())
            if _WORD.search(inner):
                yield "term", Term(inner, quoted=True), neg
            continue
        if tok in ("OR", "NOT"):
            yield tok, None, False
            continue
        if tok in _OPERATORS or tok.upper().startswith("NEAR("):
            continue
        clean = body.strip(_STRIP)
        if not _WORD.search(clean) or clean in _OPERATORS:
            continue
        prefix = body.rstrip(_STRIP.replace("*", "")).endswith("*") and bool(_PREFIX_WORD.fullmatch(clean))
        yield "term", Term(clean, prefix=prefix), neg


@lru_cache(maxsize=1024)
def parse_query(query: str | None) -> Query:
    """The user's text as a ``Query`` (see the module doc). Never raises."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = pending_not = last_wanted = False
    n = 0
    for kind, term, neg in _tokens((query or "")[:2000]):
        if kind == "OR":
            pending_or = last_wanted
            continue
        if kind == "NOT":
            pending_not = True
            continue
        assert term is not None
        if n >= MAX_TERMS:
            break
        n += 1
        if neg or pending_not:
            if term not in excluded:
                excluded.append(term)
            last_wanted = False
        elif pending_or and groups:
            if term not in groups[-1]:
                groups[-1].append(term)
            last_wanted = True
        else:
            groups.append([term])
            last_wanted = True
        pending_or = pending_not = False
    said = " ".join(t.text for g in groups for t in g)
    return Query(groups=_content(groups), excluded=tuple(excluded), said=said)


def _is_function_word(t: Term) -> bool:
    return t.plain and all(w in STOPWORDS for w in _WORD.findall(fold(t.text.lower())))


def _content(groups: list[list[Term]]) -> tuple[tuple[Term, ...], ...]:
    """The groups without the function words that are not quoted ("diversity and inclusion" must not match every
    "and"), all of them when nothing else is left; a group asked twice once."""
    kept = [tuple(t for t in g if not _is_function_word(t)) for g in groups]
    if not any(kept):
        kept = [tuple(g) for g in groups]
    return tuple(dict.fromkeys(g for g in kept if g))
