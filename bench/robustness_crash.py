"""Crash safety and concurrency of `minutebook tag`: kill -9 loops, two taggers at once, search while tagging.

    python bench/robustness_crash.py                     # corpus/ + ../shared/corpus/real, fast stages
    python bench/robustness_crash.py --kills 20 --json   # JSON rows for bench/robustness.py
    python bench/robustness_crash.py --full DIR...       # all stages (with section vectors)

Classes (one row each):
  kill9       --kills x SIGKILL at random points of a tag run on ONE archive, each followed by starting
              the run again, then a final clean rerun; every document stored once, integrity ok.
  concurrent  two tag processes over the same folders and the same db at the same time: both exit 0,
              nothing lost or duplicated, integrity ok.
  search      --queries Archive.open(readonly=True).search calls in another process while tag writes:
              every query answers without an error.

Reuses bench/kill_resume.py (runner script, archive check, default folders).
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import kill_resume  # noqa: E402  (bench/kill_resume.py)

FAST = "extract,structure,detect"

# kill_resume's runner, with section vectors switchable (the encoder load dominates a fast run)
RUNNER = textwrap.dedent("""
    import sys
    from pipeline.scale.batch import run_batch

    if __name__ == "__main__":
        db, workers, stages, vectors, folders = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1", sys.argv[5:]
        report = run_batch(folders, db=db, workers=workers, stages=stages.split(",") if stages else None,
                           vectors=vectors)
        print(report.summary())
        sys.exit(report.exit_code)
""")

SEARCHER = textwrap.dedent("""
    import json, sys, time
    from pipeline.archive.archive import Archive

    db, n, queries = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    while True:  # wait for the tagger to create the schema
        try:
            Archive.open(db, readonly=True).close()
            break
        except Exception:
            time.sleep(0.05)
    ok = errors = answered = 0
    first_error = None
    seen = set()
    for i in range(n):
        q = queries[i % len(queries)]
        try:
            with Archive.open(db, readonly=True) as a:
                hits = a.search(q, limit=5)
                seen.add(a.backend.conn.execute("SELECT count(*) FROM documents").fetchone()[0])
            answered += 1
            ok += isinstance(hits, list)
        except Exception as e:
            errors += 1
            first_error = first_error or f"{type(e).__name__}: {e}"
        time.sleep(0.03)
    print(json.dumps({"tried": n, "answered": answered, "ok": ok, "errors": errors, "first_error": first_error,
                      "document_counts_seen": len(seen)}))
""")

QUERIES = ["budget", "minutes", "action", "approved", "meeting", "chair", "report", "council", "vote",
           "agenda", "next meeting", "finance committee", "resolved", "\"quoted phrase\"", "zzzz-nothing"]


def row(cls: str, tried: int, *, crashes=0, hangs=0, wrong=0, lost=0, duplicated=0, integrity="ok", **extra) -> dict:
    return {"class": cls, "tried": tried, "crashes": crashes, "hangs": hangs, "wrong": wrong, "lost": lost,
            "duplicated": duplicated, "integrity": integrity, **extra}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", nargs="*", type=Path, default=None, help="folders (default: corpus/ + ../shared/corpus/real)")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--full", action="store_true", help="all stages and section vectors (slow)")
    ap.add_argument("--stages", default=FAST)
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds before a run counts as a hang")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--json", action="store_true", help="print the rows as JSON (one list)")
    ap.add_argument("--only", default="kill9,concurrent,search")
    args = ap.parse_args()
    folders = args.docs or kill_resume.default_folders()
    stages = "" if args.full else args.stages
    vectors = "1" if args.full else "0"
    rng = random.Random(args.seed)
    log = (lambda *a: print(*a, file=sys.stderr, flush=True)) if args.json else (lambda *a: print(*a, flush=True))

    from pipeline.archive.types import content_hash
    from pipeline.scale.discover import discover

    files = discover(folders)
    expected = {content_hash(f) for f in files}
    log(f"{len(files)} files, {len(expected)} distinct documents, stages={stages or 'all'}, vectors={vectors == '1'}")
    rows: list[dict] = []
    only = set(args.only.split(","))

    with tempfile.TemporaryDirectory(prefix="robust_crash_") as tmp:
        tmpdir = Path(tmp)
        runner = tmpdir / "runner.py"
        runner.write_text(RUNNER)
        searcher = tmpdir / "searcher.py"
        searcher.write_text(SEARCHER)

        def cmd(db: Path) -> list[str]:
            return [sys.executable, str(runner), str(db), str(args.workers), stages, vectors, *map(str, folders)]

        def run(db: Path) -> subprocess.CompletedProcess:
            return subprocess.run(cmd(db), capture_output=True, text=True, timeout=args.timeout, cwd=ROOT)

        t0 = time.monotonic()
        base = run(tmpdir / "baseline.db")
        clean = time.monotonic() - t0
        if base.returncode != 0:
            log(base.stdout, base.stderr)
            return 1
        log(f"clean run: {clean:.1f} s; {base.stdout.strip()}")

        if "kill9" in only:
            db = tmpdir / "kill9.db"
            killed = starts = crashes = hangs = 0
            while killed < args.kills:
                if starts > args.kills * 4:
                    break
                proc = subprocess.Popen(cmd(db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
                starts += 1
                # kills land during start-up, mid-document and mid-commit; later starts skip what is stored
                time.sleep(rng.uniform(0.2, max(0.5, clean * 0.6)))
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    killed += 1
                    proc.wait()
                else:
                    err = proc.stderr.read().decode(errors="replace")
                    if proc.returncode not in (0,):
                        crashes += 1
                        log(f"kill9: a run exited {proc.returncode}: {err.strip()[-300:]}")
                    if proc.returncode == 0:  # finished before the kill: start a fresh archive for the next kills
                        db.rename(db.with_suffix(f".done{starts}.db"))
                        for side in ("-wal", "-shm"):
                            Path(str(db) + side).unlink(missing_ok=True)
                proc.stderr.close()
            try:
                final = run(db)
                if final.returncode != 0:
                    crashes += 1
                    log(f"kill9: final run failed: {final.stderr.strip()[-500:]}")
            except subprocess.TimeoutExpired:
                hangs += 1
            r = kill_resume.check(db, expected)
            rows.append(row("kill9", killed, crashes=crashes, hangs=hangs, lost=r["lost"], duplicated=r["duplicates"],
                            wrong=r["extra"] + (0 if r["meetings_ok"] else 1), integrity=r["integrity"],
                            starts=starts + 1, expected=len(expected), stored=r["stored"]))

        if "concurrent" in only:
            db = tmpdir / "concurrent.db"
            procs = [subprocess.Popen(cmd(db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
                     for _ in range(2)]
            crashes = hangs = 0
            for p in procs:
                try:
                    out, err = p.communicate(timeout=args.timeout)
                    if p.returncode != 0:
                        crashes += 1
                        log(f"concurrent: a run exited {p.returncode}: {err.strip()[-500:]}")
                    else:
                        log(f"concurrent: {out.strip()}")
                except subprocess.TimeoutExpired:
                    p.kill()
                    hangs += 1
            r = kill_resume.check(db, expected)
            rows.append(row("concurrent", 2, crashes=crashes, hangs=hangs, lost=r["lost"], duplicated=r["duplicates"],
                            wrong=r["extra"] + (0 if r["meetings_ok"] else 1), integrity=r["integrity"],
                            expected=len(expected), stored=r["stored"]))

        if "search" in only:
            db = tmpdir / "search.db"
            tagger = subprocess.Popen(cmd(db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
            s = subprocess.Popen([sys.executable, str(searcher), str(db), str(args.queries), *QUERIES],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
            crashes = hangs = 0
            res: dict = {}
            try:
                out, err = s.communicate(timeout=args.timeout)
                res = json.loads(out.strip().splitlines()[-1]) if s.returncode == 0 else {}
                if s.returncode != 0:
                    crashes += 1
                    log(f"search: the searcher exited {s.returncode}: {err.strip()[-500:]}")
            except subprocess.TimeoutExpired:
                s.kill()
                hangs += 1
            overlapped = tagger.poll() is None or res.get("document_counts_seen", 0) > 1
            try:
                tagger.communicate(timeout=args.timeout)
                crashes += tagger.returncode != 0
            except subprocess.TimeoutExpired:
                tagger.kill()
                hangs += 1
            errors = res.get("errors", 0)
            if res.get("first_error"):
                log(f"search: first error: {res['first_error']}")
            unanswered = args.queries - res.get("answered", 0)
            r = kill_resume.check(db, expected)
            rows.append(row("search_while_tag", args.queries, crashes=crashes + errors, hangs=hangs,
                            wrong=unanswered - errors if res else 0, lost=r["lost"], duplicated=r["duplicates"],
                            integrity=r["integrity"], overlapped=overlapped,
                            document_counts_seen=res.get("document_counts_seen")))

    cols = ["class", "tried", "crashes", "hangs", "wrong", "lost", "duplicated", "integrity"]
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print(" ".join(f"{c:>16}" if i == 0 else f"{c:>10}" for i, c in enumerate(cols)))
        for r in rows:
            print(" ".join(f"{str(r[c]):>16}" if i == 0 else f"{str(r[c]):>10}" for i, c in enumerate(cols)))
    bad = any(r["crashes"] or r["hangs"] or r["wrong"] or r["lost"] or r["duplicated"] or r["integrity"] != "ok"
              for r in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
