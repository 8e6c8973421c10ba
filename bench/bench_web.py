"""Web benchmark: response times of ``minutebook serve``'s pages over the 10,000-meeting archive.

    python bench/bench_web.py [--db PATH] [--meetings 10000] [--requests 60] [--json]

1. The archive. ``--db`` names the archive of bench/bench_archive.py (10,000 replicated meetings made
   from real pipeline records of generated minutes). When the file does not exist it is built by
   running ``bench/bench_archive.py --meetings N --db PATH --skip-throughput`` (about 15-20 minutes
   on two shared cores); an existing file is reused as it is.
2. The server. ``minutebook serve --db PATH --port P`` runs in its own process (uvicorn, one worker,
   exactly as a user starts it); requests go over loopback HTTP/1.1 on one keep-alive connection,
   one at a time. A request's time is from sending it to having read the whole body.
3. Pages. Varied requests per class (values drawn with a fixed seed from the archive itself):
   search by a rare word, by a common word, by theme alone, by theme + words, by person, by person
   + words, by part of a name (a surname) + words, by date range + words, by document type + words;
   the list of meetings (pages, a year, oldest first); the meeting page; the source passage
   of a meeting's action (the stored files of a replicated archive do not exist, so this measures
   the fallback to the record's kept text; a live file adds one extraction per cache miss); the
   actions board (open, overdue, done, all; pages 1-3; by owner); the people index; the person
   page; theme trends by year, quarter and month. Each class is warmed with 3 untimed requests (the
   first, cold request of each class is reported separately). Median and p95 in ms; the target is
   a median under 200 ms for every page.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGET_MS = 200.0


def _log(msg: str) -> None:
    print(f"[bench-web] {msg}", file=sys.stderr, flush=True)


def _pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(q * (len(s) - 1)))))
    return s[k]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_archive(db: Path, meetings: int) -> dict:
    if db.exists():
        return {"built": False}
    _log(f"building a {meetings}-meeting archive with bench/bench_archive.py (this takes a while)")
    t = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "bench" / "bench_archive.py"), "--meetings", str(meetings),
                    "--db", str(db), "--skip-throughput", "--queries", "1"], check=True,
                   stdout=subprocess.DEVNULL)
    return {"built": True, "build_s": round(time.perf_counter() - t, 1)}


def sample_requests(db: Path, n: int, seed: int) -> dict[str, list[str]]:
    """Per class, ``n`` request paths with values drawn from the archive."""
    import sqlite3

    from pipeline.archive.archive import Archive

    rnd = random.Random(seed)
    with Archive.open(db, readonly=True) as a:
        labels = [lab for lab, _ in a.theme_labels()]
        formats = [f for f, _ in a.formats()]
        people = [p.name for p in a.person_index(limit=400)]
        owners = sorted({o for r in a.action_board(state="all", limit=400).rows for o in r.owner_resolved or r.owner})
        c = a.counts()
    con = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    meeting_ids = [r[0] for r in con.execute("SELECT id FROM meetings")]
    # words: common ones from headings, rare ones seen in few sections (via the FTS vocabulary when there)
    headings = [r[0] for r in con.execute("SELECT heading FROM sections ORDER BY random() LIMIT 2000")]
    common = sorted({w for h in headings for w in h.split() if w.isalpha() and len(w) > 4})
    # rare words: capitalised words of random sections' text found in 1 to 3 sections
    rare: list[str] = []
    texts = [r[0] for r in con.execute("SELECT text FROM sections ORDER BY random() LIMIT 400")]
    candidates = sorted({w for t in texts for w in (t or "").split() if w.isalpha() and w[:1].isupper() and len(w) > 5})
    rnd.shuffle(candidates)
    for w in candidates:
        hits = con.execute("SELECT count(*) FROM (SELECT 1 FROM sections_fts WHERE sections_fts MATCH ? LIMIT 4)",
                           ('"' + w + '"',)).fetchone()[0]
        if 1 <= hits <= 3:
            rare.append(w)
        if len(rare) >= n:
            break
    rare = rare or common
    actions = [(r[0], r[1], r[2]) for r in con.execute(
        "SELECT meeting_id, char_start, char_end FROM actions WHERE char_start IS NOT NULL ORDER BY random() LIMIT ?",
        (n,))]
    years = [r[0] for r in con.execute("SELECT DISTINCT year FROM meetings WHERE year IS NOT NULL")]
    con.close()

    def pick(xs):
        return rnd.choice(xs)

    def q(path: str, **kw) -> str:
        return path + "?" + urlencode(kw)

    def span(y: int) -> dict:
        return {"since": f"{y}-01", "until": f"{y}-06"}

    out: dict[str, list[str]] = {
        "search rare word": [q("/search", q=pick(rare)) for _ in range(n)],
        "search common word": [q("/search", q=pick(common)) for _ in range(n)],
        "search theme": [q("/search", theme=pick(labels)) for _ in range(n)],
        "search theme + words": [q("/search", q=pick(common), theme=pick(labels)) for _ in range(n)],
        "search person": [q("/search", person=pick(people)) for _ in range(n)],
        "search person + words": [q("/search", q=pick(common), person=pick(people)) for _ in range(n)],
        "search part of a name": [q("/search", q=pick(common), person=pick(people).split()[-1]) for _ in range(n)],
        "search dates + words": [q("/search", q=pick(common), **span(pick(years))) for _ in range(n)],
        "search type + words": [q("/search", q=pick(common), type=pick(formats)) for _ in range(n)],
        "meetings list": [q("/meetings", page=pick([1, 2, 3, 50]), **pick([{}, {"year": pick(years)},
                                                                        {"sort": "oldest"}]))
                          for _ in range(n)],
        "meeting": [f"/meetings/{pick(meeting_ids)}" for _ in range(n)],
        "source passage": [q(f"/meetings/{m}/source", start=s, end=e) for m, s, e in actions],
        "actions board": [q("/actions", state=pick(["open", "overdue", "done", "all"]), page=pick([1, 2, 3]))
                          for _ in range(n)],
        "actions by owner": [q("/actions", state=pick(["open", "all"]), owner=pick(owners or people))
                             for _ in range(n)],
        "people index": [q("/people", q=pick(people).split()[-1][:4]) if i % 2 else "/people" for i in range(n)],
        "person": [q("/person", name=pick(people)) for _ in range(n)],
        "trends": [q("/themes", by=pick(["year", "quarter", "month"])) for _ in range(n)],
    }
    out["_info"] = [f"meetings={c.meetings}", f"sections={c.sections}", f"actions={c.actions}",
                    f"people entries={c.people}"]
    return out


def timed_get(conn: http.client.HTTPConnection, path: str) -> tuple[float, int, int]:
    t = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    return (time.perf_counter() - t) * 1000.0, r.status, len(body)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--db", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "mbbench" / "archive.db",
                    help="the benchmark archive (built by bench/bench_archive.py when missing)")
    ap.add_argument("--meetings", type=int, default=10_000, help="meetings when the archive has to be built")
    ap.add_argument("--requests", type=int, default=60, help="timed requests per page class")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    built = ensure_archive(args.db, args.meetings)
    reqs = sample_requests(args.db, args.requests, args.seed)
    info = reqs.pop("_info")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    env.pop("MINUTEBOOK_TOKEN", None)
    t0 = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--db", str(args.db), "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    results = []
    try:
        conn = None
        deadline = time.monotonic() + 60
        while conn is None:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                c.request("GET", "/static/style.css")
                c.getresponse().read()
                conn = c
            except OSError as e:
                if time.monotonic() > deadline or server.poll() is not None:
                    server.kill()
                    err = server.communicate()[1].decode("utf-8", "replace")
                    raise SystemExit(f"the server did not start: {err}") from e
                time.sleep(0.1)
        startup_s = time.perf_counter() - t0
        _log(f"server up in {startup_s:.1f} s; {', '.join(info)}")
        for name, paths in reqs.items():
            if not paths:
                continue
            cold, status, _ = timed_get(conn, paths[0])
            for p in paths[1:4]:
                timed_get(conn, p)
            times, sizes, bad = [], [], []
            for p in paths:
                ms, status, size = timed_get(conn, p)
                if status != 200:
                    bad.append((status, p))
                times.append(ms)
                sizes.append(size)
            row = {"page": name, "n": len(times), "median_ms": round(statistics.median(times), 1),
                   "p95_ms": round(_pct(times, 0.95), 1), "max_ms": round(max(times), 1),
                   "cold_ms": round(cold, 1), "kb": round(statistics.median(sizes) / 1024, 1),
                   "non_200": len(bad), "meets_target": statistics.median(times) < TARGET_MS}
            if bad:
                row["example_non_200"] = bad[0]
            results.append(row)
            _log(f"{name:<24} median {row['median_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  cold {row['cold_ms']:7.1f}")
        conn.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()

    out = {"config": {"db": str(args.db), "archive": info, "cpus": os.cpu_count(), "requests_per_class": args.requests,
                      "seed": args.seed, **built}, "server_startup_s": round(startup_s, 2), "pages": results,
           "all_meet_target": all(r["meets_target"] for r in results)}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"minutebook web benchmark: {', '.join(info)}; {os.cpu_count()} CPUs; server start-up {startup_s:.1f} s")
    print(f"{'page':<24} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'cold ms':>8} {'KB':>6}  <{TARGET_MS:.0f} ms")
    for r in results:
        print(f"{r['page']:<24} {r['n']:>4} {r['median_ms']:>10.1f} {r['p95_ms']:>8.1f} {r['max_ms']:>8.1f} "
              f"{r['cold_ms']:>8.1f} {r['kb']:>6.1f}  {'yes' if r['meets_target'] else 'NO'}"
              + (f"  ({r['non_200']} non-200)" if r["non_200"] else ""))


if __name__ == "__main__":
    main()
