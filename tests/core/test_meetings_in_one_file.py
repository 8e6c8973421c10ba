"""A file holding several meetings gives one record each, every fact pointing into the file."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pipeline.api import analyse, analyse_all
from pipeline.cli import app
from pipeline.extract import read_document

LOG = """# Project team minutes

## Meeting 1

Date: 3 March 2025

Present: Ana Lima, Bo Chen, Cy Ode

We chose the workout planner as our project.

## Meeting 2

Date: 10 March 2025

Present: Ana Lima, Cy Ode

Apologies: Bo Chen

We reviewed the mock-ups and agreed the colours.

## Meeting 3

Date: 17 March 2025

Present: Ana Lima, Bo Chen

We planned the next sprint.
"""


def test_one_record_per_meeting_with_provenance_into_the_file(tmp_path):
    p = tmp_path / "term.md"
    p.write_text(LOG, encoding="utf-8")
    text = read_document(p).text  # provenance offsets are into the document's plain text
    ms = analyse_all(p, stages=["extract", "structure"])
    assert [m.meeting_date for m in ms] == ["2025-03-03", "2025-03-10", "2025-03-17"]
    assert [(m.meeting_index, m.meetings_in_file) for m in ms] == [(0, 3), (1, 3), (2, 3)]
    assert ms[1].attendees.apologies == ["Bo Chen"] and "Bo Chen" not in ms[1].attendees.present
    for m in ms:
        for e in m.attendance:
            assert text[e.provenance.start:e.provenance.end] == e.provenance.text
        for h in m.section_tree:
            assert text[h.provenance.start:h.provenance.end] == h.heading or h.heading in h.provenance.text
    assert analyse(p, stages=["extract", "structure"]).meeting_date == "2025-03-03"


def test_cli_analyse_prints_a_list_and_summarise_picks_a_meeting(tmp_path):
    p = tmp_path / "term.md"
    p.write_text(LOG, encoding="utf-8")
    r = CliRunner().invoke(app, ["analyse", str(p)])
    assert r.exit_code == 0, r.stderr
    records = json.loads(r.stdout)
    assert isinstance(records, list) and len(records) == 3
    last = CliRunner().invoke(app, ["summarise", str(p), "--quiet"])
    assert last.exit_code == 0 and "17 March 2025" in last.stdout
    first = CliRunner().invoke(app, ["summarise", str(p), "--quiet", "--meeting", "1"])
    assert first.exit_code == 0 and "3 March 2025" in first.stdout and "17 March 2025" not in first.stdout
    bad = CliRunner().invoke(app, ["summarise", str(p), "--quiet", "--meeting", "7"])
    assert bad.exit_code == 2 and "holds 3 meeting(s)" in bad.stderr


def test_tag_stores_each_meeting_and_a_rerun_skips_the_file(tmp_path):
    from pipeline.archive.archive import Archive
    from pipeline.scale.batch import run_batch
    from pipeline.scale.results import Status

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "term.md").write_text(LOG, encoding="utf-8")
    db = tmp_path / "a.db"
    report = run_batch([tmp_path / "docs"], db=db, stages=["extract", "structure"], vectors=False)
    assert report.counts[Status.SUCCESS] == 1
    with Archive.open(db, readonly=True) as a:
        assert (a.counts().documents, a.counts().meetings) == (1, 3)
        hit = a.search("sprint")[0]
        assert hit.meeting_date == "2025-03-17" and a.meeting(hit.meeting_id).meeting_index == 2
    again = run_batch([tmp_path / "docs"], db=db, stages=["extract", "structure"], vectors=False)
    assert again.counts[Status.SKIPPED] == 1
