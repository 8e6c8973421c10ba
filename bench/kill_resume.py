"""Kill -9 the batch runner at random points, resume it, and check that nothing is lost or stored twice.

    python bench/kill_resume.py                       # 20 runs over corpus/ + ../shared/corpus/real
    python bench/kill_resume.py --runs 5 --workers 2 --stages extract,structure,detect DIR...

Each run starts from an empty archive: the batch is started, killed with SIGKILL after a random
delay (1 to --max-kills times; the delay is drawn between 0 and the length of a clean run, so kills
land during model loading, mid-document and mid-commit alike), then run to completion. The archive is
then checked: one ``documents`` row per distinct file content, no path twice, one meeting per
SUCCESS/PARTIAL document, and ``PRAGMA integrity_check``.

The batch runs as ``python -m pipeline.cli tag`` when the CLI has that command (``--cli``), else
through a small script calling ``pipeline.scale.batch.run_batch``.
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RUNNER = textwrap.dedent("""
    import sys
    from pipeline.scale.batch import run_batch

    if __name__ == "__main__":
        folders, db, workers, stages = sys.argv[4:], sys.argv[1], int(sys.argv[2]), sys.argv[3]
        report = run_batch(folders, db=db, workers=workers, stages=stages.split(",") if stages else None)
        print(report.summary())
        sys.exit(report.exit_code)
""")


def default_folders() -> list[Path]:
    out = [ROOT / "corpus"]
    real = ROOT.parent / "shared" / "corpus" / "real"
    if real.is_dir():
        out.append(real)
    return out


def command(args, db: Path, runner: Path) -> list[str]:
    if args.cli:
        cmd = [sys.executable, "-m", "pipeline.cli", "tag", *map(str, args.folders), "--db", str(db),
               "--workers", str(args.workers), "--quiet"]
        return cmd
    return [sys.executable, str(runner), str(db), str(args.workers), args.stages, *map(str, args.folders)]


def check(db: Path, expected: set[str]) -> dict:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT path, content_hash, status FROM documents").fetchall()
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        # a file may hold several meetings: every stored document has its first meeting, and no meeting of
        # a document is stored twice
        missing = conn.execute(
            "SELECT count(*) FROM documents d WHERE d.status IN ('SUCCESS', 'PARTIAL') AND NOT EXISTS "
            "(SELECT 1 FROM meetings m WHERE m.document_id = d.id AND m.meeting_index = 0)").fetchone()[0]
        twice = conn.execute("SELECT count(*) FROM (SELECT document_id, meeting_index FROM meetings "
                             "GROUP BY document_id, meeting_index HAVING count(*) > 1)").fetchone()[0]
    hashes = [h for _, h, _ in rows]
    paths = [p for p, _, _ in rows]
    good = sum(1 for _, _, s in rows if s in ("SUCCESS", "PARTIAL"))
    return {"stored": len(rows), "duplicates": (len(hashes) - len(set(hashes))) + (len(paths) - len(set(paths))),
            "lost": len(expected - set(hashes)), "extra": len(set(hashes) - expected),
            "meetings_ok": missing == 0 and twice == 0, "good": good, "integrity": integrity}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--max-kills", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--stages", default="", help="comma-separated stages (default: all)")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--cli", action="store_true", help="run `python -m pipeline.cli tag` instead of a script")
    args = ap.parse_args()
    args.folders = args.folders or default_folders()
    rng = random.Random(args.seed)

    sys.path.insert(0, str(ROOT))
    from pipeline.archive.types import content_hash
    from pipeline.scale.discover import discover

    files = discover(args.folders)
    expected = {content_hash(f) for f in files}
    print(f"{len(files)} files, {len(expected)} distinct documents, workers={args.workers}, "
          f"stages={args.stages or 'all'}", flush=True)

    with tempfile.TemporaryDirectory(prefix="kill_resume_") as tmp:
        tmpdir = Path(tmp)
        runner = tmpdir / "runner.py"
        runner.write_text(RUNNER)
        # a clean run: how long a whole batch takes (the range kill points are drawn from)
        t0 = time.monotonic()
        base_db = tmpdir / "baseline.db"
        done = subprocess.run(command(args, base_db, runner), capture_output=True, text=True)
        clean = time.monotonic() - t0
        if done.returncode != 0:
            print(done.stdout, done.stderr, file=sys.stderr)
            return 1
        print(f"clean run: {clean:.1f} s; {done.stdout.strip()}", flush=True)

        header = f"{'run':>4} {'kills':>5} {'expected':>8} {'stored':>6} {'dups':>4} {'lost':>4} {'extra':>5} {'integrity':>9} {'starts':>6}"
        print(header)
        print("-" * len(header))
        totals = {"kills": 0, "stored": 0, "duplicates": 0, "lost": 0, "bad": 0}
        for run in range(1, args.runs + 1):
            db = tmpdir / f"run{run}.db"
            kills = rng.randint(1, max(1, args.max_kills))
            killed = 0
            starts = 0
            for _ in range(kills):
                proc = subprocess.Popen(command(args, db, runner), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                starts += 1
                time.sleep(rng.uniform(0.0, clean))
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    killed += 1
                proc.wait()
            final = subprocess.run(command(args, db, runner), capture_output=True, text=True)
            starts += 1
            if final.returncode != 0:
                print(f"run {run}: final run failed ({final.returncode}): {final.stderr.strip()[-500:]}")
                totals["bad"] += 1
                continue
            r = check(db, expected)
            ok = r["duplicates"] == 0 and r["lost"] == 0 and r["extra"] == 0 and r["integrity"] == "ok" and r["meetings_ok"]
            totals["bad"] += 0 if ok else 1
            totals["kills"] += killed
            totals["stored"] += r["stored"]
            totals["duplicates"] += r["duplicates"]
            totals["lost"] += r["lost"]
            print(f"{run:>4} {killed:>5} {len(expected):>8} {r['stored']:>6} {r['duplicates']:>4} {r['lost']:>4} "
                  f"{r['extra']:>5} {r['integrity']:>9} {starts:>6}", flush=True)
        print("-" * len(header))
        print(f"runs {args.runs}, kills {totals['kills']}, documents expected {len(expected) * args.runs}, "
              f"stored {totals['stored']}, duplicates {totals['duplicates']}, lost {totals['lost']}, "
              f"runs with a problem {totals['bad']}")
    return 0 if totals["bad"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
