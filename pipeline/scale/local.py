"""Local runners: in this process (workers=1) or a pool of worker processes, each building its
``Tagger`` once."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterator

from pipeline.core.errors import ErrorItem, MinutebookError
from pipeline.scale.results import DocResult, Status, Stop, Task
from pipeline.scale.tagger import TagConfig, Tagger, timeout_item


class WorkersFailed(MinutebookError):
    """The worker processes could not start (so no document is blamed for it)."""

    code = "MB020"
    default_hint = ("run with --workers 1 to see the error; if you call run_batch from your own script, "
                    "put the call under `if __name__ == '__main__':`")


# forkserver/spawn, not fork: forking a parent that may already hold torch's thread pools (a test run,
# a notebook, or rich's refresh thread) can deadlock, and the models are loaded per worker anyway.
START_METHOD = "forkserver" if sys.platform.startswith("linux") else "spawn"

_WORKER: Tagger | None = None  # this worker process's tagger (set once by the pool initializer)


def _init_worker(config: TagConfig, parent_pid: int) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    _WORKER = Tagger(config)
    try:
        # parallelism comes from the processes: one model thread each avoids oversubscription
        _WORKER.warm_up(threads=1)
    except Exception:
        pass  # the same error comes back for each document, with its path, as a FAILED status


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


def run_inline(tasks: Iterator[Task], config: TagConfig, record: Callable[[DocResult], None], stop: Stop) -> None:
    tagger: Tagger | None = None
    for task in tasks:
        if tagger is None:  # built on the first document that needs it: an all-skipped rerun loads nothing
            tagger = Tagger(config)
            tagger.warm_up()
        record(tagger.tag(task.path, task.digest))
        if stop.requested:
            return


def run_pool(tasks: Iterator[Task], config: TagConfig, workers: int, record: Callable[[DocResult], None],
              stop: Stop, start_method: str) -> None:
    """Keep ``2 * workers`` documents in flight; write each result as it comes back. On a broken
    pool (a worker died or was killed for running over time) start a new pool and re-run the
    documents that were in flight one at a time, so the one that breaks it is known."""
    ctx = multiprocessing.get_context(start_method)
    window = 2 * workers
    hard_limit = (config.limits.seconds + config.limits.grace) if config.limits.seconds else None
    quarantine: deque[Task] = deque()
    inflight: dict[Future, Task] = {}
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
                    result = DocResult(task.path, task.digest, Status.FAILED, errors=[ErrorItem.from_exception("worker", e, task.path)])
                record(result)
            if broken:
                _requeue(inflight, isolated, quarantine, record, config, pool)
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
                    _requeue(inflight, len(inflight) == 1, quarantine, record, config, pool)
                    pool = None
    except BaseException:  # Ctrl-C, or the archive cannot be written (WriteFailed): stop now
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


def _requeue(inflight: dict[Future, Task], isolated: bool, quarantine: deque[Task],
             record: Callable[[DocResult], None], config: TagConfig, pool: ProcessPoolExecutor | None) -> None:
    """The pool broke or a document overran: every document in flight is a suspect, the pool is
    killed, and the caller starts a new one."""
    for task in inflight.values():
        _suspect(task, isolated, quarantine, record, config)
    inflight.clear()
    if pool is not None:
        _kill_pool(pool)


def _suspect(task: Task, isolated: bool, quarantine: deque[Task], record: Callable[[DocResult], None],
             config: TagConfig) -> None:
    """A document that was in flight when the pool broke: FAILED if it ran alone (it is the culprit),
    otherwise queued to run again alone."""
    if isolated:
        if task.overdue:
            item = timeout_item(task.path, config.limits.seconds)
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


