"""Tag on a Dask distributed cluster: the third executor of ``run_batch`` (after in-process and the
local process pool), behind the same ``_tasks`` -> ``record`` -> ``_store`` flow.

``minutebook tag PATH... --cluster tcp://HOST:8786`` sends the documents to a running scheduler;
``--cluster local:N`` starts a ``LocalCluster`` of N single-threaded worker processes on this machine
and closes it at the end. How it is put together:

* **Models once per worker.** ``TaggerPlugin`` (a ``distributed.WorkerPlugin`` registered by the
  client) builds the ``Tagger`` from the picklable ``TagConfig`` and warms spaCy and the encoder up in
  ``setup``, once per worker process - and again only when a worker is restarted. Tasks look the
  tagger up on their worker (``_tag_task``). The plugin's name carries a hash of the config, so two
  batches with different stages can share a cluster; it is unregistered at the end of the batch.
* **One writer.** Results stream back with ``as_completed`` and are written by the caller's ``record``
  in this process, one transaction per document, as with the process pool. At most ``window``
  documents are submitted at a time (2 per worker thread), so a million files never means a million
  futures, and shipped file bytes stay bounded.
* **Files.** With ``local:N`` the workers share this machine's filesystem and get paths. With a
  ``tcp://`` scheduler the workers may be elsewhere, so each task carries the file's bytes; the
  worker writes them to a private temporary file with the same name and maps the temporary path back
  to the original in everything the record holds (provenance keeps the user's path).
* **Security.** A scheduler runs the pickled code its clients send: ``tcp://`` is for a private
  network only. ``tls://`` uses Dask's TLS (mutual: each end shows a certificate of the same CA);
  the client's files come from ``--tls-ca/--tls-cert/--tls-key`` (``ClusterSpec.tls``, a
  ``distributed.Security``), or from Dask's configuration when those are not given.
* **Time limit.** Dask runs tasks in worker threads, where ``SIGALRM`` cannot reach. Each task logs a
  start event (a round trip to the scheduler, before the document is read) that the client receives (``subscribe_topic``); the client
  watches the deadlines and, when a document runs past ``Limits.seconds``, cancels it, records it
  FAILED with the time-out reason (MB009, as the pool does) and restarts that worker through its
  nanny (``Client.restart_workers``), which kills the stuck thread with its process. The other
  documents queued on that worker are rescheduled by the scheduler.
* **Retries, bounded.** A document whose worker dies (segfault, out of memory, ``kill -9``) is
  rescheduled by the scheduler; after ``retries`` deaths it comes back as ``KilledWorker`` and is
  recorded FAILED with that reason. ``--cluster local:N`` sets the scheduler's ``allowed-failures``
  to ``retries`` (and ``worker-saturation`` to 1, so that a worker holds only the document it runs
  and a death blames no bystander); a scheduler you run keeps its own settings
  (``DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES``). The start events count how often each
  document really started: a ``KilledWorker`` for a document that had barely started (it was queued
  on workers another document killed) is submitted again, at most ``retries`` times, and a document
  that has started more than ``retries + 1`` times is stopped whatever the scheduler allows. An
  exception raised by the task machinery itself (not by the document: those come back as a FAILED
  ``DocResult``) is retried by Dask ``retries`` times. A file that fails to read is therefore
  recorded FAILED once, not retried.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator

from distributed.diagnostics.plugin import WorkerPlugin

from pipeline.core.errors import ErrorItem, MinutebookError
from pipeline.scale.results import DocResult, Status, Stop, Task
from pipeline.scale.tagger import TagConfig, Tagger, timeout_item

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client, Future

__all__ = ["ClusterUnavailable", "ClusterSpec", "parse_cluster", "TaggerPlugin", "run_cluster", "DEFAULT_RETRIES"]

DEFAULT_RETRIES = 2
_CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler
_WORKERS_TIMEOUT = 60.0  # seconds to wait for a first worker to join
_POLL = 0.02  # seconds between looks at the finished futures and the deadlines
_SAME_ENV = "install the same minutebook version, with the same Python packages, on the scheduler and every worker"
_SETUP_WAIT = 600.0  # seconds a task waits for its worker's models to load


class ClusterUnavailable(MinutebookError):
    """The Dask scheduler cannot be reached, has no workers, or the --cluster value is malformed."""

    code = "MB021"
    default_hint = ("start one with `dask scheduler` and `dask worker tcp://HOST:8786`, check the address, "
                    "or use --cluster local:N to run N workers on this machine")


@dataclass(frozen=True)
class ClusterSpec:
    """A parsed ``--cluster`` value: a scheduler address, or a local cluster of ``n_workers``; ``tls``
    the client's certificate files (CA, certificate, key) for a ``tls://`` scheduler (None: Dask's
    own configuration, ``distributed.comm.tls.*``, applies)."""

    address: str | None = None
    n_workers: int = 0
    tls: tuple[str, str, str] | None = None

    @property
    def local(self) -> bool:
        return self.address is None

    def __str__(self) -> str:
        return self.address or f"local:{self.n_workers}"


_LOCAL = re.compile(r"local(?::(\d+))?")
_ADDRESS = re.compile(r"(tcp|tls|ws|wss|inproc)://\S+")


def parse_cluster(value: str, tls: "tuple[str | os.PathLike[str], ...] | None" = None) -> ClusterSpec:
    """``local:N`` (``local`` = one worker per core) or a scheduler address such as ``tcp://HOST:8786``.
    ``tls``: (CA file, certificate file, key file) of the client, for a ``tls://`` address only."""
    v = value.strip()
    if tls is not None:
        return ClusterSpec(address=v, tls=_tls_files(v, tls))
    m = _LOCAL.fullmatch(v)
    if m:
        n = int(m.group(1)) if m.group(1) else (os.cpu_count() or 1)
        if n < 1:
            raise ClusterUnavailable(None, f"--cluster {value}: a local cluster needs at least one worker",
                                     "use --cluster local:1 or more")
        return ClusterSpec(n_workers=n)
    if _ADDRESS.fullmatch(v):
        return ClusterSpec(address=v)
    raise ClusterUnavailable(None, f"--cluster {value!r} is neither a scheduler address nor local:N",
                             "pass tcp://HOST:8786 (a running `dask scheduler`) or local:N")


def _tls_files(address: str, files: "tuple[str | os.PathLike[str], ...]") -> tuple[str, str, str]:
    if not address.startswith("tls://") or _ADDRESS.fullmatch(address) is None:
        raise ClusterUnavailable(None, f"--cluster {address!r}: certificates (--tls-ca/--tls-cert/--tls-key) need a tls:// "
                                       "scheduler address", "pass --cluster tls://HOST:8786")
    if len(files) != 3 or not all(files):
        raise ClusterUnavailable(None, "TLS to the Dask scheduler needs all three of --tls-ca, --tls-cert and --tls-key",
                                 "pass the CA certificate, this client's certificate and its private key")
    for f in files:
        if not os.path.isfile(f):
            raise ClusterUnavailable(None, f"{os.fspath(f)}: no such certificate or key file",
                                     "check the --tls-ca/--tls-cert/--tls-key paths")
    ca, cert, key = (os.path.abspath(f) for f in files)
    return ca, cert, key


def _security(spec: ClusterSpec) -> Any:
    """The client's ``distributed.Security`` for ``spec.tls``; None = Dask's configuration."""
    if spec.tls is None:
        return None
    from distributed.security import Security

    ca, cert, key = spec.tls
    return Security(tls_ca_file=ca, tls_client_cert=cert, tls_client_key=key, require_encryption=True)


# --------------------------------------------------------------------------------------------------
# On the workers
# --------------------------------------------------------------------------------------------------


class TaggerPlugin(WorkerPlugin):
    """Builds the ``Tagger`` once per worker (in ``setup``) and warms its models up, in a thread so
    that the worker keeps answering the scheduler's heartbeats while the models load."""

    idempotent = True  # registering the same config again (another batch) keeps the loaded tagger

    def __init__(self, config: TagConfig):
        self.config = config
        self.tagger: Any = None
        self.load_seconds = 0.0

    async def setup(self, worker: Any) -> None:
        import asyncio

        self.ready = threading.Event()  # set when the tagger is usable (tasks may arrive before)
        try:
            await asyncio.get_running_loop().run_in_executor(None, self._load, int(getattr(worker.state, "nthreads", 1)))
        finally:
            self.ready.set()

    def _load(self, nthreads: int) -> None:

        t0 = time.perf_counter()
        tagger = Tagger(self.config)
        try:
            # parallelism comes from the workers' threads: no more model threads than those
            tagger.warm_up(threads=max(1, nthreads))
        except Exception:
            pass  # the same error comes back for each document, with its path, as a FAILED status
        self.tagger = tagger
        self.load_seconds = time.perf_counter() - t0

    def teardown(self, worker: Any) -> None:
        self.tagger = None


def plugin_name(config: TagConfig) -> str:
    return "minutebook-tagger-" + hashlib.sha256(pickle.dumps(config)).hexdigest()[:16]


def _tag_task(name: str, topic: str, path: str, digest: str, data: bytes | None) -> DocResult:
    """One document, on a worker: announce the start (for the client's deadline watch), then tag
    with the worker's tagger - the file itself, or its shipped bytes in a private temporary file."""
    from distributed import get_worker

    worker = get_worker()
    plugin = worker.plugins.get(name)
    for _ in range(100):  # the plugin is in worker.plugins a moment before its setup starts
        if plugin is None or hasattr(plugin, "ready"):
            break
        time.sleep(0.05)
    ready = getattr(plugin, "ready", None)
    if ready is not None:
        ready.wait(_SETUP_WAIT)
    tagger = getattr(plugin, "tagger", None)
    if tagger is None:  # not registered on this worker, or its setup failed: Dask retries the task
        raise RuntimeError(f"the minutebook tagger is not ready on the Dask worker {worker.address}")
    # through the worker's client, a round trip: the scheduler has the event before the document can
    # crash this process (the worker's own batched log_event could die unsent with it)
    worker.client.log_event(topic, {"key": str(worker.get_current_task()), "worker": worker.address,
                                    "pid": os.getpid()})
    if data is None:
        return tagger.tag(path, digest)
    tmpdir = tempfile.mkdtemp(prefix="minutebook-")
    try:
        local = os.path.join(tmpdir, os.path.basename(path) or "document")
        with open(local, "wb") as fh:
            fh.write(data)
        return _relocate(tagger.tag(local, digest), local, path)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _relocate(result: DocResult, local: str, original: str) -> DocResult:
    """Replace the worker's temporary path by the user's path everywhere in a result (the record's
    file, every provenance, error messages)."""
    import json

    result.path = original
    result.errors = [ErrorItem(e.component, e.message.replace(local, original), e.code) for e in result.errors]
    a, b = json.dumps(local)[1:-1], json.dumps(original)[1:-1]

    def moved(meeting):
        dumped = meeting.model_dump_json()
        return type(meeting).model_validate_json(dumped.replace(a, b)) if a in dumped else meeting

    if result.meeting is not None:
        result.meeting = moved(result.meeting)
    for extra in result.more_meetings:
        extra.meeting = moved(extra.meeting)
    return result


# --------------------------------------------------------------------------------------------------
# On the client
# --------------------------------------------------------------------------------------------------


@dataclass
class _Watch:
    """Start events from the workers: when (client clock) and where each task key last started, and
    how many times it has started."""

    started: dict[str, tuple[float, str]] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, event: tuple[float, dict]) -> None:  # runs in the client's event loop thread
        _, msg = event
        key = msg.get("key") if isinstance(msg, dict) else None
        worker = msg.get("worker") if isinstance(msg, dict) else None
        if key is None:
            return
        with self.lock:
            self.started[key] = (time.monotonic(), worker or "")
            self.attempts[key] = self.attempts.get(key, 0) + 1

    def get(self, key: str) -> tuple[tuple[float, str] | None, int]:
        with self.lock:
            return self.started.get(key), self.attempts.get(key, 0)

    def forget(self, key: str) -> None:
        with self.lock:
            self.started.pop(key, None)
            self.attempts.pop(key, None)


@dataclass
class ClusterInfo:
    """What the batch learns about the cluster (for the report and the benchmark)."""

    spec: str
    workers: int = 0
    threads: int = 0
    connect_seconds: float = 0.0  # start the local cluster / reach the scheduler
    load_seconds: float = 0.0  # register the tagger plugin (= load the models on every worker)
    restarts: int = 0  # workers restarted for a time-out
    dashboard: str | None = None


def _connect(spec: ClusterSpec, retries: int) -> tuple["Client", Any]:
    """A client (and the LocalCluster it owns, or None). Errors are one-line ``ClusterUnavailable``."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as e:  # pragma: no cover - distributed is a dependency
        raise ClusterUnavailable(None, f"Dask distributed is not installed ({e})", "pip install 'distributed'") from None
    cluster = None
    try:
        if spec.local:
            # one task per worker thread at a time (no tasks queued on a worker): a worker that dies
            # takes only the document it was running with it, not innocent bystanders
            with dask.config.set({"distributed.scheduler.allowed-failures": retries,
                                  "distributed.scheduler.worker-saturation": 1.0}):
                cluster = LocalCluster(n_workers=spec.n_workers, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", scheduler_port=0)
            client = Client(cluster, timeout=_CONNECT_TIMEOUT)
        else:
            security = _security(spec)
            if security is None:
                client = Client(spec.address, timeout=_CONNECT_TIMEOUT)
            else:
                client = Client(spec.address, timeout=_CONNECT_TIMEOUT, security=security)
    except MinutebookError:
        raise
    except Exception as e:
        if cluster is not None:
            cluster.close()
        what = "start a local Dask cluster" if spec.local else f"reach the Dask scheduler at {spec.address}"
        raise ClusterUnavailable(None, f"cannot {what} ({e.__class__.__name__}: {_first_line(e)})") from None
    try:
        client.wait_for_workers(1, timeout=_WORKERS_TIMEOUT)
    except Exception:
        _close(client, cluster)
        raise ClusterUnavailable(None, f"the Dask scheduler at {spec} has no workers after {_WORKERS_TIMEOUT:g} s",
                                 "start some with `dask worker SCHEDULER_ADDRESS`") from None
    return client, cluster


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0][:200] if text else ""


def _close(client: Any, cluster: Any) -> None:
    try:
        client.close()
    finally:
        if cluster is not None:
            cluster.close()


def run_cluster(tasks: Iterator[Task], config: TagConfig, spec: ClusterSpec, record: Callable[[DocResult], None],
                stop: Stop, *, retries: int = DEFAULT_RETRIES, info: ClusterInfo | None = None,
                ship: bool | None = None, note: Callable[[str], None] | None = None) -> ClusterInfo:
    """Tag ``tasks`` on the cluster, calling ``record`` for each result as it arrives.

    ``ship`` sends each file's bytes with its task (default: for a scheduler address, not for
    ``local:N``). Returns what was learnt about the cluster (worker count, start-up and model-load
    times)."""
    from distributed import as_completed


    info = info or ClusterInfo(spec=str(spec))
    ship = (not spec.local) if ship is None else ship
    retries = max(0, int(retries))
    t0 = time.perf_counter()
    client, cluster = _connect(spec, retries)
    info.connect_seconds = time.perf_counter() - t0
    workers = client.scheduler_info(n_workers=-1).get("workers", {})
    info.workers = len(workers)
    info.threads = sum(int(w.get("nthreads", 1)) for w in workers.values()) or 1
    info.dashboard = getattr(client, "dashboard_link", None) if not spec.local else None
    window = max(2, 2 * info.threads)
    seconds = config.limits.seconds or None
    run_id = uuid.uuid4().hex[:12]
    topic = f"minutebook-start-{run_id}"
    watch = _Watch()
    name = plugin_name(config)
    registered = False
    inflight: dict[Any, Task] = {}
    ac = as_completed()
    restarts: list[threading.Thread] = []
    exhausted = False
    starts: dict[str, int] = {}  # per document (content hash): times it started on a worker, all tries
    submissions: dict[str, int] = {}  # per document: tasks submitted for it

    def on_event(event: tuple[float, dict]) -> None:
        watch(event)

    def submit(task: Task) -> None:
        data = None
        if ship:
            try:
                with open(task.path, "rb") as fh:
                    data = fh.read()
            except OSError as e:
                record(DocResult(task.path, task.digest, Status.FAILED,
                                 errors=[ErrorItem("batch", f"{task.path}: cannot read the file ({e.strerror or e}) "
                                                   "[MB001]; check its permissions", "MB001")]))
                return
        key = f"minutebook-tag-{task.digest[:16]}-{run_id}-{uuid.uuid4().hex[:6]}"
        fut = client.submit(_tag_task, name, topic, task.path, task.digest, data, key=key, pure=False,
                            retries=retries)
        submissions[task.digest] = submissions.get(task.digest, 0) + 1
        inflight[fut] = task
        ac.add(fut)

    def restart(address: str) -> None:
        try:
            client.restart_workers([address], raise_for_error=False)
        except Exception as e:  # e.g. a worker without a nanny: it cannot be restarted, only left behind
            (note or (lambda m: None))(f"could not restart the Dask worker {address} after a time-out ({_first_line(e)})")

    try:
        client.subscribe_topic(topic, on_event)
        while True:
            while not stop.requested and not exhausted and len(inflight) < window:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                if not registered:  # on the first document to tag: an all-skipped rerun loads nothing
                    t1 = time.perf_counter()
                    try:
                        client.register_plugin(TaggerPlugin(config), name=name)
                    except Exception as e:
                        raise ClusterUnavailable(None, f"the Dask workers at {spec} cannot set up minutebook's tagger "
                                                 f"({e.__class__.__name__}: {_first_line(e)})", _SAME_ENV) from None
                    info.load_seconds = time.perf_counter() - t1
                    registered = True
                submit(task)
            if not inflight:
                return info
            done = ac.next_batch(block=False)
            for fut in done:
                task = inflight.pop(fut, None)
                if task is None:
                    continue  # cancelled for a time-out, already recorded
                _environment_check(fut, spec)
                _, n = watch.get(fut.key)
                watch.forget(fut.key)
                starts[task.digest] = starts.get(task.digest, 0) + n
                if _killed(fut) and starts[task.digest] <= retries and submissions[task.digest] <= retries:
                    # KilledWorker, but it rarely or never started itself: it was queued on workers that
                    # another document killed. Try it again (bounded by the submissions).
                    fut.release()
                    submit(task)
                    continue
                record(_outcome(fut, task, retries, starts[task.digest]))
                fut.release()
            # deadlines and attempts of the documents in flight (also while other results stream in)
            now = time.monotonic()
            for fut, task in list(inflight.items()):
                started, n = watch.get(fut.key)
                if started is None:
                    continue
                at, worker = started
                attempts = starts.get(task.digest, 0) + n
                overdue = seconds is not None and now - at > seconds
                too_many = attempts > retries + 1  # backstop for a scheduler allowing more failures
                if not (overdue or too_many):
                    continue
                inflight.pop(fut)
                watch.forget(fut.key)
                fut.cancel()
                if overdue:
                    record(DocResult(task.path, task.digest, Status.FAILED, errors=[timeout_item(task.path, seconds)]))
                    if worker:
                        info.restarts += 1
                        th = threading.Thread(target=restart, args=(worker,), daemon=True)
                        th.start()
                        restarts.append(th)
                else:
                    record(DocResult(task.path, task.digest, Status.FAILED, errors=[_died_item(task.path, attempts - 1)]))
            if not done:
                time.sleep(_POLL)
    except KeyboardInterrupt:
        for fut in list(inflight):
            fut.cancel()
        inflight.clear()
        raise
    finally:
        try:
            client.unsubscribe_topic(topic)
        except Exception:
            pass
        if stop.requested:
            for fut in list(inflight):
                fut.cancel()
        for th in restarts:
            th.join(timeout=60)
        if registered and not spec.local:
            try:
                client.unregister_worker_plugin(name)
            except Exception:
                pass  # leaving it registered on a shared cluster costs memory, not correctness
        _close(client, cluster)


def _died_item(path: str, deaths: int) -> ErrorItem:
    return ErrorItem("worker", f"{path}: the Dask worker died {deaths} time(s) while reading it (a crash or out of "
                     "memory); try `minutebook analyse` on the file alone")


def _environment_check(fut: "Future", spec: ClusterSpec) -> None:
    """A scheduler or worker that cannot unpickle minutebook's task lacks minutebook (or has another
    version): that is the cluster's fault, not the documents', so the batch stops with one line."""
    if fut.status != "error":
        return
    e = fut.exception()
    text = f"{e.__class__.__name__}: {e}"
    if "deserializ" in text.lower() or isinstance(e, (ModuleNotFoundError, ImportError)):
        raise ClusterUnavailable(None, f"the Dask cluster at {spec} cannot load minutebook's tasks ({_first_line(e)})",
                                 _SAME_ENV) from None


def _killed(fut: "Future") -> bool:
    from distributed import KilledWorker

    return fut.status == "error" and isinstance(fut.exception(), KilledWorker)


def _outcome(fut: "Future", task: Task, retries: int, started: int) -> DocResult:
    """The result of a finished future, or a FAILED result saying why there is none."""
    from distributed import KilledWorker

    if fut.status == "finished":
        try:
            return fut.result()
        except Exception as e:  # the result could not be fetched or unpickled
            return DocResult(task.path, task.digest, Status.FAILED, errors=[ErrorItem.from_exception("worker", e, task.path)])
    if fut.status == "cancelled":
        return DocResult(task.path, task.digest, Status.FAILED,
                         errors=[ErrorItem("worker", f"{task.path}: the task was cancelled on the cluster; "
                                           "run the same command again to tag it")])
    failure = fut.exception()
    if isinstance(failure, KilledWorker):
        return DocResult(task.path, task.digest, Status.FAILED, errors=[_died_item(task.path, max(started, 1))])
    item = ErrorItem.from_exception("worker", failure, task.path)
    if retries:
        item = ErrorItem(item.component, f"{item.message} (after {retries} retries)", item.code)
    return DocResult(task.path, task.digest, Status.FAILED, errors=[item])
