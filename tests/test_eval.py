"""Scores against hand-made annotations, with floors CI enforces.

- corpus/expected (our own minutes): always run.
- ../shared/corpus/gold (real public minutes): run where ../shared is present (CI), skipped otherwise.
"""

from __future__ import annotations

import json

import pytest
from helpers import CORPUS, SHARED, SHARED2_GOLD, SHARED2_REAL, SHARED_GOLD, SHARED_REAL
from typer.testing import CliRunner

from pipeline.api import analyse
from pipeline.cli import app
from pipeline.evaluate import evaluate, names_match, tasks_match

pytestmark = pytest.mark.slow

FLOORS = {"present": 0.95, "apologies": 0.9, "actions": 0.85, "action_owners": 0.85, "action_due": 0.8,
          "sections": 0.9}
SHARED_FLOORS = {"present": 0.95, "apologies": 0.9, "actions": 0.85, "action_owners": 0.85, "action_due": 0.85,
                 "sections": 0.9}


# batch 2 of ../shared/corpus: minutes the rules were not written against (raised as detection improves)
# (scores at the last raise, 2026-12-05: present 1.00, apologies 1.00, actions 0.77, owners 0.80, due 0.69,
# sections 0.96, date 13/14)
BATCH2_FLOORS = {"present": 0.95, "apologies": 0.95, "actions": 0.73, "action_owners": 0.75, "action_due": 0.64,
                 "sections": 0.90}
BATCH2_DATE = 0.90


def check(report: dict, floors: dict, date: float = 1.0) -> None:
    errors = [d for d in report["documents"] if "error" in d]
    assert not errors, errors
    assert report["meeting_date_accuracy"] >= date, [d for d in report["documents"] if not d.get("date_ok")]
    low = {k: report["fields"][k]["f1"] for k, floor in floors.items() if report["fields"][k]["f1"] < floor}
    assert not low, f"below the floor: {low}"


def test_corpus_scores_meet_the_floors():
    report = evaluate(CORPUS / "expected", [CORPUS / "seed", CORPUS / "samples"])
    check(report, FLOORS)


def test_shared_gold_scores_meet_the_floors(shared_corpus):
    report = evaluate(SHARED_GOLD, [SHARED_REAL, SHARED])
    check(report, SHARED_FLOORS)


def test_shared_batch2_scores_meet_the_floors(shared_corpus):
    if not SHARED2_GOLD.is_dir():
        pytest.skip("../shared/corpus/batch2 is not here")
    report = evaluate(SHARED2_GOLD, [SHARED2_REAL])
    check(report, BATCH2_FLOORS, date=BATCH2_DATE)


SEED_TABLE = [
    (["Laura Cream", "Marc"], "continue conversations about influencing within UCL", "May 2022"),
    (["Graham", "Sarah", "team"], "support conversations with UCL Finance colleagues", "May 2022"),
    (["All", "Lizzie", "Nicc"], "contribute to thinking around future structure and role of Allies group", "June 2022"),
    (["Laura Cream", "Graham"], "explore options for securing long term UCL funding", "Ongoing"),
]


@pytest.mark.parametrize("name", ["seed-minutes.txt", "seed-minutes.pdf", "seed-minutes.docx"])
def test_seed_table_actions_in_every_rendition(name):
    m = analyse(CORPUS / "seed" / name)
    explicit = [a for a in m.actions if a.explicit]
    assert len(explicit) == 4, [a.task for a in explicit]
    for (owners, task, due), a in zip(SEED_TABLE, explicit):
        assert a.owner == owners
        assert tasks_match(task, a.task), a.task
        assert a.due == due
    # 'Nicc' is Niccola; 'Laura Cream' is not 'Laura Crane'
    third = explicit[2]
    assert "Niccola Hutchinson-Pascal" in third.owner_resolved
    assert explicit[0].owner_resolved[0] == "Laura Cream"
    assert m.next_meeting == ["2022-07-22 10:00-12:00", "2022-09-22 14:00-16:00"]


def test_eval_cli_json():
    r = CliRunner().invoke(app, ["eval", str(CORPUS / "expected"), str(CORPUS / "seed"), str(CORPUS / "samples"),
                                 "--json"])
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert set(report["fields"]) >= {"present", "apologies", "guests", "chair", "actions", "action_owners",
                                     "action_due", "sections"}


def test_name_matching_forgives_titles_case_and_punctuation():
    assert names_match("Cllr Mrs J Hull", "cllr mrs j. hull")
    assert names_match("Graham", "Graham Hart")
    assert names_match("Dr Andrew Payne (AP)", "AP")
    assert not names_match("Laura Crane", "Laura Cream")
