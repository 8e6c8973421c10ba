"""The draft as a Word document a secretary can edit: Title/Heading styles, an actions table,
bullets, and a bookmark per section that the discussion and the tables link to.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import IO

from pipeline.core.output import plural
from pipeline.draft.model import Draft, SectionRef, clean_text, date_differs, decision_extra, ref_label, version_of

PROCEDURAL_LABELS = frozenset({"procedural_schedule"})
OTHER_LABEL = "other"


def render_docx(draft: Draft, path: str | Path | IO[bytes]) -> str | Path | IO[bytes]:
    """The draft as a Word document a secretary can edit: Title/Heading styles, an actions table,
    bullets, and a bookmark per section that the discussion and the tables link to."""
    import docx
    from docx.shared import Pt

    c = clean_text
    doc = docx.Document()
    doc.core_properties.title = c(draft.title)[:255]
    doc.core_properties.comments = f"Draft summary by minutebook {version_of(draft)}"
    doc.add_paragraph(c(draft.title), style="Title")
    p = doc.add_paragraph()
    p.add_run("Date: ").bold = True
    p.add_run(c(draft.date_display) + (f" (as written: {c(draft.date_text)})" if date_differs(draft) else ""))
    p = doc.add_paragraph()
    p.add_run("Source: ").bold = True
    p.add_run(c(PurePath(draft.source_file).name) + f" ({c(draft.source_format)}"
              + (f", {plural(draft.pages, 'page')}" if draft.pages else "") + ")")
    note = doc.add_paragraph().add_run(f"Draft summary by minutebook {version_of(draft)}: "
                                       "check it against the minutes before sending.")
    note.italic = True

    doc.add_heading("Attendance", level=1)
    a = draft.attendance
    rows = [("Chair", [a.chair] if a.chair else []), ("Present", a.present), ("Apologies", a.apologies),
            ("Guests", a.guests), ("Absent", a.absent), ("Minutes", [a.minutes] if a.minutes else [])]
    if any(n for _, n in rows):
        for label, names in rows:
            if names:
                p = doc.add_paragraph(style="List Bullet")
                p.add_run(f"{label}{f' ({len(names)})' if len(names) > 1 else ''}: ").bold = True
                p.add_run(", ".join(c(n) for n in names))
    else:
        doc.add_paragraph("No attendance list found.")

    doc.add_heading("Decisions", level=1)
    if draft.decisions:
        for d in draft.decisions:
            p = doc.add_paragraph(c(d.lead or d.text), style="List Number")
            extra = decision_extra(d)
            if extra:
                p.add_run(f" — {c(extra)}").italic = True
            if d.section:
                p.add_run(" (")
                _docx_link(p, d.section)
                p.add_run(")")
            if d.lead:
                for item in d.items:
                    doc.add_paragraph(c(item), style="List Bullet 2")
    else:
        doc.add_paragraph("No decisions recorded.")

    doc.add_heading("Actions", level=1)
    if draft.actions:
        header = ["#", "Owner", "Task", "Due", "Noted as", "Section"]
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        _repeat_header(table.rows[0])
        for k, act in enumerate(draft.actions, 1):
            cells = table.add_row().cells
            cells[0].text = str(k)
            if act.owner:
                cells[1].text = c(act.owner_display)
            else:
                cells[1].paragraphs[0].add_run("no owner named").italic = True
            if act.resolved_display:
                cells[1].add_paragraph().add_run(c(act.resolved_display)).italic = True
            cells[2].text = c(act.task)
            cells[3].text = c(act.due_display)
            cells[4].text = "action" if act.explicit else "inferred"
            if act.section:
                _docx_link(cells[5].paragraphs[0], act.section)
    else:
        doc.add_paragraph("No actions recorded.")

    doc.add_heading("Discussion by theme", level=1)
    if draft.discussion:
        for g in draft.discussion:
            doc.add_heading(c(g.name), level=2)
            for it in g.items:
                if not it.primary:
                    continue
                p = doc.add_paragraph(style="List Bullet")
                _docx_link(p, it.section, bold=True)
                if it.section.page:
                    p.add_run(f" (p. {it.section.page})")
                p.add_run(": ")
                if it.summary:
                    p.add_run(c(it.summary))
                else:
                    p.add_run("no summary").italic = True
            also = [it for it in g.items if not it.primary]
            if also:
                p = doc.add_paragraph()
                p.add_run("Also discussed in: ").italic = True
                for k, it in enumerate(also):
                    _docx_link(p, it.section)
                    p.add_run(f" (under {c(it.primary_theme)})" + (", " if k < len(also) - 1 else ""))
    else:
        doc.add_paragraph("No section summaries.")

    doc.add_heading("Next meeting", level=1)
    if draft.next_meetings:
        for n in draft.next_meetings:
            p = doc.add_paragraph(c(n.display), style="List Bullet")
            if n.date:
                p.add_run(f" — as written: “{c(n.text)}”").italic = True
    else:
        doc.add_paragraph("No next meeting found.")

    doc.add_heading("Check these", level=1)
    if draft.warnings:
        for w in draft.warnings:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(f"{c(w.title)}: ").bold = True
            p.add_run(c(w.message))
            if w.section:
                p.add_run(" (")
                _docx_link(p, w.section)
                p.add_run(")")
    else:
        doc.add_paragraph("Nothing flagged.")

    if draft.sections:
        doc.add_heading("Sections of the minutes", level=1)
        for k, s in enumerate(draft.sections):
            p = doc.add_paragraph(style="List Bullet" if s.level <= 1 else "List Bullet 2")
            _docx_bookmark(p, s.ref, k + 1)
            if s.ref.page:
                p.add_run(f" (p. {s.ref.page})")
            if s.theme_names:
                r = p.add_run(" — " + ", ".join(c(t) for t in s.theme_names))
                r.italic = True
                r.font.size = Pt(9)

    if isinstance(path, (str, Path)):
        out = Path(path)
        doc.save(str(out))
        return out
    doc.save(path)  # a binary file object
    return path


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _docx_link(paragraph, ref: SectionRef, *, bold: bool = False) -> None:
    """An internal hyperlink (w:anchor) to the section's bookmark: never an external target."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), f"section_{ref.index}")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    rpr.append(color)
    rpr.append(underline)
    if bold:
        rpr.append(OxmlElement("w:b"))
    run.append(rpr)
    t = OxmlElement("w:t")
    t.text = clean_text(ref_label(ref))
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _docx_bookmark(paragraph, ref: SectionRef, bid: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bid))
    start.set(qn("w:name"), f"section_{ref.index}")
    paragraph._p.append(start)
    paragraph.add_run(clean_text(ref_label(ref))).bold = True
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bid))
    paragraph._p.append(end)
