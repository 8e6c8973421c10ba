"""SQLite and PostgreSQL on the same documents: how many queries get the same top 10.

    python bench/bench_backends.py --pg postgresql://... [--sqlite a.db] [--source corpus] [--json]

Tags ``--source`` (default: the project's synthetic ``corpus/``) into a fresh SQLite file and into the
PostgreSQL archive at ``--pg`` (which should be empty; tagged with the same ``run_batch`` as
``minutebook tag``), unless they already hold sections. Then, for every query of
``bench/search_judgments.json``, it compares the two backends' top 10 at three levels:

* ``bm25``: the backend's own text ranking (``text_ranked``: FTS5 ``bm25()`` vs PostgreSQL's
  ts_rank candidates re-ranked by the same bm25), every word optional, as ``search`` asks for it;
* ``text``: ``Archive.search`` without a query vector (bm25 plus the shared fusion, phrase and
  theme boosts, grouping);
* ``hybrid``: ``Archive.search`` with the query's vector, as ``minutebook search`` runs it.

A section is named by its file and character offset (ids differ between the archives). Printed per
level: queries with the same top 10 in the same order, with the same ten in another order, and the
mean overlap; with ``--show`` the queries that differ, with the sections only one side has.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.archive.archive import Archive  # noqa: E402
from pipeline.archive.ranking import content_query  # noqa: E402
from pipeline.archive.types import Filters  # noqa: E402

JUDGMENTS = ROOT / "bench" / "search_judgments.json"
LEVELS = ("bm25", "text", "hybrid")


def ensure_tagged(db: str, source: Path) -> None:
    with Archive.open(db) as a:
        if a.counts().sections:
            return
    from pipeline.scale.batch import run_batch

    print(run_batch([source], db=db, workers=1).summary(), file=sys.stderr)


def top10(a: Archive, level: str, query: str, vector: Any) -> list[tuple[str, int]]:
    if level == "bm25":
        text = content_query(query)
        match = a.backend.text_query(text, any_term=True)
        if match is None:
            return []
        ids = [int(r["section_id"]) for r in a.backend.text_ranked(match, Filters(), 10)]
        det = a.backend.section_details(ids)
        return [(Path(det[i]["path"]).name, int(det[i]["char_start"])) for i in ids]
    hits = a.search(query, limit=10, query_vector=vector if level == "hybrid" else None)
    return [(Path(h.provenance.path).name, int(h.provenance.start or 0)) for h in hits]


def compare(dbs: list[str], queries: list[str]) -> dict[str, Any]:
    from pipeline.themes.encoder import shared_encoder

    vectors = dict(zip(queries, shared_encoder().encode(queries)))
    runs: list[dict[str, dict[str, list]]] = []
    for db in dbs:
        with Archive.open(db, readonly=True) as a:
            runs.append({lv: {q: top10(a, lv, q, vectors[q]) for q in queries} for lv in LEVELS})
    out: dict[str, Any] = {}
    for lv in LEVELS:
        same_order = same_set = 0
        overlap = 0.0
        differ = []
        for q in queries:
            x, y = runs[0][lv][q], runs[1][lv][q]
            same_order += x == y
            same_set += set(x) == set(y)
            overlap += len(set(x) & set(y)) / len(set(x) | set(y)) if x or y else 1.0  # both empty: agree
            if x != y:
                differ.append({"query": q, "only_sqlite": sorted(set(x) - set(y)), "only_postgres": sorted(set(y) - set(x)),
                               "same_set": set(x) == set(y)})
        out[lv] = {"queries": len(queries), "same_top10_same_order": same_order, "same_top10_any_order": same_set,
                   "mean_jaccard": round(overlap / max(1, len(queries)), 3), "differ": differ}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", required=True, help="a postgresql:// archive (empty, or tagged from the same --source)")
    ap.add_argument("--sqlite", help="the SQLite archive (default: a temporary file)")
    ap.add_argument("--source", type=Path, default=ROOT / "corpus")
    ap.add_argument("--judgments", type=Path, default=JUDGMENTS)
    ap.add_argument("--show", action="store_true", help="list the queries whose top 10 differ")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    queries = [q["query"] for q in json.loads(args.judgments.read_text(encoding="utf-8"))["queries"]]
    with tempfile.TemporaryDirectory(prefix="bench-backends-") as tmp:
        sqlite = args.sqlite or str(Path(tmp) / "archive.db")
        for db in (sqlite, args.pg):
            ensure_tagged(db, args.source)
        res = compare([sqlite, args.pg], queries)
    if args.json:
        print(json.dumps(res, indent=1))
        return 0
    print(f"{'level':<8} {'queries':>7} {'same order':>10} {'same ten':>9} {'mean Jaccard':>12}")
    for lv, r in res.items():
        print(f"{lv:<8} {r['queries']:>7} {r['same_top10_same_order']:>10} {r['same_top10_any_order']:>9} "
              f"{r['mean_jaccard']:>12}")
    if args.show:
        for lv, r in res.items():
            for d in r["differ"]:
                print(f"{lv}: {d['query']!r}: {'same ten, other order' if d['same_set'] else ''} "
                      f"only SQLite {d['only_sqlite']} only PostgreSQL {d['only_postgres']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
