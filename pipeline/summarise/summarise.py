"""Section summaries: extractive by default, abstractive from a local model folder, always grounded.

The most damaging thing a summary can do is state something the meeting never said, so:

* the default ``ExtractiveSummariser`` builds every summary from whole sentences of the section
  (a leading bullet or list number may be trimmed) and gives the exact span of each one;
* ``AbstractiveSummariser`` (a seq2seq or causal LM folder, loaded with ``local_files_only=True``)
  writes a short summary, which is kept only if ``grounding_problems`` finds no name, number or
  date in it that is missing from the section; otherwise, or when generation fails, the extractive
  summary is used and ``SectionSummary.fallback`` says why.

Summarisers are registered by name with the ``summariser`` decorator, like pipeline stages, and
``get_summariser(name_or_path)`` returns one: a registered name, or the path of a model folder.
Configuration is taken in ``__init__``; models are loaded on first use.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from pipeline.core.errors import MinutebookError
from pipeline.core.record import Provenance, SectionSummary

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from pipeline.core.document import Document
    from pipeline.structure.sections import SectionText


class SummariserNotFound(MinutebookError):
    code = "MB015"
    default_hint = ("pass a folder that transformers can load with from_pretrained; "
                    "minutebook never downloads models")


# --------------------------------------------------------------------------------------------------
# registry

_REGISTRY: dict[str, Callable[..., "Summariser"]] = {}


def summariser(name: str):
    """Register a summariser class (or factory) under ``name``."""

    def deco(factory):
        _REGISTRY[name] = factory
        return factory

    return deco


def registered_summarisers() -> dict[str, Callable[..., "Summariser"]]:
    return dict(_REGISTRY)


def get_summariser(name_or_path: str | os.PathLike | None = None, **config: Any) -> "Summariser":
    """``None`` or ``"extractive"`` → the extractive summariser; a registered name → that one; any
    other value must be a local model folder → ``AbstractiveSummariser(path, **config)``."""
    if name_or_path is None:
        name_or_path = "extractive"
    key = str(name_or_path)
    if key in _REGISTRY and key != "abstractive":
        return _REGISTRY[key](**config)
    path = Path(key).expanduser()
    if path.is_dir():
        return AbstractiveSummariser(path, **config)
    raise SummariserNotFound(None, f"no summariser named {key!r} and no model folder at {key!r} "
                                   f"(registered: {', '.join(sorted(_REGISTRY))})")


class Summariser:
    """The interface: ``summarise(section, doc) -> SectionSummary``."""

    name = "summariser"

    def summarise(self, section: "SectionText", doc: "Document") -> SectionSummary:  # pragma: no cover
        raise NotImplementedError

    def summarise_many(self, sections: Sequence["SectionText"], doc: "Document") -> list[SectionSummary]:
        return [self.summarise(s, doc) for s in sections]


# --------------------------------------------------------------------------------------------------
# sentences

_BULLET = re.compile(r"^(?:[\u2022\u25aa\u25cf\u25e6\u2023\u2043\u2219\u00b7*\-–—>o]\s+|"
                     r"\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+)")
_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"“'‘(]?[A-Z0-9])")
_ABBREV = {"e.g", "eg", "i.e", "ie", "etc", "mr", "mrs", "ms", "dr", "prof", "cllr", "st", "no", "vs", "cf",
           "approx", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
           "oct", "nov", "dec", "rev", "hon", "fig", "p", "pp", "vol", "al", "jr", "sr", "u.s", "u.k", "a.m",
           "p.m", "min", "est", "dept", "govt", "corp"}
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.I)
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$")


@dataclass
class _Piece:
    text: str
    start: int
    end: int
    block: int | None
    parts: tuple["_Piece", ...] = ()  # a sentence broken by a page break (and links): its spans

    @property
    def spans(self) -> tuple["_Piece", ...]:
        return self.parts or (self,)


def _sub_sentences(text: str, start: int, block: int | None) -> list[_Piece]:
    """Split a section sentence (a list item can hold several) into sentences with exact offsets."""
    out: list[_Piece] = []
    pos = 0
    for m in _SPLIT.finditer(text):
        before = text[pos:m.start()].rstrip("\"'”’)")
        last = before.rsplit(None, 1)[-1] if before.split() else ""
        stem = last.rstrip(".!?").lower().lstrip("(")
        if stem in _ABBREV or (len(stem) == 1 and stem.isalpha()):
            continue
        if before.count("(") > before.count(")"):
            continue  # never split inside a parenthesis
        out.append(_Piece(text[pos:m.start()], start + pos, start + m.start(), block))
        pos = m.end()
    out.append(_Piece(text[pos:], start + pos, start + len(text), block))
    res = []
    for p in out:
        t = p.text.strip()
        if not t:
            continue
        lead = p.text.find(t)
        res.append(_Piece(t, p.start + lead, p.start + lead + len(t), p.block))
    return res


def _trim_bullet(p: _Piece) -> _Piece:
    m = _BULLET.match(p.text)
    if m and len(p.text) > m.end():
        return _Piece(p.text[m.end():], p.start + m.end(), p.end, p.block)
    return p


def section_sentences(section: "SectionText", doc: "Document | None" = None) -> list[_Piece]:
    """The section's sentences (list items split further), leading bullets trimmed, exact offsets.

    With ``doc``, a paragraph that starts mid-sentence ("2022 so we are ...", after a page break
    and a few links) is joined to the unfinished sentence before it; the result keeps both spans."""
    out: list[_Piece] = []
    for s in _rejoin_abbreviations(section):
        for k, p in enumerate(_sub_sentences(s.text, s.start, s.block)):
            p = _trim_bullet(p)
            prev = next((q for q in reversed(out) if _URL.sub("", q.text).strip()), None)
            if doc is not None and prev is not None and k == 0 and _continues(prev, p, doc):
                parts = prev.spans + (p,)
                out.remove(prev)
                out.append(_Piece(" ".join(x.text for x in parts), parts[0].start, p.end, prev.block, parts))
                continue
            out.append(p)
    return out


_TITLE_ONLY = re.compile(r"(?:^|\s)((?:(?:Mr|Mrs|Ms|Mx|Dr|Prof|Cllr|Rev|Sr|Jr|St)\.\s*)+)$")


def _rejoin_abbreviations(section: "SectionText") -> list[_Piece]:
    """Undo splits after "Ms." / "Dr." / "e.g." / an initial ("On a motion by Ms. | Alvarado, ...")."""
    out: list[_Piece] = []
    for s in section.sentences:
        p = _Piece(s.text, s.start, s.end, s.block)
        lo = out[-1].end if out else section.start
        gap = section.text[max(0, lo - section.start):max(0, s.start - section.start)]
        gap = gap.rsplit("\n", 1)[-1]
        m = _TITLE_ONLY.search(gap)
        if m and section.start <= s.start - len(gap) + m.start(1):
            a = s.start - len(gap) + m.start(1)  # a title split off its name: "Mr. | Feld presented ..."
            p = _Piece(section.text[a - section.start:p.end - section.start], a, p.end, p.block)
        if out and out[-1].block == p.block and section.start <= out[-1].start and p.end <= section.end:
            last = out[-1].text.rsplit(None, 1)[-1] if out[-1].text.split() else ""
            stem = last.rstrip(".").lower().lstrip("(")
            if last.endswith(".") and (stem in _ABBREV or re.fullmatch(r"[A-Za-z]", stem)):
                a, z = out[-1].start, p.end
                out[-1] = _Piece(section.text[a - section.start:z - section.start], a, z, p.block)
                continue
        out.append(p)
    return out


_SPEAKER = re.compile(r"^<?[\w.@-]{1,20}>?:\s|^<[^>]{1,30}>\s")
_CONTINUATION = re.compile(r"^(?:[a-z]|(?:1[89]|20)\d\d\s+[a-z])")


def _continues(prev: _Piece, p: _Piece, doc: "Document") -> bool:
    if p.block is None or p.block >= len(doc.blocks) or doc.blocks[p.block].kind != "paragraph":
        return False
    if p.block == prev.block or not _CONTINUATION.match(p.text) or _URL.match(p.text) or prev.parts:
        return False
    if _SPEAKER.match(p.text) or _SPEAKER.match(prev.text):
        return False  # chat logs: "ege: correct" is a turn of its own
    if len(_words(prev.text)) < 4 or re.search(r"[.!?:;][\"'”’)\]]*$", prev.text):
        return False
    last = prev.spans[-1]
    blk = doc.blocks[last.block] if last.block is not None and last.block < len(doc.blocks) else None
    return blk is not None and not doc.text[last.end:blk.end].strip()  # it ends its block


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _is_candidate(text: str) -> bool:
    """Sentences worth showing: not a bare link, not a fragment, mostly words."""
    rest = _URL.sub(" ", text)
    words = _words(rest)
    if len(words) < 4:
        return False
    letters = sum(ch.isalpha() for ch in rest)
    return letters >= 0.5 * max(1, len(rest.strip()))


# --------------------------------------------------------------------------------------------------
# cues: what makes a sentence worth keeping

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
_MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
           "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
           "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
           "oct": 10, "nov": 11, "dec": 12}
_WEEKDAYS = {"monday": "monday", "tuesday": "tuesday", "wednesday": "wednesday", "thursday": "thursday",
             "friday": "friday", "saturday": "saturday", "sunday": "sunday", "mon": "monday", "tue": "tuesday",
             "tues": "tuesday", "wed": "wednesday", "thu": "thursday", "thur": "thursday", "thurs": "thursday",
             "fri": "friday", "sat": "saturday", "sun": "sunday"}
_MONTH_RE = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
             r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_WEEKDAY_RE = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues|Tue|Wed|Thurs|Thur|Thu|"
               r"Fri|Sat|Sun)\.?")
_DATE_CUE = re.compile(rf"\b(?:{_MONTH_RE}|{_WEEKDAY_RE})(?!\w)|\b(?:19|20)\d\d\b|\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b")


def _cues(text: str) -> dict[str, float]:
    return {
        "decision": 1.0 if _DECISION.search(text) else (0.4 if _FOLLOW_UP.search(text) else 0.0),
        "amount": 1.0 if _AMOUNT.search(text) else 0.0,
        "date": 1.0 if _DATE_CUE.search(text) else 0.0,
        "name": 1.0 if _names(text) else 0.0,
    }


# --------------------------------------------------------------------------------------------------
# grounding

_STOP_LEAD = {"the", "a", "an", "this", "that", "these", "those", "our", "their", "his", "her", "its", "my",
              "we", "they", "it", "he", "she", "i", "in", "on", "at", "for", "to", "of", "and", "but", "or",
              "as", "by", "with", "from", "all", "any", "each", "every", "some", "no", "not", "there", "here",
              "if", "when", "while", "after", "before", "also", "then", "so", "however", "further", "finally",
              "overall", "both", "mr", "mrs", "ms", "dr"}
_CONNECT = {"of", "and", "&", "for", "the", "de", "la", "van", "von", "der", "du", "le", "da", "di"}
_NUM_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
              "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
              "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
              "hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000,
              "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
              "ninth": 9, "tenth": 10, "twice": 2, "dozen": 12}
_MULT = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_NUMBER = re.compile(
    r"(?P<cur>[£$€¥])?\s?(?P<num>\d+(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+)"
    r"(?:\s?(?P<mult>k|m|mn|bn|thousand|million|billion)\b|(?P<ord>st|nd|rd|th)\b)?"
    r"(?P<pct>\s?(?:%|per\s?cent\b|percent\b))?", re.I)
_NUM_WORD_RE = re.compile(r"\b(" + "|".join(sorted(_NUM_WORDS, key=len, reverse=True)) + r")\b", re.I)
_DAY_MONTH = re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<m>{_MONTH_RE})(?!\w)", re.I)
_MONTH_DAY = re.compile(rf"\b(?P<m>{_MONTH_RE})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*[:.]\d)", re.I)
_MONTH_ONLY = re.compile(rf"\b{_MONTH_RE}(?!\w)", re.I)
_WEEKDAY_ONLY = re.compile(rf"\b{_WEEKDAY_RE}(?!\w)", re.I)
_YEAR = re.compile(r"(?<![\d.,/£$€-])\b(?:1[89]\d\d|20\d\d|21\d\d)\b(?![\d,]|\.\d)")
_NUMERIC_DATE = re.compile(r"\b(?P<a>\d{1,4})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<c>\d{2,4})\b")
_CAP_TOKEN = re.compile(r"[A-Z][\w’'\-.&]*")
_STRIP = "\"“”‘’'()[]{},;:!?."


def _norm(text: str) -> str:
    """Lower case, accents and punctuation folded to spaces, thousands separators and possessives removed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"[’'‘`]s\b", "", text)  # "UCL’s" ~ "UCL"
    text = re.sub(r"[^\w]+|_", " ", text.lower())
    return " " + " ".join(text.split()) + " "


def _segments(text: str) -> list[str]:
    """Sentence-like pieces: an item never spans a sentence boundary, a line break or a dash."""
    parts = re.split(r"(?<=[.!?;:])\s+|\n+|\s[–—|]\s|\s-\s", text)
    return [p for p in parts if p and p.strip()]


def _is_cap(word: str) -> bool:
    return bool(word) and bool(_CAP_TOKEN.fullmatch(word))


def _names(text: str) -> list[str]:
    """Capitalised names: runs of capitalised words ("Wellcome Trust", "Bank of England") anywhere,
    single capitalised words when they are not the first word of a sentence."""
    out: list[str] = []
    for seg in _segments(text):
        toks = seg.split()
        i = 0
        first_word = True
        while i < len(toks):
            raw = toks[i]
            word = raw.strip(_STRIP)
            if not _is_cap(word):
                first_word = first_word and not re.search(r"\w", raw)
                i += 1
                continue
            run = [word]
            at_start = first_word
            j = i + 1
            ended = raw.rstrip("\"”’')]").endswith((",", ";", ":")) or raw.endswith(")")
            while j < len(toks) and not ended:
                w_raw = toks[j]
                w = w_raw.strip(_STRIP)
                if w_raw.startswith("("):
                    break
                if _is_cap(w):
                    run.append(w)
                elif w.lower() in _CONNECT and j + 1 < len(toks) and _is_cap(toks[j + 1].strip(_STRIP)):
                    run.append(w)
                else:
                    break
                j += 1
                if w_raw.rstrip("\"”’')]").endswith((",", ";", ":")) or w_raw.endswith(")"):
                    break
            while run and run[0].lower() in _STOP_LEAD:  # "The Board" → "Board"
                run.pop(0)
                at_start = False
            while run and run[-1].lower() in _CONNECT:
                run.pop()
            if run:
                name = " ".join(run)
                if len(run) == 1 and at_start:
                    pass  # the first word of a sentence is capitalised anyway
                elif not re.fullmatch(r"[IVXLC]+|[A-Z]", name):
                    out.append(name)
            first_word = False
            i = max(j, i + 1)
    return out


def _num_value(m: re.Match) -> tuple[float, str] | None:
    try:
        v = float(m.group("num").replace(",", ""))
    except ValueError:
        return None
    mult = (m.group("mult") or "").lower()
    if mult:
        v *= _MULT.get(mult, 1)
    unit = m.group("cur") or ("%" if m.group("pct") else "")
    return round(v, 6), unit


def _numbers(text: str) -> list[tuple[str, float, str]]:
    """(as written, value, unit) for every number: digits (1,500 / 4.2K / £5k / 49% / 3rd) and words."""
    out = []
    for seg in _segments(text):
        for m in _NUMBER.finditer(seg):
            if m.start("num") > 0 and re.match(r"[A-Za-z]", seg[m.start("num") - 1]):
                continue  # part of an identifier ("COVID19", "v2")
            val = _num_value(m)
            if val is not None:
                out.append((m.group(0).strip(), val[0], val[1]))
        for m in _NUM_WORD_RE.finditer(seg):
            out.append((m.group(0), float(_NUM_WORDS[m.group(1).lower()]), ""))
    return out


def _dates(text: str) -> list[tuple[str, tuple]]:
    """(as written, key) for day+month pairs, months, weekdays, years and numeric dates."""
    out: list[tuple[str, tuple]] = []
    for seg in _segments(text):
        for rx in (_DAY_MONTH, _MONTH_DAY):
            for m in rx.finditer(seg):
                mo = _MONTHS.get(m.group("m").lower().rstrip("."))
                d = int(m.group("d"))
                if mo and 1 <= d <= 31 and (m.group("m")[0].isupper() or m.group("m").lower() != "may"):
                    out.append((m.group(0).rstrip("."), ("dm", d, mo)))
        for m in _MONTH_ONLY.finditer(seg):
            word = m.group(0).rstrip(".")
            if word.lower() in ("may", "mar", "jan", "dec", "sep", "jun", "jul", "aug", "oct", "nov", "feb", "apr") \
                    and not word[0].isupper():
                continue  # "may" the verb, and lower-case abbreviations
            out.append((word, ("month", _MONTHS[word.lower()])))
        for m in _WEEKDAY_ONLY.finditer(seg):
            word = m.group(0).rstrip(".")
            if len(word) <= 5 and not word[0].isupper():
                continue  # "sat", "sun", "wed" as words
            out.append((word, ("weekday", _WEEKDAYS[word.lower()])))
        for m in _YEAR.finditer(seg):
            out.append((m.group(0), ("year", int(m.group(0)))))
        for m in _NUMERIC_DATE.finditer(seg):
            out.append((m.group(0), ("numeric",) + _numeric_keys(m)))
    return out


def _numeric_keys(m: re.Match) -> tuple:
    a, b, c = m.group("a"), m.group("b"), m.group("c")
    if len(a) == 4:  # ISO
        return ((int(c), int(b), int(a)),)
    y = int(c) if len(c) == 4 else 2000 + int(c)
    return tuple(sorted({(int(a), int(b), y), (int(b), int(a), y)}))  # d/m/y or m/d/y


@dataclass
class GroundingReport:
    names: list[str]
    numbers: list[str]
    dates: list[str]

    @property
    def items(self) -> list[str]:
        return self.names + self.numbers + self.dates

    @property
    def ok(self) -> bool:
        return not self.items

    def reason(self) -> str:
        parts = []
        for label, items in (("names", self.names), ("numbers", self.numbers), ("dates", self.dates)):
            if items:
                parts.append(f"{label} not in the section: {', '.join(items)}")
        return "; ".join(parts)


_NAME_ENTS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT"}


def check_grounding(summary: str, source: str, nlp=None) -> GroundingReport:
    """Every name, number and date in ``summary`` must occur in ``source`` (see ``grounding_problems``)."""
    src = _norm(source)
    # the source is read twice: as written (items never span a line break) and with its lines
    # joined (a date wrapped over two lines is still one date); either reading may ground an item
    flat = " ".join(source.split())

    names: list[str] = []
    cands = _names(summary)
    if nlp is not None:
        cands += [e.text for e in nlp(summary).ents if e.label_ in _NAME_ENTS]
    for name in cands:
        n = _norm(name)
        toks = n.split()
        while toks and toks[0] in _STOP_LEAD and len(toks) > 1:
            toks.pop(0)
        if not toks or all(t.isdigit() for t in toks):
            continue
        if (" " + " ".join(toks) + " ") not in src and name not in names:
            names.append(name)

    src_nums = _numbers(source) + _numbers(flat)
    src_vals = {(v, u) for _, v, u in src_nums}
    # a bare number is present if its value is written anywhere in the source, even inside a date
    src_plain = {v for _, v, _ in src_nums}
    src_plain |= {float(x) for x in re.findall(r"\d+", re.sub(r"(?<=\d),(?=\d{3}\b)", "", source))}
    numbers: list[str] = []
    for written, v, unit in _numbers(summary):
        ok = (v, unit) in src_vals if unit else v in src_plain
        if not ok and written not in numbers:
            numbers.append(written)

    src_keys: set[tuple] = set()
    for _, key in _dates(source) + _dates(flat):
        if key[0] == "numeric":
            for d, mo, y in key[1:]:
                src_keys |= {("dm", d, mo), ("month", mo), ("year", y)}
        src_keys.add(key)
    dates: list[str] = []
    for written, key in _dates(summary):
        if key[0] == "numeric":
            ok = key in src_keys or any(("dm", d, mo) in src_keys and ("year", y) in src_keys
                                        for d, mo, y in key[1:])
        else:
            ok = key in src_keys
        if not ok and written not in dates:
            dates.append(written)
    # a number already reported inside a date ("15" of "15 June") is reported once, as the date
    numbers = [n for n in numbers if not any(re.search(rf"(?<!\d){re.escape(n)}(?!\d)", d) for d in dates)]
    return GroundingReport(names, numbers, dates)


def grounding_problems(summary: str, source: str, nlp=None) -> list[str]:
    """The names, numbers and dates stated in ``summary`` that do not occur in ``source``.

    * names: runs of capitalised words ("Wellcome Trust", "Bank of England"), and single capitalised
      words that are not the first word of a sentence; leading function words are dropped ("The
      Board" → "Board"); matched case-insensitively with punctuation, whitespace, accents and
      possessives folded. With ``nlp`` (a spaCy pipeline), PERSON/ORG/GPE/... entities too.
    * numbers: digits with their currency, multiplier and percent sign (£1,500 = 1500; $5k = 5000;
      4.2K = 4200; 49%), ordinals (3rd = 3) and number words (five = 5). A bare number is found if
      its value is written anywhere in the source; one with a unit needs the same value with the
      same unit ("$1,500" is not grounded by "£1,500", "49%" not by "49 members").
    * dates: day+month pairs (either order, or inside a numeric date of the source), month names,
      weekdays, years and numeric dates (d/m/y or m/d/y, ISO).

    An empty list means the summary is grounded.
    """
    return check_grounding(summary, source, nlp=nlp).items


# --------------------------------------------------------------------------------------------------
# extractive


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


def _provenance(doc: "Document", p: _Piece) -> Provenance:
    from pipeline.structure.build import provenance

    return provenance(doc, p.start, p.end, p.block)


def _join(pieces: Iterable[_Piece]) -> str:
    out = []
    for p in pieces:
        t = " ".join(p.text.split())
        out.append(t if _TERMINAL.search(t) else t.rstrip(",;:–—- ") + ".")
    return " ".join(out)


@summariser("extractive")
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
    def candidates(self, section: "SectionText", doc: "Document | None" = None) -> list[_Piece]:
        pieces = section_sentences(section, doc)
        cands = [p for p in pieces if _is_candidate(p.text)]
        if not cands:
            cands = [p for p in pieces if _URL.sub("", p.text).strip() and len(_words(p.text)) >= 2]
        return cands

    def score(self, cands: list[_Piece], heading: str) -> tuple[list[float], "np.ndarray"]:
        """Each sentence's score and the sentence-to-sentence similarities."""
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
        return scores, sent_emb @ sent_emb.T

    def prior(self, p: _Piece) -> float:
        """What the sentence carries (decision, amount, date, name) and how it reads, by itself."""
        cfg = self.config
        c = _cues(p.text)
        n = len(_words(p.text))
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
        if not _TERMINAL.search(text) and re.search(r"\b(?:to|of|the|a|an|and|or|for|with|in|on|by|at|from|as)$", text, re.I):
            sc -= 0.2  # ends mid-sentence
        return sc

    def select(self, section: "SectionText", doc: "Document | None" = None) -> list[_Piece]:
        cands = self.candidates(section, doc)
        if len(cands) <= 2:
            return cands
        cfg = self.config
        total_words = sum(len(_words(p.text)) for p in cands)
        long = total_words > cfg.long_section_words or len(cands) > cfg.long_section_sentences
        max_sents = cfg.long_sentences if long else cfg.short_sentences
        max_words = cfg.long_words if long else cfg.short_words
        scores, sim = self.score(cands, section.heading)
        chosen: list[int] = []
        words = 0
        remaining = set(range(len(cands)))
        while remaining and len(chosen) < max_sents:
            def mmr(i: int) -> float:
                red = max((float(sim[i, j]) for j in chosen), default=0.0)
                return cfg.mmr_lambda * scores[i] - (1 - cfg.mmr_lambda) * red

            pick = None
            for i in sorted(remaining, key=lambda i: (-mmr(i), i)):
                if not chosen or words + len(_words(cands[i].text)) <= max_words:
                    pick = i
                    break
            if pick is None:
                break
            chosen.append(pick)
            words += len(_words(cands[pick].text))
            remaining.discard(pick)
        return [cands[i] for i in sorted(chosen, key=lambda i: cands[i].start)]

    def _with_list(self, pieces: list[_Piece], section: "SectionText", doc: "Document | None") -> list[_Piece]:
        """A chosen lead-in ("The following were elected:") brings the short items it introduces."""
        if not any(p.text.rstrip().endswith(":") for p in pieces):
            return pieces
        allp = [q for q in section_sentences(section, doc) if _URL.sub("", q.text).strip()]
        out = []
        for p in pieces:
            if p.text.rstrip().endswith(":") and p in allp:
                items = []
                for q in allp[allp.index(p) + 1:]:
                    if q.text.rstrip().endswith(":") or len(_words(q.text)) > 12 or len(items) >= 6:
                        break
                    items.append(q)
                if items and sum(len(_words(q.text)) for q in items) <= 30:
                    parts = p.spans + tuple(x for q in items for x in q.spans)
                    text = p.text + " " + "; ".join(q.text.rstrip(" .;,") for q in items)
                    p = _Piece(text, p.start, items[-1].end, p.block, parts)
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



# --------------------------------------------------------------------------------------------------
# abstractive


@dataclass(frozen=True)
class AbstractiveConfig:
    max_input_tokens: int = 512
    max_new_tokens: int = 80
    min_words: int = 3
    prompt: str = ("Summarise these meeting minutes in one or two sentences. Use only facts stated in them.\n\n"
                   "{heading}\n{text}\n\nSummary:")
    seq2seq_prefix: str = "summarize: "
    use_spacy: bool = False  # also check spaCy PERSON/ORG/GPE entities (loads the spaCy model)
    threads: int = 2


@summariser("abstractive")
class AbstractiveSummariser(Summariser):
    """A local seq2seq or causal LM writes the summary; the grounding check decides whether it is kept."""

    def __init__(self, path: str | os.PathLike | None = None, config: AbstractiveConfig | None = None,
                 extractive: ExtractiveSummariser | None = None, **overrides: Any):
        if path is None:
            raise SummariserNotFound(None, "the abstractive summariser needs a model folder")
        self.path = Path(path).expanduser()
        if not self.path.is_dir():
            raise SummariserNotFound(None, f"no model folder at {str(path)!r}")
        base = config or AbstractiveConfig()
        if overrides:
            base = replace(base, **overrides)
        self.config = base
        self.extractive = extractive or ExtractiveSummariser()
        self.name = f"abstractive:{self.path.name}"
        self._model = None
        self._tokenizer = None
        self.is_seq2seq: bool | None = None
        self._nlp = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

        from pipeline.themes.encoder import prepare_transformers

        prepare_transformers(threads=self.config.threads)
        where = str(self.path)
        try:
            cfg = AutoConfig.from_pretrained(where, local_files_only=True)
            self.is_seq2seq = bool(getattr(cfg, "is_encoder_decoder", False))
            loader = AutoModelForSeq2SeqLM if self.is_seq2seq else AutoModelForCausalLM
            self._tokenizer = AutoTokenizer.from_pretrained(where, local_files_only=True)
            self._model = loader.from_pretrained(where, local_files_only=True).eval()
        except Exception as e:  # noqa: BLE001 - any loader failure is the user's folder
            self._model = None
            msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise SummariserNotFound(None, f"transformers cannot load a model from {where!r}: {msg[:200]}") from e
        model_name = getattr(cfg, "_name_or_path", "") or ""
        label = Path(model_name).name if model_name and Path(model_name).name else self.path.name
        self.name = f"abstractive:{label}"
        if self.config.use_spacy:
            from pipeline.detect.nlp import shared_spacy

            self._nlp = shared_spacy()

    # -- generation -----------------------------------------------------------------------------
    def _prompt(self, section: "SectionText") -> str:
        body = " ".join(section.text.split())
        if self.is_seq2seq:
            return self.config.seq2seq_prefix + body
        return self.config.prompt.format(heading=section.heading.strip(), text=body)

    def generate(self, section: "SectionText") -> str:
        """The model's summary of the section (greedy, bounded input and output)."""
        import torch

        self.warm_up()
        tok, model = self._tokenizer, self._model
        prompt = self._prompt(section)
        limit = self.config.max_input_tokens
        maxpos = getattr(model.config, "max_position_embeddings", None) or getattr(model.config, "n_positions", None)
        if not self.is_seq2seq and maxpos:
            limit = max(16, min(limit, int(maxpos) - self.config.max_new_tokens))
        if not self.is_seq2seq and getattr(tok, "chat_template", None):
            ids = tok.apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True,
                                          return_tensors="pt", return_dict=True)
            input_ids = ids["input_ids"][:, -limit:]
            attn = ids["attention_mask"][:, -limit:]
        else:
            enc = tok(prompt, return_tensors="pt", truncation=True, max_length=limit)
            input_ids, attn = enc["input_ids"], enc["attention_mask"]
            if not self.is_seq2seq and input_ids.shape[1] >= limit:
                # keep the instruction's end ("Summary:") when the section is long
                enc = tok(prompt, return_tensors="pt")
                input_ids, attn = enc["input_ids"][:, -limit:], enc["attention_mask"][:, -limit:]
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        kwargs = dict(max_new_tokens=self.config.max_new_tokens, do_sample=False, num_beams=1)
        if pad is not None:
            kwargs["pad_token_id"] = pad
        with torch.inference_mode():
            out = model.generate(input_ids=input_ids, attention_mask=attn, **kwargs)
        new = out[0] if self.is_seq2seq else out[0, input_ids.shape[1]:]
        text = tok.decode(new, skip_special_tokens=True)
        return " ".join(text.split()).strip()

    def _quality_problem(self, text: str) -> str | None:
        words = _words(text)
        if len(words) < self.config.min_words:
            return "the model's summary is empty or too short"
        low = [w.lower() for w in words]
        if len(low) >= 6 and len(set(low)) / len(low) < 0.4:
            return "the model's summary repeats itself"
        letters = sum(ch.isalpha() for ch in text)
        if letters < 0.5 * len(text.replace(" ", "")):
            return "the model's summary is not prose"
        return None

    def summarise(self, section: "SectionText", doc: "Document") -> SectionSummary:
        pieces = section_sentences(section, doc)
        if len([p for p in pieces if _is_candidate(p.text)]) <= 1:
            # one sentence says itself better than any paraphrase
            ext = self.extractive.summarise(section, doc)
            return ext
        self.warm_up()
        try:
            text = self.generate(section)
        except Exception as e:  # noqa: BLE001 - generation failures fall back, with the reason
            reason = f"generation failed: {type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"
            return self._fallback(section, doc, reason)
        problem = self._quality_problem(text)
        if problem:
            return self._fallback(section, doc, problem)
        report = check_grounding(text, section.text, nlp=self._nlp)
        if not report.ok:
            return self._fallback(section, doc, report.reason())
        return SectionSummary(section=section.heading, section_index=section.index, summary=text,
                              method=self.name, grounded=True, sentences=[])

    def _fallback(self, section: "SectionText", doc: "Document", reason: str) -> SectionSummary:
        ext = self.extractive.summarise(section, doc)
        return ext.model_copy(update={"fallback": f"{self.name}: {reason}"})


# --------------------------------------------------------------------------------------------------
# entry points


def summarise_sections(sections: Sequence["SectionText"], doc: "Document",
                       summariser: Summariser | str | None = None) -> list[SectionSummary]:
    """One summary per section with text of its own (containers and empty sections are skipped)."""
    if summariser is None or isinstance(summariser, (str, os.PathLike)):
        summariser = get_summariser(summariser)
    todo = [s for s in sections if not s.is_container and s.sentences and _words(s.text)]
    return summariser.summarise_many(todo, doc)


def meeting_summary(summaries: Sequence[SectionSummary], max_sections: int = 6) -> str:
    """A short overview: the first sentence of each section summary, as "Heading: sentence"."""
    lines = []
    for s in summaries[:max_sections]:
        if not s.summary:
            continue
        first = s.summary
        if s.sentences:
            first = " ".join(s.sentences[0].text.split()) if s.sentences[0].text else first
        lines.append(f"{s.section}: {first}")
    return "\n".join(lines)
