from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.dates import complete_year, find_dates, locale_day_first


def values(text, **kw):
    return [(d.text, d.value, d.year_inferred) for d in find_dates(text, **kw)]


def test_written_out_dates():
    assert values("Meeting notes: Wednesday 27 April 2022") == [("Wednesday 27 April 2022", date(2022, 4, 27), False)]
    assert values("held on 28th July 2016 at") == [("28th July 2016", date(2016, 7, 28), False)]
    assert values("December 19, 2017 13:00") == [("December 19, 2017", date(2017, 12, 19), False)]
    assert values("Minutes of May 24th 2016") == [("May 24th 2016", date(2016, 5, 24), False)]
    assert values("the 5th of May, 2021") == [("the 5th of May, 2021", date(2021, 5, 5), False)]


def test_iso_and_numeric_dates_use_locale():
    assert values("Meeting 2026-03-04") == [("2026-03-04", date(2026, 3, 4), False)]
    assert values("5/18/2021") == [("5/18/2021", date(2021, 5, 18), False)]  # only one reading is valid
    assert values("03/06/2024", day_first=True)[0][1] == date(2024, 6, 3)
    assert values("03/06/2024", day_first=False)[0][1] == date(2024, 3, 6)


def test_year_completed_from_weekday_and_flagged():
    # 13 October is a Monday in 2025 (and in 2031, 2014): the nearest to the document's years wins
    got = values("Monday 13th October", context_years=[2024, 2025])
    assert got == [("Monday 13th October", date(2025, 10, 13), True)]


def test_year_completed_from_context_without_weekday():
    assert values("Friday 22 July, 10am", context_years=[2022, 2022])[0][1:] == (date(2022, 7, 22), True)
    assert complete_year(7, 22, weekday=None, context_years=[]) is None


def test_no_false_dates():
    assert values("The May fair raised £300 for 12 of 20 stalls") == []
    assert values("version 3.10.2 released") == []


def test_locale_cues():
    assert locale_day_first("Cllr Smith reported £200 spent on the centre, 27 April")
    assert not locale_day_first("The Board met at 4:00pm Pacific Time on April 27; $500 approved")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_find_dates_never_crashes_and_spans_are_exact(text):
    for d in find_dates(text):
        assert text[d.start:d.end] == d.text
        assert d.value is None or isinstance(d.value, date)


def test_amounts_are_not_years():
    from pipeline.core.dates import years_in
    assert years_in("Balance at 1 May 2023: £2031.40; float $1999; ratio 2019.5; in 2024.") == [2023, 2024]
