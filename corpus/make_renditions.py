"""Generate the PDF and DOCX renditions of the seed meeting notes.

Run from the repository root::

    python corpus/make_renditions.py          # writes corpus/seed/seed-minutes.{pdf,docx}
    python corpus/make_renditions.py --check  # regenerate in memory, fail if the files differ

Input is ``corpus/seed/seed-content.json``: a clean, structured description of the
seed meeting (title lines, blocks of headings, paragraphs, bullet lists and the
Actions table) reconstructed by hand from ``corpus/seed/seed-minutes.txt``.
Inline markup in that file: ``**bold**`` and ``[link text](url)``.

Output is deterministic: fixed creation/modification dates, fixed zip entry
timestamps in the DOCX, no random IDs. Running the script twice gives
byte-identical files (for the same fpdf2 / python-docx versions).

Fonts (PDF): the core font Helvetica is used, with ``core_fonts_encoding`` set
to ``cp1252`` (fpdf2 declares core fonts as /WinAnsiEncoding), so the en dash,
curly quotes, ellipsis and bullet of the seed render as themselves and no
character is replaced. A character outside cp1252 makes the script stop with an
error instead of being silently substituted. No TTF file is embedded, so the
output does not depend on which fonts the machine has.

The expected annotations in ``corpus/expected/`` are written by hand and are
never produced by this script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from fpdf import FPDF
from fpdf.fonts import FontFace

CORPUS = Path(__file__).resolve().parent
SEED_DIR = CORPUS / "seed"
SEED_CONTENT = SEED_DIR / "seed-content.json"

# --------------------------------------------------------------------------
# Inline markup shared by the PDF and DOCX writers
# --------------------------------------------------------------------------

_INLINE = re.compile(r"\*\*(?P<bold>.+?)\*\*|\[(?P<ltext>[^\]]+)\]\((?P<url>[^)]+)\)")


def inline_runs(text: str) -> list[tuple[str, bool, str | None]]:
    """Split ``text`` into (text, bold, url) runs."""
    runs: list[tuple[str, bool, str | None]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            runs.append((text[pos : m.start()], False, None))
        if m.group("bold") is not None:
            runs.append((m.group("bold"), True, None))
        else:
            runs.append((m.group("ltext"), False, m.group("url")))
        pos = m.end()
    if pos < len(text):
        runs.append((text[pos:], False, None))
    return runs


def plain(text: str) -> str:
    return "".join(r[0] for r in inline_runs(text))


# --------------------------------------------------------------------------
# Deterministic DOCX saving (also used by make_samples.py)
# --------------------------------------------------------------------------

ZIP_EPOCH = (2000, 1, 1, 0, 0, 0)


def set_core_properties(doc: Any, *, title: str, author: str, when: dt.datetime) -> None:
    cp = doc.core_properties
    cp.title = title
    cp.author = author
    cp.last_modified_by = author
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.revision = 1
    cp.comments = ""
    cp.keywords = "minutebook sample corpus"


def save_docx_deterministic(doc: Any) -> bytes:
    """Serialise ``doc`` with fixed zip timestamps and a fixed entry order."""
    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        # [Content_Types].xml first (as Word does), the rest in their original order
        names.sort(key=lambda n: 0 if n == "[Content_Types].xml" else 1)
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, src.read(name))
    return out.getvalue()


def add_hyperlink(paragraph: Any, text: str, url: str, *, bold: bool = False) -> None:
    """Append a real w:hyperlink run (python-docx has no public API for it)."""
    part = paragraph.part
    r_id = part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    for el in (style, color, underline):
        rpr.append(el)
    if bold:
        rpr.append(OxmlElement("w:b"))
    run.append(rpr)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def add_rich_text(paragraph: Any, text: str) -> None:
    for chunk, bold, url in inline_runs(text):
        if url:
            add_hyperlink(paragraph, chunk, url, bold=bold)
        else:
            paragraph.add_run(chunk).bold = bold or None


def add_field(paragraph: Any, instr: str) -> None:
    """Append a simple field (PAGE, NUMPAGES) to a paragraph."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    fld.append(run)
    paragraph._p.append(fld)


def mark_header_row(row: Any) -> None:
    """Repeat this table row as a header on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def page_header_footer(doc: Any, header_text: str) -> None:
    section = doc.sections[0]
    hp = section.header.paragraphs[0]
    hp.text = header_text
    hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for r in hp.runs:
        r.font.size = Pt(9)
        r.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    fp = section.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp.add_run("Page ")
    add_field(fp, "PAGE")
    fp.add_run(" of ")
    add_field(fp, "NUMPAGES")


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------

LEFT = RIGHT = 20.0
BODY_PT = 11
LINE_H = 5.6


class SeedPDF(FPDF):
    def __init__(self, running_header: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_header = running_header
        self.core_fonts_encoding = "cp1252"
        self.set_margins(LEFT, 22, RIGHT)
        self.set_auto_page_break(auto=True, margin=20)
        self.alias_nb_pages("{nb}")

    def header(self) -> None:
        self.set_font("Helvetica", "I", 9)
        self.set_text_color(90, 90, 90)
        self.set_y(10)
        self.cell(0, 5, self.running_header, align="R")
        self.set_draw_color(150, 150, 150)
        self.line(LEFT, 16, self.w - RIGHT, 16)
        self.set_text_color(0, 0, 0)
        self.set_y(22)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "", 9)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _md(text: str) -> str:
    """Inline markup -> fpdf2 markdown (same syntax for bold and links)."""
    for marker in ("--", "__", "~~"):
        if marker in plain(text):
            raise ValueError(f"fpdf2 markdown marker {marker!r} in text: {text[:60]!r}")
    return text


def _check_cp1252(text: str) -> None:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError as exc:  # documented: we refuse rather than replace
        raise SystemExit(f"character outside cp1252 in {text[:60]!r}: {exc}") from exc


def render_pdf(content: dict[str, Any]) -> bytes:
    pdf = SeedPDF(content["running_header"])
    when = dt.datetime.fromisoformat(content["created"])
    pdf.set_creation_date(when)
    pdf.set_title(" ".join(content["title"]))
    pdf.set_author(content["author"])
    pdf.set_creator("minutebook corpus/make_renditions.py")
    pdf.set_producer("fpdf2")
    pdf.set_lang("en-GB")
    pdf.add_page()
    epw = pdf.epw

    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(epw, 9, content["title"][0], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(epw, 7, content["title"][1], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    def heading(text: str) -> None:
        if pdf.get_y() > pdf.h - 45:  # keep a heading with the text that follows
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 14)
        pdf.multi_cell(epw, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
        pdf.set_font("Helvetica", "", BODY_PT)

    def para(text: str) -> None:
        pdf.set_font("Helvetica", "", BODY_PT)
        pdf.multi_cell(epw, LINE_H, _md(text), markdown=True, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def bullet(text: str, level: int) -> None:
        indent = 5.0 + 8.0 * level
        marker = "•" if level == 0 else "o"
        pdf.set_font("Helvetica", "", BODY_PT)
        pdf.set_x(LEFT + indent)
        pdf.cell(6, LINE_H, marker)
        pdf.multi_cell(
            epw - indent - 6, LINE_H, _md(text), markdown=True, new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(1.2)

    def table(block: dict[str, Any]) -> None:
        pdf.set_font("Helvetica", "", 10)
        widths = tuple(round(w * epw, 2) for w in block["widths"])
        with pdf.table(
            col_widths=widths,
            width=epw,
            text_align="LEFT",
            line_height=5.2,
            padding=1.8,
            borders_layout="ALL",
            headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
            repeat_headings=1,
        ) as t:
            hdr = t.row()
            for col in block["columns"]:
                hdr.cell(col)
            for cells in block["rows"]:
                row = t.row()
                for cell in cells:
                    row.cell(cell)
        pdf.ln(3)

    for block in content["blocks"]:
        kind = block["type"]
        if kind == "heading":
            heading(block["text"])
        elif kind == "para":
            para(block["text"])
        elif kind == "bullets":
            for item in block["items"]:
                if isinstance(item, str):
                    bullet(item, 0)
                else:
                    bullet(item["text"], 0)
                    for sub in item.get("sub", []):
                        bullet(sub, 1)
            pdf.ln(1)
        elif kind == "table":
            table(block)
        else:
            raise ValueError(f"unknown block type {kind!r}")
    return bytes(pdf.output())


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------


def render_docx(content: dict[str, Any]) -> bytes:
    doc = Document()
    when = dt.datetime.fromisoformat(content["created"]).replace(tzinfo=None)
    set_core_properties(doc, title=" ".join(content["title"]), author=content["author"], when=when)
    page_header_footer(doc, content["running_header"])

    doc.add_paragraph(content["title"][0], style="Title")
    doc.add_paragraph(content["title"][1], style="Subtitle")

    for block in content["blocks"]:
        kind = block["type"]
        if kind == "heading":
            doc.add_heading(block["text"], level=1)
        elif kind == "para":
            add_rich_text(doc.add_paragraph(), block["text"])
        elif kind == "bullets":
            for item in block["items"]:
                text = item if isinstance(item, str) else item["text"]
                add_rich_text(doc.add_paragraph(style="List Bullet"), text)
                if not isinstance(item, str):
                    for sub in item.get("sub", []):
                        add_rich_text(doc.add_paragraph(style="List Bullet 2"), sub)
        elif kind == "table":
            cols = block["columns"]
            tbl = doc.add_table(rows=1, cols=len(cols))
            tbl.style = "Table Grid"
            for cell, name in zip(tbl.rows[0].cells, cols):
                cell.text = ""
                cell.paragraphs[0].add_run(name).bold = True
            mark_header_row(tbl.rows[0])
            for cells in block["rows"]:
                row = tbl.add_row()
                for cell, text in zip(row.cells, cells):
                    cell.text = text
            doc.add_paragraph()
        else:
            raise ValueError(f"unknown block type {kind!r}")
    return save_docx_deterministic(doc)


# --------------------------------------------------------------------------


def build() -> dict[Path, bytes]:
    content = json.loads(SEED_CONTENT.read_text(encoding="utf-8"))
    _check_cp1252(json.dumps(content, ensure_ascii=False))
    return {
        SEED_DIR / "seed-minutes.pdf": render_pdf(content),
        SEED_DIR / "seed-minutes.docx": render_docx(content),
    }


def write_or_check(outputs: dict[Path, bytes], check: bool) -> int:
    stale = []
    for path, data in outputs.items():
        rel = path.relative_to(CORPUS.parent)
        if check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(str(rel))
        else:
            path.write_bytes(data)
            print(f"wrote {rel} ({len(data)} bytes)")
    if stale:
        print("out of date (run without --check to regenerate): " + ", ".join(stale))
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--check", action="store_true", help="do not write; fail if files differ")
    args = ap.parse_args(argv)
    return write_or_check(build(), args.check)


if __name__ == "__main__":
    sys.exit(main())
