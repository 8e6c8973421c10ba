"""The grounding check every summary must pass: each name, number and date it states occurs in the
section it summarises (``check_grounding``, ``grounding_problems``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Month and weekday names as the summaries and sections write them (shared with the extractive cues).
MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
           "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
           "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
           "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = {"monday": "monday", "tuesday": "tuesday", "wednesday": "wednesday", "thursday": "thursday",
             "friday": "friday", "saturday": "saturday", "sunday": "sunday", "mon": "monday", "tue": "tuesday",
             "tues": "tuesday", "wed": "wednesday", "thu": "thursday", "thur": "thursday", "thurs": "thursday",
             "fri": "friday", "sat": "saturday", "sun": "sunday"}
MONTH_RE = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
             r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
WEEKDAY_RE = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues|Tue|Wed|Thurs|Thur|Thu|"
               r"Fri|Sat|Sun)\.?")

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
_DAY_MONTH = re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<m>{MONTH_RE})(?!\w)", re.I)
_MONTH_DAY = re.compile(rf"\b(?P<m>{MONTH_RE})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*[:.]\d)", re.I)
_MONTH_ONLY = re.compile(rf"\b{MONTH_RE}(?!\w)", re.I)
_WEEKDAY_ONLY = re.compile(rf"\b{WEEKDAY_RE}(?!\w)", re.I)
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


def names_in(text: str) -> list[str]:
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
                mo = MONTHS.get(m.group("m").lower().rstrip("."))
                d = int(m.group("d"))
                if mo and 1 <= d <= 31 and (m.group("m")[0].isupper() or m.group("m").lower() != "may"):
                    out.append((m.group(0).rstrip("."), ("dm", d, mo)))
        for m in _MONTH_ONLY.finditer(seg):
            word = m.group(0).rstrip(".")
            if word.lower() in ("may", "mar", "jan", "dec", "sep", "jun", "jul", "aug", "oct", "nov", "feb", "apr") \
                    and not word[0].isupper():
                continue  # "may" the verb, and lower-case abbreviations
            out.append((word, ("month", MONTHS[word.lower()])))
        for m in _WEEKDAY_ONLY.finditer(seg):
            word = m.group(0).rstrip(".")
            if len(word) <= 5 and not word[0].isupper():
                continue  # "sat", "sun", "wed" as words
            out.append((word, ("weekday", WEEKDAYS[word.lower()])))
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
    cands = names_in(summary)
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
