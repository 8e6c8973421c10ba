"""Time to the draft summary: cold (a new process) and warm (models already loaded), sections per
second on a longer document, and peak memory.

    python bench/bench_draft.py [--file corpus/seed/seed-minutes.pdf] [--long FILE] [--repeat N] [--json]

Targets (issue 4): warm under 2 s, cold under 15 s on 2 cores, peak memory under 2 GB.
The long document defaults to every sample in corpus/ joined into one text file (about 5,000 words).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def cold(file: Path, repeat: int) -> tuple[float, float]:
    """Median wall time of `minutebook summarise FILE -q` in a new process, and its peak RSS (MB)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline.cli", "summarise", str(file), "-q"], check=True,
                       stdout=subprocess.DEVNULL, cwd=REPO, env=dict(os.environ, HF_HUB_OFFLINE="1"))
        times.append(time.perf_counter() - t)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return statistics.median(times), peak_kb / 1024


def long_document() -> Path:
    from pipeline.extract import read_document

    parts = []
    for f in sorted((REPO / "corpus" / "samples").iterdir()) + [REPO / "corpus" / "seed" / "seed-minutes.txt"]:
        doc = read_document(f)
        parts.append("\n\n".join(("# " + b.text) if b.kind == "heading" else b.text for b in doc.blocks))
    tmp = Path(tempfile.mkdtemp()) / "long-minutes.md"
    tmp.write_text("\n\n".join(parts), encoding="utf-8")
    return tmp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=REPO / "corpus" / "seed" / "seed-minutes.pdf")
    ap.add_argument("--long", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from pipeline.api import analyse
    from pipeline.draft.build import build_draft
    from pipeline.draft.markdown import render_markdown

    cold_s, cold_peak = cold(args.file, args.repeat)
    analyse(args.file)  # load every model once in this process
    warm = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        render_markdown(build_draft(analyse(args.file)))
        warm.append(time.perf_counter() - t)
    long_file = args.long or long_document()
    t = time.perf_counter()
    m = analyse(long_file)
    long_s = time.perf_counter() - t
    n_sections = len(m.section_tree)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"file": str(args.file), "cold_s": round(cold_s, 2), "cold_peak_mb": round(cold_peak),
              "warm_s": round(statistics.median(warm), 3), "long_file_words": len(long_file.read_text().split()),
              "long_sections": n_sections, "long_s": round(long_s, 2),
              "sections_per_s": round(n_sections / long_s, 1), "warm_process_peak_mb": round(peak_mb),
              "repeat": args.repeat, "cores": os.cpu_count()}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"draft of {args.file.name}: cold {result['cold_s']} s (new process, median of {args.repeat}), "
          f"warm {result['warm_s']} s")
    print(f"long document: {result['long_file_words']} words, {n_sections} sections in {result['long_s']} s "
          f"= {result['sections_per_s']} sections/s")
    print(f"peak memory: {result['cold_peak_mb']} MB (cold process), {result['warm_process_peak_mb']} MB (this process)")


if __name__ == "__main__":
    main()
