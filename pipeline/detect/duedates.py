"""Due dates of actions, next-meeting dates and every other date expression, read against the meeting date.

Minutes write deadlines in many ways: a calendar date ("by Tues January 3 2017", "03/06/2024"), a
date without a year ("22 July, 10am – 12pm"), a month ("May 2022", "early June"), a quarter ("end
of Q2"), a relative phrase ("tomorrow", "in two weeks", "by Thursday"), another meeting ("by the
next meeting", "report back at the November meeting") or plain words ("Ongoing", "Collaborator
Summit"). This module turns each into a ``DueDate`` following the gold conventions: ``due`` is an
ISO date when the text gives or clearly implies a calendar date, otherwise the phrase as written.

Main entry points:

- ``normalise_due(phrase, meeting_date=..., next_meeting=...)``: one phrase (a "Deadline" cell).
- ``find_due(sentence, ...)``: the deadline inside an action sentence, with its span.
- ``dates_in(text, ...)``: every date expression in a text, normalised, with spans.
- ``find_next_meetings(doc, ...)``: the next meeting(s) with time and place.
- ``all_dates(doc, ...)``: every date expression in a document.

Only expressions recognised by the patterns here become dates; ``dateparser`` is consulted for a
few relative phrasings and its answer is accepted only when it is plausible.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Iterable, Literal

from pipeline.core.dates import MONTHS, WEEKDAYS, find_dates, years_in
from pipeline.core.document import Document

DueKind = Literal["date", "month", "quarter", "year", "relative", "meeting", "open", "text"]

# ------------------------------------------------------------------------------------ data types


@dataclass(frozen=True)
class DueDate:
    """A normalised deadline (or any date expression).

    ``due`` is ISO "YYYY-MM-DD" when a calendar date is given or clearly implied, otherwise the
    phrase as written (without a leading "by"), or None when there is no deadline ("-", "N/A",
    "TBC"). ``start``/``end`` give the calendar range the phrase covers when known (equal to the
    ISO date for a single day).
    """

    due: str | None
    due_text: str
    start: date | None = None
    end: date | None = None
    kind: DueKind = "text"
    year_inferred: bool = False

    @property
    def value(self) -> date | None:
        """The single calendar date, when ``due`` is one."""
        if self.due and _ISO.match(self.due):
            return date.fromisoformat(self.due)
        return None

    @property
    def is_iso(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class DateExpression:
    """A date expression found in a text: its normalised reading and where it is."""

    text: str
    start: int
    end: int
    norm: DueDate
    block: int | None = None

    @property
    def value(self) -> str | None:
        """ISO date when the expression is one calendar day, else None."""
        return self.norm.due if self.norm.is_iso else None

    @property
    def kind(self) -> DueKind:
        return self.norm.kind

    @property
    def range_start(self) -> date | None:
        return self.norm.start

    @property
    def year_inferred(self) -> bool:
        return self.norm.year_inferred


@dataclass
class NextMeeting:
    """A next-meeting date as stated in the minutes."""

    date: date | None
    text: str
    start: int  # character offsets in doc.text
    end: int
    block: int
    start_time: str | None = None  # "HH:MM", 24-hour clock
    end_time: str | None = None
    other_times: list[str] = field(default_factory=list)  # "10am EST and 5pm EST": alternatives
    zone: str | None = None
    place: str | None = None
    place_text: str | None = None  # the place with its lead-in as written, e.g. "at the Library"
    year_inferred: bool = False

    def as_string(self) -> str:
        """The gold style: "2022-07-22 10:00-12:00", "2016-10-27, Bury Library", "2025-02-25 16:00 UTC"."""
        out = self.date.isoformat() if self.date else self.text
        if self.start_time:
            times = self.start_time + (f"-{self.end_time}" if self.end_time else "")
            if self.other_times:
                times = " and ".join([times, *self.other_times])
            out += " " + times
            if self.zone:
                out += " " + self.zone
        if self.place:
            out += ", " + self.place
        return out


# -------------------------------------------------------------------------------------- patterns

_ISO = re.compile(r"^\d{4}-\d\d-\d\d$")
_FULL_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_ABBR_MONTHS = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
# Month names are matched with their capital (so "may" the verb and "march" the verb are not months).
_MONTH_CAP = rf"(?:{_FULL_MONTHS}|(?:{_ABBR_MONTHS})\.?)(?![\w])"
_WEEKDAY_CAP = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|(?:Mon|Tues|Tue|Weds|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\.?)(?![\w])"
_YEAR = r"(?:19|20)\d\d"
_NUM_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
              "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2}
_NUM = r"(?:\d{1,3}|a couple of|couple of|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_UNIT = r"(?:days?|weeks?|fortnights?|months?|years?)"
_ZONE = r"(?:UTC|GMT|BST|CET|CEST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|PT|Eastern|Pacific|Central)(?![\w])"

_NONE_VALUES = {"", "-", "–", "—", "n/a", "na", "tbc", "tbd", "tba", "none", "nil", "?", "n.a.", "to be confirmed",
                "to be decided", "unknown"}
_OPEN = re.compile(r"(?i)\b(?:on-?going|asap|a\.s\.a\.p\.?|as soon as (?:possible|practicable)|continuous(?:ly)?|"
                   r"as (?:needed|required|appropriate)|when possible|rolling|regularly|monthly|weekly|annually)(?![\w])")
# Standalone inside a sentence only the unmistakable ones.
_OPEN_IN_SENTENCE = re.compile(r"(?i)\b(?:asap|a\.s\.a\.p\.?|as soon as (?:possible|practicable))(?![\w])")

_QUAL = r"(?P<qual>early|mid|mid-|middle of|late|end of|the end of|start of|the start of|beginning of|the beginning of)"
_MONTH_EXPR = re.compile(rf"(?:(?i:{_QUAL})[\s-]*)?(?P<month>{_MONTH_CAP})(?:,?\s+(?P<year>{_YEAR}))?(?![\w])")
_QUARTER_EXPR = re.compile(
    rf"(?i)(?:(?P<end>(?:the\s+)?end\s+of)\s+(?:the\s+)?)?(?:(?P<q>Q[1-4])|(?P<qw>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)"
    rf"(?:\s+(?:of\s+)?(?P<year>{_YEAR}))?(?![\w])")
_YEAR_EXPR = re.compile(rf"(?<![\w/.-])(?P<year>{_YEAR})(?![\w/-]|\.\d)")
_REL_DAY = re.compile(r"(?i)\b(?P<w>today|tonight|this evening|tomorrow|the day after tomorrow|end of (?:the )?day|eod|cob|close of (?:play|business))(?![\w])")
_REL_PERIOD = re.compile(
    r"(?i)\b(?P<end>(?:the\s+)?end\s+of\s+)?(?P<which>this|next|the following|the coming)\s+(?P<unit>week|month|year|term)(?![\w])"
    r"|\b(?P<end2>(?:the\s+)?end\s+of\s+(?:the\s+)?)(?P<unit2>week|month|year)(?![\w])")
_REL_OFFSET = re.compile(
    rf"(?i)\b(?P<pre>in|within|inside)\s+(?:the\s+next\s+)?(?P<n>{_NUM})\s+(?P<unit>{_UNIT})(?:['’]?\s*time)?(?![\w])"
    rf"|\b(?P<n2>{_NUM})\s+(?P<unit2>{_UNIT})\s+(?:from\s+(?:now|today|the meeting)|hence|later)(?![\w])")
_REL_VAGUE = re.compile(
    r"(?i)\b(?:(?:in|within|over|during)\s+the\s+(?:next|coming|following)\s+(?:few\s+|couple\s+of\s+)?(?:days?|weeks?|months?)"
    r"|shortly|soon|in due course|in the near future|imminently)(?![\w])")
_WEEKDAY_EXPR = re.compile(rf"(?:(?i:(?P<which>next|this|coming|the coming))\s+)?(?P<wd>{_WEEKDAY_CAP})(?!,?\s+(?:the\s+)?\d)(?!\s+{_MONTH_CAP})")
_MEETING_EXPR = re.compile(
    r"(?i)\b(?P<next>(?:the\s+)?(?:next|following|upcoming|coming)\s+(?P<mid>(?:[\w'’-]+\s+){0,3}?)"
    r"(?P<noun>meeting|meetins?|call|session|workshop|AGM|EGM|board|committee|council))(?![\w])"
    rf"|\b(?P<month_meeting>(?:the\s+)?(?P<mm>{_FULL_MONTHS})\s+(?:\w+\s+)?meeting)(?![\w])"
    r"|\b(?P<annual>(?:the\s+)?(?:AGM|EGM|annual\s+(?:general\s+)?meeting))(?![\w])"
    r"|\b(?P<after>after\s+the\s+meeting)(?![\w])")
_EVENT_EXPR = re.compile(
    r"(?<![\w])(?P<event>(?:the\s+)?(?:[A-Z][\w'’&-]*\s+){1,3}(?:Summit|Conference|Meeting|Retreat|Fair|Festival|Sunday|"
    r"Day|Week|Workshop|Sprint|Dinner|Quiz|Launch|Show|Sale|Election|Elections|Review|Break|Holidays?))(?![\w])")

# Words that introduce a deadline in a sentence. "at"/"to"/"for" only count before a meeting.
_INTRO = (r"no later than|not later than|in time for|ahead of|w/c|(?:the\s+)?(?:week|wk)\s+(?:beginning|commencing|starting)(?:\s+on)?|due(?:\s+date)?(?:\s+(?:on|by|is|in))?|"
          r"deadline(?:\s+date)?(?:\s+(?:is|of|for))?|target(?:ed|ing)?(?:\s+date)?(?:\s+(?:is|of|for))?|by|before|until|till")
_INTRO_AT_END = re.compile(rf"(?i)(?:^|(?<=[\s(\[,;:]))(?P<intro>{_INTRO})\s*[:\-–]?\s*(?:the\s+)?$")
_MEETING_INTRO_AT_END = re.compile(r"(?i)(?:^|(?<=[\s(\[,;:]))(?P<intro>at|to|for|until|till)\s+$")
_MONTH_INTRO_AT_END = re.compile(r"(?i)(?:^|(?<=[\s(\[,;:]))(?P<intro>in|during|within|over)\s+(?:the\s+)?$")
_LEADING_INTRO = re.compile(rf"(?i)^(?P<intro>{_INTRO}|at|to|for|on|in|during)\b\s*[:\-–]?\s*")

_TIME = re.compile(
    r"(?i)(?<![\w.:])(?:(?P<h>[01]?\d)(?:[:.](?P<m>[0-5]\d))?\s*(?P<ap>[ap])\.?\s?m\b\.?"
    r"|(?P<H>[01]?\d|2[0-3])[:h](?P<M>[0-5]\d)(?!\d)|(?P<noon>noon|midday|midnight))")
_FILLER = re.compile(
    rf"(?i)\b(?:at|from|the|latest|at the latest|of|on|eod|cob|close of business|end of day|hrs|hours|h)\b|{_ZONE}|[\s,;:.()\[\]\-–—/@]+")


# ----------------------------------------------------------------------------------- date helpers

def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _future_year(month: int, day: int, meeting: date, *, strictly_after: bool = False) -> int | None:
    """The first year (from the meeting's) in which month/day falls on/after the meeting date."""
    for y in range(meeting.year, meeting.year + 9):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if d > meeting or (d == meeting and not strictly_after):
            return y
    return None


def _month_year(month: int, meeting: date | None) -> int | None:
    """The year of the next occurrence of a month (the meeting's own month counts)."""
    if meeting is None:
        return None
    return meeting.year if month >= meeting.month else meeting.year + 1


def _num(word: str) -> int | None:
    w = re.sub(r"\s+", " ", word.strip().lower())
    if w.isdigit():
        return int(w)
    return _NUM_WORDS.get(w)


def _offset(base: date, n: int, unit: str) -> date:
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return base + timedelta(days=n)
    if unit == "week":
        return base + timedelta(weeks=n)
    if unit == "fortnight":
        return base + timedelta(weeks=2 * n)
    if unit == "month":
        return _add_months(base, n)
    return _add_months(base, 12 * n)


def _dateparser_relative(phrase: str, base: date) -> date | None:
    """dateparser's reading of a relative phrase, accepted only when it lies ahead of ``base``."""
    try:
        import dateparser
    except ImportError:  # pragma: no cover - dateparser is a dependency
        return None
    try:
        got = dateparser.parse(phrase, languages=["en"], settings={
            "RELATIVE_BASE": datetime(base.year, base.month, base.day), "PREFER_DATES_FROM": "future",
            "STRICT_PARSING": False})
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if got is None:
        return None
    d = got.date()
    return d if base <= d <= base + timedelta(days=3 * 366) else None


# ------------------------------------------------------------------------------------ scanners
# Each scanner yields (start, end, DueDate) for the expressions it recognises in ``text``.

@dataclass(frozen=True)
class _Ctx:
    meeting_date: date | None
    next_meeting: date | None
    day_first: bool
    future: bool  # complete missing years forward from the meeting date (deadlines) or from context
    context_years: tuple[int, ...] | None
    end_of_month_iso: bool


def _iso(d: date) -> str:
    return d.isoformat()


def _scan_calendar(text: str, ctx: _Ctx) -> Iterable[tuple[int, int, DueDate]]:
    ctx_years = list(ctx.context_years) if ctx.context_years is not None else (
        [ctx.meeting_date.year] if ctx.meeting_date else years_in(text))
    for dm in find_dates(text, day_first=ctx.day_first, context_years=ctx_years, reference=ctx.meeting_date):
        value = dm.value
        if dm.year_inferred and ctx.future and ctx.meeting_date is not None:
            value = _forward(dm.text, ctx.meeting_date) or value
        if value is None:
            yield dm.start, dm.end, DueDate(dm.text, dm.text, kind="text", year_inferred=dm.year_inferred)
            continue
        yield dm.start, dm.end, DueDate(_iso(value), dm.text, value, value, "date", dm.year_inferred)


def _forward(text: str, meeting: date, *, strictly_after: bool = False) -> date | None:
    """A year-less date ("Friday 14 Feb") read forward: the next occurrence on/after the meeting.

    When a stated weekday does not fit that year but fits the year after, the later year wins.
    """
    md = _month_day(text)
    if md is None:
        return None
    y = _future_year(md[0], md[1], meeting, strictly_after=strictly_after)
    if y is None:
        return None
    wd_m = re.match(rf"\s*({_WEEKDAY_CAP})", text)
    wd = WEEKDAYS.get(wd_m.group(1).lower().rstrip(".")) if wd_m else None
    if wd is not None and date(y, md[0], md[1]).weekday() != wd:
        for later in (y + 1,):
            try:
                if date(later, md[0], md[1]).weekday() == wd:
                    return date(later, md[0], md[1])
            except ValueError:
                pass
    return date(y, md[0], md[1])


def _month_day(text: str) -> tuple[int, int] | None:
    m = re.search(r"(?i)([a-z]+)\.?\s+(?:the\s+)?([0-3]?\d)(?:st|nd|rd|th)?(?!\d)", text)
    if m and m.group(1).lower() in MONTHS:
        return MONTHS[m.group(1).lower()], int(m.group(2))
    m = re.search(r"(?i)([0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)", text)
    if m and m.group(2).lower() in MONTHS:
        return MONTHS[m.group(2).lower()], int(m.group(1))
    return None


def _scan_months(text: str, ctx: _Ctx) -> Iterable[tuple[int, int, DueDate]]:
    for m in _MONTH_EXPR.finditer(text):
        month = MONTHS.get(m.group("month").lower().rstrip("."))
        if not month:
            continue
        if m.group("month") == "May" and not (m.group("qual") or m.group("year")) and _modal_may(text, m.end()):
            continue
        phrase = m.group(0)
        inferred = not m.group("year")
        if m.group("year"):
            year = int(m.group("year"))
        elif ctx.future:
            year = _month_year(month, ctx.meeting_date)
        else:  # a mention, not a deadline: the meeting's (or the document's) year
            year = ctx.meeting_date.year if ctx.meeting_date else _common_year(ctx.context_years)
        if year is None:
            yield m.start(), m.end(), DueDate(phrase, phrase, kind="month", year_inferred=True)
            continue
        first, last = date(year, month, 1), _last_day(year, month)
        qual = (m.group("qual") or "").lower().replace("the ", "").strip(" -")
        lo, hi = first, last
        if qual == "early" or qual in ("start of", "beginning of"):
            hi = date(year, month, 10)
        elif qual in ("mid", "middle of"):
            lo, hi = date(year, month, 11), date(year, month, 20)
        elif qual == "late":
            lo = date(year, month, 21)
        elif qual == "end of":
            lo = last
            if ctx.end_of_month_iso:
                yield m.start(), m.end(), DueDate(_iso(last), phrase, last, last, "date", inferred)
                continue
        yield m.start(), m.end(), DueDate(phrase, phrase, lo, hi, "month", inferred)


def _common_year(years: tuple[int, ...] | None) -> int | None:
    if not years:
        return None
    return max(set(years), key=lambda y: (years.count(y), y))


def _modal_may(text: str, end: int) -> bool:
    """'May' starting a question or followed by a pronoun / verb is not the month."""
    nxt = text[end:end + 12].lower()
    return bool(re.match(r"\s+(?:i|we|you|they|he|she|it|be|have|the)\b", nxt))


_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}


def _scan_quarters(text: str, ctx: _Ctx) -> Iterable[tuple[int, int, DueDate]]:
    for m in _QUARTER_EXPR.finditer(text):
        q = int(m.group("q")[1]) if m.group("q") else _QUARTER_WORDS[m.group("qw").lower()]
        phrase = m.group(0)
        if m.group("year"):
            year, inferred = int(m.group("year")), False
        elif ctx.meeting_date is not None:
            year, inferred = ctx.meeting_date.year, True
            if _last_day(year, 3 * q) < ctx.meeting_date:
                year += 1
        else:
            yield m.start(), m.end(), DueDate(phrase, phrase, kind="quarter", year_inferred=True)
            continue
        lo, hi = date(year, 3 * q - 2, 1), _last_day(year, 3 * q)
        if m.group("end"):
            yield m.start(), m.end(), DueDate(_iso(hi), phrase, hi, hi, "quarter", inferred)
        else:
            yield m.start(), m.end(), DueDate(phrase, phrase, lo, hi, "quarter", inferred)


def _scan_years(text: str, ctx: _Ctx) -> Iterable[tuple[int, int, DueDate]]:
    for m in _YEAR_EXPR.finditer(text):
        y = int(m.group("year"))
        yield m.start(), m.end(), DueDate(m.group(0), m.group(0), date(y, 1, 1), date(y, 12, 31), "year")


def _scan_relative(text: str, ctx: _Ctx) -> Iterable[tuple[int, int, DueDate]]:
    base = ctx.meeting_date
    for m in _REL_DAY.finditer(text):
        phrase = m.group(0)
        if base is None:
            yield m.start(), m.end(), DueDate(phrase, phrase, kind="relative")
            continue
        w = m.group("w").lower()
        d = base + timedelta(days=2 if "after" in w else 1 if w == "tomorrow" else 0)
        yield m.start(), m.end(), DueDate(_iso(d), phrase, d, d, "relative")
    for m in _REL_PERIOD.finditer(text):
        phrase = m.group(0)
        if base is None:
            yield m.start(), m.end(), DueDate(phrase, phrase, kind="relative")
            continue
        end = bool(m.group("end") or m.group("end2"))
        which = (m.group("which") or "this").lower()
        unit = (m.group("unit") or m.group("unit2")).lower()
        step = 0 if which == "this" else 1
        if unit == "term":
            yield m.start(), m.end(), DueDate(phrase, phrase, kind="relative")
            continue
        if unit == "week":
            monday = base - timedelta(days=base.weekday()) + timedelta(weeks=step)
            lo, hi = monday, monday + timedelta(days=6)
            if end:  # the end of a (working) week: its Friday
                fri = monday + timedelta(days=4)
                yield m.start(), m.end(), DueDate(_iso(fri), phrase, fri, fri, "relative")
                continue
        elif unit == "month":
            first = _add_months(base.replace(day=1), step)
            lo, hi = first, _last_day(first.year, first.month)
        else:
            lo, hi = date(base.year + step, 1, 1), date(base.year + step, 12, 31)
        if end:
            yield m.start(), m.end(), DueDate(_iso(hi), phrase, hi, hi, "relative")
        else:
            yield m.start(), m.end(), DueDate(phrase, phrase, lo, hi, "relative")
    for m in _REL_OFFSET.finditer(text):
        phrase = m.group(0)
        n = _num(m.group("n") or m.group("n2"))
        unit = m.group("unit") or m.group("unit2")
        if base is None or n is None or n > 400:
            yield m.start(), m.end(), DueDate(phrase, phrase, kind="relative")
            continue
        d = _offset(base, n, unit)
        if "the next" in phrase.lower():  # "within the next 2 weeks": a window, not a day
            yield m.start(), m.end(), DueDate(phrase, phrase, base, d, "relative")
        else:
            yield m.start(), m.end(), DueDate(_iso(d), phrase, d, d, "relative")
    for m in _REL_VAGUE.finditer(text):
        yield m.start(), m.end(), DueDate(m.group(0), m.group(0), kind="relative")


def _scan_weekdays(text: str, ctx: _Ctx) -> Iterable[tuple[int, int, DueDate]]:
    for m in _WEEKDAY_EXPR.finditer(text):
        phrase = m.group(0)
        wd = WEEKDAYS.get(m.group("wd").lower().rstrip("."))
        if wd is None or ctx.meeting_date is None:
            yield m.start(), m.end(), DueDate(phrase, phrase, kind="relative")
            continue
        base = ctx.meeting_date
        delta = (wd - base.weekday()) % 7
        if delta == 0 and (m.group("which") or "").lower() != "this":
            delta = 7
        d = base + timedelta(days=delta)
        yield m.start(), m.end(), DueDate(_iso(d), phrase, d, d, "relative")


_NEXT_PLAIN = re.compile(r"(?i)^(?:the\s+)?(?:next|following)\s+(?:(?:regular|full|monthly|committee|board|team)\s+)?"
                         r"(?:meeting|meetins?|call|session)$")


def _scan_meetings(text: str, ctx: _Ctx) -> Iterable[tuple[int, int, DueDate]]:
    for m in _MEETING_EXPR.finditer(text):
        phrase = m.group(0)
        s, e = m.span()
        if m.group("next"):
            if m.group("noun").lower() in ("board", "committee", "council") and m.group("mid"):
                continue  # "the next person could start" is not caught; "next board" alone is
            core = re.sub(r"(?i)^the\s+", "", phrase)
            if _NEXT_PLAIN.match(phrase):
                if ctx.next_meeting is not None:
                    d = ctx.next_meeting
                    yield s, e, DueDate(_iso(d), phrase, d, d, "meeting")
                else:  # as written: "next meeting", "next session", "next committee meeting"
                    yield s, e, DueDate(core, phrase, kind="meeting")
            else:
                yield s, e, DueDate(core, phrase, kind="meeting")
        elif m.group("month_meeting"):
            month = MONTHS[m.group("mm").lower()]
            core = re.sub(r"(?i)^the\s+", "", phrase)
            nm = ctx.next_meeting
            if nm is not None and nm.month == month:
                yield s, e, DueDate(_iso(nm), phrase, nm, nm, "meeting")
            else:
                yield s, e, DueDate(core, phrase, kind="meeting")
        else:
            core = phrase if m.group("after") else re.sub(r"(?i)^the\s+", "", phrase)
            yield s, e, DueDate(core, phrase, kind="meeting")


def _scan_events(text: str, ctx: _Ctx) -> Iterable[tuple[int, int, DueDate]]:
    for m in _EVENT_EXPR.finditer(text):
        core = re.sub(r"^the\s+", "", m.group(0))
        yield m.start(), m.end(), DueDate(core, m.group(0), kind="text")


def _scan_open(text: str, ctx: _Ctx) -> Iterable[tuple[int, int, DueDate]]:
    for m in _OPEN.finditer(text):
        yield m.start(), m.end(), DueDate(m.group(0), m.group(0), kind="open")


# Order matters only for ties: a longer expression always wins an overlap.
_SCANNERS = (_scan_calendar, _scan_quarters, _scan_months, _scan_relative, _scan_weekdays, _scan_meetings,
             _scan_years, _scan_events, _scan_open)


def _expressions(text: str, ctx: _Ctx) -> list[tuple[int, int, DueDate]]:
    found: list[tuple[int, int, int, DueDate]] = []
    for rank, scan in enumerate(_SCANNERS):
        for s, e, dd in scan(text, ctx):
            if e > s:
                found.append((s, e, rank, dd))
    found.sort(key=lambda x: (-(x[1] - x[0]), x[2], x[0]))
    taken: list[tuple[int, int, DueDate]] = []
    for s, e, _, dd in found:
        if any(s < te and ts < e for ts, te, _ in taken):
            continue
        taken.append((s, e, dd))
    taken.sort(key=lambda x: x[0])
    return taken


def _ctx(meeting_date: date | None, next_meeting: date | None, day_first: bool, *, future: bool = True,
         context_years: Iterable[int] | None = None, end_of_month_iso: bool = False) -> _Ctx:
    return _Ctx(meeting_date, next_meeting, day_first, future,
                tuple(context_years) if context_years is not None else None, end_of_month_iso)


# --------------------------------------------------------------------------------- normalise_due

def _clean(text: str) -> str:
    t = " ".join(text.split())
    t = t.strip(" \t.,;:*_")
    while len(t) >= 2 and t[0] + t[-1] in ("()", "[]", '""', "''", "“”", "‘’"):
        t = t[1:-1].strip(" .,;:")
    return t


def _only_filler(rest: str) -> bool:
    rest = _TIME.sub(" ", rest)
    rest = re.sub(r"\s*(?:-|–|—|to|until|till)\s*", " ", rest)
    return not re.sub(r"\s+", "", _FILLER.sub(" ", rest))


def _covering(phrase: str, ctx: _Ctx, *, allow_bare: bool) -> DueDate | None:
    """The one expression that makes up ``phrase`` (times, zones and 'at'-style filler aside)."""
    exprs = _expressions(phrase, ctx)
    if not allow_bare:
        exprs = [x for x in exprs if x[2].kind not in ("year", "text")]
    best: DueDate | None = None
    for s, e, dd in exprs:
        if dd.kind == "text":
            # an event name must be the whole phrase
            if s == 0 and e == len(phrase):
                return dd
            continue
        if _only_filler(phrase[:s] + " " + phrase[e:]):
            # a date plus time(s) ("22 July, 10am – 12pm") or a weekday phrase
            best = dd
            break
    return best


def normalise_due(text: str, *, meeting_date: date | None, next_meeting: date | None = None,
                  day_first: bool = True, end_of_month_iso: bool = False) -> DueDate:
    """Read one deadline phrase as the gold does.

    ``meeting_date`` completes years ("22 July" -> the next 22 July on/after the meeting) and
    anchors relative phrases ("tomorrow", "by Thursday", "in two weeks"); ``next_meeting``
    resolves "by the next meeting". ``end_of_month_iso`` turns "end of April" into its last day
    (the gold keeps it as text; "end of Q2" is always the quarter's last day).
    """
    original = text
    core = _clean(text if isinstance(text, str) else "")
    if core.lower() in _NONE_VALUES:
        return DueDate(None, original, kind="open")
    ctx = _ctx(meeting_date, next_meeting, day_first, end_of_month_iso=end_of_month_iso)
    intro_m = _LEADING_INTRO.match(core)
    stripped = core[intro_m.end():] if intro_m else core
    stripped_the = re.sub(r"(?i)^the\s+", "", stripped) if stripped else stripped
    intro = intro_m.group("intro").lower() if intro_m else ""
    for cand in dict.fromkeys([stripped, core]):
        if not cand:
            continue
        dd = _covering(cand, ctx, allow_bare=True)
        if dd is None:
            continue
        due = dd.due
        if dd.kind == "open" and _OPEN.fullmatch(cand) is None:
            continue
        if dd.kind in ("month", "year", "quarter", "relative", "text") and not dd.is_iso:
            # as written, without the introducing word and any time after it
            due = cand if dd.kind == "text" else dd.due_text
            if dd.kind == "relative":
                due = cand
        if dd.kind == "meeting" and not dd.is_iso and intro == "before" and cand is stripped and not \
                _NEXT_PLAIN.match(stripped):
            due = "before " + stripped
        if dd.kind == "text" and intro == "before" and cand is stripped:
            due = "before " + stripped
        return replace(dd, due=due, due_text=original)
    # dateparser for a relative phrase our patterns did not cover ("a fortnight from today")
    if meeting_date is not None and re.search(rf"(?i)\b(?:{_UNIT}|fortnight)\b", core) and \
            re.search(r"(?i)\b(?:from now|from today|hence|time|later|in|within)\b", core) and len(core) <= 40:
        got = _dateparser_relative(core, meeting_date)
        if got is not None:
            return DueDate(_iso(got), original, got, got, "relative")
    due = stripped_the if intro in ("by", "due", "deadline", "target", "no later than", "not later than") else core
    if intro == "before" or not due:
        due = core
    return DueDate(due, original, kind="text")


# ------------------------------------------------------------------------------ find_due / dates_in

def dates_in(text: str, *, meeting_date: date | None, next_meeting: date | None = None, day_first: bool = True,
             future: bool = True, context_years: Iterable[int] | None = None,
             kinds: Iterable[str] | None = None) -> list[DateExpression]:
    """Every date expression in ``text`` (normalised, with exact spans), whether a deadline or not.

    Calendar dates, months with a year or a qualifier ("May 2022", "early June"), quarters,
    relative phrases ("tomorrow", "next week", "in two weeks") and meeting references ("the next
    meeting"). Bare months, weekdays and years are listed only after a preposition ("in June", "by
    Thursday", "in 2026"), where they are dates rather than names or numbers. ``future`` completes
    a missing year forward from the meeting date (else from ``context_years``, as
    ``pipeline.core.dates`` does); ``kinds`` filters by ``DueDate.kind``.
    """
    ctx = _ctx(meeting_date, next_meeting, day_first, future=future, context_years=context_years)
    out: list[DateExpression] = []
    wanted = set(kinds) if kinds is not None else None
    for s, e, dd in _expressions(text, ctx):
        if dd.kind == "text" or dd.kind == "open":
            continue
        if not _stands_as_date(text, s, e, dd):
            continue
        if wanted is not None and dd.kind not in wanted:
            continue
        out.append(DateExpression(text[s:e], s, e, replace(dd, due_text=text[s:e])))
    return out


_PREP_BEFORE = re.compile(rf"(?i)(?:^|(?<=[\s(\[,;:]))(?:{_INTRO}|in|during|on|from|since|of|for|this|next|every|until|till|"
                          r"at|after|early|mid|late|end of)\s*[:\-–]?\s*(?:the\s+)?$")


def _stands_as_date(text: str, s: int, e: int, dd: DueDate) -> bool:
    """Bare months, weekdays and years count only after a preposition."""
    phrase = text[s:e]
    bare_month = dd.kind == "month" and re.fullmatch(rf"{_MONTH_CAP}", phrase) is not None
    bare_weekday = dd.kind == "relative" and re.fullmatch(rf"{_WEEKDAY_CAP}", phrase) is not None
    if dd.kind == "year" or bare_month or bare_weekday:
        return bool(_PREP_BEFORE.search(text[max(0, s - 30):s]))
    return True


def find_due(text: str, *, meeting_date: date | None, next_meeting: date | None = None, day_first: bool = True,
             end_of_month_iso: bool = False) -> tuple[DueDate, int, int] | None:
    """The deadline of an action sentence: its normalised reading and its span in ``text``.

    The span covers the introducing word ("by next meeting", "deadline: 14 March", "due
    2024-07-01"). Preferred are expressions introduced by by / before / until / no later than /
    due / deadline / target / in time for; meetings also by at / to / for ("report back at the
    November meeting"); months, quarters and years by in / during ("in June"). Failing those,
    relative phrases that are deadlines on their own ("tomorrow", "in two weeks", "in the next few
    days", "ASAP"). Other dates ("the fair on 28th August") are not deadlines: see ``dates_in``.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    ctx = _ctx(meeting_date, next_meeting, day_first, end_of_month_iso=end_of_month_iso)
    exprs = _expressions(text, ctx)
    standalone: tuple[DueDate, int, int] | None = None
    for s, e, dd in exprs:
        before = text[max(0, s - 40):s]
        m = _INTRO_AT_END.search(before)
        if dd.kind == "meeting" and m is None:
            m = _MEETING_INTRO_AT_END.search(before)
            if m is None and dd.due_text.lower().startswith("after"):
                m = re.search(r"$", before)
        if m is None and dd.kind in ("month", "quarter", "year") and not _past_bare_month(dd, meeting_date):
            m = _MONTH_INTRO_AT_END.search(before)
        if m is not None and dd.kind in ("open",):
            m = None
        if m is not None:
            start = s - (len(before) - m.start())
            phrase = text[start:e]
            return normalise_due(phrase, meeting_date=meeting_date, next_meeting=next_meeting, day_first=day_first,
                                 end_of_month_iso=end_of_month_iso), start, e
        if standalone is None and dd.kind == "relative" and not re.fullmatch(rf"{_WEEKDAY_CAP}", text[s:e]):
            standalone = (normalise_due(text[s:e], meeting_date=meeting_date, next_meeting=next_meeting,
                                        day_first=day_first), s, e)
    if standalone is not None:
        return standalone
    m = _OPEN_IN_SENTENCE.search(text)
    if m:
        return DueDate(m.group(0), m.group(0), kind="open"), m.start(), m.end()
    return None


# ----------------------------------------------------------------------------------- next meetings

def _past_bare_month(dd: DueDate, meeting_date: date | None) -> bool:
    """"Visits in January" said in March: a past month, not a deadline."""
    return (dd.kind == "month" and dd.year_inferred and meeting_date is not None and dd.start is not None
            and dd.start.year > meeting_date.year and dd.start.month < meeting_date.month)


_NEXT_HEADING = re.compile(
    r"(?i)\b(?:next|following|future|upcoming)\s+(?:\w+\s+){0,2}?(?:meetings?|meetins?|calls?|sessions?)\b"
    r"|\bdates?\s+of\s+(?:the\s+)?next\b")
_NEXT_LEAD = re.compile(
    r"(?i)^\W*(?:(?:item\s+)?\d{1,2}(?:\.\d{1,2})*[.)]?\s+)?(?:(?:the\s+)?dates?(?:\s*(?:,|and|&)\s*(?:time|venue|place))*"
    r"\s+of\s+)?(?:the\s+)?(?:next|following)\s+(?:\w+\s+){0,2}?(?:meetings?|meetins?|calls?|sessions?)\b")
_NEXT_SAYS = re.compile(r"(?i)\b(?:next\s+(?:\w+\s+){0,2}?(?:meetings?|meetins?|call|session)|will\s+be\s+(?:held\s+)?(?:on|at)|"
                        r"held\s+on|scheduled\s+for|is\s+on|takes?\s+place\s+on)\b")
_PLACE = re.compile(r"^(?P<lead>[\s,;–-]*(?:(?:at|in)\s+(?:the\s+)?|,\s*(?:the\s+)?))"
                    r"(?P<place>[A-Z][\w'’&.-]*(?:\s+(?:[A-Z][\w'’&.-]*|of|and|&|on|upon|de|la)){0,6})")
_NOT_PLACE = re.compile(rf"^(?:{_ZONE}|{_WEEKDAY_CAP}|{_MONTH_CAP}|Zoom|Teams|Same|The|This|It|There|Chair|Notes)\b")


def _parse_times(seg: str) -> tuple[list[str], str | None, str | None, int]:
    """Times at the start of ``seg`` (after a date): ([start, end?] or alternatives, joiner, zone, consumed)."""
    times: list[str] = []
    joiner: str | None = None
    zone: str | None = None
    pos = 0
    for m in _TIME.finditer(seg):
        gap = seg[pos:m.start()]
        if not times:
            if not re.fullmatch(r"[\s,;:\-–]*(?:(?:at|from|starting|start|@|time:?)\s*)?", gap, re.IGNORECASE):
                break
        else:
            z = re.match(rf"\s*({_ZONE})", gap)
            g = re.sub(rf"{_ZONE}", "", gap).strip()
            if joiner in (None, "range") and g in ("-", "–", "—", "to", "until", "till") and len(times) == 1:
                joiner = "range"
            elif g.lower() in ("and", "&", "or", ",", "and at", "or at") and joiner != "range":
                joiner = "and"
            else:
                break
            if z and zone is None:
                zone = z.group(1)
        times.append(_hhmm(m))
        pos = m.end()
    if times:
        z = re.match(rf"\s*({_ZONE})", seg[pos:])
        if z:
            zone = zone or z.group(1)
            pos += z.end()
    return times, joiner, zone, pos


def _hhmm(m: re.Match) -> str:
    if m.group("noon"):
        return "00:00" if m.group("noon").lower() == "midnight" else "12:00"
    if m.group("H") is not None:
        return f"{int(m.group('H')):02d}:{m.group('M')}"
    h, mi = int(m.group("h")), int(m.group("m") or 0)
    if m.group("ap").lower() == "p" and h < 12:
        h += 12
    if m.group("ap").lower() == "a" and h == 12:
        h = 0
    return f"{h:02d}:{mi:02d}"


def _candidate_blocks(doc: Document, sections: list) -> dict[int, bool]:
    """Blocks about the next meeting -> True when the whole block is about it (section body)."""
    out: dict[int, bool] = {}
    for s in sections or []:
        heading = getattr(s, "heading", "")
        if not _NEXT_HEADING.search(heading):
            continue
        for i, b in enumerate(doc.blocks):
            if i == s.block or s.start <= b.start < s.body_end:
                out[i] = True
    for i, b in enumerate(doc.blocks):
        if _NEXT_LEAD.match(b.text):
            out.setdefault(i, False)
            if not find_dates(b.text) and i + 1 < len(doc.blocks):
                out.setdefault(i + 1, True)
    return out


def find_next_meetings(doc: Document, *, meeting_date: date | None, day_first: bool,
                       sections: list | None = None) -> list[NextMeeting]:
    """The next meeting(s) the minutes announce, with time(s), zone and place when stated.

    Looked for in a "Next meeting" / "Date of next meeting(s)" section and in lines that start so
    ("Next meeting: ...", "The next meeting will be held on ..."). A date without a year takes the
    first year that puts it after the meeting date. Dates before the meeting are ignored.
    """
    if sections is None:
        from pipeline.structure.structure import structure
        sections = structure(doc).sections
    ctx_years = years_in(doc.text)
    found: list[NextMeeting] = []
    for i, whole in sorted(_candidate_blocks(doc, sections).items()):
        b = doc.blocks[i]
        text = b.text
        dms = find_dates(text, day_first=day_first, context_years=ctx_years, reference=meeting_date)
        lead = _NEXT_LEAD.match(text)
        for k, dm in enumerate(dms):
            if lead and dm.start < lead.end():
                continue
            if not lead:
                before = _DATE_LABEL.sub("", text[:dm.start]) if whole else text[:dm.start]
                starts_block = not re.search(r"[^\W\d_]", re.sub(rf"{_WEEKDAY_CAP}|(?i:on|the)", "", before))
                if not (starts_block or _NEXT_SAYS.search(text[:dm.start])):
                    continue
            value, inferred = dm.value, dm.year_inferred
            if inferred and meeting_date is not None:
                value = _forward(dm.text, meeting_date, strictly_after=True) or value
            if value is not None and meeting_date is not None and value < meeting_date:
                continue
            seg_end = dms[k + 1].start if k + 1 < len(dms) else len(text)
            seg = text[dm.end:seg_end]
            seg = re.sub(r"\([^)]*\)", lambda mm: " " * len(mm.group(0)), seg)  # "(17:00 CET, 11:00 EST)"
            sentence = re.search(r"\.\s+(?=[A-Z])|\.$|\n", seg)
            if sentence:
                seg = seg[:sentence.start()]
            times, joiner, zone, used = _parse_times(seg)
            end_off = dm.end + used
            place = place_text = None
            pm = _PLACE.match(seg[used:])
            if pm and not _NOT_PLACE.match(pm.group("place")):
                place = pm.group("place").rstrip(".,;")
                place = re.sub(r"\s+(?:of|and|&|on|upon|de|la)$", "", place)
                end_off = dm.end + used + pm.start("place") + len(place)
                place_text = seg[used:][:pm.start("place") + len(place)].strip(" ,;–-") or None
            nm = NextMeeting(date=value, text=text[dm.start:end_off], start=b.start + dm.start, end=b.start + end_off,
                             block=i, zone=zone, place=place, place_text=place_text,
                             year_inferred=inferred)
            if times:
                nm.start_time = times[0]
                if joiner == "range" and len(times) > 1:
                    nm.end_time = times[1]
                elif joiner == "and":
                    nm.other_times = times[1:]
            found.append(nm)
        if whole and not dms and meeting_date is not None:
            got = _weekday_day(text, meeting_date)
            if got is not None:
                d, ms, me = got
                found.append(NextMeeting(date=d, text=text[ms:me], start=b.start + ms, end=b.start + me, block=i,
                                         year_inferred=True))
    return _merge_same_day(found)


# "Date and time: February 25, 2021", "1. When: ...": a label before the date of the next meeting
_DATE_LABEL = re.compile(r"(?i)^\W*(?:\d{1,2}[.)]\s*)?(?:dates?|time|when|day)(?:\s*(?:and|&|/|,)\s*(?:time|date|venue|place))*"
                         r"\s*[:\-–]\s*")
_WEEKDAY_DAY = re.compile(rf"(?P<wd>{_WEEKDAY_CAP})\s+(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:of\s+)?{_MONTH_CAP})")


def _weekday_day(text: str, meeting: date) -> tuple[date, int, int] | None:
    """'Tuesday 26th' with no month: the first such day after the meeting on that weekday."""
    m = _WEEKDAY_DAY.search(text)
    if not m:
        return None
    wd, day = WEEKDAYS.get(m.group("wd").lower().rstrip(".")), int(m.group("day"))
    if wd is None or not 1 <= day <= 31:
        return None
    first = meeting.replace(day=1)
    for k in range(0, 3):
        month_start = _add_months(first, k)
        try:
            d = month_start.replace(day=day)
        except ValueError:
            continue
        if d > meeting and d.weekday() == wd:
            return d, m.start(), m.end()
    return None


def _merge_same_day(found: list[NextMeeting]) -> list[NextMeeting]:
    """One entry per date: the most detailed statement wins ("Next meeting: 2025-05-17" twice)."""
    best: dict[object, NextMeeting] = {}
    order: list[object] = []
    for nm in found:
        key = nm.date or nm.text
        detail = (nm.start_time is not None) + (nm.place is not None) + (nm.zone is not None)
        if key not in best:
            best[key] = nm
            order.append(key)
            continue
        old = best[key]
        if detail > (old.start_time is not None) + (old.place is not None) + (old.zone is not None):
            best[key] = nm
    return [best[k] for k in order]


# -------------------------------------------------------------------------------------- all_dates

def all_dates(doc: Document, *, meeting_date: date | None, day_first: bool,
              next_meeting: date | None = None) -> list[DateExpression]:
    """Every date expression in the document (offsets in ``doc.text``), block by block.

    Missing years are completed as ``pipeline.core.dates`` does (the document's years, a stated
    weekday, the meeting date), not forward as for deadlines: minutes also mention past dates.
    Meeting references ("the next meeting") are left out unless ``next_meeting`` dates them.
    """
    ctx_years = years_in(doc.text) or ([meeting_date.year] if meeting_date else [])
    out: list[DateExpression] = []
    for i, b in enumerate(doc.blocks):
        for x in dates_in(b.text, meeting_date=meeting_date, next_meeting=next_meeting, day_first=day_first,
                          future=False, context_years=ctx_years):
            if x.kind == "meeting" and not x.norm.is_iso:
                continue
            if re.fullmatch(rf"(?:(?i:next|this|coming|the coming)\s+)?{_WEEKDAY_CAP}", x.text):
                continue  # "on Tuesday and Thursday afternoons": usually a recurring day, not a date
            out.append(DateExpression(x.text, x.start + b.start, x.end + b.start, x.norm, i))
    return out


_NEXT_NAMED_MEETING = re.compile(r"(?i)\b(?:the\s+)?next\s+(?:[\w’'-]+\s+){0,3}?(?:meeting|agm|egm|call|session|workshop)\b")


def implied_due(text: str, *, meeting_date: date | None, next_meeting: date | None = None,
                day_first: bool = True) -> tuple[DueDate, int, int] | None:
    """A deadline the text implies without a 'by': a reference to the next meeting ("assign an
    owner next meeting", "referred to the next parish council meeting"), or the one calendar date
    after the meeting that the text names ("collect items for the fair on 28th August")."""
    m = _NEXT_NAMED_MEETING.search(text)
    if m:
        phrase = m.group(0)
        core = re.sub(r"(?i)^the\s+", "", phrase)
        if next_meeting is not None and re.fullmatch(r"(?i)next\s+meeting", core):
            return DueDate(_iso(next_meeting), phrase, next_meeting, next_meeting, "meeting"), m.start(), m.end()
        return DueDate(core, phrase, kind="meeting"), m.start(), m.end()
    if meeting_date is None:
        return None
    found = [x for x in dates_in(text, meeting_date=meeting_date, next_meeting=next_meeting, day_first=day_first,
                                 kinds=("date",))
             if x.norm.start is not None and x.norm.start > meeting_date]
    if len(found) == 1:
        x = found[0]
        return x.norm, x.start, x.end
    return None
