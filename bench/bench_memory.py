"""Time and peak memory of ``minutebook analyse FILE -o OUT`` on inputs that once blew up.

    python bench/bench_memory.py [--only long-line-1mb] [--json]

Each case is generated (tests/hostile.py) into a temporary folder and analysed in its own subprocess;
the child's user CPU time and maximum resident set size come from ``getrusage(RUSAGE_CHILDREN)``,
what ``/usr/bin/time -v`` reports. Cases:

* ``long-line-1mb``: one 1 MB line of words (149,800 words, under the word limit): a single block that
  spaCy once parsed whole (1.5 GB); it is now parsed in pieces (pipeline/detect/parsed.py).
* ``long-line-500kb``: the same at half the size, to see how memory grows with the block.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile import text_long_line  # noqa: E402

CHILD = "import sys; from pipeline.cli import app; sys.argv[0] = 'minutebook'; app()"
CASES = {"long-line-1mb": partial(text_long_line, mb=1), "long-line-500kb": partial(text_long_line, kb=500)}


def measure(path: Path, out: Path) -> dict:
    """Run ``analyse`` on ``path`` in a fresh child; its exit code, wall/user seconds and peak RSS."""
    t0 = time.perf_counter()
    cp = subprocess.run([sys.executable, "-c", CHILD, "analyse", str(path), "-o", str(out)], cwd=str(ROOT),
                        capture_output=True, text=True)
    wall = time.perf_counter() - t0
    # each case runs in a fresh child, and RUSAGE_CHILDREN's maxrss is the largest child so far: cases
    # run smallest first, so it is this child's
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"exit": cp.returncode, "wall_s": round(wall, 1), "user_s": round(ru.ru_utime, 1),
            "max_rss_mb": round(ru.ru_maxrss / 1024), "error": cp.stderr.strip().splitlines()[-1:] if cp.returncode else []}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=sorted(CASES), action="append")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    names = [n for n in ("long-line-500kb", "long-line-1mb") if not args.only or n in args.only]
    rows = []
    user_before = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            path = CASES[name](Path(tmp), random.Random(1))
            row = measure(path, Path(tmp) / f"{name}.json")
            row["user_s"] = round(row["user_s"] - user_before, 1)  # RUSAGE_CHILDREN adds the children up
            user_before += row["user_s"]
            rows.append({"case": name, "bytes": path.stat().st_size,
                         "words": len(path.read_text(encoding="utf-8").split()), **row})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'case':<16} {'bytes':>9} {'words':>8} {'exit':>4} {'wall s':>7} {'user s':>7} {'max RSS MB':>10}")
        for r in rows:
            print(f"{r['case']:<16} {r['bytes']:>9} {r['words']:>8} {r['exit']:>4} {r['wall_s']:>7} {r['user_s']:>7} "
                  f"{r['max_rss_mb']:>10}")
    return 1 if any(r["exit"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
