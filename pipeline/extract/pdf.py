"""PDF reader: pdfminer.six layout objects -> ``Document``.

The PDF is parsed once. Each page is turned into light-weight text fragments (one per pdfminer text
line, with coordinates, font size and weight) plus ruling lines; everything after that works on the
fragments only:

1. **Ruled tables** (cell borders drawn as lines/rectangles, e.g. Word or fpdf2 tables): the grid is
   rebuilt from the rulings, text is split into cells at the column borders (character by character,
   because pdfminer may join neighbouring cells into one line), and every row becomes one
   ``add_row``. A grid whose cells hold several paragraphs or headings is a *layout* grid (minutes
   typed into a big table: number | text | Action), not data: its text goes back to the flow.
2. **Repeated page headers/footers and page numbers** (lines in the top/bottom bands that repeat on
   most pages, compared modulo digits, and bare page numbers) are dropped and counted.
3. **Flow text**: fragments on one baseline are joined into visual rows; an item number alone in a
   left gutter ("1.", "5") is prefixed to the text beside it; a short entry alone in a right gutter
   beyond the text column (an "Action"/lead column: "NS", "MW") stays tied to the paragraph beside it
   (emitted as a table row ``[paragraph, entry]``) or follows the heading beside it as a short
   paragraph (style ``"margin"``). Borderless tables (at least two consecutive rows with text in two
   or more aligned columns) are rebuilt as table rows.
4. Lines are grouped into blocks by spacing, indentation, font and list markers; headings are found
   from font size and weight relative to the body font; paragraphs split by a page break are joined.

A table continued on the next page (same column layout, first thing on the page, directly after the
table on the previous page) keeps its table number; a repeated header row is skipped, and a first row
whose first column is empty (no new item) is merged into the previous row (the cell text wrapped
across the break).
"""

from __future__ import annotations

import re
import threading
import zlib
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from statistics import median

from pipeline.core.document import LOW_OCR_CONFIDENCE, Document, DocumentBuilder
from pipeline.core.errors import CorruptDocument, EncryptedDocument, LimitExceeded, ScannedDocument
from pipeline.extract import ReadOptions, register_reader, word_limit_error

# --------------------------------------------------------------------------------------------------
# constants

_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demibold|demi\b|,b$|-b$|extrabold|ultrabold", re.I)
_BULLET_ONLY_RE = re.compile(r"^[•◦▪▫■□●○◆◇►▶‣⁃∙·–\-*o\uf0b7\uf0a7\uf0d8\uf076\uf0fc]$")
_BULLET_START_RE = re.compile(r"^([•◦▪▫■□●○◆◇►▶‣⁃∙·\uf0b7\uf0a7\uf0d8\uf076\uf0fc]|[-–*o](?=\s))\s*")
_ENUM_START_RE = re.compile(r"^(\(?\d{1,3}(\.\d{1,3})*[.)]|\d{1,3}\.\d{1,3}|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,5}[.)])\s+\S")
_ITEM_NUMBER_RE = re.compile(r"^\(?\d{1,3}(\.\d{1,3})*[.)]?$|^\(?[a-z][.)]$|^\(?[ivx]{1,5}[.)]$")
_PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s*)?[-–—]?\s*(\d{1,4})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$|^(?:p\.|pg\.?)\s*(\d{1,4})$", re.I)
_CID_RE = re.compile(r"\(cid:\d+\)")
_SENTENCE_END = ".!?:;…\"'”’)"
_LABEL_VALUE_RE = re.compile(r"^[^:]{1,30}:\s+\S")
_HEADER_WORDS = {"action", "actions", "owner", "owners", "who", "deadline", "due", "by", "task", "tasks",
                 "person", "responsible", "status", "item", "date", "when", "lead", "description",
                 "agreed", "approach", "taking", "this", "on", "what", "by whom", "no", "no.", "ref", "notes"}
_MARGIN_HEADER_WORDS = {"action", "actions", "action by", "owner", "lead", "who", "by", "responsible", "by whom"}

TINY_FONT = 4.0  # text smaller than this (logo glyph garbage, hidden text) is not read
BAND = 0.12  # top/bottom share of the page height searched for running headers/footers


@dataclass(slots=True)
class Frag:
    """One run of text on one baseline (a pdfminer text line, or part of one)."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    bold: bool
    nchars: int
    page: int
    gutter_num: bool = False  # an item number from a left gutter was prefixed to this text
    ink: float = 0.0  # OCR only: stroke width over text height (bold is told from it, ocr.snap_sizes)

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Grid:
    """A data table found on one page: rows of cell texts, top to bottom."""

    page: int
    top: float
    bottom: float
    xs: list[float]  # column left edges (anchors), used to recognise continuations on the next page
    rows: list[list[str]]
    header: bool = False
    right: float = 1e9


@dataclass
class PageData:
    number: int
    width: float
    height: float
    frags: list[Frag] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    has_image: bool = False
    curves: int = 0
    raw_text: bool = False  # any text at all before filtering


@dataclass
class Item:
    """A pending output: a flow block, a table row, or a margin entry."""

    kind: str  # heading | paragraph | list_item | row
    page: int
    top: float
    bottom: float
    lines: list[Frag] = field(default_factory=list)
    text: str = ""
    size: float | None = None
    bold: bool = False
    level: int | None = None
    cells: list[str] | None = None
    table: int | None = None  # internal table id
    header: bool = False
    style: str | None = None
    x0: float = 0.0
    gutter_num: bool = False
    margin: str | None = None  # right-gutter entry attached to this block


# --------------------------------------------------------------------------------------------------
# decompression guard (PDF bombs)
#
# pdfminer inflates every /FlateDecode stream in one ``zlib.decompress(data)`` call (and retries a
# damaged one byte by byte with ``zlib.decompressobj``), so a 1 MB stream can become gigabytes in
# memory. ``pdfminer.pdftypes`` looks ``zlib`` up as a module global; we swap in ``_BoundedZlib``,
# which inflates incrementally with ``max_length`` and raises ``_StreamTooLarge`` as soon as one
# stream passes ``ReadOptions.max_unpacked_bytes`` or the document's streams together pass
# ``max_unpacked_total``. The budget is thread-local and only set while ``_parse`` runs; outside it
# the shim behaves exactly like zlib. LZW / RunLength / ASCII filters are counted after decoding
# (their expansion is bounded: LZW at most ~1000x per code table, RunLength 128x).


class _StreamTooLarge(Exception):
    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


class _Budget:
    def __init__(self, per_stream: int, total: int):
        self.per_stream = per_stream
        self.left = total
        self.total = total

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise _StreamTooLarge(f"its streams inflate to more than {self.total // (1024 * 1024)} MB in total")


_GUARD = threading.local()


def _budget() -> _Budget | None:
    return getattr(_GUARD, "budget", None)


class _BoundedDecompressObj:
    def __init__(self, *args, **kwargs):
        self._d = zlib.decompressobj(*args, **kwargs)
        self._out = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        b = _budget()
        if b is None:
            return self._d.decompress(data, max_length)
        room = b.per_stream - self._out + 1
        out = self._d.decompress(data, room if not max_length else min(max_length, room))
        self._out += len(out)
        if self._out > b.per_stream:
            raise _StreamTooLarge(f"a stream inflates to more than {b.per_stream // (1024 * 1024)} MB")
        b.take(len(out))
        return out

    def __getattr__(self, name):
        return getattr(self._d, name)


class _BoundedZlib:
    """The parts of the ``zlib`` module pdfminer.pdftypes uses, with a size budget."""

    error = zlib.error

    def __getattr__(self, name):
        return getattr(zlib, name)

    @staticmethod
    def decompressobj(*args, **kwargs) -> _BoundedDecompressObj:
        return _BoundedDecompressObj(*args, **kwargs)

    @staticmethod
    def decompress(data: bytes, *args, **kwargs) -> bytes:
        b = _budget()
        if b is None:
            return zlib.decompress(data, *args, **kwargs)
        d = zlib.decompressobj(*args[:1], **kwargs)  # wbits, if given
        parts: list[bytes] = []
        n = 0
        chunk = 1 << 20
        buf = data
        while True:
            out = d.decompress(buf, chunk)
            buf = d.unconsumed_tail
            n += len(out)
            if n > b.per_stream:
                raise _StreamTooLarge(f"a stream inflates to more than {b.per_stream // (1024 * 1024)} MB")
            b.take(len(out))
            parts.append(out)
            if d.eof:
                break
            if not out and not buf:
                # input exhausted before the end of the stream: what zlib.decompress reports
                raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return b"".join(parts)


def _install_guard() -> None:
    from pdfminer import pdftypes

    if not isinstance(pdftypes.zlib, _BoundedZlib):
        pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]
        for fname in ("lzwdecode", "rldecode", "ascii85decode", "asciihexdecode"):
            fn = getattr(pdftypes, fname, None)
            if fn is not None:
                setattr(pdftypes, fname, _counted(fn))


def _counted(fn):
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        b = _budget()
        if b is not None:
            if len(out) > b.per_stream:
                raise _StreamTooLarge(f"a stream decodes to more than {b.per_stream // (1024 * 1024)} MB")
            b.take(len(out))
        return out

    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper


# --------------------------------------------------------------------------------------------------
# entry point


@register_reader("pdf")
def read_pdf(path: Path, data: bytes, options: ReadOptions) -> Document:
    pages, notes = _parse(path, data, options)
    builder = DocumentBuilder(str(path), "pdf")
    q = builder.quality
    q.pages = len(pages)
    q.notes.extend(notes)
    scans = _pages_to_ocr(pages, options.ocr)
    if scans:
        _ocr(path, data, pages, scans, options, q)
    q.empty_pages = [p.number for p in pages if not p.raw_text]
    if pages and not any(p.raw_text for p in pages):
        if any(p.has_image or p.curves > 20 for p in pages):
            if scans:
                found = "the scanned pages are blank" if not q.ocr_pages else "OCR found no text on them"
                raise ScannedDocument(path, f"none of the {len(pages)} page(s) has a text layer, and {found} "
                                      "(images only)", "check that the scan holds the minutes")
            raise ScannedDocument(path, f"none of the {len(pages)} page(s) has a text layer (images only)",
                                  "run again with --ocr auto (the default) to read it with OCR")
        q.notes.append("no page has any text or image (blank pages)")
        return builder.build()
    image_only = [p.number for p in pages if p.has_image and not p.raw_text]
    if len(image_only) * 2 > len(pages):
        q.likely_scan = True
        q.notes.append(f"pages {image_only} have images but no text: run OCR on them")
    q.undecodable_glyphs = sum(len(_CID_RE.findall(f.text)) + f.text.count("\ufffd") for p in pages for f in p.frags)
    q.dropped_lines = _drop_running_lines(pages)
    items = _layout(pages)
    _emit(items, builder)
    return builder.build()


def _garbled(p: PageData) -> bool:
    """The page's text layer is mostly undecodable glyphs ("(cid:12)", U+FFFD)."""
    chars = sum(f.nchars for f in p.frags)
    bad = sum(len(_CID_RE.findall(f.text)) + f.text.count("\ufffd") for f in p.frags)
    return chars >= 20 and bad >= 0.3 * chars


def _pages_to_ocr(pages: list[PageData], mode: str) -> list[int]:
    """Page numbers to read with OCR: ``auto``, the pages with no text but an image (or many curves:
    text drawn as outlines) and the pages whose text is glyph garbage; ``always``, every page."""
    if mode == "never":
        return []
    if mode == "always":
        return [p.number for p in pages]
    return [p.number for p in pages if (not p.raw_text and (p.has_image or p.curves > 20)) or _garbled(p)]


def _ocr(path: Path, data: bytes, pages: list[PageData], numbers: list[int], options: ReadOptions, q) -> None:
    """Replace the text of pages ``numbers`` by their OCR (see ``pipeline.extract.ocr``), in place."""
    from pipeline.extract.ocr import ocr_pages, snap_sizes

    by_number = {p.number: p for p in pages}
    results = ocr_pages(path, data, numbers, options, Frag)
    frags: list[Frag] = []
    for r in results:
        p = by_number[r.number]
        p.frags, p.grids = r.frags, []
        p.width, p.height = r.width, r.height
        p.raw_text = bool(r.frags)
        frags.extend(r.frags)
        if r.note:
            q.notes.append(r.note)
    snap_sizes(frags)
    from pipeline.extract.ocr import OcrWord

    for r in results:
        if r.hsegs and r.vsegs:
            _find_ruled_tables(by_number[r.number], r.hsegs, r.vsegs, r.lines, OcrWord)
    read = [r for r in results if not r.blank and r.words]
    q.ocr_pages = [r.number for r in results if not r.blank]
    words = sum(r.words for r in read)
    if words:
        q.ocr_confidence = round(sum((r.confidence or 0.0) * r.words for r in read) / words, 1)
    turned = [f"{r.number} ({r.rotation} degrees)" for r in results if r.rotation]
    if turned:
        q.notes.append(f"OCR: pages turned upright: {', '.join(turned)}")
    blank = sum(r.blank for r in results)
    q.notes.append(f"OCR: {len(q.ocr_pages)} page(s) read with Tesseract in {sum(r.seconds for r in results):.1f} s"
                   + (f", mean word confidence {q.ocr_confidence:g}" if q.ocr_confidence is not None else "")
                   + (f"; {blank} blank page(s) skipped" if blank else ""))
    if q.ocr_confidence is not None and q.ocr_confidence < LOW_OCR_CONFIDENCE:
        low = [r.number for r in read if (r.confidence or 0) < LOW_OCR_CONFIDENCE]
        q.notes.append(f"OCR confidence is low on page(s) {low}: names, dates and numbers may be misread")


# --------------------------------------------------------------------------------------------------
# parsing (the only place pdfminer is called)


def _parse(path: Path, data: bytes, options: ReadOptions) -> tuple[list[PageData], list[str]]:
    _install_guard()
    saved = _budget()
    _GUARD.budget = _Budget(options.max_unpacked_bytes, options.max_unpacked_total)
    try:
        return _parse_guarded(path, data, options)
    except _StreamTooLarge as e:
        raise LimitExceeded(path, f"the PDF is a decompression bomb: {e.what}",
                            "check the file's origin; raise max_unpacked_bytes if it is genuine") from None
    finally:
        _GUARD.budget = saved


def _parse_guarded(path: Path, data: bytes, options: ReadOptions) -> tuple[list[PageData], list[str]]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    notes: list[str] = []
    if b"%PDF-" not in data[:1024]:
        raise CorruptDocument(path, "this is not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        notes.append("the file does not end with %%EOF: it may be truncated")
    try:
        doc = PDFDocument(PDFParser(BytesIO(data)))
    except (PDFPasswordIncorrect, PDFEncryptionError) as e:
        raise EncryptedDocument(path, f"the PDF is password-protected ({type(e).__name__})") from e
    except (MemoryError, _StreamTooLarge):
        raise
    except Exception as e:  # any pdfminer failure on damaged input
        if "encrypt" in str(e).lower() or "password" in str(e).lower():
            raise EncryptedDocument(path, f"the PDF is encrypted and cannot be opened: {e}") from e
        raise CorruptDocument(path, f"the PDF cannot be parsed ({type(e).__name__}: {_short(e)})") from e
    try:
        pdf_pages = []
        for pg in PDFPage.create_pages(doc):
            pdf_pages.append(pg)
            if len(pdf_pages) > options.max_pages:
                raise LimitExceeded(path, f"the PDF has more than {options.max_pages} pages",
                                    "raise the page limit (--max-pages) if the file is genuine")
    except (LimitExceeded, _StreamTooLarge):
        raise
    except MemoryError:
        raise
    except Exception as e:
        raise CorruptDocument(path, f"the page tree is damaged ({type(e).__name__}: {_short(e)})") from e
    if not pdf_pages:
        raise CorruptDocument(path, "the PDF has no pages (damaged or truncated page tree)")

    rsrc = PDFResourceManager(caching=True)
    device = PDFPageAggregator(rsrc, laparams=LAParams(boxes_flow=None))
    interp = PDFPageInterpreter(rsrc, device)
    figure_interp = None
    pages: list[PageData] = []
    words = 0  # so far: a PDF over the word limit is refused while it is laid out, not after
    lines_seen: set[str] = set()
    for i, pg in enumerate(pdf_pages, 1):
        try:
            interp.process_page(pg)
            layout = device.get_result()
            if _text_only_in_figures(layout):
                # the page's text sits in a form XObject, which pdfminer does not lay out into lines
                # unless asked to: ask, for this page only
                if figure_interp is None:
                    figure_device = PDFPageAggregator(rsrc, laparams=LAParams(boxes_flow=None, all_texts=True))
                    figure_interp = (PDFPageInterpreter(rsrc, figure_device), figure_device)
                figure_interp[0].process_page(pg)
                layout = figure_interp[1].get_result()
        except (MemoryError, _StreamTooLarge):
            raise
        except Exception as e:
            raise CorruptDocument(path, f"page {i} cannot be read ({type(e).__name__}: {_short(e)})", page=i) from e
        pages.append(_page_data(layout, i, notes))
        if options.max_words:
            words += _new_words(pages[-1], lines_seen)
            if words > options.max_words:
                raise word_limit_error(path, words, options.max_words, at_least=True)
    return pages, notes


def _new_words(page: PageData, seen: set[str]) -> int:
    """The words of the page's lines not seen before (numbers ignored): running headers and footers,
    which are dropped later, count once, so the running total never exceeds the document's words."""
    n = 0
    for f in page.frags:
        key = _DIGITS_RE.sub("#", f.text.strip().lower())
        if key not in seen:
            seen.add(key)
            n += len(f.text.split())
    return n


_DIGITS_RE = re.compile(r"\d+")


def _text_only_in_figures(layout) -> bool:
    """No text line on the page, but characters inside figures (form XObjects)."""
    from pdfminer.layout import LTChar, LTFigure, LTTextBox, LTTextLine

    chars = 0
    stack = list(layout)
    while stack:
        el = stack.pop()
        if isinstance(el, (LTTextBox, LTTextLine)) and el.get_text().strip():
            return False
        if isinstance(el, LTFigure):
            stack.extend(el)
        elif isinstance(el, LTChar) and el.get_text().strip():
            chars += 1
    return chars >= 20


_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "ft", "\ufb06": "st"})


def _line_text(line) -> str:
    """A pdfminer line's text, with typographic ligatures ("ﬁ") written out as letters."""
    return line.get_text().translate(_LIGATURES).strip()


def _short(e: Exception) -> str:
    s = str(e) or repr(e)
    return s if len(s) < 120 else s[:117] + "..."


def _is_bold(fontname: str, cache: dict[str, bool] = {}) -> bool:  # noqa: B006 (deliberate cache)
    b = cache.get(fontname)
    if b is None:
        b = cache[fontname] = bool(_BOLD_RE.search(fontname.split("+")[-1]))
    return b


def _page_data(layout, number: int, notes: list[str]) -> PageData:
    from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage, LTLine, LTRect, LTTextBox, LTTextLine

    x0p, y0p, x1p, y1p = layout.bbox
    pd = PageData(number=number, width=x1p - x0p, height=y1p - y0p)
    hsegs: list[tuple[float, float, float]] = []  # (y, x0, x1)
    vsegs: list[tuple[float, float, float]] = []  # (x, y0, y1)
    raw_lines: list = []
    tiny = 0
    page_area = max(pd.width * pd.height, 1.0)

    def visit(obj) -> None:
        nonlocal tiny
        for el in obj:
            if isinstance(el, LTTextBox):
                for line in el:
                    if isinstance(line, LTTextLine):
                        raw_lines.append(line)
            elif isinstance(el, LTTextLine):
                raw_lines.append(el)
            elif isinstance(el, LTImage):
                pd.has_image = True
            elif isinstance(el, LTFigure):
                visit(el)
            elif isinstance(el, LTRect):
                w, h = el.width, el.height
                if w * h > 0.8 * page_area:
                    continue
                if h <= 2.0:
                    hsegs.append(((el.y0 + el.y1) / 2, el.x0, el.x1))
                elif w <= 2.0:
                    vsegs.append(((el.x0 + el.x1) / 2, el.y0, el.y1))
                else:
                    hsegs.append((el.y0, el.x0, el.x1))
                    hsegs.append((el.y1, el.x0, el.x1))
                    vsegs.append((el.x0, el.y0, el.y1))
                    vsegs.append((el.x1, el.y0, el.y1))
            elif isinstance(el, LTLine):
                if abs(el.y1 - el.y0) <= 1.0:
                    hsegs.append(((el.y0 + el.y1) / 2, el.x0, el.x1))
                elif abs(el.x1 - el.x0) <= 1.0:
                    vsegs.append(((el.x0 + el.x1) / 2, el.y0, el.y1))
            elif isinstance(el, LTCurve):
                pd.curves += 1
            elif isinstance(el, LTChar):  # loose characters (inside figures)
                pass

    visit(layout)

    for line in raw_lines:
        text = _line_text(line)
        if not text:
            continue
        pd.raw_text = True
        size, bold, n = _line_font(line, LTChar)
        if not n:
            continue
        if size < TINY_FONT:
            tiny += 1
            continue
        pd.frags.append(Frag(text, line.x0, line.x1, line.y0, line.y1, size, bold, n, number))
    if tiny:
        notes.append(f"page {number}: {tiny} line(s) of tiny text (under {TINY_FONT:g} pt) ignored")
    if hsegs and vsegs:
        _find_ruled_tables(pd, hsegs, vsegs, raw_lines)
    return pd


# --------------------------------------------------------------------------------------------------
# ruled tables


def _merge_close(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _find_ruled_tables(pd: PageData, hsegs, vsegs, raw_lines, char_type: type | None = None) -> None:
    """Data tables drawn with rulings. ``raw_lines`` are pdfminer text lines, whose characters are
    ``char_type`` objects (pdfminer's LTChar; the OCR reader passes its lines of words)."""
    from pdfminer.layout import LTChar

    if char_type is not None:
        LTChar = char_type  # noqa: N806
    tol = 2.0
    # keep only segments that touch at least two segments of the other direction (drops underlines)
    def touches_h(h, v):
        return h[1] - tol <= v[0] <= h[2] + tol and v[1] - tol <= h[0] <= v[2] + tol

    hs = [h for h in hsegs if sum(1 for v in vsegs if touches_h(h, v)) >= 2]
    vs = [v for v in vsegs if sum(1 for h in hsegs if touches_h(h, v)) >= 2]
    if len(hs) < 2 or len(vs) < 2:
        return
    ys = sorted(_merge_close([h[0] for h in hs], tol), reverse=True)
    bands: list[tuple[float, float, list[float]]] = []
    for top, bottom in zip(ys, ys[1:]):
        if top - bottom < 3:
            continue
        xs = _merge_close([v[0] for v in vs if v[2] >= top - tol and v[1] <= bottom + tol], tol)
        if len(xs) >= 2:
            bands.append((top, bottom, xs))
    # group consecutive bands with the same columns
    groups: list[list[tuple[float, float, list[float]]]] = []
    for b in bands:
        g = groups[-1] if groups else None
        if g and abs(g[-1][1] - b[0]) <= tol and len(g[-1][2]) == len(b[2]) and all(
                abs(a - c) <= tol for a, c in zip(g[-1][2], b[2])):
            g.append(b)
        else:
            groups.append([b])
    if not groups:
        return
    used: set[int] = set()
    for g in groups:
        xs = g[0][2]
        top, bottom = g[0][0], g[-1][1]
        left, right = xs[0], xs[-1]
        inside = [ln for ln in raw_lines if id(ln) not in used
                  and left - tol <= (ln.x0 + ln.x1) / 2 <= right + tol and bottom - tol <= (ln.y0 + ln.y1) / 2 <= top + tol]
        if not inside:
            continue
        ncol = len(xs) - 1
        # cells: [row][col] -> list of (y, x, text, size, bold)
        cells: list[list[list[Frag]]] = [[[] for _ in range(ncol)] for _ in g]
        for ln in inside:
            yc = (ln.y0 + ln.y1) / 2
            r = next((k for k, (t, b, _) in enumerate(g) if b - tol <= yc <= t + tol), None)
            if r is None:
                continue
            for col, frag in _split_line(ln, xs, pd.number, LTChar):
                cells[r][col].append(frag)
        if not _is_data_grid(cells, ncol):
            continue
        for ln in inside:
            used.add(id(ln))
        rows = [[_cell_text(c) for c in row] for row in cells]
        keep = [i for i, r in enumerate(rows) if any(r)]
        grid = Grid(pd.number, top, bottom, [x for x in xs[:-1]], [rows[i] for i in keep], right=right)
        if keep:
            first = [c for c in cells[keep[0]] if c]
            grid.header = _looks_header(grid.rows[0], first, [cells[i] for i in keep[1:]])
        pd.grids.append(grid)
    if used:  # the fragments of data grids leave the flow
        pd.frags = [f for f in pd.frags if not _in_grids(f, pd.grids)]


def _in_grids(f: Frag, grids: list[Grid]) -> bool:
    for g in grids:
        if g.bottom - 2 <= f.yc <= g.top + 2 and g.xs[0] - 2 <= (f.x0 + f.x1) / 2 <= g.right + 2:
            return True
    return False


def _split_line(ln, xs: list[float], page: int, LTChar) -> list[tuple[int, Frag]]:
    """Split one pdfminer line at the column borders ``xs``; returns (column, fragment) pairs."""
    ncol = len(xs) - 1

    def col_of(x: float) -> int:
        for k in range(ncol):
            if x < xs[k + 1]:
                return k
        return ncol - 1

    c0, c1 = col_of(ln.x0 + 0.5), col_of(ln.x1 - 0.5)
    size, bold, _ = _line_font(ln, LTChar)
    if c0 == c1:
        text = _line_text(ln)
        return [(c0, Frag(text, ln.x0, ln.x1, ln.y0, ln.y1, size, bold, len(text), page))] if text else []
    parts: dict[int, list] = {}
    cur = c0
    for ch in ln:
        if isinstance(ch, LTChar):
            cur = col_of((ch.x0 + ch.x1) / 2)
            parts.setdefault(cur, []).append(ch)
        else:
            parts.setdefault(cur, []).append(ch)
    out = []
    for col, chs in parts.items():
        text = "".join(c.get_text() for c in chs).translate(_LIGATURES).strip()
        real = [c for c in chs if isinstance(c, LTChar)]
        if text and real:
            out.append((col, Frag(text, min(c.x0 for c in real), max(c.x1 for c in real), ln.y0, ln.y1,
                                  size, bold, len(real), page)))
    return out


def _line_font(ln, LTChar) -> tuple[float, bool, int]:
    """A text line's dominant size (to half a point), whether it is bold (80% of its characters), and
    how many characters it has."""
    sizes: Counter = Counter()
    n = nb = 0
    for ch in ln:
        if isinstance(ch, LTChar):
            n += 1
            sizes[round(ch.size * 2) / 2] += 1
            nb += _is_bold(ch.fontname)
    return (sizes.most_common(1)[0][0] if sizes else 0.0), bool(n and nb >= 0.8 * n), n


def _cell_text(frags: list[Frag]) -> str:
    frags = sorted(frags, key=lambda f: (-round(f.y0), f.x0))
    return _join_lines([f.text for f in frags])


def _is_data_grid(cells: list[list[list[Frag]]], ncol: int) -> bool:
    """A data table, or a layout grid (a box around whole paragraphs, minutes typed in a table)?"""
    if ncol < 2:
        return False
    filled_cols = {c for row in cells for c, cell in enumerate(row) if cell}
    if len(filled_cols) < 2:
        return False
    for row in cells:
        for cell in row:
            if len(cell) < 2:
                continue
            fr = sorted(cell, key=lambda f: -f.y1)
            size = median(f.size for f in fr)
            gaps = sum(1 for a, b in zip(fr, fr[1:]) if a.y0 - b.y1 > 0.7 * size)
            mixed_bold = len({f.bold for f in fr}) > 1
            items = sum(1 for f in fr[1:] if _line_kind(f.text) is not None)
            if items >= 2 or gaps >= 2 or (mixed_bold and len(fr) >= 3):
                return False  # paragraphs, lists or headings inside one cell: a layout grid
    return True


def _looks_header(texts: list[str], first: list[list[Frag]], rest: list[list[list[Frag]]]) -> bool:
    if not rest:
        return False
    first_bold = all(all(f.bold for f in cell) for cell in first if cell)
    rest_bold = all(all(f.bold for f in cell) for row in rest for cell in row if cell)
    if first_bold and not rest_bold:
        return True
    words = [w.strip(".:()").lower() for t in texts for w in t.split()]
    return bool(words) and sum(w in _HEADER_WORDS for w in words) >= max(1, len(words) // 2)


# --------------------------------------------------------------------------------------------------
# running headers, footers and page numbers


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _drop_running_lines(pages: list[PageData]) -> int:
    def in_band(f: Frag, p: PageData) -> bool:
        return f.y0 >= p.height * (1 - BAND) or f.y1 <= p.height * BAND

    counts: Counter = Counter()
    for p in pages:
        counts.update({_running_key(f.text) for f in p.frags if in_band(f, p)})
    need = max(2, (len(pages) + 1) // 2)  # "most pages", and never on a single page
    dropped = 0
    for p in pages:
        keep = []
        for f in p.frags:
            if in_band(f, p):
                key = _running_key(f.text)
                if len(pages) >= 2 and counts[key] >= need and sum(c.isalpha() for c in key) >= 2:
                    dropped += 1
                    continue
                m = _PAGE_NUMBER_RE.match(f.text.strip())
                if m:
                    val = int(m.group(1) or m.group(2))
                    if abs(val - p.number) <= 3 or len(pages) == 1:
                        dropped += 1
                        continue
            keep.append(f)
        p.frags = keep
    return dropped


# --------------------------------------------------------------------------------------------------
# flow layout


def _rows(frags: list[Frag]) -> list[list[Frag]]:
    """Fragments grouped by baseline, top to bottom, each row left to right."""
    rows: list[list[Frag]] = []
    for f in sorted(frags, key=lambda f: (-f.y0, f.x0)):
        if rows and abs(rows[-1][0].y0 - f.y0) <= 0.35 * max(f.size, rows[-1][0].size):
            rows[-1].append(f)
        else:
            rows.append([f])
    for r in rows:
        r.sort(key=lambda f: f.x0)
    return rows


def _join(a: Frag, b: Frag, sep: str = " ") -> Frag:
    return Frag(a.text + sep + b.text, a.x0, b.x1, min(a.y0, b.y0), max(a.y1, b.y1),
                a.size if a.nchars >= b.nchars else b.size, a.bold and b.bold or (a.bold and len(b.text) <= 2),
                a.nchars + b.nchars, a.page, a.gutter_num or b.gutter_num)


def _merge_row(row: list[Frag]) -> list[Frag]:
    out: list[Frag] = []
    for f in row:
        if out:
            prev = out[-1]
            gap = f.x0 - prev.x1
            size = max(prev.size, f.size)
            if _BULLET_ONLY_RE.match(prev.text) and gap < 3 * size:
                out[-1] = _join(prev, f)
                out[-1].bold = f.bold
                out[-1].size = f.size
                continue
            if gap < 1.0 * size:
                out[-1] = _join(prev, f)
                continue
        out.append(f)
    return out


def _layout(pages: list[PageData]) -> list[Item]:
    items: list[Item] = []
    tables = _TableIds()
    for p in pages:
        rows = [_merge_row(r) for r in _rows(p.frags)]
        long_lines = [f for r in rows for f in r if len(f.text) >= 40]
        ends = sorted(f.x1 for f in long_lines)
        main_x1 = ends[int(0.8 * (len(ends) - 1))] if ends else p.width  # right edge of most text lines
        flow_rows: list[list[Frag]] = []
        margins: list[Frag] = []
        for r in rows:
            # left gutter item number: prefix it to the text beside it
            if len(r) >= 2 and _ITEM_NUMBER_RE.match(r[0].text) and r[1].x0 - r[0].x1 >= 0.8 * r[1].size:
                num, main = r[0], r[1]
                merged = Frag(num.text + " " + main.text, main.x0, main.x1, min(num.y0, main.y0),
                              max(num.y1, main.y1), main.size, main.bold, main.nchars + num.nchars, main.page, True)
                r = [merged] + r[2:]
            # right gutter entry beyond the text column
            last = r[-1]
            if (len(long_lines) >= 3 and last.x0 > main_x1 + 2 and last.x0 > 0.6 * p.width
                    and len(last.text) <= 25 and len(last.text.split()) <= 4
                    and (len(r) == 1 or last.x0 - r[-2].x1 > 2 * last.size)):
                margins.append(last)
                r = r[:-1]
            if r:
                flow_rows.append(r)
        page_items = _page_items(p, flow_rows, main_x1)
        _attach_margins(page_items, margins)
        for g in p.grids:
            page_items.append(Item("grid", p.number, g.top, g.bottom, table=id(g)))
        page_items.sort(key=lambda it: -it.top)
        grid_by_id = {id(g): g for g in p.grids}
        for it in page_items:
            if it.kind == "grid":
                items.extend(tables.grid_rows(grid_by_id[it.table], items))  # type: ignore[index]
            else:
                items.append(it)
    return items


class _TableIds:
    """Hands out internal table ids and decides when a table continues on the next page."""

    def __init__(self) -> None:
        self.next = 0
        self.last_grid: Grid | None = None
        self.last_id = -1

    def grid_rows(self, g: Grid, items: list[Item]) -> list[Item]:
        prev = self.last_grid
        cont = (prev is not None and prev.page == g.page - 1 and len(prev.xs) == len(g.xs)
                and all(abs(a - b) <= 6 for a, b in zip(prev.xs, g.xs))
                and items and items[-1].kind == "row" and items[-1].table == self.last_id
                and not any(it.page == g.page for it in items))
        rows = list(g.rows)
        out: list[Item] = []
        if cont:
            tid = self.last_id
            if rows and prev.header and g.header and [c.lower() for c in rows[0]] == [c.lower() for c in prev.rows[0]]:
                rows = rows[1:]  # repeated header row
            elif rows and not rows[0][0].strip() and not g.header:
                last = items[-1]
                last.cells = [_join_lines([a, b]) if b else a for a, b in zip(last.cells or [], rows[0])]
                rows = rows[1:]
            header_first = False
        else:
            tid = self.next
            self.next += 1
            header_first = g.header
        for i, r in enumerate(rows):
            out.append(Item("row", g.page, g.top, g.bottom, cells=r, table=tid, header=header_first and i == 0))
        self.last_grid = g
        self.last_id = tid
        return out


def _page_items(p: PageData, rows: list[list[Frag]], main_x1: float | None = None) -> list[Item]:
    """Visual rows of one page -> flow blocks and borderless tables."""
    out: list[Item] = []
    i = 0
    n = len(rows)
    while i < n:
        # borderless table: >= 2 multi-column rows with aligned columns
        if len(rows[i]) >= 2:
            j, grid = _borderless_table(p, rows, i)
            if grid is not None:
                p.grids.append(grid)
                i = j
                continue
        for f in rows[i]:
            _add_line(out, f, main_x1)
        i += 1
    return out


def _borderless_table(p: PageData, rows: list[list[Frag]], i: int) -> tuple[int, Grid | None]:
    anchors = [f.x0 for f in rows[i]]
    size = median(f.size for f in rows[i])

    def col_of(f: Frag) -> int | None:
        for k, a in enumerate(anchors):
            nxt = anchors[k + 1] if k + 1 < len(anchors) else 1e9
            if a - 4 <= f.x0 < nxt - 4:
                return k
        return None

    members = [rows[i]]
    multi = 1
    j = i + 1
    last_y = min(f.y0 for f in rows[i])
    while j < len(rows):
        r = rows[j]
        top = max(f.y1 for f in r)
        gap = last_y - top
        cols = [col_of(f) for f in r]
        if any(c is None for c in cols) or gap > 2.2 * size:
            break
        if len(r) >= 2:
            if len(set(cols)) != len(cols):
                break
            multi += 1
        elif cols[0] == 0 and gap > 0.9 * size and multi >= 2:
            break  # a paragraph after the table, starting at the first column's edge
        members.append(r)
        last_y = min(f.y0 for f in r)
        j += 1
    if multi < 2:
        return i, None
    # text-heavy prose with a short left label (e.g. "Present: ...") is not a table if only 2 rows
    ncol = len(anchors)
    # rows: fragments linked by vertical overlap across columns (cells may be top- or centre-aligned)
    frags = sorted((f for r in members for f in r), key=lambda f: -f.y1)
    groups: list[list[Frag]] = []
    for f in frags:
        hit = [g for g in groups if any(min(f.y1, h.y1) - max(f.y0, h.y0) > 1.0 for h in g)]
        if hit:
            keep = hit[0]
            for g in hit[1:]:
                keep.extend(g)
                groups.remove(g)
            keep.append(f)
        else:
            groups.append([f])
    groups.sort(key=lambda g: -max(f.y1 for f in g))
    table_rows: list[list[list[Frag]]] = []
    prev: list[Frag] | None = None
    for g in groups:
        cols = {col_of(f) for f in g}
        if prev is not None and len(cols) == 1:
            c = next(iter(cols))
            above = [f for f in prev if col_of(f) == c]
            if above and min(f.y0 for f in above) - max(f.y1 for f in g) <= 0.6 * size:
                for f in g:
                    table_rows[-1][c].append(f)  # type: ignore[index]
                prev = prev + g
                continue
        table_rows.append([[] for _ in range(ncol)])
        for f in g:
            table_rows[-1][col_of(f)].append(f)  # type: ignore[index]
        prev = g
    if not _is_data_grid(table_rows, ncol):
        return i, None
    texts = [[_cell_text(c) for c in row] for row in table_rows]
    g = Grid(p.number, max(f.y1 for f in members[0]), min(f.y0 for f in members[-1]), anchors, texts)
    first = [c for c in table_rows[0] if c]
    g.header = _looks_header(texts[0], first, table_rows[1:])
    return j, g


def _line_kind(text: str) -> str | None:
    if _BULLET_START_RE.match(text) and len(text) > 2:
        return "bullet"
    if _ENUM_START_RE.match(text):
        return "enum"
    return None


def _title_line_ends(cur: Item, f: Frag, main_x1: float | None) -> bool:
    """An item's number and title on a line of their own ("1.  Police Report"), the item's text
    starting on the next line ("The September report ..."): the title line is a block of its own.
    Told by the title line stopping well short of the text column's right edge."""
    if main_x1 is None or len(cur.lines) != 1:
        return False
    last = cur.lines[0]
    if _line_kind(last.text) != "enum" and not last.gutter_num:
        return False
    title = _ENUM_LEAD_RE.sub("", last.text).strip()
    if not title or len(title.split()) > 16 or title[-1] in ".,;" or not (title[0].isupper() or title[0].isdigit()):
        return False
    width = main_x1 - cur.x0
    if width <= 0 or last.x1 > main_x1 - max(0.25 * width, 6 * last.size):
        return False
    first = f.text.lstrip("\"'“‘(")[:1]
    return bool(first) and (first.isupper() or first.isdigit())


_ENUM_LEAD_RE = re.compile(r"^\(?(\d{1,3}(\.\d{1,3})*[.)]?|[a-zA-Z][.)]|[ivxIVX]{1,5}[.)])\s*")


def _add_line(out: list[Item], f: Frag, main_x1: float | None = None) -> None:
    cur = out[-1] if out and out[-1].kind != "row" and out[-1].lines else None
    starts_item = _line_kind(f.text) is not None or f.gutter_num
    if cur is not None:
        last = cur.lines[-1]
        gap = last.y0 - f.y1
        same_font = abs(last.size - f.size) <= 0.5 and last.bold == f.bold
        if (not starts_item and same_font and gap <= 0.7 * f.size and gap > -f.size
                and f.x0 >= cur.x0 - 3 and f.page == last.page and not _title_line_ends(cur, f, main_x1)):
            cur.lines.append(f)
            cur.bottom = f.y0
            return
    it = Item("paragraph", f.page, f.y1, f.y0, lines=[f], x0=f.x0, gutter_num=f.gutter_num)
    out.append(it)


def _attach_margins(items: list[Item], margins: list[Frag]) -> None:
    """Tie each right-gutter entry to the block beside it (or just below it)."""
    for m in margins:
        best = None
        for it in items:
            if it.kind == "row" or not it.lines:
                continue
            if it.bottom - 1 <= m.yc <= it.top + 1:
                best = it
                break
        if best is None:
            below = [it for it in items if it.lines and it.top <= m.y1 + 1 and m.y1 - it.top <= 1.6 * m.size]
            best = below[0] if below else None
        if best is not None and best.margin is None:
            best.margin = m.text
        else:
            items.append(Item("paragraph", m.page, m.y1, m.y0, lines=[m], x0=m.x0, style="margin"))


# --------------------------------------------------------------------------------------------------
# blocks, headings, page-break joins, output


def _join_lines(lines: list[str]) -> str:
    out = ""
    for ln in lines:
        ln = ln.strip()
        if not ln:
            continue
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and ln[:1].islower():
            out += ln  # a word hyphenated at the line end keeps its hyphen: "cost-savings"
        elif out:
            out += " " + ln
        else:
            out = ln
    return out


def _finish_blocks(items: list[Item]) -> None:
    blocks = [it for it in items if it.kind != "row"]
    chars: Counter = Counter()
    bold_chars: Counter = Counter()
    for it in blocks:
        for f in it.lines:
            chars[f.size] += f.nchars
            if f.bold:
                bold_chars[f.size] += f.nchars
    body = chars.most_common(1)[0][0] if chars else 0.0
    body_bold = bool(chars) and bold_chars[body] > 0.5 * chars[body]
    for it in blocks:
        it.text = _join_lines([f.text for f in it.lines])
        sz: Counter = Counter()
        for f in it.lines:
            sz[f.size] += f.nchars
        it.size = sz.most_common(1)[0][0] if sz else None
        it.bold = all(f.bold for f in it.lines)
    # page-break joins: a paragraph that does not end a sentence, continued in lower case on the next page
    merged: list[Item] = []
    for it in items:
        prev = merged[-1] if merged else None
        if (prev is not None and it.kind == "paragraph" and prev.kind == "paragraph" and it.style is None
                and prev.style is None and it.page == prev.page + 1 and it.lines and prev.lines
                and prev.text and not _ends_sentence(prev.text) and _starts_lower(it.text)
                and prev.size is not None and it.size is not None and abs(prev.size - it.size) <= 0.5
                and _first_block_on_page(items, it) and prev.margin is None):
            prev.lines.extend(it.lines)
            prev.text = _join_lines([prev.text, it.text])
            prev.margin = it.margin
            continue
        merged.append(it)
    items[:] = merged
    # kinds and headings
    heading_sizes: set[float] = set()
    for it in items:
        if it.kind == "row" or it.style == "margin":
            continue
        kind = _line_kind(it.text)
        if _BULLET_ONLY_RE.match(it.text):
            it.kind = "drop"  # a bullet with no text
            continue
        if kind == "bullet":
            it.kind = "list_item"
            it.text = _BULLET_START_RE.sub("", it.text, count=1)
            continue
        if _is_heading(it, body, body_bold):
            it.kind = "heading"
            if it.size is not None and it.size > body + 0.5:
                heading_sizes.add(it.size)
            continue
        if kind == "enum" or it.gutter_num:
            it.kind = "list_item"
    ranked = sorted(heading_sizes, reverse=True)
    has_gutter_headings = any(it.kind == "heading" and it.gutter_num and (it.size or 0) <= body + 0.5 for it in items)
    for it in items:
        if it.kind == "heading":
            if it.size is not None and it.size in heading_sizes:
                it.level = ranked.index(it.size) + 1
            else:
                it.level = len(ranked) + 1 + (1 if has_gutter_headings and not it.gutter_num else 0)
    # list nesting: rank of the indentation among list items
    xs = sorted({round(it.x0 / 6) for it in items if it.kind == "list_item"})
    for it in items:
        if it.kind == "list_item":
            it.level = xs.index(round(it.x0 / 6))


def _ends_sentence(text: str) -> bool:
    t = text.rstrip("\"'”’)]")
    return not t or t[-1] in ".!?:;…"


def _starts_lower(text: str) -> bool:
    t = text.lstrip("(\"'“‘[")
    return t[:1].islower()


def _first_block_on_page(items: list[Item], it: Item) -> bool:
    for other in items:
        if other.page == it.page:
            return other is it
    return False


def _is_heading(it: Item, body: float, body_bold: bool) -> bool:
    text = it.text
    if not text or len(text) > 120 or len(it.lines) > 3 or it.size is None:
        return False
    if text[-1] in ".;," and not re.search(r"\b\d+(\.\d+)*\.$", text) or text.endswith(":") and len(text) > 60:
        return False
    if _LABEL_VALUE_RE.match(text) and not it.gutter_num:
        return False
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2:
        return False
    if it.size > body + 0.5:
        return True
    if abs(it.size - body) <= 0.5 or it.size < body:
        if it.bold and not body_bold and it.size >= body - 1:
            return True
        if it.gutter_num and len(text) <= 80 and text[-1] not in ".;,":
            return True
    return False


def _emit(items: list[Item], builder: DocumentBuilder) -> None:
    _finish_blocks(items)
    table_map: dict[int, int] = {}
    margin_table: int | None = None
    margin_header: str | None = None
    for it in items:
        if it.style == "margin" and margin_header is None and it.text.lower().strip(" :") in _MARGIN_HEADER_WORDS:
            margin_header = it.text
    for it in items:
        if it.kind == "drop":
            continue
        if it.kind == "row":
            tid = table_map.get(it.table)  # type: ignore[arg-type]
            if tid is None:
                tid = table_map[it.table] = builder.new_table()  # type: ignore[index]
            builder.add_row(tid, it.cells or [], page=it.page, header=it.header)
        elif it.style == "margin":
            if it.text == margin_header:
                continue  # becomes the header row of the margin table
            builder.add("paragraph", it.text, page=it.page, style="margin", font_size=it.size)
        elif it.margin is not None and it.kind != "heading":
            if margin_table is None:
                margin_table = builder.new_table()
                if margin_header:
                    builder.add_row(margin_table, ["", margin_header], page=it.page, header=True)
            builder.add_row(margin_table, [it.text, it.margin], page=it.page, style=it.kind)
        else:
            builder.add(it.kind, it.text, page=it.page, level=it.level, bold=it.bold, font_size=it.size)  # type: ignore[arg-type]
            if it.margin is not None:
                builder.add("paragraph", it.margin, page=it.page, style="margin", font_size=it.size)
