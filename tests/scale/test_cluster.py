"""Tagging on Dask (pipeline/cluster.py): local:N and tcp:// clusters give the archive local processes
give; a worker killed mid-batch loses nothing; a poisoned file is FAILED after bounded retries; a
document over its time limit is stopped by restarting its worker; an unreachable scheduler is one
typed error.

The model-loading tests share one LocalCluster (a module fixture, reached by its tcp:// address so
that the shipped-bytes path is exercised too); the fault tests use small ``local:N`` clusters with the
model-free stages, whose worker restarts cost about a second.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_batch import FAST, MINUTES, FakeArchive

from pipeline.core.stage import State, stage
from pipeline.scale.batch import run_batch
from pipeline.scale.cluster import ClusterUnavailable, parse_cluster
from pipeline.scale.results import Limits, Status

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
GEN = ROOT / "bench" / "gen_minutes.py"
STAGES = ["extract", "structure", "detect"]  # spaCy on every worker; the encoder too (vectors=True)


# ---- plugin stages (this module is imported on the LocalCluster's workers: plugins=[__name__]) ---------

@stage("stall", requires=("meeting",))
def _stall(state: State) -> None:
    if "stall" in state.path.name:
        time.sleep(60)  # in a worker thread: nothing but killing the process stops it


@stage("poison", requires=("meeting",))
def _poison(state: State) -> None:
    if "poison" in state.path.name:
        os._exit(3)  # a segfault or the OOM killer, as far as Dask can tell


@stage("pace", requires=("meeting",))
def _pace(state: State) -> None:
    time.sleep(0.3)


def _fast_docs(root: Path, n: int, *extra: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"m{i:02d}.txt").write_text(MINUTES.format(topic=f"item {i}"), encoding="utf-8")
    for name in extra:
        (root / name).write_text(MINUTES.format(topic=name), encoding="utf-8")


def _archive_view(db: Path) -> dict[str, tuple]:
    """Every stored document by file name: status, error, and its full meeting record."""
    from pipeline.archive.archive import Archive

    with Archive.open(db, readonly=True) as archive:
        out = {}
        for d in archive.documents():
            m = archive.meeting(d.meeting_id) if d.meeting_id is not None else None
            out[Path(d.path).name] = (d.status, d.error, d.content_hash,
                                      m.model_dump_json() if m is not None else None)
        counts = archive.counts()
    return out | {"<counts>": (counts.documents, counts.meetings, counts.sections, counts.actions,
                               counts.decisions, counts.people, counts.embeddings)}


@pytest.fixture(scope="module")
def dask_cluster():
    """One LocalCluster of two single-threaded worker processes for the module."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster


@pytest.fixture(scope="module")
def corpus_reference(tmp_path_factory) -> dict[str, tuple]:
    """The corpus tagged by two local worker processes: what every cluster run must reproduce."""
    db = tmp_path_factory.mktemp("ref") / "processes.db"
    report = run_batch([CORPUS], db=db, stages=STAGES, workers=2)
    assert report.counts[Status.SUCCESS] >= 4
    return _archive_view(db)


# ---- no cluster needed ---------------------------------------------------------------------------

def test_parse_cluster_values():
    assert parse_cluster("local:3").n_workers == 3 and parse_cluster("local:3").local
    assert parse_cluster("tcp://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"
    assert parse_cluster("local").n_workers == (os.cpu_count() or 1)
    for bad in ("nonsense", "local:0", "10.0.0.5:8786", "local:x"):
        with pytest.raises(ClusterUnavailable) as e:
            parse_cluster(bad)
        assert "[MB021]" in e.value.one_line() and "\n" not in e.value.one_line()


def test_unreachable_scheduler_is_one_typed_line(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import pipeline.scale.cluster as cluster_mod
    from pipeline.cli import app

    _fast_docs(tmp_path / "docs", 1)
    monkeypatch.setattr(cluster_mod, "_CONNECT_TIMEOUT", 1.0)
    with pytest.raises(ClusterUnavailable) as e:
        run_batch([tmp_path / "docs"], archive=FakeArchive(), stages=FAST, vectors=False, cluster="tcp://127.0.0.1:9")
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in e.value.one_line()
    result = CliRunner().invoke(app, ["tag", str(tmp_path / "docs"), "--db", str(tmp_path / "a.db"),
                                      "--cluster", "tcp://127.0.0.1:9", "-q"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "[MB021]" in lines[0] and "Traceback" not in result.output


# ---- faults, on small model-free local clusters --------------------------------------------------

def test_time_limit_restarts_the_stuck_worker(tmp_path):
    _fast_docs(tmp_path, 4, "stall.txt")
    archive = FakeArchive()
    t0 = time.monotonic()
    report = run_batch([tmp_path], archive=archive, stages=FAST + ["stall"], vectors=False, plugins=[__name__],
                       cluster="local:2", limits=Limits(seconds=2.0))
    assert time.monotonic() - t0 < 45  # the stalled thread sleeps 60 s: it was killed, not waited for
    by = archive.by_name()
    assert by["stall.txt"].status == "FAILED" and "took longer than 2 s" in by["stall.txt"].error
    assert all(by[f"m{i:02d}.txt"].status == "SUCCESS" for i in range(4))
    assert report.cluster.restarts == 1 and report.total == 5 == len(archive.docs) == archive.writes


def test_poisoned_file_fails_after_bounded_retries(tmp_path):
    _fast_docs(tmp_path, 4, "poison.txt")
    (tmp_path / "empty.txt").write_bytes(b"")  # fails deterministically: recorded once, never retried
    archive = FakeArchive()
    report = run_batch([tmp_path], archive=archive, stages=FAST + ["poison"], vectors=False, plugins=[__name__],
                       cluster="local:2", retries=1)
    by = archive.by_name()
    assert by["poison.txt"].status == "FAILED"
    assert "the Dask worker died 2 time(s) while reading it" in by["poison.txt"].error
    assert by["empty.txt"].status == "FAILED" and "[MB004]" in by["empty.txt"].error
    assert all(by[f"m{i:02d}.txt"].status == "SUCCESS" for i in range(4))
    assert report.total == 6 == len(archive.docs) == archive.writes  # each document written once


# ---- the corpus and a killed worker, with the models, on the shared LocalCluster ------------------

@pytest.mark.slow
@pytest.mark.parametrize("spec", ["local:1", "local:2"])
def test_local_cluster_archive_equals_local_processes(tmp_path, spec, corpus_reference):
    db = tmp_path / "cluster.db"
    report = run_batch([CORPUS], db=db, stages=STAGES, cluster=spec)
    assert report.cluster.workers == int(spec.split(":")[1]) and report.interrupted is False
    assert _archive_view(db) == corpus_reference


@pytest.mark.slow
def test_tcp_cluster_ships_files_and_gives_the_same_archive(tmp_path, dask_cluster, corpus_reference):
    db = tmp_path / "cluster.db"
    report = run_batch([CORPUS], db=db, stages=STAGES, cluster=dask_cluster.scheduler_address)
    assert report.cluster.workers == 2
    assert _archive_view(db) == corpus_reference  # provenance names the user's files, not the workers' copies


@pytest.mark.slow
def test_worker_killed_mid_batch_loses_and_duplicates_nothing(tmp_path, dask_cluster):
    from distributed import Client

    docs, db = tmp_path / "docs", tmp_path / "archive.db"
    subprocess.run([sys.executable, str(GEN), str(docs), "--count", "12", "--seed", "7"], check=True,
                   capture_output=True)
    with Client(dask_cluster) as client:
        pids = client.run(os.getpid)
    victim = min(pids.values())
    killed = threading.Event()

    def progress(result, done, total):
        if done == 3 and not killed.is_set():
            os.kill(victim, signal.SIGKILL)  # mid-batch: the other documents are in flight
            killed.set()

    report = run_batch([docs], db=db, stages=STAGES + ["pace"], plugins=[__name__], progress=progress,
                       cluster=dask_cluster.scheduler_address)
    assert killed.is_set()
    assert report.counts[Status.SUCCESS] + report.counts[Status.PARTIAL] == 12, report.failures
    import sqlite3

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT path, count(*) FROM documents GROUP BY path").fetchall()
        assert len(rows) == 12 and all(c == 1 for _, c in rows)
        assert conn.execute("SELECT count(DISTINCT content_hash) FROM documents").fetchone()[0] == 12
        assert conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 12
    with Client(dask_cluster) as client:
        client.wait_for_workers(2, timeout=60)  # the nanny brought the killed worker back
        assert victim not in client.run(os.getpid).values()
    again = run_batch([docs], db=db, stages=STAGES + ["pace"], plugins=[__name__],
                      cluster=dask_cluster.scheduler_address)
    assert again.counts[Status.SKIPPED] == 12 and again.processed == 0


# ---- a real scheduler and workers started by hand (CI: `dask scheduler` + `dask worker`) -----------

@pytest.mark.slow
def test_external_scheduler_from_env(tmp_path, corpus_reference):
    address = os.environ.get("MINUTEBOOK_TEST_DASK")
    if not address:
        msg = "MINUTEBOOK_TEST_DASK is not set (the address of a running `dask scheduler` with workers)"
        if os.environ.get("MINUTEBOOK_CI") == "1":
            pytest.fail(msg + "; .ci/run must start one")
        pytest.skip(msg)
    db = tmp_path / "external.db"
    report = run_batch([CORPUS], db=db, stages=STAGES, cluster=address)
    assert report.cluster.workers >= 1
    assert _archive_view(db) == corpus_reference


# ---- Ctrl-C on the cluster path ------------------------------------------------------------------

_PACE = """
import time
from pipeline.core.stage import stage

@stage("pace", requires=("meeting",))
def pace(state):
    time.sleep(0.2)
"""

_RUNNER = """
import sys
from pipeline.scale.batch import run_batch

if __name__ == "__main__":
    report = run_batch([sys.argv[1]], db=sys.argv[2], cluster="local:1", stages=["extract", "structure", "pace"],
                       vectors=False, plugins=["pacemod"])
    print(report.summary())
    sys.exit(report.exit_code)
"""


@pytest.mark.slow
def test_ctrl_c_on_the_cluster_saves_what_finished_and_exits_130(tmp_path):
    from test_batch import _check_db, _stored, _wait_for

    docs, db, script = tmp_path / "docs", tmp_path / "archive.db", tmp_path / "runner.py"
    _fast_docs(docs, 30)
    script.write_text(_RUNNER)
    (tmp_path / "pacemod.py").write_text(_PACE)  # importable on the workers too (PYTHONPATH)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)])}
    proc = subprocess.Popen([sys.executable, str(script), str(docs), str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    _wait_for(db, 3, proc, timeout=90)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 130, err[-2000:]
    assert "interrupted" in err and "run the same command again" in err
    assert 3 <= _stored(db) < 30
    proc = subprocess.Popen([sys.executable, str(script), str(docs), str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err[-2000:]
    _check_db(db, 30)


# ---- TLS: a scheduler that requires certificates, reached with --tls-ca/--tls-cert/--tls-key --------

def _write_certificates(folder: Path, security) -> tuple[Path, Path, Path]:
    """A ``Security.temporary()`` (self-signed, in memory) written out as the files a user would have."""
    folder.mkdir(parents=True, exist_ok=True)
    files = (folder / "ca.pem", folder / "client.pem", folder / "client-key.pem")
    for f, text in zip(files, (security.tls_ca_file, security.tls_client_cert, security.tls_client_key)):
        f.write_text(text, encoding="ascii")
    return files


@pytest.fixture(scope="module")
def tls_cluster():
    """A LocalCluster whose scheduler and worker speak TLS only and require a certificate of their CA."""
    pytest.importorskip("cryptography", reason="Security.temporary() needs cryptography (the test extra)")
    from distributed import LocalCluster
    from distributed.security import Security

    security = Security.temporary()
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
                      security=security) as cluster:
        yield cluster, security


def test_tls_cluster_tags_with_the_certificates_and_refuses_without(tmp_path, tls_cluster, monkeypatch):
    from distributed.security import Security
    from typer.testing import CliRunner

    import pipeline.scale.cluster as cluster_mod
    from pipeline.cli import app

    cluster, security = tls_cluster
    address = cluster.scheduler_address
    assert address.startswith("tls://")
    _fast_docs(tmp_path / "docs", 2)
    good = _write_certificates(tmp_path / "good", security)

    archive = FakeArchive()
    report = run_batch([tmp_path / "docs"], archive=archive, stages=FAST, vectors=False, cluster=address,
                       cluster_tls=good)
    assert report.cluster.workers == 1
    assert {n: d.status for n, d in archive.by_name().items()} == {"m00.txt": "SUCCESS", "m01.txt": "SUCCESS"}

    monkeypatch.setattr(cluster_mod, "_CONNECT_TIMEOUT", 3.0)
    stranger = _write_certificates(tmp_path / "stranger", Security.temporary())  # another CA's certificate
    for tls in (None, stranger):
        with pytest.raises(ClusterUnavailable) as e:
            run_batch([tmp_path / "docs"], archive=FakeArchive(), stages=FAST, vectors=False, cluster=address,
                      cluster_tls=tls)
        assert f"cannot reach the Dask scheduler at {address}" in e.value.one_line()

    runner = CliRunner()
    flags = ["--tls-ca", str(good[0]), "--tls-cert", str(good[1]), "--tls-key", str(good[2])]
    for args, says in ((["--cluster", "tcp://127.0.0.1:9", *flags], "need a tls:// scheduler address"),
                       (flags, "are for a Dask scheduler"),
                       (["--cluster", address, *flags[:4]], "needs all three of --tls-ca, --tls-cert and --tls-key"),
                       (["--cluster", address, *flags[:5], str(tmp_path / "missing.pem")], "no such certificate or key file")):
        result = runner.invoke(app, ["tag", str(tmp_path / "docs"), "--db", str(tmp_path / "a.db"), "-q", *args])
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and "[MB021]" in lines[0] and says in lines[0], result.output
