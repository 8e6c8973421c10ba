"""The door of the web application (cross-site posts, hosts, tokens, the upload queue, drafts that
junk uploads cannot push out) and a draft's way into the archive, through FastAPI's TestClient."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from helpers import wait_draft
from starlette.testclient import TestClient

from pipeline.archive.archive import Archive
from pipeline.core.errors import MinutebookError
from pipeline.web import WebConfig, create_app
from pipeline.web.drafts import DraftJobs, UploadRejected
from pipeline.web.security import host_name

BASE = "http://127.0.0.1:8000"
TXT = ("a.txt", b"Minutes of the meeting held on 1 May 2024\n\n1. Finance\n\nNothing.\n", "text/plain")


@pytest.fixture(scope="module")
def client(small_archive):
    with TestClient(create_app(WebConfig(db=small_archive, stages=("extract", "structure"))), base_url=BASE) as c:
        yield c


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example"},
    {"origin": "null"},  # a sandboxed iframe or a data: page on any site
    {},  # no Origin, no Referer (an old client, a program)
    {"origin": "null", "referer": "http://evil.example/page"},
    {"referer": "http://127.0.0.1:9999/other-port"},  # another server on this machine
    {"origin": "http://127.0.0.1:8000.evil.example"},
])
def test_cross_site_posts_are_refused(client, headers):
    r = client.post("/new", files={"file": TXT}, headers=headers, follow_redirects=False)
    assert r.status_code == 403, headers
    assert "not sent from a page of this server" in r.text


@pytest.mark.parametrize("headers", [
    {"origin": BASE},
    {"origin": "null", "referer": BASE + "/new"},
    {"referer": BASE + "/new"},
])
def test_same_origin_posts_are_accepted(client, headers):
    r = client.post("/new", files={"file": TXT}, headers=headers, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/drafts/")


def test_host_allow_list_is_checked_on_every_address(small_archive):
    cfg = WebConfig(db=small_archive, host="0.0.0.0", token="tok-tok-tok", allowed_hosts=["minutes.example.org"])
    assert "*" not in cfg.hosts()
    assert {"127.0.0.1", "localhost", "minutes.example.org"} <= set(cfg.hosts())
    app = create_app(cfg)
    auth = {"authorization": "Bearer tok-tok-tok"}
    with TestClient(app, base_url=BASE) as c:
        assert c.get("/", headers={**auth, "host": "evil.example"}).status_code == 400  # DNS rebinding
        assert c.get("/", headers={**auth, "host": "minutes.example.org"}).status_code == 200
        assert c.get("/", headers=auth).status_code == 200
        for ok in ("[::1]:8000", "LOCALHOST:8000", "127.0.0.1"):
            assert c.get("/", headers={**auth, "host": ok}).status_code == 200, ok
        for bad in ("[::2]:8000", "127.0.0.1.evil.example", "evil.example:8000", ""):
            r = c.get("/", headers={**auth, "host": bad})
            assert r.status_code == 400 and "does not answer to that host name" in r.text, bad
    bound = WebConfig(db=small_archive, host="192.168.5.7", token="tok-tok-tok")
    assert [host_name(h) for h in ("[::1]:80", "a.b:1", "A.B", "::1")] == ["[::1]", "a.b", "a.b", "::1"]
    assert "192.168.5.7" in bound.hosts() and "evil.example" not in bound.hosts()


def test_no_token_beyond_loopback_is_refused(small_archive):
    with pytest.raises(MinutebookError, match="needs an access token"):
        create_app(WebConfig(db=small_archive, host="0.0.0.0"))
    with pytest.raises(MinutebookError, match="--insecure-no-token"):
        create_app(WebConfig(db=small_archive, host="10.1.2.3"))
    create_app(WebConfig(db=small_archive, host="0.0.0.0", insecure_no_token=True))
    create_app(WebConfig(db=small_archive, host="127.0.0.1"))


def test_serve_beyond_loopback_without_token_exits_2_in_one_line(small_archive, monkeypatch):
    from typer.testing import CliRunner

    from pipeline.cli import app

    monkeypatch.delenv("MINUTEBOOK_TOKEN", raising=False)
    r = CliRunner().invoke(app, ["serve", "--db", str(small_archive), "--host", "0.0.0.0"])
    assert r.exit_code == 2
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "needs an access token" in lines[0] and "--insecure-no-token" in lines[0]


def test_token_cookie_is_lax_so_links_from_elsewhere_open(small_archive):
    with TestClient(create_app(WebConfig(db=small_archive, token="cookie-token-1")), base_url=BASE) as c:
        r = c.get("/actions?token=cookie-token-1", follow_redirects=False)
        assert "SameSite=Lax" in r.headers["set-cookie"]
        # a top-level link from another site (email, chat) carries a Lax cookie: the page opens
        r = c.get("/actions", headers={"referer": "https://mail.example/inbox", "sec-fetch-site": "cross-site"})
        assert r.status_code == 200
        # but a cross-site POST is still refused, cookie or not
        assert c.post("/new", files={"file": TXT}, headers={"origin": "null"}).status_code == 403


@pytest.mark.parametrize("path", ["/meetings/99999999999999999999999", "/meetings/0",
                                  "/documents/99999999999999999999999/original",
                                  "/meetings/99999999999999999999999/source?start=0&end=1"])
def test_ids_out_of_range_are_404(client, path):
    r = client.get(path)
    assert r.status_code == 404 and "Traceback" not in r.text


class _Gate:
    """A draft maker that waits until released (so uploads stay queued), then fails like a bad file."""

    def __init__(self) -> None:
        self.open = threading.Event()

    def __call__(self, path: Path, **_: object):
        self.open.wait(30)
        raise MinutebookError(path, "not minutes", "upload minutes")


def _wait_done(jobs: DraftJobs, job_ids: list[str]) -> None:
    deadline = time.monotonic() + 30
    while any((j := jobs.get(i)) is not None and j.waiting for i in job_ids):
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_upload_queue_is_bounded_by_count_client_and_bytes(tmp_path):
    gate = _Gate()
    jobs = DraftJobs(max_bytes=1000, max_pages=10, workdir=tmp_path, maker=gate, max_queue=5,
                     max_queue_per_client=2, max_queue_bytes=2500)
    try:
        a1 = jobs.submit("a.txt", b"x" * 100, client="1.1.1.1")
        a2 = jobs.submit("a.txt", b"x" * 100, client="1.1.1.1")
        with pytest.raises(UploadRejected, match="you already have 2 files waiting"):
            jobs.submit("a.txt", b"x" * 100, client="1.1.1.1")
        b1 = jobs.submit("b.txt", b"x" * 1000, client="2.2.2.2")
        assert jobs.position(b1) == 2 and jobs.position(a2) == 1 and jobs.position(a1) == 0
        jobs.submit("c.txt", b"x" * 1000, client="3.3.3.3")
        with pytest.raises(UploadRejected, match=r"already take 2 KB of the 2 KB"):
            jobs.submit("c.txt", b"x" * 1000, client="5.5.5.5")  # 2200 + 1000 > 2500 bytes
        jobs.submit("c.txt", b"x" * 10, client="5.5.5.5")
        with pytest.raises(UploadRejected, match="5 files are already waiting"):
            jobs.submit("d.txt", b"x", client="4.4.4.4")
        gate.open.set()
        _wait_done(jobs, [a1.id, a2.id, b1.id])
        assert jobs.submit("d.txt", b"x", client="4.4.4.4").status in ("queued", "running", "failed")
    finally:
        gate.open.set()
        jobs.close()


def test_the_queue_message_reaches_the_page(tmp_path):
    from web_helpers import build_small_archive

    # its own archive: drafts are kept in the archive, and a server reads again the drafts left queued
    app = create_app(WebConfig(db=build_small_archive(tmp_path), max_queue=1, max_queue_per_client=1))
    gate = _Gate()
    app.fastapi.state.jobs.maker = gate  # type: ignore[attr-defined]
    try:
        with TestClient(app, base_url=BASE, headers={"origin": BASE}) as c:
            first = c.post("/new", files={"file": TXT}, follow_redirects=False)
            assert first.status_code == 303
            r = c.post("/new", files={"file": TXT})
            assert r.status_code == 400 and "waiting for their draft" in r.text
            second_client_page = c.get(first.headers["location"]).text
            assert "Reading a.txt" in second_client_page
    finally:
        gate.open.set()


def test_junk_uploads_never_push_out_an_edited_draft(tmp_path):
    made = threading.Event()

    def fail(path: Path, **_: object):
        made.set()
        raise MinutebookError(path, "not minutes", "upload minutes")

    jobs = DraftJobs(max_bytes=1000, max_pages=10, workdir=tmp_path, maker=fail, max_jobs=5, max_queue=50,
                     max_queue_per_client=50)
    try:
        clerk = jobs.submit("minutes.txt", b"x", client="clerk")
        _wait_done(jobs, [clerk.id])
        clerk.kept = True  # what saving an edit does (draft_save)
        junk = []
        for _ in range(60):
            try:
                junk.append(jobs.submit("junk.txt", b"j", client="attacker").id)
            except UploadRejected:
                pass
            _wait_done(jobs, junk[-1:])
        assert jobs.get(clerk.id) is clerk
        assert sum(jobs.get(i) is not None for i in junk) == 5  # junk only pushes out junk (5: max_jobs)
        # edited drafts do not take the room of new uploads, and are never dropped for them
        kept = [i for i in junk if jobs.get(i) is not None]
        for i in kept:
            jobs.get(i).kept = True  # type: ignore[union-attr]
        for _ in range(10):
            more = jobs.submit("more.txt", b"m", client="attacker")
            _wait_done(jobs, [more.id])
        assert jobs.get(clerk.id) is clerk and all(jobs.get(i) is not None for i in kept)
        assert sum(not j.kept for j in jobs.all()) == 5
    finally:
        jobs.close()


def test_draft_is_added_to_the_archive_and_survives_a_restart(tmp_path):
    """Upload -> edit -> save to archive (the model-free stages): the meeting is stored with its
    original file under the archive's files folder, its edits searchable and its actions on the board;
    a new server on the same archive still has it."""
    from web_helpers import MINUTES_A, build_small_archive

    db = build_small_archive(tmp_path)
    upload = "riverside march.txt"
    config = WebConfig(db=db, stages=("extract", "structure"), upload_dir=tmp_path / "uploads")
    with TestClient(create_app(config), base_url=BASE, headers={"origin": BASE}) as c:
        r = c.post("/new", files={"file": (upload, MINUTES_A.replace("Water supply", "Canal towpath").encode(),
                                           "text/plain")}, follow_redirects=False)
        location = r.headers["location"]
        page = wait_draft(c, location)
        assert 'id="draft-title"' in page and 'id="add-to-archive"' in page
        r = c.post(location, data={"do": "archive", "title": "Riverside committee, March (corrected)", "date": "2024-03-14",
                                   "action-new-owner": "Cara Diaz", "action-new-task": "write to the canal trust",
                                   "action-new-due": "2024-05-01", "decision-new": "to fence the towpath plots"},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
        meeting_url = r.headers["location"]
        mid = int(meeting_url.rsplit("/", 1)[1])
        m_page = c.get(meeting_url).text
        assert "Riverside committee, March (corrected)" in m_page and "write to the canal trust" in m_page
        assert "to fence the towpath plots" in m_page
        assert c.get(location).text.count(f'href="/meetings/{mid}"') >= 1  # the draft links to its meeting
        listed = c.get("/new").text  # the drafts on this server, with their state
        assert f'<a href="{location}">{upload}</a>' in listed and f'<a href="/meetings/{mid}">in the archive</a>' in listed
        assert "<title>New minutes · minutebook</title>" in listed and listed.count('id="drafts"') == 1
    files = tmp_path / "files"
    stored = list(files.iterdir())
    assert len(stored) == 1 and stored[0].name.endswith("riverside_march.txt")
    assert stored[0].read_text(encoding="utf-8").startswith("RIVERSIDE ALLOTMENT SOCIETY")
    with Archive.open(db, readonly=True) as a:
        m = a.meeting(mid)
        assert m is not None and m.file == str(stored[0])
        assert m.meeting_date == "2024-03-14" and m.title == "Riverside committee, March (corrected)"
        assert all(x.provenance.file == str(stored[0]) for x in m.actions + m.decisions)
        assert a.meeting_document(mid).path == str(stored[0])
    # a restarted server: searchable, on the board, the original file served
    with TestClient(create_app(WebConfig(db=db)), base_url=BASE) as c:
        hits = c.get("/search", params={"q": "towpath"}).text
        assert f'href="/meetings/{mid}"' in hits
        board = c.get("/actions", params={"state": "all", "owner": "Cara Diaz"}).text
        assert "write to the canal trust" in board
        with Archive.open(db, readonly=True) as a:
            doc = a.meeting_document(mid)
        assert doc is not None
        assert c.get(f"/documents/{doc.id}/original").content.startswith(b"RIVERSIDE ALLOTMENT SOCIETY")
        # the machine's own items keep their source links
        m_page = c.get(f"/meetings/{mid}").text
        assert f"/meetings/{mid}/source?start=" in m_page
    shutil.rmtree(tmp_path / "uploads", ignore_errors=True)


def test_added_items_have_no_source_link_and_removed_ones_are_gone(tmp_path):
    from web_helpers import MINUTES_A

    from pipeline.api import analyse
    from pipeline.core.record import Action, Provenance
    from pipeline.draft.build import build_draft
    from pipeline.web.drafts import Made, _origins, apply_edits, edited_meeting
    from pipeline.web.sources import provenance_args

    p = tmp_path / "m.txt"
    p.write_text(MINUTES_A, encoding="utf-8")
    m = analyse(p, stages=["extract", "structure"])
    m.actions = [Action(owner=["Bob Stone"], task="repair the leaking tap", provenance=Provenance(file=str(p), start=5, end=20)),
                 Action(owner=["Ann Lee"], task="order compost", provenance=Provenance(file=str(p), start=30, end=40))]

    class R:
        meeting, more_meetings = m, []

    made = Made(draft=build_draft(m), result=R(), index=0)
    origins = _origins(made)
    d = apply_edits(made.draft, {"action-0-task": "", "action-1-task": "order compost (20 bags)", "action-1-owner": "Ann Lee",
                                 "action-1-due": "", "action-new-task": "call the council", "action-new-owner": "Dev Patel",
                                 "action-new-due": ""}, origins)
    assert origins["actions"] == [1, None]
    out = edited_meeting(m, d, origins, "/kept/m.txt")
    assert [a.task for a in out.actions] == ["order compost (20 bags)", "call the council"]
    assert out.actions[0].provenance.start == 30 and out.actions[0].provenance.file == "/kept/m.txt"
    assert out.actions[1].provenance.end == 0
    assert provenance_args(out.actions[1].provenance) == {} and provenance_args(out.actions[0].provenance)


def test_the_meeting_date_can_be_corrected_in_a_draft(tmp_path):
    from web_helpers import MINUTES_A

    from pipeline.api import analyse
    from pipeline.draft.build import build_draft
    from pipeline.web.drafts import apply_edits

    p = tmp_path / "m.txt"
    p.write_text(MINUTES_A, encoding="utf-8")
    d = build_draft(analyse(p, stages=["extract", "structure"]))
    assert d.date == "2024-03-12"
    fixed = apply_edits(d, {"date": "2024-03-19"})
    assert fixed.date == "2024-03-19" and fixed.date_display == "Tuesday 19 March 2024"
    for bad in ("2024-02-30", "next Tuesday", ""):
        assert apply_edits(d, {"date": bad}).date == "2024-03-12"


def test_a_queued_draft_says_queued_and_its_time_leaves_out_the_wait(tmp_path):
    from web_helpers import build_small_archive

    app = create_app(WebConfig(db=build_small_archive(tmp_path), max_queue=3, max_queue_per_client=3,
                               upload_dir=tmp_path / "uploads"))
    gate = _Gate()
    jobs = app.fastapi.state.jobs  # type: ignore[attr-defined]
    jobs.maker = gate
    try:
        with TestClient(app, base_url=BASE, headers={"origin": BASE}) as c:
            first = c.post("/new", files={"file": TXT}, follow_redirects=False).headers["location"]
            second = c.post("/new", files={"file": ("b.txt", TXT[1], "text/plain")}, follow_redirects=False)
            deadline = time.monotonic() + 30
            while jobs.get(first.rsplit("/", 1)[1]).status != "running":
                assert time.monotonic() < deadline
                time.sleep(0.01)
            page = c.get(second.headers["location"]).text
            assert "<strong>Queued</strong>: 1 file ahead of this one" in page
            assert "The draft is being made" in c.get(first).text
            listed = c.get("/new").text
            assert 'class="state-queued">queued' in listed and 'class="state-queued">being read' in listed
            job = jobs.get(second.headers["location"].rsplit("/", 1)[1])
            time.sleep(1.1)
            gate.open.set()
            _wait_done(jobs, [job.id])
            # the time it took counts from the start of the reading, not from the upload
            assert job.started - job.created >= 1 and job.seconds < job.started - job.created + 1
    finally:
        gate.open.set()


def test_office_formats_are_accepted_and_max_words_reaches_the_reader(tmp_path):
    from web_helpers import build_small_archive

    seen: list[dict] = []

    def maker(path: Path, **kwargs: object):
        seen.append({"suffix": path.suffix, **kwargs})
        raise MinutebookError(path, "not minutes", "upload minutes")

    app = create_app(WebConfig(db=build_small_archive(tmp_path), upload_dir=tmp_path / "uploads", max_words=1234))
    app.fastapi.state.jobs.maker = maker  # type: ignore[attr-defined]
    with TestClient(app, base_url=BASE, headers={"origin": BASE}) as c:
        page = c.get("/new").text
        assert ".doc" in page and ".odt" in page and ".rtf" in page  # the form's accept list
        for name in ("minutes.doc", "minutes.odt", "minutes.rtf"):
            r = c.post("/new", files={"file": (name, b"{\\rtf1 x}", "application/octet-stream")},
                       follow_redirects=False)
            assert r.status_code == 303, (name, r.text)
            _wait_done(app.fastapi.state.jobs, [r.headers["location"].rsplit("/", 1)[1]])  # type: ignore[attr-defined]
    assert [s["suffix"] for s in seen] == [".doc", ".odt", ".rtf"] and all(s["max_words"] == 1234 for s in seen)


def test_serve_has_max_words():
    from typer.testing import CliRunner

    from pipeline.cli import app as cli

    r = CliRunner().invoke(cli, ["serve", "--help"], env={"COLUMNS": "200"})
    assert "--max-words" in r.output


def test_a_draft_this_version_cannot_read_does_not_stop_the_server(tmp_path):
    from web_helpers import build_small_archive

    from pipeline.archive.types import DraftRecord

    db = build_small_archive(tmp_path)
    with Archive.open(db) as a:
        a.save_draft(DraftRecord(id="h" * 24, filename="old minutes.txt", uploaded_at=1.0, state="edited",
                                 draft_json='{"title": 1}', corrected_json="{}"))
    with TestClient(create_app(WebConfig(db=db, upload_dir=tmp_path / "uploads")), base_url=BASE) as c:
        assert "old minutes.txt" in c.get("/new").text
        assert "another version of minutebook" in c.get("/drafts/" + "h" * 24).text
    with Archive.open(db, readonly=True) as a:
        assert [d.corrected_json for d in a.drafts()] == ["{}"]  # the row is kept


def test_serve_upgrades_an_archive_from_before_the_drafts_table(tmp_path):
    from pipeline.archive.schema import MIGRATIONS as ALL

    class Old(Archive):
        MIGRATIONS = ALL[:4]

    db = tmp_path / "old.db"
    Old.open(db).close()
    with TestClient(create_app(WebConfig(db=db, upload_dir=tmp_path / "uploads")), base_url=BASE) as c:
        assert c.get("/new").status_code == 200
    with Archive.open(db, readonly=True) as a:
        assert "0005_drafts" in a.applied_migrations()
    with pytest.raises(MinutebookError, match="no archive here"):  # a missing archive is still an error, not created
        create_app(WebConfig(db=tmp_path / "missing.db"))
    assert not (tmp_path / "missing.db").exists()
