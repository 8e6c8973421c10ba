"""The batch runner (pipeline/batch.py): discovery, statuses, skip-by-hash, workers, limits, resume."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipeline import PIPELINE_VERSION
from pipeline.archive.types import content_hash
from pipeline.core.errors import InputNotFound
from pipeline.core.stage import State, stage
from pipeline.scale.batch import run_batch
from pipeline.scale.discover import discover
from pipeline.scale.results import Limits, Status
from pipeline.scale.tagger import batch_version
from pipeline.themes.vectors import vector_texts

FAST = ["extract", "structure"]  # no model: keeps most tests well under a second


# ---- plugin stages (this module is imported in the workers too: plugins=[__name__]) ----------------

@stage("boom", requires=("meeting",))
def _boom(state: State) -> None:
    if "boom" in state.path.name:
        raise RuntimeError("kaboom")


@stage("garble", requires=("meeting",))
def _garble(state: State) -> None:
    if "garbled" in state.path.name:
        state.meeting.quality.undecodable_glyphs = 500
        state.meeting.quality.undecodable_ratio = 0.4


@stage("sleepy", requires=("meeting",))
def _sleepy(state: State) -> None:
    if "slow" in state.path.name:
        time.sleep(30)


@stage("stuck", requires=("meeting",))
def _stuck(state: State) -> None:
    """Like a reader stuck in C code: SIGALRM cannot interrupt it."""
    if "stuck" in state.path.name:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        try:
            time.sleep(30)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})


@stage("crash", requires=("meeting",))
def _crash(state: State) -> None:
    if "crash" in state.path.name:
        os._exit(3)  # a segfault or the OOM killer, as far as the parent can tell


# ---- a stand-in archive with the store's semantics (seen = stored SUCCESS/PARTIAL) ----------------

class _Row:
    def __init__(self, doc):
        self.content_hash, self.pipeline_version, self.status = doc.content_hash, doc.pipeline_version, doc.status
        self.error = doc.error


class FakeArchive:
    def __init__(self):
        self.docs: dict[str, object] = {}
        self.writes = 0

    def seen(self, content_hash: str, pipeline_version: str) -> bool:
        d = self.docs.get(content_hash)
        return d is not None and d.pipeline_version == pipeline_version and d.status in ("SUCCESS", "PARTIAL")

    def documents(self, *, status: str | None = None):
        return [_Row(d) for d in self.docs.values() if status is None or d.status == status]

    def write(self, doc) -> int:
        assert doc.status in ("SUCCESS", "PARTIAL", "FAILED")
        self.writes += 1
        self.docs[doc.content_hash] = doc
        return len(self.docs)

    def by_name(self) -> dict[str, object]:
        return {Path(d.path).name: d for d in self.docs.values()}


MINUTES = """\
Parish Council Meeting
Minutes of the meeting held on 3 June 2024

Present: Cllr Ann Smith (Chair), Cllr Bob Jones, Cllr Carol White
Apologies: Cllr Dan Green

1. Finance
The clerk presented the accounts for {topic}. It was resolved to approve them.
Action: Bob Jones to circulate the budget by 30 June 2024.

2. Playground
The council discussed repairs to the swings in the {topic} area.
Action: Carol White to obtain three quotes.

3. Date of next meeting
The next meeting will be held on 1 July 2024.
"""

MARKDOWN = """\
# Working Group Call {n}

**Date:** 11 February 2025

## Attendees
- Alice Brown
- Ben Carter

## Discussion
The group reviewed the draft specification for {topic} and agreed to publish it.

## Actions
- [ ] Alice Brown to update the {topic} issue tracker
"""


def _write_folder(root: Path) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "council.txt": MINUTES.format(topic="the first quarter"),
        "council-2.txt": MINUTES.format(topic="the second quarter"),
        "call.md": MARKDOWN.format(n=1, topic="thing descriptions"),
        "notes": MARKDOWN.format(n=2, topic="discovery"),  # Markdown saved without an extension
    }
    out = {}
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
        out[name] = root / name
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (root / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not really a pdf\n")
    for name in ("empty.txt", "binary.txt", "corrupt.pdf"):
        out[name] = root / name
    return out


# ---- discovery ------------------------------------------------------------------------------------

def test_discover_walks_folders_and_skips_hidden_and_non_documents(tmp_path):
    _write_folder(tmp_path / "a")
    sub = tmp_path / "a" / "2024" / "june"
    sub.mkdir(parents=True)
    (sub / "deep.md").write_text(MARKDOWN.format(n=3, topic="x"), encoding="utf-8")
    (tmp_path / "a" / ".hidden.txt").write_text(MINUTES.format(topic="x"), encoding="utf-8")
    (tmp_path / "a" / ".git").mkdir()
    (tmp_path / "a" / ".git" / "HEAD.txt").write_text("ref: refs/heads/main\n")
    (tmp_path / "a" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (tmp_path / "a" / "script.py").write_text("print('hi')\n")
    (tmp_path / "a" / "blob").write_bytes(bytes(range(256)))  # extensionless binary
    (tmp_path / "a" / "~$council.docx").write_bytes(b"lock")

    found = discover([tmp_path / "a"])
    names = [p.relative_to((tmp_path / "a").resolve()).as_posix() for p in found]
    assert set(names) == {"2024/june/deep.md", "binary.txt", "call.md", "corrupt.pdf", "council-2.txt",
                          "council.txt", "empty.txt", "notes"}
    assert found == sorted(found, key=str)
    assert all(p.is_absolute() for p in found)


def test_discover_globs_dedupes_and_explicit_files(tmp_path):
    files = _write_folder(tmp_path)
    found = discover([str(tmp_path / "*.txt"), tmp_path / "council.txt", tmp_path, str(tmp_path / "**" / "*.md")])
    assert len(found) == len(set(found)) == len(files)
    assert discover([str(tmp_path / "council*.txt")]) == [files["council-2.txt"].resolve(), files["council.txt"].resolve()]
    assert discover([files["notes"]]) == [files["notes"].resolve()]


def test_discover_missing_path_is_an_error(tmp_path):
    with pytest.raises(InputNotFound):
        discover([tmp_path / "nope"])
    with pytest.raises(InputNotFound):
        discover([str(tmp_path / "*.nothing")])


def test_content_hash_streams_sha256(tmp_path):
    p = tmp_path / "big.bin"
    data = os.urandom(3 * (1 << 20) + 17)
    p.write_bytes(data)
    assert content_hash(p, chunk=4096) == hashlib.sha256(data).hexdigest()


def test_batch_version_marks_partial_stage_runs():
    assert batch_version(None) == PIPELINE_VERSION
    assert batch_version(FAST) == f"{PIPELINE_VERSION}+extract,structure"


# ---- statuses, skip, force ------------------------------------------------------------------------

def test_batch_statuses_failures_rerun_and_force(tmp_path):
    _write_folder(tmp_path / "docs")
    archive = FakeArchive()
    seen_progress = []
    report = run_batch([tmp_path / "docs"], archive=archive, stages=FAST, vectors=False,
                       progress=lambda r, done, total: seen_progress.append((r.status, done, total)))
    by = archive.by_name()
    assert {n: d.status for n, d in by.items()} == {
        "council.txt": "SUCCESS", "council-2.txt": "SUCCESS", "call.md": "SUCCESS", "notes": "SUCCESS",
        "empty.txt": "FAILED", "binary.txt": "FAILED", "corrupt.pdf": "FAILED"}
    assert "[MB004]" in by["empty.txt"].error
    assert "[MB002]" in by["binary.txt"].error
    assert "[MB006]" in by["corrupt.pdf"].error or "[MB002]" in by["corrupt.pdf"].error
    assert by["notes"].format == "markdown" and by["notes"].meeting.title
    assert len(by["council.txt"].meeting.section_tree) >= 3 and by["council.txt"].error is None
    assert by["council.txt"].section_texts and by["council.txt"].text
    assert report.counts[Status.SUCCESS] == 4 and report.counts[Status.FAILED] == 3
    assert sorted(Path(p).name for p, _ in report.failures) == ["binary.txt", "corrupt.pdf", "empty.txt"]
    assert all(err for _, err in report.failures)
    assert [d for _, d, _ in seen_progress] == list(range(1, 8)) and seen_progress[-1][2] == 7
    assert report.total == 7 and report.done == 7 and not report.interrupted and report.exit_code == 0
    assert "4 tagged" in report.summary()

    again = run_batch([tmp_path / "docs"], archive=archive, stages=FAST, vectors=False)
    assert again.counts[Status.SKIPPED] == 7 and again.processed == 0
    assert archive.writes == 7

    retry = run_batch([tmp_path / "docs"], archive=archive, stages=FAST, vectors=False, retry_failed=True)
    assert retry.counts[Status.SKIPPED] == 4 and retry.counts[Status.FAILED] == 3

    forced = run_batch([tmp_path / "docs"], archive=archive, stages=FAST, vectors=False, force=True)
    assert forced.counts[Status.SUCCESS] == 4 and forced.counts[Status.FAILED] == 3
    assert len(archive.docs) == 7  # re-tagged in place, one record per content

    # a different stage list is a different version: nothing is skipped
    other = run_batch([tmp_path / "docs" / "council.txt"], archive=archive, stages=FAST + ["garble"], vectors=False,
                      plugins=[__name__])
    assert other.counts[Status.SUCCESS] == 1


def test_duplicate_content_is_skipped_once(tmp_path):
    files = _write_folder(tmp_path)
    (tmp_path / "copy-of-council.txt").write_bytes(files["council.txt"].read_bytes())
    archive = FakeArchive()
    report = run_batch([files["council.txt"], tmp_path / "copy-of-council.txt"], archive=archive, stages=FAST,
                       vectors=False)
    assert report.counts[Status.SUCCESS] == 1 and report.counts[Status.SKIPPED] == 1
    assert len(archive.docs) == 1


def test_partial_for_stage_error_and_poor_text(tmp_path):
    files = _write_folder(tmp_path)
    (tmp_path / "boom.txt").write_text(MINUTES.format(topic="boom"), encoding="utf-8")
    (tmp_path / "garbled.txt").write_text(MINUTES.format(topic="garbled"), encoding="utf-8")
    archive = FakeArchive()
    report = run_batch([tmp_path / "boom.txt", tmp_path / "garbled.txt", files["council.txt"]], archive=archive,
                       stages=FAST + ["boom", "garble"], vectors=False, plugins=[__name__])
    by = archive.by_name()
    assert by["boom.txt"].status == "PARTIAL" and "RuntimeError: kaboom" in by["boom.txt"].error
    assert by["boom.txt"].meeting is not None and by["boom.txt"].meeting.title
    assert by["garbled.txt"].status == "PARTIAL" and "could not be decoded" in by["garbled.txt"].error
    assert by["council.txt"].status == "SUCCESS"
    assert report.counts[Status.PARTIAL] == 2 and len(report.partial) == 2


def test_time_limit_in_process(tmp_path):
    files = _write_folder(tmp_path)
    (tmp_path / "slow.txt").write_text(MINUTES.format(topic="slow"), encoding="utf-8")
    archive = FakeArchive()
    before = signal.getsignal(signal.SIGALRM)
    t0 = time.monotonic()
    run_batch([tmp_path / "slow.txt", files["council.txt"]], archive=archive, stages=FAST + ["sleepy"],
              vectors=False, plugins=[__name__], limits=Limits(seconds=0.5))
    assert time.monotonic() - t0 < 10
    by = archive.by_name()
    assert by["slow.txt"].status == "FAILED" and "took longer than 0.5 s" in by["slow.txt"].error
    assert by["council.txt"].status == "SUCCESS"
    assert signal.getsignal(signal.SIGALRM) == before


# ---- workers --------------------------------------------------------------------------------------

def _records(archive: FakeArchive) -> dict[str, tuple]:
    return {n: (d.status, d.error, d.meeting.model_dump_json() if d.meeting else None)
            for n, d in archive.by_name().items()}


def test_two_workers_give_the_same_records(tmp_path):
    _write_folder(tmp_path)
    one, two = FakeArchive(), FakeArchive()
    r1 = run_batch([tmp_path], archive=one, stages=FAST, vectors=False, workers=1)
    r2 = run_batch([tmp_path], archive=two, stages=FAST, vectors=False, workers=2)
    assert r2.workers == 2
    assert _records(one) == _records(two)
    assert r1.counts == r2.counts


def test_workers_survive_timeouts_stuck_workers_and_crashes(tmp_path):
    files = _write_folder(tmp_path)
    for name in ("slow.txt", "stuck.txt", "crash.txt"):
        (tmp_path / name).write_text(MINUTES.format(topic=name), encoding="utf-8")
    archive = FakeArchive()
    t0 = time.monotonic()
    report = run_batch([tmp_path], archive=archive, stages=FAST + ["sleepy", "stuck", "crash"], vectors=False,
                       workers=2, plugins=[__name__], limits=Limits(seconds=1.0, grace=1.0))
    assert time.monotonic() - t0 < 60
    by = archive.by_name()
    assert by["slow.txt"].status == "FAILED" and "took longer than 1 s" in by["slow.txt"].error
    assert by["stuck.txt"].status == "FAILED" and "took longer than 1 s" in by["stuck.txt"].error
    assert by["crash.txt"].status == "FAILED" and "worker process died" in by["crash.txt"].error
    for name in ("council.txt", "council-2.txt", "call.md", "notes"):
        assert by[name].status == "SUCCESS", (name, by[name].error)
    assert report.total == len(files) + 3 == len(archive.docs)


# ---- with the real archive and models -------------------------------------------------------------

@pytest.mark.slow
def test_real_archive_with_models_and_vectors(tmp_path):
    from pipeline.archive.archive import Archive

    _write_folder(tmp_path / "docs")
    db = tmp_path / "archive.db"
    report = run_batch([tmp_path / "docs"], db=db, stages=["extract", "structure", "detect"], workers=1)
    assert report.counts[Status.SUCCESS] == 4 and report.counts[Status.FAILED] == 3
    with Archive.open(db) as archive:
        counts = archive.counts()
        assert counts.success == 4 and counts.failed == 3
        assert counts.embeddings == counts.sections > 0
        failed = archive.documents(status="FAILED")
        assert {Path(d.path).name for d in failed} == {"empty.txt", "binary.txt", "corrupt.pdf"}
        assert all(d.error for d in failed)
    again = run_batch([tmp_path / "docs"], db=db, stages=["extract", "structure", "detect"])
    assert again.counts[Status.SKIPPED] == 7


def test_vector_texts_follow_the_section_tree(tmp_path):
    from pipeline.stages import build_pipeline

    p = tmp_path / "council.txt"
    p.write_text(MINUTES.format(topic="x"), encoding="utf-8")
    state = build_pipeline([*FAST, "sections"]).run(State(path=p))
    texts = vector_texts(state.meeting, state.document, state.sections)
    assert len(texts) == len(state.meeting.section_tree) > 0
    assert all(t.startswith(h.heading) for t, h in zip(texts, state.meeting.section_tree))


# ---- kill -9 and Ctrl-C, in a real process ---------------------------------------------------------

_RUNNER = textwrap.dedent("""
    import sys, time
    from pipeline.scale.batch import run_batch
    from pipeline.core.stage import stage

    @stage("pace", requires=("meeting",))
    def pace(state):
        time.sleep(0.05)

    if __name__ == "__main__":
        report = run_batch([sys.argv[1]], db=sys.argv[2], workers=1, stages=["extract", "structure", "pace"],
                           vectors=False)
        print(report.summary())
        sys.exit(report.exit_code)
""")


def _many_docs(root: Path, n: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"m{i:03d}.txt").write_text(MINUTES.format(topic=f"item {i}"), encoding="utf-8")


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def _start(script: Path, docs: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(script), str(docs), str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for(db: Path, n: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while _stored(db) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, "no documents committed"
        time.sleep(0.02)


def _check_db(db: Path, expected: int) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT path, count(*) FROM documents GROUP BY path").fetchall()
        assert len(rows) == expected and all(c == 1 for _, c in rows)
        assert conn.execute("SELECT count(DISTINCT content_hash) FROM documents").fetchone()[0] == expected
        assert conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == expected


@pytest.mark.slow
def test_kill_9_then_resume_loses_and_duplicates_nothing(tmp_path):
    docs, db, script = tmp_path / "docs", tmp_path / "archive.db", tmp_path / "runner.py"
    _many_docs(docs, 40)
    script.write_text(_RUNNER)
    for kill_after in (3, 15):
        proc = _start(script, docs, db)
        _wait_for(db, kill_after, proc)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        assert proc.returncode == -signal.SIGKILL
        assert kill_after <= _stored(db) < 40
    proc = _start(script, docs, db)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "skipped" in out
    _check_db(db, 40)


@pytest.mark.slow
def test_ctrl_c_saves_what_finished_and_exits_130(tmp_path):
    docs, db, script = tmp_path / "docs", tmp_path / "archive.db", tmp_path / "runner.py"
    _many_docs(docs, 40)
    script.write_text(_RUNNER)
    proc = _start(script, docs, db)
    _wait_for(db, 3, proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "run the same command again" in err
    stored = _stored(db)
    assert 3 <= stored < 40
    proc = _start(script, docs, db)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    _check_db(db, 40)


# ---- awkward folders: links, pipes, devices, loops, size-bounded hashing (issue 19) ----------------

def _awkward_folder(root: Path) -> Path:
    d = root / "awkward"
    d.mkdir()
    (d / "council.txt").write_text(MINUTES.format(topic="the awkward folder"), encoding="utf-8")
    (d / "good-link.txt").symlink_to(d / "council.txt")  # resolves to a regular file: followed
    (d / "a.md").symlink_to("b.md")  # a loop
    (d / "b.md").symlink_to("a.md")
    (d / "gone.md").symlink_to("nowhere.md")  # broken
    os.mkfifo(d / "pipe.md")  # reading it would block forever
    (d / "zero.md").symlink_to("/dev/zero")  # hashing it would never end
    (d / "photo.png").symlink_to("a.md")  # not a document name: left alone silently
    return d


def test_discover_takes_regular_files_and_reports_the_rest(tmp_path):
    d = _awkward_folder(tmp_path)
    left_out: list[tuple[str, str]] = []
    found = discover([d], skipped=left_out)
    assert found == [(d / "council.txt").resolve()]  # the good link resolves to it (one file)
    reasons = {Path(p).name: why for p, why in left_out}
    assert set(reasons) == {"a.md", "b.md", "gone.md", "pipe.md", "zero.md"}
    assert "loop" in reasons["a.md"] and "loop" in reasons["b.md"]
    assert "broken" in reasons["gone.md"]
    assert "named pipe" in reasons["pipe.md"] and "device" in reasons["zero.md"]
    # named explicitly, a loop or a pipe is reported too (not "no such file", not a hang)
    left_out.clear()
    assert discover([d / "a.md", d / "pipe.md"], skipped=left_out) == []
    assert [Path(p).name for p, _ in left_out] == ["a.md", "pipe.md"]


def test_batch_goes_on_past_loops_pipes_and_devices(tmp_path):
    d = _awkward_folder(tmp_path)
    archive = FakeArchive()
    report = run_batch([d], archive=archive, stages=FAST, vectors=False)
    assert report.counts[Status.SUCCESS] == 1 and report.total == 1 and not report.failures
    assert sorted(Path(p).name for p, _ in report.left_out) == ["a.md", "b.md", "gone.md", "pipe.md", "zero.md"]
    assert "5 left out" in report.summary()


def test_hashing_is_bounded_by_the_size_limit(tmp_path, monkeypatch):
    from pipeline.scale import batch

    big = tmp_path / "big.txt"
    big.write_text(MINUTES.format(topic="x") * 50, encoding="utf-8")  # ~25 kB
    small = tmp_path / "small.txt"
    small.write_text(MINUTES.format(topic="y"), encoding="utf-8")
    assert batch.file_digest(small, 10_000) == (content_hash(small), None)
    reads: list[int] = []
    real_open = open

    class Counting:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def fileno(self):
            return self.fh.fileno()

        def seek(self, n):
            return self.fh.seek(n)

        def read(self, n=-1):
            assert n >= 0, "never read a file whole"
            data = self.fh.read(n)
            reads.append(len(data))
            return data

    monkeypatch.setattr(batch, "open", lambda p, mode="r": Counting(real_open(p, mode)), raising=False)
    digest, err = batch.file_digest(big, 10_000)
    assert err is not None and err.code == "MB009" and "limit" in err.message
    assert sum(reads) <= 10_001 and digest != content_hash(big)
    assert batch.file_digest(big, 10_000)[0] == digest  # stable: a rerun skips it as failed before
    monkeypatch.undo()

    archive = FakeArchive()
    report = run_batch([tmp_path], archive=archive, stages=FAST, vectors=False, limits=Limits(max_bytes=10_000))
    by = archive.by_name()
    assert by["big.txt"].status == "FAILED" and "[MB009]" in by["big.txt"].error
    assert by["small.txt"].status == "SUCCESS" and report.counts[Status.FAILED] == 1


# ---- write failures stop the run; nothing is blamed on the documents (issue 19) -------------------

def _four_minutes(root: Path) -> Path:
    root.mkdir()
    for i in range(4):
        (root / f"m{i}.txt").write_text(MINUTES.format(topic=f"meeting {i}"), encoding="utf-8")
    return root


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"),
                                     sqlite3.OperationalError("database or disk is full")])
def test_a_full_disk_stops_the_run_and_a_plain_rerun_finishes(tmp_path, monkeypatch, failure):
    from typer.testing import CliRunner

    from pipeline.archive.archive import Archive
    from pipeline.archive.sqlite import SQLiteBackend
    from pipeline.cli import app
    from pipeline.core.errors import WriteFailed

    docs = _four_minutes(tmp_path / "docs")
    db = tmp_path / "t.db"
    real = SQLiteBackend.next_ids
    calls = [0]

    def full_on_the_third(self, table, n):  # the write of each document draws its documents.id first
        calls[0] += table == "documents"
        if table == "documents" and calls[0] == 3:
            raise failure
        return real(self, table, n)

    monkeypatch.setattr(SQLiteBackend, "next_ids", full_on_the_third)
    with pytest.raises(WriteFailed) as e:
        run_batch([docs], db=db, stages=FAST, vectors=False)
    assert e.value.code == "MB023" and str(db) in e.value.one_line() and "full" in e.value.one_line()
    with Archive.open(db, readonly=True) as a:
        # the first two, unless they were in the failed write's batch; nothing stored as FAILED
        stored = sorted(d.status for d in a.documents())
        assert stored in (["SUCCESS", "SUCCESS"], ["SUCCESS"], [])

    calls[0] = 2  # the CLI: exit 2, one line naming the archive
    r = CliRunner().invoke(app, ["tag", str(docs), "--db", str(db), "--quiet"])
    assert r.exit_code == 2, r.output
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1 and "[MB023]" in err and str(db) in err and "Traceback" not in err

    monkeypatch.undo()  # space again: a plain rerun does the rest
    with Archive.open(db, readonly=True) as a:
        before = len(a.documents())
    again = run_batch([docs], db=db, stages=FAST, vectors=False)
    assert again.counts[Status.SUCCESS] == 4 - before and again.counts[Status.SKIPPED] == before
    assert not again.failures
    with Archive.open(db, readonly=True) as a:
        assert sorted(d.status for d in a.documents()) == ["SUCCESS"] * 4


def test_an_archive_that_raises_oserror_stops_the_run(tmp_path):
    from pipeline.core.errors import WriteFailed

    class FullArchive(FakeArchive):
        def write(self, doc) -> int:
            raise OSError(errno.EROFS, "Read-only file system")

    with pytest.raises(WriteFailed, match="read-only"):
        run_batch([_four_minutes(tmp_path / "docs")], archive=FullArchive(), stages=FAST, vectors=False)


def test_failures_that_were_the_archives_are_retried_by_a_plain_rerun(tmp_path):
    docs = _four_minutes(tmp_path / "docs")
    archive = FakeArchive()
    run_batch([docs], archive=archive, stages=FAST, vectors=False)
    victim = archive.by_name()["m1.txt"]
    victim.status, victim.error = "FAILED", "t.db: could not write to the archive (database or disk is full) [MB013]; ..."
    again = run_batch([docs], archive=archive, stages=FAST, vectors=False)
    assert again.counts[Status.SUCCESS] == 1 and again.counts[Status.SKIPPED] == 3
    assert archive.by_name()["m1.txt"].status == "SUCCESS"


def test_identical_bad_files_are_each_listed_as_failed(tmp_path):
    d = tmp_path / "junk"
    d.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (d / name).write_bytes(b"\x00" * 10_000)
    for name in ("x1.txt", "x2.txt"):
        (d / name).write_bytes(b"x" * 100_000)
    (d / "good.txt").write_text(MINUTES.format(topic="good"), encoding="utf-8")
    (d / "good-copy.txt").write_text(MINUTES.format(topic="good"), encoding="utf-8")
    for workers in (1, 2):
        archive = FakeArchive()
        report = run_batch([d], archive=archive, stages=FAST, vectors=False, workers=workers)
        failed = dict((Path(p).name, e) for p, e in report.failures)
        assert sorted(failed) == ["a.txt", "b.txt", "c.txt", "x1.txt", "x2.txt"], report.failures
        assert "NUL bytes" in failed["b.txt"] and "same content as" in failed["b.txt"] and "b.txt" in failed["b.txt"]
        assert "no words" in failed["x2.txt"]
        assert report.counts[Status.SUCCESS] == 1 and report.counts[Status.SKIPPED] == 1  # the good copy
        assert report.done == report.total == 7
        assert len(archive.docs) == 3  # one record per content


# ---- the archive follows the folder (issue 19) -----------------------------------------------------

def _paths(db: Path | str) -> dict[str, str]:
    from pipeline.archive.archive import Archive

    with Archive.open(db, readonly=True) as a:
        return {d.content_hash: d.path for d in a.documents()}


def _record_files(db: Path | str) -> dict[str, set[str]]:
    """Every ``file`` the stored meeting records name (their own and every provenance's), by document path."""
    import json

    from pipeline.archive.archive import Archive

    def files(x) -> set[str]:
        if isinstance(x, dict):
            return {v for k, v in x.items() if k == "file"} | {f for v in x.values() for f in files(v)}
        return {f for v in x for f in files(v)} if isinstance(x, list) else set()

    with Archive.open(db, readonly=True) as a:
        return {d.path: files(json.loads(a.meeting(d.meeting_id).model_dump_json()))
                for d in a.documents() if d.meeting_id is not None}


def test_moved_files_overwritten_files_and_gone_files(tmp_path, archive_target):
    docs = _four_minutes(tmp_path / "docs")
    db = archive_target  # a SQLite file, or a PostgreSQL archive when $MINUTEBOOK_TEST_PG is set
    run_batch([docs], db=db, stages=FAST, vectors=False)
    before = _paths(db)
    assert len(before) == 4

    # copied to docs2, tagged there, then docs deleted: the records follow the files
    import shutil

    shutil.copytree(docs, tmp_path / "docs2")
    copied = run_batch([tmp_path / "docs2"], db=db, stages=FAST, vectors=False)
    assert copied.counts[Status.SKIPPED] == 4 and not copied.moved  # the originals are still there
    shutil.rmtree(docs)
    moved = run_batch([tmp_path / "docs2"], db=db, stages=FAST, vectors=False)
    assert len(moved.moved) == 4 and "4 moved" in moved.summary()
    after = _paths(db)
    assert sorted(after) == sorted(before)
    assert all(Path(p).parent == (tmp_path / "docs2").resolve() for p in after.values())
    records = _record_files(db)  # the stored records (file, provenance) follow the documents' rows
    assert sorted(records) == sorted(after.values()) and all(files == {p} for p, files in records.items()), records

    # m0 overwritten with m1's bytes: m0's old content is no longer anywhere, its record goes
    d2 = tmp_path / "docs2"
    old_m0 = content_hash(d2 / "m0.txt")
    (d2 / "m0.txt").write_bytes((d2 / "m1.txt").read_bytes())
    over = run_batch([d2], db=db, stages=FAST, vectors=False)
    assert over.dropped == [str((d2 / "m0.txt").resolve())]
    assert old_m0 not in _paths(db) and len(_paths(db)) == 3

    # m1 and m0 (same bytes) deleted, m2 changed: m2 re-tagged, the gone file is reported, then pruned
    (d2 / "m0.txt").unlink()
    (d2 / "m1.txt").unlink()
    (d2 / "m2.txt").write_text(MINUTES.format(topic="a new agenda"), encoding="utf-8")
    changed = run_batch([d2], db=db, stages=FAST, vectors=False)
    assert changed.counts[Status.SUCCESS] == 1 and changed.gone == [str((d2 / "m1.txt").resolve())]
    assert "--prune" in changed.summary() and len(_paths(db)) == 3
    pruned = run_batch([d2], db=db, stages=FAST, vectors=False, prune=True)
    assert pruned.pruned and pruned.gone == changed.gone
    assert sorted(Path(p).name for p in _paths(db).values()) == ["m2.txt", "m3.txt"]
    assert run_batch([d2], db=db, stages=FAST, vectors=False).gone == []


def test_prune_touches_only_the_folders_being_tagged(tmp_path, archive_target):
    db = archive_target
    a, b = _four_minutes(tmp_path / "a"), _four_minutes(tmp_path / "b")
    (b / "m0.txt").write_text(MINUTES.format(topic="only in b"), encoding="utf-8")  # its own content
    run_batch([a, b], db=db, stages=FAST, vectors=False)
    assert len(_paths(db)) == 5  # b's m1-m3 are copies of a's: one record per content
    (a / "m2.txt").unlink()
    (b / "m0.txt").unlink()
    report = run_batch([a], db=db, stages=FAST, vectors=False, prune=True)
    assert report.gone == [str((a / "m2.txt").resolve())]  # b's gone file is not this run's business
    assert str((b / "m0.txt").resolve()) in _paths(db).values()
    by_glob = run_batch([str(tmp_path / "b" / "*.txt")], db=db, stages=FAST, vectors=False, prune=True)
    assert by_glob.gone == [str((b / "m0.txt").resolve())]
    assert by_glob.counts[Status.SUCCESS] == 1  # b/m2: its content's record went with a/m2, tagged again
    assert sorted(Path(p).relative_to(tmp_path.resolve()).as_posix() for p in _paths(db).values()) == \
        ["a/m0.txt", "a/m1.txt", "a/m3.txt", "b/m2.txt"]


def test_scope_of_files_folders_and_patterns(tmp_path):
    from pipeline.scale.follow import Scope

    (tmp_path / "docs").mkdir()
    root = tmp_path.resolve()
    scope = Scope([tmp_path / "docs", tmp_path / "one.md", str(tmp_path / "pdfs" / "**" / "*.pdf")])
    assert str(root / "docs" / "sub" / "m.txt") in scope and str(root / "one.md") in scope
    assert str(root / "pdfs" / "2024" / "x.pdf") in scope and str(root / "pdfs" / "x.txt") not in scope
    assert str(root / "docs2" / "m.txt") not in scope and str(root / "one.md.bak") not in scope


def test_results_are_written_in_batches_and_a_rejected_record_fails_alone(tmp_path, monkeypatch):
    """The writer commits several results in one ``write_many``; a record the archive rejects sends that batch
    through one document at a time, so only that document is FAILED (issue 18)."""
    from pipeline.archive.archive import Archive
    from pipeline.core.errors import ArchiveError
    from pipeline.scale import batch

    docs = _four_minutes(tmp_path / "docs")
    monkeypatch.setattr(batch, "WRITE_WAIT", 3600.0)  # nothing is committed before the run ends
    sizes: list[int] = []
    real_many, real_one = Archive.write_many, Archive._write_one

    def spy(self, results):
        results = list(results)
        sizes.append(len(results))
        return real_many(self, results)

    def reject_m2(self, r, b):
        if r.path.endswith("m2.txt") and r.status == "SUCCESS":
            raise ArchiveError(r.path, "a record the archive cannot store")
        return real_one(self, r, b)

    monkeypatch.setattr(Archive, "write_many", spy)
    monkeypatch.setattr(Archive, "_write_one", reject_m2)
    report = run_batch([docs], db=tmp_path / "t.db", stages=FAST, vectors=False)
    assert sizes[0] == 4 and sizes[1:] == [1, 1, 1, 1, 1]  # the batch, then each alone (m2 twice: FAILED)
    assert report.counts[Status.SUCCESS] == 3 and report.counts[Status.FAILED] == 1
    with Archive.open(tmp_path / "t.db", readonly=True) as a:
        assert sorted((Path(d.path).name, d.status) for d in a.documents()) == [
            ("m0.txt", "SUCCESS"), ("m1.txt", "SUCCESS"), ("m2.txt", "FAILED"), ("m3.txt", "SUCCESS")]
