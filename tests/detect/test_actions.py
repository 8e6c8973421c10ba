"""Action items: each source of actions on small documents, owners kept as written, abstention."""

from __future__ import annotations

import pytest

from pipeline.core.document import DocumentBuilder
from pipeline.detect.detect import detect
from pipeline.detect.nlp import shared_spacy
from pipeline.detect.owners import is_owner_phrase, split_owners
from pipeline.structure.build import build_meeting
from pipeline.structure.structure import structure


def run(build, fmt="markdown"):
    b = DocumentBuilder("t.md", fmt)
    build(b)
    doc = b.build()
    st = structure(doc)
    m = build_meeting(doc, st)
    detect(doc, st, m, nlp=shared_spacy())
    return m, doc


def header(b, date="Committee minutes, Tuesday 4 March 2025"):
    b.add("heading", date, level=1)
    b.add("paragraph", "Present: Jane Smith (JS), Tom Brown, Laura Crane, Laura Cream, Mike Stephens (MS)")
    b.add("paragraph", "In attendance: Mrs K Temple (Clerk)")


def test_split_owners_keeps_names_as_written():
    assert split_owners("Graham, Sarah and team") == ["Graham", "Sarah", "team"]
    assert split_owners("All – Lizzie/Nicc to send") == ["All", "Lizzie", "Nicc"]
    assert split_owners("N/A") == []
    assert is_owner_phrase("Laura Cream and Marc")
    assert not is_owner_phrase("Laura Cream and Marc to continue conversations about influencing within UCL")


pytestmark = pytest.mark.slow  # everything below loads the spaCy model


@pytest.mark.parametrize("order", [("Action", "Owner", "Due"), ("Owner", "Action", "Due"), ("Due", "Who", "Task")])
def test_action_table_in_any_column_order(order):
    rows = {"Action": "Write to the council about parking", "Task": "Write to the council about parking",
            "Owner": "JS", "Who": "JS", "Due": "31 March 2025"}

    def f(b):
        header(b)
        b.add("heading", "Actions", level=2)
        t = b.new_table()
        b.add_row(t, list(order), header=True)
        b.add_row(t, [rows[c] for c in order])
    m, doc = run(f)
    (a,) = m.actions
    assert a.owner == ["JS"] and a.owner_resolved == ["Jane Smith"]
    assert a.task == "Write to the council about parking"
    assert a.due == "2025-03-31" and a.explicit
    assert doc.text[a.provenance.start:a.provenance.end] == a.task


def test_misaligned_table_header_uses_the_column_of_names():
    def f(b):
        header(b)
        t = b.new_table()
        b.add_row(t, ["Next Steps:", "Owner:", "Due date:"])
        b.add_row(t, ["Tom Brown", "Research the statistics", "4th April 2025"])
        b.add_row(t, ["Laura Crane", "Start the data component", "4th April 2025"])
    m, _ = run(f)
    assert [(a.owner, a.task, a.due) for a in m.actions] == [
        (["Tom Brown"], "Research the statistics", "2025-04-04"),
        (["Laura Crane"], "Start the data component", "2025-04-04")]


def test_markers_with_initials_handles_and_status():
    def f(b):
        header(b)
        b.add("heading", "Events", level=2)
        b.add("list_item", "ACTION MS: Book the hall for the quiz", level=0)
        b.add("list_item", "Action carried forwards", level=1)
        b.add("paragraph", "ACTION(laura): circulate the draft by next meeting.")
        b.add("paragraph", "ACTION: Clerk to write to County Highways requesting a speed survey.")
        b.add("list_item", "[x] @tom to send the budget", level=0)
    m, _ = run(f)
    got = [(a.owner, a.task, a.status) for a in m.actions]
    assert (["MS"], "Book the hall for the quiz", "carried forward") in got
    assert (["laura"], "circulate the draft by next meeting.", None) in got
    assert (["Clerk"], "write to County Highways requesting a speed survey.", None) in got
    assert (["tom"], "send the budget", "complete") in got
    assert all(a.explicit for a in m.actions)
    clerk = next(a for a in m.actions if a.owner == ["Clerk"])
    assert clerk.owner_resolved == ["Mrs K Temple"]


def test_actions_section_items():
    def f(b):
        header(b)
        b.add("heading", "Action items", level=2)
        b.add("list_item", "Tom Brown: update the website", level=0)
        b.add("list_item", "Laura Cream to draft the newsletter by 14 March 2025", level=0)
        b.add("list_item", "Renew the insurance", level=0)
    m, _ = run(f)
    assert [(a.owner, a.due) for a in m.actions] == [(["Tom Brown"], None), (["Laura Cream"], "2025-03-14"),
                                                      ([], None)]
    assert any(w.code == "action_no_owner" for w in m.warnings)


def test_prose_actions_are_implicit_and_abstain_on_unknown_owners():
    def f(b):
        header(b)
        b.add("heading", "Finance", level=2)
        b.add("paragraph", "MS reported a balance of £2,300. Tom Brown agreed to look into cheaper banking. "
                           "The Clerk will write to the landlord about the lease. "
                           "A report will be forwarded to Highways for their attention. "
                           "The Consumers will reject the scheme if they do not support it. "
                           "The next meeting will be held on 1 April 2025.")
    m, _ = run(f)
    got = {(tuple(a.owner), a.task) for a in m.actions}
    assert (("Tom Brown",), "look into cheaper banking") in got
    assert (("The Clerk",), "write to the landlord about the lease") in got
    assert ((), "forward a report to Highways for their attention") in got
    assert all(not a.explicit for a in m.actions)
    assert not any("Consumers" in " ".join(a.owner) or "reject" in a.task for a in m.actions)  # unknown: abstain
    assert not any("meeting" in a.task for a in m.actions)  # a date, not a task


def test_similar_names_are_never_merged():
    def f(b):
        header(b)
        b.add("paragraph", "Laura Cream will contact the funder. Laura will also chase the printer.")
    m, _ = run(f)
    owners = {a.owner[0]: a.owner_resolved for a in m.actions if a.owner}
    assert owners["Laura Cream"] == ["Laura Cream"]
    assert owners.get("Laura", []) == []  # 'Laura' could be Crane or Cream: not resolved


def test_speaker_not_in_attendance_is_a_warning():
    def f(b):
        header(b)
        b.add("paragraph", "Rob said that the grant would end in September.")
    m, _ = run(f)
    assert any(w.code == "person_not_in_attendance" and "Rob" in w.message for w in m.warnings)
