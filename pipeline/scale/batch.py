"""Tag whole archives: discover files, run the pipeline over them in worker processes, store each result.

``run_batch(paths, db=...)`` is what ``minutebook tag PATH... [--db] [--workers N] [--force]`` calls.

How it is put together (STYLE items 4, 5 and 11):

* **One writer.** The parent process owns the ``Archive`` and commits every document as its result
  arrives, one transaction per document. Workers never open the database, so "database is locked"
  cannot happen and a document is either wholly stored or not stored at all.
* **Workers.** ``workers=1`` runs in this process. ``workers>1`` uses a ``ProcessPoolExecutor`` whose
  initializer builds the ``Pipeline`` once and warms spaCy and the encoder once per worker. The start
  method is ``forkserver`` on Linux (``spawn`` elsewhere): forking a parent that may already hold
  torch's thread pools (a test run, a notebook, or rich's refresh thread) can deadlock, and the models
  are loaded per worker anyway, so a clean start costs nothing extra. See ``START_METHOD``.
* **Per-document status** (docling's ConversionStatus): SUCCESS, PARTIAL (a record came out, but the
  text was poor - many undecodable glyphs, a likely scan of some pages - or a later stage failed),
  FAILED (the error's ``one_line()``; stored in the archive so it can be listed), SKIPPED (already in
  the archive with this pipeline version, or the same bytes as another file of the batch). A batch
  never stops at a bad file.
* **Resumable.** Files are identified by the sha256 of their bytes; a rerun after Ctrl-C or
  ``kill -9`` skips what is stored and does the rest. Nothing is stored twice (the archive's writes
  are idempotent per content hash) and nothing half-written is visible (one transaction).
* **Time limit.** ``Limits.seconds`` per document, enforced in the process that runs the document
  with ``SIGALRM``; a document that blocks inside C code for much longer than that is stopped by the
  parent, which kills the pool, and then re-runs the documents that were in flight one at a time so
  the culprit - and only the culprit - is marked FAILED. A worker that dies (segfault, out of memory)
  is handled the same way.
* **On a cluster.** ``cluster="tcp://HOST:8786"`` or ``"local:N"`` (``--cluster``) runs the same
  tasks on Dask workers, with the same single writer here: see ``pipeline.scale.cluster``.
"""

from __future__ import annotations

import glob
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Protocol, Sequence

from pipeline import PIPELINE_VERSION
from pipeline.core.errors import MinutebookError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from pipeline.core.stage import Pipeline, State
    from pipeline.core.record import Meeting

__all__ = ["Status", "ErrorItem", "Limits", "DocResult", "BatchReport", "discover", "content_hash",
           "run_batch", "batch_version", "vector_texts", "RichProgress", "START_METHOD"]

class WorkersFailed(MinutebookError):
    """The worker processes could not start (so no document is blamed for it)."""

    code = "MB020"
    default_hint = ("run with --workers 1 to see the error; if you call run_batch from your own script, "
                    "put the call under `if __name__ == '__main__':`")


# --------------------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------------------

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


def content_hash(path: str | Path, *, chunk: int = 1 << 20) -> str:
    """sha256 of the file's bytes (streamed), as hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------


class Status(str, Enum):
    SUCCESS = "SUCCESS"
    PARTIAL = "PARTIAL"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


@dataclass(frozen=True)
class ErrorItem:
    """One problem with a document (docling's ErrorItem): where it happened and what it was."""

    component: str  # a stage name, "vectors", "quality", "worker" or "batch"
    message: str
    code: str | None = None


@dataclass(frozen=True)
class Limits:
    """Per-document limits. ``seconds`` is wall time per document (None or 0 = no limit)."""

    seconds: float | None = 300.0
    max_bytes: int | None = None  # default: ReadOptions.max_bytes
    max_pages: int | None = None  # default: ReadOptions.max_pages
    max_words: int | None = None  # default: ReadOptions.max_words
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
    text: str | None = None  # the document's plain text
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (and "vectors")

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
        line = (f"{self.done}/{self.total} documents: {c[Status.SUCCESS]} tagged, {c[Status.PARTIAL]} partial, "
                f"{c[Status.FAILED]} failed, {c[Status.SKIPPED]} skipped in {self.elapsed:.1f} s "
                f"({self.docs_per_second:.2f} docs/s)")
        if self.interrupted:
            line += f"; interrupted with {self.total - self.done} left - run the same command again to finish"
        return line


class ArchiveLike(Protocol):
    def seen(self, content_hash: str, pipeline_version: str) -> bool: ...

    def write(self, doc: Any) -> Any: ...


ProgressFn = Callable[[DocResult, int, int], None]  # (result, done, total)


def batch_version(stages: Sequence[str] | None) -> str:
    """The version a stored record is marked with: PIPELINE_VERSION for the default stages, with the
    stage list appended otherwise, so a quick ``extract,structure`` run never hides a full one."""
    from pipeline.api import DEFAULT_STAGES

    if stages is None or list(stages) == list(DEFAULT_STAGES):
        return PIPELINE_VERSION
    return f"{PIPELINE_VERSION}+{','.join(stages)}"


# --------------------------------------------------------------------------------------------------
# One document (runs in a worker, or in this process when workers=1)
# --------------------------------------------------------------------------------------------------

# A record cannot exist without these; an error in a later stage leaves a PARTIAL record.
_ESSENTIAL_STAGES = {"extract", "structure"}
_VECTOR_SENTENCES = 3
_VECTOR_CHARS = 800


@dataclass(frozen=True)
class TagConfig:
    """Everything a worker needs to build its pipeline (picklable: sent once, to the initializer)."""

    stages: tuple[str, ...]
    options: tuple[tuple[str, Any], ...]
    vectors: bool
    limits: Limits
    plugins: tuple[str, ...] = ()  # modules that register extra stages (imported in every worker)


class _Timeout(BaseException):
    """Raised by SIGALRM. A BaseException so that no stage's ``except Exception`` swallows it."""


def _on_alarm(signum, frame):  # pragma: no cover - exercised in tests through signals
    raise _Timeout()


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


class Tagger:
    """Runs the pipeline on one document at a time. Built once per worker (or once per batch)."""

    def __init__(self, config: TagConfig):
        import importlib

        from pipeline.core.stage import Pipeline

        for module in config.plugins:
            importlib.import_module(module)
        self.config = config
        self.pipeline: Pipeline = Pipeline(list(config.stages))
        self.version = batch_version(config.stages)

    def warm_up(self) -> None:
        """Load the models the stages (and the section vectors) will use, once."""
        names = set(self.config.stages)
        if names & {"detect", "themes", "summarise"}:
            from pipeline.detect.nlp import shared_spacy

            shared_spacy().warm_up()
        if self.config.vectors or "themes" in names:
            from pipeline.themes.encoder import shared_encoder

            try:
                shared_encoder().warm_up()
            except MinutebookError:
                pass  # reported per document (PARTIAL), not fatal for the batch

    def tag(self, path: str, digest: str) -> DocResult:
        t0 = time.perf_counter()
        seconds = self.config.limits.seconds
        use_alarm = bool(seconds) and hasattr(signal, "setitimer") and _main_thread()
        old = None
        try:
            if use_alarm:
                old = signal.signal(signal.SIGALRM, _on_alarm)
                signal.setitimer(signal.ITIMER_REAL, float(seconds))  # type: ignore[arg-type]
            try:
                result = self._tag(Path(path), digest)
            finally:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except _Timeout:
            result = DocResult(path, digest, Status.FAILED, errors=[_timeout_item(path, seconds)])
        finally:
            if use_alarm and old is not None:
                signal.signal(signal.SIGALRM, old)
        result.seconds = round(time.perf_counter() - t0, 4)
        return result

    def _tag(self, path: Path, digest: str) -> DocResult:
        from pipeline.core.stage import State
        from pipeline.extract import limit_options

        opts = dict(self.config.options)
        limits = self.config.limits
        opts.update(limit_options(limits.max_bytes, limits.max_pages, limits.max_words))
        state = State(path=path, options=opts)
        errors: list[ErrorItem] = []
        broken: set[str] = set()  # fields a failed stage should have assigned
        try:
            for spec in self.pipeline.stages:
                if broken & set(spec.requires):
                    broken.update(spec.assigns)
                    continue
                t = time.perf_counter()
                try:
                    spec.func(state)
                except Exception as e:
                    if spec.name in _ESSENTIAL_STAGES or state.meeting is None:
                        raise
                    errors.append(_error_item(spec.name, e, path))
                    broken.update(spec.assigns)
                state.timings[spec.name] = round(time.perf_counter() - t, 4)
        except MinutebookError as e:
            return DocResult(str(path), digest, Status.FAILED, format=_doc_format(state),
                             errors=[ErrorItem("extract" if state.document is None else "pipeline", e.one_line(), e.code)])
        except Exception as e:
            return DocResult(str(path), digest, Status.FAILED, format=_doc_format(state),
                             errors=[_error_item("pipeline", e, path)])
        meeting = state.meeting
        meeting.stages = [s.name for s in self.pipeline.stages]
        errors.extend(self._quality(meeting))
        vectors = None
        if self.config.vectors:
            t = time.perf_counter()
            try:
                vectors = section_vectors(state)
            except Exception as e:
                errors.append(_error_item("vectors", e, path))
            state.timings["vectors"] = round(time.perf_counter() - t, 4)
        status = Status.PARTIAL if errors else Status.SUCCESS
        sections = _sections(state)
        return DocResult(str(path), digest, status, format=meeting.format, errors=errors, meeting=meeting,
                         section_vectors=vectors, section_texts=[x.text.strip() for x in sections],
                         text=state.document.text, timings=dict(state.timings))

    def _quality(self, meeting: "Meeting") -> list[ErrorItem]:
        q = meeting.quality
        out = []
        if q.likely_scan:
            pages = f" (empty pages: {', '.join(map(str, q.empty_pages[:10]))})" if q.empty_pages else ""
            out.append(ErrorItem("quality", f"{meeting.file}: some pages look like scans with no text layer{pages}; "
                                 "run OCR on it (e.g. ocrmypdf) and tag it again with --force", "likely_scan"))
        if q.undecodable_ratio >= self.config.limits.undecodable_ratio:
            out.append(ErrorItem("quality", f"{meeting.file}: {q.undecodable_glyphs} characters could not be decoded "
                                 f"({q.undecodable_ratio:.0%}); the PDF's fonts lack a text mapping, so names and "
                                 "dates may be missing", "undecodable_glyphs"))
        return out


def _doc_format(state: "State") -> str | None:
    return getattr(state.document, "format", None)


def _error_item(component: str, e: BaseException, path: Path | str) -> ErrorItem:
    if isinstance(e, MinutebookError):
        return ErrorItem(component, e.one_line(), e.code)
    return ErrorItem(component, f"{path}: unexpected error in {component} ({e.__class__.__name__}: {e}); "
                     "run `minutebook analyse --debug` on the file and report it with the traceback")


def _timeout_item(path: str, seconds: float | None) -> ErrorItem:
    return ErrorItem("batch", f"{path}: took longer than {seconds:g} s [MB009]; raise the limit with "
                     "--timeout if the file is genuine", "MB009")


def _sections(state: "State") -> list:
    """The ``SectionText``s of the document (computed once, kept on the state)."""
    from pipeline.structure.sections import section_texts

    if state.sections is None and state.meeting is not None and state.document is not None:
        state.sections = section_texts(state.document, state.meeting, state.parsed)
    return state.sections or []


def vector_texts(state: "State") -> list[str]:
    """The text embedded for each section, aligned with ``meeting.section_tree``: the heading plus
    the section's summary when the summarise stage ran, otherwise its first sentences (or first
    characters). A document without headings gets one text: its title and opening sentences."""
    if state.meeting is None or state.document is None:
        return []
    summaries = {s.section_index: s.summary for s in (state.meeting.summaries or []) if s.summary}
    out = []
    for s in _sections(state):
        body = summaries.get(s.index)
        if not body:
            body = " ".join(x.text for x in s.sentences[:_VECTOR_SENTENCES]) or s.text
        out.append(f"{s.heading}\n{' '.join(body.split())[:_VECTOR_CHARS]}".strip())
    if not out:
        title = state.meeting.title or ""
        out.append(f"{title}\n{' '.join(state.document.text.split())[:_VECTOR_CHARS]}".strip())
    return out


def section_vectors(state: "State") -> "np.ndarray":
    """One embedding per section, aligned with ``meeting.section_tree``: the normalised mean of the
    section's heading (counted twice) and its sentences' embeddings. The tagger and summariser have
    already encoded those sentences in this process (the encoder caches by text), so this costs
    little; a document without headings falls back to ``vector_texts``."""
    import numpy as np

    from pipeline.themes.encoder import shared_encoder

    enc = shared_encoder()
    sections = [s for s in _sections(state)] if state.meeting is not None and state.document is not None else []
    if not sections or len(sections) != len(state.meeting.section_tree):
        return enc.encode(vector_texts(state))
    rows = []
    for s in sections:
        texts = [s.heading, s.heading] + [x.text for x in s.sentences[:40]]
        v = enc.encode(texts).mean(axis=0)
        rows.append(v / (np.linalg.norm(v) or 1.0))
    return np.stack(rows).astype(np.float32)


# --------------------------------------------------------------------------------------------------
# Worker processes
# --------------------------------------------------------------------------------------------------

# forkserver/spawn, not fork: see the module docstring.
START_METHOD = "forkserver" if sys.platform.startswith("linux") else "spawn"

_WORKER: Tagger | None = None  # this worker process's tagger (set once by the pool initializer)


def _init_worker(config: TagConfig, parent_pid: int) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    _WORKER = Tagger(config)
    try:
        _WORKER.warm_up()
    except Exception:
        pass  # the same error comes back for each document, with its path, as a FAILED status
    if "torch" in sys.modules:
        # parallelism comes from the processes: one intra-op thread each avoids oversubscription
        sys.modules["torch"].set_num_threads(1)


def _exit_with_parent(main_pid: int) -> None:  # pragma: no cover - runs in workers
    """If the batch process is killed (kill -9), do not linger holding the models in memory. The
    direct parent is the forkserver (or the batch process itself with spawn/fork); either dying
    re-parents this worker."""
    parent = os.getppid()
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)
        try:
            os.kill(main_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except OSError:
            pass


def _ping() -> int:
    return os.getpid()


def _work(path: str, digest: str) -> DocResult:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.tag(path, digest)


# --------------------------------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------------------------------


@dataclass
class _Task:
    path: str
    digest: str
    started: float | None = None  # when the parent first saw it running
    overdue: bool = False


class _Stop:
    """SIGINT handling: the first Ctrl-C asks to stop after the documents in progress, the second
    stops now (KeyboardInterrupt)."""

    def __init__(self) -> None:
        self.requested = False
        self._old: Any = None
        self._installed = False

    def __enter__(self) -> "_Stop":
        if _main_thread():
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
        _note("interrupted: finishing the documents in progress and saving them (Ctrl-C again to stop now)")


def _note(msg: str) -> None:
    print(f"minutebook: {msg}", file=sys.stderr, flush=True)


def run_batch(paths: Iterable[str | Path], *, db: str | Path | None = None, archive: ArchiveLike | None = None,
              workers: int = 1, force: bool = False, progress: ProgressFn | None = None,
              limits: Limits = Limits(), stages: Sequence[str] | None = None, vectors: bool = True,
              as_format: str | None = None, encoding: str | None = None, themes_file: str | Path | None = None,
              summariser: str | None = None, plugins: Sequence[str] = (), retry_failed: bool = False,
              start_method: str | None = None, cluster: str | None = None, retries: int | None = None,
              ship_files: bool | None = None) -> BatchReport:
    """Tag every document under ``paths`` into the archive at ``db`` (``Archive.open(db)``; None = the
    default archive), or into ``archive`` when given (any object with ``seen`` and ``write``).

    A rerun skips documents stored with this pipeline version - FAILED ones too, unless
    ``retry_failed`` (``force`` re-tags everything). ``stages`` defaults to ``pipeline.api.DEFAULT_STAGES``; ``vectors`` stores one embedding per
    section. ``plugins`` are modules that register extra stages (imported in each worker too).
    ``progress(result, done, total)`` is called after every document (see ``RichProgress``).
    Returns a ``BatchReport``; after Ctrl-C, ``report.interrupted`` is set (exit code 130).

    ``cluster`` runs the documents on Dask instead of local processes: a scheduler address
    (``tcp://HOST:8786``) or ``local:N`` (see ``pipeline.scale.cluster``; ``workers`` is then ignored).
    ``retries`` bounds how often a document is tried again after its worker died or the task itself
    failed (default 2); ``ship_files`` sends the files' bytes with the tasks (default: for an address).
    """
    from pipeline.api import DEFAULT_STAGES

    spec = None
    if cluster is not None:
        from pipeline.scale.cluster import parse_cluster

        spec = parse_cluster(cluster)  # a malformed value fails before anything is opened

    t0 = time.perf_counter()
    files = discover(paths)
    config = TagConfig(stages=tuple(stages or DEFAULT_STAGES),
                       options=tuple(sorted({"as_format": as_format, "encoding": encoding,
                                             "themes_file": str(themes_file) if themes_file else None,
                                             "summariser": summariser}.items())),
                       vectors=vectors, limits=limits, plugins=tuple(plugins))
    version = batch_version(config.stages)
    Tagger(config)  # import plugins and check the stage chain before opening anything
    own_archive = archive is None
    if archive is None:
        from pipeline.archive.archive import Archive

        archive = Archive.open(db)
    from pipeline.archive.postgres import redact

    report = BatchReport(total=len(files), workers=max(1, workers), db=redact(str(db)) if db else None)

    def record(result: DocResult) -> None:
        if result.status is not Status.SKIPPED:
            _store(archive, result, version)
        report.counts[result.status] += 1
        if result.status is Status.FAILED:
            report.failures.append((result.path, result.error or "failed"))
        elif result.status is Status.PARTIAL:
            report.partial.append((result.path, result.error or "partial"))
        if progress is not None:
            progress(result, report.done, report.total)

    stop = _Stop()
    try:
        with stop:
            tasks = _tasks(files, archive, version, force, retry_failed, record, stop)
            if spec is not None:
                from pipeline.scale.cluster import DEFAULT_RETRIES, ClusterInfo, run_cluster

                report.cluster = ClusterInfo(spec=str(spec))
                run_cluster(tasks, config, spec, record, stop, info=report.cluster, ship=ship_files, note=_note,
                            retries=DEFAULT_RETRIES if retries is None else retries)
                report.workers = max(1, report.cluster.workers)
            elif report.workers == 1:
                _run_inline(tasks, config, record, stop)
            else:
                _run_pool(tasks, config, report.workers, record, stop, start_method or START_METHOD)
    except KeyboardInterrupt:
        stop.requested = True
    finally:
        report.interrupted = stop.requested
        report.elapsed = time.perf_counter() - t0
        if own_archive and hasattr(archive, "close"):
            archive.close()
    if report.interrupted:
        _note(f"stopped: {report.done} of {report.total} documents done and saved; "
              "run the same command again to finish the rest")
    return report


def _store(archive: ArchiveLike, result: DocResult, version: str) -> None:
    """Write one result (one transaction: wholly stored or not at all). If the archive rejects the
    record itself, store the document as FAILED with that error so that it is not lost; if even that
    fails, the archive is unusable and the error stops the batch."""
    try:
        archive.write(_to_tagged(result, version))
    except MinutebookError as e:
        result.status = Status.FAILED
        result.errors.append(ErrorItem("archive", e.one_line(), e.code))
        result.meeting, result.section_vectors, result.section_texts, result.text = None, None, None, None
        archive.write(_to_tagged(result, version))


def _failed_before(archive: ArchiveLike, version: str) -> set[str]:
    """Content hashes stored as FAILED by this pipeline version (the archive's ``seen`` counts only
    SUCCESS/PARTIAL)."""
    documents = getattr(archive, "documents", None)
    if documents is None:
        return set()
    return {d.content_hash for d in documents(status=Status.FAILED.value) if d.pipeline_version == version}


def _tasks(files: list[Path], archive: ArchiveLike, version: str, force: bool, retry_failed: bool,
           record: Callable[[DocResult], None], stop: _Stop) -> Iterator[_Task]:
    """Hash files lazily (so the first documents start at once), skipping what is stored already
    and files with the same bytes as an earlier file of this batch."""
    first: dict[str, str] = {}
    failed = set() if force or retry_failed else _failed_before(archive, version)
    for f in files:
        if stop.requested:
            return
        try:
            digest = content_hash(f)
        except OSError as e:
            record(DocResult(str(f), "", Status.FAILED,
                             errors=[ErrorItem("batch", f"{f}: cannot read the file ({e.strerror or e}) [MB001]; "
                                               "check its permissions", "MB001")]))
            continue
        if digest in first:
            record(DocResult(str(f), digest, Status.SKIPPED,
                             errors=[ErrorItem("batch", f"same content as {first[digest]}")]))
            continue
        first[digest] = str(f)
        if not force and (digest in failed or archive.seen(digest, version)):
            record(DocResult(str(f), digest, Status.SKIPPED))
            continue
        yield _Task(str(f), digest)


def _to_tagged(result: DocResult, version: str) -> Any:
    """The archive's record for a result."""
    from pipeline.archive.archive import TaggedDocument

    return TaggedDocument(path=result.path, content_hash=result.content_hash, format=result.format,
                          status=result.status.value, error=result.error, meeting=result.meeting,
                          section_vectors=result.section_vectors, pipeline_version=version,
                          section_texts=result.section_texts, text=result.text,
                          pages=result.meeting.quality.pages if result.meeting is not None else None)


def _run_inline(tasks: Iterator[_Task], config: TagConfig, record: Callable[[DocResult], None], stop: _Stop) -> None:
    tagger: Tagger | None = None
    for task in tasks:
        if tagger is None:  # built on the first document that needs it: an all-skipped rerun loads nothing
            tagger = Tagger(config)
            tagger.warm_up()
        record(tagger.tag(task.path, task.digest))
        if stop.requested:
            return


def _run_pool(tasks: Iterator[_Task], config: TagConfig, workers: int, record: Callable[[DocResult], None],
              stop: _Stop, start_method: str) -> None:
    """Keep ``2 * workers`` documents in flight; write each result as it comes back. On a broken
    pool (a worker died or was killed for running over time) start a new pool and re-run the
    documents that were in flight one at a time, so the one that breaks it is known."""
    ctx = multiprocessing.get_context(start_method)
    window = 2 * workers
    hard_limit = (config.limits.seconds + config.limits.grace) if config.limits.seconds else None
    quarantine: deque[_Task] = deque()
    inflight: dict[Future, _Task] = {}
    pool: ProcessPoolExecutor | None = None
    exhausted = False

    def new_pool() -> ProcessPoolExecutor:
        """A pool whose workers are known to start (a crash at start-up is not a document's fault)."""
        p = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                initargs=(config, os.getpid()))
        try:
            p.submit(_ping).result()
        except BrokenProcessPool as e:
            _kill_pool(p)
            raise WorkersFailed(None, f"the {start_method} worker processes exited while starting ({e})") from None
        return p

    try:
        while True:
            # fill the window (one document at a time while suspects are re-run)
            while not stop.requested:
                if quarantine:
                    if inflight:
                        break
                    task = quarantine.popleft()
                elif len(inflight) < window and not exhausted:
                    next_task = next(tasks, None)
                    if next_task is None:
                        exhausted = True
                        break
                    task = next_task
                else:
                    break
                if pool is None:
                    pool = new_pool()
                task.started = None
                inflight[pool.submit(_work, task.path, task.digest)] = task
            if not inflight:
                return
            done, _ = wait(list(inflight), timeout=0.5, return_when=FIRST_COMPLETED)
            isolated = len(inflight) == 1
            broken = False
            for fut in done:
                task = inflight.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    broken = True
                    _suspect(task, isolated, quarantine, record, config)
                    continue
                except Exception as e:  # e.g. a result that failed to pickle
                    result = DocResult(task.path, task.digest, Status.FAILED, errors=[_error_item("worker", e, task.path)])
                record(result)
            if broken:
                for task in inflight.values():
                    _suspect(task, isolated, quarantine, record, config)
                inflight.clear()
                _kill_pool(pool)
                pool = None
                continue
            if hard_limit is not None:
                now = time.monotonic()
                for fut, task in inflight.items():
                    if task.started is None and fut.running():
                        task.started = now
                    elif task.started is not None and now - task.started > hard_limit:
                        task.overdue = True
                if any(t.overdue for t in inflight.values()):
                    # stuck where SIGALRM cannot reach (C code): kill the pool, re-run suspects alone
                    alone = len(inflight) == 1
                    for task in inflight.values():
                        _suspect(task, alone, quarantine, record, config)
                    inflight.clear()
                    _kill_pool(pool)
                    pool = None
    except KeyboardInterrupt:
        if pool is not None:
            _kill_pool(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            if stop.requested:
                pool.shutdown(wait=True, cancel_futures=True)
            else:
                pool.shutdown(wait=True)


def _suspect(task: _Task, isolated: bool, quarantine: deque[_Task], record: Callable[[DocResult], None],
             config: TagConfig) -> None:
    """A document that was in flight when the pool broke: FAILED if it ran alone (it is the culprit),
    otherwise queued to run again alone."""
    if isolated:
        if task.overdue:
            item = _timeout_item(task.path, config.limits.seconds)
        else:
            item = ErrorItem("worker", f"{task.path}: the worker process died while reading it (a crash or out "
                             "of memory); try `minutebook analyse` on the file alone")
        record(DocResult(task.path, task.digest, Status.FAILED, errors=[item]))
    else:
        task.overdue = False
        quarantine.append(task)


def _kill_pool(pool: ProcessPoolExecutor) -> None:
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for p in procs:
        try:
            p.kill()
        except Exception:
            pass
    pool.shutdown(wait=False, cancel_futures=True)


# --------------------------------------------------------------------------------------------------
# Progress on stderr
# --------------------------------------------------------------------------------------------------


class RichProgress:
    """A ``rich`` progress bar on stderr (documents, docs/s, ETA) usable as ``progress=``::

        with RichProgress() as bar:
            report = run_batch(paths, progress=bar)
    """

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self._progress = Progress(TextColumn("tagging"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
                                  TimeRemainingColumn(), TextColumn("[dim]{task.fields[last]}"),
                                  console=Console(stderr=True), transient=False)
        self._task = None
        self._t0 = time.perf_counter()
        self._processed = 0

    def __enter__(self) -> "RichProgress":
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def __call__(self, result: DocResult, done: int, total: int) -> None:
        if self._task is None:
            self._task = self._progress.add_task("tag", total=total, rate="", last="")
        if result.status is not Status.SKIPPED:
            self._processed += 1
        rate = self._processed / max(1e-9, time.perf_counter() - self._t0)
        self._progress.update(self._task, completed=done, total=total, rate=f"{rate:.2f} docs/s",
                              last=f"{result.status.value.lower()} {Path(result.path).name}"[:50])
