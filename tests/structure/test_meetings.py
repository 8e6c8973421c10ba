"""Several meetings in one file: where they start, and what is never split (synthetic documents)."""

from __future__ import annotations

from pipeline.core.document import Document, DocumentBuilder
from pipeline.structure.meetings import meeting_starts, split_document


def doc(lines: list[tuple[str, str]], fmt: str = "markdown") -> Document:
    b = DocumentBuilder("m.md", fmt)
    for kind, text in lines:
        level = int(kind[1]) if kind.startswith("h") else None
        b.add("heading" if level else kind, text, level=level)
    return b.build()


TERM = [("h1", "Team meeting minutes"),
        ("h2", "Meeting 1"), ("paragraph", "Date: 3 March 2025"), ("paragraph", "Attendees: Ana, Bo, Cy"),
        ("paragraph", "We chose the project."), ("list_item", "Bo to set up the repository."),
        ("h2", "Meeting 2"), ("paragraph", "Date: 10 March 2025"), ("paragraph", "Attendees: Ana, Cy"),
        ("paragraph", "We reviewed the mock-ups."),
        ("h2", "Meeting 3"), ("paragraph", "Date: 17 March 2025"), ("paragraph", "We planned the sprint.")]


def test_repeated_meeting_headings_each_start_a_meeting():
    parts = split_document(doc(TERM))
    assert [p.document.blocks[0].text for p in parts] == ["Team meeting minutes", "Meeting 2", "Meeting 3"]
    assert [p.block_offset for p in parts] == [0, 6, 10]


def test_parts_are_exact_slices_of_the_file():
    d = doc(TERM)
    for p in split_document(d):
        for b in p.document.blocks:
            assert p.document.text[b.start:b.end] == b.text
            assert d.text[p.char_offset + b.start:p.char_offset + b.end] == b.text


def test_dated_attendance_lines_start_meetings():
    d = doc([("h1", "Weekly notes"),
             ("paragraph", "14/02/2024 Attendees: Ana, Bo. Agenda: kick-off."), ("paragraph", "Bo will book a room."),
             ("paragraph", "21/02/2024 Attendees: Ana, Bo, Cy. Agenda: design."), ("paragraph", "Cy showed sketches."),
             ("paragraph", "28/02/2024 Attendees: Bo, Cy. Agenda: review."), ("paragraph", "All agreed.")])
    assert meeting_starts(d) == [0, 3, 5]  # the title heading opens the first meeting


def test_date_headings_of_a_running_log():
    d = doc([("h1", "Steering group updates for May"), ("h2", "2024-05-07"), ("list_item", "Release planned."),
             ("list_item", "Docs reviewed."), ("h2", "2024-05-14"), ("list_item", "Release out."),
             ("list_item", "Budget approved.")])
    assert meeting_starts(d) == [1, 4]


def test_one_meeting_with_other_dates_is_not_split():
    d = doc([("h1", "Parish council minutes, 3 March 2025"), ("h2", "Apologies"), ("paragraph", "Ann Lee."),
             ("h2", "Approval of the minutes of 3 February 2025"), ("paragraph", "Approved."),
             ("h2", "Finance"), ("paragraph", "Invoices paid on 10 February 2025."),
             ("h2", "Date of next meeting"), ("paragraph", "7 April 2025 at 7pm.")])
    assert meeting_starts(d) == []
    assert len(split_document(d)) == 1


def test_headings_with_the_same_date_are_one_meeting():
    d = doc([("h2", "Session 1 – 3 March 2025"), ("paragraph", "Morning talks."), ("paragraph", "Q&A."),
             ("h2", "Session 2 – 3 March 2025"), ("paragraph", "Afternoon talks."), ("paragraph", "Close.")])
    assert meeting_starts(d) == []


def test_meetings_must_open_the_file():
    """Dated headings deep inside a document (a history section, an events list) are not meetings."""
    lines = [("h1", "Annual report"), ("paragraph", "Intro."), ("paragraph", "More."), ("list_item", "a"),
             ("list_item", "b"), ("h2", "Event 1 – 3 March 2025"), ("paragraph", "Fair."), ("paragraph", "x"),
             ("h2", "Event 2 – 9 May 2025"), ("paragraph", "Walk."), ("paragraph", "y")]
    assert meeting_starts(doc(lines)) == []


def test_a_form_repeated_in_one_table_gives_a_meeting_per_date_row():
    b = DocumentBuilder("log.docx", "docx")
    b.add("heading", "Group 6 meeting minutes", level=1)
    t = b.new_table()
    for day, who, topic in (("2021/08/20", "Dan, Jo", "Slides"), ("2021/08/14", "Jo, Dan", "Video"),
                            ("2021/08/12", "Dan", "Maze")):
        b.add_row(t, ["Date", day])
        b.add_row(t, ["Attendees", who])
        b.add_row(t, [topic, "We agreed the next steps."])
    d = b.build()
    assert meeting_starts(d) == [0, 4, 7]  # the title opens the first meeting
    assert len(split_document(d)) == 3


def test_one_form_with_a_later_date_in_its_rows_is_one_meeting():
    b = DocumentBuilder("one.docx", "docx")
    b.add("heading", "Group 6 meeting minutes", level=1)
    t = b.new_table()
    b.add_row(t, ["Date", "2021/08/20"])
    b.add_row(t, ["Attendees", "Dan, Jo"])
    b.add_row(t, ["Next meeting", "2021/08/27"])
    assert meeting_starts(b.build()) == []
