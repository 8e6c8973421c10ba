"""Train and cross-validate the theme model (pipeline/themes/head.py) on hand-labelled sections.

    python bench/train_themes.py                 # leave-one-document-out cross-validation, per label
    python bench/train_themes.py --write         # ... then train on everything, write models/themes_head.npz

Labelled sections come from every gold file with ``themes`` ({heading: [labels]}): ../shared/corpus
batch 1 and batch 2 (where present), corpus/external and corpus/fresh2 (where their documents are:
corpus/<set>/docs, $MINUTEBOOK_EXTERNAL_DOCS, $MINUTEBOOK_FRESH2_DOCS) and corpus/expected. Each gold heading is found among the sections
minutebook reads from the document (or, failing that, in the document's text) to get its text; the
taxonomy's descriptions and examples are added as short labelled samples (weight 0.5).

Cross-validation holds out one document at a time: the model is trained on the other documents and
the held-out document's sections are labelled (``head.decide``). The hyperparameters (the two
regularisation strengths, the blend of the two models and the one threshold) were chosen on a
separate 10-fold split grouped by document (see ``--scan``); per-label thresholds chosen by an inner
cross-validation were tried and did worse than one threshold for all labels.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.evaluate import external_docs, headings_match, held_out_docs  # noqa: E402
from pipeline.themes.head import (  # noqa: E402
    SectionView,
    clean_heading,
    decide,
    embedding_features,
    fit_model,
    taxonomy_hash,
    view_texts,
)

CACHE = Path(os.environ.get("MINUTEBOOK_CACHE", Path.home() / ".cache" / "minutebook")) / "themes_dataset.npz"
PROCEDURAL = "procedural_schedule"


def gold_sets() -> list[tuple[str, Path, list[Path]]]:
    shared = REPO.parent / "shared"
    sets = [("batch1", shared / "corpus" / "gold", [shared / "corpus" / "real", shared]),
            ("batch2", shared / "corpus" / "batch2" / "gold", [shared / "corpus" / "batch2" / "real"]),
            ("corpus", REPO / "corpus" / "expected", [REPO / "corpus" / "seed", REPO / "corpus" / "samples"])]
    ext = external_docs(REPO)
    if ext is not None:
        sets.append(("external", REPO / "corpus" / "external" / "gold", [ext]))
    fresh2 = held_out_docs(REPO, "fresh2", "MINUTEBOOK_FRESH2_DOCS")
    if fresh2 is not None:
        sets.append(("fresh2", REPO / "corpus" / "fresh2" / "gold", [fresh2]))
    return [s for s in sets if s[1].is_dir()]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) >= 3][:12]


def collect() -> tuple[list[str], list[SectionView], list[list[str]]]:
    """(document id, view, gold labels) for every labelled gold section."""
    from pipeline.api import run

    docs, views, labels = [], [], []
    for set_name, gold_dir, dirs in gold_sets():
        for g in sorted(gold_dir.glob("*.json")):
            gold = json.loads(g.read_text(encoding="utf-8"))
            themes = {h: ls for h, ls in (gold.get("themes") or {}).items() if ls}
            src = next((d / gold["file"] for d in dirs if (d / gold["file"]).exists()), None)
            if not themes or src is None:
                continue
            try:
                state = run(src, stages=["extract", "structure", "sections"])
            except Exception as e:  # a document the readers refuse still has its gold headings
                print(f"  {g.name}: {e}", file=sys.stderr)
                continue
            text = state.document.text
            secs = state.sections or []
            heads = list(themes)
            for i, h in enumerate(heads):
                sec = next((s for s in secs if headings_match(h, s.heading)), None)
                if sec is not None:
                    view = SectionView.of(sec)
                else:  # find the heading in the text; its body runs to the next gold heading
                    at = text.lower().find(clean_heading(h).lower()[:40])
                    nxt = [text.lower().find(clean_heading(x).lower()[:40], at + 1) for x in heads[i + 1:]]
                    end = min([n for n in nxt if n > at] + [at + 1500]) if at >= 0 else 0
                    body = text[at + len(h):end] if at >= 0 else ""
                    view = SectionView(clean_heading(h) or h, " ".join(body.split()[:200]), _sentences(body))
                docs.append(f"{set_name}/{g.name}")
                views.append(view)
                labels.append(list(themes[h]))
    return docs, views, labels


def encode(views: list[SectionView], taxonomy):
    from pipeline.themes.encoder import shared_encoder

    enc = shared_encoder()
    names = taxonomy.names
    ptexts, powner = [], []
    for li, n in enumerate(names):
        for t in taxonomy.labels[n].prototype_texts():
            ptexts.append(t)
            powner.append(li)
    protos = enc.encode(ptexts)
    powner_a = np.array(powner)
    texts, where = [], []
    for v in views:
        t, w = view_texts(v)
        where.append((len(texts), w))
        texts.extend(t)
    distinct = sorted(set(texts), key=len)
    row = {t: i for i, t in enumerate(distinct)}
    vecs = enc.encode(distinct)
    allv = vecs[[row[t] for t in texts]]
    X = []
    for off, (h, b, first, n) in where:
        X.append(embedding_features(allv[off:], (h, b, first, n), protos, powner_a, len(names)))
    # the taxonomy's examples as samples: each a heading-only view
    ex_views = [SectionView(t, "", []) for t in ptexts]
    ex_vecs = enc.encode([v.heading for v in ex_views])
    Xe = np.stack([embedding_features(ex_vecs[i:i + 1], (0, -1, 1, 0), protos, powner_a, len(names))
                   for i in range(len(ex_views))])
    return np.stack(X), Xe, powner_a, ptexts


def multi_hot(labels: list[list[str]], names: list[str]) -> np.ndarray:
    Y = np.zeros((len(labels), len(names)))
    for i, ls in enumerate(labels):
        for lab in ls:
            if lab in names:
                Y[i, names.index(lab)] = 1
    return Y


def prf(Y: np.ndarray, Yhat: np.ndarray) -> tuple[float, float, float, int, int, int]:
    tp = int((Y * Yhat).sum())
    fp = int(((1 - Y) * Yhat).sum())
    fn = int((Y * (1 - Yhat)).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), tp, fp, fn


def train(X, texts, Y, Xe, etexts, Ye, names, hp):
    return fit_model(np.vstack([X, Xe]), list(texts) + list(etexts), np.vstack([Y, Ye]), names,
                     weights=np.concatenate([np.ones(len(X)), np.full(len(Xe), hp["examples_weight"])]),
                     emb_c=hp["emb_c"], txt_c=hp["txt_c"], blend=hp["blend"], proto_weight=hp["proto_weight"],
                     threshold=hp["threshold"])


def oof(X, texts, Y, docs, Xe, etexts, Ye, names, hp, folds: int | None = None) -> np.ndarray:
    """Out-of-fold probabilities, grouped by document (leave-one-document-out, or ``folds`` groups)."""
    ud = sorted(set(docs))
    g = np.array([{d: (i % folds if folds else i) for i, d in enumerate(ud)}[d] for d in docs])
    P = np.zeros_like(Y, dtype=float)
    texts = np.array(texts, dtype=object)
    for k in sorted(set(g)):
        tr, te = g != k, g == k
        model = train(X[tr], texts[tr], Y[tr], Xe, etexts, Ye, names, hp)
        P[te] = model.predict_proba(X[te], list(texts[te]))
    return P


HPARAMS = {"emb_c": 0.01, "txt_c": 10.0, "blend": 0.5, "proto_weight": 0.33, "threshold": 0.40,
           "examples_weight": 0.5}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help="train on everything and write models/themes_head.npz")
    ap.add_argument("--scan", action="store_true", help="choose blend and threshold on a 10-fold grouped split")
    ap.add_argument("--rebuild", action="store_true", help="re-read the documents (ignore the cached dataset)")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from pipeline.themes.taxonomy import Taxonomy

    tax = Taxonomy.load()
    names = tax.names
    th = taxonomy_hash(tax)
    t0 = time.time()
    cached = CACHE.exists() and not args.rebuild and json.loads(str(np.load(CACHE)["meta"])).get("hash") == th
    if cached and "texts" in json.loads(str(np.load(CACHE)["meta"])):
        z = np.load(CACHE)
        meta = json.loads(str(z["meta"]))
        X, Xe, powner, docs, labels = z["X"], z["Xe"], z["powner"], meta["docs"], meta["labels"]
        views = [SectionView(h, b) for h, b in meta["texts"]]
    else:
        docs, views, labels = collect()
        X, Xe, powner, _ = encode(views, tax)
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(CACHE, X=X, Xe=Xe, powner=powner,
                            meta=np.array(json.dumps({"hash": th, "docs": docs, "labels": labels,
                                                      "texts": [[v.heading, v.body] for v in views]})))
    etexts = [t for n in names for t in tax.labels[n].prototype_texts()]
    texts = [v.words for v in views]
    Y = multi_hot(labels, names)
    Ye = np.eye(len(names))[powner]
    print(f"{len(X)} labelled sections from {len(set(docs))} documents, {len(Xe)} taxonomy examples "
          f"({time.time() - t0:.0f} s)", file=sys.stderr)
    hp = dict(HPARAMS)
    if args.scan:
        P = oof(X, texts, Y, docs, Xe, etexts, Ye, names, hp, folds=10)
        best = max(((t, prf(Y, decide(P, t, names))[2]) for t in np.arange(0.3, 0.65, 0.05)), key=lambda x: x[1])
        print(f"10-fold grouped: best threshold {best[0]:.2f} (micro F1 {best[1]:.3f})")
        hp["threshold"] = round(float(best[0]), 2)
    key = json.dumps({k: hp[k] for k in sorted(hp) if k != "threshold"}) + th
    oof_cache = CACHE.with_name("themes_oof.npz")
    if oof_cache.exists() and not args.rebuild and str(np.load(oof_cache)["key"]) == key:
        P = np.load(oof_cache)["P"]
    else:
        P = oof(X, texts, Y, docs, Xe, etexts, Ye, names, hp)
        np.savez_compressed(oof_cache, P=P, key=np.array(key))
    Yhat = decide(P, hp["threshold"], names)
    ud = sorted(set(docs))
    print(f"\nleave-one-document-out ({len(ud)} documents, {len(X)} sections); {hp}")
    print(f"{'label':26} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
    for j, n in enumerate(names):
        p, r, f, tp, fp, fn = prf(Y[:, j:j + 1], Yhat[:, j:j + 1])
        print(f"{n:26} {p:6.3f} {r:6.3f} {f:6.3f} {int(Y[:, j].sum()):5d}")
    p, r, f, tp, fp, fn = prf(Y, Yhat)
    print(f"{'micro':26} {p:6.3f} {r:6.3f} {f:6.3f} {int(Y.sum()):5d}")
    for s in sorted({d.split("/")[0] for d in docs}):
        m = np.array([d.startswith(s + "/") for d in docs])
        print(f"  {s:10} micro F1 {prf(Y[m], Yhat[m])[2]:.3f} ({m.sum()} sections)")
    if args.write:
        model = train(X, texts, Y, Xe, etexts, Ye, names, hp)
        model.taxonomy_hash = th
        model.info = {**model.info, "sections": int(len(X)), "documents": len(ud), **hp, "loo_micro_f1": round(f, 3)}
        out = REPO / "models" / "themes_head.npz"
        model.save(out)
        print(f"wrote {out.relative_to(REPO)} ({out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
