"""pipeline.archive.archive: the archive (migrations, writes, hybrid search, actions, people, themes).

Every test taking the ``db`` / ``archive`` fixtures runs twice: on SQLite and on PostgreSQL
(``archive_target`` in conftest.py; the PostgreSQL run needs $MINUTEBOOK_TEST_PG, see tests/pgtest.py).
A few tests are about one backend's own machinery (PRAGMAs, FTS5 integrity, connection errors)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.archive.archive import Archive, default_db_path
from pipeline.archive.schema import MIGRATIONS
from pipeline.archive.text import fts_query, fts_terms, is_done_status
from pipeline.archive.types import Filters, TaggedDocument, content_hash
from pipeline.core.errors import ArchiveError
from pipeline.core.names import name_key
from pipeline.core.record import (
    Action,
    AttendanceEntry,
    Heading,
    Meeting,
    Person,
    Provenance,
    SectionThemes,
    ThemeLabel,
)
from pipeline.core.tasks import same_task

REPO = Path(__file__).resolve().parents[2]
PARISH = REPO / "corpus" / "samples" / "parish-council_2024-06-03.txt"
SEED = REPO / "corpus" / "seed" / "seed-minutes.txt"
DIM = 16


# ------------------------------------------------------------------------------------------ helpers


def prov(file: str, start: int, end: int) -> Provenance:
    return Provenance(file=file, page=1, start=start, end=end)


def make_meeting(file: str, title: str, meeting_date: str | None, sections: list[tuple[str, str]], *,
                 actions: list[dict] | None = None, people: list[Person] | None = None,
                 attendance: list[tuple[str, str]] | None = None,
                 themes: dict[int, list[str]] | None = None) -> tuple[Meeting, str]:
    """A Meeting built directly (no models) and the plain text its offsets point into."""
    text = title + "\n"
    tree = []
    for heading, body in sections:
        h_start = len(text)
        text += heading + "\n"
        b_start = len(text)
        text += body + "\n"
        tree.append(Heading(heading=heading, level=1, provenance=prov(file, h_start, h_start + len(heading)),
                            body_start=b_start, body_end=len(text)))
    acts = []
    for a in actions or []:
        sec = a.pop("section_index", 0)
        acts.append(Action(provenance=prov(file, tree[sec].body_start, tree[sec].body_start + 5),
                           section=tree[sec].heading, **a))
    detail = [SectionThemes(section=tree[i].heading, section_index=i,
                            labels=[ThemeLabel(label=lab, score=0.8) for lab in labels])
              for i, labels in (themes or {}).items()]
    m = Meeting(file=file, format="text", title=title, meeting_date=meeting_date, section_tree=tree,
                sections=[h for h, _ in sections], actions=acts, people=people or [],
                attendance=[AttendanceEntry(name=n, role=r, provenance=prov(file, 0, len(n)))  # type: ignore[arg-type]
                            for n, r in attendance or []],
                theme_detail=detail, themes={d.section: [x.label for x in d.labels] for d in detail})
    return m, text


def fake_vectors(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)


def tagged(m: Meeting, text: str, *, content_hash: str | None = None, vectors=None, status: str = "SUCCESS",
           version: str | None = None) -> TaggedDocument:
    kw = {"pipeline_version": version} if version else {}
    return TaggedDocument(path=m.file, content_hash=content_hash or f"hash-{m.file}", format=m.format,
                          status=status, meeting=m, text=text, section_vectors=vectors, **kw)


@pytest.fixture
def db(archive_target):
    """A fresh archive's location: a SQLite path or a postgresql:// URL."""
    return archive_target


def is_pg(a: Archive) -> bool:
    return a.backend.name == "postgresql"


def column(a: Archive, sql: str) -> list:
    """The first column of a query's rows, on either backend."""
    return [r[0] if not is_pg(a) else next(iter(r.values())) for r in a.backend.conn.execute(sql).fetchall()]


def table_exists(a: Archive, name: str) -> bool:
    if is_pg(a):
        return column(a, f"SELECT to_regclass('{name}')")[0] is not None
    return bool(column(a, f"SELECT count(*) FROM sqlite_master WHERE name = '{name}'")[0])


@pytest.fixture
def archive(db: Path):
    with Archive.open(db) as a:
        yield a


@pytest.fixture(scope="module")
def analysed() -> dict[str, TaggedDocument]:
    """The parish sample and the seed minutes through extract/structure/detect (spaCy, no encoder)."""
    from pipeline.core.stage import State
    from pipeline.stages import build_pipeline

    out = {}
    for i, path in enumerate((PARISH, SEED)):
        pipe = build_pipeline(["extract", "structure", "detect"])
        state = pipe.run(State(path=path, options={}))
        m = state.meeting
        out[path.name] = TaggedDocument(path=str(path), content_hash=content_hash(path), format=m.format, meeting=m,
                                        text=state.document.text,
                                        section_vectors=fake_vectors(max(len(m.section_tree), 1), i))
    return out


@pytest.fixture
def real_archive(archive: Archive, analysed):
    archive.write_many(analysed.values())
    return archive


def fts_integrity(a: Archive) -> None:
    if is_pg(a):  # generated tsvector columns: every row has one, equal to a fresh computation
        for t, src in (("sections", "heading"), ("actions", "task"), ("decisions", "text")):
            assert column(a, f"SELECT count(*) FROM {t} WHERE tsv IS NULL OR "
                             f"NOT tsv @@ plainto_tsquery('minutebook', minutebook_fold({src}))"
                             f" AND {src} ~ '[a-z]'")[0] == 0
        return
    for t in ("sections_fts", "actions_fts", "decisions_fts"):
        a.backend.conn.execute(f"INSERT INTO {t}({t}) VALUES ('integrity-check')")


# --------------------------------------------------------------------------------------- migrations


def test_fresh_archive_applies_every_migration_and_reopen_applies_nothing(db):
    with Archive.open(db) as a:
        assert a.applied_migrations() == [n for n, _ in MIGRATIONS]
        assert a.migrate() == []
        rows = a.backend.conn.execute("SELECT name, applied_at FROM migrations").fetchall()
        assert len(rows) == len(MIGRATIONS) and all(r["applied_at"] for r in rows)
        if not is_pg(a):
            mode = a.backend.conn.execute("PRAGMA journal_mode").fetchone()[0]
            assert mode == "wal"
            assert a.backend.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with Archive.open(db) as a:
        assert a.migrate() == []
        assert a.applied_migrations() == [n for n, _ in MIGRATIONS]


def test_a_later_migration_is_applied_once_and_keeps_the_data(db):
    m, text = make_meeting("a.txt", "Board", "2024-01-10", [("Budget", "The budget was set.")])
    with Archive.open(db) as a:
        a.write(tagged(m, text))

    calls = []

    def backfill(conn) -> None:  # a sqlite3 or psycopg connection: portable SQL
        calls.append(1)
        conn.execute("UPDATE documents SET note = 'checked'")

    class Later(Archive):
        MIGRATIONS = MIGRATIONS + [("0099_document_note", "ALTER TABLE documents ADD COLUMN note TEXT;"),
                                   ("0100_backfill_note", backfill)]

    with Later.open(db) as a:
        assert a.applied_migrations()[-2:] == ["0099_document_note", "0100_backfill_note"]
        assert column(a, "SELECT note FROM documents") == ["checked"]
        assert [h.heading for h in a.search("budget")] == ["Budget"]
    with Later.open(db) as a:
        assert a.migrate() == []
    assert calls == [1]
    # an older minutebook refuses an archive a newer one migrated
    with pytest.raises(ArchiveError) as e:
        Archive.open(db)
    assert e.value.code == "MB013" and "newer minutebook" in str(e.value) and str(db) in str(e.value)


def test_an_archive_from_before_0004_keeps_its_meetings(db):
    """0004 lets a file hold several meetings (a table rebuild on SQLite): every row survives, the
    old meetings become meeting 0 of their file, and deleting a document still cascades."""
    class Old(Archive):
        MIGRATIONS = MIGRATIONS[:3]

    m, text = make_meeting("a.txt", "Board", "2024-01-10", [("Budget", "The budget was set.")],
                           actions=[{"owner": ["Clerk"], "task": "Pay the invoice"}])
    with Old.open(db) as a:
        a.backend.begin()
        doc = a.backend.insert_row("documents", {"path": "a.txt", "content_hash": "h-a", "format": "text",
                                                 "status": "SUCCESS", "tagged_at": "2024-01-11"})
        mid = a.backend.insert_row("meetings", {"document_id": doc, "title": "Board", "meeting_date": "2024-01-10",
                                                "record_json": m.model_dump_json()})
        a.backend.insert_row("sections", {"meeting_id": mid, "idx": 0, "heading": "Budget",
                                          "text": "The budget was set."})
        a.backend.commit()
    with Archive.open(db) as a:
        assert "0004_meetings_per_document" in a.applied_migrations()
        assert column(a, "SELECT meeting_index FROM meetings") == [0]
        assert [h.heading for h in a.search("budget")] == ["Budget"]
        assert [d.meeting_id for d in a.documents()] == [mid]
        a.write(tagged(m, text, content_hash="h-a"))  # the same content again replaces its rows
        assert a.counts().meetings == 1 and a.counts().sections == 1


def test_a_file_with_several_meetings_stores_each(db):
    from pipeline.archive.types import TaggedMeeting
    from pipeline.core.provenance import relocate

    m1, text1 = make_meeting("term.md", "Meeting 1", "2025-03-03", [("Project", "We chose the planner.")])
    m2, text2 = make_meeting("term.md", "Meeting 2", "2025-03-10", [("Mock-ups", "We reviewed the colours.")],
                             actions=[{"owner": ["Ana"], "task": "Send the mock-ups"}])
    relocate(m2, len(text1), 0)  # both records point into the one file's text
    m2.meeting_index, m1.meetings_in_file, m2.meetings_in_file = 1, 2, 2
    with Archive.open(db) as a:
        a.write(TaggedDocument(path="term.md", content_hash="h-term", format="markdown", meeting=m1,
                               text=text1 + text2, meeting_text=text1,
                               more_meetings=[TaggedMeeting(meeting=m2, text=text2)]))
        c = a.counts()
        assert (c.documents, c.meetings, c.sections) == (1, 2, 2)
        assert len(a.documents()) == 1 and a.documents()[0].meeting_date == "2025-03-03"
        hit = a.search("colours")[0]
        assert (hit.heading, hit.meeting_date) == ("Mock-ups", "2025-03-10")
        assert [x.task for x in a.actions()] == ["Send the mock-ups"]
        assert a.meeting(hit.meeting_id).meeting_index == 1


def test_a_failing_migration_rolls_back_and_is_not_recorded(db):
    class Broken(Archive):
        MIGRATIONS = MIGRATIONS + [("0099_broken", "CREATE TABLE extra (x INTEGER);\nSELECT * FROM no_such_table;")]

    with pytest.raises(ArchiveError, match="migration 0099_broken failed"):
        Broken.open(db)
    with Archive.open(db) as a:
        assert "0099_broken" not in a.applied_migrations()
        assert not table_exists(a, "extra")


def test_bad_sqlite_files(tmp_path: Path):
    with pytest.raises(ArchiveError, match="no archive here"):
        Archive.open(tmp_path / "missing.db", readonly=True)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ArchiveError) as e:
        Archive.open(junk)
    assert str(junk) in str(e.value)


def test_readonly(db):
    with pytest.raises(ArchiveError, match="no archive|no minutebook archive"):
        Archive.open(db, readonly=True)  # nothing written yet
    with Archive.open(db):
        pass
    m, text = make_meeting("a.txt", "Board", "2024-01-10", [("Budget", "The budget was set.")])
    with Archive.open(db, readonly=True) as ro:
        assert ro.search("budget") == []
        with pytest.raises(ArchiveError, match="read-only"):
            ro.write(tagged(m, text))


def test_default_db_path(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("MINUTEBOOK_DB", str(tmp_path / "x" / "my.db"))
    assert default_db_path() == tmp_path / "x" / "my.db" and (tmp_path / "x").is_dir()
    monkeypatch.delenv("MINUTEBOOK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "minutebook" / "archive.db"
    assert (tmp_path / "data" / "minutebook").is_dir()


# ------------------------------------------------------------------------------------------ writing


def test_rewriting_the_same_content_replaces_rows(archive: Archive, analysed):
    doc = analysed[PARISH.name]
    archive.write(doc)
    first = archive.counts()
    first_hits = [(h.heading, h.snippet) for h in archive.search("speeding Mill Lane")]
    archive.write(doc)
    archive.write_many([doc, doc])
    assert archive.counts() == first
    assert first.documents == 1 and first.meetings == 1 and first.sections == len(doc.meeting.section_tree)
    assert first.embeddings == first.sections
    fts_integrity(archive)
    hits = archive.search("speeding Mill Lane")
    assert [(h.heading, h.snippet) for h in hits] == first_hits and len({h.section_id for h in hits}) == len(hits)
    assert hits[0].heading == "Highways and speeding on Mill Lane"
    [row] = archive.documents()
    assert row.status == "SUCCESS" and row.title and row.meeting_date == "2024-06-03"


def test_a_changed_file_replaces_its_old_content(archive: Archive):
    m1, t1 = make_meeting("same.txt", "Board", "2024-01-10", [("Budget", "The budget was set.")])
    m2, t2 = make_meeting("same.txt", "Board", "2024-01-10", [("Budget", "The budget was revised.")])
    archive.write(tagged(m1, t1, content_hash="v1"))
    archive.write(tagged(m2, t2, content_hash="v2"))
    assert [d.content_hash for d in archive.documents()] == ["v2"]
    assert [h.snippet for h in archive.search("revised")] == ["The budget was [revised]."]


def test_failed_and_skipped_documents(archive: Archive):
    archive.write(TaggedDocument(path="scan.pdf", content_hash="h-scan", format="pdf", status="FAILED",
                                 error="scan.pdf: the PDF has no text layer [MB007]"))
    [d] = archive.documents(status="FAILED")
    assert d.error.endswith("[MB007]") and d.meeting_id is None
    assert archive.counts().failed == 1 and archive.counts().meetings == 0
    assert not archive.seen("h-scan", d.pipeline_version)
    # a skip never replaces a stored record
    m, text = make_meeting("ok.txt", "Board", "2024-01-10", [("Budget", "The budget was set.")])
    archive.write(tagged(m, text, content_hash="h-ok", version="0.1.0"))
    archive.write(TaggedDocument(path="ok.txt", content_hash="h-ok", status="SKIPPED", error="already tagged"))
    assert archive.seen("h-ok", "0.1.0") and not archive.seen("h-ok", "0.2.0") and not archive.seen("nope", "0.1.0")
    assert archive.counts().meetings == 1
    with pytest.raises(ArchiveError, match="unknown document status"):
        archive.write(TaggedDocument(path="x", content_hash="h-x", status="BROKEN"))


def test_the_stored_record_round_trips(archive: Archive, analysed):
    doc = analysed[SEED.name]
    archive.write(doc)
    [d] = archive.documents()
    assert archive.meeting(d.meeting_id) == doc.meeting


def test_wrong_number_of_vectors_is_an_archive_error(archive: Archive):
    m, text = make_meeting("a.txt", "Board", "2024-01-10", [("A", "one"), ("B", "two")])
    with pytest.raises(ArchiveError, match="section vectors"):
        archive.write(tagged(m, text, vectors=fake_vectors(3, 0)))
    assert archive.counts().documents == 0  # the transaction rolled back


# --------------------------------------------------------------------------------------------- search

ODD_QUERIES = ['"', "'", 'a"b', "NOT", "AND OR", "foo*", "(x", "co-production", "", "   ", "🎉", "🎉 co-production",
               "NEAR(a b)", "^x", "x:y", "-", "a OR", "col:\"x\"", "}{", "\\", "%", "_", "' OR 1=1 --"]


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_user_text_never_breaks_fts(real_archive: Archive, q: str):
    real_archive.search(q)
    real_archive.search(q, theme="Finance", person="Laura Crane", since="2020", until="2030-01-01")
    real_archive.actions(owner=q or None)
    real_archive.people(name=q or None)


@settings(max_examples=150, deadline=None)
@given(q=st.text(max_size=40))
def test_any_text_is_safe_in_match(q: str):
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61 remove_diacritics 2')")
    con.execute("INSERT INTO t VALUES ('the co-production of minutes')")
    for any_term in (False, True):
        match = fts_query(q, any_term=any_term)
        if match:
            con.execute("SELECT * FROM t WHERE t MATCH ?", (match,)).fetchall()


def test_fts_terms_quote_tokens():
    assert fts_terms('co-production AND "x" OR y*') == ['"co-production"', '"x"', '"y"']
    assert fts_terms('a"b') == ['"a""b"']
    assert fts_terms("NOT AND OR ( ) * 🎉") == []
    assert fts_query("") is None


def test_co_production_matches_as_a_phrase(real_archive: Archive):
    hits = real_archive.search("co-production")
    assert hits and all(h.title.startswith("Co-Production Collective") for h in hits)


def test_search_by_text_has_snippet_and_provenance(real_archive: Archive):
    hits = real_archive.search("speeding")
    assert hits[0].heading == "Highways and speeding on Mill Lane"
    assert "[speed" in hits[0].snippet.lower()
    assert hits[0].provenance.path == str(PARISH) and hits[0].provenance.start is not None
    assert hits[0].bm25 is not None and hits[0].text_rank == 1
    d = hits[0].to_dict()
    assert d["provenance"]["path"] == str(PARISH) and d["meeting_date"] == "2024-06-03"
    # porter stemming: 'funded' finds 'funding'
    assert any(h.heading == "Funding" for h in real_archive.search("funded"))


def test_accents_are_folded(archive: Archive):
    m, text = make_meeting("a.txt", "Board", "2024-01-10", [("Café", "The café roof – £300 – needs repair."),
                                                            ("Roof", "The cafe roof is fine.")])
    archive.write(tagged(m, text))
    for q in ("cafe", "café", "CAFÉ"):
        assert {h.heading for h in archive.search(q)} == {"Café", "Roof"}, q
    snippets = {h.heading: h.snippet for h in archive.search("café")}
    assert snippets["Café"] == "[Café]"  # FTS5's snippet(): ties go to the first column, the heading
    assert snippets["Roof"] == "The [cafe] roof is fine."


def test_all_words_first_then_any_word(real_archive: Archive):
    hits = real_archive.search("speeding xyzzyplugh")
    assert hits and hits[0].heading == "Highways and speeding on Mill Lane"


def test_search_by_person_and_dates(real_archive: Archive):
    parish = {h.title for h in real_archive.search("meeting", person="Cllr Okoro", limit=50)}
    assert parish and all(t.startswith("HOLLOWAY MAGNA") for t in parish)
    # title- and case-insensitive, aliases too
    assert real_archive.search("meeting", person="okoro")
    assert {h.title for h in real_archive.search("meeting", person="LAURA CRANE", limit=50)} == {
        real_archive.search("co-production")[0].title}
    assert real_archive.search("meeting", person="Nobody Atall") == []
    assert {h.meeting_date for h in real_archive.search("meeting", since="2024-01-01", limit=50)} == {"2024-06-03"}
    assert {h.meeting_date for h in real_archive.search("meeting", until="2023", limit=50)} == {"2022-04-27"}
    assert real_archive.search("meeting", since="2022-04-28", until="2024-06-02") == []
    assert real_archive.search("meeting", since="2024-06", until="2024-06")  # a month covers its days
    with pytest.raises(ArchiveError, match="not a date"):
        real_archive.search("meeting", since="last tuesday")


def test_search_by_theme(archive: Archive):
    m1, t1 = make_meeting("a.txt", "Board", "2024-01-10",
                          [("Budget", "The budget for roads was set."), ("Roads", "Potholes on roads were reported.")],
                          themes={0: ["Finance"], 1: ["Highways"]})
    m2, t2 = make_meeting("b.txt", "Board", "2024-02-14", [("Grants", "Grant money for roads.")],
                          themes={0: ["Finance", "Highways"]})
    archive.write_many([tagged(m1, t1), tagged(m2, t2)])
    assert {h.heading for h in archive.search("roads", theme="Finance")} == {"Budget", "Grants"}
    assert {h.heading for h in archive.search("roads", theme="highways")} == {"Roads", "Grants"}
    # a theme alone lists its sections, newest first
    assert [h.heading for h in archive.search("", theme="Finance")] == ["Grants", "Budget"]
    assert archive.search("roads", theme="Nonexistent") == []
    assert archive.search("roads")[0].themes


def test_a_vector_finds_a_section_that_shares_no_word(archive: Archive):
    m, text = make_meeting("a.txt", "Board", "2024-01-10",
                           [("Playground", "The swings need new chains."), ("Budget", "Precept agreed."),
                            ("Roads", "Potholes reported.")])
    vecs = fake_vectors(3, 7)
    archive.write(tagged(m, text, vectors=vecs))
    q = vecs[0] + 0.05 * fake_vectors(1, 99)[0]  # near the Playground section
    assert archive.search("children's recreation equipment") == []
    hits = archive.search("children's recreation equipment", query_vector=q)
    assert hits[0].heading == "Playground" and hits[0].bm25 is None and hits[0].similarity > 0.9
    assert hits[0].snippet == "The swings need new chains."
    # both lists agree -> the fused score beats a text-only hit
    both = archive.search("potholes", query_vector=vecs[2])
    assert both[0].heading == "Roads" and both[0].text_rank == 1 and both[0].vector_rank == 1
    assert both[0].score == pytest.approx((Archive.W_TEXT + Archive.W_VECTOR) / 61, abs=1e-6)  # fitted weights
    # filters apply to vector hits too; a vector of another dimension is ignored
    assert all(h.heading != "Playground" for h in archive.search("", query_vector=q, since="2025"))
    assert archive.search("", query_vector=np.ones(DIM + 1)) == []
    assert archive.search("", query_vector=np.zeros(DIM)) == []


def test_vectors_are_refreshed_after_a_write(archive: Archive):
    m1, t1 = make_meeting("a.txt", "Board", "2024-01-10", [("One", "x")])
    archive.write(tagged(m1, t1, vectors=fake_vectors(1, 1)))
    archive.search("", query_vector=fake_vectors(1, 1)[0])
    m2, t2 = make_meeting("b.txt", "Board", "2024-01-11", [("Two", "y")])
    archive.write(tagged(m2, t2, vectors=fake_vectors(1, 2)))
    assert archive.search("", query_vector=fake_vectors(1, 2)[0])[0].heading == "Two"


# -------------------------------------------------------------------------------------------- actions


def test_actions_stay_open_until_a_later_meeting_records_them_done(archive: Archive):
    people = [Person(name="Jane Smith", aliases=["Jane"], roles=["present"])]
    m1, t1 = make_meeting("jan.txt", "Board", "2024-01-10", [("Playground", "Chains are worn.")], people=people,
                          attendance=[("Jane Smith", "present")], actions=[
                              {"owner": ["Jane"], "owner_resolved": ["Jane Smith"],
                               "task": "Obtain quotes for replacement swing chains", "due": "2024-02-01"},
                              {"owner": ["Clerk"], "task": "Write to the highways authority about potholes"}])
    m2, t2 = make_meeting("feb.txt", "Board", "2024-02-14", [("Matters arising", "Reviewed actions.")], actions=[
        {"owner": ["Jane"], "task": "Quotes obtained for the replacement swing chains", "status": "Complete"},
        {"owner": ["Clerk"], "task": "Book the village hall for the annual meeting", "status": "in progress"}])
    # written out of order: the closing meeting first
    archive.write(tagged(m2, t2))
    archive.write(tagged(m1, t1))
    rows = {r.task: r for r in archive.actions()}
    chains = rows["Obtain quotes for replacement swing chains"]
    assert not chains.open and not chains.done and chains.closed_on == "2024-02-14"
    assert rows["Write to the highways authority about potholes"].open
    assert rows["Quotes obtained for the replacement swing chains"].done
    open_tasks = {r.task for r in archive.actions(open_only=True)}
    assert open_tasks == {"Write to the highways authority about potholes",
                          "Book the village hall for the annual meeting"}
    assert [r.task for r in archive.actions(owner="Cllr Jane Smith")] == ["Obtain quotes for replacement swing chains",
                                                                       "Quotes obtained for the replacement swing chains"]
    assert [r.task for r in archive.actions(due_before="2024-03-01")] == ["Obtain quotes for replacement swing chains"]
    assert archive.actions(due_before="2024-01-01") == []
    # the view agrees
    view = set(column(archive, "SELECT task FROM open_actions"))
    assert view == open_tasks
    # re-writing the closing meeting keeps the link (no duplicate, no dangling id)
    archive.write(tagged(m2, t2))
    assert {r.task for r in archive.actions(open_only=True)} == open_tasks
    assert rows["Obtain quotes for replacement swing chains"].to_dict()["provenance"]["path"] == "jan.txt"


def test_an_earlier_done_action_does_not_close_a_later_one(archive: Archive):
    m1, t1 = make_meeting("a.txt", "Board", "2024-01-10", [("A", "x")],
                          actions=[{"task": "Renew the insurance policy", "status": "done"}])
    m2, t2 = make_meeting("b.txt", "Board", "2025-01-10", [("A", "x")],
                          actions=[{"task": "Renew the insurance policy"}])
    archive.write_many([tagged(m1, t1), tagged(m2, t2)])
    assert [r.meeting_date for r in archive.actions(open_only=True)] == ["2025-01-10"]


def test_task_matching_and_statuses():
    assert same_task("Obtain quotes for replacement swing chains", "Quotes obtained for the replacement swing chains")
    assert not same_task("Obtain quotes for swing chains", "Obtain quotes for hall roof repairs")
    assert same_task("Clerk to report", "Clerk to report")
    assert not same_task("Do it", "Do it")  # no content words
    assert is_done_status("Complete - 12/03") and is_done_status("DONE") and is_done_status("closed")
    assert not is_done_status("in progress") and not is_done_status("carried forward") and not is_done_status(None)


# --------------------------------------------------------------------------------------------- people


def test_people_across_real_minutes(real_archive: Archive):
    crane = real_archive.people(name="Laura Crane")
    cream = real_archive.people(name="laura cream")
    assert [p.name for p in crane] == ["Laura Crane"] and [p.name for p in cream] == ["Laura Cream"]
    assert cream[0].actions_owned >= 2 and crane[0].actions_owned == 0
    okoro = real_archive.people(name="Cllr Okoro")
    assert len(okoro) == 1 and okoro[0].present == 1 and okoro[0].name == "Cllr D Okoro"
    assert real_archive.people(name="Ian Needleman")[0].apologies == 1


def test_people_merge_only_on_evidence(archive: Archive):
    def meeting(file, d, people, attendance):
        m, t = make_meeting(file, "Group", d, [("Notes", "x")], people=people, attendance=attendance)
        return tagged(m, t)

    archive.write_many([
        meeting("1.txt", "2022-01-01",
                [Person(name="Graham Hart", aliases=["Graham"], roles=["chair"]),
                 Person(name="Laura Crane"), Person(name="Laura Cream")],
                [("Graham Hart", "chair"), ("Graham Hart", "present"), ("Laura Crane", "present"),
                 ("Laura Cream", "apologies")]),
        meeting("2.txt", "2022-02-01",
                [Person(name="Graham"), Person(name="Cllr Laura Crane"), Person(name="Laura Cream")],
                [("Graham", "present"), ("Cllr Laura Crane", "present"), ("Laura Cream", "present")]),
        # 'Sam' is an alias of two different full names: it merges nothing
        meeting("3.txt", "2022-03-01", [Person(name="Sam Jones", aliases=["Sam"])], [("Sam Jones", "present")]),
        meeting("4.txt", "2022-04-01", [Person(name="Sam Patel", aliases=["Sam"])], [("Sam Patel", "absent")]),
        meeting("5.txt", "2022-05-01", [Person(name="Sam")], [("Sam", "present")]),
    ])
    people = {p.name: p for p in archive.people()}
    graham = people["Graham Hart"]
    assert graham.meetings == 2 and graham.present == 2 and "Graham" in graham.aliases and graham.roles == ["chair"]
    assert graham.first_seen == "2022-01-01" and graham.last_seen == "2022-02-01"
    assert people["Laura Crane"].meetings == 2 and people["Laura Crane"].present == 2
    assert people["Laura Cream"].meetings == 2 and people["Laura Cream"].apologies == 1
    assert people["Sam Jones"].meetings == 1 and people["Sam Patel"].absent == 1 and people["Sam"].meetings == 1
    assert [p.name for p in archive.people(name="Graham")] == ["Graham Hart"]
    assert [p.name for p in archive.people(name="Cllr Graham Hart")] == ["Graham Hart"]
    assert archive.people(name="Nobody") == []
    assert name_key("Cllr Mrs Ánne Fenwick") == "anne fenwick"


# --------------------------------------------------------------------------------------------- themes


def test_theme_counts_by_period(archive: Archive):
    for i, (d, themes) in enumerate([("2024-01-10", {0: ["Finance"], 1: ["Finance", "Highways"]}),
                                     ("2024-02-14", {0: ["Finance"]}),
                                     ("2024-07-01", {1: ["Highways"]}),
                                     ("2025-03-03", {0: ["Finance"]}),
                                     (None, {0: ["Finance"]})]):
        m, t = make_meeting(f"{i}.txt", "Board", d, [("A", "a"), ("B", "b")], themes=themes)
        archive.write(tagged(m, t))
    by_month = [(t.period, t.label, t.sections, t.meetings) for t in archive.themes(by="month")]
    assert by_month == [("2024-01", "Finance", 2, 1), ("2024-01", "Highways", 1, 1), ("2024-02", "Finance", 1, 1),
                        ("2024-07", "Highways", 1, 1), ("2025-03", "Finance", 1, 1)]
    by_quarter = [(t.period, t.label, t.sections) for t in archive.themes(by="quarter")]
    assert by_quarter == [("2024-Q1", "Finance", 3), ("2024-Q1", "Highways", 1), ("2024-Q3", "Highways", 1),
                          ("2025-Q1", "Finance", 1)]
    by_year = [t.to_dict() for t in archive.themes(by="year")]
    assert by_year[0] == {"period": "2024", "label": "Finance", "sections": 3, "meetings": 2}
    with pytest.raises(ValueError):
        archive.themes(by="week")


def test_views_and_indexes_exist(archive: Archive):
    if is_pg(archive):
        names = set(column(archive, "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace"))
        assert {"meeting_overview", "open_actions", "theme_sections", "person_attendance"} <= names
        assert {"section_themes_label", "person_names_key", "meetings_date", "sections_tsv", "actions_tsv"} <= names
        archive.backend.conn.execute("SET enable_seqscan = off")
        plan = " ".join(column(archive, "EXPLAIN SELECT section_id FROM section_themes WHERE lower(label) = 'finance'"))
        plan += " ".join(column(archive, "EXPLAIN SELECT id FROM sections WHERE tsv @@ to_tsquery('minutebook', 'roof')"))
        assert "section_themes_label" in plan and "sections_tsv" in plan
        return
    names = {r[0] for r in archive.backend.conn.execute("SELECT name FROM sqlite_master")}
    assert {"meeting_overview", "open_actions", "theme_sections", "person_attendance"} <= names
    assert {"section_themes_label", "person_names_key", "meetings_date"} <= names
    plan = " ".join(r[3] for r in archive.backend.conn.execute(
        "EXPLAIN QUERY PLAN SELECT section_id FROM section_themes WHERE label = ?", ("Finance",)))
    assert "USING" in plan and "INDEX" in plan


# ------------------------------------------------------------------------ PostgreSQL and both backends


def test_postgres_connection_errors_are_one_line_without_the_password(pg_database):
    from pipeline.archive.postgres import _connect_error
    from pipeline.archive.url import redact

    url = "postgresql://minutes:s3cret-pw@127.0.0.1:1/archive"
    with pytest.raises(ArchiveError) as e:
        Archive.open(url)
    msg = str(e.value)
    assert e.value.code == "MB013" and "cannot connect" in msg and "127.0.0.1:1" in msg
    assert "s3cret-pw" not in msg and "***" in msg and len(msg.splitlines()) == 1
    missing = pg_database.server_url.rsplit("/", 1)[0] + "/no_such_database_xyz"
    with pytest.raises(ArchiveError, match="database 'no_such_database_xyz' does not exist") as e:
        Archive.open(missing, readonly=True)
    assert "createdb no_such_database_xyz" in str(e.value)
    from urllib.parse import urlsplit

    server = urlsplit(pg_database.server_url)
    with pytest.raises(ArchiveError, match="user does not exist") as e:
        Archive.open(f"postgresql://nobody_xyz:pw-9@{server.hostname}:{server.port or 5432}/postgres")
    assert "pw-9" not in str(e.value)
    # the server's wording for a wrong password (trust auth here cannot produce it)
    err = _connect_error(url, Exception('connection failed: connection to server at "127.0.0.1", port 5432 failed: '
                                        'FATAL:  password authentication failed for user "minutes"'))
    assert "refused the user name or password" in str(err) and "s3cret-pw" not in str(err)
    assert redact(url) == "postgresql://minutes:***@127.0.0.1:1/archive"
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"
    with pytest.raises(ArchiveError, match="no minutebook archive"):
        Archive.open(pg_database.url, readonly=True)  # a database without an archive


def test_a_lost_postgres_connection_is_an_archive_error(pg_archive_url: str):
    import psycopg

    m, text = make_meeting("a.txt", "Board", "2024-01-10", [("Budget", "The budget was set.")])
    with Archive.open(pg_archive_url) as a:
        pid = a.backend.conn.info.backend_pid
        with psycopg.connect(pg_archive_url, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(ArchiveError, match="connection failed") as e:
            a.write(tagged(m, text))
        assert len(str(e.value).splitlines()) == 1
        with pytest.raises(ArchiveError, match="connection failed"):
            a.search("budget")
    with Archive.open(pg_archive_url) as a:
        assert a.counts().documents == 0


def test_minutebook_db_may_be_a_postgres_url(pg_archive_url: str, monkeypatch):
    monkeypatch.setenv("MINUTEBOOK_DB", pg_archive_url)
    with Archive.open() as a:
        assert a.backend.name == "postgresql" and a.applied_migrations() == [n for n, _ in MIGRATIONS]


@pytest.fixture
def pg_archive(pg_archive_url):
    with Archive.open(pg_archive_url) as a:
        yield a


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=40))
def test_any_text_is_safe_in_a_tsquery(pg_archive: Archive, q: str):
    m, text = make_meeting("a.txt", "Board", "2024-01-10", [("Co-production", "the co-production of minutes")])
    if not pg_archive.counts().documents:
        pg_archive.write(tagged(m, text))
    pg_archive.search(q)
    pg_archive.search(q, theme="x", since="2020")


def _equivalence_docs(analysed) -> list[TaggedDocument]:
    docs = list(analysed.values())
    people = [Person(name="Jane Smith", aliases=["Jane"]), Person(name="Omar Haddad")]
    for i in range(12):
        secs = [("Budget", f"The budget for the roof repair was agreed at meeting {i}. Grant money is short."),
                ("Roads", "Potholes on Mill Lane were reported again; the roads survey is overdue." * (1 + i % 3)),
                ("Playground", "The swings need new chains and the playground fence a coat of paint.")]
        m, t = make_meeting(f"m{i:02d}.txt", "Parish Board", f"2023-{1 + i % 12:02d}-{10 + i}", secs, people=people,
                            attendance=[("Jane Smith", "present"), ("Omar Haddad", "apologies" if i % 2 else "present")],
                            actions=[{"owner": ["Jane"], "owner_resolved": ["Jane Smith"],
                                      "task": "Obtain quotes for the roof repair",
                                      "status": "done" if i == 7 else None}],
                            themes={0: ["Finance"], 1: ["Highways"], 2: ["Facilities"] if i % 2 else []})
        docs.append(tagged(m, t, vectors=fake_vectors(3, 100 + i)))
    return docs


EQUIVALENCE_QUERIES = ["speeding", "budget", "roof repair", "roads survey", "grant money", "co-production",
                       "Wellcome Trust", "funded", "playground chains", "Mill Lane", "swings fence paint",
                       "minutes", "xyzzy budget", "meeting"]


def test_both_backends_give_the_same_answers(tmp_path: Path, pg_archive_url: str, analysed):
    """The same documents written to SQLite and to PostgreSQL: every query command answers the same.
    Text search: the same sections, and the same meetings in the same order of first appearance."""
    docs = _equivalence_docs(analysed)
    answers = {}
    for name, target in (("sqlite", tmp_path / "a.db"), ("postgresql", pg_archive_url)):
        with Archive.open(target) as a:
            a.write_many(docs[:5])
            for d in docs[5:]:
                a.write(d)
            out: dict[str, object] = {"counts": a.counts()}
            for q in EQUIVALENCE_QUERIES:
                hits = a.search(q, limit=50)
                out[q + " sections"] = sorted((h.title, h.meeting_date, h.heading) for h in hits)
                out[q + " meetings"] = list(dict.fromkeys((h.title, h.meeting_date) for h in hits))
                out[q + " top"] = (hits[0].title, hits[0].meeting_date, hits[0].heading) if hits else None
            out["theme"] = [(h.meeting_date, h.heading) for h in a.search("", theme="finance", limit=50)]
            out["person"] = [(h.meeting_date, h.heading) for h in a.search("", person="Jane", limit=50)]
            out["dates"] = [(h.meeting_date, h.heading) for h in a.search("", since="2023-03", until="2023-05")]
            out["vector"] = [(h.meeting_date, h.heading, h.similarity)
                             for h in a.search("", query_vector=fake_vectors(3, 104)[1], limit=10)]
            out["text+vector"] = [(h.meeting_date, h.heading, h.vector_rank)
                                  for h in a.search("roads", query_vector=fake_vectors(3, 104)[1], limit=10)]
            out["actions"] = [r.to_dict() for r in a.actions()]
            out["open actions"] = [r.to_dict() for r in a.actions(open_only=True, owner="Jane Smith")]
            out["people"] = [p.to_dict() for p in a.people()]
            out["themes"] = {by: [t.to_dict() for t in a.themes(by=by)] for by in ("month", "quarter", "year")}
            answers[name] = out
    s, p = answers["sqlite"], answers["postgresql"]
    assert s["counts"].meetings == 14 and s["counts"].sections > 40
    assert any(x["closed_by_action_id"] for x in s["actions"])  # action linking ran
    for key in s:
        assert p[key] == s[key], key


def test_relocated_record_changes_only_the_file_fields():
    import json

    from pipeline.archive.backend import relocated

    old, new = "/a/docs/m.md", "/b/docs2/m.md"
    record = {"file": old, "title": f"see {old}", "title_provenance": {"file": old, "start": 0},
              "actions": [{"task": old, "provenance": {"file": old}}, {"provenance": {"file": "/a/other.md"}}]}
    got = json.loads(relocated(json.dumps(record), old, new))
    assert got == {"file": new, "title": f"see {old}", "title_provenance": {"file": new, "start": 0},
                   "actions": [{"task": old, "provenance": {"file": new}}, {"provenance": {"file": "/a/other.md"}}]}


# --------------------------------------------------------------------- action linking per series (issue 18)

_POOL = [("Repair the boiler in the village hall", "Boiler in the village hall repaired"),
         ("Renew the insurance policy for the pavilion", "Insurance policy for the pavilion renewed"),
         ("Order new chains for the playground swings", "New chains for the playground swings ordered"),
         ("Paint the fence along the cemetery path", "Fence along the cemetery path painted"),
         ("Clear the drains on Mill Lane before winter", "Drains on Mill Lane cleared before winter"),
         ("Obtain quotes for resurfacing the car park", "Quotes obtained for resurfacing the car park")]


def _generated_series(seed: int) -> list[TaggedDocument]:
    """Two series (their titles carry the date, as minutes' titles do) of 18 meetings each, sharing one pool of
    tasks: each meeting sets three actions, some reported done, a few meetings undated. Shuffled."""
    import random
    from datetime import date, timedelta

    rng = random.Random(seed)
    out = []
    for s, body in enumerate(("Parish Council", "Finance Committee")):
        for i in range(18):
            day = date(2023, 1, 5 + s) + timedelta(days=28 * i)
            when = None if i in (7, 13) else day.isoformat()
            title = f"Minutes of the {body} meeting held on {day.day} {day:%B %Y}"
            acts = []
            for j in rng.sample(range(len(_POOL)), 3):
                done = rng.random() < 0.35
                acts.append({"owner": ["Clerk"], "task": _POOL[j][1 if done and rng.random() < 0.5 else 0],
                             "status": "Complete" if done else rng.choice([None, "in progress"])})
            m, text = make_meeting(f"/gen/{s}-{i:02d}.txt", title, when, [("Actions", f"Actions of meeting {i}.")],
                                   actions=acts)
            out.append(tagged(m, text, content_hash=f"gen-{s}-{i:02d}"))
    rng.shuffle(out)
    return out


def _links(a: Archive) -> list[tuple]:
    return sorted((r.title, r.meeting_date or "", r.task, r.open, r.closed_on or "") for r in a.actions())


def _expected_links(docs: list[TaggedDocument], *, per_series: bool = True) -> list[tuple]:
    """The rule, by brute force: a not-done action of a dated meeting is closed by the earliest later meeting of
    its series (or of the whole archive: ``per_series=False``) with a done action of the same task."""
    from pipeline.archive.text import series_key
    from pipeline.core.tasks import same_task

    acts = [(series_key(d.meeting.title) if per_series else "", d.meeting.title, d.meeting.meeting_date, a.task,
             a.status == "Complete") for d in docs for a in d.meeting.actions]
    out = []
    for s, title, when, task, done in acts:
        closers = sorted(w for s2, _, w, t2, d2 in acts if s2 == s and d2 and when and w and w > when
                         and same_task(task, t2))
        closed_on = closers[0] if closers and not done and when else ""
        out.append((title, when or "", task, not done and not closed_on, closed_on))
    return sorted(out)


def test_links_are_the_same_written_in_one_batch_or_one_document_at_a_time(db, tmp_path: Path):
    docs = _generated_series(seed=18)
    with Archive.open(tmp_path / "one-at-a-time.db") as one:
        for d in docs:
            one.write(d)
        want = _links(one)
    with Archive.open(db) as batch:
        batch.write_many(docs)
        assert _links(batch) == want
        # a rerun of part of the batch (resume after a kill) replaces those documents and links the same way
        batch.write_many(docs[5:20])
        assert _links(batch) == want
    assert want == _expected_links(docs)
    assert sum(1 for x in want if x[4]) >= 10  # many actions closed by a later meeting
    # never across series: the same task done by the other body leaves an action open
    assert want != _expected_links(docs, per_series=False)


def test_action_linking_reads_one_series_not_the_archive(db):
    """The linking pass reads the actions of the batch's series only (the ``meetings_series`` index)."""
    docs = _generated_series(seed=3)
    with Archive.open(db) as a:
        a.write_many([d for d in docs if "Finance" in d.meeting.title])
        calls: list[list[str]] = []
        real = a.backend.series_actions

        def spy(keys):
            calls.append(list(keys))
            return real(keys)

        a.backend.series_actions = spy  # type: ignore[method-assign]
        a.write_many([d for d in docs if "Parish" in d.meeting.title])
        assert calls == [["parish council"]]


# ------------------------------------------------------------------------- the ANN index of vectors (issue 18)


def _vector_docs(n: int, start: int, seed: int) -> list[TaggedDocument]:
    """``n`` one-meeting documents of four sections each, with random vectors."""
    out = []
    for i in range(start, start + n):
        m, text = make_meeting(f"/vec/m{i:03d}.txt", "Board", f"20{10 + i % 15:02d}-03-0{1 + i % 9}",
                               [(f"Item {j}", f"Body {i} {j}.") for j in range(4)])
        out.append(tagged(m, text, content_hash=f"vec-{i:03d}", vectors=fake_vectors(4, seed + i)))
    return out


def _vector_hits(a: Archive, q, **kw) -> list[tuple[int, float]]:
    return [(h.section_id, h.similarity) for h in a.search("", query_vector=q, limit=10, **kw)]


def test_a_large_archive_searches_vectors_through_an_index_kept_in_step(db, tmp_path: Path, monkeypatch):
    from pipeline.archive import vectors

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # PostgreSQL: the index files go there
    monkeypatch.setattr(vectors, "ANN_MIN", 40)
    monkeypatch.setattr(vectors, "SAVE_SECONDS", 0.0)
    qs = fake_vectors(8, 999)
    with Archive.open(db) as a:
        a.write_many(_vector_docs(8, 0, 1))  # 32 sections: below the threshold, scanned
        assert not a._ann and a._vector_ranked(qs[0], Filters(), 10)
        a.write_many(_vector_docs(12, 8, 1))  # 80: the index is made, and used
        idx = a._ann[DIM]
        assert idx.live == 80 and idx.version == a.backend.archive_version()
        base = a._ann_base()
        assert Path(f"{base}-{DIM}.faiss").exists() and Path(f"{base}-{DIM}.npz").exists()
        if not is_pg(a):
            assert str(base).startswith(str(db))  # beside the SQLite file
        with_index = [_vector_hits(a, q) for q in qs]
        # updated incrementally: a new document's sections are found; a replaced one's old vectors are not
        new = _vector_docs(1, 20, 7)[0]
        a.write(new)
        assert a._ann[DIM] is idx and idx.live == 84
        hit = a.search("", query_vector=new.section_vectors[2], limit=1)[0]
        assert hit.heading == "Item 2" and hit.provenance.path == "/vec/m020.txt" and hit.similarity == pytest.approx(1.0)
        old = _vector_docs(1, 3, 1)[0]
        replaced = tagged(old.meeting, old.text, content_hash="vec-003-new", vectors=fake_vectors(4, 5000))
        a.write(replaced)
        assert idx.live == 84 and len(idx.ids) == 88
        assert a.search("", query_vector=old.section_vectors[0], limit=1)[0].similarity < 0.999
        assert a.search("", query_vector=replaced.section_vectors[0], limit=1)[0].similarity == pytest.approx(1.0)
        # filters: only allowed sections (exactly, they are few)
        assert all(h.meeting_date >= "2020" for h in a.search("", query_vector=qs[0], since="2020", limit=10))
    # the same answers as the exact scan (this small index is exact), from a fresh process's files
    with Archive.open(db, readonly=True) as r:
        assert [_vector_hits(r, q) for q in qs] != []
        got = [_vector_hits(r, q) for q in qs]
        assert DIM in r._ann
        monkeypatch.setattr(vectors, "ANN_MIN", 10**9)
        r._ann.clear()
        monkeypatch.setattr(vectors.VectorIndex, "load", classmethod(lambda cls, *a: None))
        exact = [_vector_hits(r, q) for q in qs]
    assert got == exact
    assert with_index[0][0][1] >= with_index[0][-1][1]


def test_a_missing_or_stale_index_is_rebuilt(db, tmp_path: Path, monkeypatch):
    from pipeline.archive import vectors

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(vectors, "ANN_MIN", 20)
    monkeypatch.setattr(vectors, "SAVE_SECONDS", 3600.0)  # the writer saves only on close
    with Archive.open(db) as a:
        a.write_many(_vector_docs(10, 0, 1))
        base = a._ann_base()
    files = [Path(f"{base}-{DIM}.faiss"), Path(f"{base}-{DIM}.npz")]
    assert all(p.exists() for p in files)
    with Archive.open(db) as a:  # a writer of an older minutebook, or one killed before it saved: files behind
        a._ann_index = lambda dim: None  # type: ignore[method-assign]
        a.write_many(_vector_docs(5, 10, 1))
    with Archive.open(db, readonly=True) as r:  # caught up from the table on loading
        q = _vector_docs(1, 12, 1)[0].section_vectors[1]
        assert r.search("", query_vector=q, limit=1)[0].similarity == pytest.approx(1.0)
        assert r._ann[DIM].live == 60
    files[0].write_bytes(b"not an index")
    with Archive.open(db) as a:  # unreadable: made again from the table
        assert a.search("", query_vector=q, limit=1)[0].similarity == pytest.approx(1.0)
        assert a._ann[DIM].live == 60


def test_actions_carried_to_a_meeting_of_the_series(db):
    plan = [("2024-01-10", [("Repair the boiler in the hall", None), ("Order new chairs", None)]),
            ("2024-02-14", [("Boiler in the hall repaired", "Complete")]),
            ("2024-03-13", [])]
    with Archive.open(db) as a:
        for day, acts in plan:
            m, text = make_meeting(f"/c/hall-{day}.txt", f"Hall committee meeting {day}", day, [("Building", "Talked.")],
                                   actions=[{"owner": ["Ann"], "task": t, "status": s} for t, s in acts])
            a.write(tagged(m, text))
        ids = {d.meeting_date: d.meeting_id for d in a.documents()}
        feb = a.carried_actions(ids["2024-02-14"], "Hall committee meeting 2024-02-14", "2024-02-14")
        mar = a.carried_actions(ids["2024-03-13"], "Hall committee meeting 2024-03-13", "2024-03-13")
        assert sorted((c.task, c.closed_here, c.meeting_date) for c in feb) == [
            ("Order new chairs", False, "2024-01-10"), ("Repair the boiler in the hall", True, "2024-01-10")]
        assert [c.task for c in mar] == ["Order new chairs"]
        assert a.carried_actions(ids["2024-01-10"], "Hall committee meeting 2024-01-10", "2024-01-10") == []
        assert len(a.carried_actions(ids["2024-02-14"], "Hall committee meeting", "2024-02-14", limit=1)) == 1
