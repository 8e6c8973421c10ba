"""OCR of scanned PDFs (pipeline/extract/ocr.py). Every scan is made here: the project's own seed PDF
rendered to images, or text drawn with Pillow, saved as image-only PDFs (no text layer)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.core.errors import LimitExceeded, MinutebookError, ScannedDocument
from pipeline.extract import ReadOptions, read_document

REPO = Path(__file__).resolve().parents[2]
SEED_PDF = REPO / "corpus" / "seed" / "seed-minutes.pdf"

pytestmark = pytest.mark.usefixtures("tesseract")


def scan_of(pdf: Path, out: Path, dpi: int = 300) -> Path:
    """``pdf`` as a scanner would give it back: each page a grey image, no text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    pages = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    doc.close()
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return out


MINUTES_LINES = [
    ("title", "Millbrook Parish Council"),
    ("title", "Minutes of the meeting of 4 March 2025"),
    ("body", "Present: Alice Turner (Chair), Brian Okafor, Carol Singh"),
    ("body", "Apologies: David Evans"),
    ("heading", "1. Planning applications"),
    ("body", "The council discussed the application for the village hall extension"),
    ("body", "and agreed to support it with the conditions set out by the clerk."),
    ("heading", "2. Footpaths"),
    ("body", "Brian Okafor will write to the county council about the footpath repairs."),
]


def text_page(lines=MINUTES_LINES, dpi: int = 300) -> Image.Image:
    """An A4 page of minutes drawn with Pillow's own scalable font (no system font needed)."""
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    sizes = {"title": 18, "heading": 13, "body": 11}  # points
    y = int(1.0 * dpi)
    for kind, text in lines:
        px = round(sizes[kind] * dpi / 72)
        font = ImageFont.load_default(size=px)
        x = int(1.0 * dpi)
        draw.text((x, y), text, fill=0, font=font, stroke_width=2 if kind != "body" else 0, stroke_fill=0)
        y += int(px * (2.0 if kind != "body" else 1.5))
    return img


def save_pdf(images: list[Image.Image], out: Path, dpi: int = 300) -> Path:
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out


def test_scan_of_the_seed_minutes_reads_like_the_born_digital_pdf(tmp_path):
    from pipeline.api import analyse

    scan = scan_of(SEED_PDF, tmp_path / "seed-scan.pdf")
    born = analyse(SEED_PDF, stages=["extract", "structure"])
    m = analyse(scan, stages=["extract", "structure"])
    q = m.quality
    assert q.ocr_pages == [1, 2, 3, 4] and q.pages == 4
    assert q.ocr_confidence is not None and q.ocr_confidence > 80
    assert not q.likely_scan and not any(w.code == "low_ocr_confidence" for w in m.warnings)
    assert m.meeting_date == born.meeting_date == "2022-04-27"
    assert set(m.attendees.present) == set(born.attendees.present)
    # "Ian" in a sans-serif face is "lan" to Tesseract (capital I and small l are the same glyph)
    assert "Simon Denegri" in m.attendees.apologies and len(born.attendees.apologies) == 2
    # headings come from the size and weight of the scanned text, as in the born-digital PDF
    found = set(m.sections)
    assert len([s for s in born.sections if s in found]) >= len(born.sections) - 1, (born.sections, m.sections)
    # every fact keeps its page
    pages = {b.page for b in read_document(scan).blocks}
    assert pages == {1, 2, 3, 4}


def test_ocr_always_replaces_a_text_layer_and_never_refuses_a_scan(tmp_path):
    doc = read_document(SEED_PDF, options=ReadOptions(ocr="always"))
    assert doc.quality.ocr_pages == [1, 2, 3, 4]
    assert "Graham Hart" in doc.text
    scan = save_pdf([text_page()], tmp_path / "scan.pdf")
    with pytest.raises(ScannedDocument) as e:
        read_document(scan, options=ReadOptions(ocr="never"))
    assert "--ocr auto" in str(e.value) and "\n" not in str(e.value)


def test_drawn_minutes_headings_and_attendance(tmp_path):
    from pipeline.api import analyse

    scan = save_pdf([text_page()], tmp_path / "parish.pdf")
    doc = read_document(scan)
    heads = [b.text for b in doc.blocks if b.kind == "heading"]
    assert "1. Planning applications" in heads and "2. Footpaths" in heads
    assert any("Millbrook Parish Council" in h for h in heads)
    paras = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert any(p.startswith("The council discussed") and p.endswith("by the clerk.") for p in paras), paras
    m = analyse(scan, stages=["extract", "structure"])
    assert m.meeting_date == "2025-03-04"
    assert {"Alice Turner", "Brian Okafor", "Carol Singh"} <= set(m.attendees.present)
    assert m.attendees.apologies == ["David Evans"]


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_pages_are_read_upright(tmp_path, turn):
    scan = save_pdf([text_page().rotate(turn, expand=True)], tmp_path / f"turned-{turn}.pdf")
    doc = read_document(scan)
    assert "Planning applications" in doc.text and "Brian Okafor" in doc.text
    assert any("turned upright" in n for n in doc.quality.notes)


def test_a_skewed_page_is_straightened(tmp_path):
    page = text_page().rotate(2.5, resample=Image.Resampling.BICUBIC, fillcolor=255)
    doc = read_document(save_pdf([page], tmp_path / "skewed.pdf"))
    heads = [b.text for b in doc.blocks if b.kind == "heading"]
    assert "1. Planning applications" in heads and "2. Footpaths" in heads
    assert any(b.text.startswith("The council discussed") and b.text.endswith("clerk.") for b in doc.blocks)


def test_many_blank_scanned_pages_end_quickly_with_one_line(tmp_path):
    blank = Image.new("L", (170, 220), 255)
    scan = save_pdf([blank] * 500, tmp_path / "blank.pdf", dpi=20)
    t0 = time.perf_counter()
    with pytest.raises(ScannedDocument) as e:
        read_document(scan)
    assert time.perf_counter() - t0 < 120  # blank pages are not sent to Tesseract
    assert "500 page(s)" in str(e.value) and "\n" not in str(e.value)


def test_blank_pages_between_scanned_pages_are_skipped(tmp_path):
    blank = Image.new("L", text_page().size, 255)
    doc = read_document(save_pdf([text_page(), blank, text_page()], tmp_path / "mixed.pdf"))
    assert doc.quality.ocr_pages == [1, 3] and doc.quality.empty_pages == [2]
    assert any("1 blank page(s) skipped" in n for n in doc.quality.notes)


def test_page_limit_and_missing_tesseract_are_one_line_errors(tmp_path, monkeypatch):
    scan = save_pdf([text_page(), text_page()], tmp_path / "two.pdf")
    with pytest.raises(LimitExceeded) as e:
        read_document(scan, options=ReadOptions(ocr_max_pages=1))
    assert "--ocr-max-pages" in str(e.value)
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract-here"))
    with pytest.raises(ScannedDocument) as e:
        read_document(scan)
    msg = str(e.value)
    assert "Tesseract is not installed" in msg and "apt-get install tesseract-ocr" in msg and "\n" not in msg


def test_low_confidence_is_a_warning_in_the_record():
    from pipeline.core.document import Document, Quality
    from pipeline.structure.build import build_meeting
    from pipeline.structure.structure import Structure

    doc = Document("x.pdf", "pdf", "", [], quality=Quality(pages=2, ocr_pages=[1, 2], ocr_confidence=52.5))
    m = build_meeting(doc, Structure(None, [], None, None, [], [], [], True))
    assert m.quality.ocr_pages == [1, 2] and m.quality.ocr_confidence == 52.5
    assert [w for w in m.warnings if w.code == "low_ocr_confidence" and "52.5" in w.message]


def test_a_scan_in_a_tag_batch_with_good_files(tmp_path):
    from pipeline.archive.archive import Archive
    from pipeline.scale.batch import run_batch
    from pipeline.scale.results import Status

    docs = tmp_path / "docs"
    docs.mkdir()
    save_pdf([text_page()], docs / "parish-scan.pdf")
    (docs / "notes.txt").write_text("Minutes of the meeting of 5 May 2025\n\nPresent: Ann Lee, Bo Chen\n\n"
                                    "1. Budget\n\nThe budget was agreed.\n", encoding="utf-8")
    save_pdf([Image.new("L", (200, 200), 255)], docs / "blank-scan.pdf", dpi=30)
    db = tmp_path / "archive.db"
    report = run_batch([docs], db=db, stages=["extract", "structure"], vectors=False)
    assert report.counts[Status.FAILED] == 1 and report.counts.get(Status.SUCCESS, 0) == 2
    assert [Path(p).name for p, _ in report.failures] == ["blank-scan.pdf"]
    assert "[MB007]" in report.failures[0][1]
    with Archive.open(db) as archive:
        rows = {Path(d.path).name: d for d in archive.documents()}
        scan = rows["parish-scan.pdf"]
        assert scan.status == "SUCCESS" and scan.meeting_id is not None
        meeting = archive.meeting(scan.meeting_id)
    assert meeting is not None and meeting.quality.ocr_pages == [1]
    assert "Alice Turner" in meeting.attendees.present


def test_cli_ocr_option(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    scan = save_pdf([text_page()], tmp_path / "scan.pdf")
    r = CliRunner().invoke(app, ["analyse", str(scan), "--ocr", "never"])
    assert r.exit_code == 2 and "[MB007]" in r.output
    r = CliRunner().invoke(app, ["analyse", str(scan), "--ocr", "auto", "--ocr-page-seconds", "120"])
    assert r.exit_code == 0, r.output
    assert '"ocr_pages": [\n      1\n    ]' in r.output


def test_unknown_ocr_mode_is_refused():
    from pipeline.api import analyse

    with pytest.raises(MinutebookError, match="unknown OCR mode"):
        analyse(SEED_PDF, stages=["extract"], ocr="sometimes")


def test_tag_progress_shows_ocr_pages():
    from pipeline.core.record import Meeting, QualityOut
    from pipeline.scale.progress import RichProgress
    from pipeline.scale.results import DocResult, Status

    scan = Meeting(file="scan.pdf", format="pdf", quality=QualityOut(pages=2, ocr_pages=[1, 2], ocr_confidence=91.5))
    bar = RichProgress()
    bar(DocResult("scan.pdf", "h1", Status.SUCCESS, meeting=scan), 1, 2)
    bar(DocResult("notes.txt", "h2", Status.SUCCESS, meeting=Meeting(file="notes.txt", format="text")), 2, 2)
    fields = bar._progress.tasks[0].fields
    assert fields["last"] == "success notes.txt" and "2 OCR pages" in fields["rate"]
    bar = RichProgress()
    bar(DocResult("scan.pdf", "h1", Status.SUCCESS, meeting=scan), 1, 1)
    assert bar._progress.tasks[0].fields["last"] == "success scan.pdf (OCR 2 p, 91.5%)"


def test_superscript_ordinal_debris_is_recognised():
    from pipeline.extract.ocr import _MONTH_RE, _ORDINAL_RE

    for word in ('24"', '28!"', "12'°", "4‘"):
        m = _ORDINAL_RE.match(word)
        assert m and m.group(1) == word[:len(m.group(1))]
    assert not _ORDINAL_RE.match("13th") and not _ORDINAL_RE.match("2016") and not _ORDINAL_RE.match("1.")
    assert _MONTH_RE.match("July") and _MONTH_RE.match("Sept.") and not _MONTH_RE.match("Mayor")


def test_removing_rulings_keeps_the_strokes_that_cross_them():
    import numpy as np

    from pipeline.extract.ocr import _without_rulings

    arr = np.full((400, 600), 255, dtype=np.uint8)
    arr[200:205, 20:580] = 0  # a horizontal ruling (an underline)
    arr[20:380, 300:304] = 0  # a vertical ruling across it
    arr[185:220, 100:108] = 0  # a stroke through the underline (a descender)
    arr[180:207, 400:408] = 0  # a stroke ending on it (a descender's bowl sitting on the line)
    arr[198:200, 500:502] = 140  # the grey halo of the line: no stroke
    out = _without_rulings(arr)
    assert (out[200:205, 20:90] == 255).all() and (out[200:205, 520:580] == 255).all()  # the line alone is gone
    assert (out[20:380, 300:304] == 255).all() and (out[200:205, 296:308] == 255).all()  # crossing rulings: gone
    assert (out[185:220, 100:108] == 0).all()  # the crossing stroke is whole
    assert (out[180:205, 400:408] == 0).all()  # the stroke ending on the line keeps its foot
    assert (out[198:205, 500:502] == 255).all()


def test_underlined_headings_keep_their_descenders(tmp_path):
    dpi = 300
    page = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 255)
    draw = ImageDraw.Draw(page)
    head = ImageFont.load_default(size=round(12 * dpi / 72))
    body = ImageFont.load_default(size=round(11 * dpi / 72))
    titles = ["Signing of Annual Accounts", "Library Closure Request", "Date of next meeting"]
    y = dpi
    for i, title in enumerate(titles, 1):
        text = f"{i}. {title}"
        draw.text((dpi, y), text, font=head, fill=0, stroke_width=1, stroke_fill=0)
        ascent, descent = head.getmetrics()
        line = y + ascent + descent // 2  # the underline runs through the descenders of g, p, q, y
        draw.rectangle((dpi, line, dpi + draw.textlength(text, font=head), line + 4), fill=0)
        y += 2 * (ascent + descent)
        draw.text((dpi, y), "The board agreed the proposal and thanked the staff for their work.", font=body, fill=0)
        y += 3 * (ascent + descent)
    doc = read_document(save_pdf([page], tmp_path / "underlined.pdf"))
    heads = [b.text for b in doc.blocks if b.kind == "heading"]
    assert heads == [f"{i}. {t}" for i, t in enumerate(titles, 1)], heads


def test_a_superscript_ordinal_in_a_date_keeps_its_suffix():
    from pipeline.extract.ocr import _in_a_date, _ordinal

    assert [_ordinal(d) for d in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 24, 31)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "24th", "31st"]
    assert _in_a_date(["24", "July", "2016"], 0)  # before a month
    assert _in_a_date(["held", "on", "May", "24", "2016"], 3)  # after one
    assert _in_a_date(["held", "4", "Augustt", "2015"], 1)  # before a misspelt month and a year
    assert not _in_a_date(["a", "24", "screen"], 1) and not _in_a_date(["item", "4", "Budget"], 1)


def test_a_line_with_brackets_keeps_the_size_of_its_neighbours():
    """Tesseract's row height counts brackets and slashes (they reach past the capitals and the
    descenders): such a line's size comes from its x-height, as the lines around it read."""
    import numpy as np

    from pipeline.extract.ocr import OcrPage, _frags
    from pipeline.extract.pdf import Frag

    def line(text: str, y: int, x_size: float, xh: float):
        words, x = [], 300
        for t in text.split():
            words.append((t, (x, y - 30, x + 20 * len(t), y + 9), 95.0))
            x += 20 * len(t) + 15
        return words, x_size, float(y), xh

    lines = [line("Tristan and Cate to buy things on Thursday", 1000, 46.0, 29.0),
             line("Shanette bring speakers (+ aux cables)", 1060, 50.5, 29.0),  # brackets stretch the row
             line("Innes/George to buy knives and forks", 1120, 50.0, 28.5),
             line("Daniel to get the signature on minutes", 1180, 46.0, 29.0),
             line("Emails been sent out, all organised", 1240, 45.5, 28.5),
             line("2. Pool Competition", 1320, 60.0, 38.0)]  # a bigger heading keeps its size
    page = OcrPage(1, 595.0, 842.0)
    frags, _ = _frags(lines, np.full((3508, 2480), 255, dtype=np.uint8), page, (2480, 3508), Frag)
    sizes = [round(f.size, 1) for f in frags]
    assert max(sizes[:5]) - min(sizes[:5]) < 0.03 * sizes[0], sizes
    assert sizes[5] > 1.2 * sizes[0]
