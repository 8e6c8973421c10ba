"""One document at a time, in a worker (or in this process when workers=1): the stage runner under the
``degrade`` policy, a per-document time limit, and the result a worker sends back."""

from __future__ import annotations

import os
import signal
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from pipeline import PIPELINE_VERSION
from pipeline.archive.types import TaggedMeeting
from pipeline.core.errors import ErrorItem, MinutebookError
from pipeline.scale.results import DocResult, Limits, Status, main_thread

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.core.record import Meeting
    from pipeline.core.stage import State


def batch_version(stages: Sequence[str] | None) -> str:
    """The version a stored record is marked with: PIPELINE_VERSION for the default stages, with the
    stage list appended otherwise, so a quick ``extract,structure`` run never hides a full one.
    ``sections`` and ``vectors`` do not count: they add nothing to the record."""
    from pipeline.stages import DEFAULT_STAGES

    named = [s for s in (stages or DEFAULT_STAGES) if s not in ("sections", "vectors")]
    if named == [s for s in DEFAULT_STAGES if s != "sections"]:
        return PIPELINE_VERSION
    return f"{PIPELINE_VERSION}+{','.join(named)}"


def tag_stages(stages: Sequence[str], vectors: bool) -> list[str]:
    """The stages a batch runs: the user's, plus ``sections`` (the archive stores each section's own
    text) and ``vectors`` when section embeddings are stored."""
    out = list(stages)
    if "sections" not in out:
        out.append("sections")
    if vectors:
        out.append("vectors")
    return out


@dataclass(frozen=True)
class TagConfig:
    """Everything a worker needs to build its pipeline (picklable: sent once, to the initializer)."""

    stages: tuple[str, ...]
    options: tuple[tuple[str, Any], ...]
    vectors: bool
    limits: Limits
    plugins: tuple[str, ...] = ()  # modules that register extra stages (imported in every worker)
    # threads per process for the models (encoder, torch, BLAS); None: 1 in a pool's worker, the Dask
    # worker's thread count on a cluster, the encoder's default (2) when the batch runs in-process
    threads: int | None = None


class _Timeout(BaseException):
    """Raised by SIGALRM. A BaseException so that no stage's ``except Exception`` swallows it."""


def limit_threads(n: int) -> None:
    """At most ``n`` threads for the models of this process: the encoder (ONNX Runtime or torch), and
    the BLAS/OpenMP pools of numpy and spaCy when they have not started yet."""
    n = max(1, int(n))
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    from pipeline.themes.encoder import shared_encoder

    shared_encoder().set_threads(n)


def worker_id() -> str:
    """This process, as the accounting names it (host:pid: a cluster's workers are on other machines)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _on_alarm(signum, frame):  # pragma: no cover - exercised in tests through signals
    raise _Timeout()


class Tagger:
    """Runs the pipeline on one document at a time. Built once per worker (or once per batch)."""

    def __init__(self, config: TagConfig):
        from pipeline.stages import build_pipeline

        t0 = time.perf_counter()
        self.config = config
        self.pipeline = build_pipeline(tag_stages(config.stages, config.vectors), plugins=config.plugins)
        self.version = batch_version(config.stages)
        self.load_seconds = time.perf_counter() - t0  # building the pipeline, then warm_up's model loading
        self._first = True

    def warm_up(self, threads: int | None = None) -> None:
        """Load the models the stages (and the section vectors) will use, once, with at most ``threads``
        threads each (processes x threads must not exceed the cores: oversubscribed workers are slower
        together than fewer workers)."""
        t0 = time.perf_counter()
        threads = self.config.threads or threads
        if threads:
            limit_threads(threads)
        try:
            self._warm_up()
        finally:
            self.load_seconds += time.perf_counter() - t0

    def _warm_up(self) -> None:
        names = set(self.pipeline.names)
        if names & {"detect", "themes", "summarise"}:
            from pipeline.detect.nlp import shared_spacy

            shared_spacy().warm_up()
        if names & {"themes", "vectors"}:
            from pipeline.themes.encoder import shared_encoder

            try:
                shared_encoder().warm_up()
            except MinutebookError:
                pass  # reported per document (PARTIAL), not fatal for the batch

    def tag(self, path: str, digest: str) -> DocResult:
        t0, wall0 = time.perf_counter(), time.time()
        seconds = self.config.limits.seconds
        use_alarm = bool(seconds) and hasattr(signal, "setitimer") and main_thread()
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
            result = DocResult(path, digest, Status.FAILED, errors=[timeout_item(path, seconds)])
        finally:
            if use_alarm and old is not None:
                signal.signal(signal.SIGALRM, old)
        result.seconds = round(time.perf_counter() - t0, 4)
        result.t_start, result.t_end, result.worker = wall0, time.time(), worker_id()
        if self._first:  # the models' load time goes with this tagger's first document
            result.load_seconds, self._first = self.load_seconds, False
        return result

    def _tag(self, path: Path, digest: str) -> DocResult:
        from pipeline.core.stage import State
        from pipeline.extract import limit_options

        opts = dict(self.config.options)
        limits = self.config.limits
        opts.update(limit_options(limits.max_bytes, limits.max_pages, limits.max_words, limits.ocr,
                                  limits.ocr_page_seconds, limits.ocr_max_pages))
        state = State(path=path, options=opts)
        try:
            states = self.pipeline.run_all(state, policy="degrade")
        except MinutebookError as e:
            return DocResult(str(path), digest, Status.FAILED, format=_doc_format(state),
                             errors=[ErrorItem("extract" if state.document is None else "pipeline", e.one_line(), e.code)])
        except Exception as e:
            return DocResult(str(path), digest, Status.FAILED, format=_doc_format(state),
                             errors=[ErrorItem.from_exception("pipeline", e, path)])
        first = states[0]
        meeting = first.meeting
        errors = [e for s in states for e in s.errors] + self._quality(meeting)
        status = Status.PARTIAL if errors else Status.SUCCESS
        whole = first.whole if first.whole is not None else first.document
        more = [TaggedMeeting(meeting=s.meeting, section_vectors=s.vectors, section_texts=_texts(s),
                              text=s.document.text) for s in states[1:]]
        return DocResult(str(path), digest, status, format=meeting.format, errors=errors, meeting=meeting,
                         section_vectors=first.vectors, section_texts=_texts(first), text=whole.text,
                         timings=dict(first.timings), more_meetings=more,
                         meeting_text=first.document.text if more else None)

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


def _texts(state: "State") -> list[str]:
    return [x.text.strip() for x in state.sections or []]


def _doc_format(state: "State") -> str | None:
    return getattr(state.document, "format", None)


def timeout_item(path: str, seconds: float | None) -> ErrorItem:
    return ErrorItem("batch", f"{path}: took longer than {seconds:g} s [MB009]; raise the limit with "
                     "--timeout if the file is genuine", "MB009")
