"""The batch accounting (run_batch(profile=True), `tag --profile`): every figure comes from the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.archive.archive import Archive
from pipeline.scale.batch import run_batch
from pipeline.scale.profile import WRITER_PARTS, Profile
from pipeline.scale.results import DocResult, Status, Task

FAST = ["extract", "structure"]
MINUTES = """Minutes of the Garden Committee, {day} March 2025

Present: Ana Lima (Chair), Bo Chen, Cy Diaz

1. Budget
The committee agreed the budget for {topic}.

2. Actions
Bo Chen to order the seeds by 20 March 2025.
"""


def _docs(root: Path, n: int) -> Path:
    root.mkdir()
    for i in range(n):
        (root / f"m{i}.txt").write_text(MINUTES.format(day=i + 1, topic=f"plot {i}"), encoding="utf-8")
    return root


@pytest.mark.parametrize("workers", [1, 2])
def test_profile_accounts_for_the_parent_the_workers_and_the_writer(tmp_path, workers):
    docs = _docs(tmp_path / "docs", 4)
    with Archive.open(tmp_path / "a.db") as archive:
        report = run_batch([docs], archive=archive, stages=FAST, vectors=False, workers=workers, profile=True)
    p = report.profile
    assert isinstance(p, Profile) and report.counts[Status.SUCCESS] == 4
    assert p.documents == 4 and p.written == 4 and p.workers == workers
    assert p.wall == report.elapsed and p.compute > 0 and p.writer > 0 and p.discovery >= 0 and p.hashing > 0
    assert 1 <= len(p.loads) <= workers and all(v > 0 for v in p.loads.values())
    # the writer's statement groups add up to (nearly all of) the time the parent spent writing
    assert set(p.writer_parts) <= set(WRITER_PARTS) and {"documents", "meetings", "sections", "commit"} <= set(p.writer_parts)
    assert sum(p.writer_parts.values()) <= p.writer
    assert 0 < p.parent_share < 1 and 0 < p.utilisation() <= 1.0 + 1e-6
    d = p.as_dict()
    assert d["written"] == 4 and d["workers"] == workers
    text = "\n".join(p.lines())
    assert "parent busy" in text and "writer per document (ms)" in text and "model loading" in text


def test_a_rerun_that_skips_everything_computes_nothing(tmp_path):
    docs = _docs(tmp_path / "docs", 2)
    with Archive.open(tmp_path / "a.db") as archive:
        run_batch([docs], archive=archive, stages=FAST, vectors=False)
        again = run_batch([docs], archive=archive, stages=FAST, vectors=False, profile=True)
    assert again.counts[Status.SKIPPED] == 2
    assert again.profile.documents == 0 and again.profile.written == 0 and again.profile.loads == {}
    assert again.profile.writer_parts == {}


def test_received_splits_the_wait_and_the_way_back():
    p = Profile()
    t = Task("a.txt", "h1")
    p.handed_out(t)
    r = DocResult("a.txt", "h1", Status.SUCCESS, seconds=2.0, t_start=t.queued + 1.5, t_end=t.queued + 3.5,
                  worker="host:1", load_seconds=4.0)
    p.received(r)
    assert p.documents == 1 and p.compute == 2.0 and p.wait == pytest.approx(1.5) and p.loads == {"host:1": 4.0}
    p.received(DocResult("b.txt", "h2", Status.SKIPPED))  # made by the parent: no worker time
    assert p.documents == 1
