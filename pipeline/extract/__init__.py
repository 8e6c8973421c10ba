"""Stage 1, extract: one reader per format, each returning the same ``Document``.

``read_document(path)`` checks the file, decides its format from its content (the extension is a
claim that must agree with the content), and calls the registered reader. Readers are registered by
name with ``@register_reader`` and imported lazily, so ``minutebook --help`` imports none of them.
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from pipeline.core.document import Document
from pipeline.core.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    InputNotFound,
    LimitExceeded,
    PipelineConfigError,
    UnsupportedFormat,
    WrongExtension,
)
from pipeline.core.files import entry_problem
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
        if not data.strip(b"\x00"):
            raise UnsupportedFormat(path, f"{what} holds nothing but NUL bytes, not minutes",
                                    "the file was never written or is a damaged copy; restore it from the original")
        if data.startswith((b"\x7fELF", b"MZ", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")):
            raise UnsupportedFormat(path, f"{what} is a program (executable), not minutes",
                                    "check that it is the right file")
        raise UnsupportedFormat(path, f"{what} holds binary data that is not a document minutebook reads",
                                "minutebook reads PDF, DOCX, DOC, ODT, RTF, HTML, Markdown and plain text; "
                                "convert it to one of them")
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


# below one word break (space, line break, tab, ideographic space or full stop) per this many bytes,
# a text-family file of more than a few kB is not prose: a 10 MB line of one character, a base64 dump
_BYTES_PER_BREAK = 1000
_WORD_BREAKS = (b" ", b"\n", b"\t", b"\r", "\u3000".encode(), "\u3002".encode())


def _no_word_breaks(data: bytes) -> bool:
    """True for text (bytes, any ASCII-compatible or UTF-16 encoding) with no word breaks to speak of.
    Counted on the bytes, before decoding: ``bytes.count`` is cheap even for 200 MB."""
    if len(data) < 4 * _BYTES_PER_BREAK:
        return False
    return sum(data.count(b) for b in _WORD_BREAKS) * _BYTES_PER_BREAK < len(data)


def word_limit_error(path: str | Path, words: int, max_words: int, *, at_least: bool = False) -> LimitExceeded:
    """The error for a document over the word limit (``at_least``: counted only until it was clear)."""
    count = f"more than {words:,}" if at_least else f"{words:,}"
    return LimitExceeded(path, f"the text has {count} words, over the {max_words:,}-word limit for one document",
                         "split the file into one file per meeting, or raise the limit with --max-words")


def _words_beyond(data: bytes, limit: int, chunk: int = 1 << 20) -> int | None:
    """Words (runs of non-space bytes) counted a chunk at a time, stopping as soon as there are more
    than ``limit``: that count, or None when the data is within the limit. Memory: one chunk."""
    n = 0
    for start in range(0, len(data), chunk):
        n += len(data[start:start + chunk].split())
        if n > limit:
            return n
    return None


def _no_words_error(path: Path, size: int, unit: str) -> EmptyDocument:
    return EmptyDocument(path, f"the text has no words: {size:,} {unit} with hardly a space or line break, not minutes",
                         "check that it is the right file")


_OFFICE = {"docx", "doc", "odt", "rtf"}


def _looks_textual_ext(ext: str) -> bool:
    return ext in (".log", ".rst", ".org", ".notes")


def read_document(path: str | Path, *, as_format: str | None = None, options: ReadOptions | None = None) -> Document:
    """Read one file into a ``Document``. Raises a ``MinutebookError`` subclass on bad input."""
    options = options or ReadOptions()
    p = Path(path)
    if p.is_dir():
        raise InputNotFound(p, "is a folder, not a file", "pass a file (minutebook tag reads whole folders)")
    problem = entry_problem(p)
    if problem is not None and not os.path.lexists(p):
        raise InputNotFound(p, "no such file")
    if problem is not None and "symbolic link" in problem and "not a regular file" not in problem:
        raise InputNotFound(p, problem, "check the link, or pass the file it should point to")
    if problem is not None:  # a named pipe or a device would block or never end
        raise UnsupportedFormat(p, f"is {problem}", "pass the minutes file itself")
    size = p.stat().st_size
    if size == 0:
        raise EmptyDocument(p, "the file is empty (0 bytes)")
    if size > options.max_bytes:
        raise size_limit_error(p, size, options.max_bytes)
    with p.open("rb") as fh:
        data = fh.read(options.max_bytes + 1)  # the file may have grown since the stat
    if len(data) > options.max_bytes:
        raise size_limit_error(p, len(data), options.max_bytes)
    fmt = detect_format(p, data, as_format)
    if fmt in ("text", "markdown") and _no_word_breaks(data):  # on the bytes, before decoding
        raise _no_words_error(p, len(data), "bytes")
    if fmt in ("text", "markdown") and options.max_words:
        # far over the word limit: refused on the bytes, before decoding (a 50 MB text in a second,
        # not after building 8 million words' worth of blocks); the margin covers Markdown's syntax
        over = _words_beyond(data, options.max_words + options.max_words // 4)
        if over is not None:
            raise word_limit_error(p, over, options.max_words, at_least=True)
    doc = get_reader(fmt)(p, data, options)
    if not doc.blocks:
        raise EmptyDocument(p, "no text found in the file")
    if fmt == "html" and _no_word_breaks(doc.text.encode("utf-8")):  # markup has no words: its text
        raise _no_words_error(p, len(doc.text), "characters of text")
    if options.max_words:
        words = doc.word_count()
        if words > options.max_words:
            raise word_limit_error(p, words, options.max_words)
    if options.max_block_chars and any(len(b.text) > options.max_block_chars for b in doc.blocks):
        _split_long_blocks(doc, options.max_block_chars)
    return doc


_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[", re.I)


def refuse_entities(path: str | Path, data: bytes | str, where: str) -> None:
    """Raise ``CorruptDocument`` (MB006, with its own message and hint) when ``data`` declares XML entities of its own: raw XML bytes (a DOCX
    part, in UTF-8 or UTF-16) with any ``<!ENTITY``, or decoded (X)HTML text with one in the internal
    subset of its first ``<!DOCTYPE ... [ ... ]>``. Checked before parsing: expanding them is the
    "billion laughs" attack, which lxml otherwise reports as a syntax error (read as a damaged file)."""
    decl = "<!ENTITY"
    if isinstance(data, bytes):
        found = any(decl.encode(codec) in data for codec in ("ascii", "utf-16-le", "utf-16-be"))
    else:
        m = _DOCTYPE_SUBSET.search(data)
        end = data.find("]", m.end()) if m else -1
        found = m is not None and decl in data[m.end():end if end >= 0 else len(data)]
    if found:
        raise CorruptDocument(path, f"{where} declares its own XML entities (<!ENTITY> in a DTD): entity expansion refused",
                              "the file is not ordinary minutes (a crafted 'billion laughs' file?); check where it came from")


def size_limit_error(path: str | Path, size: int, max_bytes: int) -> LimitExceeded:
    """The error for a file over the byte limit (checked before reading or hashing it)."""
    mb = 1024 * 1024
    shown = f"{size // mb} MB" if size >= mb else f"{size:,} bytes"
    limit = f"{max_bytes // mb} MB" if max_bytes >= mb else f"{max_bytes:,}-byte"
    return LimitExceeded(path, f"the file is {shown}, over the {limit} limit", "raise it with --max-mb if the file is genuine")


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


__all__ = ["ReadOptions", "read_document", "refuse_entities", "size_limit_error", "word_limit_error", "detect_format", "register_reader", "get_reader", "FORMATS"]
