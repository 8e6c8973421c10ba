"""Typed exceptions. Every error names the file, says what is wrong, and says what to do next.

The CLI turns these into a one-line message and exit code 2; a batch records them per document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def printable(text: str) -> str:
    """``text`` (a file name) safe for a one-line message: newlines, tabs, terminal escape sequences
    and other control characters are shown escaped (``\\n``, ``\\x1b``) instead of acting."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class MinutebookError(Exception):
    """Base class. ``code`` is stable (for scripts and docs); ``hint`` is the next step for the user."""

    code = "MB000"
    default_hint = "run again with --debug to see the full traceback"

    def __init__(self, path: str | Path | None, message: str, hint: str | None = None, *, page: int | None = None):
        self.path = str(path) if path is not None else None
        self.message = message
        self.hint = hint or self.default_hint
        self.page = page
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = printable(self.path) if self.path else "<input>"
        if self.page is not None:
            where += f" (page {self.page})"
        return f"{where}: {self.message} [{self.code}]; {self.hint}"


class InputNotFound(MinutebookError):
    code = "MB001"
    default_hint = "check the path and try again"


class UnsupportedFormat(MinutebookError):
    code = "MB002"
    default_hint = "minutebook reads PDF, DOCX, DOC, ODT, RTF, HTML, Markdown and plain text; convert the file to one of them"


class WrongExtension(MinutebookError):
    code = "MB003"
    default_hint = "rename the file to match its content, or pass --as FORMAT to read it as that format"


class EmptyDocument(MinutebookError):
    code = "MB004"
    default_hint = "the file has no text to read; check that it is the right file"


class EncryptedDocument(MinutebookError):
    code = "MB005"
    default_hint = "save an unprotected copy (remove the password) and run again"


class CorruptDocument(MinutebookError):
    code = "MB006"
    default_hint = "the file is damaged or truncated; download or export it again"


class ScannedDocument(MinutebookError):
    code = "MB007"
    default_hint = "the PDF has no text layer (a scan); run OCR on it first (e.g. ocrmypdf) and run again"


class EncodingError(MinutebookError):
    code = "MB008"
    default_hint = "save the file as UTF-8, or pass --encoding NAME"


class LimitExceeded(MinutebookError):
    code = "MB009"
    default_hint = "raise the limit with the matching option if the file is genuine"


class PipelineConfigError(MinutebookError):
    code = "MB010"
    default_hint = "check the stage names and their order"


class ArchiveError(MinutebookError):
    """The archive database cannot be opened, migrated, read or written (``path`` is the .db file)."""

    code = "MB013"
    default_hint = "check the archive path (--db or $MINUTEBOOK_DB); if the file is damaged, move it aside and tag again"


class OutputPathError(MinutebookError):
    """An output path (``-o``, ``--calendar``, ``--chart``) that is an input file, a folder, or in a
    folder that does not exist (``path`` is the output path). Checked before any work."""

    code = "MB022"
    default_hint = "choose another output path"


class WriteFailed(MinutebookError):
    """Writing failed for a reason that is not the document's: the disk is full or read-only, or the
    database server went away (``path`` is what was being written). A batch stops at once; whatever
    was not stored is done by a plain rerun."""

    code = "MB023"
    default_hint = "free some space (or fix the server) and run the same command again; it goes on where it stopped"


class ArchiveUnavailable(WriteFailed, ArchiveError):
    """The archive cannot be written (or read) for a reason that is not the document's: the disk is full
    or read-only, an I/O error, the database server went away. Still an ``ArchiveError``; ``tag`` stops
    at once with it rather than blaming the document."""

    code = "MB023"
    default_hint = ("free some space on the archive's disk (or bring the database server back) and run the "
                    "same command again; it goes on where it stopped")


class BadOption(MinutebookError):
    """An option value that cannot be used (a malformed date, a format that needs a file)."""

    code = "MB024"
    default_hint = "check the option's value (see --help)"


class BadDate(BadOption, ArchiveError):
    """A date filter (``--since``, ``--until``, ``--due-before``) that is not a date. Still an
    ``ArchiveError`` for callers that catch those; its code is the bad option's."""

    code = "MB024"
    default_hint = "write dates as YYYY, YYYY-MM or YYYY-MM-DD"


@dataclass(frozen=True)
class ErrorItem:
    """One problem with a document (docling's ErrorItem): where it happened and what it was. A batch
    stores these per document; the stage runner collects them when it degrades instead of raising."""

    component: str  # a stage name, "quality", "worker", "batch" or "archive"
    message: str
    code: str | None = None

    @classmethod
    def from_exception(cls, component: str, e: BaseException, path: str | Path) -> "ErrorItem":
        """Our own errors keep their one line and code; anything else is an unexpected error to report."""
        if isinstance(e, MinutebookError):
            return cls(component, e.one_line(), e.code)
        return cls(component, f"{path}: unexpected error in {component} ({e.__class__.__name__}: {e}); "
                   "run `minutebook analyse --debug` on the file and report it with the traceback")
