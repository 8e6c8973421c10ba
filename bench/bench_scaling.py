"""How batch tagging scales with workers, and where the time goes (issue 20).

    python bench/bench_scaling.py [--docs 48] [--seed 7] [--workers 1,2,4,...] [--cluster] [--real DIR ...]
                                  [--stages extract,structure,...] [--json OUT]

Generates ``--docs`` fictional minutes with bench/gen_minutes.py (txt, md, html, docx in turn), adds the
files of any ``--real`` folders (e.g. ../shared/corpus/real), and tags them into a fresh SQLite archive
once per configuration with ``run_batch(profile=True)``:

* ``workers=1`` with one model thread (the single-threaded baseline the speed-ups are measured against),
  then ``workers=N`` for N = 2, 4, ... up to the cores (``--workers`` to choose), each worker one thread;
* with ``--cluster``, ``cluster="local:N"`` for the largest N (a Dask LocalCluster of N single-threaded
  workers, started and closed by run_batch).

Printed per configuration: wall seconds, documents/s, speed-up over one worker and its share of the
ideal (speed-up / N; the target is >= 0.7), and the accounting of ``pipeline.scale.profile``: the
parent's busy share of the wall time (discovery + hashing + writer; the target on 2 cores is < 10%),
the writer's documents/s inside the batch (target >= 20), model loading per worker, compute seconds per
document, the wait for a worker and the way back to the writer per document, and how busy the workers
were. Then the writer's milliseconds per document by statement group for the largest configuration.

The machine's load average is printed before and after: other jobs on a shared machine inflate the
numbers of whichever configuration they overlap.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _configs(arg: str | None, cluster: bool) -> list[tuple[str, dict]]:
    cores = os.cpu_count() or 1
    if arg:
        ns = [int(x) for x in arg.split(",") if x.strip()]
    else:
        ns, n = [1], 2
        while n <= cores:
            ns.append(n)
            n *= 2
        if ns[-1] != cores:
            ns.append(cores)
    out = [(f"workers={n}", {"workers": n, "threads": 1}) for n in ns]
    if cluster:
        out.append((f"local:{ns[-1]}", {"cluster": f"local:{ns[-1]}", "threads": 1}))
    return out


def run(name: str, kwargs: dict, docs: Path, stages: list[str] | None) -> dict:
    from pipeline.scale.batch import run_batch
    from pipeline.scale.results import Status

    with tempfile.TemporaryDirectory(prefix="mb-scaling-") as tmp:
        report = run_batch([docs], db=Path(tmp) / "archive.db", stages=stages, profile=True, **kwargs)
    p = report.profile
    n = max(1, p.documents)
    return {"config": name, "workers": report.workers, "docs": p.documents,
            "ok": report.counts[Status.SUCCESS] + report.counts[Status.PARTIAL],
            "failed": report.counts[Status.FAILED], "wall_s": round(p.wall, 2),
            "docs_s": round(p.documents / p.wall, 3) if p.wall else 0.0,
            "parent_pct": round(100 * p.parent_share, 1), "writer_pct": round(100 * p.writer_share, 1),
            "writer_docs_s": round(p.writer_docs_per_second, 1),
            "load_s": round(p.load / max(1, len(p.loads)), 2), "compute_s_doc": round(p.compute / n, 3),
            "wait_s_doc": round(p.wait / n, 3), "back_ms_doc": round(1000 * p.back / n, 1),
            "busy_pct": round(100 * p.utilisation(), 1),
            "writer_ms_doc": {k: round(1000 * v / max(1, p.written), 2) for k, v in p.writer_parts.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=48)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", default=None, help="comma-separated worker counts (default 1, 2, 4, ... cores)")
    ap.add_argument("--cluster", action="store_true", help="also a Dask LocalCluster with the most workers")
    ap.add_argument("--real", action="append", default=[], help="a folder of real minutes to add")
    ap.add_argument("--stages", default=None, help="comma-separated stages (default: the default stages)")
    ap.add_argument("--json", default=None, help="write the rows here too")
    args = ap.parse_args()

    from gen_minutes import generate

    stages = args.stages.split(",") if args.stages else None
    work = Path(tempfile.mkdtemp(prefix="mb-scaling-docs-")) / "docs"
    try:
        generate(work, args.docs, seed=args.seed, formats=("txt", "md", "html", "docx"))
        for i, folder in enumerate(args.real):
            shutil.copytree(folder, work / f"real{i}")
        print(f"{sum(1 for p in work.rglob('*') if p.is_file())} documents, {os.cpu_count()} cores, "
              f"load average before {os.getloadavg()[0]:.2f}", flush=True)
        rows = []
        for name, kwargs in _configs(args.workers, args.cluster):
            rows.append(run(name, kwargs, work, stages))
            print(f"  {name}: {rows[-1]['wall_s']} s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = rows[0]["docs_s"] if rows and rows[0]["workers"] == 1 else None
    head = ("| config | wall s | docs/s | speed-up | of ideal | parent % | writer % | writer docs/s | load s/worker "
            "| compute s/doc | wait s/doc | back ms/doc | workers busy % |")
    print("\n" + head)
    print("|" + "---|" * (head.count("|") - 1))
    for r in rows:
        up = r["docs_s"] / base if base else float("nan")
        r["speedup"], r["of_ideal"] = round(up, 2), round(up / r["workers"], 2)
        print(f"| {r['config']} | {r['wall_s']} | {r['docs_s']} | {up:.2f} | {up / r['workers']:.2f} | "
              f"{r['parent_pct']} | {r['writer_pct']} | {r['writer_docs_s']} | {r['load_s']} | {r['compute_s_doc']} | "
              f"{r['wait_s_doc']} | {r['back_ms_doc']} | {r['busy_pct']} |")
    if rows:
        last = rows[-1]
        print(f"\nwriter ms/document ({last['config']}): "
              + ", ".join(f"{k} {v}" for k, v in last["writer_ms_doc"].items()))
    print(f"load average after {os.getloadavg()[0]:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
