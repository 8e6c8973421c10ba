"""`minutebook summarise`: the draft a secretary checks, in every format, from every seed rendition."""

from __future__ import annotations

import json

import pytest
from helpers import CORPUS
from typer.testing import CliRunner

from pipeline.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()
SEED = CORPUS / "seed"


@pytest.mark.parametrize("name", ["seed-minutes.txt", "seed-minutes.pdf", "seed-minutes.docx"])
def test_seed_draft_markdown(name):
    r = runner.invoke(app, ["summarise", str(SEED / name), "--quiet"])
    assert r.exit_code == 0, r.stderr
    md = r.stdout
    assert r.stderr == ""  # --quiet: no progress
    # the funding theme names the Wellcome Trust fund ending in September 2022 and the core staff roles
    finance = md.split("### Finance", 1)[1].split("\n### ", 1)[0]
    assert "Wellcome Trust" in finance and "September 2022" in finance and "core staff" in finance
    # the diversity theme carries the membership discussion
    diversity = md.split("### Diversity", 1)[1].split("\n### ", 1)[0]
    assert "Rethinking the Allies Group" in diversity
    # the actions table has the four table actions with owners and deadlines
    table = md.split("## Actions", 1)[1].split("\n## ", 1)[0]
    for owner, due in [("Laura Cream, Marc", "May 2022"), ("Graham, Sarah, team (group)", "May 2022"),
                       ("Lizzie, Nicc, All (group)", "June 2022"), ("Laura Cream, Graham", "Ongoing")]:
        assert any(owner in row and due in row for row in table.splitlines()), (owner, due)
    assert "2022-07-22" in md or "22 July 2022" in md


def test_progress_on_stderr_without_quiet(tmp_path):
    r = runner.invoke(app, ["summarise", str(SEED / "seed-minutes.txt"), "-o", str(tmp_path / "d.md")])
    assert r.exit_code == 0, r.stderr
    for stage in ("extract", "structure", "detect", "themes", "summarise"):
        assert stage in r.stderr
    assert (tmp_path / "d.md").read_text().startswith("# ")


def test_docx_html_json_and_calendar(tmp_path):
    import docx
    from bs4 import BeautifulSoup
    from icalendar import Calendar

    out = tmp_path / "draft.docx"
    cal = tmp_path / "seed.ics"
    r = runner.invoke(app, ["summarise", str(SEED / "seed-minutes.pdf"), "-f", "docx", "-o", str(out),
                            "--calendar", str(cal), "-q"])
    assert r.exit_code == 0, r.stderr
    d = docx.Document(str(out))
    assert any("Laura Cream" in c.text for t in d.tables for row in t.rows for c in row.cells)
    events = [c for c in Calendar.from_ical(cal.read_bytes()).walk() if c.name == "VEVENT"]
    assert len(events) >= 2

    r = runner.invoke(app, ["summarise", str(SEED / "seed-minutes.txt"), "-f", "html", "-q"])
    assert r.exit_code == 0
    soup = BeautifulSoup(r.stdout, "lxml")
    assert soup.title and not soup.find_all("script")

    r = runner.invoke(app, ["summarise", str(SEED / "seed-minutes.txt"), "-f", "json", "-q"])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["actions"]


def test_docx_needs_an_output_file():
    r = runner.invoke(app, ["summarise", str(SEED / "seed-minutes.txt"), "-f", "docx", "-q"])
    assert r.exit_code == 2
    assert "-o" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_unknown_summariser_is_a_clear_error():
    r = runner.invoke(app, ["summarise", str(SEED / "seed-minutes.txt"), "--summariser", "no-such-model", "-q"])
    assert r.exit_code == 2
    assert "no-such-model" in r.stderr and "download" in r.stderr


def test_user_themes_file(tmp_path):
    themes = tmp_path / "themes.toml"
    themes.write_text('format = 1\nmode = "extend"\n\n[labels.co_production]\n'
                      'description = "co-production with people with lived experience"\n'
                      'examples = ["co-producing research with the community", "lived experience partners"]\n')
    r = runner.invoke(app, ["analyse", str(SEED / "seed-minutes.txt"), "--themes", str(themes)])
    assert r.exit_code == 0, r.stderr
    labels = {lab for labs in json.loads(r.stdout)["themes"].values() for lab in labs}
    assert labels  # tagging ran with the extended taxonomy
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\nmode = "sideways"\n')
    r = runner.invoke(app, ["analyse", str(SEED / "seed-minutes.txt"), "--themes", str(bad)])
    assert r.exit_code == 2 and "bad.toml" in r.stderr
