"""OCR of scanned PDF pages: pdfium renders a page, Tesseract recognises it, and the words come back as
the same positioned text fragments (``pdf.Frag``) the PDF layout logic works on.

Why pypdfium2 + pytesseract (and not ocrmypdf): the PDF reader needs each word's box, confidence and the
line's text height, which Tesseract's hOCR gives directly; ocrmypdf would write a new PDF with an
invisible text layer that pdfminer then has to read back (slower, and the confidences are lost).
pytesseract drives Debian's ``tesseract`` binary (no compiled binding to keep in step with it), with a
time limit per page; pdfium renders any PDF (JBIG2, CCITT, JPEG scans) in a few tens of milliseconds.

Per page: a low-resolution render finds blank pages (no OCR); the page is rendered at 300 dpi in grey,
its small skew (up to 5 degrees) is measured from the row profile of the ink and undone; Tesseract
returns hOCR. A page whose words are few or doubtful is checked with Tesseract's orientation detection
(OSD): a page turned 90, 180 or 270 degrees is turned upright and read again. Each hOCR line becomes one
or more fragments (split at wide gaps, so table cells stay apart): the box in PDF points (y up), the
font size from Tesseract's row height (``x_size``; from the x-height on a line with brackets or
slashes, which stretch the row) and bold from the stroke width of the ink. Sizes
are snapped together per document (``snap_sizes``) so that the body text of a scan has one size, as a
born-digital PDF's does, and headings stand out by size or weight.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

from pipeline.core.errors import CorruptDocument, LimitExceeded, ScannedDocument

if TYPE_CHECKING:
    from pipeline.extract import ReadOptions
    from pipeline.extract.pdf import Frag

DPI = 300
# Tesseract's x_size (the height of the text row, ascender to descender) over the font size, measured on
# born-digital PDFs rendered and read back (Calibri, Arial, Times: 0.87-0.92)
_XSIZE_PER_PT = 0.9
_MAX_SKEW = 5.0
INSTALL_HINT = ("install Tesseract for OCR (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng; "
                "macOS: brew install tesseract), or pass --ocr never")
_BBOX_RE = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_XSIZE_RE = re.compile(r"x_size ([\d.]+)")
_XASC_RE = re.compile(r"x_ascenders ([\d.]+)")
_XDESC_RE = re.compile(r"x_descenders ([\d.]+)")
_BASELINE_RE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_WCONF_RE = re.compile(r"x_wconf (-?\d+)")
_LINE_CLASSES = ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat")


@dataclass
class OcrPage:
    number: int
    width: float  # points
    height: float
    frags: list["Frag"] = field(default_factory=list)
    confidence: float | None = None  # mean word confidence, 0-100 (None: no words)
    words: int = 0
    rotation: int = 0  # degrees the page was turned clockwise to read it
    skew: float = 0.0  # degrees of skew undone
    blank: bool = False
    seconds: float = 0.0
    note: str | None = None
    lines: list["OcrLine"] = field(default_factory=list)  # for tables drawn with rulings (pdf._find_ruled_tables)
    hsegs: list[tuple[float, float, float]] = field(default_factory=list)  # rulings (y, x0, x1), points
    vsegs: list[tuple[float, float, float]] = field(default_factory=list)  # (x, y0, y1)


class OcrWord:
    """One recognised word, shaped like a pdfminer LTChar for the ruled-table code (its text ends with
    a space, so joined words read as a line); its size and weight are its fragment's."""

    __slots__ = ("text", "x0", "x1", "frag")

    def __init__(self, text: str, x0: float, x1: float, frag: "Frag"):
        self.text, self.x0, self.x1, self.frag = text, x0, x1, frag

    def get_text(self) -> str:
        return self.text + " "

    @property
    def size(self) -> float:
        return self.frag.size

    @property
    def fontname(self) -> str:
        return "OCR-Bold" if self.frag.bold else "OCR"


class OcrLine:
    """One recognised line, shaped like a pdfminer LTTextLine: a box and its words."""

    def __init__(self, x0: float, x1: float, y0: float, y1: float, words: list[OcrWord]):
        self.x0, self.x1, self.y0, self.y1, self.words = x0, x1, y0, y1, words

    def __iter__(self):
        return iter(self.words)

    def get_text(self) -> str:
        return "".join(w.get_text() for w in self.words)


_CHECKED: dict[str, str | None] = {}


def check_tesseract(path: Path) -> None:
    """Raise a one-line ``ScannedDocument`` when Tesseract (or its English data) is not installed."""
    import pytesseract

    cmd = pytesseract.pytesseract.tesseract_cmd
    if cmd not in _CHECKED:
        problem = None
        try:
            pytesseract.get_tesseract_version()
            if "eng" not in pytesseract.get_languages(config=""):
                problem = "Tesseract has no English language data (tesseract-ocr-eng)"
        except (pytesseract.TesseractNotFoundError, OSError):
            problem = "Tesseract is not installed"
        except Exception as e:  # a broken install
            problem = f"Tesseract does not run ({e.__class__.__name__}: {str(e)[:80]})"
        _CHECKED[cmd] = problem
    problem = _CHECKED[cmd]
    if problem:
        raise ScannedDocument(path, f"the PDF has scanned pages with no text layer and {problem}", INSTALL_HINT)


def ocr_pages(path: Path, data: bytes, numbers: list[int], options: "ReadOptions",
              frag_type: type["Frag"]) -> list[OcrPage]:
    """Render and recognise the pages ``numbers`` (1-based) of the PDF ``data``; the text comes back as
    ``frag_type`` objects (``pdf.Frag``, passed in: the PDF reader imports this module, not the reverse)."""
    import pypdfium2 as pdfium

    check_tesseract(path)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one thread per page: faster on a busy machine, and batches run in parallel
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as e:  # pdfium refuses what pdfminer accepted: damaged beyond rendering
        raise CorruptDocument(path, f"the scanned pages cannot be rendered for OCR ({e.__class__.__name__}: {e})") from e
    out: list[OcrPage] = []
    recognised = 0
    try:
        for n in numbers:
            page = pdf[n - 1]
            try:
                w, h = page.get_size()
                res = OcrPage(n, w, h)
                if _is_blank(page):
                    res.blank = True
                    out.append(res)
                    continue
                recognised += 1
                if recognised > options.ocr_max_pages:
                    raise LimitExceeded(path, f"more than {options.ocr_max_pages} pages need OCR",
                                        "raise the limit with --ocr-max-pages if the file is genuine")
                # 300 dpi, but never over 40 megapixels (a poster-sized page would not fit in memory)
                scale = min(DPI / 72, (40e6 / max(w * h, 1.0)) ** 0.5)
                img = page.render(scale=scale, grayscale=True).to_pil().convert("L")
            finally:
                page.close()
            _recognise(img, res, options.ocr_page_seconds, frag_type)
            out.append(res)
    finally:
        pdf.close()
    return out


def _is_blank(page) -> bool:
    """A page with (almost) no ink, judged on a 36 dpi render (speckle noise averages out)."""
    import numpy as np

    arr = np.asarray(page.render(scale=0.5, grayscale=True).to_pil().convert("L"))
    return float((arr < 170).mean()) < 0.0005


def _recognise(img, res: OcrPage, seconds: float, frag_type: type["Frag"]) -> None:
    t0 = time.perf_counter()
    try:
        img, res.skew = _deskew(img)
        words, lines, arr, runs = _hocr(img, seconds)
        if _doubtful(words, lines):
            turn = _orientation(img, seconds)
            if turn:
                img2, skew2 = _deskew(img.rotate(-turn, expand=True))
                words2, lines2, arr2, runs2 = _hocr(img2, seconds)
                if _quality(words2) >= 0.8 * _quality(words):  # OSD is trusted unless the words get much worse
                    img, res.skew, res.rotation, words, lines, arr, runs = img2, skew2, turn, words2, lines2, arr2, runs2
    except RuntimeError as e:  # pytesseract's timeout ("Tesseract process timeout")
        if "timeout" not in str(e).lower():
            raise
        res.note = f"page {res.number}: OCR took longer than {seconds:g} s and was stopped; the page is left out"
        res.seconds = time.perf_counter() - t0
        return
    confs = [c for _, c in words]
    res.words = len(confs)
    res.confidence = round(sum(confs) / len(confs), 1) if confs else None
    real = sum(1 for t, c in words if c >= 60 and sum(ch.isalpha() for ch in t) >= 3)
    if res.confidence is not None and res.confidence < 50 and real < 5:
        # a picture, a gradient or speckle: Tesseract's guesses, not text
        res.note = (f"page {res.number}: OCR found only noise (mean word confidence {res.confidence:g}); "
                    "the page is left out")
        res.words, res.confidence, res.seconds = 0, None, time.perf_counter() - t0
        return
    res.frags, res.lines = _frags(lines, arr, res, img.size, frag_type)
    res.hsegs, res.vsegs = _rulings(arr, res, runs)
    res.seconds = time.perf_counter() - t0


def _doubtful(words: list[tuple[str, float]], lines) -> bool:
    """Few words, a low confidence, or lines running down the page (Tesseract reads a page turned by
    90 degrees as vertical text): worth asking OSD which way up the page is."""
    if len(words) < 8 or sum(c for _, c in words) / len(words) < 65:
        return True
    vertical = 0
    for line_words, _, _, _ in lines:
        boxes = [b for _, b, _ in line_words]
        if len(boxes) >= 2 and max(b[3] for b in boxes) - min(b[1] for b in boxes) > max(b[2] for b in boxes) - min(b[0] for b in boxes):
            vertical += len(boxes)
    return vertical > 0.3 * len(words)


def _quality(words: list[tuple[str, float]]) -> float:
    return sum(c for t, c in words if len(t) >= 2)


def _orientation(img, seconds: float) -> int:
    """Degrees (90, 180, 270) to turn the page clockwise to make it upright, or 0 (Tesseract OSD)."""
    import pytesseract

    small = img.reduce(2) if img.width > 1800 else img
    try:
        osd = pytesseract.image_to_osd(small, config="--psm 0 -c min_characters_to_try=10", timeout=seconds)
    except pytesseract.TesseractError:
        return 0  # too little text to tell
    m = re.search(r"Rotate: (\d+)", osd)
    c = re.search(r"Orientation confidence: ([\d.]+)", osd)
    if not m or not c or float(c.group(1)) < 1.0:
        return 0
    return int(m.group(1)) % 360


def _deskew(img):
    """Undo a small rotation: the angle whose ink row profile is sharpest (text lines level)."""
    import numpy as np
    from PIL import Image

    small = img.reduce(4) if img.width > 1200 else img
    ink = Image.fromarray(((np.asarray(small) < 160) * 255).astype("uint8"))
    if not np.asarray(ink).any():
        return img, 0.0

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float32).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max((a / 2 for a in range(int(-2 * _MAX_SKEW), int(2 * _MAX_SKEW) + 1)), key=sharpness)
    best = max((best + d / 10 for d in range(-4, 5)), key=sharpness)
    if abs(best) < 0.15:
        return img, 0.0
    return img.rotate(best, resample=Image.Resampling.BILINEAR, fillcolor=255, expand=False), round(best, 2)


def _hocr(img, seconds: float):
    """Tesseract's hOCR of ``img``: (words as (text, confidence), lines, the image as an array, its
    runs of ruling ink (``_ruling_runs``))."""
    import lxml.html
    import numpy as np
    import pytesseract

    # page segmentation mode 6 (one block of text): the automatic mode (and mode 4) drops small
    # isolated marks such as the item numbers "2.", "3" in a left gutter as noise; lines that run
    # across table columns are split again at wide gaps (``_frags``) and by the rulings
    from PIL import Image

    arr = np.asarray(img)
    runs = _ruling_runs(arr)
    raw = pytesseract.image_to_pdf_or_hocr(Image.fromarray(_without_rulings(arr, runs)), extension="hocr", lang="eng", timeout=seconds,
                                           config="--psm 6 -c tessedit_do_invert=0")
    tree = lxml.html.fromstring(raw)
    lines = []
    words: list[tuple[str, float]] = []
    for ln in tree.iter("span"):
        if ln.get("class") not in _LINE_CLASSES:
            continue
        title = ln.get("title", "")
        xs = _XSIZE_RE.search(title)
        bl = _BASELINE_RE.search(title)
        lb = _BBOX_RE.search(title)
        raw = []
        for w in ln.iter("span"):
            if w.get("class") != "ocrx_word":
                continue
            text = (w.text_content() or "").strip()
            wt = w.get("title", "")
            bb = _BBOX_RE.search(wt)
            cf = _WCONF_RE.search(wt)
            if text and bb:
                raw.append((text, tuple(int(v) for v in bb.groups()), float(cf.group(1)) if cf else 0.0))
        height = float(xs.group(1)) if xs else float(int(lb.group(4)) - int(lb.group(2))) if lb else 0.0
        if len(raw) >= 2 and _is_bullet(raw[0][0], raw[1][1][0] - raw[0][1][2], height):
            raw[0] = ("•", raw[0][1], 100.0)
        for i in range(len(raw)):
            m = _ORDINAL_RE.match(raw[i][0])
            if m and _in_a_date([t for t, _, _ in raw], i):
                raw[i] = (_ordinal(int(m.group(1))), raw[i][1], raw[i][2])
        line_words = []
        for text, box, conf in raw:
            if conf < 0 or not any(ch.isalnum() for ch in text) and conf < 50 and text != "•":
                continue  # table rulings and specks read as "|", "—", "."
            line_words.append((text, box, conf))
            words.append((text, conf))
        if line_words and lb:
            base = (int(lb.group(4)) + float(bl.group(2))) if bl else float(lb.group(4))
            # the x-height (row height less ascenders and descenders), for lines with brackets (``_frags``)
            asc, desc = _XASC_RE.search(title), _XDESC_RE.search(title)
            x_height = height - float(asc.group(1)) - float(desc.group(1)) if xs and asc and desc else 0.0
            lines.append((line_words, height, base, x_height if x_height > 0.3 * height else 0.0))
    return words, lines, arr, runs


# a day with a superscript ordinal ("24th", "1st") in a date: Tesseract reads the raised "th" as a
# quote or "!" ('24"', "28!\"", "12'°"); the day keeps its ordinal, written on the line ("24th")
_ORDINAL_RE = re.compile(r"^(\d{1,2})[\"'’‘”“°!*]+$")
_MONTH_RE = re.compile(r"^(january|february|march|april|may|june|july|august|september|october|november|december"
                       r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)[.,]?$", re.IGNORECASE)
_YEAR_RE = re.compile(r"^(19|20)\d\d[.,]?$")


def _in_a_date(tokens: list[str], i: int) -> bool:
    """The day at ``tokens[i]`` is in a date: before a month ("24th July"), after one ("July 24th"),
    or before a word and a year ("4th Augustt 2015", the month misspelt)."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    prev = tokens[i - 1] if i > 0 else ""
    after = tokens[i + 2] if i + 2 < len(tokens) else ""
    return bool(_MONTH_RE.match(nxt) or _MONTH_RE.match(prev)
                or (nxt[:1].isupper() and nxt.rstrip(".,").isalpha() and _YEAR_RE.match(after)))


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"

# what Tesseract makes of a bullet glyph ("•", "▪", "◦") at the start of a line
_BULLET_MISREADS = {"¢", "«", "»", "°", "©", "®", "*", "+", "•", "·", "e", "o", "eo", "oe", "@", "%", "-", "–", "—", "~",
                    "=", "»>", ">", "§", "¥", "m", "ms", "mi", "a", "n", "u", "s", "a)", "|", "■", "▪", "o°"}


def _is_bullet(text: str, gap: int, height: float) -> bool:
    """The first word of a line is a misread bullet: a bullet-like token set apart by a tab-wide gap."""
    if text not in _BULLET_MISREADS:
        return False
    return gap > (0.6 if text[0].isalpha() else 0.3) * height


_TALL_GLYPHS = set("()[]{}/\\|")


def _tall_glyphs(words) -> bool:
    return any(_TALL_GLYPHS.intersection(t) for t, _, _ in words)


def _frags(lines, arr, res: OcrPage, size_px: tuple[int, int], Frag: type["Frag"]) -> tuple[list["Frag"], list[OcrLine]]:  # noqa: N803
    """hOCR lines -> fragments in PDF points (y up), split where the gap between words is wide, and
    the lines themselves (word by word) for the ruled-table code."""
    sx = res.width / size_px[0]
    sy = res.height / size_px[1]
    out: list[Frag] = []
    ocr_lines: list[OcrLine] = []
    # a line's size is read from Tesseract's row height, except on a line with brackets or slashes,
    # which reach below the descenders and above the capitals: its row height is that of a bigger
    # font ("Shanette bring speakers (+ aux cables)" read as 12 pt among 11 pt lines); its size is
    # read from its x-height, scaled by the page's row height over x-height on the other lines
    ratios = [x_size / xh for words, x_size, _, xh in lines if xh > 0 and not _tall_glyphs(words)]
    per_xh = median(ratios) if len(ratios) >= 3 else None
    for words, x_size, base, xh in lines:
        row = xh * per_xh if per_xh and xh > 0 and _tall_glyphs(words) else x_size
        size_pt = min(row, x_size) * sy / _XSIZE_PER_PT
        groups: list[list] = [[words[0]]]
        for w in words[1:]:
            if w[1][0] - groups[-1][-1][1][2] > 2.0 * x_size:
                groups.append([w])
            else:
                groups[-1].append(w)
        line_words: list[OcrWord] = []
        for g in groups:
            text = " ".join(t for t, _, _ in g)
            x0, x1 = min(b[0] for _, b, _ in g), max(b[2] for _, b, _ in g)
            top = min(b[1] for _, b, _ in g)
            bottom = max(b[3] for _, b, _ in g)
            stroke = _stroke(arr, x0, top, x1, bottom)
            # a box like pdfminer's: from the descender below the baseline to the ascender above it
            y0 = res.height - base * sy - 0.22 * size_pt
            f = Frag(text, x0 * sx, x1 * sx, y0, y0 + size_pt, size_pt, False,
                     sum(len(t) for t, _, _ in g), res.number, ink=stroke / max(x_size, 1.0))
            out.append(f)
            line_words.extend(OcrWord(t, b[0] * sx, b[2] * sx, f) for t, b, _ in g)
        y0 = res.height - base * sy - 0.22 * size_pt
        ocr_lines.append(OcrLine(min(w.x0 for w in line_words), max(w.x1 for w in line_words), y0, y0 + size_pt,
                                 line_words))
    return out, ocr_lines


_RULING_INK = 200  # rulings are often thin grey lines: darker than this counts as ink for them


def _min_h(width: int) -> int:
    return max(width // 12, 40)  # a horizontal ruling: ink at least a twelfth of the page wide


def _min_v(height: int) -> int:
    return max(height // 40, 40)  # a vertical one: a fortieth of the page high


def _runs(a, min_len: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of True at least ``min_len`` long in each row of ``a``."""
    import numpy as np

    rows = np.flatnonzero(np.count_nonzero(a, axis=1) >= min_len)  # only these can hold such a run
    padded = np.zeros((len(rows), a.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = a[rows]
    d = np.diff(padded, axis=1)
    starts = np.argwhere(d == 1)
    ends = np.argwhere(d == -1)
    keep = (ends[:, 1] - starts[:, 1]) >= min_len
    return [(int(rows[r]), int(a0), int(a1)) for (r, a0), (_, a1) in zip(starts[keep], ends[keep])]


def _ruling_runs(arr) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """The runs of ink long enough to be rulings: horizontal (row, x0, x1) and vertical (column,
    y0, y1); found once per page for painting them out and for the tables."""
    import numpy as np

    ink = arr < _RULING_INK
    return _runs(ink, _min_h(ink.shape[1])), _runs(np.ascontiguousarray(ink.T), _min_v(ink.shape[0]))


def _without_rulings(arr, runs=None):
    """The page with its table rulings and underlines painted white: Tesseract reads them as "|", "—"
    or rows of letters ("eh ee ee"), and misreads underlined words; they are found again on the
    original image for the tables. Only the line itself is painted: where a stroke runs into it (the
    descender of a "g", "p" or "y" in an underlined heading) the ink is kept, or "Meeting" is read
    "Meetina" and "Library" "Librarv"."""
    import numpy as np

    ink = arr < _RULING_INK
    hruns, vruns = runs or _ruling_runs(arr)
    hmask = np.zeros_like(ink)
    vmask = np.zeros_like(ink)
    for r, a0, a1 in hruns:
        hmask[r, a0:a1] = True
    for c, a0, a1 in vruns:
        vmask[a0:a1, c] = True
    if not hmask.any() and not vmask.any():
        return arr
    off = (arr < 128) & ~(hmask | vmask)  # dark ink off the rulings: strokes, not the grey halo of a line
    paint = _line_only(ink, hmask, off) | _line_only(ink.T, vmask.T, off.T).T
    return np.where(paint, 255, arr).astype(arr.dtype)


def _line_only(ink, rule, off):
    """The ink of the horizontal rulings ``rule`` that is the line alone, column by column: each run
    of ink across a ruling, unless it holds two or more pixels of dark ink off every ruling (``off``),
    which is a stroke running into the line, kept whole."""
    import numpy as np

    out = np.zeros_like(rule)
    rows = np.flatnonzero(rule.any(axis=1))
    if not rows.size:
        return out
    h = ink.shape[0]
    breaks = np.flatnonzero(np.diff(rows) > 1)
    for b0, b1 in zip(np.r_[rows[0], rows[breaks + 1]], np.r_[rows[breaks] + 1, rows[-1] + 1]):
        # one stretch of rows holding rulings, with two rows either side (where strokes show)
        w0, w1 = max(int(b0) - 2, 0), min(int(b1) + 2, h)
        win = ink[w0:w1]
        padded = np.zeros((w1 - w0 + 2, win.shape[1]), dtype=np.int8)
        padded[1:-1] = win
        d = np.diff(padded, axis=0).T  # vertical runs of ink, column by column
        sc, sr = np.nonzero(d == 1)
        _, er = np.nonzero(d == -1)
        on_rule = np.zeros((w1 - w0 + 1, win.shape[1]), dtype=np.int32)
        np.cumsum(rule[w0:w1], axis=0, out=on_rule[1:])
        stroke = np.zeros_like(on_rule)
        np.cumsum(off[w0:w1], axis=0, out=stroke[1:])
        crosses = on_rule[er, sc] > on_rule[sr, sc]
        extra = stroke[er, sc] - stroke[sr, sc]
        pick = crosses & (extra < 2)
        marks = np.zeros((w1 - w0 + 1, win.shape[1]), dtype=np.int8)
        marks[sr[pick], sc[pick]] = 1
        marks[er[pick], sc[pick]] = -1
        out[w0:w1] |= np.cumsum(marks, axis=0, dtype=np.int8)[:-1] > 0
    return out


def _rulings(arr, res: OcrPage, runs=None) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Table rulings on the page image: runs of ink at least a twelfth of the page wide (horizontal)
    or a fortieth of its height (vertical), merged across the rows/columns of one thick line, in PDF
    points as pdf._find_ruled_tables takes them: (y, x0, x1) and (x, y0, y1). A band thicker than a
    ruling (a shaded header row) gives its two edges, as a filled rectangle does in a born-digital PDF."""

    h_px, w_px = arr.shape
    sx, sy = res.width / w_px, res.height / h_px

    thick = max(h_px // 70, 3)  # thicker than this (a twentieth of an inch on A4): a filled box, read as its two edges

    def merge(segs: list[tuple[int, int, int]]) -> list[tuple[float, int, int]]:
        out: list[list[float]] = []  # [first row, last row, start, end]
        for r, a0, a1 in sorted(segs):
            for o in out:
                if 0 <= r - o[1] <= 2 and min(a1, o[3]) - max(a0, o[2]) > 0.5 * min(a1 - a0, o[3] - o[2]):
                    o[1], o[2], o[3] = r, min(o[2], a0), max(o[3], a1)
                    break
            else:
                out.append([r, r, a0, a1])
        edges = []
        for o in out:
            if o[1] - o[0] > thick:
                edges += [(o[0], int(o[2]), int(o[3])), (o[1], int(o[2]), int(o[3]))]
            else:
                edges.append(((o[0] + o[1]) / 2, int(o[2]), int(o[3])))
        return edges

    hruns, vruns = runs or _ruling_runs(arr)
    hs = merge(hruns)
    vs = merge(vruns)
    if len(hs) > 400 or len(vs) > 400:  # a photo or a halftone, not rulings
        return [], []
    hsegs = [(res.height - y * sy, a0 * sx, a1 * sx) for y, a0, a1 in hs]
    vsegs = [(x * sx, res.height - a1 * sy, res.height - a0 * sy) for x, a0, a1 in vs]
    return hsegs, vsegs


def _stroke(arr, x0: int, y0: int, x1: int, y1: int) -> float:
    """Mean length of the horizontal runs of ink in the box: the width of the vertical strokes."""
    import numpy as np

    crop = arr[max(y0, 0):max(y1, 0), max(x0, 0):max(x1, 0)] < 128
    if not crop.size:
        return 0.0
    starts = int(np.count_nonzero(crop[:, 1:] & ~crop[:, :-1])) + int(np.count_nonzero(crop[:, 0]))
    return float(np.count_nonzero(crop)) / starts if starts else 0.0


def snap_sizes(frags: list["Frag"]) -> None:
    """Give OCR fragments of (nearly) one size one size, and mark the ones drawn with thicker strokes
    than the body text bold, in place. Sizes within 8% of a cluster's centre join it; each cluster
    takes its character-weighted median, rounded to half a point like the PDF reader's sizes."""
    if not frags:
        return
    order = sorted(frags, key=lambda f: f.size)
    clusters: list[list["Frag"]] = [[order[0]]]
    for f in order[1:]:
        c = clusters[-1]
        centre = median(x.size for x in c)
        if f.size <= centre * 1.08:
            c.append(f)
        else:
            clusters.append([f])
    for c in clusters:
        weighted = sorted((f.size, f.nchars) for f in c)
        half = sum(n for _, n in weighted) / 2
        acc = 0
        value = weighted[-1][0]
        for s, n in weighted:
            acc += n
            if acc >= half:
                value = s
                break
        for f in c:
            f.size = round(value * 2) / 2
    body = [f.ink for f in frags for _ in range(min(f.nchars, 200)) if f.ink > 0]
    if not body:
        return
    ref = median(body)
    for f in frags:
        f.bold = f.nchars >= 2 and f.ink > 1.3 * ref
