"""Detection speed: minutebook's detect stage vs a raw spaCy ``nlp.pipe`` over the same text.

    python bench/bench_detect.py [FILE ...] [--repeat N] [--json]

Default files: every document in corpus/ (seed and samples) and ../shared/corpus/real when present.
Each document is read and structured once (not timed); then, ``--repeat`` times and interleaved:
  raw  = spaCy's ``nlp.pipe`` over the document's block texts (the same model, loaded once),
  ours = the whole detect stage (that same parse plus people, dates, actions, decisions, warnings).
The ratio ours/raw says what the detectors cost on top of the parse. Words/second use the block text.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def default_files() -> list[Path]:
    files = sorted(p for p in (REPO / "corpus" / "seed").iterdir() if p.suffix in (".txt", ".pdf", ".docx"))
    files += sorted((REPO / "corpus" / "samples").iterdir())
    real = REPO.parent / "shared" / "corpus" / "real"
    if real.is_dir():
        files += sorted(real.iterdir())
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from pipeline.detect.detect import detect
    from pipeline.detect.nlp import shared_spacy
    from pipeline.extract import read_document
    from pipeline.structure.build import build_meeting
    from pipeline.structure.structure import structure

    nlp = shared_spacy()
    t0 = time.perf_counter()
    nlp.warm_up()
    load = time.perf_counter() - t0
    docs = []
    for f in args.files or default_files():
        doc = read_document(f)
        docs.append((f, doc, structure(doc)))
    words = sum(len(d.text.split()) for _, d, _ in docs)
    raw_times, our_times = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        for _, doc, _st in docs:
            list(nlp.nlp.pipe([b.text for b in doc.blocks], batch_size=64))
        raw_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        for _, doc, st in docs:
            detect(doc, st, build_meeting(doc, st), nlp=nlp)
        our_times.append(time.perf_counter() - t)
    raw, ours = statistics.median(raw_times), statistics.median(our_times)
    result = {"documents": len(docs), "words": words, "model": f"{nlp.model_name} {nlp.model_version}",
              "model_load_s": round(load, 2), "raw_spacy_s": round(raw, 3), "detect_s": round(ours, 3),
              "raw_words_per_s": round(words / raw), "detect_words_per_s": round(words / ours),
              "ratio_detect_over_raw": round(ours / raw, 2), "repeat": args.repeat}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['documents']} documents, {words} words, model {result['model']} (load {load:.2f} s), "
          f"median of {args.repeat} runs")
    print(f"raw spaCy nlp.pipe : {raw:7.3f} s  {result['raw_words_per_s']:>7} words/s")
    print(f"minutebook detect  : {ours:7.3f} s  {result['detect_words_per_s']:>7} words/s")
    print(f"ratio detect / raw : {result['ratio_detect_over_raw']:.2f}")


if __name__ == "__main__":
    main()
