"""Which files of a folder are documents to tag, and their content hash (files are identified by the
sha256 of their bytes)."""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Iterable, Iterator

# Extensions read by their reader (pipeline.extract.sniff.EXTENSIONS), plus documents minutebook
# cannot read but a user expects to hear about (they come out FAILED with a "convert it" hint rather
# than being silently left out of the archive).
_REPORTED_UNREADABLE = {".doc", ".rtf", ".odt"}
# Extensions whose content is sniffed: text-like names the reader accepts when the content is text.
_SNIFFED_EXTENSIONS = {"", ".minutes", ".notes", ".log", ".rst", ".org"}
_SKIPPED_DIRS = {"__pycache__", "node_modules", "__MACOSX"}
_SKIPPED_NAMES = {"license", "licence", "makefile", "dockerfile", "copying", "authors", "notice",
                  "thumbs.db", "desktop.ini"}
_SNIFF_BYTES = 20000
_GLOB_CHARS = set("*?[")


def _supported_extensions() -> set[str]:
    from pipeline.extract.sniff import EXTENSIONS

    return set(EXTENSIONS) | _REPORTED_UNREADABLE


def _is_hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")  # ~$ = Office lock files


def _looks_like_document(path: Path, exts: set[str]) -> bool:
    """Worth handing to the pipeline: a known extension, or a text-like name whose bytes sniff as a
    format minutebook reads (Markdown or text saved without an extension)."""
    if _is_hidden(path.name) or path.name.lower() in _SKIPPED_NAMES:
        return False
    ext = path.suffix.lower()
    if ext in exts:
        return True
    if ext not in _SNIFFED_EXTENSIONS:
        return False  # images, archives, code, spreadsheets...: obviously not minutes
    from pipeline.extract.sniff import FORMATS, sniff_format

    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError:
        return False
    return bool(head.strip()) and sniff_format(head) in FORMATS


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):  # does not follow symlinked folders (no cycles)
        dirnames[:] = sorted(d for d in dirnames if not _is_hidden(d) and d not in _SKIPPED_DIRS)
        for name in filenames:
            if not _is_hidden(name):
                yield Path(dirpath) / name


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """The documents to tag under ``paths`` (files, folders walked recursively, or glob patterns such
    as ``"minutes/**/*.pdf"``), resolved, de-duplicated and sorted.

    Hidden files and folders are skipped while walking, as are obvious non-documents (images,
    archives, code); a file named explicitly is kept if it looks like a document. Missing paths raise
    ``InputNotFound`` (a typo should not quietly tag nothing).
    """
    from pipeline.core.errors import InputNotFound

    exts = _supported_extensions()
    found: set[Path] = set()
    for raw in paths:
        p = Path(raw).expanduser()
        candidates: list[Path]
        if p.exists():
            candidates = [p]
        elif _GLOB_CHARS & set(str(raw)):
            candidates = [Path(m) for m in glob.glob(str(p), recursive=True)]
            if not candidates:
                raise InputNotFound(str(raw), "the pattern matches no files", "check the pattern and quote it")
        else:
            raise InputNotFound(p, "no such file or folder")
        explicit = p.exists() and p.is_file()
        for c in candidates:
            if c.is_dir():
                found.update(f.resolve() for f in _walk(c) if _looks_like_document(f, exts))
            elif c.is_file():
                if explicit and not _is_hidden(c.name):
                    found.add(c.resolve())  # named by the user: let the pipeline say what is wrong
                elif _looks_like_document(c, exts):
                    found.add(c.resolve())
    return sorted(found, key=str)
