"""DOCX reader: styles, bold, lists, tables (merged cells, nested), content controls, text boxes,
line breaks, damaged files and zip bombs."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from pipeline.core.errors import CorruptDocument, LimitExceeded
from pipeline.extract import ReadOptions, get_reader, read_document
from pipeline.extract import docx as docx_reader

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def save(d, tmp_path: Path, name: str = "m.docx") -> tuple[Path, bytes]:
    p = tmp_path / name
    d.save(str(p))
    return p, p.read_bytes()


def read(d, tmp_path: Path):
    p, data = save(d, tmp_path)
    return get_reader("docx")(p, data, ReadOptions())


def _el(xml: str):
    return etree.fromstring(f'<root xmlns:w="{W}" '
                            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                            'xmlns:v="urn:schemas-microsoft-com:vml" '
                            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
                            f"{xml}</root>")[0]


def build_minutes():
    d = docx.Document()
    d.core_properties.title = "Board minutes"
    d.add_paragraph("Board Meeting", style="Title")
    d.add_heading("Apologies", level=1)
    d.add_paragraph("None received.")
    p = d.add_paragraph()
    p.add_run("Funding").bold = True
    d.add_heading("Actions", level=2)
    d.add_paragraph("Clerk to write", style="List Bullet")
    d.add_paragraph("Copy chair", style="List Bullet 2")
    p = d.add_paragraph("Present: A, B")
    p.add_run().add_break()
    p.add_run("Regrets: C")
    p = d.add_paragraph("A sentence broken")
    p.add_run().add_break()
    p.add_run("across lines")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(0, 2).text = "Action", "Owner", "Due"
    t.cell(1, 0).merge(t.cell(1, 1)).text = "Merged wide"
    t.cell(1, 2).text = "May"
    t.cell(2, 2).merge(t.cell(1, 2))  # vertical merge: "May" must not repeat
    t.cell(2, 0).text = "Call"
    inner = t.cell(2, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "nested", "cells"
    d.add_paragraph("End of minutes.")
    return d


def test_headings_lists_bold_breaks_tables(tmp_path):
    doc = read(build_minutes(), tmp_path)
    ks = [(b.kind, b.text) for b in doc.blocks]
    title = doc.blocks[0]
    assert (title.kind, title.text, title.level, title.style) == ("heading", "Board Meeting", 1, "Title")
    assert ("heading", "Apologies") in ks
    h2 = next(b for b in doc.blocks if b.text == "Actions")
    assert h2.kind == "heading" and h2.level == 2
    f = next(b for b in doc.blocks if b.text == "Funding")
    assert f.bold and f.kind == "paragraph"
    assert ("list_item", "Clerk to write") in ks and ("list_item", "Copy chair") in ks
    assert ("paragraph", "Present: A, B") in ks and ("paragraph", "Regrets: C") in ks
    assert ("paragraph", "A sentence broken across lines") in ks
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert rows[0].cell_texts() == ["Action", "Owner", "Due"] and rows[0].header
    assert rows[1].cell_texts() == ["Merged wide", "May"]
    assert rows[2].cell_texts()[:2] == ["Call", "nested cells"]
    assert doc.text.count("May") == 1 and doc.text.count("Merged wide") == 1
    assert ks[-1] == ("paragraph", "End of minutes.")
    assert doc.metadata["title"] == "Board minutes"
    assert "created" in doc.metadata
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text
        for c in b.cells or []:
            assert doc.text[c.start:c.end] == c.text


def test_content_control_textbox_alternate_content(tmp_path):
    d = docx.Document()
    d.add_paragraph("Before")
    anchor = d.add_paragraph("Anchor text")
    d.add_paragraph("After")
    body = d.element.body
    sdt = _el('<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Inside control</w:t></w:r></w:p>'
              '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>ctl cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
              '</w:sdtContent></w:sdt>')
    body.insert(1, sdt)
    run = _el('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
              '<w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>'
              '<mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>Box text</w:t></w:r></w:p>'
              '</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    anchor._p.append(run)
    inline_sdt = _el('<w:sdt><w:sdtContent><w:r><w:t xml:space="preserve"> plus inline control</w:t></w:r>'
                     '</w:sdtContent></w:sdt>')
    anchor._p.append(inline_sdt)
    doc = read(d, tmp_path)
    texts = [b.text for b in doc.blocks]
    assert texts == ["Before", "Inside control", "ctl cell", "Anchor text plus inline control", "Box text", "After"]
    assert doc.text.count("Box text") == 1


def test_outline_level_and_tracked_changes(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("Outlined")
    ppr = p._p.get_or_add_pPr()
    ppr.append(_el('<w:outlineLvl w:val="1"/>'))
    q = d.add_paragraph("Kept ")
    q._p.append(_el('<w:del><w:r><w:delText>deleted</w:delText></w:r></w:del>'))
    q._p.append(_el('<w:ins><w:r><w:t>inserted</w:t></w:r></w:ins>'))
    doc = read(d, tmp_path)
    assert (doc.blocks[0].kind, doc.blocks[0].level) == ("heading", 2)
    assert doc.blocks[1].text == "Kept inserted"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in members.items():
            z.writestr(k, v)
    return buf.getvalue()


def test_damaged_files_raise_typed_errors(tmp_path):
    p = tmp_path / "x.docx"
    reader = get_reader("docx")
    with pytest.raises(CorruptDocument):
        reader(p, b"PK\x03\x04 truncated word/ garbage", ReadOptions())
    with pytest.raises(CorruptDocument):
        reader(p, _zip({"word/styles.xml": b"<x/>"}), ReadOptions())
    with pytest.raises(CorruptDocument):
        reader(p, _zip({"word/document.xml": b"<w:document><unclosed"}), ReadOptions())


def _laughs(levels: int = 10) -> str:
    ents = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, levels))
    return (f'<?xml version="1.0"?><!DOCTYPE w:document [{ents}]><w:document xmlns:w="{W}"><w:body><w:p><w:r>'
            f'<w:t>&lol{levels - 1};ok</w:t></w:r></w:p></w:body></w:document>')


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("levels", [2, 10])
def test_entity_declarations_are_refused_as_such_not_as_damage(tmp_path, encoding, levels):
    """Billion laughs (and any entity of its own: a DOCX never has a DTD) is one line saying so."""
    p = tmp_path / "laughs.docx"
    xml = _laughs(levels).replace('version="1.0"?>', f'version="1.0" encoding="{encoding}"?>', 1)
    p.write_bytes(_zip({"word/document.xml": xml.encode(encoding)}))
    with pytest.raises(CorruptDocument) as e:
        read_document(p)
    line = e.value.one_line()
    assert "word/document.xml declares its own XML entities" in line and "entity expansion refused" in line
    assert "[MB006]" in line and "damaged" not in line and "\n" not in line and "laughs.docx" in line


def test_main_part_named_by_the_package_relationship(tmp_path):
    """Some writers store the body as word/document2.xml; _rels/.rels says which part is the document."""
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="/word/document2.xml"/></Relationships>')
    drels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             'styles" Target="styles2.xml"/></Relationships>')
    styles = (f'<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="H1"><w:name w:val="heading 1"/>'
              '</w:style></w:styles>')
    body = (f'<w:document xmlns:w="{W}"><w:body>'
            '<w:p><w:pPr><w:pStyle w:val="H1"/></w:pPr><w:r><w:t>Weekly team minutes</w:t></w:r></w:p>'
            '<w:p><w:r><w:t>Participants: Ann, Bo</w:t></w:r></w:p></w:body></w:document>')
    data = _zip({"_rels/.rels": rels.encode(), "word/document2.xml": body.encode(),
                 "word/_rels/document2.xml.rels": drels.encode(), "word/styles2.xml": styles.encode()})
    doc = get_reader("docx")(tmp_path / "d.docx", data, ReadOptions())
    assert [(b.kind, b.text) for b in doc.blocks] == [("heading", "Weekly team minutes"),
                                                       ("paragraph", "Participants: Ann, Bo")]


def test_zip_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED", 1000)
    data = _zip({"word/document.xml": b"<a>" + b" " * 5000 + b"</a>"})
    with pytest.raises(LimitExceeded):
        get_reader("docx")(tmp_path / "b.docx", data, ReadOptions())


@pytest.mark.shared
@pytest.mark.parametrize("name", ["11_njit-team_2022-04-08.docx", "12_groupwork_wk5_2019-03-21.docx"])
def test_real_docx_keeps_gold_sections_text(name):
    if not CORPUS.exists():
        pytest.skip("../shared/corpus not present")
    gold = json.loads((CORPUS / "gold" / f"{name}.json").read_text())
    doc = read_document(CORPUS / "real" / name)
    flat = " ".join(doc.text.split())
    for s in gold["sections"]:
        # these files keep their section titles in tables ("Agenda item: | Assign roles")
        words = s.replace(":", " ").split()
        assert all(w in flat for w in words), s
    assert not any(b.text.count("Meeting Minutes") > 1 for b in doc.blocks)
