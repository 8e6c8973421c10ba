"""Scans and word-processor renditions against the born-digital originals, scored on the same gold.

    python bench/bench_ocr.py [--shared ../shared/corpus] [--dpi 300 200] [--limit N] [--json OUT]

1. **Scans.** Every born-digital PDF of the shared corpus that has a gold file (corpus/gold and
   corpus/batch2/gold) is made into a scan, once per resolution: each page rendered by pdfium in grey,
   turned by a small random angle (-1.5 to 1.5 degrees, seeded per file), given Gaussian noise
   (sigma 10) and JPEG compression (quality 70), and written as an image-only PDF (Pillow) under the
   same name. ``minutebook eval``'s scorer (``pipeline.evaluate.evaluate``) scores the originals and
   each set of scans against the same gold; the table gives F1 per field and the drop from born-digital.
   Seconds per page are the OCR's own (Tesseract's time, from the record's quality notes), on one
   core (OMP_THREAD_LIMIT=1, as the reader runs it).
   With ``--ocrmypdf PROGRAM`` the peer is measured too: ocrmypdf (one job, one OCR thread, page
   rotation and deskew on) adds a text layer to each scan, and the pipeline reads that with ``--ocr
   never``; its seconds per page are ocrmypdf's wall time over the pages.
2. **Renditions.** Every DOCX with gold is converted by LibreOffice to .doc, .odt and .rtf (in a
   temporary folder), and each set is scored on the same gold (file names rewritten in a copy of it).

Everything is written under a temporary folder; nothing from ../shared is copied into the project.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FIELDS = ("present", "apologies", "guests", "absent", "chair", "sections", "actions", "action_owners", "action_due",
          "themes")
_OCR_NOTE = re.compile(r"OCR: (\d+) page\(s\) read with Tesseract in ([\d.]+) s")


def gold_pairs(shared: Path, ext: str) -> list[tuple[Path, Path]]:
    """(document, gold file) for every ``ext`` document of the shared corpus that has gold."""
    out = []
    for real, gold in ((shared / "real", shared / "gold"), (shared / "batch2" / "real", shared / "batch2" / "gold")):
        for doc in sorted(real.glob(f"*.{ext}")):
            g = gold / f"{doc.name}.json"
            if g.exists():
                out.append((doc, g))
    return out


def make_scan(pdf: Path, out: Path, dpi: int, seed: int) -> int:
    """An image-only PDF of ``pdf`` as a scanner gives it back; returns the page count."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(str(pdf))
    pages = []
    for i in range(len(doc)):
        img = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        img = img.rotate(rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC, fillcolor=255)
        arr = np.asarray(img, dtype=np.float32) + nrng.normal(0, 10, (img.height, img.width))
        img = Image.fromarray(np.clip(arr, 0, 255).astype("uint8"))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=70)
        pages.append(Image.open(io.BytesIO(buf.getvalue())))
    doc.close()
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return len(pages)


def gold_dir(pairs: list[tuple[Path, Path]], folder: Path, rename: dict[str, str] | None = None) -> Path:
    """A folder holding the gold files of ``pairs`` (their "file" renamed by ``rename``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc, g in pairs:
        data = json.loads(g.read_text(encoding="utf-8"))
        name = (rename or {}).get(doc.name, doc.name)
        data["file"] = name
        (folder / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def score(gold: Path, docs: Path, ocr_times: list[tuple[int, float]] | None = None, ocr: str = "auto") -> dict:
    from pipeline.api import analyse
    from pipeline.evaluate import evaluate

    def run(path):
        m = analyse(path, ocr=ocr)
        if ocr_times is not None:
            for note in m.quality.notes:
                hit = _OCR_NOTE.search(note)
                if hit:
                    ocr_times.append((int(hit.group(1)), float(hit.group(2))))
        return m

    return evaluate(gold, [docs], analyse_fn=run)


def f1s(report: dict) -> dict[str, float]:
    out = {k: report["fields"][k]["f1"] for k in FIELDS if k in report["fields"]}
    out["meeting_date"] = report["meeting_date_accuracy"]
    return out


def ocrmypdf(program: str, scans: Path, out: Path) -> float:
    """Run ocrmypdf on every scan; returns the total wall time."""
    import os

    out.mkdir()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    t0 = time.perf_counter()
    for pdf in sorted(scans.glob("*.pdf")):
        cmd = [program, "--output-type", "pdf", "-l", "eng", "--jobs", "1", "--rotate-pages", "--deskew",
               str(pdf), str(out / pdf.name)]
        r = subprocess.run(cmd, capture_output=True, env=env, timeout=1800)
        if r.returncode != 0:
            print(f"ocrmypdf failed on {pdf.name}: {r.stderr.decode(errors='replace')[-300:]}", flush=True)
    return time.perf_counter() - t0


def convert(src: Path, ext: str, outdir: Path, profile: Path) -> Path:
    from pipeline.extract.office import soffice

    subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", ext,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=300)
    return outdir / f"{src.stem}.{ext}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--dpi", type=int, nargs="+", default=[300, 200])
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents of each kind (0 = all)")
    ap.add_argument("--skip-renditions", action="store_true")
    ap.add_argument("--skip-scans", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--ocrmypdf", help="the ocrmypdf program: measure it as the peer on the same scans")
    args = ap.parse_args()
    results: dict = {"scans": {}, "renditions": {}}
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        root = Path(tmp)
        if not args.skip_scans:
            pdfs = gold_pairs(args.shared, "pdf")[: args.limit or None]
            print(f"{len(pdfs)} born-digital PDFs with gold: {', '.join(d.name for d, _ in pdfs)}", flush=True)
            gold = gold_dir(pdfs, root / "gold-pdf")
            born_dir = root / "born"
            born_dir.mkdir()
            for d, _ in pdfs:
                (born_dir / d.name).write_bytes(d.read_bytes())
            t0 = time.perf_counter()
            results["scans"]["born-digital"] = {"f1": f1s(score(gold, born_dir)),
                                                "seconds": round(time.perf_counter() - t0, 1)}
            print("born-digital", results["scans"]["born-digital"], flush=True)
            for dpi in args.dpi:
                sdir = root / f"scan-{dpi}"
                sdir.mkdir()
                pages = sum(make_scan(d, sdir / d.name, dpi, seed=i) for i, (d, _) in enumerate(pdfs))
                times: list[tuple[int, float]] = []
                t0 = time.perf_counter()
                rep = score(gold, sdir, times)
                ocr_pages = sum(n for n, _ in times)
                results["scans"][f"scan {dpi} dpi"] = {
                    "f1": f1s(rep), "pages": pages, "ocr_pages": ocr_pages,
                    "ocr_seconds_per_page": round(sum(s for _, s in times) / ocr_pages, 2) if ocr_pages else None,
                    "seconds": round(time.perf_counter() - t0, 1),
                    "errors": [d for d in rep["documents"] if "error" in d]}
                print(f"scan {dpi} dpi", results["scans"][f"scan {dpi} dpi"], flush=True)
                if args.ocrmypdf:
                    odir = root / f"ocrmypdf-{dpi}"
                    wall = ocrmypdf(args.ocrmypdf, sdir, odir)
                    rep = score(gold, odir, ocr="never")
                    results["scans"][f"ocrmypdf {dpi} dpi"] = {
                        "f1": f1s(rep), "pages": pages, "ocr_seconds_per_page": round(wall / pages, 2),
                        "errors": [d for d in rep["documents"] if "error" in d]}
                    print(f"ocrmypdf {dpi} dpi", results["scans"][f"ocrmypdf {dpi} dpi"], flush=True)
        if not args.skip_renditions:
            docxs = gold_pairs(args.shared, "docx")[: args.limit or None]
            print(f"{len(docxs)} DOCX with gold: {', '.join(d.name for d, _ in docxs)}", flush=True)
            for ext in ("docx", "doc", "odt", "rtf"):
                ddir = root / f"rend-{ext}"
                ddir.mkdir()
                rename = {}
                for d, _ in docxs:
                    src = ddir / d.name
                    src.write_bytes(d.read_bytes())
                    if ext != "docx":
                        convert(src, ext, ddir, root / "profile")
                        src.unlink()
                        rename[d.name] = f"{d.stem}.{ext}"
                gold = gold_dir(docxs, root / f"gold-{ext}", rename)
                rep = score(gold, ddir)
                results["renditions"][ext] = {"f1": f1s(rep), "errors": [d for d in rep["documents"] if "error" in d]}
                print(ext, results["renditions"][ext], flush=True)
    print()
    print(report_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


def report_table(results: dict) -> str:
    lines = []
    scans = results["scans"]
    if scans:
        cols = list(scans)
        born = scans.get("born-digital", {}).get("f1", {})
        lines.append("| field | " + " | ".join(cols) + " |")
        lines.append("|---" * (len(cols) + 1) + "|")
        for k in born:
            cells = []
            for c in cols:
                v = scans[c]["f1"].get(k)
                cells.append("" if v is None else f"{v:.3f}" if c == "born-digital" else f"{v:.3f} ({v - born[k]:+.3f})")
            lines.append(f"| {k} | " + " | ".join(cells) + " |")
        lines.append("| OCR s/page | " + " | ".join(
            "" if c == "born-digital" else f"{scans[c]['ocr_seconds_per_page']}" for c in cols) + " |")
        lines.append("")
    rend = results["renditions"]
    if rend:
        cols = list(rend)
        lines.append("| field | " + " | ".join(cols) + " |")
        lines.append("|---" * (len(cols) + 1) + "|")
        for k in rend[cols[0]]["f1"]:
            lines.append(f"| {k} | " + " | ".join(f"{rend[c]['f1'].get(k):.3f}" for c in cols) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
