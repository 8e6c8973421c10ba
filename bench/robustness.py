"""Robustness bench: every hostile input class (tests/hostile.py), several seeded variants each.

Each input runs as ``minutebook analyse FILE`` in its own subprocess with a wall-clock timeout and an
address-space cap (``RLIMIT_AS`` set in the child). Outcomes:

* crash          - a traceback, an exit code other than 0/2, a non-MinutebookError, or death by signal
* hang           - the timeout passed
* wrong success  - exit 0 where an error was due, or exit 0 with an empty record
* expected       - exit 2 with one line naming the file and an expected error code, or a clean record

If ``bench/robustness_crash.py`` exists it is run with ``--json`` and its rows are appended.

    python bench/robustness.py [--runs 3] [--seed 1] [--timeout 120] [--mem-mb 2048] [--only pdf-bomb] [--json]

Exit code 1 when any failure count is non-zero.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile import CLASSES  # noqa: E402

CHILD = "import sys; from pipeline.cli import app; sys.argv[0] = 'minutebook'; app()"
_CODE_RE = re.compile(r"\[(MB\d{3})\]")


def _limit(mem_mb: int):
    def pre() -> None:
        b = mem_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (b, b))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return pre


def run_one(path: Path, expected, timeout: float, mem_mb: int) -> tuple[str, str]:
    """Return (outcome, detail); outcome in crash | hang | wrong | expected."""
    t0 = time.perf_counter()
    try:
        cp = subprocess.run([sys.executable, "-c", CHILD, "analyse", str(path)], capture_output=True,
                            timeout=timeout, preexec_fn=_limit(mem_mb), cwd=str(ROOT))
    except subprocess.TimeoutExpired:
        return "hang", f"no answer after {timeout:.0f} s"
    dt = time.perf_counter() - t0
    err = cp.stderr.decode("utf-8", "replace").strip()
    if cp.returncode < 0:
        return "crash", f"killed by signal {-cp.returncode}"
    if "Traceback (most recent call last)" in err:
        return "crash", "traceback: " + err.splitlines()[-1][:200]
    if cp.returncode == 2:
        lines = err.splitlines()
        m = _CODE_RE.search(err)
        if len(lines) != 1 or path.name not in err or not m:
            return "crash", f"error not one line naming the file: {err[:200]!r}"
        if expected == "ok":
            return "wrong", f"error on good input: {err[:200]}"
        if expected != "any" and m.group(1) not in expected:
            return "wrong", f"unexpected code {m.group(1)}: {err[:200]}"
        return "expected", f"{m.group(1)} in {dt:.1f}s"
    if cp.returncode != 0:
        return "crash", f"exit {cp.returncode}: {err[:200]}"
    # exit 0: is the record real?
    try:
        rec = json.loads(cp.stdout)
    except ValueError:
        return "crash", "exit 0 but stdout is not JSON"
    if expected not in ("ok", "any"):
        return "wrong", f"exit 0 where {sorted(expected)} was due"
    if not _has_content(rec):
        return "wrong", "exit 0 with an empty record"
    out = cp.stdout.decode("utf-8", "replace")
    if expected == "ok" and "committee" not in out.lower():
        return "wrong", "exit 0 but the record does not hold the minutes' words (garbage decode?)"
    if "pwned" in out or "alert('x')" in out:
        return "wrong", "script content leaked into the record"
    return "expected", f"record in {dt:.1f}s"


def _has_content(rec: dict) -> bool:
    chars = (rec.get("quality") or {}).get("characters") or 0
    return chars >= 20 and any(rec.get(k) for k in ("sections", "summaries", "decisions", "actions"))


def crash_rows(timeout: float) -> list[dict]:
    script = ROOT / "bench" / "robustness_crash.py"
    if not script.exists():
        return []
    try:
        cp = subprocess.run([sys.executable, str(script), "--json"], capture_output=True, timeout=timeout * 10, cwd=str(ROOT))
        data = json.loads(cp.stdout)
    except subprocess.TimeoutExpired:
        return [{"class": "robustness_crash.py", "error": "timed out"}]
    except ValueError:
        return [{"class": "robustness_crash.py", "error": f"no JSON (exit {cp.returncode}): {cp.stderr[-300:]!r}"}]
    rows = data.get("rows", data) if isinstance(data, dict) else data
    return [r if isinstance(r, dict) else {"class": "robustness_crash.py", "value": r} for r in rows]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--mem-mb", type=int, default=2048)
    ap.add_argument("--only", action="append", help="class name (repeatable)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--verbose", "-v", action="store_true")
    a = ap.parse_args(argv)

    rng = random.Random(a.seed)
    rows = []
    for name, (gen, expected) in CLASSES.items():
        if a.only and name not in a.only:
            continue
        row = {"class": name, "tried": 0, "crashes": 0, "hangs": 0, "wrong_successes": 0, "expected": 0, "details": []}
        for _ in range(a.runs):
            with tempfile.TemporaryDirectory(prefix="mb-hostile-") as tmp:
                path = gen(Path(tmp), random.Random(rng.randrange(1 << 30)))
                outcome, detail = run_one(path, expected, a.timeout, a.mem_mb)
            row["tried"] += 1
            key = {"crash": "crashes", "hang": "hangs", "wrong": "wrong_successes", "expected": "expected"}[outcome]
            row[key] += 1
            if outcome != "expected" or a.verbose:
                row["details"].append(f"{path.name}: {outcome}: {detail}")
            if not a.json:
                print(f"  {name:<24} {outcome:<9} {detail}", file=sys.stderr, flush=True)
        rows.append(row)
    extra = crash_rows(a.timeout)
    failures = sum(r["crashes"] + r["hangs"] + r["wrong_successes"] for r in rows)
    for r in extra:
        for k in ("lost", "duplicated", "records_lost", "records_duplicated", "crashes", "hangs", "integrity_failures"):
            v = r.get(k)
            if isinstance(v, (int, float)):
                failures += v
        if r.get("error") or r.get("integrity_check") not in (None, "ok", True):
            failures += 1
    if a.json:
        print(json.dumps({"rows": rows, "crash_rows": extra, "failures": failures,
                          "settings": {"runs": a.runs, "seed": a.seed, "timeout": a.timeout, "mem_mb": a.mem_mb}}, indent=2))
    else:
        hdr = f"{'class':<24} | {'tried':>5} | {'crashes':>7} | {'hangs':>5} | {'wrong ok':>8} | {'expected':>8}"
        print(hdr)
        print("-" * len(hdr))
        for r in rows:
            print(f"{r['class']:<24} | {r['tried']:>5} | {r['crashes']:>7} | {r['hangs']:>5} | {r['wrong_successes']:>8} | {r['expected']:>8}")
        for r in rows:
            for d in r["details"]:
                print(f"  ! {d}")
        for r in extra:
            print("crash-bench: " + ", ".join(f"{k}={v}" for k, v in r.items()))
        print(f"failures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
