"""Helpers for tests: paths and small documents built on the fly (importable as ``helpers``)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"
SHARED_REAL = SHARED / "corpus" / "real"
SHARED_GOLD = SHARED / "corpus" / "gold"
SHARED2_REAL = SHARED / "corpus" / "batch2" / "real"
SHARED2_GOLD = SHARED / "corpus" / "batch2" / "gold"

# Golden snapshots are rewritten only when this is set, and never in CI (tests/test_golden.py checks).
REGEN = os.environ.get("MINUTEBOOK_REGEN_GOLDEN") == "1"
SKIP_NO_SHARED = ("../shared/corpus is not beside this clone: the real minutes used for measurement are not "
                  "redistributable, so these tests run only where ../shared exists (as in CI)")


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def make_text_pdf(path: Path, pages: list[list[str]], *, password: str | None = None) -> Path:
    """A small real PDF (fpdf2) with the given lines of text per page."""
    from fpdf import FPDF

    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password="owner-" + password, user_password=password)
    for lines in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def make_image_only_pdf(path: Path) -> Path:
    """A PDF whose only page is a picture (what a scanner produces): no text layer."""
    import struct
    import zlib

    from fpdf import FPDF

    w, h = 40, 20
    raw = b"".join(b"\x00" + bytes([(x * 7 + y * 3) % 256 for x in range(w)]) for y in range(h))
    png = b"\x89PNG\r\n\x1a\n"

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    img = path.with_suffix(".png")
    img.write_bytes(png)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(img), x=10, y=10, w=180)
    pdf.output(str(path))
    img.unlink()
    return path


def wait_draft(client, location: str, seconds: float = 300) -> str:
    """The page of an uploaded file's draft (``/drafts/ID``) once it stops waiting (a TestClient)."""
    import time

    deadline = time.monotonic() + seconds
    while "This page reloads by itself" in (page := client.get(location).text):
        assert time.monotonic() < deadline, f"{location} still waiting after {seconds} s"
        time.sleep(0.1)
    return page
