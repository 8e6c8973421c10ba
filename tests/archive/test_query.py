"""The search syntax (pipeline.archive.query): phrases, -word / NOT, OR, prefix*, parsed once for the CLI, the web
page and both backends.

Every test taking ``archive`` runs on SQLite and on PostgreSQL (``archive_target`` in conftest.py) and asserts the
same answer, so the two backends answer the operators alike."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_archive import DIM, make_meeting, tagged

from pipeline.archive.archive import Archive
from pipeline.archive.query import Term, parse_query
from pipeline.archive.ranking import stems, text_match

# ------------------------------------------------------------------------------------------- parser


def test_parse_phrases_exclusions_or_and_prefix():
    q = parse_query('"budget review" library OR museum -parking NOT roads lib*')
    assert q.groups == ((Term("budget review", quoted=True),), (Term("library"), Term("museum")),
                        (Term("lib", prefix=True),))
    assert q.excluded == (Term("parking"), Term("roads"))
    assert q.required == ((Term("budget review", quoted=True),),)
    assert q.fts(any_term=True) == ('(("budget review" OR "library" OR "museum" OR "lib" *) AND "budget review") '
                                    'NOT ("parking" OR "roads")')
    assert q.fts() == '("budget review" AND ("library" OR "museum") AND "lib" *) NOT ("parking" OR "roads")'


def test_plain_words_parse_as_before():
    q = parse_query("diversity and inclusion co-production")
    assert q.plain and [t.text for t in q.terms] == ["diversity", "inclusion", "co-production"]
    assert q.fts(any_term=True) == '("diversity" OR "inclusion" OR "co-production")'
    assert q.units() == ["divers", "inclus", "co", "product"]
    assert parse_query("the and").units() == ["the", "and"]  # only function words: all kept
    assert q.meaning("diversity and inclusion co-production") == "diversity and inclusion co-production"


@pytest.mark.parametrize("text", ['"unbalanced quote', "OR", "a OR", "OR a", "NOT", "*", "-", "- * OR NOT AND",
                                  '""', '-""', "lib**", "(x OR", "NEAR(a b)", 'a"b', "---x", "x OR OR y"])
def test_bad_syntax_is_tolerated(text: str):
    q = parse_query(text)
    expr = q.fts(any_term=True)
    assert expr is None or expr.count("(") == expr.count(")")


def test_bad_syntax_reads_as_words():
    assert parse_query('"budget review').groups == ((Term("budget review", quoted=True),),)
    assert parse_query("a OR").groups == ((Term("a"),),) and parse_query("OR").groups == ()
    assert parse_query("*").groups == () and parse_query("x OR OR y").groups == ((Term("x"), Term("y")),)
    assert parse_query("co_op*").groups == ((Term("co_op"),),)  # not letters and digits only: no prefix


def test_only_words_to_leave_out_get_a_notice():
    assert parse_query("-budget").notice() and parse_query("NOT budget -x").notice()
    assert parse_query("library -budget").notice() is None and parse_query("").notice() is None


def test_units_count_an_or_group_and_a_prefix_as_one_word():
    q = parse_query("roof OR ceiling lib*").units()
    held = text_match(q, stems("Library"), stems("The ceiling fell in"))
    assert held.coverage == 1.0 and held.heading == 0.5
    assert text_match(q, stems("x"), stems("the roof")).coverage == 0.5


def test_spans_mark_stems_prefixes_and_whole_phrases():
    text = "The Budget review: budgets were reviewed; the library and libraries. Review of budget."
    spans = parse_query('"budget review" librar*').spans(text)
    assert [text[a:b] for a, b in spans] == ["Budget review", "library", "libraries"]
    assert [text[a:b] for a, b in parse_query("budget -review").spans(text)] == ["Budget", "budgets", "budget"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list('ab -"*()éß_:^\'') + ["OR", "NOT", "AND", " OR "]), max_size=20).map("".join)
       | st.text(max_size=40))
def test_no_text_breaks_the_parser(text: str):
    q = parse_query(text)
    for any_term in (True, False):
        q.fts(any_term=any_term)
    q.units()
    q.spans(text)
    q.notice()


# ------------------------------------------------------------------------------------- in the archive

SECTIONS = [
    ("Library", "The library opening hours were reviewed on Monday. Budget review next month."),
    ("Libraries plan", "Two libraries will share staff."),
    ("Budget", "The budget review was deferred; the library budget is fine."),
    ("Museum", "The museum roof needs repair."),
    ("Roads", "Potholes on Mill Lane; the review of roads is overdue."),
    ("Finance", "The budget was set for the year."),
]


@pytest.fixture
def archive(archive_target):
    with Archive.open(archive_target) as a:
        m, text = make_meeting("a.txt", "Parish council", "2024-05-01", SECTIONS, themes={5: ["Finance"], 2: ["Finance"]})
        vecs = np.eye(len(SECTIONS), DIM, dtype=np.float32)
        a.write(tagged(m, text, vectors=vecs))
        yield a


def headings(a: Archive, q: str, **kw) -> set[str]:
    return {h.heading for h in a.search(q, limit=50, **kw)}


@pytest.mark.parametrize("q, expected", [
    ('"budget review"', {"Library", "Budget"}),
    ("budget -library", {"Finance"}),
    ("budget NOT library", {"Finance"}),
    ("library OR museum", {"Library", "Libraries plan", "Budget", "Museum"}),
    ("lib*", {"Library", "Libraries plan", "Budget"}),
    ("librar*", {"Library", "Libraries plan", "Budget"}),
    ("roof OR pothole* -museum", {"Roads"}),
    ('review -"budget review"', {"Roads"}),
    ('"review budget"', set()),
    ('"budget review" OR museum', {"Library", "Budget", "Museum"}),
    ("budget review", {"Library", "Budget", "Roads", "Finance"}),  # plain words: any of them
])
def test_operators_answer_alike_on_both_backends(archive: Archive, q: str, expected: set[str]):
    assert headings(archive, q) == expected


def test_a_phrase_or_all_words_rank_first(archive: Archive):
    hits = archive.search('budget "budget review"')
    assert {h.heading for h in hits} == {"Library", "Budget"}
    assert hits[0].heading == "Budget"  # the phrase and the word twice


def test_vector_hits_honour_exclusions_and_phrases(archive: Archive):
    lib_vector = np.eye(len(SECTIONS), DIM, dtype=np.float32)[0]  # the "Library" section's own vector
    assert "Library" in headings(archive, "museum", query_vector=lib_vector)
    assert "Library" not in headings(archive, "museum -library", query_vector=lib_vector)
    museum_vector = np.eye(len(SECTIONS), DIM, dtype=np.float32)[3]
    assert headings(archive, '"budget review"', query_vector=museum_vector) == {"Library", "Budget"}


def test_only_words_to_leave_out(archive: Archive):
    assert archive.search("-library") == []  # the front ends show Query.notice()
    assert headings(archive, "-library", theme="Finance") == {"Finance"}  # with a filter: the filter's sections


def test_a_heading_only_section_points_at_its_first_paragraph(archive_target):
    with Archive.open(archive_target) as a:
        m, text = make_meeting("b.txt", "Board", "2024-06-01", [
            ("Library services", ""), ("Opening hours", "Opens at nine on weekdays and at ten on Saturdays."),
            ("Other", "Nothing else.")])
        a.write(tagged(m, text))
        hits = a.search("services")
        assert [h.heading for h in hits] == ["Opening hours"]
        p = hits[0].provenance
        assert text[p.start:p.end].strip() == "Opens at nine on weekdays and at ten on Saturdays."
        assert a.search("services -saturdays") == []  # the paragraph it points at holds a word left out


QUERY_PIECES = st.sampled_from(["budget", "library", "lib*", '"budget review"', "-roads", "NOT", "OR", "museum",
                                '"', "*", "-", "(", "é", "review", "x:y", "^", "AND", "NEAR(", "'", "\\", "an*", "the*", "é*", "2024*"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(QUERY_PIECES, max_size=6).map(" ".join) | st.text(max_size=30))
def test_no_query_breaks_the_search(archive: Archive, q: str):
    vec = np.ones(DIM, dtype=np.float32)
    archive.search(q)
    archive.search(q, query_vector=vec, theme="Finance", since="2020")
