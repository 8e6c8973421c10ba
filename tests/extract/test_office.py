""".doc, .odt and .rtf (pipeline/extract/office.py): LibreOffice converts them to .docx in a sandbox and
the DOCX reader reads that. The test files are made here: a DOCX written with python-docx, converted
by LibreOffice; an RTF written by hand; damaged and password-protected files put together byte by byte."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from pipeline.core.errors import CorruptDocument, EncryptedDocument, LimitExceeded, UnsupportedFormat
from pipeline.extract import ReadOptions, read_document

pytestmark = pytest.mark.usefixtures("soffice")

SEED_DOCX = Path(__file__).resolve().parents[2] / "corpus" / "seed" / "seed-minutes.docx"


@pytest.fixture(scope="module")
def renditions(tmp_path_factory) -> dict[str, Path]:
    """The project's seed minutes as .docx, .doc, .odt and .rtf (LibreOffice converts the .docx)."""
    from pipeline.extract.office import soffice

    folder = tmp_path_factory.mktemp("renditions")
    src = folder / "minutes.docx"
    src.write_bytes(SEED_DOCX.read_bytes())
    out = {"docx": src}
    for ext in ("doc", "odt", "rtf"):
        subprocess.run([soffice(), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                        "--convert-to", ext, "--outdir", str(folder), str(src)], check=True, capture_output=True,
                       timeout=300)
        out[ext] = folder / f"minutes.{ext}"
        assert out[ext].stat().st_size > 0
    return out


def _blocks(doc):
    return [(b.kind, b.level, b.text) for b in doc.blocks]


@pytest.mark.parametrize("ext", ["doc", "odt", "rtf"])
def test_renditions_read_like_the_docx(renditions, ext):
    reference = read_document(renditions["docx"])
    doc = read_document(renditions[ext])
    assert doc.format == ext
    assert _blocks(doc) == _blocks(reference)
    rows = [[c.text for c in b.cells] for b in doc.blocks if b.kind == "table_row"]
    assert rows[0] == ["Agreed approach", "Person taking this on", "Deadline"]  # the action table, as rows
    assert rows[1][1:] == ["Laura Cream and Marc", "May 2022"] and len(rows) >= 5
    assert any(k == "heading" and t == "Actions" for k, _, t in _blocks(doc))
    assert any("LibreOffice" in n for n in doc.quality.notes)


def test_the_users_file_and_folder_are_left_alone(renditions, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    p = folder / "minutes.doc"
    data = renditions["doc"].read_bytes()
    p.write_bytes(data)
    p.chmod(0o444)
    before = p.stat().st_mtime_ns
    read_document(p)
    assert [x.name for x in folder.iterdir()] == ["minutes.doc"]  # no lock file, no output beside it
    assert p.read_bytes() == data and p.stat().st_mtime_ns == before


def test_doc_analysed_with_its_actions_table(renditions):
    from pipeline.api import analyse

    m = analyse(renditions["doc"], stages=["extract", "structure"])
    reference = analyse(renditions["docx"], stages=["extract", "structure"])
    assert m.format == "doc" and m.meeting_date == "2022-04-27"
    assert m.attendees == reference.attendees and "Graham Hart" in m.attendees.present
    assert [t.rows for t in m.tables] == [t.rows for t in reference.tables] and m.tables


RTF = r"""{\rtf1\ansi\deff0{\fonttbl{\f0 Arial;}}
{\pard\b\fs32 Friends of the Library: committee minutes, 5 May 2025\par}
\pard\plain Present: Dana Reed, Eli Stone\par
{\object\objemb{\*\objclass Package}\objw1200\objh600{\*\objdata 0105000002000000080000005061636b61676500000000000000000010000000deadbeefcafebabe0011223344556677}{\result {\pard [an embedded file]\par}}}
\pard\plain The committee agreed the summer opening hours.\par
\trowd\cellx3500\cellx7000
\intbl Action\cell Owner\cell\row
\trowd\cellx3500\cellx7000
\intbl Print the new opening hours\cell Eli Stone\cell\row
\pard\plain Meeting closed at 8 pm.\par
}
"""


def test_rtf_with_an_embedded_object_and_a_table(tmp_path):
    p = tmp_path / "library.rtf"
    p.write_text(RTF, encoding="ascii")
    doc = read_document(p)
    assert doc.format == "rtf"
    texts = [b.text for b in doc.blocks]
    assert "Present: Dana Reed, Eli Stone" in texts and "Meeting closed at 8 pm." in texts
    rows = [[c.text for c in b.cells] for b in doc.blocks if b.kind == "table_row"]
    assert rows == [["Action", "Owner"], ["Print the new opening hours", "Eli Stone"]]


def test_an_rtf_saved_as_doc_is_read_as_rtf(tmp_path):
    p = tmp_path / "old-minutes.doc"
    p.write_text(RTF, encoding="ascii")
    assert read_document(p).format == "rtf"


def test_corrupt_doc_is_one_line(tmp_path):
    p = tmp_path / "broken.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    with pytest.raises(CorruptDocument) as e:
        read_document(p)
    msg = str(e.value)
    assert msg.startswith(str(p)) and "[MB006]" in msg and "\n" not in msg


def test_password_protected_doc_and_odt_are_one_line(tmp_path):
    doc = tmp_path / "secret.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
                    + "Microsoft Enhanced Cryptographic Provider v1.0".encode("utf-16-le") + b"\x00" * 512)
    with pytest.raises(EncryptedDocument) as e:
        read_document(doc)
    assert "[MB005]" in str(e.value) and "\n" not in str(e.value)
    odt = tmp_path / "secret.odt"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", b"\x8f\x02encrypted bytes\x00\x91")
        z.writestr("META-INF/manifest.xml",
                   '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
                   '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
                   '</manifest:file-entry></manifest:manifest>')
    odt.write_bytes(buf.getvalue())
    with pytest.raises(EncryptedDocument) as e:
        read_document(odt)
    assert "[MB005]" in str(e.value) and "password" in str(e.value)


def test_conversion_time_limit(renditions):
    with pytest.raises(LimitExceeded) as e:
        read_document(renditions["odt"], options=ReadOptions(convert_seconds=0.05))
    assert "LibreOffice took longer" in str(e.value)


def test_without_libreoffice_one_line_says_how_to_install(renditions, monkeypatch):
    from pipeline.extract import office

    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    with pytest.raises(UnsupportedFormat) as e:
        read_document(renditions["doc"])
    msg = str(e.value)
    assert "apt-get install libreoffice-writer-nogui" in msg and "\n" not in msg


def test_a_spreadsheet_is_not_taken_for_a_text_document(tmp_path):
    p = tmp_path / "budget.odt"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    p.write_bytes(buf.getvalue())
    with pytest.raises(Exception) as e:
        read_document(p)
    assert "[MB002]" in str(e.value) or "[MB003]" in str(e.value)
