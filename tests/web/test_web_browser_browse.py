"""In headless Chromium over the tagged sample corpus: browsing /meetings, the seed minutes (PDF,
Word and text) shown as one meeting, and a partial name in the person and owner filters."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_meetings_list_filters_and_opens_a_meeting(page, live_server):
    page.goto(live_server.url + "/")
    page.click("header nav a:has-text('Meetings')")
    page.wait_for_url(re.compile(r"/meetings$"))
    dates = [d.strip() for d in page.locator("td[data-label=Date]").all_inner_texts()]
    assert dates == sorted(dates, reverse=True) and len(dates) == 5
    page.select_option("select[name=year]", "2024")
    page.click("form.inline button[type=submit]")
    page.wait_for_url(re.compile(r"/meetings\?.*year=2024"))
    assert page.locator("td[data-label=Date]").count() == 2
    assert all(d.startswith("2024") for d in page.locator("td[data-label=Date]").all_inner_texts())
    page.fill("input[name=title]", "library")
    page.click("form.inline button[type=submit]")
    page.wait_for_url(re.compile(r"title=library"))
    assert page.locator("a.meeting-link").count() == 1
    page.locator("a.meeting-link").click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    assert "2024-03-12" in page.title() and "Ashcombe Library" in page.title()


def test_pdf_word_and_text_of_the_seed_are_one_meeting(page, live_server):
    page.goto(live_server.url + "/meetings?sort=oldest")
    seed = page.locator("tr", has=page.locator("a.meeting-link", has_text="Co-Production"))
    assert seed.count() == 1  # one row, not three
    assert sorted(seed.locator("a.rendition").all_inner_texts()) == ["PDF", "Word", "text"]
    seed.locator("a.meeting-link").click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    also = page.locator("#renditions a")
    assert also.count() == 2
    also.first.click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    assert page.locator("#renditions a").count() == 2  # every rendition lists the others


def test_partial_names_in_the_person_and_owner_filters(page, live_server):
    page.goto(live_server.url + "/search")
    assert page.locator("datalist#people-names option").count() >= 5  # suggestions, no script
    page.fill("input[name=person]", "Cream")
    page.fill("input[name=q]", "Wellcome Trust")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#result-count")
    assert "showing Laura Cream" in page.locator("#person-resolved").inner_text()
    assert page.locator("li.hit").count() >= 1
    page.goto(live_server.url + "/actions?state=all")
    page.fill("input[name=owner]", "Laura")
    page.click("form.inline button")
    page.wait_for_selector("#did-you-mean")
    page.locator("#did-you-mean a", has_text="Laura Cream").click()
    page.wait_for_url(re.compile(r"owner=Laura\+Cream"))
    rows = page.locator("table tbody tr")
    assert rows.count() >= 2
    assert all("Laura Cream" in rows.nth(i).locator("td[data-label=Owner]").inner_text() for i in range(rows.count()))
