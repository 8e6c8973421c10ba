"""The real minutes in ../shared/corpus: every file reads, and the gold documents score above floors.

The files are not redistributable, so these tests skip (saying why) where ../shared is absent.
"""

from __future__ import annotations

import pytest
from helpers import SHARED, SHARED_GOLD, SHARED_REAL

from pipeline.api import analyse
from pipeline.evaluate import evaluate

pytestmark = pytest.mark.shared

REAL_FILES = sorted(SHARED_REAL.iterdir()) if SHARED_REAL.is_dir() else []


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_real_file_reads(path, shared_corpus):
    m = analyse(path)
    assert m.title
    assert m.meeting_date
    assert m.sections


def test_gold_scores(shared_corpus):
    report = evaluate(SHARED_GOLD, [SHARED_REAL, SHARED])
    errors = [d for d in report["documents"] if "error" in d]
    assert not errors, errors
    assert report["meeting_date_accuracy"] == 1.0, [d for d in report["documents"] if not d["date_ok"]]
    f = report["fields"]
    assert f["sections"]["recall"] >= 0.9
    assert f["sections"]["precision"] >= 0.85
    for d in report["documents"]:
        tp, fp, fn = d["sections"]
        assert tp >= 0.6 * (tp + fn), d
