"""Meeting-date families: a date broken over the title's lines, dates only in the metadata, amounts
that look like years."""

from pipeline.core.document import DocumentBuilder
from pipeline.structure.build import build_meeting
from pipeline.structure.structure import structure


def _meeting(build, fmt="markdown", metadata=None):
    b = DocumentBuilder("t", fmt)
    build(b)
    doc = b.build()
    doc.metadata.update(metadata or {})
    return build_meeting(doc, structure(doc))


def test_date_broken_over_title_lines_beats_earlier_meeting_in_body():
    def f(b):
        b.add("paragraph", "REGULAR MEETING OF THE TOWN BOARD OF GREENVALE, March", bold=True)
        b.add("paragraph", "9, 2023")
        b.add("paragraph", "Present: Mayor Hill, Trustee Ode")
        b.add("list_item", "1) Minutes", bold=True)
        b.add("paragraph", "Motion that the minutes of the 02/23/23 meeting be approved.")
    m = _meeting(f, "pdf")
    assert m.meeting_date == "2023-03-09"


def test_metadata_title_date_when_the_text_has_no_title_line():
    def f(b):
        b.add("heading", "Attendance", level=2)
        b.add("paragraph", "Present: Ann Lee (AL), Bob Stone (BS)")
        b.add("heading", "Library", level=2)
        b.add("paragraph", "Volunteers will start helping from week beginning 6th March.")
        b.add("paragraph", "Closing balance: £2031.40")
    m = _meeting(f, metadata={"title": "Minutes of the parents' meeting held 22 February 2023"})
    assert m.meeting_date == "2023-02-22"
    assert any("metadata" in w.message for w in m.warnings)


def test_front_matter_date_beats_a_later_body_date_but_not_the_title():
    def body_only(b):
        b.add("heading", "Attendees", level=2)
        b.add("list_item", "Vincent")
        b.add("heading", "Handbook", level=2)
        b.add("list_item", "Vote on the handbook to be done online this Friday, 7th June 2024.")
    assert _meeting(body_only, metadata={"date": "03/06/2024 18:00"}).meeting_date == "2024-06-03"

    def titled(b):
        b.add("paragraph", "MINUTES OF THE PARISH MEETING HELD ON THURSDAY 1 JUNE 2017")
        b.add("paragraph", "Present: Cllr A Bee, Cllr C Dee")
    assert _meeting(titled, metadata={"date": "2017-07-12"}).meeting_date == "2017-06-01"


def test_a_weekday_that_does_not_fit_the_date_is_kept_and_flagged():
    def f(b):
        b.add("heading", "Committee Meeting", level=1)
        b.add("paragraph", "Date: Tuesday 4 April, 2016 Time: 2pm Location: Reading Room")
        b.add("heading", "Apologies", level=2)
        b.add("paragraph", "George")
    m = _meeting(f)
    assert m.meeting_date == "2016-04-04"  # as written: the day or the weekday may be the slip
    assert any("was a Monday" in w.message and "check the date" in w.message for w in m.warnings)

    def g(b):
        b.add("heading", "Committee Meeting", level=1)
        b.add("paragraph", "Date: Monday 4 April, 2016")
    assert not any("check the date" in w.message for w in _meeting(g).warnings)
