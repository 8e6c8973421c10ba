"""In headless Chromium: the door (cross-site posts from another site, a link from another site
when signed in) and a draft's way into the archive, across a server restart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from web_helpers import MINUTES_A, LiveServer, OtherSite, build_small_archive

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UPLOAD_TIMEOUT = 240_000  # ms: the first upload loads the models on this shared machine


def _evil_page(target: str, sandboxed: bool) -> str:
    """A page of another site whose frame posts a file to the server (a button to click): a sandboxed frame
    posts with ``Origin: null``, a plain one with the other site's origin."""
    form = (f'<form method="post" action="{target}/new" enctype="multipart/form-data">'
            '<textarea name="file">Evil minutes</textarea><button id="win">Win a prize</button></form>')
    srcdoc = form.replace('"', "&quot;")
    sandbox = ' sandbox="allow-forms allow-scripts"' if sandboxed else ""
    return f'<!DOCTYPE html><title>cat pictures</title><iframe{sandbox} srcdoc="{srcdoc}"></iframe>'


def test_cross_site_posts_are_refused_null_missing_and_other_origin(page, small_archive):
    with LiveServer(small_archive) as server:
        jobs = server.app.fastapi.state.jobs
        before = {j.id for j in jobs.all()}  # drafts other tests left in the shared archive
        for sandboxed in (True, False):
            with OtherSite(_evil_page(server.url, sandboxed)) as evil:
                page.goto(evil.url)
                with page.expect_response(lambda r: r.request.method == "POST") as posted:
                    page.frame_locator("iframe").locator("#win").click()
                r = posted.value
                # the frame's post reached the server and was refused (the answer cannot be framed)
                assert r.request.header_value("origin") == ("null" if sandboxed else evil.url.rstrip("/"))
                assert r.status == 403
        # no Origin and no Referer at all (a program, an old client)
        r = page.request.post(server.url + "/new", multipart={
            "file": {"name": "evil.txt", "mimeType": "text/plain", "buffer": b"Evil minutes"}})
        assert r.status == 403
        assert {j.id for j in jobs.all()} == before, "no upload got through"
        # this server's own form still works (Origin and Referer are its own)
        page.goto(server.url + "/new")
        page.set_input_files("input[type=file]", {"name": "x.exe", "mimeType": "application/octet-stream",
                                                   "buffer": b"MZ"})
        page.click("form.upload button[type=submit]")
        assert "files are not read" in page.locator("p.error").inner_text()


def test_token_link_from_another_site_opens_when_signed_in(page, small_archive):
    with LiveServer(small_archive, token="browser-token-456") as server:
        page.goto(server.url + "/search?token=browser-token-456")
        page.wait_for_url(server.url + "/search")
        link = f'<!DOCTYPE html><title>mail</title><a id="go" href="{server.url}/actions?state=all">the actions</a>'
        with OtherSite(link) as mail:
            page.goto(mail.url)
            page.click("#go")
            page.wait_for_url(re.compile(r"/actions\?state=all$"))
            assert page.locator("h1").inner_text().startswith("Actions")
    # signed out (another context), the 401 page is styled
    with LiveServer(small_archive, token="browser-token-789") as server:
        page.context.clear_cookies()
        page.goto(server.url + "/actions")
        assert "Access token needed" in page.locator("h1").inner_text()
        assert page.evaluate("getComputedStyle(document.querySelector('header.top')).display") != "inline"


def test_upload_edit_save_to_archive_search_board_and_restart(page, tmp_path):
    db = build_small_archive(tmp_path)
    f = tmp_path / "riverside-may.txt"
    f.write_text(MINUTES_A.replace("12 March 2024", "14 May 2024").replace("Water supply", "Canal towpath"),
                 encoding="utf-8")
    with LiveServer(db) as server:
        page.goto(server.url + "/new")
        page.set_input_files("input[type=file]", str(f))
        page.click("form.upload button[type=submit]")
        page.wait_for_selector("#draft-title, p.error", timeout=UPLOAD_TIMEOUT)
        assert page.locator("#draft-title").count() == 1, page.locator("p.error").all_inner_texts()
        page.fill("input[name=title]", "Riverside committee, May 2024 (checked)")
        page.fill("input[name=action-new-owner]", "Cara Diaz")
        page.fill("textarea[name=action-new-task]", "write to the canal trust about the towpath")
        page.click("#add-to-archive")
        page.wait_for_url(re.compile(r"/meetings/\d+$"))
        mid = int(page.url.rsplit("/", 1)[1])
        assert page.locator("h1").inner_text().startswith("Riverside committee, May 2024 (checked)")
        page.goto(server.url + "/search?q=canal+trust")
        assert page.locator(f"li.hit a.meeting-link[href='/meetings/{mid}']").count() >= 1
    with LiveServer(db) as server:  # restarted: still there
        page.goto(server.url + "/actions?state=all&owner=Cara+Diaz")
        assert page.locator("td", has_text="write to the canal trust about the towpath").count() == 1
        page.goto(server.url + "/search?q=towpath")
        assert page.locator(f"li.hit a.meeting-link[href='/meetings/{mid}']").count() >= 1
        page.goto(server.url + f"/meetings/{mid}")
        with page.expect_download() as dl:
            page.click("a.button:has-text('Open the original file')")
        assert Path(dl.value.path()).read_text(encoding="utf-8").startswith("RIVERSIDE ALLOTMENT SOCIETY")


def test_an_edited_draft_survives_a_restart_with_its_long_task_whole(page, tmp_path):
    """Upload -> edit (an owner, a long task, the next meeting) -> save -> the server restarts -> the
    draft is listed at /new with its state and opens with the edits, every task box showing its whole task."""
    db = build_small_archive(tmp_path)
    f = tmp_path / "riverside-june.txt"
    f.write_text(MINUTES_A.replace("12 March 2024", "11 June 2024"), encoding="utf-8")
    long_task = ("write to the water company, the council's allotments officer and every plot holder on the "
                 "north side about the leaking standpipe on plot 12, the new washer, the meter reading of May "
                 "and who pays for the repair, and report back at the next meeting with their answers")
    uploads = tmp_path / "uploads"
    with LiveServer(db, upload_dir=uploads, stages=("extract", "structure")) as server:
        page.goto(server.url + "/new")
        page.set_input_files("input[type=file]", str(f))
        page.click("form.upload button[type=submit]")
        page.wait_for_selector("#draft-title, p.error", timeout=UPLOAD_TIMEOUT)
        assert page.locator("#draft-title").count() == 1, page.locator("p.error").all_inner_texts()
        draft_url = page.url
        page.fill("input[name=action-new-owner]", "Cara Diaz")
        page.fill("textarea[name=action-new-task]", long_task)
        page.fill("textarea[name=next_meeting]", "2024-07-09 19:30, Village Hall")
        page.click("button[value=save]")
        page.wait_for_selector("strong.ok")
    with LiveServer(db, upload_dir=uploads, stages=("extract", "structure")) as server:
        page.goto(server.url + "/new")
        row = page.locator("#drafts tbody tr", has_text="riverside-june.txt")
        assert row.locator("td[data-label=State]").inner_text() == "edited"
        row.locator("a").click()
        page.wait_for_url(draft_url.replace(draft_url.split("/drafts/")[0], server.url))
        assert page.locator("textarea[name=next_meeting]").input_value() == "2024-07-09 19:30, Village Hall"
        boxes = page.locator("fieldset.action textarea")
        tasks = [boxes.nth(i) for i in range(boxes.count())]
        assert any(t.input_value() == long_task for t in tasks)
        for t in tasks:  # no task is cut: each box is as tall as its text
            assert t.evaluate("e => e.scrollHeight <= e.clientHeight + 1"), t.input_value()
        page.set_viewport_size({"width": 390, "height": 800})  # a phone: still whole
        for t in tasks:
            assert t.evaluate("e => e.scrollHeight <= e.clientHeight + 1"), t.input_value()
        page.set_viewport_size({"width": 1280, "height": 900})

