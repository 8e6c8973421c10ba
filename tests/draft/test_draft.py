"""The draft summary (pipeline/draft.py): build_draft and its renderers (Markdown, HTML, DOCX, JSON, ICS).

The seed's themes and summaries are hand-filled here (the gold labels of corpus/expected and short
hand-written summaries) because the theme and summary stages are separate; the hostile tests use a
meeting built by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import CORPUS
from icalendar import Calendar
from markdown_it import MarkdownIt

from pipeline.core.record import (
    Action,
    Attendees,
    DateValue,
    Decision,
    Heading,
    Meeting,
    Provenance,
    SectionSummary,
    SectionThemes,
    ThemeLabel,
    Warning,
)
from pipeline.draft.build import build_draft, theme_name
from pipeline.draft.docx import render_docx
from pipeline.draft.html import render_html
from pipeline.draft.ics import render_ics
from pipeline.draft.markdown import render_markdown
from pipeline.draft.model import Draft, render_json

SEED = CORPUS / "seed" / "seed-minutes.txt"
SEED_SUMMARIES = {  # hand-written for the tests, not produced by minutebook
    "Updates": "The Collective reported on recent work with partners and upcoming events.",
    "Spotlight on… our learning partnership with National Voices": "The learning partnership with National Voices "
                                                                    "was presented.",
    "Funding": "Funding for core staff ends soon; options for carrying income over were discussed.",
    "Our road to long-term sustainability": "The group discussed a route to long-term sustainability.",
    "Discussion": "Members discussed the case for core funding from UCL.",
    "Rethinking the Allies Group": "The group considered its future structure and agreed to take time to reflect.",
}


@pytest.fixture(scope="module")
def seed_meeting() -> Meeting:
    from pipeline.api import analyse

    m = analyse(SEED, stages=["extract", "structure", "detect"])
    gold = json.loads((CORPUS / "expected" / "seed-minutes.txt.json").read_text(encoding="utf-8"))["themes"]
    heads = [h.heading for h in m.section_tree]
    detail = [SectionThemes(section=h, section_index=heads.index(h),
                            labels=[ThemeLabel(label=lab, score=round(0.9 - 0.1 * k, 2)) for k, lab in enumerate(labs)])
              for h, labs in gold.items()]
    summaries = [SectionSummary(section=h, section_index=heads.index(h), summary=t, method="extractive", grounded=True)
                 for h, t in SEED_SUMMARIES.items()]
    return m.model_copy(update={"theme_detail": detail, "summaries": summaries})


@pytest.fixture(scope="module")
def seed_draft(seed_meeting) -> Draft:
    return build_draft(seed_meeting, theme_labels={"finance": "Funding and finance"})


# ------------------------------------------------------------------------------------------ a meeting by hand

def _p(start: int, text: str = "x", page: int | None = None, file: str = "minutes/board.txt") -> Provenance:
    return Provenance(file=file, page=page, start=start, end=start + max(1, len(text)), text=text)


def hand_meeting(*, title="Board meeting 3 March 2025", names=("Ana Lima", "Bo Chen"), task="send the budget",
                 summary="The budget was reviewed.", heading="Budget", next_text="2025-03-31 18:00-19:30, Town Hall",
                 file="minutes/board.txt") -> Meeting:
    headings = ["Attendance", heading, "Any other business", "Next meeting"]
    tree = [Heading(heading=h, level=1, provenance=_p(i * 100, h, page=i // 2 + 1, file=file),
                    body_start=i * 100 + 10, body_end=(i + 1) * 100) for i, h in enumerate(headings)]
    return Meeting(
        file=file, format="text", title=title, meeting_date="2025-03-03",
        meeting_date_detail=DateValue(value="2025-03-03", text="3 March 2025", provenance=_p(5, file=file)),
        attendees=Attendees(present=list(names), apologies=["Cy Dare"], chair=names[0], minutes=names[1]),
        section_tree=tree, sections=headings,
        actions=[
            Action(owner=[names[0]], owner_resolved=[names[0]], task=task, due="2025-03-20", due_text="20 March",
                   section=heading, provenance=_p(120, file=file)),
            Action(owner=[], task="book the room", due="2025-03-31", due_text="next meeting", explicit=False,
                   confidence=0.6, section="Any other business", provenance=_p(230, file=file)),
            Action(owner=["Bo"], owner_resolved=[names[1]], task="update the website", due="Ongoing",
                   due_text="Ongoing", section=heading, provenance=_p(140, file=file)),
        ],
        decisions=[Decision(text=f"RESOLVED that {task}.", kind="motion", mover=names[0], seconder=names[1],
                            result="carried", votes_for=5, votes_against=1, abstentions=0, section=heading,
                            provenance=_p(150, file=file))],
        next_meeting=[next_text, "2025-04-28"],
        next_meeting_detail=[DateValue(value="2025-03-31", text="31 March, 6pm to 7.30pm at the Town Hall",
                                       provenance=_p(310, file=file)),
                             DateValue(value="2025-04-28", text="28 April", year_inferred=True,
                                       provenance=_p(350, file=file))],
        theme_detail=[SectionThemes(section=heading, section_index=1,
                                    labels=[ThemeLabel(label="finance", score=0.8)]),
                      SectionThemes(section="Next meeting", section_index=3,
                                    labels=[ThemeLabel(label="procedural_schedule", score=0.9)])],
        summaries=[SectionSummary(section=heading, section_index=1, summary=summary, method="extractive",
                                  grounded=True),
                   SectionSummary(section="Any other business", section_index=2, summary="Room bookings were raised.",
                                  method="extractive", grounded=False)],
        warnings=[Warning(code="action_no_owner", message="action with no owner named: book the room",
                          provenance=_p(230, file=file)),
                  Warning(code="person_not_in_attendance", message=f"'{names[1]}x' speaks but is not listed",
                          provenance=_p(160, file=file))],
    )


HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) a|b\nnext line"


def hostile_meeting() -> Meeting:
    return hand_meeting(title="Board " + HOSTILE, names=("Ana <script>x()</script> Lima", "Bo [x](javascript:y) | Chen"),
                        task="send | the <b>budget</b>\n| x | y |\r\nBEGIN:VEVENT\r\nSUMMARY:evil\r\nEND:VEVENT " + HOSTILE,
                        summary="Summary " + HOSTILE, heading="Budget " + HOSTILE + " \x00\x0b",
                        next_text="2025-03-31 18:00-19:30, Hall <script>z()</script>\nBEGIN:VEVENT")


# ---------------------------------------------------------------------------------------------- build_draft

def test_seed_draft_content(seed_draft: Draft):
    d = seed_draft
    assert d.title.startswith("Co-Production Collective Allies Group")
    assert d.meeting_name == "Co-Production Collective Allies Group"
    assert d.date == "2022-04-27" and d.date_display == "Wednesday 27 April 2022" and not d.year_inferred
    assert d.attendance.chair == "Graham Hart" and "Marc Stears" in d.attendance.guests
    assert len(d.attendance.present) == 9 and d.attendance.apologies == ["Ian Needleman", "Simon Denegri"]
    # five: the ownerless copy of the decision over a list is not repeated as an action
    assert len(d.actions) == 5
    a1 = d.actions[0]
    assert a1.owner == ["Laura Cream", "Marc"] and a1.resolved_display == "Laura Cream, Marc Stears"
    assert a1.due_display == "May 2022" and a1.due_date is None and a1.section.heading == "Actions"
    assert d.actions[-1].owner == ["Graham"] and not d.actions[-1].explicit
    assert d.actions[2].owner_display == "Lizzie, Nicc, All (group)" and d.actions[2].groups == ["All"]
    assert not any("transitional p" in w.message for w in d.warnings)
    assert [x.section.heading for x in d.decisions] == ["Rethinking the Allies Group"] * 2

    names = [g.name for g in d.discussion]
    # most sections first, themes carrying summaries first; "finance" renamed; "Other business" last;
    # procedural-only sections without a summary are left out
    assert names[0] == "Partnerships and external relations"
    assert "Funding and finance" in names and names[-1] == "Other business"
    assert "Procedural items" not in names
    other = d.discussion[-1]
    assert [it.section.heading for it in other.items] == ["Discussion"]
    # each section's summary is shown once, under its main theme
    primary = [it.section.index for g in d.discussion for it in g.items if it.primary]
    assert sorted(primary) == sorted(set(primary)) and len(primary) == len(SEED_SUMMARIES)
    funding = next(g for g in d.discussion if g.label == "finance")
    assert funding.items[0].section.heading == "Funding" and funding.items[0].primary

    n1, n2 = d.next_meetings
    assert (n1.date, n1.start_time, n1.end_time, n1.year_inferred) == ("2022-07-22", "10:00", "12:00", True)
    assert n1.display.startswith("Friday 22 July 2022, 10:00–12:00") and n1.text == "Friday 22 July, 10am – 12pm"
    assert n2.date == "2022-09-22" and n2.start_time == "14:00"
    codes = [w.code for w in d.warnings]
    assert {"person_not_in_attendance", "date_without_year", "actions_inferred"} <= set(codes)
    assert "action_no_owner" not in codes  # every remaining action has an owner
    assert codes.index("person_not_in_attendance") < codes.index("date_without_year")


def test_themes_order_names_and_procedural():
    m = hand_meeting()
    d = build_draft(m)
    assert [g.label for g in d.discussion] == ["finance", "other"]
    assert [g.name for g in d.discussion] == ["Finance", "Other business"]
    # a procedural-only section with a summary goes last; "omit" leaves it out
    m2 = m.model_copy(update={"summaries": m.summaries + [SectionSummary(
        section="Next meeting", section_index=3, summary="Dates were set.", method="extractive", grounded=True)]})
    assert [g.label for g in build_draft(m2).discussion] == ["finance", "other", "procedural_schedule"]
    assert [g.label for g in build_draft(m2, procedural="omit").discussion] == ["finance", "other"]
    # no themes at all: the summaries make one "Discussion" group in document order
    m3 = m.model_copy(update={"theme_detail": []})
    d3 = build_draft(m3)
    assert [(g.label, g.name) for g in d3.discussion] == [("other", "Discussion")]
    assert [it.section.index for it in d3.discussion[0].items] == [1, 2]
    # the plain {heading: [labels]} map is used when there is no theme_detail
    m4 = m.model_copy(update={"theme_detail": [], "themes": {"Any other business": ["health_wellbeing"]}})
    assert [g.name for g in build_draft(m4).discussion] == ["Health and Wellbeing", "Other business"]
    assert theme_name("finance", {"finance": "Money"}) == "Money"
    assert theme_name("legal_policy_compliance") == "Legal, policy and compliance"


def test_hand_draft_details():
    d = build_draft(hand_meeting())
    act = d.actions[0]
    assert act.due_date == "2025-03-20" and act.due_display == "2025-03-20 (20 March)"
    assert d.actions[2].due_date is None and d.actions[2].resolved_display == "Bo Chen"
    assert d.decisions[0].votes == "5 for, 1 against, 0 abstentions"
    assert d.decisions[0].section.anchor == "section-1"
    n = d.next_meetings[0]
    assert (n.start_time, n.end_time, n.place) == ("18:00", "19:30", "Town Hall")
    assert d.next_meetings[1].start_time is None and d.next_meetings[1].year_inferred
    assert any(w.code == "summary_not_grounded" and w.section.index == 2 for w in d.warnings)
    assert d.sections[1].ref.page == 1 and d.sections[2].ref.page == 2


# ------------------------------------------------------------------------------------------------ renderers

MD_ORDER = ["## Attendance", "## Decisions", "## Actions", "## Discussion by theme", "## Next meeting",
            "## Check these"]


def test_markdown_sections_in_order(seed_draft: Draft):
    md = render_markdown(seed_draft)
    assert md.startswith("# Co-Production Collective Allies Group Meeting notes: Wednesday 27 April 2022\n")
    assert "**Date:** Wednesday 27 April 2022" in md
    pos = [md.index(h + "\n") for h in MD_ORDER]
    assert pos == sorted(pos) and md.index("**Date:**") < pos[0]
    actions = md[pos[2]:pos[3]]
    assert "| # | Owner | Task | Due | Noted as | Section |" in actions
    assert actions.count("\n| ") == 2 + 5  # header, rule, five rows
    assert "_no owner named_" not in actions and "(group)" in actions
    discussion = md[pos[3]:pos[4]]
    assert discussion.index("### Partnerships and external relations") < discussion.index("### Other business")
    assert "**[Funding](#section-5)**: Funding for core staff" in discussion
    # every internal link has its anchor
    anchors = set(re.findall(r'<a id="(section-\d+)"></a>', md))
    links = set(re.findall(r"\]\(#(section-\d+)\)", md))
    assert links and links <= anchors
    assert "Friday 22 July 2022, 10:00–12:00 (year inferred)" in md[pos[4]:pos[5]]
    assert "**Person not in the attendance list:**" in md[pos[5]:]


def test_html_parses_and_links_resolve(seed_draft: Draft):
    page = render_html(seed_draft)
    soup = BeautifulSoup(page, "lxml")
    assert soup.title.string.startswith("Co-Production Collective")
    assert soup.find("meta", attrs={"name": "viewport"}) is not None
    assert not soup.find_all("script") and not soup.find_all("link") and not soup.find_all("img")
    ids = {t["id"] for t in soup.find_all(id=True)}
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert hrefs and all(h.startswith("#") and h[1:] in ids for h in hrefs)
    assert [h.get_text() for h in soup.find_all("h2")][:6] == [h[3:] for h in MD_ORDER]
    rows = soup.select("#actions tbody tr")
    assert len(rows) == 5 and "Graham" in rows[-1].find_all("td")[1].get_text()
    theme_links = [a["href"] for a in soup.select("#discussion a")]
    assert "#section-5" in theme_links
    assert soup.find(id="section-5").get_text().startswith("Funding")


def test_docx_actions_table(seed_draft: Draft, tmp_path: Path):
    import docx

    out = render_docx(seed_draft, tmp_path / "draft.docx")
    doc = docx.Document(str(out))
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    assert paras[0] == ("Title", seed_draft.title)
    heads = [t for s, t in paras if s == "Heading 1"]
    assert heads[:6] == [h[3:] for h in MD_ORDER]
    assert any(s == "Heading 2" and t == "Funding and finance" for s, t in paras)
    assert any(s == "List Bullet" and t.startswith("Chair: Graham Hart") for s, t in paras)
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["#", "Owner", "Task", "Due", "Noted as", "Section"]
    assert len(table.rows) == 6
    row1 = [c.text for c in table.rows[1].cells]
    assert row1[1].startswith("Laura Cream, Marc") and row1[2].startswith("Laura Cream and Marc to continue")
    assert row1[3] == "May 2022" and row1[4] == "action"
    assert "(group)" in table.rows[3].cells[1].text and table.rows[5].cells[1].text.startswith("Graham")
    # internal links point at bookmarks that exist
    body = doc.element.body
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    marks = {b.get(w + "name") for b in body.iter(w + "bookmarkStart")}
    anchors = {h.get(w + "anchor") for h in body.iter(w + "hyperlink")}
    assert anchors and anchors <= marks


def test_json_round_trips(seed_draft: Draft):
    text = render_json(seed_draft)
    assert Draft.model_validate_json(text) == seed_draft
    data = json.loads(text)
    assert data["discussion"][0]["items"][0]["section"]["anchor"].startswith("section-")


def test_ics_events_and_stable_uids(tmp_path: Path):
    m = hand_meeting()
    raw = render_ics(m)
    cal = Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    # two next meetings + two actions with a one-day due date ("Ongoing" has none)
    assert len(events) == 4 and not list(cal.walk("VTODO"))
    meet, allday = events[0], events[1]
    assert str(meet["summary"]) == "Next meeting: Board meeting"
    assert meet.decoded("dtstart").isoformat() == "2025-03-31T18:00:00"
    assert meet.decoded("dtend").isoformat() == "2025-03-31T19:30:00"
    assert str(meet["location"]) == "Town Hall"
    assert allday.decoded("dtstart").isoformat() == "2025-04-28" and allday["dtstart"].params.get("VALUE") == "DATE"
    assert "no year" in str(allday["description"])
    act = events[2]
    assert str(act["summary"]) == "Action: send the budget (Ana Lima)"
    assert act.decoded("dtstart").isoformat() == "2025-03-20"
    assert str(events[3]["summary"]) == "Action: book the room (no owner named)"
    assert all(e.decoded("dtstamp").isoformat() == "2025-03-03T00:00:00+00:00" for e in events)
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == 4
    # reproducible, and the same UIDs when the file is opened from another folder or the draft is passed
    assert render_ics(m) == raw
    moved = hand_meeting(file="/elsewhere/minutes/board.txt")
    assert [str(e["uid"]) for e in Calendar.from_ical(render_ics(build_draft(moved))).walk("VEVENT")] == uids
    todos = list(Calendar.from_ical(render_ics(m, actions_as="todo")).walk("VTODO"))
    assert len(todos) == 2 and todos[0].decoded("due").isoformat() == "2025-03-20"


def test_ics_seed_and_zones(seed_meeting: Meeting):
    cal = Calendar.from_ical(render_ics(seed_meeting))
    events = list(cal.walk("VEVENT"))
    assert [e.decoded("dtstart").isoformat() for e in events] == ["2022-07-22T10:00:00", "2022-09-22T14:00:00"]
    m = hand_meeting(next_text="2025-02-25 16:00 EST, Zoom Room")
    ev = list(Calendar.from_ical(render_ics(m)).walk("VEVENT"))[0]
    assert ev.decoded("dtstart").isoformat() == "2025-02-25T21:00:00+00:00"
    assert "dtend" not in ev and str(ev["location"]) == "Zoom Room"


# ------------------------------------------------------------------------------------------- hostile input

def _no_live_html(html: str) -> None:
    soup = BeautifulSoup(html, "lxml")
    assert not soup.find_all("script") and not soup.find_all("img") and not soup.find_all("b")
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            assert not attr.lower().startswith("on")
            assert "javascript:" not in str(value).lower()
    for a in soup.find_all("a"):
        assert a.get("href", "#").startswith("#")  # internal links, or the renderer's own <a id> anchors


def test_hostile_markdown():
    d = build_draft(hostile_meeting())
    md = render_markdown(d)
    assert not re.search(r"(?<!\\)<(script|img)", md)  # only the escaped "\<script" as text
    assert "&lt;" not in md and "&amp;" not in md  # the file reads as the text: no HTML entities
    assert not re.search(r"(?<!\\)\]\(javascript:", md)  # only the escaped "\](javascript:" as text
    assert md.splitlines()[0].startswith("# Board ") and "\nnext line" not in md
    assert "\x00" not in md and "\x0b" not in md
    html = MarkdownIt("commonmark").enable("table").render(md)
    _no_live_html(html)
    soup = BeautifulSoup(html, "lxml")
    table = soup.find("table")
    assert all(len(tr.find_all(["td", "th"])) == 6 for tr in table.find_all("tr"))
    assert len(table.find("tbody").find_all("tr")) == 3
    assert "send | the <b>budget</b>" in table.find("tbody").find_all("tr")[0].get_text()
    assert "<script>alert(1)</script>" in soup.get_text()  # shown as text


def test_markdown_escapes_read_as_the_text():
    from pipeline.draft.markdown import md_escape

    for text in ["Tea & cakes <3 for A>B", "see &amp; and &#38; as written", "R&D, Q&A; 5 < 6"]:
        out = md_escape(text)
        assert "&lt;" not in out and "&gt;" not in out and out.count("&amp;") == text.count("&amp;")
        html = MarkdownIt("commonmark").render(out)
        assert BeautifulSoup(html, "lxml").get_text().strip() == text
    assert md_escape("Tea & cakes") == "Tea & cakes"


def test_hostile_html():
    d = build_draft(hostile_meeting())
    page = render_html(d)
    assert "<script" not in page and "javascript:alert" in page  # present only as text
    _no_live_html(page)
    soup = BeautifulSoup(page, "lxml")
    assert soup.find("h1").get_text().startswith("Board <script>alert(1)</script>")
    ids = {t["id"] for t in soup.find_all(id=True)}
    assert all(a["href"][1:] in ids for a in soup.find_all("a", href=True))
    assert "\x00" not in page and "\x0b" not in page


def test_hostile_docx(tmp_path: Path):
    import docx

    out = render_docx(build_draft(hostile_meeting()), tmp_path / "hostile.docx")
    doc = docx.Document(str(out))
    assert doc.paragraphs[0].text.startswith("Board <script>alert(1)</script>")
    cell = doc.tables[0].rows[1].cells[2].text
    assert "send | the <b>budget</b>" in cell and "[click](javascript:alert(3))" in cell
    assert not [r for r in doc.part.rels.values() if "hyperlink" in r.reltype]  # no external links at all


def test_hostile_ics():
    raw = render_ics(hostile_meeting())
    cal = Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 4  # the injected BEGIN:VEVENT lines stay inside the text
    assert raw.count(b"\r\nBEGIN:VEVENT\r\n") == 4 and raw.count(b"\r\nSUMMARY:evil") == 0
    act = events[2]
    assert str(act["summary"]).startswith("Action: send | the <b>budget</b> | x | y | BEGIN:VEVENT SUMMARY:evil")
    assert "\n" not in str(act["summary"])
    assert "evil" not in " ".join(str(e["summary"]) for e in events if not str(e["summary"]).startswith("Action: send"))
