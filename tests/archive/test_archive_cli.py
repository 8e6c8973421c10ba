"""The archive through the CLI: tag the corpus, then search, actions, people and themes (each test
runs against a SQLite file and a PostgreSQL archive; see tests/pgtest.py)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from helpers import CORPUS
from pgtest import BACKENDS
from typer.testing import CliRunner

from pipeline.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()


@pytest.fixture(scope="module", params=BACKENDS)
def db(request, tmp_path_factory):
    if request.param == "sqlite":
        path = str(tmp_path_factory.mktemp("archive") / "archive.db")
    else:
        pg = request.getfixturevalue("pg_database")
        path = pg.new_archive()
        request.addfinalizer(lambda: pg.drop_archive(path))
    r = runner.invoke(app, ["tag", str(CORPUS / "seed"), str(CORPUS / "samples"), "--db", path, "-q"])
    assert r.exit_code == 0, r.stderr
    return path


def run_json(*args):
    r = runner.invoke(app, [*args, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_second_tag_run_skips_everything(db):
    r = runner.invoke(app, ["tag", str(CORPUS / "seed"), str(CORPUS / "samples"), "--db", str(db)])
    assert r.exit_code == 0, r.stderr
    assert "0 tagged" in r.stderr and "skipped" in r.stderr


def seed_funding(hits):
    return [h for h in hits if h["heading"] == "Funding" and "Co-Production" in (h["title"] or "")]


def test_search_by_theme_words_and_meaning(db):
    assert seed_funding(run_json("search", "", "--theme", "finance", "--db", str(db), "-n", "50"))
    hits = run_json("search", "Wellcome Trust", "--db", str(db), "-n", "5")
    assert seed_funding(hits) and "[Wellcome]" in hits[0]["snippet"]
    hits = run_json("search", "money running out for staff", "--db", str(db), "-n", "5")
    assert seed_funding(hits)
    assert all(h["provenance"]["path"] for h in hits)


@pytest.mark.parametrize("query", ['"', "a\"b", "NOT", "AND OR", "foo*", "(x", "co-production", "🙂", "'; DROP TABLE x;--"])
def test_search_is_safe_for_any_text(db, query):
    r = runner.invoke(app, ["search", query, "--db", str(db), "--text-only"])
    assert r.exit_code == 0, r.stderr


def test_actions_by_person_and_open(db):
    rows = run_json("actions", "--owner", "Laura Cream", "--db", str(db))
    assert rows and all(any("Laura Cream" in o for o in r["owner"]) for r in rows)
    assert not any("Laura Crane" in " ".join(r["owner"]) for r in rows)
    open_rows = run_json("actions", "--open", "--db", str(db))
    assert open_rows and all(r["open"] for r in open_rows)
    r = runner.invoke(app, ["actions", "--owner", "Laura Cream", "--db", str(db), "-f", "csv"])
    assert next(csv.reader(io.StringIO(r.stdout)))[:3] == ["meeting", "owner", "task"]


def test_people_keeps_similar_names_apart(db):
    rows = run_json("people", "--db", str(db))
    names = {r["name"] for r in rows}
    assert "Laura Crane" in names and "Laura Cream" in names
    cream = next(r for r in rows if r["name"] == "Laura Cream")
    assert cream["present"] >= 3 and cream["actions_owned"] >= 2


@pytest.mark.parametrize("ext", ["png", "svg"])
def test_themes_table_and_chart(db, tmp_path, ext):
    chart = tmp_path / f"themes.{ext}"
    r = runner.invoke(app, ["themes", "--by", "quarter", "--chart", str(chart), "--db", str(db)])
    assert r.exit_code == 0, r.stderr
    assert chart.exists() and chart.stat().st_size > 1000
    rows = run_json("themes", "--by", "year", "--db", str(db))
    assert {"period", "label", "sections"} <= set(rows[0])


def test_missing_archive_is_a_clear_error(tmp_path):
    r = runner.invoke(app, ["search", "x", "--db", str(tmp_path / "nope.db"), "--text-only"])
    assert r.exit_code == 2 and "nope.db" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_tag_limits_fail_one_file_and_go_on(tmp_path):
    """--max-words/--max-mb/--max-pages reach the worker: the file over a limit is FAILED with its one-line
    reason, the others are stored; failed files are reported, not fatal (exit 0)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "short.txt").write_text("Minutes of the Parish Council, 4 March 2025\n\nPresent: Ana Lima, Bo Chen\n\n"
                                    "1. Budget\nThe council agreed the budget.\n")
    (docs / "long.txt").write_text("Minutes of the Parish Council, 5 March 2025\n\n" + "budget review " * 2000 + "\n")
    path = tmp_path / "a.db"
    r = runner.invoke(app, ["tag", str(docs), "--db", str(path), "--max-words", "1000", "--timeout", "60"])
    assert r.exit_code == 0, r.stderr
    assert "1 failed" in r.stderr and "long.txt" in r.stderr and "1,000-word limit" in r.stderr and "Traceback" not in r.stderr
    from pipeline.archive.archive import Archive

    with Archive.open(path, readonly=True) as a:
        st = {d.path.rsplit("/", 1)[-1]: d for d in a.documents()}
    assert st["short.txt"].status in ("SUCCESS", "PARTIAL")
    assert st["long.txt"].status == "FAILED" and "[MB009]" in st["long.txt"].error
    r = runner.invoke(app, ["tag", str(docs), "--db", str(tmp_path / "b.db"), "--max-mb", "1", "--max-pages", "5",
                            "-q", "--profile"])
    assert r.exit_code == 0, r.stderr  # within those limits both files are fine
    # --profile: where the time went, the writer split by statement
    assert "profile: parent busy" in r.stderr and "writer per document (ms): documents" in r.stderr
    assert "2 documents computed, 2 written" in r.stderr


def test_a_bad_database_url_is_one_line_without_the_password(pg_database):
    server = pg_database.server_url.split("@", 1)[1].rsplit("/", 1)[0]
    for url, expected in ((f"postgresql://postgres:hunter2-pw@{server}/no_such_db_here", "does not exist"),
                          ("postgresql://someone:hunter2-pw@127.0.0.1:1/archive", "cannot connect")):
        r = runner.invoke(app, ["search", "x", "--db", url, "--text-only"])
        assert r.exit_code == 2 and expected in r.stderr, r.stderr
        assert "hunter2-pw" not in r.stderr + r.stdout and len(r.stderr.strip().splitlines()) == 1
