"""Golden tests on the project's own corpus (corpus/).

Two kinds:
- expected annotations (corpus/expected/*.json), hand-written: the pipeline must get the meeting
  date exactly and reach floors on sections and attendance. These are never written by code.
- snapshots (tests/golden/*.json) of the structure stage's output, so that any change in what we
  extract shows up in review. They are rewritten only with MINUTEBOOK_REGEN_GOLDEN=1, and CI
  refuses to run with that flag set, so a snapshot can never be regenerated silently.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import CORPUS, REGEN, REPO

from pipeline.api import analyse
from pipeline.evaluate import greedy_match, headings_match, names_match

EXPECTED = sorted((CORPUS / "expected").glob("*.json"))
GOLDEN = REPO / "tests" / "golden"


def source_of(expected: Path) -> Path:
    name = json.loads(expected.read_text())["file"]
    for folder in (CORPUS / "seed", CORPUS / "samples"):
        if (folder / name).exists():
            return folder / name
    raise AssertionError(f"{expected.name} names {name}, which is not in corpus/seed or corpus/samples")


def recall(gold: list[str], pred: list[str], same) -> float:
    return len(greedy_match(gold, pred, same)) / len(gold) if gold else 1.0


def precision(gold: list[str], pred: list[str], same) -> float:
    return len(greedy_match(gold, pred, same)) / len(pred) if pred else 1.0


def test_corpus_has_expected_files():
    names = {p.name for p in EXPECTED}
    assert {"seed-minutes.txt.json", "seed-minutes.pdf.json", "seed-minutes.docx.json"} <= names
    assert len(EXPECTED) >= 7


def test_regeneration_is_never_on_in_ci():
    assert not (REGEN and os.environ.get("CI")), "MINUTEBOOK_REGEN_GOLDEN must not be set in CI"


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name[:-5])
def test_expected_annotation(expected: Path):
    gold = json.loads(expected.read_text())
    m = analyse(source_of(expected)).model_dump()
    assert m["meeting_date"] == gold["meeting_date"]
    assert recall(gold["sections"], m["sections"], headings_match) >= 0.9, m["sections"]
    assert precision(gold["sections"], m["sections"], headings_match) >= 0.75, m["sections"]
    ga, pa = gold["attendees"], m["attendees"]
    assert recall(ga["present"], pa["present"], names_match) >= 0.9, pa["present"]
    assert precision(ga["present"], pa["present"], names_match) >= 0.9, pa["present"]
    assert recall(ga["apologies"], pa["apologies"], names_match) >= 0.6, pa["apologies"]
    title_words = set(gold["title"].lower().split())
    got_words = set((m["title"] or "").lower().split())
    assert len(title_words & got_words) >= 0.6 * len(title_words), m["title"]


def snapshot(m) -> dict:
    return {
        "title": m.title,
        "meeting_date": m.meeting_date,
        "attendees": m.attendees.model_dump(),
        "sections": [[s.heading, s.level, s.number, s.parent] for s in m.section_tree],
        "tables": [[t.header] + t.rows for t in m.tables],
        "actions": [[a.owner, a.task, a.due, a.explicit] for a in m.actions],
        "decisions": [[d.kind, d.text, d.mover, d.seconder, d.result] for d in m.decisions],
        "next_meeting": m.next_meeting,
        "warnings": [w.code for w in m.warnings],
    }


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name[:-5])
def test_snapshot(expected: Path):
    src = source_of(expected)
    got = snapshot(analyse(src))
    path = GOLDEN / f"{src.name}.json"
    if REGEN:
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    got = json.loads(json.dumps(got))  # tuples and lists compare alike
    assert path.exists(), f"no snapshot {path.name}: run MINUTEBOOK_REGEN_GOLDEN=1 pytest tests/test_golden.py and review it"
    assert got == json.loads(path.read_text(encoding="utf-8"))
