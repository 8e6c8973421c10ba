"""End-to-end CLI tests: output formats and every bad-input case (one line, exit 2, no traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest
from helpers import CORPUS, make_image_only_pdf, make_text_pdf, write
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()

MINUTES = """Riverside Allotment Society
Committee meeting minutes: Tuesday 4 March 2025

Present: Ann Lee (chair), Bob Stone, Carla Diaz
Apologies: Dev Patel

1. Apologies
Noted as above.

2. Water supply
The committee agreed to repair the standpipe.
"""


def run(*args: str):
    return runner.invoke(app, list(args))


def assert_one_line_error(result, name: str, code: str | None = None):
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert name in err
    assert "Traceback" not in err and "Traceback" not in result.stdout
    assert ";" in err  # message; next step
    if code:
        assert f"[{code}]" in err


def test_analyse_json_has_gold_keys(tmp_path):
    p = write(tmp_path, "m.txt", MINUTES)
    r = run("analyse", str(p))
    assert r.exit_code == 0, r.stderr
    rec = json.loads(r.stdout)
    for key in ("meeting_date", "title", "attendees", "actions", "sections", "themes", "next_meeting", "decisions",
                "people", "warnings", "schema_version"):
        assert key in rec
    assert rec["meeting_date"] == "2025-03-04"
    assert rec["attendees"]["present"] == ["Ann Lee", "Bob Stone", "Carla Diaz"]
    assert rec["attendees"]["apologies"] == ["Dev Patel"]
    assert rec["attendees"]["chair"] == "Ann Lee"
    assert rec["sections"] == ["Apologies", "Water supply"]
    # provenance: every attendance entry and section points at its text
    text_of = {e["name"]: e["provenance"]["text"] for e in rec["attendance"]}
    assert text_of["Bob Stone"] == "Bob Stone"
    assert rec["section_tree"][1]["provenance"]["text"].startswith("2. Water supply")
    assert rec["meeting_date_detail"]["text"] == "Tuesday 4 March 2025"


def test_analyse_markdown_output_and_file(tmp_path):
    p = write(tmp_path, "m.txt", MINUTES)
    out = tmp_path / "out.md"
    r = run("analyse", str(p), "--format", "md", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    md = out.read_text()
    assert md.startswith("# Riverside Allotment Society")
    assert "**Present:** Ann Lee, Bob Stone, Carla Diaz" in md
    assert "2025-03-04" in md


def test_markdown_output_escapes_document_text(tmp_path):
    p = write(tmp_path, "x.txt", "Club <script>alert(1)</script> meeting 4 March 2025\n\n"
                                 "Present: [Eve](javascript:alert(1)), Bob Stone\n")
    r = run("analyse", str(p), "-f", "md")
    assert r.exit_code == 0, r.stderr
    assert "<script>" not in r.stdout
    assert "](javascript:" not in r.stdout


def test_missing_file():
    assert_one_line_error(run("analyse", "no/such/minutes.pdf"), "minutes.pdf", "MB001")


def test_folder_is_not_a_file(tmp_path):
    assert_one_line_error(run("analyse", str(tmp_path)), tmp_path.name, "MB001")


def test_unknown_extension(tmp_path):
    p = write(tmp_path, "minutes.xyz", "Present: A")
    assert_one_line_error(run("analyse", str(p)), "minutes.xyz", "MB002")


def test_unknown_extension_can_be_overridden(tmp_path):
    p = write(tmp_path, "minutes.xyz", MINUTES)
    r = run("analyse", str(p), "--as", "text")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["meeting_date"] == "2025-03-04"


def test_empty_file(tmp_path):
    p = write(tmp_path, "empty.txt", b"")
    assert_one_line_error(run("analyse", str(p)), "empty.txt", "MB004")


def test_whitespace_only_file(tmp_path):
    p = write(tmp_path, "blank.md", "\n\n   \n\t\n")
    assert_one_line_error(run("analyse", str(p)), "blank.md", "MB004")


def test_wrong_extension_pdf_named_docx(tmp_path):
    pdf = make_text_pdf(tmp_path / "real.pdf", [["Minutes of the meeting 4 March 2025"]])
    p = write(tmp_path, "minutes.docx", pdf.read_bytes())
    assert_one_line_error(run("analyse", str(p)), "minutes.docx", "MB003")
    # ... and --as reads it for what it is
    r = run("analyse", str(p), "--as", "pdf")
    assert r.exit_code == 0, r.stderr


def test_wrong_extension_docx_named_pdf(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("Minutes 4 March 2025")
    src = tmp_path / "a.docx"
    d.save(src)
    p = write(tmp_path, "minutes.pdf", src.read_bytes())
    assert_one_line_error(run("analyse", str(p)), "minutes.pdf", "MB003")


def test_binary_file_with_txt_extension(tmp_path):
    p = write(tmp_path, "notes.txt", bytes(range(256)) * 40)
    assert_one_line_error(run("analyse", str(p)), "notes.txt", "MB002")


def test_damaged_legacy_word_doc(tmp_path):
    import shutil

    p = write(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    r = run("analyse", str(p))
    if shutil.which("soffice"):  # LibreOffice converts .doc files; this one is damaged
        assert_one_line_error(r, "old.doc", "MB006")
    else:  # without it, the line says how to install it
        assert_one_line_error(r, "old.doc", "MB002")
        assert "libreoffice" in r.stderr
    assert "docx" in r.stderr  # and what to save it as


def test_forced_encoding_that_does_not_fit(tmp_path):
    p = write(tmp_path, "m.txt", "Café committee — minutes 4 March 2025\n")
    assert_one_line_error(run("analyse", str(p), "--encoding", "ascii"), "m.txt", "MB008")


def test_broken_utf16(tmp_path):
    p = write(tmp_path, "m.txt", b"\xff\xfe" + "Minutes".encode("utf-16-le") + b"\x00\xd8")
    assert_one_line_error(run("analyse", str(p)), "m.txt", "MB008")


def test_latin1_text_is_read(tmp_path):
    p = write(tmp_path, "m.txt", "Caf\xe9 committee minutes 4 March 2025\n\nPresent: Ren\xe9e Dupont, Bob Stone\n".encode("latin-1"))
    r = run("analyse", str(p))
    assert r.exit_code == 0, r.stderr
    assert "Renée Dupont" in json.loads(r.stdout)["attendees"]["present"]


def test_corrupt_pdf(tmp_path):
    p = write(tmp_path, "broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage" * 3)
    assert_one_line_error(run("analyse", str(p)), "broken.pdf")


def test_truncated_pdf(tmp_path):
    good = make_text_pdf(tmp_path / "good.pdf", [["Minutes 4 March 2025"] * 20] * 3)
    p = write(tmp_path, "truncated.pdf", good.read_bytes()[: len(good.read_bytes()) // 3])
    r = run("analyse", str(p))
    # a truncated PDF either still yields its readable pages or fails with one clear line
    if r.exit_code != 0:
        assert_one_line_error(r, "truncated.pdf")


def test_encrypted_pdf(tmp_path):
    p = make_text_pdf(tmp_path / "secret.pdf", [["Minutes 4 March 2025"]], password="s3cret")
    assert_one_line_error(run("analyse", str(p)), "secret.pdf", "MB005")


def test_scanned_pdf(tmp_path):
    p = make_image_only_pdf(tmp_path / "scan.pdf")
    r = run("analyse", str(p))
    assert_one_line_error(r, "scan.pdf", "MB007")
    assert "OCR" in r.stderr


def test_corrupt_docx(tmp_path):
    p = write(tmp_path, "broken.docx", b"PK\x03\x04" + b"word/document.xml" + b"\x00garbage" * 50)
    assert_one_line_error(run("analyse", str(p)), "broken.docx", "MB006")


def test_docx_without_document_part(tmp_path):
    p = tmp_path / "hollow.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("word/styles.xml", "<w:styles/>")
    assert_one_line_error(run("analyse", str(p)), "hollow.docx", "MB006")


def test_debug_shows_the_traceback():
    r = run("analyse", "no/such/file.txt", "--debug")
    assert r.exit_code != 0
    assert r.exception is not None and r.exception.__class__.__name__ == "InputNotFound"


def test_help_is_instant_and_loads_no_reader():
    code = ("import sys; from typer.testing import CliRunner; from pipeline.cli import app; "
            "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0; "
            "heavy = [m for m in ('pdfminer', 'docx', 'bs4', 'lxml', 'dateparser', 'spacy', 'torch', 'transformers') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_schema_command():
    r = run("schema")
    assert r.exit_code == 0
    schema = json.loads(r.stdout)
    assert "meeting_date" in schema["properties"]


def test_console_script_runs_on_corpus_file():
    seed = CORPUS / "seed" / "seed-minutes.txt"
    if not seed.exists():
        pytest.fail("corpus/seed/seed-minutes.txt is missing from the repository")
    exe = [sys.executable, "-m", "pipeline.cli", "analyse", str(seed), "--format", "md"]
    out = subprocess.run(exe, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "2022-04-27" in out.stdout


def test_size_limit_names_its_option(tmp_path):
    p = write(tmp_path, "big.txt", "Minutes of the meeting on 4 March 2025. " * 40000)  # about 1.6 MB
    r = run("analyse", str(p), "--max-mb", "1")
    assert_one_line_error(r, "big.txt", "MB009")
    assert "--max-mb" in r.stderr


# ---- output paths are checked before any work (issue 19) ----------------------------------------

@pytest.fixture
def no_analysis(monkeypatch):
    import pipeline.cli as cli

    def refuse(*a, **k):
        raise AssertionError("the analysis ran before the output path was checked")

    monkeypatch.setattr(cli, "_analyse", refuse)


@pytest.mark.parametrize("command", ["summarise", "analyse"])
def test_output_equal_to_the_input_is_refused_and_the_input_kept(tmp_path, no_analysis, command):
    p = write(tmp_path, "m.md", MINUTES)
    assert_one_line_error(run(command, str(p), "-o", str(p)), "m.md", "MB022")
    assert p.read_text(encoding="utf-8") == MINUTES
    (tmp_path / "link.md").symlink_to(p)
    assert_one_line_error(run(command, str(p), "-o", str(tmp_path / "link.md")), "link.md", "MB022")
    assert p.read_text(encoding="utf-8") == MINUTES


@pytest.mark.parametrize("command", ["summarise", "analyse"])
def test_output_in_a_missing_folder_or_a_folder_is_refused_naming_the_output(tmp_path, no_analysis, command):
    p = write(tmp_path, "m.md", MINUTES)
    r = run(command, str(p), "-o", str(tmp_path / "missing" / "x.md"))
    assert_one_line_error(r, "missing/x.md", "MB022")
    assert_one_line_error(run(command, str(p), "-o", str(tmp_path)), str(tmp_path), "MB022")
    if command == "summarise":
        r = run(command, str(p), "-o", str(tmp_path / "d.md"), "--calendar", str(p))
        assert_one_line_error(r, "m.md", "MB022")
        assert p.read_text(encoding="utf-8") == MINUTES


def test_docx_draft_without_output_is_a_bad_option(tmp_path, no_analysis):
    p = write(tmp_path, "m.md", MINUTES)
    assert_one_line_error(run("summarise", str(p), "-f", "docx"), "m.md", "MB024")


def test_output_written_atomically(tmp_path):
    p = write(tmp_path, "m.md", MINUTES)
    out = tmp_path / "record.json"
    out.write_text("previous record")
    r = run("analyse", str(p), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["title"]
    assert sorted(x.name for x in tmp_path.iterdir()) == ["m.md", "record.json"]


def test_a_bad_since_is_a_bad_option_not_an_archive_error(tmp_path):
    from pipeline.archive.archive import Archive

    db = tmp_path / "a.db"
    Archive.open(db).close()  # an empty archive
    r = run("search", "budget", "--since", "last tuesday", "--text-only", "--db", str(db))
    assert_one_line_error(r, "last tuesday", "MB024")
    r = run("actions", "--due-before", "2024-13-01", "--db", str(db))
    assert_one_line_error(r, "2024-13-01", "MB024")


def test_search_syntax_on_the_command_line(tmp_path):
    from pipeline.archive.archive import Archive

    db = tmp_path / "a.db"
    Archive.open(db).close()  # an empty archive
    r = run("search", "--text-only", "--db", str(db), "--", "-budget")  # only a word to leave out: says so
    assert_one_line_error(r, "Only words to leave out", "MB024")
    for q in ['"budget review" library OR museum -parking lib*', '"unbalanced', "OR", "*", "a OR"]:
        assert run("search", q, "--text-only", "--db", str(db)).exit_code == 0, q
    assert run("search", "--theme", "finance", "--text-only", "--db", str(db), "--", "-budget").exit_code == 0


def test_control_characters_in_a_file_name_are_escaped_in_the_error(tmp_path):
    p = tmp_path / "evil\nname\x1b[31m.xyz"
    p.write_text(MINUTES, encoding="utf-8")
    r = run("analyse", str(p))
    assert_one_line_error(r, "evil\\nname\\x1b[31m.xyz", "MB002")
    assert "\x1b" not in r.stderr
