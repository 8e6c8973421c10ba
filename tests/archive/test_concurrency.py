"""Several processes on one archive: two `tag` runs at once, and `search` while `tag` writes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.archive.types import content_hash
from pipeline.scale.discover import discover

pytestmark = pytest.mark.slow

STAGES = "extract,structure,detect"

TAG = textwrap.dedent("""
    import sys
    from pipeline.scale.batch import run_batch
    r = run_batch([sys.argv[2]], db=sys.argv[1], stages=sys.argv[3].split(","), vectors=False)
    print(r.summary())
    sys.exit(r.exit_code)
""")

SEARCH = textwrap.dedent("""
    import json, sys, time
    from pipeline.archive.archive import Archive
    db, n = sys.argv[1], int(sys.argv[2])
    deadline = time.monotonic() + 30
    while True:  # start once the tagger has stored its first document: the queries then overlap the writes
        try:
            with Archive.open(db, readonly=True) as a:
                if a.backend.conn.execute("SELECT count(*) FROM documents").fetchone()[0]:
                    break
        except Exception:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.02)
    answered, errors, seen = 0, [], set()
    for i in range(n):
        try:
            with Archive.open(db, readonly=True) as a:
                a.search(["budget", "library", "action", "approved roof"][i % 4], limit=5)
                seen.add(a.backend.conn.execute("SELECT count(*) FROM documents").fetchone()[0])
            answered += 1
        except Exception as e:
            errors.append(f"{type(e).__name__}: {e}")
        time.sleep(0.01)
    print(json.dumps({"answered": answered, "errors": errors[:3], "counts": sorted(seen)}))
""")

NAMES = ["Alice Brown", "Bob Singh", "Carol Davies", "Dan Okafor", "Eve Martin", "Frank Li"]


def _minutes(folder: Path, n: int = 24) -> set[str]:
    folder.mkdir()
    for i in range(n):
        who = ", ".join(NAMES[j % 6] for j in range(i, i + 3))
        body = (f"Parish Council Minutes\n\nDate: {1 + i % 27} March 2024\n\nPresent: {who}\n\n"
                f"1. Budget {i}\n\nThe council reviewed the library budget item {i} and approved the roof repair.\n\n"
                f"Action: {NAMES[i % 6]} to circulate the quote by 30 April 2024.\n\n"
                f"2. Any other business\n\nNone. Meeting closed at 9pm.\n")
        (folder / f"minutes_{i:02d}.txt").write_text(body)
    return {content_hash(f) for f in discover([folder])}


def _check_rows(rows: list, expected: set[str]) -> None:
    """(path, content_hash, status) rows: each path and content once, exactly the expected contents, all stored."""
    paths = [r[0] for r in rows]
    hashes = [r[1] for r in rows]
    assert len(paths) == len(set(paths)), "a path stored twice"
    assert len(hashes) == len(set(hashes)), "a content stored twice"
    assert set(hashes) == expected, "documents lost or extra"
    assert {r[2] for r in rows} <= {"SUCCESS", "PARTIAL"}


def _check(db: Path, expected: set[str]) -> None:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT path, content_hash, status FROM documents").fetchall()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    _check_rows(rows, expected)


def _script(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_two_tag_runs_on_one_archive(tmp_path: Path) -> None:
    expected = _minutes(tmp_path / "minutes")
    db = tmp_path / "archive.db"
    tag = _script(tmp_path, "tag.py", TAG)
    procs = [subprocess.Popen([sys.executable, str(tag), str(db), str(tmp_path / "minutes"), STAGES],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-2000:]
    _check(db, expected)


def test_search_while_tag_writes(tmp_path: Path) -> None:
    expected = _minutes(tmp_path / "minutes", n=30)
    db = tmp_path / "archive.db"
    tag = subprocess.Popen([sys.executable, str(_script(tmp_path, "tag.py", TAG)), str(db), str(tmp_path / "minutes"),
                            STAGES], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    search = subprocess.run([sys.executable, str(_script(tmp_path, "search.py", SEARCH)), str(db), "150"],
                            capture_output=True, text=True, timeout=60)
    out, err = tag.communicate(timeout=60)
    assert tag.returncode == 0, err[-2000:]
    assert search.returncode == 0, search.stderr[-2000:]
    res = json.loads(search.stdout.strip().splitlines()[-1])
    assert res["errors"] == [] and res["answered"] == 150
    assert len(res["counts"]) >= 2, f"the queries did not overlap the writes: {res}"
    _check(db, expected)


OPEN = textwrap.dedent("""
    import sys, time
    from pipeline.archive.archive import Archive
    start = float(sys.argv[2])
    while time.time() < start:  # all processes open the new archive at the same instant
        time.sleep(0.001)
    with Archive.open(sys.argv[1]) as a:
        print(len(a.applied_migrations()))
""")


def test_many_processes_create_one_archive_at_once(tmp_path: Path) -> None:
    """Stress test for the race that failed the test above about once in twelve runs: a process opening an
    archive that another is creating got "database is locked" from the journal-mode switch (SQLite can
    answer SQLITE_BUSY there without calling the busy handler). Archive.open now retries that switch.
    (This test did not reproduce the failure on demand; the 25-run loop of the test above is in the note.)"""
    import time

    script = _script(tmp_path, "open.py", OPEN)
    for round_ in range(4):
        db = tmp_path / f"new-{round_}.db"
        start = time.time() + 1.5
        # staggered by a few milliseconds: some open while another is between creating the file and
        # finishing its migrations (the window where the failure was seen)
        procs = [subprocess.Popen([sys.executable, str(script), str(db), str(start + i * 0.004)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(8)]
        outs = [p.communicate(timeout=60) for p in procs]
        for p, (out, err) in zip(procs, outs):
            assert p.returncode == 0, err[-1500:]
        assert len({out.strip() for out, _ in outs}) == 1  # every process sees every migration


# ---------------------------------------------------------------------------------- PostgreSQL

TAG_FILES = textwrap.dedent("""
    import sys
    from pipeline.scale.batch import run_batch
    r = run_batch(sys.argv[3:], db=sys.argv[1], stages=sys.argv[2].split(","), vectors=False)
    print(r.summary())
    sys.exit(r.exit_code)
""")


def _check_pg(url: str, expected: set[str]) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT path, content_hash, status FROM documents").fetchall()
        meetings = conn.execute("SELECT count(*), count(DISTINCT document_id) FROM meetings").fetchone()
        orphans = conn.execute("SELECT count(*) FROM sections s LEFT JOIN meetings m ON m.id = s.meeting_id "
                               "WHERE m.id IS NULL").fetchone()[0]
    _check_rows(rows, expected)
    assert meetings[0] == meetings[1] == len(expected) and orphans == 0


def test_two_tag_runs_with_overlapping_files_on_one_postgres_archive(tmp_path: Path, pg_archive_url: str) -> None:
    expected = _minutes(tmp_path / "minutes", n=24)
    files = sorted(str(p) for p in (tmp_path / "minutes").iterdir())
    tag = _script(tmp_path, "tag_files.py", TAG_FILES)
    runs = [files[:18], files[6:][::-1]]  # 12 files in both, written in opposite orders
    procs = [subprocess.Popen([sys.executable, str(tag), pg_archive_url, STAGES, *part],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for part in runs]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-2000:]
    _check_pg(pg_archive_url, expected)


WRITE = textwrap.dedent("""
    import random, sys
    sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests", sys.argv[1] + "/tests/archive"]
    from test_concurrency import synthetic_docs
    from pipeline.archive.archive import Archive
    url, first, last, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    docs = synthetic_docs()[first:last]
    random.Random(seed).shuffle(docs)
    with Archive.open(url) as a:
        for i in range(0, len(docs), 3):
            a.write_many(docs[i:i + 3])
""")

TASKS = ["Repair the boiler in the village hall", "Renew the insurance policy for the pavilion",
         "Order new chains for the playground swings", "Paint the fence along the cemetery path",
         "Clear the drains on Mill Lane before winter"]


def synthetic_docs() -> list:
    """40 small meetings, one action each; the last ten record earlier tasks done (action linking)."""
    from test_archive import make_meeting, tagged

    out = []
    for i in range(40):
        m, t = make_meeting(f"/synthetic/m{i:02d}.txt", "Parish Council", f"2024-{1 + i // 4:02d}-{1 + i % 4 * 7:02d}",
                            [("Matters arising", f"Item {i}: {TASKS[i % 5]} was discussed.")],
                            actions=[{"owner": ["Clerk"], "task": TASKS[i % 5],
                                      "status": "Complete" if i >= 30 else None}])
        out.append(tagged(m, t, content_hash=f"synthetic-{i:02d}"))
    return out


def test_concurrent_writers_on_postgres_match_one_writer(tmp_path: Path, pg_archive_url: str) -> None:
    """Two processes write overlapping sets (0-29 and 10-39, shuffled, 3 per transaction) at once:
    nothing lost or duplicated, and the actions closed across meetings are the same as when one
    writer stores everything into SQLite."""
    from pipeline.archive.archive import Archive

    repo = str(Path(__file__).resolve().parents[2])
    script = _script(tmp_path, "write.py", WRITE)
    procs = [subprocess.Popen([sys.executable, str(script), repo, pg_archive_url, str(a), str(b), str(seed)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for a, b, seed in ((0, 30, 1), (10, 40, 2))]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
    docs = synthetic_docs()
    _check_pg(pg_archive_url, {d.content_hash for d in docs})
    with Archive.open(tmp_path / "one.db") as one:
        one.write_many(docs)
        want = sorted((r.meeting_date, r.task, r.open, r.closed_on) for r in one.actions())
    with Archive.open(pg_archive_url) as pg:
        got = sorted((r.meeting_date, r.task, r.open, r.closed_on) for r in pg.actions())
        assert pg.counts().actions == 40
    assert got == want
    assert sum(1 for x in want if not x[2] and x[3]) >= 10  # earlier actions closed by the last ten meetings
