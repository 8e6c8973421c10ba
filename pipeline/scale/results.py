"""Result types shared by the local and the cluster runner (docling's ``datamodel``): per-document
status, what a worker sends back, the batch report, and the task and stop signal both runners use.
Neither runner imports the other; both import this module."""

from __future__ import annotations

import signal
import sys
import threading
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, Protocol

from pipeline.core.errors import ErrorItem
from pipeline.core.output import plural

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from pipeline.core.record import Meeting


class Status(str, Enum):
    SUCCESS = "SUCCESS"
    PARTIAL = "PARTIAL"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


@dataclass(frozen=True)
class Limits:
    """Per-document limits. ``seconds`` is wall time per document (None or 0 = no limit)."""

    seconds: float | None = 300.0
    max_bytes: int | None = None  # default: ReadOptions.max_bytes
    max_pages: int | None = None  # default: ReadOptions.max_pages
    max_words: int | None = None  # default: ReadOptions.max_words
    ocr: str | None = None  # OCR of scanned PDF pages: auto | always | never (default: ReadOptions.ocr)
    ocr_page_seconds: float | None = None  # default: ReadOptions.ocr_page_seconds
    ocr_max_pages: int | None = None  # default: ReadOptions.ocr_max_pages
    # PARTIAL when this share of the characters could not be decoded (pdfminer "(cid:NN)", U+FFFD)
    undecodable_ratio: float = 0.02
    # how long past ``seconds`` the parent waits before killing a worker stuck inside C code
    grace: float = 30.0


@dataclass
class DocResult:
    """What a worker sends back for one document (and what the writer stores)."""

    path: str
    content_hash: str
    status: Status
    format: str | None = None
    errors: list[ErrorItem] = field(default_factory=list)
    meeting: "Meeting | None" = None
    # one L2-normalised float32 row per entry of meeting.section_tree (one row for the whole
    # document when the tree is empty); None when vectors are off or could not be computed
    section_vectors: "np.ndarray | None" = None
    section_texts: list[str] | None = None  # each section's own text, aligned with section_tree
    text: str | None = None  # the document's plain text (the whole file's)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (and "vectors")
    # a file holding several meetings: the others, in file order (the first is ``meeting``)
    more_meetings: list = field(default_factory=list)  # list[pipeline.archive.types.TaggedMeeting]
    meeting_text: str | None = None  # the first meeting's own part of ``text`` when there are several
    # accounting (``run_batch(profile=True)``): when the worker started and ended this document (wall
    # clock, comparable across processes of one machine), which worker, and the models' load time this
    # worker paid before it (only on its first document)
    t_start: float = 0.0
    t_end: float = 0.0
    worker: str = ""
    load_seconds: float = 0.0

    @property
    def error(self) -> str | None:
        return "; ".join(e.message for e in self.errors) or None


@dataclass
class BatchReport:
    counts: dict[Status, int] = field(default_factory=lambda: {s: 0 for s in Status})
    total: int = 0  # documents discovered
    elapsed: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, error)
    partial: list[tuple[str, str]] = field(default_factory=list)  # (path, what was wrong)
    interrupted: bool = False
    db: str | None = None
    workers: int = 1
    cluster: Any = None  # a pipeline.scale.cluster.ClusterInfo when the batch ran on a Dask cluster
    profile: Any = None  # a pipeline.scale.profile.Profile when the batch ran with profile=True
    # entries found but not read (named pipes, devices, sockets, link loops, broken links): (path, reason)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)  # stored files found at a new path: (old, new)
    dropped: list[str] = field(default_factory=list)  # paths whose old record went (overwritten with other bytes)
    gone: list[str] = field(default_factory=list)  # stored documents whose files no longer exist
    pruned: bool = False  # ``gone`` were removed from the archive (tag --prune)

    @property
    def processed(self) -> int:
        """Documents run through the pipeline this time (not skipped)."""
        return self.counts[Status.SUCCESS] + self.counts[Status.PARTIAL] + self.counts[Status.FAILED]

    @property
    def done(self) -> int:
        return self.processed + self.counts[Status.SKIPPED]

    @property
    def docs_per_second(self) -> float:
        return self.processed / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def exit_code(self) -> int:
        """130 after Ctrl-C (the shell convention for SIGINT), else 0: failed files are reported, not fatal."""
        return 130 if self.interrupted else 0

    def summary(self) -> str:
        c = self.counts
        line = (f"{self.done}/{plural(self.total, 'document')}: {c[Status.SUCCESS]} tagged, {c[Status.PARTIAL]} partial, "
                f"{c[Status.FAILED]} failed, {c[Status.SKIPPED]} skipped in {self.elapsed:.1f} s "
                f"({self.docs_per_second:.2f} docs/s)")
        if self.left_out:
            line += f"; {len(self.left_out)} left out (not regular files)"
        if self.moved:
            line += f"; {len(self.moved)} moved (paths updated)"
        if self.gone and self.pruned:
            line += f"; {len(self.gone)} whose files are gone removed"
        elif self.gone:
            line += f"; {len(self.gone)} stored whose files are gone (--prune removes them)"
        if self.interrupted:
            line += f"; interrupted with {self.total - self.done} left - run the same command again to finish"
        return line


class ArchiveLike(Protocol):
    def seen(self, content_hash: str, pipeline_version: str) -> bool: ...

    def write(self, doc: Any) -> Any: ...


ProgressFn = Callable[[DocResult, int, int], None]  # (result, done, total)


def main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@dataclass
class Task:
    path: str
    digest: str
    started: float | None = None  # when the parent first saw it running
    overdue: bool = False
    queued: float = 0.0  # wall clock when it was handed to a runner (accounting: the wait for a worker)


class Stop:
    """SIGINT handling: the first Ctrl-C asks to stop after the documents in progress, the second
    stops now (KeyboardInterrupt)."""

    def __init__(self) -> None:
        self.requested = False
        self._old: Any = None
        self._installed = False

    def __enter__(self) -> "Stop":
        if main_thread():
            self._old = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def __exit__(self, *exc) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._old)

    def _handle(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        note("interrupted: finishing the documents in progress and saving them (Ctrl-C again to stop now)")


def note(msg: str) -> None:
    print(f"minutebook: {msg}", file=sys.stderr, flush=True)


