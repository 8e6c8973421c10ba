"""Search relevance benchmark: nDCG@10, recall@10 and P@5 per kind of query, for each search mode, against a
plain BM25 baseline computed in the same run.

    python bench/bench_search.py [--db PATH|URL] [--judgments bench/search_judgments.json] [--json]
                                 [--pool FILE] [--fit] [--worst N]

The archive: every document of ``../shared/corpus/real``, ``../shared/corpus/batch2/real`` and the project's
``corpus/`` (samples and seed), tagged with ``run_batch`` (the same path as ``minutebook tag``) into ``--db``
(reused when it already holds them) or a temporary file.

Queries and judgments are data (``bench/search_judgments.json``): each query has a kind (``exact``: the words the
minutes use; ``other``: other words than the minutes use; ``theme``: a theme-like need), and each judged section
is named by its file name and heading with a grade 0 (not relevant), 1 (partly: mentions or touches the need) or
2 (relevant). Judgments were made by reading the sections of the pooled top 10 of several systems, shown sorted by
file and heading without the system that returned them: first BM25, hybrid and text-only search as they were
before the ranking change, the query's vector alone over all sections, and a first version of the new ranking (868
sections); then the top 10 of the revised ranking not yet judged (45 more), until every mode's top 10 was judged.
A query nothing in the pool answers is left out of the means (and named). No text of the shared documents is kept
in the project.

A section is identified by its heading and opening words (a heading without text: by its file without extension and
heading), so the renditions of the same minutes (``x.pdf`` / ``x.docx``) count once: a ranking that shows the same
section twice gains nothing from the second, and the ideal ranking holds each once. Sections that are not judged
count as not relevant.

Modes:
  ``bm25``       ``rank_bm25.BM25Okapi`` over each section's heading and text (lower-cased words, every word
                 optional): the baseline.
  ``hybrid``     ``Archive.search(query, query_vector=encoder(query))`` (what ``minutebook search`` runs).
  ``text-only``  ``Archive.search(query)`` (``minutebook search --text-only`` and the web page).

``--pool FILE`` writes the pooled, unjudged top 10 of every mode (and of vectors over all sections) for judging
(it holds section text: keep it outside the project). ``--fit`` chooses the fusion weights (``Archive.W_*``)
by grid search with cross-validation: leave one kind of query out, and 5-fold over the queries; it prints the
held-out nDCG@10 and the weights chosen on all queries (the values ``Archive`` ships).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.append(str(REPO))  # after PYTHONPATH: PYTHONPATH=../main measures another tree

from pipeline.archive.archive import Archive  # noqa: E402
from pipeline.archive.url import is_postgres_url  # noqa: E402

SHARED = REPO.parent / "shared" / "corpus"
SOURCES = [SHARED / "real", SHARED / "batch2" / "real", REPO / "corpus" / "samples", REPO / "corpus" / "seed"]
JUDGMENTS = REPO / "bench" / "search_judgments.json"
KINDS = ("exact", "other", "theme")
MODES = ("bm25", "hybrid", "text-only")
_WORD = re.compile(r"\w+")

Ranking = list[tuple[str, str]]  # (file name, heading), best first


def build(db: Path) -> None:
    from pipeline.scale.batch import run_batch

    missing = [str(p) for p in SOURCES[:2] if not p.is_dir()]
    if missing:
        sys.exit(f"bench_search: {', '.join(missing)} not found: the benchmark needs ../shared/corpus")
    report = run_batch([p for p in SOURCES if p.exists()], db=db, workers=1)
    print(report.summary(), file=sys.stderr)


def sections(a: Archive) -> list[dict[str, Any]]:
    """Every section with its file name, heading and text (the BM25 baseline's documents)."""
    from pipeline.archive.types import Filters

    ids = a.backend.filtered_section_ids(Filters())
    det = a.backend.section_details(ids)
    return [{"id": sid, "file": Path(det[sid]["path"]).name, "heading": det[sid]["heading"] or "",
             "text": det[sid]["text"] or ""} for sid in ids]


def tokens(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


class Systems:
    def __init__(self, a: Archive, queries: list[str]):
        from rank_bm25 import BM25Okapi

        self.a = a
        self.secs = sections(a)
        for x in self.secs:
            FINGERPRINTS[(x["file"], x["heading"])] = " ".join(tokens(x["text"])[:12])
        self.bm25 = BM25Okapi([tokens(s["heading"] + " " + s["text"]) for s in self.secs])
        from pipeline.themes.encoder import shared_encoder

        enc = shared_encoder()
        self.vectors = dict(zip(queries, enc.encode(queries))) if queries else {}

    def run(self, mode: str, q: str, n: int = 10) -> Ranking:
        if mode == "bm25":
            scores = self.bm25.get_scores(tokens(q))
            order = sorted(range(len(self.secs)), key=lambda i: -scores[i])
            return [(self.secs[i]["file"], self.secs[i]["heading"]) for i in order[:n] if scores[i] > 0]
        if mode == "vector-all":  # the query's vector alone: compared with every section
            hits = self.a.search("", query_vector=self.vectors[q], limit=n)
        else:
            hits = self.a.search(q, limit=n, query_vector=self.vectors[q] if mode == "hybrid" else None)
        return [(Path(h.provenance.path).name, h.heading) for h in hits]


FINGERPRINTS: dict[tuple[str, str], str] = {}  # (file, heading) -> the section's opening words (set by Systems)


def key(file: str, heading: str) -> tuple[str, str]:
    """One section of one set of minutes, whichever rendition (pdf, docx, txt) it was read from: its heading and
    opening words, or for a heading without text its file (without extension) and heading."""
    fp = FINGERPRINTS.get((file, heading))
    if fp:
        return "#" + fp, " ".join(heading.split()).lower()
    stem = file.rsplit(".", 1)[0] if re.search(r"\.[a-z]{2,4}$", file) else file
    return stem, " ".join(heading.split()).lower()


def metrics(ranking: Ranking, grades: dict[tuple[str, str], int]) -> dict[str, float]:
    seen: set[tuple[str, str]] = set()
    gains = []
    for f, h in ranking[:10]:
        k = key(f, h)
        gains.append(0 if k in seen else grades.get(k, 0))
        seen.add(k)
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(grades.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    relevant = sum(1 for g in grades.values() if g > 0)
    return {"ndcg@10": dcg / idcg if idcg else 0.0,
            "recall@10": sum(1 for g in gains if g > 0) / relevant if relevant else 0.0,
            "p@5": sum(1 for g in gains[:5] if g > 0) / 5}


def load_judgments(path: Path) -> tuple[list[dict[str, str]], dict[str, dict[tuple[str, str], int]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    grades: dict[str, dict[tuple[str, str], int]] = {q["query"]: {} for q in data["queries"]}
    for j in data["judgments"]:
        k = key(j["file"], j["heading"])
        grades[j["query"]][k] = max(grades[j["query"]].get(k, 0), int(j["grade"]))
    return data["queries"], grades


def evaluate(s: Systems, queries: list[dict[str, str]], grades: dict, modes=MODES) -> dict:
    out: dict[str, dict[str, list]] = {}
    for mode in modes:
        runs = [s.run(mode, q["query"]) for q in queries]
        out[mode] = {"all": [metrics(r, grades[q["query"]]) for q, r in zip(queries, runs)], "runs": runs}
    return out


GRID = {"W_VECTOR": (0.5, 1.0, 2.0), "W_THEME": (0.0, 0.5, 1.0, 2.0), "B_ALL": (0.0, 0.3, 0.6, 1.0),
        "B_PHRASE": (0.0, 0.3), "B_HEADING": (0.0, 0.3, 0.6)}


def fit(s: Systems, queries: list[dict[str, str]], grades: dict) -> dict[str, Any]:
    """Grid search over the fusion weights: the held-out nDCG@10 of leave-one-kind-out and of 5-fold CV over
    queries, and the weights best on all queries. A query's score is the mean nDCG@10 of hybrid and text-only search
    (the CLI runs the first, the web page the second; the weights are shared)."""
    names = [n for n in GRID if hasattr(Archive, n)]
    configs = [dict(zip(names, vals)) for vals in itertools.product(*(GRID[n] for n in names))]
    per_q: list[list[float]] = []  # config -> nDCG per query
    saved = {n: getattr(Archive, n) for n in names}
    try:
        for c in configs:
            for n, v in c.items():
                setattr(Archive, n, v)
            per_q.append([sum(metrics(s.run(mode, q["query"]), grades[q["query"]])["ndcg@10"]
                              for mode in ("hybrid", "text-only")) / 2 for q in queries])
    finally:
        for n, v in saved.items():
            setattr(Archive, n, v)

    def best(idx: list[int]) -> int:
        return max(range(len(configs)), key=lambda c: (sum(per_q[c][i] for i in idx), -c))

    everything = list(range(len(queries)))
    out: dict[str, Any] = {"configs": len(configs), "shipped": {n: saved[n] for n in names}}
    loko = {}
    for kind in KINDS:
        train = [i for i in everything if queries[i]["kind"] != kind]
        test = [i for i in everything if queries[i]["kind"] == kind]
        c = best(train)
        loko[kind] = {"chosen": configs[c], "held_out_ndcg@10": sum(per_q[c][i] for i in test) / len(test)}
    out["leave_one_kind_out"] = loko
    order = everything[:]
    random.Random(21).shuffle(order)
    folds = [order[i::5] for i in range(5)]
    held = []
    for fold in folds:
        c = best([i for i in everything if i not in fold])
        held += [per_q[c][i] for i in fold]
    out["5fold_held_out_ndcg@10"] = sum(held) / len(held)
    c = best(everything)
    out["best_on_all"] = configs[c]
    out["best_on_all_ndcg@10"] = sum(per_q[c]) / len(queries)
    shipped = next((i for i, cf in enumerate(configs) if cf == out["shipped"]), None)
    out["shipped_ndcg@10"] = sum(per_q[shipped]) / len(queries) if shipped is not None else None
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="the archive: a SQLite file (built when missing) or a postgresql:// URL (tagged "
                                 "beforehand with minutebook tag)")
    ap.add_argument("--judgments", type=Path, default=JUDGMENTS)
    ap.add_argument("--pool", type=Path, help="write the pooled top 10 of every mode for judging")
    ap.add_argument("--fit", action="store_true", help="choose the fusion weights by cross-validation")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--worst", type=int, default=3, help="show the N worst queries of hybrid search")
    args = ap.parse_args(argv)

    tmp = None
    db = args.db
    if db is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-search-")
        db = str(Path(tmp.name) / "bench.db")
    if not is_postgres_url(db) and not Path(db).exists():
        build(Path(db))
    with Archive.open(db, readonly=True) as a:
        if a.counts().sections == 0:
            sys.exit(f"bench_search: {db} holds no sections: give another --db (or none, to build one)")
        s = Systems(a, [q["query"] for q in json.loads(args.judgments.read_text(encoding="utf-8"))["queries"]])
        queries, grades = load_judgments(args.judgments)  # after Systems: keys use the sections' opening words
        unanswerable = [q["query"] for q in queries if not any(grades[q["query"]].values())]
        if not args.pool:  # a query nothing in the pool answers scores 0 for every mode: left out of the means
            queries = [q for q in queries if q["query"] not in unanswerable]
        if args.pool:
            pool = {}
            by_id = {(x["file"], x["heading"]): x for x in s.secs}
            for q in queries:
                items: dict[tuple[str, str], dict] = {}
                for mode in (*MODES, "vector-all"):
                    for f, h in s.run(mode, q["query"]):
                        if key(f, h) not in grades[q["query"]]:
                            items.setdefault(key(f, h), {"file": f, "heading": h,
                                                         "text": by_id.get((f, h), {}).get("text", "")})
                pool[q["query"]] = {"kind": q["kind"], "items": sorted(items.values(), key=lambda x: (x["file"], x["heading"]))}
            args.pool.write_text(json.dumps(pool, indent=1, ensure_ascii=False), encoding="utf-8")
            print(f"pooled {sum(len(p['items']) for p in pool.values())} unjudged sections into {args.pool}")
            return 0
        res = evaluate(s, queries, grades)
        report: dict[str, Any] = {
            "archive": {"sections": len(s.secs), "documents": len({x['file'] for x in s.secs})},
            "queries": len(queries), "left_out": unanswerable,
            "table": {mode: {kind or "all": {m: round(sum(r[m] for q, r in zip(queries, res[mode]["all"])
                                                        if kind is None or q["kind"] == kind)
                                                    / max(1, sum(1 for q in queries if kind is None or q["kind"] == kind)), 3)
                                           for m in ("ndcg@10", "recall@10", "p@5")}
                             for kind in (None, *KINDS)} for mode in MODES}}
        order = sorted(range(len(queries)), key=lambda i: res["hybrid"]["all"][i]["ndcg@10"])
        report["worst"] = [{"query": queries[i]["query"], "kind": queries[i]["kind"],
                            "ndcg@10": round(res["hybrid"]["all"][i]["ndcg@10"], 3),
                            "bm25_ndcg@10": round(res["bm25"]["all"][i]["ndcg@10"], 3),
                            "returned": [f"{f} | {h} | grade {grades[queries[i]['query']].get(key(f, h), 0)}"
                                         for f, h in res["hybrid"]["runs"][i][:5]]}
                           for i in order[:args.worst]]
        if args.fit:
            report["fit"] = fit(s, queries, grades)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        t = report["table"]
        print(f"{report['queries']} queries, {report['archive']['sections']} sections of "
              f"{report['archive']['documents']} files; left out (nothing relevant in the pool): "
              f"{', '.join(unanswerable) or 'none'}")
        print("| mode | metric | all | exact | other words | theme-like |\n|---|---|---|---|---|---|")
        for mode in MODES:
            for m in ("ndcg@10", "recall@10", "p@5"):
                print(f"| {mode} | {m} | " + " | ".join(f"{t[mode][k][m]:.2f}" for k in ("all", *KINDS)) + " |")
        print("\nworst queries (hybrid):")
        for w in report["worst"]:
            print(f"  {w['query']!r} ({w['kind']}): nDCG@10 {w['ndcg@10']} (BM25 {w['bm25_ndcg@10']})")
            for line in w["returned"]:
                print(f"     {line}")
        if "fit" in report:
            print("\nfit:", json.dumps(report["fit"], indent=1))
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
