"""Fuzz targets: each takes bytes and must either return or raise a MinutebookError.

Shared by the atheris harness (tests/fuzz/fuzz_readers.py) and the regression replay
(tests/test_fuzz_regressions.py)."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from pipeline.core.errors import MinutebookError

_TMP = Path(tempfile.mkdtemp(prefix="mb_fuzz_"))
EXT = {"text": ".txt", "markdown": ".md", "html": ".html", "docx": ".docx", "pdf": ".pdf"}
SMALL = None


def _options():
    from pipeline.extract import ReadOptions

    # small limits: the fuzzer must not spend its budget on legitimately huge inputs
    return ReadOptions(max_bytes=1 << 20, max_pages=50, max_unpacked_bytes=8 << 20, max_unpacked_total=16 << 20,
                       max_html_depth=2000, max_block_chars=20_000)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _reader(fmt: str):
    def run(data: bytes) -> None:
        from pipeline.extract import get_reader

        path = _TMP / f"in{os.getpid()}{EXT[fmt]}"
        path.write_bytes(data)
        get_reader(fmt)(path, data, _options())

    run.__name__ = f"read_{fmt}"
    return run


def _meeting(data: bytes) -> tuple[date | None, bool, str]:
    """First two bytes pick a meeting date / day_first; the rest is the text."""
    if len(data) < 2:
        return None, True, _text(data)
    a, b = data[0], data[1]
    md = None if a % 5 == 0 else date(1990 + a % 60, 1 + b % 12, 1 + (a * b) % 28)
    return md, bool(b & 0x80), _text(data[2:])


def dates(data: bytes) -> None:
    from pipeline.core.dates import find_dates

    md, day_first, text = _meeting(data)
    for m in find_dates(text, day_first=day_first, reference=md):
        assert 0 <= m.start <= m.end <= len(text), (m, len(text))
        assert text[m.start:m.end] == m.text, (m, text[m.start:m.end])


def duedates(data: bytes) -> None:
    from pipeline.detect.duedates import find_due, normalise_due

    md, day_first, text = _meeting(data)
    normalise_due(text, meeting_date=md, day_first=day_first)
    normalise_due(text, meeting_date=md, day_first=day_first, end_of_month_iso=True,
                  next_meeting=date(2024, 5, 1) if md else None)
    found = find_due(text, meeting_date=md, day_first=day_first)
    if found is not None:
        _, s, e = found
        assert 0 <= s <= e <= len(text), (found, len(text))


def attendance(data: bytes) -> None:
    from pipeline.core.document import DocumentBuilder
    from pipeline.structure.attendance import _split_items, find_attendance

    text = _text(data)
    for item, off in _split_items(text):
        assert 0 <= off <= len(text)
    kinds = ("paragraph", "heading", "list_item")
    b = DocumentBuilder("fuzz.txt", "text")
    for i, line in enumerate(text.split("\n")[:200]):
        b.add(kinds[i % 3] if len(line) % 2 else "paragraph", line)
    doc = b.build()
    find_attendance(doc)


def actions(data: bytes) -> None:
    from pipeline.detect.owners import split_owners

    out = split_owners(_text(data))
    assert isinstance(out, list) and all(isinstance(x, str) for x in out)


TARGETS = {
    "read_text": _reader("text"),
    "read_markdown": _reader("markdown"),
    "read_html": _reader("html"),
    "read_docx": _reader("docx"),
    "read_pdf": _reader("pdf"),
    "dates": dates,
    "duedates": duedates,
    "attendance": attendance,
    "actions": actions,
}

SEED_EXT = {"read_text": (".txt",), "read_markdown": (".md",), "read_html": (".html", ".htm"),
            "read_docx": (".docx",), "read_pdf": (".pdf",)}


def call(target: str, data: bytes) -> None:
    """Run one input; MinutebookError is an accepted outcome, anything else propagates (a crash)."""
    try:
        TARGETS[target](data)
    except MinutebookError:
        pass
