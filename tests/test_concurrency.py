"""Several processes on one archive: two `tag` runs at once, and `search` while `tag` writes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.batch import content_hash, discover

pytestmark = pytest.mark.slow

STAGES = "extract,structure,detect"

TAG = textwrap.dedent("""
    import sys
    from pipeline.batch import run_batch
    r = run_batch([sys.argv[2]], db=sys.argv[1], stages=sys.argv[3].split(","), vectors=False)
    print(r.summary())
    sys.exit(r.exit_code)
""")

SEARCH = textwrap.dedent("""
    import json, sys, time
    from pipeline.store import Archive
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


def _check(db: Path, expected: set[str]) -> None:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT path, content_hash, status FROM documents").fetchall()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    paths = [r[0] for r in rows]
    hashes = [r[1] for r in rows]
    assert len(paths) == len(set(paths)), "a path stored twice"
    assert len(hashes) == len(set(hashes)), "a content stored twice"
    assert set(hashes) == expected, "documents lost or extra"
    assert {r[2] for r in rows} <= {"SUCCESS", "PARTIAL"}


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
    from pipeline.store import Archive
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
