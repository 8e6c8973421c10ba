"""One search on the web page: the query syntax (phrases, -word, OR, prefix*) through the TestClient, and the source
view marking the matched words inside the highlighted passage (escaped, stems and phrases as the search matches)."""

from __future__ import annotations

import html
import re

import pytest
from starlette.testclient import TestClient
from web_helpers import LiveServer

from pipeline.web import WebConfig, create_app
from pipeline.web.app import words_marked

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def client(small_archive) -> TestClient:
    with TestClient(create_app(WebConfig(db=small_archive)), base_url=BASE, headers={"origin": BASE}) as c:
        yield c


def source_links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="(/meetings/\d+/source\?[^"]+)"', page)]


def hit_meetings(page: str) -> list[str]:
    return re.findall(r'class="meeting-link" href="/meetings/(\d+)"', page)


def test_source_view_marks_the_words_of_the_search(client):
    page = client.get("/search", params={"q": "leaking tap"}).text
    links = source_links(page)
    assert links and all("q=leaking+tap" in h for h in links)
    passage = client.get(links[0]).text
    assert '<mark id="hl">' in passage, "the passage is highlighted"
    assert '<mark class="word">leaking</mark>' in passage and '<mark class="word">tap</mark>' in passage
    assert '<mark class="word">' not in passage.split('<mark id="hl">')[0]  # only inside the passage


def test_source_view_marks_stems_and_whole_phrases(client):
    stemmed = client.get(source_links(client.get("/search", params={"q": "repairs"}).text)[0]).text
    assert re.search(r'<mark class="word">repair(ed)?</mark>', stemmed)
    phrase = client.get(source_links(client.get("/search", params={"q": '"leaking tap"'}).text)[0]).text
    assert '<mark class="word">leaking tap</mark>' in phrase


def test_source_view_escapes_the_text_and_the_words(client):
    page = client.get("/search", params={"q": "banner"}).text
    passage = client.get(source_links(page)[0]).text
    assert "<script>" not in passage and "&lt;script&gt;alert(1)&lt;/script&gt;" in passage
    assert '<mark class="word">banner</mark>' in passage
    assert str(words_marked("a <b> & a", "a")) == '<mark class="word">a</mark> &lt;b&gt; &amp; <mark class="word">a</mark>'
    assert str(words_marked("x<y", None)) == "x&lt;y"


def test_exclusion_or_and_prefix_on_the_page(client, small_archive):
    both = hit_meetings(client.get("/search", params={"q": "tap"}).text)
    assert len(set(both)) == 2
    one = hit_meetings(client.get("/search", params={"q": "tap -washer"}).text)
    assert len(set(one)) == 1  # the March minutes' tap section mentions the washer
    assert len(set(hit_meetings(client.get("/search", params={"q": "washer OR subscriptions"}).text))) == 2
    assert "<mark>Subscriptions</mark>" in client.get("/search", params={"q": "subscript*"}).text


def test_only_words_to_leave_out_say_so(client):
    r = client.get("/search", params={"q": "-tap"})
    assert r.status_code == 200 and "Only words to leave out" in r.text
    with_filter = client.get("/search", params={"q": "-tap", "theme": "finance"}).text
    assert "Only words to leave out" not in with_filter and with_filter.count('class="hit"') == 2


def test_the_syntax_is_explained_on_the_page(client):
    page = client.get("/").text
    assert 'id="search-help"' in page and "lib*" in page and "NOT" in page and "OR" in page


@pytest.mark.parametrize("q", ['"unbalanced', "OR", "*", "a OR", "-", "NOT", '-"', "lib**", "tap OR", '"" tap'])
def test_bad_syntax_never_fails(client, q):
    r = client.get("/search", params={"q": q})
    assert r.status_code == 200
    links = source_links(r.text)
    if links:
        assert client.get(links[0]).status_code == 200


@pytest.mark.browser
@pytest.mark.slow
def test_chromium_follows_a_hit_to_the_marked_words(page, small_archive):
    with LiveServer(small_archive) as server:
        page.goto(server.url + "/search?q=" + "%22leaking+tap%22")
        page.locator("li.hit a.src").first.click()
        page.wait_for_url(re.compile(r"/source\?.*q=%22leaking\+tap%22#hl$"))
        words = page.locator("mark#hl mark.word")
        assert words.count() >= 1 and words.first.inner_text() == "leaking tap"
        assert words.first.is_visible()
