"""PDF extraction speed: minutebook's reader vs pdfminer.six's own ``extract_text``, same files, same run.

    python bench/bench_extract.py [PDF ...] [--repeat N] [--json]

Default files: the shared real PDFs (../shared/corpus/real/*.pdf) plus corpus/seed/seed-minutes.pdf if
present. Each file is read ``--repeat`` times by each extractor (interleaved) and the median time is
used; pages/second = pages / median seconds. The total row sums the medians.
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
    files = sorted((REPO.parent / "shared" / "corpus" / "real").glob("*.pdf"))
    seed = REPO / "corpus" / "seed" / "seed-minutes.pdf"
    if seed.exists():
        files.append(seed)
    return files


def page_count(path: Path) -> int:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    with path.open("rb") as fh:
        return sum(1 for _ in PDFPage.create_pages(PDFDocument(PDFParser(fh))))


def bench(files: list[Path], repeat: int) -> dict:
    from pdfminer.high_level import extract_text

    from pipeline.extract import read_document

    rows = []
    for f in files:
        pages = page_count(f)
        ours: list[float] = []
        raw: list[float] = []
        read_document(f)  # warm-up (imports, caches)
        extract_text(str(f))
        for _ in range(repeat):
            t = time.perf_counter()
            read_document(f)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            extract_text(str(f))
            raw.append(time.perf_counter() - t)
        o, r = statistics.median(ours), statistics.median(raw)
        rows.append({"file": f.name, "pages": pages, "ours_s": o, "raw_s": r,
                     "ours_pps": pages / o, "raw_pps": pages / r, "ratio": (pages / o) / (pages / r)})
    tp = sum(r["pages"] for r in rows)
    to = sum(r["ours_s"] for r in rows)
    tr = sum(r["raw_s"] for r in rows)
    total = {"file": "TOTAL", "pages": tp, "ours_s": to, "raw_s": tr, "ours_pps": tp / to if to else 0.0,
             "raw_pps": tp / tr if tr else 0.0, "ratio": (tr / to) if to else 0.0}
    return {"repeat": repeat, "files": rows, "total": total}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    files = args.pdfs or default_files()
    if not files:
        print("no PDF files given and ../shared/corpus/real not present", file=sys.stderr)
        return 2
    res = bench(files, args.repeat)
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
    print(f"median of {args.repeat} runs; ratio = ours pages/s / pdfminer extract_text pages/s (>1: ours faster)")
    print(f"{'file':50} {'pages':>5} {'ours p/s':>9} {'raw p/s':>9} {'ratio':>6}")
    for r in res["files"] + [res["total"]]:
        print(f"{r['file'][:50]:50} {r['pages']:5d} {r['ours_pps']:9.1f} {r['raw_pps']:9.1f} {r['ratio']:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
