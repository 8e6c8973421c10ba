"""Tag whole archives: discover files, run the pipeline over them in worker processes, store each result.

``run_batch(paths, db=...)`` is what ``minutebook tag PATH... [--db] [--workers N] [--force]`` calls.

How it is put together (STYLE items 4, 5 and 11):

* **One writer.** The parent process owns the ``Archive`` and commits the results as they arrive, in
  batches (``Archive.write_many``: up to ``WRITE_BATCH`` documents, or what arrived within
  ``WRITE_WAIT`` seconds of the first one waiting; one transaction each, actions linked per series
  inside it). Workers never open the database, so "database is locked" cannot happen and a document
  is either wholly stored (and linked) or not stored at all. If the archive rejects a batch because
  of one record, the batch is written again one document at a time, so only that one is FAILED.
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

import hashlib
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from pipeline.core.errors import ErrorItem, MinutebookError, WriteFailed
from pipeline.core.output import describe_os_error, plural
from pipeline.scale.discover import discover
from pipeline.scale.follow import Follower, Scope
from pipeline.scale.local import START_METHOD, run_inline, run_pool
from pipeline.scale.profile import Profile
from pipeline.scale.results import ArchiveLike, BatchReport, DocResult, Limits, ProgressFn, Status, Stop, Task, note
from pipeline.scale.tagger import TagConfig, Tagger, batch_version

WRITE_BATCH = 100  # results committed together at most
WRITE_WAIT = 0.5  # seconds a result waits for others before its batch is committed (at the next arrival)


def run_batch(paths: Iterable[str | Path], *, db: str | Path | None = None, archive: ArchiveLike | None = None,
              workers: int = 1, force: bool = False, progress: ProgressFn | None = None,
              limits: Limits = Limits(), stages: Sequence[str] | None = None, vectors: bool = True,
              as_format: str | None = None, encoding: str | None = None, themes_file: str | Path | None = None,
              summariser: str | None = None, plugins: Sequence[str] = (), retry_failed: bool = False,
              start_method: str | None = None, cluster: str | None = None,
              cluster_tls: Sequence[str | Path] | None = None, retries: int | None = None,
              ship_files: bool | None = None, prune: bool = False, profile: bool = False,
              threads: int | None = None) -> BatchReport:
    """Tag every document under ``paths`` into the archive at ``db`` (``Archive.open(db)``; None = the
    default archive), or into ``archive`` when given (any object with ``seen`` and ``write``).

    A rerun skips documents stored with this pipeline version - FAILED ones too, unless
    ``retry_failed`` (``force`` re-tags everything). ``stages`` defaults to ``pipeline.stages.DEFAULT_STAGES``; ``vectors`` stores one embedding per
    section. ``plugins`` are modules that register extra stages (imported in each worker too).
    ``progress(result, done, total)`` is called after every document (see ``RichProgress``).
    Returns a ``BatchReport``; after Ctrl-C, ``report.interrupted`` is set (exit code 130).

    ``cluster`` runs the documents on Dask instead of local processes: a scheduler address
    (``tcp://HOST:8786``) or ``local:N`` (see ``pipeline.scale.cluster``; ``workers`` is then ignored);
    ``cluster_tls`` the (CA, certificate, key) files for a ``tls://`` scheduler.
    ``retries`` bounds how often a document is tried again after its worker died or the task itself
    failed (default 2); ``ship_files`` sends the files' bytes with the tasks (default: for an address).
    ``threads``: model threads per process (default: 1 per pool worker, the encoder's default in-process).
    ``profile`` fills ``report.profile`` with where the time went (``pipeline.scale.profile``).

    The archive follows the folder (``pipeline.scale.follow``): a stored file that moved has its path
    updated, a path overwritten with another stored content loses its old record, and stored documents
    whose files are gone are listed in ``report.gone`` - or removed, with ``prune`` - for the files
    under ``paths`` only (the folders and patterns tagged; never another folder's records).
    """
    from pipeline.stages import DEFAULT_STAGES

    spec = None
    if cluster is not None:
        from pipeline.scale.cluster import parse_cluster

        spec = parse_cluster(cluster, tuple(cluster_tls) if cluster_tls is not None else None)  # fails before anything is opened

    t0 = time.perf_counter()
    prof = Profile() if profile else None
    left_out: list[tuple[str, str]] = []
    paths = list(paths)
    files = discover(paths, skipped=left_out)
    if prof is not None:
        prof.discovery = time.perf_counter() - t0
    config = TagConfig(stages=tuple(stages or DEFAULT_STAGES),
                       options=tuple(sorted({"as_format": as_format, "encoding": encoding,
                                             "themes_file": str(themes_file) if themes_file else None,
                                             "summariser": summariser}.items())),
                       vectors=vectors, limits=limits, plugins=tuple(plugins), threads=threads)
    version = batch_version(config.stages)
    Tagger(config)  # import plugins and check the stage chain before opening anything
    own_archive = archive is None
    if archive is None:
        from pipeline.archive.archive import Archive

        archive = Archive.open(db)
    from pipeline.archive.url import redact

    report = BatchReport(total=len(files), workers=max(1, workers), db=redact(str(db)) if db else None,
                         left_out=left_out, profile=prof)
    timings_before = dict(getattr(archive, "write_timings", {}))
    follower = Follower(archive)

    # files with the same bytes as an earlier file of the batch share its outcome: SKIPPED when it was
    # stored (or skipped), FAILED with its error when it failed, so that every bad copy is listed
    outcomes: dict[str, tuple[str, Status, str | None]] = {}  # digest -> (first path, status, error)
    copies: dict[str, list[str]] = {}  # digest -> later paths waiting for the first one's result

    def count(result: DocResult) -> None:
        report.counts[result.status] += 1
        if result.status is Status.FAILED:
            report.failures.append((result.path, result.error or "failed"))
        elif result.status is Status.PARTIAL:
            report.partial.append((result.path, result.error or "partial"))
        if progress is not None:
            progress(result, report.done, report.total)

    pending: list[DocResult] = []  # results waiting to be written (in arrival order)
    waiting_since = 0.0

    def flush() -> None:
        if not pending:
            return
        todo = pending[:]
        pending.clear()
        w0 = time.perf_counter()
        _store_many(archive, todo, version)
        if prof is not None:
            prof.wrote(time.perf_counter() - w0, len(todo))
        for result in todo:
            finish(result)

    def record(result: DocResult) -> None:
        nonlocal waiting_since
        if prof is not None:
            prof.received(result)
        if result.status is Status.SKIPPED:
            finish(result)
            return
        if not pending:
            waiting_since = time.perf_counter()
        pending.append(result)
        if len(pending) >= WRITE_BATCH or time.perf_counter() - waiting_since >= WRITE_WAIT:
            flush()

    def finish(result: DocResult) -> None:
        count(result)
        if result.content_hash:
            outcomes[result.content_hash] = (result.path, result.status, result.error)
            for path in copies.pop(result.content_hash, []):
                count(_copy_result(path, result.content_hash, outcomes[result.content_hash]))

    def same_content(path: str, digest: str) -> None:
        if digest in outcomes:
            count(_copy_result(path, digest, outcomes[digest]))
        else:
            copies.setdefault(digest, []).append(path)

    stop = Stop()
    try:
        with stop:
            tasks = _tasks(files, archive, version, force, retry_failed, record, same_content,
                           follower.found_stored, stop, _max_bytes(limits), prof)
            if spec is not None:
                from pipeline.scale.cluster import DEFAULT_RETRIES, ClusterInfo, run_cluster

                report.cluster = ClusterInfo(spec=str(spec))
                run_cluster(tasks, config, spec, record, stop, info=report.cluster, ship=ship_files, note=note,
                            retries=DEFAULT_RETRIES if retries is None else retries)
                report.workers = max(1, report.cluster.workers)
            elif report.workers == 1:
                run_inline(tasks, config, record, stop)
            else:
                run_pool(tasks, config, report.workers, record, stop, start_method or START_METHOD)
            flush()
    except KeyboardInterrupt:
        stop.requested = True
        flush()  # what finished is saved
    else:
        if not stop.requested:  # a whole run: what the archive holds of files that are gone
            report.gone, report.pruned = follower.gone(prune=prune, scope=Scope(paths)), prune
    finally:
        report.moved, report.dropped = follower.moved, follower.dropped
        report.interrupted = stop.requested
        report.elapsed = time.perf_counter() - t0
        if prof is not None:
            prof.wall, prof.workers = report.elapsed, report.workers
            prof.writer_split(timings_before, dict(getattr(archive, "write_timings", {})))
        if own_archive and hasattr(archive, "close"):
            archive.close()
    if report.interrupted:
        note(f"stopped: {report.done} of {plural(report.total, 'document')} done and saved; "
              "run the same command again to finish the rest")
    return report


def _store_many(archive: ArchiveLike, results: list[DocResult], version: str) -> None:
    """Write results in one transaction (``write_many`` where the archive has it); if the archive rejects
    one of the records, write them again one at a time (``_store``), so that only that one is FAILED."""
    write_many = getattr(archive, "write_many", None)
    if write_many is None or len(results) == 1:
        for result in results:
            _store(archive, result, version)
        return
    try:
        write_many([_to_tagged(r, version) for r in results])
    except WriteFailed:
        raise
    except OSError as e:
        where = getattr(archive, "path", None) or "the archive"
        raise WriteFailed(where, f"could not write to the archive ({describe_os_error(e)})") from e
    except MinutebookError:
        for result in results:
            _store(archive, result, version)


def _store(archive: ArchiveLike, result: DocResult, version: str) -> None:
    """Write one result (one transaction: wholly stored or not at all). If the archive rejects the
    record itself, store the document as FAILED with that error so that it is not lost; if even that
    fails, the archive is unusable and the error stops the batch. A failure that is not the
    document's (disk full, read-only, lost server: ``WriteFailed``, or an ``OSError`` from the
    archive) stops the batch at once and stores nothing for the document, so a plain rerun does it."""
    try:
        archive.write(_to_tagged(result, version))
    except WriteFailed:
        raise
    except OSError as e:
        where = getattr(archive, "path", None) or "the archive"
        raise WriteFailed(where, f"could not write to the archive ({describe_os_error(e)})") from e
    except MinutebookError as e:
        result.status = Status.FAILED
        result.errors.append(ErrorItem("archive", e.one_line(), e.code))
        result.meeting, result.section_vectors, result.section_texts, result.text = None, None, None, None
        result.more_meetings, result.meeting_text = [], None
        archive.write(_to_tagged(result, version))


# errors that were the archive's, not the document's: a document stored FAILED with one of them
# (by a version that did so, e.g. on a full disk) is tried again by a plain rerun
_NOT_THE_DOCUMENTS = ("[MB013]", "[MB023]")


def _failed_before(archive: ArchiveLike, version: str) -> set[str]:
    """Content hashes stored as FAILED by this pipeline version for a reason of their own (the
    archive's ``seen`` counts only SUCCESS/PARTIAL)."""
    documents = getattr(archive, "documents", None)
    if documents is None:
        return set()
    return {d.content_hash for d in documents(status=Status.FAILED.value) if d.pipeline_version == version
            and not any(code in (getattr(d, "error", None) or "") for code in _NOT_THE_DOCUMENTS)}


def _max_bytes(limits: Limits) -> int:
    from pipeline.extract import ReadOptions

    return limits.max_bytes or ReadOptions.max_bytes


def file_digest(path: Path, max_bytes: int, *, chunk: int = 1 << 20) -> tuple[str, ErrorItem | None]:
    """The content hash of ``path`` (sha256 of its bytes, as ``content_hash``) read within the size
    limit: the size is checked before reading and at most ``max_bytes + 1`` bytes are read, so a huge
    or growing file is never read whole. A file over the limit gets a digest of its size and first
    block (stable across reruns, never equal to a real content hash) and the limit's error."""
    from pipeline.extract import size_limit_error

    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        h = hashlib.sha256()
        read = 0
        if size <= max_bytes:
            while read <= max_bytes and (block := fh.read(min(chunk, max_bytes + 1 - read))):
                h.update(block)
                read += len(block)
            if read <= max_bytes:
                return h.hexdigest(), None
            size = max(size, read)
        fh.seek(0)
        h = hashlib.sha256(b"over-limit\0%d\0" % size + fh.read(min(chunk, max_bytes)))
    err = size_limit_error(path, size, max_bytes)
    return h.hexdigest(), ErrorItem("batch", err.one_line(), err.code)


def _copy_result(path: str, digest: str, first: tuple[str, Status, str | None]) -> DocResult:
    """The result of a file with the same bytes as ``first`` (path, status, error) of this batch: not
    run or stored again, but listed as FAILED (with the first one's error) when that one failed."""
    first_path, status, error = first
    if status is Status.FAILED:
        return DocResult(path, digest, Status.FAILED,
                         errors=[ErrorItem("batch", f"{path}: same content as {first_path}, which failed: {error}")])
    return DocResult(path, digest, Status.SKIPPED, errors=[ErrorItem("batch", f"same content as {first_path}")])


def _tasks(files: list[Path], archive: ArchiveLike, version: str, force: bool, retry_failed: bool,
           record: Callable[[DocResult], None], same_content: Callable[[str, str], None],
           found_stored: Callable[[str, str], None], stop: Stop, max_bytes: int,
           prof: Profile | None = None) -> Iterator[Task]:
    """Hash files lazily (so the first documents start at once), skipping what is stored already
    and handing files with the same bytes as an earlier file of this batch to ``same_content``. A
    file over the size limit is FAILED without being read whole."""
    first: dict[str, str] = {}
    failed = set() if force or retry_failed else _failed_before(archive, version)
    for f in files:
        if stop.requested:
            return
        h0 = time.perf_counter()
        try:
            digest, too_big = file_digest(f, max_bytes)
        except OSError as e:
            record(DocResult(str(f), "", Status.FAILED,
                             errors=[ErrorItem("batch", f"{f}: cannot read the file ({e.strerror or e}) [MB001]; "
                                               "check its permissions", "MB001")]))
            continue
        if prof is not None:
            prof.hashing += time.perf_counter() - h0
        if digest in first:
            same_content(str(f), digest)
            continue
        first[digest] = str(f)
        if not force and (digest in failed or archive.seen(digest, version)):
            found_stored(str(f), digest)  # moved or overwritten: the record follows the file
            record(DocResult(str(f), digest, Status.SKIPPED))
            continue
        if too_big is not None:
            record(DocResult(str(f), digest, Status.FAILED, errors=[too_big]))
            continue
        task = Task(str(f), digest)
        if prof is not None:
            prof.handed_out(task)
        yield task


def _to_tagged(result: DocResult, version: str) -> Any:
    """The archive's record for a result."""
    from pipeline.archive.types import TaggedDocument

    return TaggedDocument(path=result.path, content_hash=result.content_hash, format=result.format,
                          status=result.status.value, error=result.error, meeting=result.meeting,
                          section_vectors=result.section_vectors, pipeline_version=version,
                          section_texts=result.section_texts, text=result.text,
                          more_meetings=list(result.more_meetings), meeting_text=result.meeting_text,
                          pages=result.meeting.quality.pages if result.meeting is not None else None)


