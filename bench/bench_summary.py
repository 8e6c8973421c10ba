"""Summary quality of the drafts, counted over every corpus document.

    python bench/bench_summary.py [--json OUT] [DIR ...]

Default documents: corpus/seed, corpus/samples, ../shared/corpus/real, ../shared/corpus/batch2/real and the
corpus/external documents (corpus/external/docs or $MINUTEBOOK_EXTERNAL_DOCS) where present. Per draft:

(a) summary sentences that open with a personal pronoun (He, She, His, Her) while the summary
    sentence before it names nobody (or there is none);
(b) list items run together: a decision whose source spans several list items but whose text does
    not keep them apart (no '; ' between them, no items);
(c) decision/action duplicates: an action of the draft with no owner whose words are (nearly) all in
    a decision of the same draft;
(d) facts in a summary not found in its section (names, numbers, dates: the grounding check);
(e) summary length as a share of the section's words (median over sections).

Counts must fall for (a)-(c); (d) must stay 0.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PRONOUN = re.compile(r"^\W*(He|She|His|Her)\b")
NAMED = re.compile(r"(?<=\s)[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|^[A-Z][a-z]+\s+[A-Z][a-z]+")
SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"“'‘(]?[A-Z0-9])")


def _grounding():
    try:
        from pipeline.summarise.grounding import check_grounding
    except ImportError:  # the layout before the architecture change
        from pipeline.summarise import check_grounding  # type: ignore[no-redef]
    return check_grounding


def _build_draft():
    try:
        from pipeline.draft.build import build_draft
    except ImportError:  # the layout before the architecture change
        from pipeline.draft import build_draft  # type: ignore[no-redef]
    return build_draft


def documents(dirs: list[Path]) -> list[Path]:
    out = []
    for d in dirs:
        for p in sorted(d.iterdir()) if d.is_dir() else []:
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in (".json", ".py", ".tsv"):
                out.append(p)
    return out


def default_dirs() -> list[Path]:
    shared = REPO.parent / "shared" / "corpus"
    dirs = [REPO / "corpus" / "seed", REPO / "corpus" / "samples", shared / "real", shared / "batch2" / "real"]
    ext = os.environ.get("MINUTEBOOK_EXTERNAL_DOCS") or str(REPO / "corpus" / "external" / "docs")
    dirs.append(Path(ext))
    return [d for d in dirs if d.is_dir()]


def count(meeting, text: str) -> dict:
    from pipeline.extract import read_document  # noqa: F401  (kept for symmetry with older layouts)

    check = _grounding()
    pron = ungrounded = 0
    shares = []
    sections = {i: h for i, h in enumerate(meeting.section_tree)}
    for s in meeting.summaries:
        sents = SPLIT.split(s.summary.strip())
        for k, sent in enumerate(sents):
            # unresolved: the summary's first sentence, or the sentence before names nobody
            if PRONOUN.match(sent) and (k == 0 or not NAMED.search(sents[k - 1])):
                pron += 1
        h = sections.get(s.section_index)
        if h is not None:
            body = text[h.body_start:h.body_end]
            rep = check(s.summary, body)
            ungrounded += 0 if rep.ok else 1
            bw = len(body.split())
            if bw:
                shares.append(len(s.summary.split()) / bw)
    runtogether = 0
    for d in meeting.decisions:
        span = text[d.provenance.start:d.provenance.end]
        lines = [ln for ln in span.splitlines() if ln.strip()]
        if len(lines) > 2 and not getattr(d, "items", None) and "; " not in d.text:
            runtogether += 1
    dup = 0
    draft = _build_draft()(meeting)
    for a in draft.actions:  # what the secretary reads: an ownerless action that only restates a decision
        words = set(re.findall(r"[a-z]{4,}", a.task.lower()))
        if a.owner or not words:
            continue
        if any(len(words & set(re.findall(r"[a-z]{4,}", d.text.lower()))) >= 0.8 * len(words)
               for d in draft.decisions):
            dup += 1
    return {"pronoun_openings": pron, "list_items_run_together": runtogether, "decision_action_duplicates": dup,
            "ungrounded_summaries": ungrounded, "summaries": len(meeting.summaries),
            "median_share": round(statistics.median(shares), 3) if shares else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from pipeline.api import analyse
    from pipeline.extract import read_document

    rows = {}
    for p in documents(args.dirs or default_dirs()):
        try:
            m = analyse(p)
            text = read_document(p).text
        except Exception as e:  # a file the readers refuse is not a draft
            print(f"{p.name}: {e.__class__.__name__}", file=sys.stderr)
            continue
        rows[p.name] = count(m, text)
        print(p.name, rows[p.name], file=sys.stderr, flush=True)
    keys = ["pronoun_openings", "list_items_run_together", "decision_action_duplicates", "ungrounded_summaries",
            "summaries"]
    total = {k: sum(r[k] for r in rows.values()) for k in keys}
    shares = [r["median_share"] for r in rows.values() if r["median_share"] is not None]
    total["median_share"] = round(statistics.median(shares), 3) if shares else None
    total["drafts"] = len(rows)
    print(json.dumps(total, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"total": total, "drafts": rows}, indent=1))


if __name__ == "__main__":
    main()
