"""The ``drafts`` table (migration 0005): the web application's drafts kept in the archive, on
SQLite and PostgreSQL, and an archive from before it gains the table with its meetings intact."""

from __future__ import annotations

import time

import pytest

from pipeline.archive.archive import Archive
from pipeline.archive.schema import MIGRATIONS
from pipeline.archive.types import DraftRecord, TaggedDocument
from pipeline.core.errors import ArchiveError
from pipeline.core.record import Action, Meeting, Provenance

P = Provenance(file="upload.txt", start=0, end=5)


def test_drafts_are_stored_replaced_listed_and_forgotten(archive_target, tmp_path):
    machine = Meeting(file="upload.txt", format="text", title="Board",
                      actions=[Action(owner=["Ann"], task="pay the invoice", provenance=P)])
    corrected = machine.model_copy(update={"actions": [Action(owner=["Cara Diaz"], task="pay the invoice", provenance=P)]})
    t0 = time.time()
    with Archive.open(archive_target) as a:
        a.save_draft(DraftRecord(id="a" * 24, filename="board.txt", uploaded_at=t0, stored_path=str(tmp_path / "x")))
        a.save_draft(DraftRecord(id="b" * 24, filename="other & <odd>.pdf", uploaded_at=t0 + 1, state="failed",
                                 error="not minutes"))
        assert [d.id for d in a.drafts()] == ["a" * 24, "b" * 24]
        assert a.drafts(corrected_only=True) == []
        a.save_draft(DraftRecord(id="a" * 24, filename="board.txt", uploaded_at=t0, state="edited",
                                 machine_json=machine.model_dump_json(), corrected_json=corrected.model_dump_json(),
                                 seconds=0.5, meeting_index=1))
        with pytest.raises(ArchiveError, match="unknown draft state"):
            a.save_draft(DraftRecord(id="c" * 24, filename="x.txt", uploaded_at=t0, state="lost"))
    with Archive.open(archive_target, readonly=True) as a:  # another connection: it was committed
        (d,) = a.drafts(corrected_only=True)
        assert d.state == "edited" and d.meeting_index == 1 and d.seconds == 0.5 and d.stored_path is None
        assert abs(d.uploaded_at - t0) < 1e-3  # a double on both backends, not a 4-byte real
        assert Meeting.model_validate_json(d.corrected_json).actions[0].owner == ["Cara Diaz"]
        assert Meeting.model_validate_json(d.machine_json).actions[0].owner == ["Ann"]
        assert a.drafts()[1].filename == "other & <odd>.pdf"
    with Archive.open(archive_target) as a:
        a.forget_draft("b" * 24)
        assert [d.id for d in a.drafts()] == ["a" * 24]


def test_a_draft_outlives_its_meeting_row(archive_target, tmp_path):
    """A re-tag replaces the meeting's rows: the draft (the clerk's corrections) stays, unlinked."""
    m = Meeting(file=str(tmp_path / "m.txt"), format="text", title="Board", meeting_date="2024-01-02")
    with Archive.open(archive_target) as a:
        doc = a.write(TaggedDocument(path=m.file, content_hash="1" * 64, format="text", meeting=m))
        mid = a.document(doc).meeting_id
        a.save_draft(DraftRecord(id="d" * 24, filename="m.txt", uploaded_at=1.0, state="archived", meeting_id=mid,
                                 corrected_json=m.model_dump_json()))
        a.forget([doc])
        (d,) = a.drafts()
        assert d.meeting_id is None and d.state == "archived" and d.corrected_json


def test_an_archive_from_before_0005_gains_the_drafts_table(archive_target, tmp_path):
    class Old(Archive):
        MIGRATIONS = MIGRATIONS[:4]

    m = Meeting(file=str(tmp_path / "m.txt"), format="text", title="Board", meeting_date="2024-01-02")
    with Old.open(archive_target) as a:  # (today's writer needs the later columns: nothing is written here)
        assert "0005_drafts" not in a.applied_migrations()
    with pytest.raises(ArchiveError, match="needs migrating"):
        Archive.open(archive_target, readonly=True)
    with Archive.open(archive_target) as a:
        assert a.applied_migrations()[-2:] == ["0005_drafts", "0006_series_and_state"]
        a.write(TaggedDocument(path=m.file, content_hash="1" * 64, format="text", meeting=m))
        assert [x.title for x in a.meeting_list()] == ["Board"] and a.drafts() == []
        a.save_draft(DraftRecord(id="e" * 24, filename="m.txt", uploaded_at=2.0))
        assert len(a.drafts()) == 1
