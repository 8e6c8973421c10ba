"""Calibrate the theme tagger's per-label thresholds on the project's corpus, and measure it on a gold set.

    python bench/calibrate_themes.py                 # calibrate on corpus/expected, print the thresholds
    python bench/calibrate_themes.py --write         # ... and write them to models/themes_thresholds.toml
    python bench/calibrate_themes.py --measure GOLD_DIR DOCS_DIR [DOCS_DIR ...] [--strict] [--show]

Calibration uses only the project's own annotated documents (corpus/expected with their sources in
corpus/seed and corpus/samples; of the seed's three renditions only the text one, so the seed meeting
counts once). It sweeps one threshold for all labels, then each label's own threshold in turn
(coordinate ascent on the corpus micro-F1), keeping a label's own value only when the label has at
least ``--min-support`` gold uses and the gain is real; otherwise the label keeps the common value.

Scoring (``--measure``): predicted sections are matched to gold sections by heading (as
``pipeline.evaluate.headings_match``, in order). For each matched pair, gold labels (none for a gold
section without a ``themes`` entry, e.g. a container) are compared with the predicted ones; labels of
gold sections we did not find are missed. Labels on predicted sections that match no gold section are
ignored by default (section detection is scored elsewhere) and counted as false positives with
``--strict``. Prints micro P/R/F1, per-label P/R/F1 and the share of sections that get each label
(the gold rule: no label on more than half of all sections).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pipeline.evaluate import PRF, headings_match  # noqa: E402

OWN_EXPECTED = REPO / "corpus" / "expected"
OWN_DOCS = [REPO / "corpus" / "samples", REPO / "corpus" / "seed"]
SKIP_RENDITIONS = {"seed-minutes.pdf", "seed-minutes.docx"}  # same meeting as seed-minutes.txt


@dataclass
class Item:
    name: str
    gold: dict[str, list[str]]  # heading -> labels (containers: absent)
    gold_sections: list[str]
    doc: object
    sections: list  # SectionText


def load_set(gold_dir: Path, docs_dirs: list[Path], skip: set[str] = frozenset()) -> list[Item]:
    from pipeline.core.runner import Pipeline
    from pipeline.core.stage import State
    from pipeline.structure.sections import section_texts

    items = []
    for gpath in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        name = gold.get("file") or gpath.name[:-5]
        if name in skip or "themes" not in gold:
            continue
        src = next((d / name for d in docs_dirs if (d / name).exists()), None)
        if src is None:
            print(f"  (skipped {name}: not found in {', '.join(map(str, docs_dirs))})", file=sys.stderr)
            continue
        pipe = Pipeline(["extract", "structure"])
        state = pipe.run(State(path=src, options={}))
        items.append(Item(name, gold["themes"], gold.get("sections", list(gold["themes"])), state.document,
                          section_texts(state.document, state.meeting)))
    return items


def match_sections(gold_sections: list[str], pred_headings: list[str]) -> dict[int, str]:
    """pred index -> gold heading, greedily and in order (each gold heading used once)."""
    used: set[int] = set()
    out: dict[int, str] = {}
    for pi, ph in enumerate(pred_headings):
        for gi, gh in enumerate(gold_sections):
            if gi not in used and headings_match(gh, ph):
                used.add(gi)
                out[pi] = gh
                break
    return out


class Scored:
    """Everything the choice of labels needs, computed once per item (so threshold sweeps are cheap)."""

    def __init__(self, tagger, items: list[Item]):
        self.tagger = tagger
        self.items = items
        self.rows = []  # per item: list of (section, scores or None when container, procedural)
        for it in items:
            feats = tagger.section_features(it.sections)
            rows = []
            for s, f in zip(it.sections, feats):
                if s.is_container:
                    rows.append((s, None, False))
                else:
                    kind = "procedural" if tagger.is_procedural(s) else "actions" if tagger.is_action_list(s) else ""
                    rows.append((s, tagger.scores(f), kind))
            self.rows.append(rows)

    def predict(self, thresholds: dict[str, float]) -> list[list[list[str]]]:
        t = self.tagger
        names = t.label_names
        saved = dict(t._thr)
        t._thr.update(thresholds)
        proc = t.taxonomy.procedural_label
        out = []
        for rows in self.rows:
            doc_pred = []
            for s, sc, is_proc in rows:
                if sc is None:
                    doc_pred.append([])
                elif is_proc == "procedural" and proc:
                    doc_pred.append([proc])
                elif is_proc == "actions" and proc:
                    doc_pred.append([proc] + [names[i] for i in t.choose(sc, force=False)][: t.max_labels - 1])
                else:
                    doc_pred.append([names[i] for i in t.choose(sc)])
            out.append(doc_pred)
        t._thr = saved
        return out


def score(items: list[Item], preds: list[list[list[str]]], strict: bool = False) -> dict:
    micro = PRF()
    per: dict[str, PRF] = {}
    n_sections = 0
    given: dict[str, int] = {}
    gold_given: dict[str, int] = {}
    n_gold_sections = 0
    for it, pred in zip(items, preds):
        headings = [s.heading for s in it.sections]
        m = match_sections(it.gold_sections, headings)
        n_sections += len(headings)
        n_gold_sections += len(it.gold_sections)
        for labels in it.gold.values():
            for lab in labels:
                gold_given[lab] = gold_given.get(lab, 0) + 1
        for pi, labels in enumerate(pred):
            for lab in labels:
                given[lab] = given.get(lab, 0) + 1
        matched_gold = set(m.values())
        for pi, labels in enumerate(pred):
            if pi not in m:
                if strict:
                    for lab in labels:
                        per.setdefault(lab, PRF()).add(0, 1, 0)
                        micro.add(0, 1, 0)
                continue
            g = set(_gold_labels(it.gold, m[pi]))
            for lab in labels:
                ok = lab in g
                per.setdefault(lab, PRF()).add(int(ok), int(not ok), 0)
                micro.add(int(ok), int(not ok), 0)
            for lab in g - set(labels):
                per.setdefault(lab, PRF()).add(0, 0, 1)
                micro.add(0, 0, 1)
        for gh, labels in it.gold.items():
            if gh not in matched_gold and not any(headings_match(gh, x) for x in matched_gold):
                for lab in labels:
                    per.setdefault(lab, PRF()).add(0, 0, 1)
                    micro.add(0, 0, 1)
    return {"micro": micro.scores(), "labels": {k: v.scores() for k, v in sorted(per.items())},
            "sections": n_sections, "given": given, "gold_sections": n_gold_sections, "gold_given": gold_given}


def _gold_labels(gold: dict[str, list[str]], heading: str) -> list[str]:
    if heading in gold:
        return gold[heading]
    for k, v in gold.items():
        if headings_match(k, heading):
            return v
    return []


def half_rule(report: dict) -> list[str]:
    """Labels given to more than half of all (predicted) sections."""
    return [k for k, v in report["given"].items() if v > report["sections"] / 2]


def calibrate(scored: Scored, min_support: int = 3, grid=None, shrink: float = 10.0) -> tuple[dict[str, float], float, dict]:
    import numpy as np

    grid = list(np.round(np.arange(0.05, 0.96, 0.01), 2)) if grid is None else grid
    names = scored.tagger.label_names

    def f1(th):
        return score(scored.items, scored.predict(th))["micro"]["f1"]

    best_c, best_f = grid[0], -1.0
    for c in grid:
        f = f1({n: c for n in names})
        if f > best_f + 1e-9:
            best_c, best_f = c, f
    th = {n: best_c for n in names}
    support = {}
    for it in scored.items:
        for labels in it.gold.values():
            for lab in labels:
                support[lab] = support.get(lab, 0) + 1
    for _ in range(2):
        for n in names:
            if support.get(n, 0) < min_support:
                continue
            cur = f1(th)
            best_v, best_g = th[n], cur
            for v in grid:
                g = f1({**th, n: v})
                if g > best_g + 0.004:  # a real gain, not a tie
                    best_v, best_g = v, g
            th[n] = best_v
    # shrink each label's own value towards the common one by its support (little data: little trust)
    for n in names:
        s = support.get(n, 0)
        th[n] = round(float(best_c + (th[n] - best_c) * s / (s + shrink)), 3)
    return th, best_c, support


def print_report(title: str, rep: dict) -> None:
    m = rep["micro"]
    print(f"\n{title}")
    print(f"micro  P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  (tp {m['tp']} fp {m['fp']} fn {m['fn']})")
    print(f"{'label':26} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4} {'given':>6} {'gold':>5}")
    for k, v in rep["labels"].items():
        print(f"{k:26} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['tp']:4} {v['fp']:4} {v['fn']:4} "
              f"{rep['given'].get(k, 0):6} {rep['gold_given'].get(k, 0):5}")
    over = half_rule(rep)
    top = max(rep["given"].items(), key=lambda kv: kv[1]) if rep["given"] else ("-", 0)
    print(f"sections {rep['sections']} (gold {rep['gold_sections']}); most given label {top[0]} on {top[1]} "
          f"({top[1] / max(1, rep['sections']):.0%}); over half: {over or 'none'}")


def write_thresholds(th: dict[str, float], common: float, path: Path) -> None:
    lines = ["# Per-label thresholds of the theme tagger, calibrated on the project's own corpus",
             "# (corpus/expected) by bench/calibrate_themes.py --write. Do not edit by hand: run it again.",
             "# A threshold in models/themes.toml (or a user's taxonomy) wins over these.", "",
             "[thresholds]", f"_default = {common}"]
    lines += [f"{k} = {v}" for k, v in sorted(th.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def show(items: list[Item], preds) -> None:
    for it, pred in zip(items, preds):
        m = match_sections(it.gold_sections, [s.heading for s in it.sections])
        print(f"== {it.name}")
        for pi, (s, labels) in enumerate(zip(it.sections, pred)):
            g = _gold_labels(it.gold, m[pi]) if pi in m else None
            flag = "" if g is None or set(g) == set(labels) else "  *"
            print(f"   {s.heading[:50]:50} {labels}  gold {g}{flag}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="write the thresholds to models/themes_thresholds.toml")
    ap.add_argument("--measure", nargs="+", metavar="DIR", help="GOLD_DIR DOCS_DIR [DOCS_DIR ...]")
    ap.add_argument("--strict", action="store_true", help="labels on sections not in the gold count as wrong")
    ap.add_argument("--show", action="store_true", help="print every section with its labels and the gold")
    ap.add_argument("--min-support", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from pipeline.themes.tagger import ThemeTagger
    from pipeline.themes.taxonomy import DEFAULT_THRESHOLDS

    tagger = ThemeTagger()
    t0 = time.perf_counter()
    tagger.warm_up()
    if args.measure:
        if len(args.measure) < 2:
            ap.error("--measure needs GOLD_DIR and at least one DOCS_DIR")
        items = load_set(Path(args.measure[0]), [Path(d) for d in args.measure[1:]])
        t1 = time.perf_counter()
        scored = Scored(tagger, items)
        preds = scored.predict({})
        t2 = time.perf_counter()
        rep = score(items, preds, strict=args.strict)
        if args.json:
            print(json.dumps(rep, indent=1))
            return
        if args.show:
            show(items, preds)
        print_report(f"{args.measure[0]}: {len(items)} documents{' (strict)' if args.strict else ''}", rep)
        print(f"tagging {sum(len(i.sections) for i in items)} sections: {t2 - t1:.2f}s "
              f"(model load {t1 - t0:.1f}s incl. reading)")
        return
    items = load_set(OWN_EXPECTED, OWN_DOCS, SKIP_RENDITIONS)
    scored = Scored(tagger, items)
    th, common, support = calibrate(scored, args.min_support)
    before = score(items, scored.predict({}))
    after = score(items, scored.predict(th))
    print(f"calibration on {len(items)} documents of corpus/expected; common threshold {common}")
    print(f"{'label':26} {'threshold':>9} {'support':>8}")
    for n in tagger.label_names:
        print(f"{n:26} {th[n]:9.2f} {support.get(n, 0):8}")
    print_report("with the thresholds in use now", before)
    print_report("with the calibrated thresholds", after)
    if args.show:
        show(items, scored.predict(th))
    if args.write:
        write_thresholds(th, common, DEFAULT_THRESHOLDS)
        print(f"\nwrote {DEFAULT_THRESHOLDS}")


if __name__ == "__main__":
    main()
