"""Stage 1, extract: one reader per format, each returning the same ``Document``.

``read_document(path)`` checks the file, decides its format from its content (the extension is a
claim that must agree with the content), and calls the registered reader. Readers are registered by
name with ``@register_reader`` and imported lazily, so ``minutebook --help`` imports none of them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from pipeline.core.document import Document
from pipeline.core.errors import (
    EmptyDocument,
    EncryptedDocument,
    InputNotFound,
    LimitExceeded,
    PipelineConfigError,
    UnsupportedFormat,
    WrongExtension,
)
from pipeline.extract.sniff import EXTENSIONS, FORMATS, sniff_format


@dataclass(frozen=True)
class ReadOptions:
    encoding: str | None = None  # text formats: force this encoding instead of detecting one
    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    # decompression limits (zip/PDF bombs): one DOCX XML part or one PDF stream, and all of them together
    max_unpacked_bytes: int = 128 * 1024 * 1024
    max_unpacked_total: int = 512 * 1024 * 1024
    max_html_depth: int = 10_000  # element nesting depth of HTML (and raw HTML in Markdown)
    # longer paragraphs (a 5 MB single line) are split at sentence/word boundaries: the NLP stage
    # parses one block at a time and spaCy refuses texts over 1,000,000 characters
    max_block_chars: int = 10_000
    # words analysed per document: the NLP stages run at a few thousand words a second, so a 50 MB text
    # (8 million words) would take hours; 200,000 words is a 400-page board pack
    max_words: int = 200_000
    # OCR of scanned PDF pages (pipeline.extract.ocr): auto (pages with no usable text layer), always, never
    ocr: str = "auto"
    ocr_page_seconds: float = 60.0  # Tesseract's time limit for one page (the page is left out past it)
    ocr_max_pages: int = 300  # most pages recognised in one document (blank pages are not counted)
    convert_seconds: float = 120.0  # LibreOffice's time limit to convert one .doc/.odt/.rtf file to .docx


def limit_options(max_bytes: int | None = None, max_pages: int | None = None, max_words: int | None = None,
                  ocr: str | None = None, ocr_page_seconds: float | None = None,
                  ocr_max_pages: int | None = None) -> dict[str, int | float | str]:
    """The per-document read limits (and OCR mode) that are set, as pipeline options (``stages.extract``
    turns them into ``ReadOptions``); unset ones (None or 0) keep ReadOptions' defaults."""
    if ocr is not None and ocr not in OCR_MODES:
        raise PipelineConfigError(None, f"unknown OCR mode {ocr!r}", f"use one of: {', '.join(OCR_MODES)}")
    return {k: v for k, v in (("max_bytes", max_bytes), ("max_pages", max_pages), ("max_words", max_words),
                              ("ocr", ocr), ("ocr_page_seconds", ocr_page_seconds),
                              ("ocr_max_pages", ocr_max_pages)) if v}


OCR_MODES = ("auto", "always", "never")


Reader = Callable[[Path, bytes, ReadOptions], Document]

# format name -> module that registers it (imported on first use)
_READER_MODULES = {
    "pdf": "pipeline.extract.pdf",
    "docx": "pipeline.extract.docx",
    "html": "pipeline.extract.html",
    "markdown": "pipeline.extract.markdown",
    "text": "pipeline.extract.text",
    # .doc / .odt / .rtf: converted to .docx by LibreOffice, then read by the DOCX reader
    "doc": "pipeline.extract.office",
    "odt": "pipeline.extract.office",
    "rtf": "pipeline.extract.office",
}
_READERS: dict[str, Reader] = {}


def register_reader(fmt: str) -> Callable[[Reader], Reader]:
    def deco(fn: Reader) -> Reader:
        _READERS[fmt] = fn
        return fn

    return deco


def get_reader(fmt: str) -> Reader:
    if fmt not in _READERS:
        if fmt not in _READER_MODULES:
            raise UnsupportedFormat(None, f"no reader for format {fmt!r}")
        importlib.import_module(_READER_MODULES[fmt])
    return _READERS[fmt]


def detect_format(path: Path, data: bytes, as_format: str | None = None) -> str:
    """The format to read ``data`` as. Raises when the content contradicts the extension."""
    if as_format:
        if as_format not in FORMATS:
            raise UnsupportedFormat(path, f"unknown input format {as_format!r}",
                                    f"use one of: {', '.join(FORMATS)}")
        return as_format
    by_content = sniff_format(data)
    ext = path.suffix.lower()
    by_ext = EXTENSIONS.get(ext)
    if by_content in ("binary",):
        what = f"a {ext} file" if ext else "this file"
        raise UnsupportedFormat(path, f"{what} holds binary data that is not a document minutebook reads",
                                "minutebook reads PDF, DOCX, DOC, ODT, RTF, HTML, Markdown and plain text; convert it to one of them")
    if by_content == "encrypted-office":
        raise EncryptedDocument(path, "the Office document is password-protected")
    if by_content == "zip":
        raise UnsupportedFormat(path, "this is a zip archive that is not a Word or OpenDocument text document",
                                "save it as .docx or PDF and run again")
    if by_ext is None:
        if ext and ext not in ("", ".minutes") and not _looks_textual_ext(ext):
            raise UnsupportedFormat(path, f"unknown file extension {ext!r}",
                                    f"pass --as FORMAT ({', '.join(FORMATS)}) if it holds minutes")
        return by_content  # no extension: trust the content
    if by_ext == by_content:
        return by_ext
    # Word processors save under each other's names: an RTF or a .docx called .doc, a web page saved as
    # .doc; the content decides.
    if by_ext == "doc" or (by_ext in _OFFICE and by_content in _OFFICE):
        return by_content
    # Text-family formats overlap: a .txt may contain Markdown, a .md may be plain text.
    text_family = {"text", "markdown", "html"}
    if by_ext in text_family and by_content in text_family:
        if by_ext == "html" and by_content != "html":
            return "text" if by_content == "text" else by_content
        return by_ext
    raise WrongExtension(path, f"the extension says {by_ext.upper()} but the content is {by_content.upper()}")


_OFFICE = {"docx", "doc", "odt", "rtf"}


def _looks_textual_ext(ext: str) -> bool:
    return ext in (".log", ".rst", ".org", ".notes")


def read_document(path: str | Path, *, as_format: str | None = None, options: ReadOptions | None = None) -> Document:
    """Read one file into a ``Document``. Raises a ``MinutebookError`` subclass on bad input."""
    options = options or ReadOptions()
    p = Path(path)
    if not p.exists():
        raise InputNotFound(p, "no such file")
    if p.is_dir():
        raise InputNotFound(p, "is a folder, not a file", "pass a file (minutebook tag reads whole folders)")
    size = p.stat().st_size
    if size == 0:
        raise EmptyDocument(p, "the file is empty (0 bytes)")
    if size > options.max_bytes:
        raise LimitExceeded(p, f"the file is {size // (1024 * 1024)} MB, over the {options.max_bytes // (1024 * 1024)} MB limit",
                            "raise it with --max-mb if the file is genuine")
    data = p.read_bytes()
    fmt = detect_format(p, data, as_format)
    doc = get_reader(fmt)(p, data, options)
    if not doc.blocks:
        raise EmptyDocument(p, "no text found in the file")
    if options.max_words:
        words = doc.word_count()
        if words > options.max_words:
            raise LimitExceeded(p, f"the text has {words:,} words, over the {options.max_words:,}-word limit for one document",
                                "split the file into one file per meeting, or raise the limit with --max-words")
    if options.max_block_chars and any(len(b.text) > options.max_block_chars for b in doc.blocks):
        _split_long_blocks(doc, options.max_block_chars)
    return doc


def _split_long_blocks(doc: Document, limit: int) -> None:
    """Split paragraphs/headings/list items longer than ``limit`` into several blocks, in place.

    The split replaces one space (at a sentence end if there is one, else at a word boundary) with
    a newline, so every offset in ``doc.text`` stays valid. A run of ``limit`` characters without a
    space is cut with no separator. Table rows (cells keep their own spans) are left alone.
    """
    text = doc.text
    cuts: list[int] = []  # positions of spaces turned into newlines
    blocks = []
    for b in doc.blocks:
        if len(b.text) <= limit or b.kind == "table_row":
            blocks.append(b)
            continue
        start = b.start
        while b.end - start > limit:
            window_end = start + limit
            lo = start + limit // 2
            cut = text.rfind(". ", lo, window_end)
            cut = cut + 1 if cut >= 0 else text.rfind(" ", lo, window_end)
            if cut > start:
                blocks.append(replace(b, text=text[start:cut], start=start, end=cut))
                cuts.append(cut)
                start = cut + 1
            else:
                blocks.append(replace(b, text=text[start:window_end], start=start, end=window_end))
                start = window_end
        blocks.append(replace(b, text=text[start:b.end], start=start, end=b.end))
    if cuts:
        parts, prev = [], 0
        for c in cuts:
            parts.append(text[prev:c])
            parts.append("\n")
            prev = c + 1
        parts.append(text[prev:])
        doc.text = "".join(parts)
    doc.blocks = blocks
    doc.quality.notes.append(f"paragraphs over {limit} characters were split into blocks of at most {limit}")


__all__ = ["ReadOptions", "read_document", "detect_format", "register_reader", "get_reader", "FORMATS"]
