"""Property tests (hypothesis) for the date, due-date, name and owner parsers: never crash, spans exact."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.dates import find_dates
from pipeline.core.document import DocumentBuilder
from pipeline.core.errors import MinutebookError
from pipeline.detect.duedates import find_due, normalise_due
from pipeline.detect.owners import split_owners
from pipeline.structure.attendance import _split_items, find_attendance

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MONTHS = ["January", "Feb", "March", "Apr.", "May", "June", "jul", "August", "Sept", "October", "Nov", "December"]
WORDS = ["by", "before", "due", "deadline:", "next", "meeting", "end of", "Q3", "week", "Friday", "tomorrow",
         "in two weeks", "the", "and", "Present:", "Apologies:", "Cllr", "Dr.", "(Chair)", ",", ";", "&", "/",
         "-", "–", "TBC", "N/A", "Action:", "to", "send", "report", "2024", "'24", "1st", "31", "29", "Feb"]

day = st.integers(0, 40).map(str)
year = st.sampled_from(["2023", "2024", "24", "1999", "0000", "9999", ""])
date_like = st.one_of(
    st.builds(lambda d, m, y: f"{d} {m} {y}".strip(), day, st.sampled_from(MONTHS), year),
    st.builds(lambda m, d, y: f"{m} {d}, {y}".strip(", "), st.sampled_from(MONTHS), day, year),
    st.builds(lambda a, b, y, sep: f"{a}{sep}{b}{sep}{y}", st.integers(0, 40), st.integers(0, 40),
              st.integers(0, 9999), st.sampled_from(["/", "-", ".", " "])),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", st.integers(0, 9999), st.integers(0, 19), st.integers(0, 39)),
)
phrase = st.lists(st.one_of(st.sampled_from(WORDS), date_like, st.text(max_size=8)), max_size=12).map(" ".join)
texts = st.one_of(phrase, st.text(max_size=200))
meeting = st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))


def _safe(fn, *a, **kw):
    try:
        return fn(*a, **kw)
    except MinutebookError:
        return None


@SETTINGS
@given(texts, st.booleans(), meeting)
def test_find_dates_spans_exact(text: str, day_first: bool, ref) -> None:
    prev_end = 0
    for m in _safe(find_dates, text, day_first=day_first, reference=ref) or []:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.start >= prev_end, "overlapping matches"
        prev_end = m.end


@SETTINGS
@given(texts, meeting, st.booleans(), st.booleans())
def test_due_dates_never_crash(text: str, md, day_first: bool, eom: bool) -> None:
    dd = _safe(normalise_due, text, meeting_date=md, day_first=day_first, end_of_month_iso=eom)
    assert dd is None or dd.due is None or isinstance(dd.due, str)  # ISO, or the phrase as written
    found = _safe(find_due, text, meeting_date=md, day_first=day_first)
    if found is not None:
        _, s, e = found
        assert 0 <= s <= e <= len(text)


@SETTINGS
@given(texts)
def test_split_items_offsets_in_range(body: str) -> None:
    for item, off in _split_items(body):
        assert 0 <= off <= len(body)
        assert body[off:off + len(item)] == item, "the item's offset must point at it"
        assert item.strip()


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["paragraph", "heading", "list_item"]), texts), max_size=8))
def test_find_attendance_never_crashes(blocks) -> None:
    b = DocumentBuilder("x.txt", "text")
    for kind, text in blocks:
        b.add(kind, text)
    doc = b.build()
    for block in _safe(find_attendance, doc) or []:
        assert block is not None


@SETTINGS
@given(texts)
def test_split_owners_names_from_text(text: str) -> None:
    owners = _safe(split_owners, text)
    assert owners is None or all(isinstance(o, str) and o for o in owners)
