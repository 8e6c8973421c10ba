"""Finding and normalising calendar dates in minutes text.

Regular expressions find the date expressions minutes use ("Wednesday 27 April 2022", "28th July
2016", "December 19, 2017", "2026-03-04", "5/18/2021", "03/06/2024", "13th October"); this module
turns each into a calendar date, completing a missing year from context (and saying so) and
reading all-numeric dates day-first or month-first from the document's locale cues.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})
WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})

_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_WEEKDAY = r"(?:(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues|Tue|Weds|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\.?,?\s+)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_PATTERNS = [
    # Wednesday 27 April 2022 / 28th July 2016 / 13th October / the 5th of May, 2021
    re.compile(rf"\b{_WEEKDAY}?(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b", re.IGNORECASE),
    # December 19, 2017 / Tues January 3 2017 / May 24th 2016
    re.compile(rf"\b{_WEEKDAY}?{_MONTH}\s+{_DAY}(?!\d)(?:,?\s+{_YEAR})?\b(?!\s*(?:am|pm|:))", re.IGNORECASE),
    # 2026-03-04 / 2026/03/04
    re.compile(r"\b(?P<iso_y>(?:19|20)\d\d)[-/.](?P<iso_m>[01]?\d)[-/.](?P<iso_d>[0-3]?\d)\b"),
    # 5/18/2021, 03/06/2024, 3.6.24
    re.compile(rf"\b{_WEEKDAY}?(?P<n1>[0-3]?\d)[/.\-](?P<n2>[0-3]?\d)[/.\-](?P<n3>(?:19|20)?\d\d)\b"),
]


@dataclass
class DateMatch:
    start: int
    end: int
    text: str
    value: date | None
    year_inferred: bool = False
    ambiguous: bool = False  # all-numeric and both readings valid; resolved by locale


def stated_weekday(text: str) -> int | None:
    """The weekday a date's text names ('Tuesday 4 April 2016' -> 1), or None."""
    m = re.match(_WEEKDAY, text.strip(), re.IGNORECASE)
    return WEEKDAYS.get(m.group("weekday").lower().rstrip(".,")) if m else None


def locale_day_first(text: str) -> bool:
    """True when the document reads like British/European English (day before month)."""
    sample = text[:50000]
    uk = len(re.findall(r"£|\bCllr\b|\bcouncillor|\borganis|\bcolour|\bprogramme|\bcentre\b|\bapologies\b|\bwhilst\b",
                        sample, re.IGNORECASE))
    us = len(re.findall(r"\$\s?\d|\borganiz|\bcolor\b|\bcenter\b|\bPacific Time|\bEastern\b|\bEST\b|\bPST\b|\bregrets\b",
                        sample, re.IGNORECASE))
    # Written-out dates tell us directly: "27 April" is day-first, "April 27" month-first.
    uk += 2 * len(re.findall(rf"\b[0-3]?\d(?:st|nd|rd|th)?\s+{_MONTH}", sample, re.IGNORECASE))
    us += 2 * len(re.findall(rf"\b{_MONTH}\s+[0-3]?\d(?:st|nd|rd|th)?\b", sample, re.IGNORECASE))
    return uk >= us


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def complete_year(month: int, day: int, *, weekday: int | None, context_years: list[int],
                  reference: date | None = None) -> int | None:
    """Pick a year for a date written without one.

    A stated weekday is the strongest evidence (the year nearest the context in which that day
    falls on that weekday); otherwise the most common year mentioned in the document; otherwise the
    reference date's year.
    """
    centre = None
    if context_years:
        centre = max(set(context_years), key=lambda y: (context_years.count(y), y))
    elif reference is not None:
        centre = reference.year
    if weekday is not None:
        base = centre or (reference.year if reference else date.today().year)
        for delta in sorted(range(-12, 13), key=lambda d: (abs(d), -d)):
            cand = _safe_date(base + delta, month, day)
            if cand is not None and cand.weekday() == weekday:
                return base + delta
        return None
    return centre


def find_dates(text: str, *, day_first: bool = True, context_years: list[int] | None = None,
               reference: date | None = None) -> list[DateMatch]:
    """Every calendar date expression in ``text``, in order, without overlaps."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    ctx_years = context_years if context_years is not None else years_in(text)
    for pat in _PATTERNS:
        for m in pat.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            dm = _to_match(m, day_first=day_first, context_years=ctx_years, reference=reference)
            if dm is None:
                continue
            found.append(dm)
            taken.append((s, e))
    found.sort(key=lambda d: d.start)
    return found


_YEAR_IN_TEXT = re.compile(r"(?<![£$€¥#\d.,])(?<![£$€¥#][ ])\b((?:19|20)\d\d)\b(?![.,]\d)")


def years_in(text: str) -> list[int]:
    """The years a text mentions; amounts ("£2032.66", "$1,950") and numbers like "2019.5" are not years."""
    return [int(y) for y in _YEAR_IN_TEXT.findall(text)]


def _to_match(m: re.Match, *, day_first: bool, context_years: list[int], reference: date | None) -> DateMatch | None:
    g = m.groupdict()
    s, e = m.span()
    txt = m.group(0)
    weekday = WEEKDAYS.get((g.get("weekday") or "").lower().rstrip(".,")) if g.get("weekday") else None
    if g.get("iso_y"):
        v = _safe_date(int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"]))
        return DateMatch(s, e, txt, v) if v else None
    if g.get("n1"):
        a, b, y = int(g["n1"]), int(g["n2"]), int(g["n3"])
        if y < 100:
            y += 2000
        dm_reading = _safe_date(y, b, a)  # day/month
        md_reading = _safe_date(y, a, b)  # month/day
        if dm_reading and md_reading and a != b:
            return DateMatch(s, e, txt, dm_reading if day_first else md_reading, ambiguous=True)
        v = dm_reading or md_reading
        return DateMatch(s, e, txt, v) if v else None
    month = MONTHS.get(g["month"].lower().rstrip("."))
    day = int(g["day"])
    if not month or not 1 <= day <= 31:
        return None
    if g.get("year"):
        v = _safe_date(int(g["year"]), month, day)
        return DateMatch(s, e, txt, v) if v else None
    year = complete_year(month, day, weekday=weekday, context_years=context_years, reference=reference)
    if year is None:
        return DateMatch(s, e, txt, None, year_inferred=True)
    v = _safe_date(year, month, day)
    return DateMatch(s, e, txt, v, year_inferred=True) if v else None
