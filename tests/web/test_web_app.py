"""The web application through FastAPI's TestClient (no browser, no models): pages, facets,
provenance passages, safety (escaping, token, hosts, paths, sizes, types, errors)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pipeline.archive.archive import Archive
from pipeline.web import WebConfig, create_app
from pipeline.web.app import marked
from pipeline.web.drafts import DraftJobs, apply_edits

BASE = "http://127.0.0.1:8000"
SAME_ORIGIN = {"origin": BASE}  # what a browser sends with this server's own forms


@pytest.fixture(scope="module")
def client(small_archive) -> TestClient:
    with TestClient(create_app(WebConfig(db=small_archive)), base_url=BASE, headers=SAME_ORIGIN) as c:
        yield c


def ids(archive_path: Path) -> dict[str, int]:
    with Archive.open(archive_path, readonly=True) as a:
        docs = a.documents()
    return {Path(d.path).name: d.meeting_id for d in docs} | {"doc:" + Path(d.path).name: d.id for d in docs}


def test_every_page_answers_with_security_headers(client):
    for path in ["/", "/search?q=tap", "/actions", "/actions?state=done", "/people", "/themes", "/themes?by=month",
                 "/new", "/meetings/1", "/person?name=Bob+Stone", "/static/style.css"]:
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "script-src" not in csp and "default-src 'none'" in csp, csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"


def test_search_by_words_highlights_and_links_to_the_passage(client, small_archive):
    r = client.get("/search", params={"q": "leaking tap"})
    assert "<mark>leaking</mark>" in r.text and "<mark>tap</mark>" in r.text
    mid = ids(small_archive)["riverside-2024-03-12.txt"]
    assert f'href="/meetings/{mid}"' in r.text
    src = re.search(rf'href="(/meetings/{mid}/source\?start=\d+&amp;end=\d+&amp;q=leaking\+tap#hl)"', r.text)
    assert src, "each hit links to its passage"


def test_search_facets_theme_person_dates_and_type(client):
    finance = client.get("/search", params={"theme": "finance"}).text
    assert finance.count('class="hit"') == 2 and "Finance" in finance
    water = client.get("/search", params={"theme": "facilities_property", "since": "2024-04"}).text
    assert water.count('class="hit"') == 1 and "9 April 2024" not in water  # dates show as ISO
    assert "2024-04-09" in water
    # "subscriptions" names the finance theme (its description lists subscriptions): the section holding the word
    # comes first, the other finance section follows; the line saying so links to the words-only search
    dev = client.get("/search", params={"person": "Dev Patel", "q": "subscriptions"}).text
    assert dev.count('class="hit"') == 2 and dev.index("<mark>Subscriptions</mark>") < dev.index("treasurer reported")
    assert 'id="theme-boost"' in dev and "boost=0" in dev
    plain = client.get("/search", params={"person": "Dev Patel", "q": "subscriptions", "boost": "0"}).text
    assert plain.count('class="hit"') == 1 and 'id="theme-boost"' not in plain
    assert client.get("/search", params={"type": "pdf", "q": "tap"}).text.count('class="hit"') == 0
    assert client.get("/search", params={"type": "text", "q": "tap"}).text.count('class="hit"') >= 1
    bad = client.get("/search", params={"q": "tap", "since": "March"})
    assert bad.status_code == 200 and "is not a date" in bad.text


@pytest.mark.parametrize("q", ['"', "NOT", "a\"b", "(x", "🙂", "'; DROP TABLE x;--", "<script>alert(1)</script>"])
def test_search_is_safe_for_any_text(client, q):
    r = client.get("/search", params={"q": q})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text


def test_document_text_is_escaped_everywhere(client, small_archive):
    mid = ids(small_archive)["riverside-2024-04-09.txt"]
    for path in [f"/meetings/{mid}", "/search?q=banner+fund"]:
        r = client.get(path)
        assert "<script>" not in r.text, path
    r = client.get("/search", params={"q": "banner fund"})
    assert "&lt;script&gt;" in r.text


def test_meeting_page_links_every_item_to_its_passage(client, small_archive):
    mid = ids(small_archive)["riverside-2024-03-12.txt"]
    r = client.get(f"/meetings/{mid}")
    assert r.status_code == 200
    text = r.text
    for part in ("Attendance", "Decisions", "Actions", "Discussion by theme", "repair the leaking tap",
                 "to buy a new shed for the tools", 'href="/person?name=Ann+Lee"'):
        assert part in text, part
    links = re.findall(rf'href="(/meetings/{mid}/source\?start=(\d+)&amp;end=(\d+)#hl)"', text)
    assert len(links) >= 5
    doc_id = ids(small_archive)["doc:riverside-2024-03-12.txt"]
    assert f'href="/documents/{doc_id}/original"' in text


def test_passage_is_marked_in_the_reextracted_source(client, small_archive):
    mid = ids(small_archive)["riverside-2024-03-12.txt"]
    with Archive.open(small_archive, readonly=True) as a:
        act = a.meeting(mid).actions[0]
    page = client.get(f"/meetings/{mid}").text
    href = f"/meetings/{mid}/source?start={act.provenance.start}&amp;end={act.provenance.end}#hl"
    assert href in page
    r = client.get(href.replace("&amp;", "&"))
    assert '<mark id="hl">Bob Stone will repair the leaking tap by 30 April 2024.</mark>' in r.text
    assert "RIVERSIDE ALLOTMENT SOCIETY" in r.text  # the whole short document, the span marked


def test_passage_falls_back_to_the_kept_text_when_the_file_changed(tmp_path):
    from web_helpers import build_small_archive

    db = build_small_archive(tmp_path)
    mid = ids(db)["riverside-2024-03-12.txt"]
    with Archive.open(db, readonly=True) as a:
        act = a.meeting(mid).actions[0]
    (tmp_path / "riverside-2024-03-12.txt").write_text("something else entirely", encoding="utf-8")
    with TestClient(create_app(WebConfig(db=db)), base_url=BASE) as c:
        r = c.get(f"/meetings/{mid}/source", params={"start": act.provenance.start, "end": act.provenance.end})
        assert r.status_code == 200
        assert "has changed since it was tagged" in r.text
        assert '<mark id="hl">Bob Stone will repair the leaking tap by 30 April 2024.</mark>' in r.text
        doc_id = ids(db)["doc:riverside-2024-03-12.txt"]
        assert c.get(f"/documents/{doc_id}/original").status_code == 404


def test_original_file_by_document_id_only(client, small_archive):
    doc_id = ids(small_archive)["doc:riverside-2024-03-12.txt"]
    r = client.get(f"/documents/{doc_id}/original")
    assert r.status_code == 200 and r.content.startswith(b"RIVERSIDE ALLOTMENT SOCIETY")
    assert r.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in r.headers["content-security-policy"]


@pytest.mark.parametrize("path", [
    "/documents/999/original", "/meetings/999", "/meetings/999/source?start=1&end=2",
    "/meetings/..%2F..%2Fetc%2Fpasswd", "/documents/..%2F..%2Fetc%2Fpasswd/original",
    "/static/..%2F..%2F..%2Fetc%2Fpasswd", "/static/../app.py", "/%2e%2e/%2e%2e/etc/passwd",
    "/documents/1/original/..%2F..%2Fetc%2Fpasswd", "/drafts/..%2F..%2Fetc%2Fpasswd", "/meetings/1e3",
    "/person?name=..%2F..%2Fetc%2Fpasswd",
])
def test_paths_never_reach_the_file_system(client, path):
    r = client.get(path)
    assert r.status_code == 404, (path, r.status_code)
    assert "root:" not in r.text and "Traceback" not in r.text


def test_actions_board_states_and_owner(client):
    open_ = client.get("/actions", params={"state": "open"}).text
    done = client.get("/actions", params={"state": "done"}).text
    assert "repair the leaking tap" in done  # closed by the later meeting
    assert "repair the leaking tap" not in open_
    assert re.search(r"Done <span>2</span>", done)
    bob = client.get("/actions", params={"state": "all", "owner": "Bob Stone"}).text
    assert bob.count("repair the leaking tap") == 2
    assert "No actions here" in client.get("/actions", params={"owner": "Nobody Atall"}).text


def test_person_page(client):
    r = client.get("/person", params={"name": "Ann Lee"})
    assert r.status_code == 200
    assert "Attendance record" in r.text and r.text.count('href="/meetings/') >= 2
    assert "chair" in r.text
    assert client.get("/people", params={"q": "stone"}).text.count("Bob Stone") >= 1


def test_themes_chart_is_inline_svg(client):
    r = client.get("/themes", params={"by": "month"})
    assert "<svg" in r.text and "<polyline" in r.text and "2024-03" in r.text and "Finance" in r.text
    assert "style=" not in r.text  # colours come from the stylesheet (CSP has no inline styles)


def test_token_is_required_on_every_request(small_archive):
    app = create_app(WebConfig(db=small_archive, token="s3cret-token"))
    with TestClient(app, base_url=BASE) as c:
        for path in ["/", "/meetings/1", "/documents/1/original", "/actions"]:
            r = c.get(path)
            assert r.status_code == 401, path
            assert "access token" in r.text.lower()
            assert '<link rel="stylesheet" href="/static/style.css">' in r.text
        # the 401 page is styled: the stylesheet (nothing of the archive) needs no token
        assert c.get("/static/style.css").status_code == 200
        assert c.get("/", headers={"authorization": "Bearer wrong-token"}).status_code == 401
        assert c.get("/", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
        assert c.get("/", headers={"x-minutebook-token": "s3cret-token"}).status_code == 200
        assert c.get("/?token=nope-nope", follow_redirects=False).status_code == 401
        r = c.get("/search?q=tap&token=s3cret-token", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/search?q=tap"
        assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=Lax" in r.headers["set-cookie"]
        assert c.get("/search?q=tap").status_code == 200  # the cookie now


def test_bad_token_and_missing_archive_are_one_line_errors(tmp_path, small_archive):
    from pipeline.core.errors import MinutebookError

    with pytest.raises(MinutebookError, match="access token"):
        create_app(WebConfig(db=small_archive, token="short"))
    with pytest.raises(MinutebookError, match="no archive here"):
        create_app(WebConfig(db=tmp_path / "none.db"))


def test_other_hosts_and_cross_site_posts_are_refused(client):
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
    r = client.post("/new", files={"file": ("a.txt", b"x")}, headers={"origin": "http://evil.example"})
    assert r.status_code == 403


def test_upload_type_and_size_limits(small_archive):
    app = create_app(WebConfig(db=small_archive, max_upload_bytes=1024 * 1024))
    with TestClient(app, base_url=BASE, headers=SAME_ORIGIN) as c:
        r = c.post("/new", files={"file": ("minutes.exe", b"MZ\x90\x00", "application/octet-stream")})
        assert r.status_code == 400 and "files are not read" in r.text
        r = c.post("/new", files={"file": ("empty.txt", b"", "text/plain")})
        assert r.status_code == 400 and "empty" in r.text
        r = c.post("/new", files={"file": ("big.txt", b"a" * (3 * 1024 * 1024), "text/plain")})
        assert r.status_code == 413 and "limited to 1 MB" in r.text
        r = c.post("/new", files={"file": ("big.txt", b"a" * (1024 * 1024 + 10), "text/plain")})
        assert r.status_code == 413 and "over the 1 MB limit" in r.text


def test_unexpected_errors_show_no_traceback(small_archive, monkeypatch):
    app = create_app(WebConfig(db=small_archive))
    monkeypatch.setattr(Archive, "action_board", lambda *a, **k: 1 / 0)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        r = c.get("/actions")
    assert r.status_code == 500
    assert "Traceback" not in r.text and "ZeroDivisionError" not in r.text and "server&#39;s log" in r.text


def test_marked_snippet_escapes_and_balances():
    assert marked("a \ue000<b>\ue001 c") == "a <mark>&lt;b&gt;</mark> c"
    assert marked("\ue000open") == "<mark>open</mark>"
    assert marked("x\ue001y") == "xy"


def test_draft_edits_reach_markdown_and_word(tmp_path):
    """The edit form's fields become the downloaded draft (the draft made by the model-free stages)."""
    from web_helpers import MINUTES_A

    from pipeline.api import analyse
    from pipeline.draft.build import build_draft
    from pipeline.draft.docx import render_docx
    from pipeline.draft.markdown import render_markdown

    p = tmp_path / "m.txt"
    p.write_text(MINUTES_A, encoding="utf-8")
    d = build_draft(analyse(p, stages=["extract", "structure"]))
    edited = apply_edits(d, {"title": "Riverside committee, March", "present": "Ann Lee\nBob Stone\n",
                             "decision-new": "to plant <b>tulips</b>", "action-new-owner": "Cara Diaz, Dev Patel",
                             "action-new-task": "write to the council", "action-new-due": "2024-05-01"})
    md = render_markdown(edited)
    assert md.startswith("# Riverside committee, March")
    assert r"to plant \<b\>tulips\</b\>" in md and "&lt;" not in md  # read as written, never live HTML
    assert "| Cara Diaz, Dev Patel | write to the council | 2024-05-01 |" in md
    out = render_docx(edited, tmp_path / "d.docx")
    import docx

    body = "\n".join(par.text for par in docx.Document(str(out)).paragraphs)
    assert "Riverside committee, March" in body and "to plant <b>tulips</b>" in body
    again = apply_edits(edited, {"action-0-task": "", "action-0-owner": "x", "action-0-due": ""})
    assert len(again.actions) == len(edited.actions) - 1


def test_draft_job_store_rejects_odd_ids(tmp_path):
    jobs = DraftJobs(max_bytes=1000, max_pages=10, workdir=tmp_path)
    try:
        for bad in ["../../etc/passwd", "", "a" * 200, "abc def"]:
            assert jobs.get(bad) is None
    finally:
        jobs.close()


def test_cached_aggregates_follow_new_writes(tmp_path):
    """Facets, counts and trends are cached until the archive changes, then recomputed."""
    from web_helpers import build_small_archive

    from pipeline.archive.types import TaggedDocument
    from pipeline.core.record import SectionThemes, ThemeLabel

    db = build_small_archive(tmp_path)
    with TestClient(create_app(WebConfig(db=db)), base_url=BASE) as c:
        assert "Events" not in c.get("/themes").text
        assert '<option value="events"' not in c.get("/").text
        with Archive.open(db, readonly=True) as r:
            m = r.meeting(1)
        m.theme_detail = [SectionThemes(section=m.section_tree[0].heading, section_index=0,
                                        labels=[ThemeLabel(label="events", score=0.9)])]
        with Archive.open(db) as a:
            a.write(TaggedDocument(path=str(tmp_path / "third.txt"), content_hash="f" * 64, format="text", meeting=m))
        assert "Events" in c.get("/themes").text
        assert '<option value="events"' in c.get("/").text


def test_an_unreadable_upload_gets_its_one_line_error(small_archive):
    """A file the readers refuse fails before any model loads; the page says why, in one line."""
    import time

    with TestClient(create_app(WebConfig(db=small_archive)), base_url=BASE, headers=SAME_ORIGIN) as c:
        r = c.post("/new", files={"file": ("minutes.pdf", b"just some text, not a PDF at all", "application/pdf")},
                   follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/drafts/")
        deadline = time.monotonic() + 60
        while "Reading minutes.pdf" in (page := c.get(r.headers["location"]).text):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert "No draft for minutes.pdf" in page
        assert "the extension says PDF but the content is TEXT [MB003]" in page
        assert "Traceback" not in page


SNIPPET = re.compile(r'(?<=<p class="snippet">)(.*?)(?=</p>)')
PG_PAGES = ["/", "/search?q=leaking+tap", "/search?q=tap&type=text", "/search?q=tap&type=pdf",
            "/search?type=text&theme=finance", "/search?person=Dev+Patel&q=subscriptions",
            "/meetings/{a}", "/meetings/{b}", "/actions", "/actions?state=done", "/actions?state=all&owner=Bob+Stone",
            "/actions?state=overdue", "/people", "/people?q=stone", "/person?name=Ann+Lee", "/person?name=Bob+Stone",
            "/themes", "/themes?by=month", "/themes?by=quarter", "/meetings", "/meetings?year=2024&sort=oldest",
            "/meetings?type=text&title=riverside"]


def test_a_postgres_archive_serves_the_same_pages(tmp_path, pg_archive_url):
    """The same two minutes in SQLite and in PostgreSQL: every page answers 200 with the same HTML
    (search with a doc-type facet, meetings, actions, people, person, themes)."""
    from web_helpers import build_small_archive

    sqlite_db = build_small_archive(tmp_path)
    build_small_archive(tmp_path, db=pg_archive_url)  # the same files, so the same paths and ids
    pages = {}
    for name, db in (("sqlite", sqlite_db), ("postgresql", pg_archive_url)):
        mids = ids(db)
        with TestClient(create_app(WebConfig(db=db)), base_url=BASE) as c:
            out = {}
            for path in PG_PAGES:
                path = path.format(a=mids["riverside-2024-03-12.txt"], b=mids["riverside-2024-04-09.txt"])
                r = c.get(path)
                assert r.status_code == 200, (name, path, r.status_code)
                out[path] = r.text
            pages[name] = out
    s, p = pages["sqlite"], pages["postgresql"]
    assert s.keys() == p.keys()
    for path in s:
        # snippets: ts_headline's 16-word window may end a word before FTS5's (store_pg's module
        # doc); the same start, the same marked words, one a prefix of the other
        snip_s, snip_p = SNIPPET.findall(s[path]), SNIPPET.findall(p[path])
        assert len(snip_s) == len(snip_p), path
        for a, b in zip(snip_s, snip_p):
            assert re.findall("<mark>(.*?)</mark>", a) == re.findall("<mark>(.*?)</mark>", b), (path, a, b)
            a, b = a.rstrip("…"), b.rstrip("…")
            assert a.startswith(b) or b.startswith(a), (path, a, b)
        assert SNIPPET.sub("", p[path]) == SNIPPET.sub("", s[path]), path
    # the pages show what they should (so equal is not equal-and-empty)
    text_hits = s["/search?q=tap&type=text"]
    assert text_hits.count('class="hit"') >= 1 and s["/search?q=tap&type=pdf"].count('class="hit"') == 0
    assert s["/search?type=text&theme=finance"].count('class="hit"') == 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt; banner fund has 80 pounds." in p["/search?person=Dev+Patel&q=subscriptions"]
    assert "repair the leaking tap" in s["/actions?state=done"] and re.search(r"Done <span>2</span>", s["/actions?state=done"])
    assert "Attendance record" in s["/person?name=Ann+Lee"] and "chair" in s["/person?name=Ann+Lee"]
    assert "<polyline" in s["/themes?by=month"] and "Finance" in s["/themes?by=month"]


def test_trend_chart_spaces_periods_by_time_and_labels_whole_counts():
    from pipeline.web.chart import Series, _svg

    svg = str(_svg(["2013", "2015", "2016"], [Series("finance", "Finance", [3, 9, 4], 16, 0)]))
    pts = re.search(r'points="([^"]+)"', svg).group(1).split()
    xs = [float(p.split(",")[0]) for p in pts]
    assert abs((xs[1] - xs[0]) - 2 * (xs[2] - xs[1])) < 0.5  # two years, then one
    labels = re.findall(r'text-anchor="end">([\d.]+)</text>', svg)
    assert labels and all("." not in v for v in labels)
