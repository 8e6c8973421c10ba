"""Decide a file's format from its bytes (magic numbers, zip members, markup), not its name."""

from __future__ import annotations

import io
import re
import zipfile

FORMATS = ("pdf", "docx", "html", "markdown", "text", "doc", "odt", "rtf")

EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".doc": "doc",
    ".odt": "odt",
    ".rtf": "rtf",
}

# the mimetype member of an OpenDocument text package (a template or master document reads the same)
ODT_MIMETYPES = {b"application/vnd.oasis.opendocument.text", b"application/vnd.oasis.opendocument.text-template",
                 b"application/vnd.oasis.opendocument.text-master"}

_HTML_RE = re.compile(rb"^\s*(<!--.*?-->\s*)*(<\?xml[^>]*>\s*)?(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])",
                      re.IGNORECASE | re.DOTALL)
_HTML_TAGS_RE = re.compile(rb"<(p|div|h[1-6]|table|ul|ol|li|br|span)[\s>/]", re.IGNORECASE)
_MD_RE = re.compile(r"^(#{1,6}\s+\S|\s*[-*+]\s+\S|\s*\d+\.\s+\S|\|.*\|\s*$|```|---\s*$)", re.MULTILINE)
_MD_STRONG_RE = re.compile(r"(\*\*[^*\n]+\*\*|__[^_\n]+__|\[[^\]\n]+\]\([^)\n]+\))")


def sniff_format(data: bytes) -> str:
    """Return one of FORMATS, or 'encrypted-office' / 'zip' / 'binary' for things we do not read."""
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE2 compound file: a password-protected OOXML file keeps its package in this stream;
        # anything else is Word 97-2003 (or another Office binary).
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "encrypted-office"
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                mimetype = z.read("mimetype")[:100].strip() if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, NotImplementedError, RuntimeError):
            # A damaged zip that claims Word content is still a (corrupt) DOCX.
            # ([Content_Types].xml marks an OOXML package even when truncated before word/)
            return "docx" if b"word/" in data[:65536] or b"[Content_Types].xml" in data[:1024] else "zip"
        if "word/document.xml" in names or any(n.startswith("word/") for n in names):
            return "docx"
        if mimetype in ODT_MIMETYPES:
            return "odt"
        return "zip"
    if _is_binary(data[:8192]):
        return "binary"
    if _HTML_RE.match(head) or len(_HTML_TAGS_RE.findall(data[:20000])) >= 3:
        return "html"
    sample = data[:20000].decode("utf-8", errors="ignore")
    if len(_MD_RE.findall(sample)) >= 2 or _MD_STRONG_RE.search(sample):
        return "markdown"
    return "text"


def _is_binary(chunk: bytes) -> bool:
    if not chunk:
        return False
    if chunk.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False  # a BOM: UTF-16 / UTF-8 text
    if b"\x00" in chunk:
        # UTF-16 without BOM has every other byte zero in ASCII-range text, and the bytes between
        # them not: zeros in both positions are a NUL-filled file or a program (ELF, PE), not text
        even_zeros = chunk[1::2].count(0)
        odd_zeros = chunk[0::2].count(0)
        half = len(chunk) // 2 or 1
        if (even_zeros > 0.4 * half and odd_zeros < 0.05 * half) or (odd_zeros > 0.4 * half and even_zeros < 0.05 * half):
            return False
        return True
    control = sum(1 for b in chunk if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > 0.05 * len(chunk)
