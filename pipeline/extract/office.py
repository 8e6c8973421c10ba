"""Legacy and open word-processor formats: Word 97-2003 ``.doc``, OpenDocument ``.odt`` and ``.rtf``.

LibreOffice (headless) converts the file to ``.docx`` and the DOCX reader reads that, so headings
(paragraph styles), lists and tables come through as they do from Word; the lighter routes (antiword,
odfpy, striprtf) give plain text and lose the tables, where action lists usually are.

The conversion never touches the user's file: its bytes are written to a fresh temporary folder, and
LibreOffice runs there with a profile of its own (``-env:UserInstallation`` in that folder, so it
neither reads nor changes the user's LibreOffice settings, and parallel workers do not share a
profile lock), HOME pointing there too, in its own process group, under a time limit
(``ReadOptions.convert_seconds``; the whole group is killed past it). The folder is deleted afterwards.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from pipeline.core.document import Document
from pipeline.core.errors import CorruptDocument, EncryptedDocument, LimitExceeded, UnsupportedFormat
from pipeline.extract import ReadOptions, register_reader

NAMES = {"doc": "a Word 97-2003 .doc file", "odt": "an OpenDocument text file", "rtf": "an RTF file"}
INSTALL_HINT = ("install LibreOffice Writer (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; "
                "macOS: brew install --cask libreoffice), or save the file as .docx and run again")
# the import filter is named, so a damaged file fails instead of being opened as plain text
_IMPORT_FILTERS = {"doc": "MS Word 97", "odt": "writer8", "rtf": "Rich Text Format"}
_CRYPTO_PROVIDER = "Cryptographic Provider".encode("utf-16-le")  # the CryptoAPI header of an encrypted .doc


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _check_encrypted(path: Path, data: bytes, fmt: str) -> None:
    if fmt == "odt":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                manifest = z.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in z.namelist() else b""
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError) as e:
            raise CorruptDocument(path, f"the OpenDocument file is not a readable zip package ({e.__class__.__name__})") from e
        if b"encryption-data" in manifest:
            raise EncryptedDocument(path, "the OpenDocument file is password-protected")
    elif fmt == "doc" and _CRYPTO_PROVIDER in data:
        raise EncryptedDocument(path, "the Word .doc file is password-protected")


def convert_to_docx(path: Path, data: bytes, fmt: str, options: ReadOptions) -> bytes:
    """``data`` (a .doc, .odt or .rtf file) converted to .docx bytes by LibreOffice, in a sandbox."""
    exe = soffice()
    if exe is None:
        raise UnsupportedFormat(path, f"this is {NAMES[fmt]}, which needs LibreOffice to be read, and it is not installed",
                                INSTALL_HINT)
    _check_encrypted(path, data, fmt)
    with tempfile.TemporaryDirectory(prefix="minutebook-convert-") as tmp:
        root = Path(tmp)
        (root / "in").mkdir()
        src = root / "in" / f"document.{fmt}"
        src.write_bytes(data)
        out = root / "out"
        cmd = [exe, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--invisible", "--norestore",
               "--nolockcheck", "--nodefault", "--nologo", f"--infilter={_IMPORT_FILTERS[fmt]}",
               "--convert-to", "docx:MS Word 2007 XML",
               "--outdir", str(out), str(src)]
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TZ")}
        env.update(HOME=str(root), TMPDIR=str(root), SAL_USE_VCLPLUGIN="svp")
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            output, _ = proc.communicate(timeout=options.convert_seconds)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise LimitExceeded(path, f"LibreOffice took longer than {options.convert_seconds:g} s to convert it",
                                "save it as .docx and run again (ReadOptions.convert_seconds sets the limit)") from None
        finally:
            _kill_group(proc)  # helpers left behind by soffice, if any
        result = out / "document.docx"
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            said = " ".join(output.decode("utf-8", "replace").split())[-160:]
            raise CorruptDocument(path, f"LibreOffice cannot open {NAMES[fmt]}: it is damaged or password-protected"
                                  + (f" ({said})" if said else ""),
                                  "open it in a word processor and save it again (as .docx), then run again")
        return result.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _reader(fmt: str):
    def read(path: Path, data: bytes, options: ReadOptions) -> Document:
        from pipeline.extract.docx import read_docx

        doc = read_docx(path, convert_to_docx(path, data, fmt, options), options)
        doc.format = fmt
        doc.quality.notes.append(f"converted from .{fmt} to .docx by LibreOffice, then read as DOCX")
        return doc

    read.__name__ = f"read_{fmt}"
    return read


for _fmt in NAMES:
    register_reader(_fmt)(_reader(_fmt))
