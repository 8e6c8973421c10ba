"""End to end in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against
``minutebook serve``'s application over the tagged sample corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from web_helpers import MINUTES_A, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UPLOAD_TIMEOUT = 240_000  # ms: the first upload loads the models on this shared machine


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_search_by_theme_opens_the_meeting(page, live_server):
    page.goto(live_server.url + "/")
    page.select_option("select[name=theme]", "finance")
    page.click("form.search button[type=submit]")
    page.wait_for_url(re.compile(r"/search\?.*theme=finance"))
    hits = page.locator("li.hit")
    assert hits.count() >= 3
    assert all("Finance" in hits.nth(i).inner_text() for i in range(hits.count()))
    seed = page.locator("li.hit", has_text="Funding").first
    seed.locator("a.meeting-link").click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    assert page.locator("h1").inner_text()
    for heading in ("Attendance", "Decisions", "Actions", "Discussion by theme"):
        assert page.locator("h2", has_text=heading).count() == 1
    assert page.locator("#discussion h3", has_text="Finance").count() == 1


def test_search_by_person_and_words(page, live_server):
    page.goto(live_server.url + "/search")
    page.fill("input[name=person]", "Laura Cream")
    page.fill("input[name=q]", "Wellcome Trust")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#result-count")
    hits = page.locator("li.hit")
    assert hits.count() >= 1
    assert hits.first.locator("mark").count() >= 1
    assert "Wellcome" in hits.first.locator("mark").first.inner_text()
    # the person facet narrows: a name nobody has finds nothing
    page.fill("input[name=person]", "Zebedee Nobody")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#result-count")
    assert page.locator("li.hit").count() == 0


def test_provenance_link_shows_the_highlighted_passage(page, live_server):
    page.goto(live_server.url + "/search?q=Wellcome+Trust")
    page.locator("li.hit a.meeting-link").first.click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    link = page.locator("#actions a.src").first
    task = page.locator("#actions tbody tr").first.locator("td[data-label=Task]").inner_text().strip()
    link.click()
    page.wait_for_url(re.compile(r"/meetings/\d+/source\?start=\d+&end=\d+#hl$"))
    mark = page.locator("mark#hl")
    assert mark.count() == 1
    marked = mark.inner_text()
    assert marked.strip(), "the span is marked"
    words = [w for w in re.findall(r"[A-Za-z]{4,}", task)][:3]
    assert any(w.lower() in marked.lower() for w in words), (task, marked)
    assert mark.is_visible()
    assert mark.evaluate("m => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; }")
    # the original file opens (as a download) by document id
    with page.expect_download() as dl:
        page.click("a.button:has-text('Open the original file')")
    assert Path(dl.value.path()).stat().st_size > 0


def test_actions_board_and_person_page(page, live_server):
    page.goto(live_server.url + "/actions?state=all")
    assert page.locator("table tbody tr").count() >= 5
    page.fill("input[name=owner]", "Laura Cream")
    page.click("form.inline button")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 2
    assert all("Laura Cream" in rows.nth(i).locator("td[data-label=Owner]").inner_text() for i in range(rows.count()))
    rows.first.locator("td[data-label=Owner] a", has_text="Laura Cream").click()
    page.wait_for_url(re.compile(r"/person\?name="))
    assert page.locator("h1").inner_text() == "Laura Cream"
    assert page.locator("h2", has_text="Attendance record").count() == 1


def test_themes_page_draws_the_chart(page, live_server):
    page.goto(live_server.url + "/themes?by=quarter")
    assert page.locator("svg.chart polyline").count() >= 3
    assert page.locator(".legend li").count() >= 3


def upload(page, live_server, name: str, content: str, tmp_path: Path) -> None:
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    page.goto(live_server.url + "/new")
    page.set_input_files("input[type=file]", str(f))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#draft-title, p.error", timeout=UPLOAD_TIMEOUT)


def test_upload_edit_and_download_markdown_and_word(page, live_server, tmp_path):
    upload(page, live_server, "riverside.txt", MINUTES_A, tmp_path)
    assert page.locator("#draft-title").count() == 1, page.locator("p.error").all_inner_texts()
    page.fill("input[name=title]", "Riverside committee, March 2024")
    page.fill("input[name=action-new-owner]", "Cara Diaz")
    page.fill("textarea[name=action-new-task]", "write to the water board")
    with page.expect_download() as dl:
        page.click("#download-md")
    md = Path(dl.value.path()).read_text(encoding="utf-8")
    assert dl.value.suggested_filename == "riverside-draft.md"
    assert md.startswith("# Riverside committee, March 2024")
    assert "write to the water board" in md and "Cara Diaz" in md
    assert "Ann Lee" in md  # attendance read from the file
    with page.expect_download() as dl:
        page.click("#download-docx")
    import docx

    d = docx.Document(dl.value.path())
    text = "\n".join(p.text for p in d.paragraphs) + "\n" + "\n".join(
        c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "Riverside committee, March 2024" in text and "write to the water board" in text


def test_upload_with_script_and_javascript_link_is_inert(page, live_server, tmp_path):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = ("Garden Club <script>alert(1)</script> Committee\n\n"
               "Minutes of the meeting held on 4 March 2025\n\nPresent: Ann Lee (Chair), Bob Stone\n\n"
               "1. Funding\n\nThe grant <script>alert(2)</script> arrived. See [the budget](javascript:alert(3)) "
               "and <img src=x onerror=alert(4)>. It was agreed to spend 200 pounds on seeds.\n")
    upload(page, live_server, "hostile.txt", hostile, tmp_path)
    assert page.locator("#draft-title").count() == 1
    assert "<script>alert(1)</script>" in page.locator("#draft-title").inner_text()  # shown as text
    assert page.locator("main script").count() == 0
    assert page.locator("main img").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    md_hostile = "# Garden Club\n\nMinutes of 4 March 2025\n\n## Funding\n\nSee [the budget](javascript:alert(5)).\n"
    upload(page, live_server, "hostile.md", md_hostile, tmp_path)
    assert page.locator("a[href^='javascript']").count() == 0
    page.goto(live_server.url + "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    page.wait_for_timeout(300)
    assert dialogs == []


def test_phone_width_has_no_horizontal_scroll(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/search?theme=finance")
    mid = re.search(r"/meetings/(\d+)", page.locator("a.meeting-link").first.get_attribute("href")).group(1)
    for path in ["/search?theme=finance", f"/meetings/{mid}", "/actions?state=all", "/themes?by=quarter", "/meetings",
                 "/people", "/new", "/person?name=Laura+Cream"]:
        page.goto(live_server.url + path)
        assert no_horizontal_scroll(page), path


def test_token_required_when_set(page, small_archive):
    with LiveServer(small_archive, token="browser-token-123") as server:
        page.goto(server.url + "/search?q=tap")
        assert "Access token needed" in page.locator("h1").inner_text()
        page.goto(server.url + "/search?q=tap&token=browser-token-123")
        page.wait_for_url(server.url + "/search?q=tap")
        assert page.locator("li.hit").count() >= 1  # the cookie carries the token from now on
        page.goto(server.url + "/actions")
        assert page.locator("h1").inner_text().startswith("Actions")


@pytest.mark.parametrize("path", ["/documents/..%2F..%2F..%2Fetc%2Fpasswd/original", "/static/..%2F..%2Fapp.py",
                                  "/meetings/1/../../../../etc/passwd", "/documents/0/original",
                                  "/drafts/..%2F..%2Fetc%2Fpasswd"])
def test_path_traversal_is_404(page, live_server, path):
    r = page.request.get(live_server.url + path)
    assert r.status == 404
    assert "root:" not in r.text()
