"""Hostile and broken input: every class in tests/hostile.py ends in a clean record or a one-line
``MinutebookError`` (exit 2 naming the file) - never a traceback, a hang, or an empty SUCCESS.

Each test runs under ``signal.alarm`` so a hang fails instead of blocking the suite. Errors are
checked through the CLI (``minutebook analyse``; extraction fails before any model is loaded, so
this is fast); clean records through ``read_document`` (the CLI would load the NLP models).
The full matrix with memory caps and random variation is ``bench/robustness.py``.
"""

from __future__ import annotations

import random
import re
import signal
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

import hostile  # noqa: E402

from pipeline.cli import app  # noqa: E402
from pipeline.core.errors import LimitExceeded, MinutebookError  # noqa: E402
from pipeline.extract import ReadOptions, read_document  # noqa: E402

_CODE = re.compile(r"\[(MB\d{3})\]")


class _Hang(Exception):
    pass


# A guard against a hang, not a speed target (speed is measured in bench/robustness.py): a test that
# has made no answer in ten minutes is stuck, whatever else the CI machine is doing.
HANG_GUARD = 600


@pytest.fixture
def bound():
    """Fail (not block) when the test body hangs: ``bound(n)`` names the seconds the work takes on a
    quiet machine (documentation), the guard itself is HANG_GUARD."""
    old = None

    def start(seconds: int) -> None:
        nonlocal old

        def on_alarm(signum, frame):
            raise _Hang(f"no answer after {max(seconds, HANG_GUARD)} s")

        old = signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(max(seconds, HANG_GUARD))

    yield start
    signal.alarm(0)
    if old is not None:
        signal.signal(signal.SIGALRM, old)


def _make(tmp_path: Path, cls: str, **kw) -> Path:
    gen, _ = hostile.CLASSES[cls]
    return gen(tmp_path, random.Random(0), **kw)


def _cli_error(path: Path, codes: set[str]) -> str:
    res = CliRunner().invoke(app, ["analyse", str(path)])
    assert res.exit_code == 2, (res.exit_code, res.output, res.exception)
    err = res.stderr if hasattr(res, "stderr") and res.stderr_bytes is not None else res.output
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert str(path) in lines[0]
    assert "Traceback" not in err
    m = _CODE.search(lines[0])
    assert m and m.group(1) in codes, lines[0]
    return lines[0]


def _clean(doc, *words: str) -> None:
    assert doc.blocks, "a clean record must have text"
    low = doc.text.lower()
    for w in words:
        assert w.lower() in low, w


# ---- errors through the CLI -----------------------------------------------------------------------

ERROR_CASES = {
    "pdf-truncated": ({"MB006", "MB004"}, {}),
    "pdf-garbage": ({"MB006"}, {}),
    "pdf-encrypted": ({"MB005"}, {}),
    "pdf-image-only": ({"MB007"}, {}),
    "pdf-no-text": ({"MB004", "MB007"}, {}),
    "pdf-bomb": ({"MB009"}, {"mb": 200}),
    "docx-zip-bomb": ({"MB009"}, {"mb": 200}),
    "docx-zip-bomb-lying": ({"MB009", "MB006"}, {}),
    "docx-billion-laughs": ({"MB006"}, {}),
    "xhtml-billion-laughs": ({"MB006"}, {}),
    "docx-truncated": ({"MB006"}, {}),
    "docx-empty-body": ({"MB004"}, {}),
    "legacy-doc": ({"MB006", "MB002", "MB003"}, {}),
    "html-deep-nesting": ({"MB009"}, {"depth": 100_000}),
    "html-unclosed-nesting": ({"MB009"}, {}),
    "text-binary": ({"MB002", "MB008", "MB004"}, {}),
    "empty-file": ({"MB004"}, {}),
    "whitespace-only": ({"MB004"}, {}),
    "wrong-extension": ({"MB003"}, {}),
    "text-huge-50mb": ({"MB009"}, {}),
    "text-long-line-5mb": ({"MB009"}, {}),
    "text-nul-filled": ({"MB002"}, {}),
    "text-no-spaces-10mb": ({"MB004"}, {}),
    "elf-named-pdf": ({"MB002"}, {}),
    "named-pipe": ({"MB002"}, {}),
    "symlink-loop": ({"MB001"}, {}),
    "dev-zero-link": ({"MB002"}, {}),
}


@pytest.mark.parametrize("cls", list(ERROR_CASES))
def test_error_class_is_one_line_exit_2(cls, tmp_path, bound):
    codes, kw = ERROR_CASES[cls]
    path = _make(tmp_path, cls, **kw)
    bound(30)
    _cli_error(path, codes)


def test_corrupt_pdf_never_crashes(tmp_path, bound):
    """Random byte flips: a record or a MinutebookError, whichever, but nothing else."""
    bound(30)
    for seed in range(8):
        path = hostile.pdf_corrupt(tmp_path, random.Random(seed))
        try:
            doc = read_document(path)
        except MinutebookError:
            continue
        assert doc.blocks


def test_pdf_bomb_is_bounded_by_options(tmp_path, bound):
    path = hostile.pdf_bomb(tmp_path, random.Random(0), mb=20)
    bound(20)
    with pytest.raises(LimitExceeded, match="decompression bomb"):
        read_document(path, options=ReadOptions(max_unpacked_bytes=8 * 1024 * 1024))
    with pytest.raises(LimitExceeded, match="in total"):
        read_document(path, options=ReadOptions(max_unpacked_total=4 * 1024 * 1024))


def test_pdf_guard_leaves_normal_pdfs_alone(tmp_path, bound):
    bound(20)
    p = tmp_path / "ok.pdf"
    p.write_bytes(hostile.good_pdf_bytes(pages=2))
    _clean(read_document(p), "committee", "maintenance reserve")
    import zlib

    from pdfminer import pdftypes

    assert pdftypes.zlib.decompress(zlib.compress(b"x" * 100)) == b"x" * 100  # unguarded outside a read


def test_docx_member_limit_is_an_option(tmp_path, bound):
    bound(20)
    p = tmp_path / "ok.docx"
    p.write_bytes(hostile.docx_bytes())
    _clean(read_document(p), "committee")
    with pytest.raises(LimitExceeded):
        read_document(p, options=ReadOptions(max_unpacked_bytes=100))


def test_html_depth_limit_is_an_option(tmp_path, bound):
    bound(20)
    path = hostile.html_deep_nesting(tmp_path, random.Random(0), depth=300)
    assert "Minutes of the meeting" in read_document(path).text
    with pytest.raises(LimitExceeded):
        read_document(path, options=ReadOptions(max_html_depth=100))
    md = tmp_path / "deep.md"
    md.write_text("# Minutes\n\n" + "<div>" * 300 + "text" + "</div>" * 300 + "\n\nAgreed.\n")
    with pytest.raises(LimitExceeded):
        read_document(md, options=ReadOptions(max_html_depth=100))


def test_size_limit(tmp_path, bound):
    bound(20)
    path = hostile.text_huge(tmp_path, random.Random(0), mb=3)
    with pytest.raises(LimitExceeded):
        read_document(path, options=ReadOptions(max_bytes=1024 * 1024))


# ---- legitimate but odd: clean records ------------------------------------------------------------


def test_huge_text_over_the_word_limit(tmp_path, bound):
    path = hostile.text_huge(tmp_path, random.Random(0), mb=50)
    bound(45)
    with pytest.raises(LimitExceeded, match=r"words, over the 200,000-word limit"):
        read_document(path)
    # with the limit lifted the reader still copes: a clean document, every character kept
    doc = read_document(path, options=ReadOptions(max_words=0))
    _clean(doc, "maintenance reserve")
    assert len(doc.text) > 40_000_000


def test_word_limit_from_the_cli(tmp_path, bound):
    path = hostile.text_long_line(tmp_path, random.Random(0), mb=5)
    bound(30)
    line = _cli_error(path, {"MB009"})
    assert "--max-words" in line
    # the limit is the user's to set: a 200 KB line (30,000 words) is refused under --max-words 1000
    small = hostile.text_long_line(tmp_path, random.Random(1), kb=200)
    res = CliRunner().invoke(app, ["analyse", str(small), "--max-words", "1000"])
    assert res.exit_code == 2 and "over the 1,000-word limit" in res.output and "Traceback" not in res.output


def test_long_line(tmp_path, bound):
    path = hostile.text_long_line(tmp_path, random.Random(0), mb=5)
    bound(30)
    doc = read_document(path, options=ReadOptions(max_words=0))
    _clean(doc, "minutes of the meeting", "committee")
    # split into blocks the NLP stage can parse (spaCy refuses over 1,000,000 characters); spans hold
    assert max(len(b.text) for b in doc.blocks) <= ReadOptions().max_block_chars
    assert all(doc.text[b.start:b.end] == b.text for b in doc.blocks)


@pytest.mark.parametrize("cls", ["text-mixed-encoding", "text-invalid-utf8", "text-utf16-nobom"])
def test_odd_encodings_read(cls, tmp_path, bound):
    path = _make(tmp_path, cls)
    bound(20)
    doc = read_document(path)
    _clean(doc, "committee", "maintenance")
    assert "\x00" not in doc.text


@pytest.mark.parametrize("cls", ["html-script", "md-script"])
def test_script_is_not_text(cls, tmp_path, bound):
    path = _make(tmp_path, cls)
    bound(20)
    doc = read_document(path)
    _clean(doc, "committee")
    assert "alert('x')" not in doc.text
    assert "pwned" not in doc.text
    if cls == "html-script":
        assert "javascript:" not in doc.text  # an href is not text
    # (Markdown: markdown-it refuses javascript: links, so "[x](javascript:...)" stays literal text -
    # data in the record, never a link; renderers escape it)


def test_every_class_is_covered():
    covered = set(ERROR_CASES) | {"pdf-corrupt", "text-long-line-500kb", "text-mixed-encoding",
                                  "text-invalid-utf8", "text-utf16-nobom", "html-script", "md-script"}
    assert covered == set(hostile.CLASSES)


# ---- the batch: every class in one run, each document FAILED with its one-line error or stored ------


class _Archive:
    def __init__(self) -> None:
        self.docs: list = []

    def seen(self, content_hash: str, pipeline_version: str) -> bool:
        return False

    def write(self, doc):
        self.docs.append(doc)
        return doc


def test_batch_survives_every_class_and_the_time_limit(tmp_path, bound):
    from pipeline.scale.batch import run_batch
    from pipeline.scale.results import Limits

    folder = tmp_path / "drive"
    folder.mkdir()
    for cls in ERROR_CASES:
        _make(folder, cls, **ERROR_CASES[cls][1])
    hostile.text_huge(folder, random.Random(0), mb=50)
    hostile.html_script(folder, random.Random(0))
    bound(120)
    archive = _Archive()
    report = run_batch([folder], archive=archive, stages=["extract", "structure"], vectors=False,
                       limits=Limits(seconds=8))
    by = {Path(d.path).name: d for d in archive.docs}
    entries = list(folder.iterdir())
    left_out = {Path(p).name for p, _ in report.left_out}
    assert len(left_out) == len(hostile.NOT_FILES) + 1  # the loop's two links
    assert report.total == len(entries) - len(left_out) == len(by)
    for name, d in by.items():
        if name.startswith("script-"):
            assert d.status in ("SUCCESS", "PARTIAL"), (name, d.error)
        else:
            assert d.status == "FAILED", (name, d.status)
            assert "\n" not in d.error and "[MB0" in d.error and "unexpected error" not in d.error, d.error
