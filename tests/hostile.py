"""Generators of hostile and broken inputs, shared by tests/test_hostile.py and bench/robustness.py.

Every generator has the signature ``gen(folder: Path, rng: random.Random) -> Path``: it writes one
file into ``folder`` and returns its path. ``rng`` adds variation (byte positions, sizes, names) so
the bench can try each class several times; the tests pass ``random.Random(0)``.

``CLASSES`` maps a class name to ``(generator, expected)`` where ``expected`` is ``"ok"`` (a clean
record: legitimate but odd input) or a set of ``MinutebookError`` codes one of which is due.
"""

from __future__ import annotations

import random
import struct
import zipfile
import zlib
from functools import partial
from pathlib import Path
from typing import Callable

MINUTES = """Finance Committee - Minutes
Date: 12 March 2024
Present: Alice Brown (Chair), Bob Smith, Carol Jones
Apologies: Dan White

1. Minutes of the last meeting
The minutes of the meeting held on 13 February were approved as a true record.

2. Budget 2024/25
The committee reviewed the draft budget. It was agreed to increase the maintenance reserve by 5%.
Action: Bob to circulate the revised budget by 20 March.

3. Any other business
Carol reported that the new accounting system goes live in April.
Action: Carol to arrange training for all staff.

Next meeting: 9 April 2024 at 10:00.
"""

Gen = Callable[[Path, random.Random], Path]

# error codes (pipeline/errors.py)
NOT_FOUND, UNSUPPORTED, WRONG_EXT, EMPTY, ENCRYPTED, CORRUPT, SCANNED, ENCODING, LIMIT = (
    "MB001", "MB002", "MB003", "MB004", "MB005", "MB006", "MB007", "MB008", "MB009")


def _name(rng: random.Random, stem: str, ext: str) -> str:
    return f"{stem}-{rng.randrange(1 << 30):08x}{ext}"


# --------------------------------------------------------------------------------------------------
# PDF


def good_pdf_bytes(pages: int = 1) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        for line in MINUTES.splitlines():
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def pdf_truncated(folder: Path, rng: random.Random) -> Path:
    data = good_pdf_bytes()
    cut = rng.randint(len(data) // 5, len(data) * 3 // 5)
    p = folder / _name(rng, "truncated", ".pdf")
    p.write_bytes(data[:cut])
    return p


def pdf_corrupt(folder: Path, rng: random.Random) -> Path:
    """Random byte flips all over the file (header kept, so it is still sniffed as PDF)."""
    data = bytearray(good_pdf_bytes())
    for _ in range(rng.randint(20, 200)):
        i = rng.randrange(16, len(data))
        data[i] = rng.randrange(256)
    p = folder / _name(rng, "corrupt", ".pdf")
    p.write_bytes(bytes(data))
    return p


def pdf_garbage_body(folder: Path, rng: random.Random) -> Path:
    """A %PDF header followed by random bytes: corrupt beyond any repair."""
    p = folder / _name(rng, "garbage", ".pdf")
    p.write_bytes(b"%PDF-1.4\n" + rng.randbytes(rng.randint(100, 20000)))
    return p


def pdf_encrypted(folder: Path, rng: random.Random) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password=f"secret{rng.randrange(1000)}")
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    for line in MINUTES.splitlines():
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    p = folder / _name(rng, "encrypted", ".pdf")
    p.write_bytes(bytes(pdf.output()))
    return p


def _png(width: int, height: int, rng: random.Random) -> bytes:
    raw = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(width * 3)) for _ in range(height))

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def pdf_image_only(folder: Path, rng: random.Random) -> Path:
    """A 'scan': pages with an image and no text layer."""
    import io

    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(rng.randint(1, 3)):
        pdf.add_page()
        pdf.image(io.BytesIO(_png(40, 50, rng)), x=10, y=10, w=180)
    p = folder / _name(rng, "scan", ".pdf")
    p.write_bytes(bytes(pdf.output()))
    return p


def minimal_pdf(content: bytes, *, filters: str = "/FlateDecode", raw_len: int | None = None) -> bytes:
    """A hand-written one-page PDF whose page content stream is ``content`` (already encoded)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter %s >>\nstream\n" % (len(content), filters.encode()) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def pdf_bomb(folder: Path, rng: random.Random, *, mb: int | None = None) -> Path:
    """A small PDF whose content stream inflates to hundreds of MB (spaces and a little text)."""
    mb = mb or rng.randint(300, 600)
    co = zlib.compressobj(9)
    parts = [co.compress(b"BT /F1 12 Tf 72 720 Td (Minutes of the meeting) Tj ET\n")]
    block = b" " * (1 << 20)
    for _ in range(mb):
        parts.append(co.compress(block))
    parts.append(co.flush())
    p = folder / _name(rng, "bomb", ".pdf")
    p.write_bytes(minimal_pdf(b"".join(parts)))
    return p


def pdf_no_text_minimal(folder: Path, rng: random.Random) -> Path:
    """A valid PDF whose only page draws nothing: no text at all (must not be a SUCCESS)."""
    p = folder / _name(rng, "blank", ".pdf")
    p.write_bytes(minimal_pdf(zlib.compress(b"q Q\n" * rng.randint(1, 50))))
    return p


# --------------------------------------------------------------------------------------------------
# DOCX

_CT = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       b'<Default Extension="xml" ContentType="application/xml"/>'
       b'<Override PartName="/word/document.xml" '
       b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         b'officeDocument" Target="word/document.xml"/></Relationships>')
_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _para(text: str) -> bytes:
    from xml.sax.saxutils import escape

    return b"<w:p><w:r><w:t>" + escape(text).encode() + b"</w:t></w:r></w:p>"


def docx_bytes(document_xml: bytes | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    import io

    if document_xml is None:
        body = b"".join(_para(ln) for ln in MINUTES.splitlines() if ln.strip())
        document_xml = b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + _W + b"><w:body>" + body + b"</w:body></w:document>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document_xml)
        for k, v in (extra or {}).items():
            z.writestr(k, v)
    return buf.getvalue()


def docx_zip_bomb(folder: Path, rng: random.Random, *, mb: int | None = None) -> Path:
    """word/document.xml is a few hundred KB compressed and hundreds of MB (up to 1 GB) unpacked."""
    mb = mb or rng.randint(300, 1000)
    p = folder / _name(rng, "zipbomb", ".docx")
    head = b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + _W + b"><w:body>" + _para("Minutes")
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head)
            chunk = b" " * (1 << 20)
            for _ in range(mb):
                f.write(chunk)
            f.write(b"</w:body></w:document>")
    return p


def docx_zip_bomb_lying(folder: Path, rng: random.Random) -> Path:
    """A zip bomb whose directory *understates* document.xml's size (the header says 1 KB)."""
    p = docx_zip_bomb(folder, rng, mb=rng.randint(200, 400))
    data = bytearray(p.read_bytes())
    name = b"word/document.xml"
    # patch the uncompressed size in the local header and the central directory (zip64 extra too)
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        start = 0
        while True:
            i = data.find(sig, start)
            if i < 0:
                break
            start = i + 4
            if sig == b"PK\x03\x04":
                fn_len, ex_len = struct.unpack_from("<HH", data, i + 26)
                if bytes(data[i + 30:i + 30 + fn_len]) != name:
                    continue
                usize_at, extra_at = i + 22, i + 30 + fn_len
            else:
                fn_len, ex_len = struct.unpack_from("<HH", data, i + 28)
                if bytes(data[i + 46:i + 46 + fn_len]) != name:
                    continue
                usize_at, extra_at = i + 24, i + 46 + fn_len
            if struct.unpack_from("<I", data, usize_at)[0] == 0xFFFFFFFF:
                # zip64 extra: id 0x0001, size, then uncompressed size (first field)
                j = extra_at
                while j < extra_at + ex_len:
                    hid, hsz = struct.unpack_from("<HH", data, j)
                    if hid == 1:
                        struct.pack_into("<Q", data, j + 4, 1024)
                        break
                    j += 4 + hsz
            else:
                struct.pack_into("<I", data, usize_at, 1024)
    p.write_bytes(bytes(data))
    return p


def docx_billion_laughs(folder: Path, rng: random.Random) -> Path:
    levels = rng.randint(9, 12)
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, levels)]
    xml = ('<?xml version="1.0"?><!DOCTYPE w:document [' + "".join(ents) + ']>'
           f'<w:document {_W.decode()}><w:body><w:p><w:r><w:t>&lol{levels - 1};</w:t></w:r></w:p>'
           '</w:body></w:document>').encode()
    p = folder / _name(rng, "laughs", ".docx")
    p.write_bytes(docx_bytes(xml))
    return p


def docx_truncated(folder: Path, rng: random.Random) -> Path:
    data = docx_bytes()
    p = folder / _name(rng, "truncdocx", ".docx")
    p.write_bytes(data[:rng.randint(len(data) // 4, len(data) * 3 // 4)])
    return p


def docx_empty_body(folder: Path, rng: random.Random) -> Path:
    xml = b'<?xml version="1.0"?><w:document ' + _W + b"><w:body>" + b"<w:p/>" * rng.randint(1, 20) + b"</w:body></w:document>"
    p = folder / _name(rng, "emptybody", ".docx")
    p.write_bytes(docx_bytes(xml))
    return p


def legacy_doc(folder: Path, rng: random.Random) -> Path:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    p = folder / _name(rng, "legacy", rng.choice([".doc", ".docx", ".pdf"]))
    p.write_bytes(header + b"\x00" * 480 + rng.randbytes(rng.randint(1000, 50000)))
    return p


# --------------------------------------------------------------------------------------------------
# HTML / Markdown


def html_deep_nesting(folder: Path, rng: random.Random, *, depth: int | None = None) -> Path:
    depth = depth or rng.randint(50_000, 150_000)
    tag = rng.choice(["div", "span", "b", "section"])
    body = f"<{tag}>" * depth + "Minutes of the meeting" + f"</{tag}>" * depth
    p = folder / _name(rng, "deep", ".html")
    p.write_text(f"<html><body><h1>Minutes</h1>{body}</body></html>", encoding="utf-8")
    return p


def xhtml_billion_laughs(folder: Path, rng: random.Random) -> Path:
    levels = rng.randint(9, 12)
    ents = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, levels))
    p = folder / _name(rng, "laughs", ".xhtml")
    p.write_text(f'<?xml version="1.0"?><!DOCTYPE html [{ents}]><html xmlns="http://www.w3.org/1999/xhtml"><body>'
                 f"<h1>Minutes</h1><p>&lol{levels - 1};</p></body></html>", encoding="utf-8")
    return p


def html_unclosed_nesting(folder: Path, rng: random.Random) -> Path:
    """100k opened, never closed tags (a parser must not recurse on them)."""
    p = folder / _name(rng, "unclosed", ".html")
    p.write_text("<html><body><p>Minutes</p>" + "<div><ul><li>" * rng.randint(20_000, 50_000), encoding="utf-8")
    return p


def html_script(folder: Path, rng: random.Random) -> Path:
    p = folder / _name(rng, "script", ".html")
    body = "".join(f"<p>{ln}</p>" for ln in MINUTES.splitlines() if ln.strip())
    p.write_text("<html><head><script>alert('x')</script></head><body><script>document.write('pwned')</script>"
                 + body + '<p><a href="javascript:alert(1)">click</a></p>'
                 '<img src=x onerror="alert(2)"></body></html>', encoding="utf-8")
    return p


def md_script(folder: Path, rng: random.Random) -> Path:
    p = folder / _name(rng, "script", ".md")
    text = "# " + MINUTES.replace("\n\n", "\n\n<script>alert('x')</script>\n\n", 1)
    text += "\n\nSee [x](javascript:alert(1)) and <img src=x onerror=alert(2)>.\n"
    p.write_text(text, encoding="utf-8")
    return p


# --------------------------------------------------------------------------------------------------
# text


def text_huge(folder: Path, rng: random.Random, *, mb: int | None = None) -> Path:
    mb = mb or 50
    p = folder / _name(rng, "huge", ".txt")
    para = MINUTES.encode()
    with p.open("wb") as f:
        n = 0
        while n < mb * (1 << 20):
            f.write(para)
            n += len(para)
    return p


def text_long_line(folder: Path, rng: random.Random, *, mb: int | None = None, kb: int | None = None) -> Path:
    size = (kb << 10) if kb else (mb or 5) << 20
    words = ["budget", "agreed", "action", "minutes", "meeting", "the", "committee", "review", "staff"]
    line = " ".join(rng.choice(words) for _ in range(size // 7))
    p = folder / _name(rng, "longline", ".txt")
    p.write_text("Minutes of the meeting\n" + line + "\n", encoding="utf-8")
    return p


def text_binary(folder: Path, rng: random.Random) -> Path:
    p = folder / _name(rng, "binary", ".txt")
    p.write_bytes(rng.choice([b"\x7fELF\x02\x01\x01", b"\x89PNG\r\n\x1a\n", b"MZ\x90\x00", b""]) + rng.randbytes(rng.randint(100, 100_000)))
    return p


def text_mixed_encoding(folder: Path, rng: random.Random) -> Path:
    """Mostly UTF-8 with latin-1 lines mixed in (as when two files were concatenated)."""
    lines = MINUTES.splitlines()
    out = []
    for i, ln in enumerate(lines):
        enc = "latin-1" if rng.random() < 0.3 else "utf-8"
        extra = " café – réunion" if i % 3 == 0 else ""
        try:
            out.append((ln + extra).encode(enc))
        except UnicodeEncodeError:
            out.append((ln + " café").encode(enc))
    p = folder / _name(rng, "mixed", ".txt")
    p.write_bytes(b"\n".join(out))
    return p


def text_invalid_utf8(folder: Path, rng: random.Random) -> Path:
    data = bytearray(MINUTES.encode())
    spaces = [i for i, b in enumerate(data) if b == 0x20]
    for i in sorted(rng.sample(spaces, rng.randint(3, 20)), reverse=True):  # between words
        data.insert(i, rng.choice([0xC3, 0xFF, 0xFE, 0x80, 0xE2]))
    p = folder / _name(rng, "badutf8", ".txt")
    p.write_bytes(bytes(data))
    return p


def text_utf16_nobom(folder: Path, rng: random.Random) -> Path:
    p = folder / _name(rng, "utf16", ".txt")
    p.write_bytes(MINUTES.encode(rng.choice(["utf-16-le", "utf-16-be"])))
    return p


def text_nul_filled(folder: Path, rng: random.Random) -> Path:
    """A file that was allocated but never written (as a crashed copy leaves it)."""
    p = folder / _name(rng, "zeros", rng.choice([".txt", ".md", ""]))
    p.write_bytes(b"\x00" * rng.randint(10_000, 200_000))
    return p


def text_no_spaces(folder: Path, rng: random.Random, *, mb: int | None = None) -> Path:
    """A 10 MB line of one character: no words at all."""
    p = folder / _name(rng, "nospace", ".txt")
    p.write_bytes(bytes([rng.choice(b"xyzq")]) * ((mb or 10) << 20))
    return p


def elf_named_pdf(folder: Path, rng: random.Random) -> Path:
    """A program (ELF: zero bytes at odd and even offsets, symbol names between) named .pdf."""
    body = b"".join(b"\x00" * rng.randint(8, 40) + b"GLIBC_2.%d text_%d\x00" % (rng.randint(2, 34), i) for i in range(400))
    p = folder / _name(rng, "program", ".pdf")
    p.write_bytes(b"\x7fELF\x02\x01\x01\x00" + body)
    return p


def named_pipe(folder: Path, rng: random.Random) -> Path:
    """A FIFO named like minutes: opening it for reading blocks until a writer comes, i.e. for ever."""
    import os

    p = folder / _name(rng, "pipe", ".md")
    os.mkfifo(p)
    return p


def symlink_loop(folder: Path, rng: random.Random) -> Path:
    a, b = folder / _name(rng, "loop-a", ".md"), folder / _name(rng, "loop-b", ".md")
    a.symlink_to(b.name)
    b.symlink_to(a.name)
    return a


def dev_zero_link(folder: Path, rng: random.Random) -> Path:
    """A link to /dev/zero: endless bytes, so hashing or reading it never ends."""
    p = folder / _name(rng, "zero", ".txt")
    p.symlink_to("/dev/zero")
    return p


def empty_file(folder: Path, rng: random.Random) -> Path:
    p = folder / _name(rng, "empty", rng.choice([".txt", ".pdf", ".docx", ".md", ".html"]))
    p.write_bytes(b"")
    return p


def whitespace_file(folder: Path, rng: random.Random) -> Path:
    p = folder / _name(rng, "blank", rng.choice([".txt", ".md", ".html"]))
    p.write_bytes(rng.choice([b" \n\t\n", b"\n" * 1000, b"<html><body>   </body></html>", b"\xef\xbb\xbf\n\n"]))
    return p


def wrong_extension(folder: Path, rng: random.Random) -> Path:
    """A real PDF called .docx, or a real DOCX called .pdf."""
    if rng.random() < 0.5:
        p = folder / _name(rng, "wrongext", ".docx")
        p.write_bytes(good_pdf_bytes())
    else:
        p = folder / _name(rng, "wrongext", ".pdf")
        p.write_bytes(docx_bytes())
    return p


# name -> (generator, expected outcome)
CLASSES: dict[str, tuple[Gen, str | frozenset[str]]] = {
    "pdf-truncated": (pdf_truncated, frozenset({CORRUPT, EMPTY})),
    "pdf-corrupt": (pdf_corrupt, "any"),  # random flips may leave it readable: record or error, never a crash
    "pdf-garbage": (pdf_garbage_body, frozenset({CORRUPT})),
    "pdf-encrypted": (pdf_encrypted, frozenset({ENCRYPTED})),
    "pdf-image-only": (pdf_image_only, frozenset({SCANNED})),
    "pdf-no-text": (pdf_no_text_minimal, frozenset({EMPTY, SCANNED})),
    "pdf-bomb": (pdf_bomb, frozenset({LIMIT})),
    "docx-zip-bomb": (docx_zip_bomb, frozenset({LIMIT})),
    "docx-zip-bomb-lying": (docx_zip_bomb_lying, frozenset({LIMIT, CORRUPT})),
    "docx-billion-laughs": (docx_billion_laughs, frozenset({CORRUPT})),  # entity expansion refused
    "docx-truncated": (docx_truncated, frozenset({CORRUPT})),
    "docx-empty-body": (docx_empty_body, frozenset({EMPTY})),
    # an OLE file that is no Word document: damaged for LibreOffice (MB006), MB002 without it, MB003 as .pdf
    "legacy-doc": (legacy_doc, frozenset({CORRUPT, UNSUPPORTED, WRONG_EXT})),
    "html-deep-nesting": (html_deep_nesting, frozenset({LIMIT})),
    "xhtml-billion-laughs": (xhtml_billion_laughs, frozenset({CORRUPT})),  # entity expansion refused
    "html-unclosed-nesting": (html_unclosed_nesting, frozenset({LIMIT})),
    "html-script": (html_script, "ok"),
    "md-script": (md_script, "ok"),
    # 8 million and 750,000 words: over the per-document word limit (ReadOptions.max_words), refused
    # in seconds rather than analysed for hours; a 500 KB line (75,000 words) is analysed
    "text-huge-50mb": (text_huge, frozenset({LIMIT})),
    "text-long-line-5mb": (text_long_line, frozenset({LIMIT})),
    "text-long-line-500kb": (partial(text_long_line, kb=500), "ok"),
    "text-binary": (text_binary, frozenset({UNSUPPORTED, ENCODING, EMPTY})),
    "text-mixed-encoding": (text_mixed_encoding, "ok"),
    "text-invalid-utf8": (text_invalid_utf8, "ok"),
    "text-utf16-nobom": (text_utf16_nobom, "ok"),
    "empty-file": (empty_file, frozenset({EMPTY})),
    "whitespace-only": (whitespace_file, frozenset({EMPTY})),
    "wrong-extension": (wrong_extension, frozenset({WRONG_EXT})),
    # junk that is not minutes, and entries that are not files (issue 19)
    "text-nul-filled": (text_nul_filled, frozenset({UNSUPPORTED})),
    "text-no-spaces-10mb": (text_no_spaces, frozenset({EMPTY})),
    "elf-named-pdf": (elf_named_pdf, frozenset({UNSUPPORTED})),
    "named-pipe": (named_pipe, frozenset({UNSUPPORTED})),
    "symlink-loop": (symlink_loop, frozenset({NOT_FOUND})),
    "dev-zero-link": (dev_zero_link, frozenset({UNSUPPORTED})),
}

# classes whose entry is not a regular file: ``tag`` leaves them out (reported), ``analyse`` refuses them
NOT_FILES = ("named-pipe", "symlink-loop", "dev-zero-link")

__all__ = ["CLASSES", "NOT_FILES", "MINUTES", "minimal_pdf", "docx_bytes", "good_pdf_bytes"]
