"""Unit tests for the structure stage, on documents built directly (no reader involved)."""

from pipeline.core.document import DocumentBuilder
from pipeline.structure.attendance import attendance_role
from pipeline.structure.build import build_meeting
from pipeline.structure.structure import structure


def meeting(build):
    b = DocumentBuilder("t.md", "markdown")
    build(b)
    doc = b.build()
    return build_meeting(doc, structure(doc)), doc


def test_title_heading_and_section_tree():
    def f(b):
        b.add("heading", "Finance Committee minutes, 3 June 2024", level=1)
        b.add("paragraph", "Present: Ann Lee, Bob Stone")
        b.add("heading", "Budget", level=2)
        b.add("paragraph", "Discussed.")
        b.add("heading", "Reserves", level=3)
        b.add("heading", "AOB", level=2)
    m, doc = meeting(f)
    assert m.title == "Finance Committee minutes, 3 June 2024"
    assert m.meeting_date == "2024-06-03"
    assert m.sections == ["Budget", "Reserves", "AOB"]
    assert m.top_sections == ["Budget", "AOB"]
    assert [s.parent for s in m.section_tree] == [None, 0, None]
    budget = m.section_tree[0]
    assert doc.text[budget.body_start:budget.body_end].strip().startswith("Discussed.")
    assert "AOB" not in doc.text[budget.body_start:budget.body_end]


def test_numbered_agenda_items_become_sections():
    def f(b):
        b.add("paragraph", "Parish Council Meeting")
        b.add("paragraph", "Held on Monday 3 June 2024 at 7pm")
        b.add("paragraph", "1. Apologies for absence: Apologies were received from Cllr Smith")
        b.add("paragraph", "2. Finance")
        b.add("paragraph", "2.1 Payments")
        b.add("paragraph", "The clerk presented payments totalling £300.")
    m, _ = meeting(f)
    assert m.title == "Parish Council Meeting Held on Monday 3 June 2024 at 7pm"
    assert m.sections == ["Apologies for absence", "Finance", "Payments"]
    assert [s.number for s in m.section_tree] == ["1", "2", "2.1"]
    assert m.section_tree[2].parent == 1
    assert m.attendees.apologies == ["Cllr Smith"]


def test_meeting_date_ignores_previous_and_next_meetings():
    def f(b):
        b.add("paragraph", "Library Friends")
        b.add("heading", "Minutes of previous meeting of 26th May 2016", level=2)
        b.add("paragraph", "Approved.")
        b.add("paragraph", "Date: 28th July 2016")
        b.add("heading", "Date of next meeting", level=2)
        b.add("paragraph", "27th October 2016")
    m, _ = meeting(f)
    assert m.meeting_date == "2016-07-28"
    assert m.meeting_date_detail.provenance.text == "28th July 2016"


def test_year_typo_corrected_by_next_meeting_and_flagged():
    def f(b):
        b.add("heading", "Task force minutes", level=1)
        b.add("heading", "When", level=2)
        b.add("paragraph", "December 19, 2017")
        b.add("heading", "Next Meeting", level=2)
        b.add("paragraph", "Mon January 9 2017")
    m, _ = meeting(f)
    assert m.meeting_date == "2016-12-19"
    assert any(w.code == "meeting_date_inferred" for w in m.warnings)


def test_date_without_year_is_flagged():
    def f(b):
        b.add("paragraph", "Society Committee Meeting")
        b.add("paragraph", "Monday 13th October")
        b.add("paragraph", "Budget for 2025 agreed.")
    m, _ = meeting(f)
    assert m.meeting_date == "2025-10-13"
    assert m.meeting_date_detail.year_inferred
    assert any("no year" in w.message for w in m.warnings)


def test_attendance_forms():
    def f(b):
        b.add("paragraph", "Board minutes 1 May 2023")
        b.add("paragraph", "Present: Jane Smith (JS) (Chair), Tom Brown (Treasurer), Laura Crane and Laura Cream")
        b.add("paragraph", "Board members in attendance:")
        b.add("list_item", "Priya Shah")
        b.add("paragraph", "Regrets: none")
        b.add("paragraph", "Also present: Sam Ortiz – the society's auditor, who presented the accounts for the year")
        t = b.new_table()
        b.add_row(t, ["Absent", "Kim Park"])
        b.add("paragraph", "This meeting was led by Jane Smith.")
    m, doc = meeting(f)
    a = m.attendees
    assert a.present == ["Jane Smith (JS)", "Tom Brown", "Laura Crane", "Laura Cream", "Priya Shah"]
    assert a.apologies == []
    assert a.guests == ["Sam Ortiz"]
    assert a.absent == ["Kim Park"]
    assert a.chair == "Jane Smith (JS)"
    tom = next(e for e in m.attendance if e.name == "Tom Brown")
    assert tom.note == "Treasurer"
    assert doc.text[tom.provenance.start:tom.provenance.end] == "Tom Brown"


def test_names_broken_across_blocks_are_joined():
    def f(b):
        b.add("paragraph", "Group notes 27 April 2022")
        b.add("paragraph", "Present: Ann Lee, Mandy")
        b.add("paragraph", "Rudczenko, Bob Stone")
        b.add("paragraph", "Apologies: Ian Needle")
    m, _ = meeting(f)
    assert m.attendees.present == ["Ann Lee", "Mandy Rudczenko", "Bob Stone"]
    assert m.attendees.apologies == ["Ian Needle"]


def test_attendance_labels():
    for label, role in [("Present", "present"), ("Attendees:", "present"), ("Those Attending", "present"),
                        ("Apologies for Absence", "apologies"), ("Regrets", "apologies"), ("In attendance", "guests"),
                        ("Also in attendance", "guests"), ("Chair", "chair"), ("Minutes taken by", "minutes"),
                        ("Directors Attending and Participating", "present"), ("Absent", "absent")]:
        assert attendance_role(label) == role, label
    assert attendance_role("Finance") is None
