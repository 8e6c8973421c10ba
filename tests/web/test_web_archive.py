"""The Archive methods added for the web pages (document, meeting_document, theme_labels, formats,
action_board, person_index, person, change_marker, search's doc_format filter). Every test runs on
SQLite and on PostgreSQL (``archive_target`` in tests/conftest.py; PostgreSQL needs
$MINUTEBOOK_TEST_PG, see tests/pgtest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.archive.archive import Archive
from pipeline.archive.types import TaggedDocument
from pipeline.core.record import Action, AttendanceEntry, Meeting, Person, Provenance


def prov(i: int) -> Provenance:
    return Provenance(file="x", start=i, end=i + 5, text="x" * 5)


def meeting(date: str, actions: list[Action], people: list[Person] | None = None,
            attendance: list[AttendanceEntry] | None = None) -> Meeting:
    return Meeting(file=f"{date}.txt", format="text", title=f"Board {date}", meeting_date=date, actions=actions,
                   people=people or [], attendance=attendance or [])


@pytest.fixture
def archive(archive_target, tmp_path: Path):
    a = Archive.open(archive_target)
    acts = [Action(owner=["Ann Lee"], task=f"dated task {i}", due=f"2024-0{1 + i % 5}-1{i % 9}", provenance=prov(i))
            for i in range(7)]
    acts += [Action(owner=["Bob Stone"], task=f"undated job {i}", provenance=prov(100 + i)) for i in range(5)]
    acts.append(Action(owner=["Bob Stone"], task="finished thing", status="done", provenance=prov(200)))
    people = [Person(name="Ann Lee", aliases=["Annie"], roles=["chair"]), Person(name="Bob Stone")]
    att = [AttendanceEntry(name="Ann Lee", role="chair", provenance=prov(300)),
           AttendanceEntry(name="Bob Stone", role="present", provenance=prov(310))]
    a.write(TaggedDocument(path=str(tmp_path / "one.txt"), content_hash="1" * 64, format="text",
                           meeting=meeting("2024-01-05", acts, people, att)))
    a.write(TaggedDocument(path=str(tmp_path / "two.pdf"), content_hash="2" * 64, format="pdf",
                           meeting=meeting("2024-06-05", [], [Person(name="Annie")],
                                           [AttendanceEntry(name="Annie", role="apologies", provenance=prov(1))])))
    yield a
    a.close()


def test_action_board_pages_dated_then_undated_without_gaps(archive):
    seen = []
    for page in range(5):
        b = archive.action_board(state="open", today="2024-03-01", limit=3, offset=page * 3)
        seen += [r.task for r in b.rows]
    assert len(seen) == len(set(seen)) == 12
    assert all(t.startswith("dated") for t in seen[:7]) and all(t.startswith("undated") for t in seen[7:])
    dues = [r.due_date for r in archive.action_board(state="open", today="2024-03-01", limit=20).rows if r.due_date]
    assert dues == sorted(dues)
    b = archive.action_board(state="overdue", today="2024-03-01")
    assert b.rows and all(r.due_date < "2024-03-01" for r in b.rows)
    assert b.counts == {"all": 13, "open": 12, "overdue": len(b.rows), "done": 1}
    assert [r.task for r in archive.action_board(state="done").rows] == ["finished thing"]
    bob = archive.action_board(owner="Bob Stone", state="all")
    assert bob.counts["all"] == 6 and all("Bob Stone" in r.owner for r in bob.rows)
    assert archive.action_board(owner="Nobody Here").counts["all"] == 0
    with pytest.raises(ValueError):
        archive.action_board(state="later")


def test_person_merges_by_alias_and_lists_meetings(archive):
    rec = archive.person("Ann Lee")
    assert rec.person.name == "Ann Lee" and rec.person.meetings == 2
    assert rec.person.present == 1 and rec.person.apologies == 1 and "chair" in rec.person.roles
    assert [m.meeting_date for m in rec.meetings] == ["2024-06-05", "2024-01-05"]
    assert archive.person("annie").person.name == "Ann Lee"  # an alias for one full name finds that person
    assert archive.person("Zed Nobody") is None and archive.person("") is None
    same = next(p for p in archive.people() if p.name == "Ann Lee")
    assert (same.meetings, same.present, same.apologies) == (rec.person.meetings, rec.person.present, rec.person.apologies)


def test_person_index_and_facet_lists(archive):
    names = [p.name for p in archive.person_index()]
    assert names[:1] == ["Ann Lee"] or "Ann Lee" in names
    assert [p.name for p in archive.person_index("ston")] == ["Bob Stone"]
    assert archive.person_index("%") == [] and archive.person_index("_") == []
    assert dict(archive.formats()) == {"text": 1, "pdf": 1}
    assert archive.theme_labels() == []


def test_documents_by_id_and_search_by_type(archive):
    docs = {Path(d.path).name: d for d in archive.documents()}
    one = docs["one.txt"]
    assert archive.document(one.id).path == one.path
    assert archive.meeting_document(one.meeting_id).id == one.id
    assert archive.document(9999) is None and archive.meeting_document(9999) is None
    assert {h.meeting_id for h in archive.search("", doc_format="pdf")} == {docs["two.pdf"].meeting_id}
    assert archive.search("undated", doc_format="pdf") == []
    assert archive.search("undated", doc_format="text")


def test_change_marker_moves_on_every_write(archive, tmp_path):
    before = archive.change_marker()
    assert archive.change_marker() == before
    archive.write(TaggedDocument(path=str(tmp_path / "one.txt"), content_hash="3" * 64, format="text",
                                 meeting=meeting("2024-02-01", [])))  # the same file, new content: replaced
    assert archive.change_marker() != before


def test_change_marker_sees_writes_of_other_connections(archive, archive_target, tmp_path):
    """The web's readers are separate read-only connections: a write by another one must show."""
    with Archive.open(archive_target, readonly=True) as reader:
        before = reader.change_marker()
        assert reader.change_marker() == before
        archive.write(TaggedDocument(path=str(tmp_path / "four.txt"), content_hash="4" * 64, format="text",
                                     meeting=meeting("2024-03-01", [])))
        after = reader.change_marker()
        assert after != before
        assert {h.meeting_date for h in reader.search("", since="2024-03-01", until="2024-03-01")} == {"2024-03-01"}
        assert reader.change_marker() == after


def test_theme_labels_and_type_filter_with_a_theme(archive, tmp_path):
    from pipeline.core.record import SectionThemes, ThemeLabel

    for name, fmt, labels in (("five.html", "html", ["events", "finance"]), ("six.docx", "docx", ["finance"])):
        m = meeting("2024-07-0" + str(len(fmt)), [])
        m.theme_detail = [SectionThemes(section=m.title, section_index=0,
                                        labels=[ThemeLabel(label=x, score=0.5) for x in labels])]
        archive.write(TaggedDocument(path=str(tmp_path / name), content_hash=fmt[0] * 64, format=fmt, meeting=m,
                                     text=m.title))
    assert archive.theme_labels() == [("finance", 2), ("events", 1)]
    assert dict(archive.formats()) == {"text": 1, "pdf": 1, "html": 1, "docx": 1}
    docs = {Path(d.path).name: d.meeting_id for d in archive.documents()}
    assert {h.meeting_id for h in archive.search("", theme="finance")} == {docs["five.html"], docs["six.docx"]}
    assert {h.meeting_id for h in archive.search("", theme="finance", doc_format="docx")} == {docs["six.docx"]}
    assert archive.search("", theme="events", doc_format="docx") == []


def test_meeting_list_and_every_meeting_of_a_file_has_its_document(archive, tmp_path):
    """A file holding two meetings: both are listed, and each finds the file (its own row: the
    second meeting's page used to be a 404)."""
    from pipeline.archive.types import TaggedMeeting

    first = meeting("2024-09-01", [])
    second = meeting("2024-10-01", []).model_copy(update={"meeting_index": 1, "title": "Board, October"})
    archive.write(TaggedDocument(path=str(tmp_path / "both.txt"), content_hash="3" * 64, format="text",
                                 meeting=first, more_meetings=[TaggedMeeting(meeting=second)]))
    rows = [r for r in archive.meeting_list() if Path(r.path).name == "both.txt"]
    assert [(r.meeting_index, r.title, r.meeting_date) for r in rows] == [
        (0, "Board 2024-09-01", "2024-09-01"), (1, "Board, October", "2024-10-01")]
    assert len(archive.meeting_list()) == 4
    for r in rows:
        doc = archive.meeting_document(r.meeting_id)
        assert doc is not None and Path(doc.path).name == "both.txt" and doc.meeting_id == r.meeting_id
        assert doc.title == r.title
    assert archive.has_person("Ann Lee") and archive.has_person("annie") and not archive.has_person("All")
    keys = archive.person_page_keys()
    from pipeline.core.names import name_key

    for name in ("Ann Lee", "annie", "Bob Stone", "All", "Nobody Here", "Ann"):
        assert (name_key(name) in keys) == archive.has_person(name), name
