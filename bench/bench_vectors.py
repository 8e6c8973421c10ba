"""Recall of the archive's ANN index of section vectors (pipeline/archive/vectors.py) against the exact scan.

    python bench/bench_vectors.py [--vectors 100000] [--dim 384] [--queries 200] [--db ARCHIVE] [--json]

Generated vectors: ``--vectors`` unit vectors in ``--dim`` dimensions drawn around 2,000 random centres (sections
of one topic lie close together, as encoder vectors do), added to the index in batches of 2,500 as the archive's
writer adds them; then 10% are deleted and the index searched (1) over everything, (2) with a filter letting
~30% of the sections through (the HNSW graph with a bitmap selector) and (3) with a filter letting 2% through
(the exact scan of those). Queries are held-out points of the same distribution. recall@10 = the share of the
exact top 10 the index returns in its top 10, averaged over the queries; also timed (median ms per query).

``--db``: also the vectors of an existing archive (SQLite file or postgresql:// URL): every embedding is put into
an index and ``--queries`` of them, with a little noise, are the queries.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.archive.vectors import VectorIndex  # noqa: E402


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)).astype(np.float32)


def generated(n: int, dim: int, queries: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = _unit(rng.normal(size=(2000, dim)))
    pick = rng.integers(0, len(centres), n + queries)
    pts = _unit(centres[pick] + rng.normal(scale=0.06, size=(n + queries, dim)))  # cos to its centre ~0.6
    return pts[:n], pts[n:]


def recall(idx: VectorIndex, mat: np.ndarray, ids: np.ndarray, qs: np.ndarray, allowed: np.ndarray | None,
           k: int = 10) -> dict:
    live = idx.alive if allowed is None else idx.alive & np.isin(idx.ids, allowed)
    order = np.argsort(idx.ids)
    pos = order[np.searchsorted(idx.ids, ids, sorter=order)]
    ok = live[pos]
    got, times = [], []
    for q in qs:
        sims = mat @ q
        sims = np.where(ok, sims, -np.inf)
        exact = set(ids[np.argsort(-sims, kind="stable")[:k]].tolist())
        t = time.perf_counter()
        res = idx.search(q, 100, allowed)  # the archive asks for max(5 * limit, 100)
        times.append((time.perf_counter() - t) * 1000)
        got.append(len(exact & {s for s, _ in res[:k]}) / k)
    return {"recall_at_10": round(float(np.mean(got)), 4), "min": round(float(np.min(got)), 2),
            "median_ms": round(statistics.median(times), 2), "queries": len(qs)}


def grow(ids: np.ndarray, mat: np.ndarray, dim: int) -> VectorIndex:
    """Made as the archive makes it: the first ``ANN_MIN`` vectors at once (the write that crosses the threshold
    catches up from the table), then batches of 2,500, made again whenever it is ``worn``."""
    from pipeline.archive import vectors

    first = min(len(ids), vectors.ANN_MIN)
    idx = VectorIndex.empty(dim, 0, "bench")
    idx.add(ids[:first], mat[:first])
    for i in range(first, len(ids), 2500):
        idx.add(ids[i:i + 2500], mat[i:i + 2500])
        if idx.worn:
            idx = VectorIndex.empty(dim, 0, "bench")
            idx.add(ids[:i + 2500], mat[:i + 2500])
    return idx


def run_generated(n: int, dim: int, nq: int, seed: int) -> dict:
    mat, qs = generated(n, dim, nq, seed)
    ids = np.arange(1, n + 1, dtype=np.int64)
    t = time.perf_counter()
    idx = grow(ids, mat, dim)
    build_s = time.perf_counter() - t
    rng = np.random.default_rng(seed + 1)
    idx.keep_only(ids[rng.random(n) >= 0.10])
    out = {"vectors": n, "dim": dim, "build_s": round(build_s, 1), "deleted": int(len(ids) - idx.live),
           "all": recall(idx, mat, ids, qs, None)}
    from pipeline.archive import vectors

    keep = vectors.NPROBE
    for probes in (16, 32, 128):
        vectors.NPROBE = probes
        out[f"all_nprobe_{probes}"] = recall(idx, mat, ids, qs, None)
    vectors.NPROBE = keep
    out["filter_30pct"] = recall(idx, mat, ids, qs, ids[rng.random(n) < 0.30])
    out["filter_2pct"] = recall(idx, mat, ids, qs, ids[rng.random(n) < 0.02])
    return out


def run_archive(db: str, nq: int, seed: int) -> dict:
    from pipeline.archive.archive import Archive
    from pipeline.archive.vectors import normalised

    with Archive.open(db, readonly=True) as a:
        rows = a.backend.all_embeddings()
    by_dim: dict[int, list] = {}
    for r in rows:
        by_dim.setdefault(int(r["dim"]), []).append(r)
    dim, rows = max(by_dim.items(), key=lambda kv: len(kv[1]))
    ids = np.asarray([r["section_id"] for r in rows], dtype=np.int64)
    mat = normalised([r["vector"] for r in rows], dim)
    idx = VectorIndex.empty(dim, 0, "bench")
    idx.add(ids, mat)
    rng = np.random.default_rng(seed)
    qs = _unit(mat[rng.integers(0, len(mat), nq)] + rng.normal(scale=0.02, size=(nq, dim)))
    return {"db": db, "vectors": len(ids), "dim": dim, "all": recall(idx, mat, ids, qs, None)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vectors", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", action="append", default=[], help="an archive whose vectors to index as well")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = {"generated": run_generated(args.vectors, args.dim, args.queries, args.seed)}
    out["archives"] = [run_archive(db, args.queries, args.seed) for db in args.db]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
