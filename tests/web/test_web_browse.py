"""Browsing the archive through TestClient: /meetings (filters, order, pages), page titles, and the
same minutes in several files shown as one meeting with its renditions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from web_helpers import MINUTES_A, MINUTES_B

from pipeline.archive.archive import Archive
from pipeline.web import WebConfig, create_app
from pipeline.web.browse import build_index, series_name

BASE = "http://127.0.0.1:8000"
OTHER = """HILLSIDE BOWLS CLUB

Minutes of the committee meeting held on 12 March 2024

Present: Zoe Hart (Chair), Liam Ng, Ann Hart

1. Greens

The green was mowed. All to bring a cake to the open day.
"""


def _write(archive: Archive, p: Path) -> None:
    from pipeline.api import analyse
    from pipeline.archive.types import TaggedDocument, content_hash
    from pipeline.core.record import Action, Person, Provenance
    from pipeline.extract import read_document

    m = analyse(p, stages=["extract", "structure"])
    doc = read_document(p)
    seen: dict[str, Person] = {}
    for e in m.attendance:  # the people stage (spaCy) did not run: one person per attendance name
        seen.setdefault(e.name, Person(name=e.name)).roles.append(e.role)
    m.people = list(seen.values())
    if "All to bring" in doc.text:
        i = doc.text.index("All to bring")
        m.actions.append(Action(owner=["All"], owner_groups=["All"], task="bring a cake to the open day",
                                provenance=Provenance(file=str(p), start=i, end=i + 40)))
        m.actions.append(Action(owner=["Ann Hart"], task="book the hall",
                                provenance=Provenance(file=str(p), start=i, end=i + 40)))
    archive.write(TaggedDocument(path=str(p), content_hash=content_hash(p), format=doc.format, meeting=m,
                                 text=doc.text))


@pytest.fixture(scope="module")
def renditions_db(tmp_path_factory) -> Path:
    """MINUTES_A as text and as Markdown (one meeting, two files), MINUTES_B, another club's meeting
    of the same day, and 60 more meetings of a series (for the pages)."""
    folder = tmp_path_factory.mktemp("web-browse")
    db = folder / "browse.db"
    with Archive.open(db) as a:
        md = (MINUTES_A.replace("RIVERSIDE ALLOTMENT SOCIETY", "# RIVERSIDE ALLOTMENT SOCIETY")
              .replace("\n1. Finance", "\n## 1. Finance").replace("\n2. Water", "\n## 2. Water")
              .replace("\n3. Next", "\n## 3. Next"))
        for name, text in (("riverside-2024-03-12.txt", MINUTES_A), ("riverside-2024-03-12.md", md),
                           ("riverside-2024-04-09.txt", MINUTES_B), ("hillside-2024-03-12.txt", OTHER)):
            (folder / name).write_text(text, encoding="utf-8")
            _write(a, folder / name)
        for k in range(60):
            year, month = 2010 + k // 12, k % 12 + 1
            text = (f"TOWN FORUM\n\nMinutes of the forum meeting held on {year}-{month:02d}-05\n\n"
                    f"Present: Ann Lee (Chair)\n\n1. Item {k}\n\nTopic number {k} was discussed.\n")
            (folder / f"forum-{k}.txt").write_text(text, encoding="utf-8")
            _write(a, folder / f"forum-{k}.txt")
    return db


@pytest.fixture(scope="module")
def client(renditions_db):
    with TestClient(create_app(WebConfig(db=renditions_db, page_size=25)), base_url=BASE) as c:
        yield c


def _ids(db: Path) -> dict[str, int]:
    with Archive.open(db, readonly=True) as a:
        return {Path(r.path).name: r.meeting_id for r in a.meeting_list()}


def test_series_names_drop_dates_and_minutes_of():
    assert series_name("Minutes of the Finance Committee meeting held on 12 March 2024") == "Finance Committee"
    assert series_name("Parish Council Minutes 3rd June 2024") == "Parish Council"
    assert series_name("RIVERSIDE ALLOTMENT SOCIETY") == "RIVERSIDE ALLOTMENT SOCIETY"


def test_renditions_of_one_meeting_are_grouped(renditions_db):
    ids = _ids(renditions_db)
    with Archive.open(renditions_db, readonly=True) as a:
        index = build_index(a.meeting_list(), a.meeting)
    txt, md = ids["riverside-2024-03-12.txt"], ids["riverside-2024-03-12.md"]
    assert index.by_meeting[txt] is index.by_meeting[md]
    assert sorted(r.format for r in index.by_meeting[txt].renditions) == ["markdown", "text"]
    # the same day, another body: another meeting; the next meeting of the series: another meeting
    assert index.by_meeting[ids["hillside-2024-03-12.txt"]] is not index.by_meeting[txt]
    assert index.by_meeting[ids["riverside-2024-04-09.txt"]] is not index.by_meeting[txt]
    assert len(index.entries) == len(ids) - 1


def test_meetings_list_newest_first_paged_with_renditions(client, renditions_db):
    ids = _ids(renditions_db)
    r = client.get("/meetings")
    assert r.status_code == 200
    assert "63 meetings, page 1 of 3" in r.text
    dates = re.findall(r'<td data-label="Date">([^<]*)</td>', r.text)
    assert dates == sorted(dates, reverse=True) and dates[0] == "2024-04-09"
    row = re.search(rf'<tr>\s*<td data-label="Date">2024-03-12</td>\s*<td data-label="Meeting">'
                    rf'<a class="meeting-link" href="/meetings/{ids["riverside-2024-03-12.txt"]}">.*?</tr>', r.text, re.S)
    assert row and ">text</a>" in row.group(0) and ">Markdown</a>" in row.group(0)
    assert r.text.count(f'href="/meetings/{ids["riverside-2024-03-12.md"]}"') == 1  # as a rendition only
    page3 = client.get("/meetings", params={"page": 3}).text
    assert "page 3 of 3" in page3 and "‹ previous" in page3 and "next ›" not in page3
    oldest = client.get("/meetings", params={"sort": "oldest"}).text
    assert re.findall(r'<td data-label="Date">([^<]*)</td>', oldest)[0] == "2010-01-05"


def test_meetings_filters_year_series_title_type(client):
    y = client.get("/meetings", params={"year": "2024"}).text
    assert "3 meetings" in y
    forum = client.get("/meetings", params={"series": "TOWN FORUM"}).text
    assert "60 meetings" in forum
    assert '<option value="TOWN FORUM" selected>' in forum
    both = client.get("/meetings", params={"series": "TOWN FORUM", "year": "2011"}).text
    assert "12 meetings" in both
    t = client.get("/meetings", params={"title": "hillside"}).text
    assert "1 meeting." in t and "HILLSIDE BOWLS CLUB" in t
    md = client.get("/meetings", params={"type": "markdown"}).text
    assert "1 meeting." in md
    none = client.get("/meetings", params={"title": "zzzz", "page": "99"})
    assert none.status_code == 200 and "No meetings here." in none.text


def test_meeting_page_title_has_the_date_and_lists_renditions(client, renditions_db):
    ids = _ids(renditions_db)
    a, b = ids["riverside-2024-03-12.txt"], ids["riverside-2024-04-09.txt"]
    ta = re.search(r"<title>(.*?)</title>", client.get(f"/meetings/{a}").text).group(1)
    tb = re.search(r"<title>(.*?)</title>", client.get(f"/meetings/{b}").text).group(1)
    assert ta != tb and "2024-03-12" in ta and "2024-04-09" in tb
    page = client.get(f"/meetings/{a}").text
    assert 'id="renditions"' in page and f'href="/meetings/{ids["riverside-2024-03-12.md"]}">Markdown</a>' in page
    assert 'id="renditions"' not in client.get(f"/meetings/{b}").text


@pytest.mark.parametrize("typed", ["Hart", "ann hart", "A Hart", "Ann Har"])
def test_person_filters_take_a_part_of_a_name(client, typed):
    """Search's person filter and the actions board's owner filter take a first name, a surname,
    initials or the start of a name, resolved as the people pages resolve them."""
    board = client.get("/actions", params={"state": "all", "owner": typed}).text
    if typed == "Hart":  # two people: the page asks which
        assert 'id="did-you-mean"' in board
        assert "/actions?state=all&amp;owner=Ann+Hart" in board and "/actions?state=all&amp;owner=Zoe+Hart" in board
        assert "book the hall" not in board
        return
    assert "book the hall" in board and "bring a cake" not in board
    if typed != "ann hart":  # the full name (any case) is used as it is
        assert 'id="person-resolved"' in board and "showing Ann Hart" in board
    hits = client.get("/search", params={"person": typed, "q": "green"}).text
    assert hits.count('class="hit"') >= 1 and "HILLSIDE" in hits


def test_first_name_alone_lists_the_people_it_may_be(client):
    page = client.get("/search", params={"person": "Ann", "q": "green"}).text
    assert 'id="did-you-mean"' in page and ">Ann Lee</a>" in page and ">Ann Hart</a>" in page
    assert 'class="hit"' not in page
    one = client.get("/search", params={"person": "Zoe", "q": "green"}).text
    assert "showing Zoe Hart" in one and one.count('class="hit"') >= 1
    assert "Try fewer words" not in client.get("/search", params={"person": "liam"}).text


def test_groups_are_not_person_links_and_no_link_is_broken(client):
    """Crawl every page reachable from the menu: every link answers (no person page for 'All')."""
    import html as html_lib
    from collections import deque

    board = client.get("/actions", params={"state": "all"}).text
    assert "bring a cake to the open day" in board and "/person?name=All" not in board
    seen = {"/"}
    todo = deque(["/", "/meetings", "/actions?state=all", "/people", "/themes", "/new"])
    crawled = 0
    while todo and crawled < 400:
        path = todo.popleft()
        crawled += 1
        r = client.get(path)
        assert r.status_code == 200, path
        if "text/html" in r.headers["content-type"]:
            for href in re.findall(r'href="(/[^"#]*)', r.text):
                href = html_lib.unescape(href)
                if href not in seen:
                    seen.add(href)
                    todo.append(href)
    assert crawled > 100


def test_search_counts_the_renditions_of_a_meeting_once(client, renditions_db):
    ids = _ids(renditions_db)
    txt, md = ids["riverside-2024-03-12.txt"], ids["riverside-2024-03-12.md"]
    page = client.get("/search", params={"q": "shed tools"}).text
    linked = re.findall(r'<a class="meeting-link" href="/meetings/(\d+)">', page)
    assert len(linked) == 1 and int(linked[0]) in (txt, md)
    other = md if int(linked[0]) == txt else txt
    assert f'also as <a href="/meetings/{other}">' in page
    # a filter to one type finds that rendition
    md_only = client.get("/search", params={"q": "shed tools", "type": "markdown"}).text
    assert re.findall(r'<a class="meeting-link" href="/meetings/(\d+)">', md_only) == [str(md)]


def test_meetings_of_a_series_link_to_the_previous_and_next(client, renditions_db):
    ids = _ids(renditions_db)
    march, april = ids["riverside-2024-03-12.txt"], ids["riverside-2024-04-09.txt"]
    page = client.get(f"/meetings/{march}").text
    assert f'<a rel="next" href="/meetings/{april}">' in page and 'rel="prev"' not in page
    back = client.get(f"/meetings/{april}").text
    assert re.search(rf'<a rel="prev" href="/meetings/({march}|{ids["riverside-2024-03-12.md"]})">', back)
    assert 'rel="next"' not in back and "/meetings?series=RIVERSIDE+ALLOTMENT+SOCIETY" in back
    forum = client.get(f"/meetings/{ids['forum-5.txt']}").text
    assert f'<a rel="prev" href="/meetings/{ids["forum-4.txt"]}">' in forum
    assert f'<a rel="next" href="/meetings/{ids["forum-6.txt"]}">' in forum
    assert 'id="series"' not in client.get(f"/meetings/{ids['hillside-2024-03-12.txt']}").text


def test_a_meeting_page_lists_the_actions_carried_to_it(tmp_path):
    from pipeline.api import analyse
    from pipeline.archive.types import TaggedDocument, content_hash
    from pipeline.core.record import Action, Provenance
    from pipeline.extract import read_document

    db = tmp_path / "carried.db"
    plan = [("2024-01-10", [("Repair the boiler in the hall", None), ("Order new chairs", None)]),
            ("2024-02-14", [("Boiler in the hall repaired", "Complete")]),
            ("2024-03-13", [])]
    with Archive.open(db) as a:
        for day, acts in plan:
            p = tmp_path / f"hall-{day}.txt"
            p.write_text(f"HALL COMMITTEE\n\nMinutes of the hall committee meeting held on {day}\n\n"
                         "Present: Ann Lee (Chair)\n\n1. Building\n\nThe building was discussed.\n", encoding="utf-8")
            m = analyse(p, stages=["extract", "structure"])
            m.actions = [Action(owner=["Ann Lee"], task=t, status=s, provenance=Provenance(file=str(p), start=0, end=5))
                         for t, s in acts]
            doc = read_document(p)
            a.write(TaggedDocument(path=str(p), content_hash=content_hash(p), format=doc.format, meeting=m,
                                   text=doc.text))
        ids = {x.meeting_date: x.meeting_id for x in a.documents()}
    with TestClient(create_app(WebConfig(db=db)), base_url=BASE) as c:
        feb = c.get(f"/meetings/{ids['2024-02-14']}").text
        mar = c.get(f"/meetings/{ids['2024-03-13']}").text
    assert "Carried from earlier meetings" in feb
    assert re.search(r"Repair the boiler in the hall</td>\s*<td[^>]*><a href=\"/meetings/\d+\">2024-01-10</a></td>\s*"
                     r"<td[^>]*>done at this meeting", feb)
    assert "Order new chairs" in feb and "Order new chairs" in mar  # still open
    assert "Repair the boiler" not in mar  # done before March
