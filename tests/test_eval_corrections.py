"""Every correction a clerk makes becomes evaluation data: upload -> edit an owner -> save -> the
server restarts on the same archive -> the draft is still there, is added to the archive with the
clerk's owner, and ``minutebook eval --corrections`` counts the corrected owner as a miss of the
machine (the pipeline runs again on the uploaded file kept on the server)."""

from __future__ import annotations

import functools
import json

from helpers import wait_draft
from starlette.testclient import TestClient
from typer.testing import CliRunner

import pipeline.api
from pipeline.archive.archive import Archive
from pipeline.cli import app as cli
from pipeline.core.record import Meeting
from pipeline.evaluate import gold_from_record
from pipeline.web import WebConfig, create_app

BASE = "http://127.0.0.1:8000"
STAGES = ("extract", "structure", "detect")  # model-free: fast
MINUTES = """RIVERSIDE ALLOTMENT SOCIETY

Minutes of the committee meeting held on 12 March 2024

Present: Ann Lee (Chair), Bob Stone, Cara Diaz
Apologies: Dev Patel

1. Finance

The treasurer reported a balance of 1,240 pounds.

2. Water supply

ACTION: Bob Stone to repair the leaking tap by 30 April 2024.

3. Next meeting

The next meeting will be held on 9 April 2024.
"""


def test_a_clerks_correction_survives_a_restart_and_is_a_miss_of_the_machine(archive_target, tmp_path, monkeypatch):
    """On SQLite and PostgreSQL."""
    db = archive_target
    Archive.open(db).close()
    config = WebConfig(db=db, stages=STAGES, upload_dir=tmp_path / "uploads", files_dir=tmp_path / "files")
    with TestClient(create_app(config), base_url=BASE, headers={"origin": BASE}) as c:
        r = c.post("/new", files={"file": ("riverside march.txt", MINUTES.encode(), "text/plain")},
                   follow_redirects=False)
        location = r.headers["location"]
        page = wait_draft(c, location)
        assert 'name="action-0-owner" value="Bob Stone"' in page
        job = c.app.fastapi.state.jobs.get(location.rsplit("/", 1)[1])  # type: ignore[attr-defined]
        action = job.draft.actions[0]
        r = c.post(location, data={"do": "save", "action-0-owner": "Cara Diaz", "action-0-task": action.task,
                                   "action-0-due": action.due_display, "next_meeting": "2024-04-16 19:00, Village Hall"})
        assert r.status_code == 200 and "changes saved" in r.text
        assert 'class="state-edited">edited' in c.get("/new").text
    with Archive.open(db, readonly=True) as a:
        (stored,) = a.drafts()
    assert stored.state == "edited" and stored.filename == "riverside march.txt"
    machine, corrected = Meeting.model_validate_json(stored.machine_json), Meeting.model_validate_json(stored.corrected_json)
    assert machine.actions[0].owner == ["Bob Stone"] and corrected.actions[0].owner == ["Cara Diaz"]
    # only the owner changed: the due read from the minutes stays as it was
    assert (corrected.actions[0].due, corrected.actions[0].due_text) == (machine.actions[0].due, machine.actions[0].due_text)
    assert corrected.next_meeting == ["2024-04-16 19:00, Village Hall"] and machine.next_meeting == ["2024-04-09"]
    assert gold_from_record(corrected)["actions"][0]["owner"] == ["Cara Diaz"]

    # a new server on the same archive: the draft is listed with its file, time and state, the edits kept
    with TestClient(create_app(config), base_url=BASE, headers={"origin": BASE}) as c:
        listed = c.get("/new").text
        assert f'<a href="{location}">riverside march.txt</a>' in listed and 'class="state-edited">edited' in listed
        page = c.get(location).text
        assert 'name="action-0-owner" value="Cara Diaz"' in page and "2024-04-16 19:00, Village Hall" in page
        r = c.post(location, data={"do": "archive"}, follow_redirects=False)  # the file is read again
        assert r.status_code == 303, r.text
        mid = int(r.headers["location"].rsplit("/", 1)[1])
        assert 'class="state-archived"><a href="/meetings/%d">in the archive</a>' % mid in c.get("/new").text
    with Archive.open(db, readonly=True) as a:
        assert a.meeting(mid).actions[0].owner == ["Cara Diaz"]
        (stored,) = a.drafts(corrected_only=True)
        assert stored.state == "archived" and stored.meeting_id == mid

    # the pipeline against the clerk's record: the owner it read is the miss
    monkeypatch.setattr(pipeline.api, "analyse_all", functools.partial(pipeline.api.analyse_all, stages=STAGES))
    r = CliRunner().invoke(cli, ["eval", "--corrections", str(db)])
    assert r.exit_code == 0, r.output
    assert "action owner missed: Cara Diaz (action: repair the leaking tap" in r.output
    assert "action owner not in the corrected record: Bob Stone" in r.output
    assert "drafts corrected by a clerk: 1" in r.output
    r = CliRunner().invoke(cli, ["eval", "--corrections", str(db), "--json"])
    report = json.loads(r.output)
    owners = report["fields"]["action_owners"]
    assert (owners["tp"], owners["fp"], owners["fn"]) == (0, 1, 1)
    due = report["fields"]["action_due"]
    assert (due["tp"], due["fp"], due["fn"]) == (1, 0, 0)
    assert report["fields"]["present"]["f1"] == 1.0 and report["fields"]["actions"]["tp"] == 1
    assert report["meeting_date_accuracy"] == 1.0


def test_eval_corrections_names_a_lost_file_and_a_missing_archive(tmp_path):
    from pipeline.archive.types import DraftRecord

    db = tmp_path / "archive.db"
    m = Meeting(file="x.txt", format="text", title="Board")
    with Archive.open(db) as a:
        a.save_draft(DraftRecord(id="f" * 24, filename="gone.txt", uploaded_at=1.0, state="edited",
                                 stored_path=str(tmp_path / "gone.txt"), corrected_json=m.model_dump_json()))
        a.save_draft(DraftRecord(id="g" * 24, filename="unedited.txt", uploaded_at=2.0, state="ready"))
        a.save_draft(DraftRecord(id="h" * 24, filename="older.txt", uploaded_at=3.0, state="edited", corrected_json="{}"))
    r = CliRunner().invoke(cli, ["eval", "--corrections", str(db)])
    assert r.exit_code == 0, r.output
    assert "gone.txt" in r.output and "no longer on the server" in r.output and "unedited.txt" not in r.output
    assert "older.txt" in r.output and "another minutebook version" in r.output
    r = CliRunner().invoke(cli, ["eval", "--corrections", str(tmp_path / "nothing.db")])
    assert r.exit_code == 2 and "nothing.db" in r.output
