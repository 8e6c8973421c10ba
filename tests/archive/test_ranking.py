"""The search ranking rules (pipeline.archive.ranking and ``Archive.search``) on small synthetic archives.

Every test taking ``archive`` runs on SQLite and on PostgreSQL (``archive_target`` in conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest
from test_archive import DIM, fake_vectors, make_meeting, tagged

from pipeline.archive.archive import Archive
from pipeline.archive.query import parse_query
from pipeline.archive.ranking import ThemeIndex, grouped, query_stems, rendition_key, stems, text_match


@pytest.fixture
def archive(archive_target):
    with Archive.open(archive_target) as a:
        yield a


def write(a: Archive, file: str, title: str, day: str | None, sections: list[tuple[str, str]], *,
          themes: dict[int, list[str]] | None = None, vectors=None) -> None:
    m, text = make_meeting(file, title, day, sections, themes=themes)
    a.write(tagged(m, text, vectors=vectors))


# ------------------------------------------------------------------------------------- pure rules


def test_query_stems_drop_function_words_unless_nothing_else_is_left():
    def content(q: str) -> str:
        return " ".join(t.text for t in parse_query(q).terms)

    assert content("diversity and inclusion") == "diversity inclusion"
    assert content("minutes of the previous meeting") == "minutes previous meeting"
    assert content("and the") == "and the"
    assert query_stems("Diversity and Inclusion") == ["divers", "inclus"]
    assert query_stems("the and") == ["the", "and"]
    assert query_stems("") == []


def test_text_match_coverage_phrase_and_heading():
    q = query_stems("bank balance")
    tm = text_match(q, stems("Treasurer's report"), stems("The balance in the bank account is £400."))
    assert tm.coverage == 1.0 and not tm.phrase and tm.heading == 0.0
    tm = text_match(q, stems("Bank balance"), stems("Reported."))
    assert tm.coverage == 1.0 and tm.phrase and tm.heading == 1.0
    tm = text_match(q, stems("Other"), stems("The banks and the balances were noted"))  # stems; function words between
    assert tm.phrase
    assert text_match(q, stems("x"), stems("balance")).coverage == 0.5


def test_theme_index_matches_labels_by_their_words():
    idx = ThemeIndex({"finance": ["money matters: budgets, accounts, bank balances"],
                      "events": ["events: conferences, socials, workshops"],
                      "staffing": ["staff and volunteers: recruitment and hiring"]})
    assert idx.match("money") == {"finance": 1.0}
    assert list(idx.match("hiring staff")) == ["staffing"]
    assert idx.match("xyzzy plugh") == {}
    assert idx.match("money for xyzzy") == {"finance": pytest.approx(0.5)}  # half of the query: still named
    assert idx.match("") == {}


def test_grouped_caps_a_meeting_and_collapses_renditions():
    group = {1: "A", 2: "A", 3: "A", 4: "A", 5: "B", 6: "A2"}.__getitem__
    rendition = {1: "r1", 2: "r2", 3: "r3", 4: "r4", 5: "r5", 6: "r1"}.__getitem__
    meeting = {1: 10, 2: 10, 3: 10, 4: 10, 5: 20, 6: 30}
    keep, others = grouped([1, 6, 2, 3, 4, 5], group, rendition, meeting, per_group=2, limit=4)
    assert keep == [1, 2, 5, 3]  # 6 is 1 in another file; 3 and 4 wait until meeting B had its turn
    assert others[1] == [6]


def test_rendition_key_uses_opening_words_or_the_meeting_for_an_empty_body():
    assert rendition_key("Finance", "The balance is £5.", ("m", 1)) == rendition_key("FINANCE", "the balance is £5",
                                                                                    ("m", 2))
    assert rendition_key("Finance", "", ("m", 1)) != rendition_key("Finance", "", ("m", 2))


# -------------------------------------------------------------------------------- in the archive


def test_a_multi_word_query_does_not_need_every_word_and_all_words_rank_first(archive: Archive):
    write(archive, "a.txt", "Parish council", "2024-01-10", [
        ("Roof", "The roof of the hall leaks again; the roof leaks in the rain, roof roof."),
        ("Hall", "The hall roof repair grant was approved."),
        ("Other", "Nothing about buildings.")])
    hits = archive.search("roof repair grant")
    assert [h.heading for h in hits] == ["Hall", "Roof"]  # "Roof" lacks two words, yet is found


def test_a_phrase_and_the_heading_lift_a_section(archive: Archive):
    write(archive, "a.txt", "Committee", "2024-02-01", [
        ("Accounts", "The balance of the reserve account was noted; the bank was asked about fees."),
        ("Bank balance", "Reported: £400."),
        ("Budget", "The budget for the year.")])
    hits = archive.search("bank balance")
    assert hits[0].heading == "Bank balance"
    assert [h.heading for h in hits] == ["Bank balance", "Accounts"]


def test_a_query_naming_a_theme_boosts_its_sections_visibly_and_removably(archive: Archive):
    write(archive, "a.txt", "Committee", "2024-03-01", [
        ("Allies group", "Gender and racial representation on the group needs to be addressed."),
        ("Garden", "The diversity of plants in the garden was praised."),
        ("Roads", "Potholes on Mill Lane.")], themes={0: ["diversity_inclusion"], 2: ["facilities_property"]})
    assert "diversity_inclusion" in archive.query_themes("diversity and inclusion")
    hits = {h.heading: h for h in archive.search("diversity and inclusion")}
    assert set(hits) == {"Allies group", "Garden"}
    allies = hits["Allies group"]  # shares no word with the query: found by its theme label
    assert allies.boosted_themes == ["diversity_inclusion"] and allies.themes == ["diversity_inclusion"]
    assert allies.text_rank is None and hits["Garden"].boosted_themes == []
    plain = archive.search("diversity and inclusion", theme_boost=False)
    assert [h.heading for h in plain] == ["Garden"] and plain[0].boosted_themes == []
    # a theme filter chosen by the user replaces the boost
    assert [h.heading for h in archive.search("diversity", theme="facilities_property")] == []


def test_vectors_are_compared_with_every_section_not_only_the_text_matches(archive: Archive):
    vecs = fake_vectors(3, 7)
    write(archive, "a.txt", "Board", "2024-04-01", [
        ("Budget", "The budget was approved."),
        ("Playground", "The swings need new chains."),
        ("Minutes", "Agreed.")], vectors=vecs)
    hits = archive.search("budget", query_vector=vecs[1])
    assert [h.heading for h in hits][:2] == ["Budget", "Playground"] or \
        [h.heading for h in hits][:2] == ["Playground", "Budget"]
    play = next(h for h in hits if h.heading == "Playground")
    assert play.text_rank is None and play.vector_rank == 1
    assert len(vecs[1]) == DIM and np.isfinite(play.similarity)


def test_a_heading_with_an_empty_body_gives_its_place_to_the_section_it_heads(archive: Archive):
    write(archive, "a.txt", "Parish council", "2024-05-01", [
        ("Planning applications", ""),
        ("Supported by the Borough", "Grant of permission for an extension at Home Farm."),
        ("Finance", "Payments approved.")])
    hits = archive.search("planning applications")
    assert [h.heading for h in hits] == ["Supported by the Borough"]
    assert hits[0].text_rank == 1


def test_one_meeting_does_not_fill_the_page_and_renditions_collapse(archive: Archive):
    sections = [(f"Item {i}", f"Speeding on the lane, report number {i}.") for i in range(6)]
    write(archive, "minutes.pdf", "Parish council", "2024-06-03", sections)
    write(archive, "minutes.docx", "Parish council", "2024-06-03", sections)  # the same minutes, as Word
    write(archive, "other.txt", "Village hall", "2024-07-01", [("Traffic", "Speeding lorries on the lane.")])
    hits = archive.search("speeding lane", limit=5)
    headings = [h.heading for h in hits]
    assert len(headings) == len(set(headings)) == 5  # no section twice (once per file)
    assert "Traffic" in headings[:4]  # after at most MAX_PER_MEETING = 3 of the parish meeting
    assert sum(1 for h in hits[:4] if h.title == "Parish council") == Archive.MAX_PER_MEETING
    parish = next(h for h in hits if h.title == "Parish council")
    assert len(parish.renditions) == 1 and parish.renditions[0] != parish.provenance.path
