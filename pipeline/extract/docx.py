"""DOCX reader: the body XML walked in order, with python-docx for styles and core properties.

python-docx's ``Document.paragraphs`` / ``.tables`` skip content controls (``w:sdt``), text boxes
and ``mc:AlternateContent``, and lose the interleaving of paragraphs and tables, so the body is
walked directly (lxml, entities off, no network):

* ``w:p`` -> heading (style "Title"/"Heading N" or an outline level), list item (``w:numPr`` or a
  "List ..." style; level = ``w:ilvl``) or paragraph; all-bold runs -> ``bold``;
* ``w:tbl`` -> one row per ``w:tr``; horizontally merged cells (gridSpan) appear once, vertically
  merged continuation cells are empty; nested tables are flattened into the cell text;
* ``w:sdt`` content controls, ``w:customXml``, tracked insertions are read; deletions are not;
* text boxes (``w:txbxContent``) become blocks after their anchoring paragraph; of an
  ``mc:AlternateContent`` only the Choice (else the Fallback) is read.
* ``w:br`` line breaks split a paragraph only before a "Label:" line; otherwise they are spaces.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline.core.document import Document, DocumentBuilder, normalise_inline
from pipeline.core.errors import CorruptDocument, EncryptedDocument, LimitExceeded
from pipeline.extract import ReadOptions, refuse_entities, register_reader
from pipeline.extract.text import is_label_line

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W = "{%s}" % W_NS
MC = "{%s}" % MC_NS
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

MAX_UNCOMPRESSED = 500 * 1024 * 1024
MAX_TABLE_DEPTH = 16
_HEADING_RE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_HEADING_ID_RE = re.compile(r"^heading(\d)$", re.IGNORECASE)
_SKIP_IN_PARA = {W + "rPr", W + "pPr", W + "del", W + "moveFrom", W + "instrText", W + "delText",
                 W + "footnoteReference", W + "endnoteReference", W + "commentReference", W + "fldData",
                 W + "bookmarkStart", W + "bookmarkEnd", W + "proofErr", W + "lastRenderedPageBreak"}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


@dataclass
class _Style:
    name: str
    kind: str  # paragraph | character | table | numbering
    based_on: str | None = None
    outline: int | None = None  # 0-based outline level
    bold: bool | None = None
    numbered: bool = False


@dataclass
class _Para:
    lines: list[list[tuple[str, bool]]] = field(default_factory=lambda: [[]])  # runs per w:br line
    boxes: list[etree._Element] = field(default_factory=list)  # w:txbxContent found inside


@register_reader("docx")
def read_docx(path: Path, data: bytes, options: ReadOptions) -> Document:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as e:
        raise CorruptDocument(path, f"the DOCX is not a readable zip package ({e.__class__.__name__})") from e
    with zf:
        try:
            infos = zf.infolist()
        except Exception as e:  # noqa: BLE001 - zipfile raises several types on damaged directories
            raise CorruptDocument(path, "the DOCX zip directory is damaged") from e
        total = sum(max(0, i.file_size) for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise LimitExceeded(path, f"the DOCX unpacks to {total // (1024 * 1024)} MB, over the "
                                      f"{MAX_UNCOMPRESSED // (1024 * 1024)} MB limit (a zip bomb?)",
                                "check the file's origin; minutebook will not unpack it")
        names = {i.filename for i in infos}
        if "EncryptionInfo" in names or "EncryptedPackage" in names:
            raise EncryptedDocument(path, "the Office document is password-protected")
        budget = [options.max_unpacked_total]
        main = _main_part(zf, names, path, options, budget)
        body_xml = _read_member(zf, main, path, required=True, options=options, budget=budget)
        styles_xml = _read_member(zf, _related_part(zf, names, main, "/styles", "word/styles.xml", path, options,
                                                    budget), path, required=False, options=options, budget=budget)
        core_xml = _read_member(zf, "docProps/core.xml", path, required=False, options=options, budget=budget)

    root = _parse_xml(body_xml, path, main)
    body = root.find(W + "body")
    if body is None:
        raise CorruptDocument(path, f"{main} has no w:body")
    styles = _read_styles(styles_xml, path)
    builder = DocumentBuilder(str(path), "docx")
    if core_xml:
        _read_core(builder, data, core_xml)
    _BodyWalker(builder, styles).walk(body)
    return builder.build()


_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _relationships(zf: zipfile.ZipFile, names: set[str], rels: str, path: Path, options: ReadOptions,
                   budget: list[int]) -> list[tuple[str, str]]:
    """(type, target) pairs of a relationships part; [] when it is missing or unreadable."""
    if rels not in names:
        return []
    xml = _read_member(zf, rels, path, required=False, options=options, budget=budget)
    if not xml:
        return []
    try:
        root = etree.fromstring(xml, _parser())
    except (etree.LxmlError, ValueError):
        return []
    if root is None:
        return []
    return [(r.get("Type") or "", r.get("Target") or "") for r in root.iter(_REL)]


def _resolve(base_dir: str, target: str) -> str:
    """A relationship target as a zip member name ("/word/document2.xml", "../x.xml", "styles.xml")."""
    parts = [] if target.startswith("/") else [p for p in base_dir.split("/") if p]
    for seg in target.lstrip("/").split("/"):
        if seg == "..":
            if parts:
                parts.pop()
        elif seg and seg != ".":
            parts.append(seg)
    return "/".join(parts)


def _main_part(zf: zipfile.ZipFile, names: set[str], path: Path, options: ReadOptions, budget: list[int]) -> str:
    """The main document part: the package's officeDocument relationship names it (Word saves
    ``word/document.xml``, but other writers use other names, e.g. ``word/document2.xml``)."""
    for typ, target in _relationships(zf, names, "_rels/.rels", path, options, budget):
        if typ.endswith("/officeDocument") and target:
            name = _resolve("", target)
            if name in names:
                return name
    return "word/document.xml"


def _related_part(zf: zipfile.ZipFile, names: set[str], main: str, type_suffix: str, default: str, path: Path,
                  options: ReadOptions, budget: list[int]) -> str:
    """The part the main part relates to by ``type_suffix`` (its styles), else ``default``."""
    folder, _, fname = main.rpartition("/")
    rels = f"{folder}/_rels/{fname}.rels" if folder else f"_rels/{fname}.rels"
    for typ, target in _relationships(zf, names, rels, path, options, budget):
        if typ.endswith(type_suffix) and target:
            name = _resolve(folder, target)
            if name in names:
                return name
    return default


def _read_member(zf: zipfile.ZipFile, name: str, path: Path, *, required: bool,
                 options: ReadOptions | None = None, budget: list[int] | None = None) -> bytes | None:
    """One member, unpacked at most to ``options.max_unpacked_bytes`` (and the shared ``budget``).

    The declared size is checked first; the read itself is bounded too, because a crafted zip can
    declare a small size and inflate to gigabytes.
    """
    options = options or ReadOptions()
    cap = options.max_unpacked_bytes
    if budget is not None:
        cap = min(cap, budget[0])
    try:
        info = zf.getinfo(name)
        if info.file_size > cap:
            raise LimitExceeded(path, f"{name} in the DOCX unpacks to {info.file_size // (1024 * 1024)} MB, over the "
                                      f"{cap // (1024 * 1024)} MB limit (a zip bomb?)",
                                "check the file's origin; raise max_unpacked_bytes if it is genuine")
        with zf.open(info) as f:
            data = f.read(cap + 1)
        if len(data) > cap:
            raise LimitExceeded(path, f"{name} in the DOCX unpacks to more than {cap // (1024 * 1024)} MB "
                                      "(its zip header understates its size: a zip bomb?)",
                                "check the file's origin; minutebook will not unpack it")
        if budget is not None:
            budget[0] -= len(data)
        return data
    except LimitExceeded:
        raise
    except KeyError:
        if required:
            raise CorruptDocument(path, f"the DOCX has no {name}") from None
        return None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as e:
        if required:
            raise CorruptDocument(path, f"{name} in the DOCX is damaged ({e.__class__.__name__})") from e
        return None
    except Exception as e:  # zlib.error and friends
        if required:
            raise CorruptDocument(path, f"{name} in the DOCX cannot be unpacked ({e.__class__.__name__})") from e
        return None


def _parse_xml(xml: bytes, path: Path, member: str) -> etree._Element:
    refuse_entities(path, xml, member)
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as e:
        raise CorruptDocument(path, f"{member} is not well-formed XML ({e.msg})") from e
    except (ValueError, etree.LxmlError) as e:
        raise CorruptDocument(path, f"{member} cannot be parsed ({e.__class__.__name__})") from e
    if root is None:
        raise CorruptDocument(path, f"{member} is empty")
    return root


def _read_core(builder: DocumentBuilder, data: bytes, core_xml: bytes) -> None:
    """Core properties (title, created, ...) via python-docx; ignored if python-docx cannot open it."""
    try:
        import docx  # python-docx

        props = docx.Document(io.BytesIO(data)).core_properties
        for key in ("title", "subject", "author", "keywords", "category", "comments", "last_modified_by"):
            val = getattr(props, key, None)
            if val and str(val).strip():
                builder.metadata[key] = normalise_inline(str(val))[:500]
        for key in ("created", "modified"):
            val = getattr(props, key, None)
            if val is not None:
                builder.metadata[key] = val.isoformat()
    except Exception:  # noqa: BLE001 - metadata is optional; a damaged core.xml must not stop reading
        builder.quality.notes.append("core properties could not be read")


def _on(el: etree._Element | None) -> bool | None:
    """Value of a toggle property (w:b, w:bCs ...): None when absent."""
    if el is None:
        return None
    val = el.get(W + "val")
    return val is None or val.lower() not in ("0", "false", "off", "none")


def _read_styles(xml: bytes | None, path: Path) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    if not xml:
        return styles
    try:
        root = etree.fromstring(xml, _parser())
    except (etree.XMLSyntaxError, ValueError, etree.LxmlError):
        return styles
    if root is None:
        return styles
    for st in root.iter(W + "style"):
        sid = st.get(W + "styleId")
        if not sid:
            continue
        name_el = st.find(W + "name")
        name = name_el.get(W + "val") if name_el is not None else sid
        based = st.find(W + "basedOn")
        s = _Style(name=_ui_name(name or sid), kind=st.get(W + "type") or "paragraph",
                   based_on=based.get(W + "val") if based is not None else None)
        ppr = st.find(W + "pPr")
        if ppr is not None:
            ol = ppr.find(W + "outlineLvl")
            if ol is not None and (ol.get(W + "val") or "").isdigit():
                s.outline = int(ol.get(W + "val"))
            # numbering needs a list (numId other than 0); Word's Subtitle style carries a bare ilvl
            num = ppr.find(W + "numPr")
            nid = num.find(W + "numId") if num is not None else None
            s.numbered = nid is not None and (nid.get(W + "val") or "0") != "0"
        rpr = st.find(W + "rPr")
        if rpr is not None:
            s.bold = _on(rpr.find(W + "b"))
        styles[sid] = s
    return styles


def _ui_name(name: str) -> str:
    """Built-in style names are stored lower-case ("heading 1"); show them as Word does."""
    low = name.lower()
    m = _HEADING_RE.match(low)
    if m:
        return f"Heading {m.group(1)}"
    if low in ("title", "subtitle", "normal", "list paragraph", "list bullet", "list number"):
        return name[:1].upper() + name[1:] if low != "list paragraph" else "List Paragraph"
    return name


class _BodyWalker:
    def __init__(self, builder: DocumentBuilder, styles: dict[str, _Style]):
        self.b = builder
        self.styles = styles

    # -- style helpers -----------------------------------------------------------------------
    def _chain(self, sid: str | None) -> list[_Style]:
        out: list[_Style] = []
        seen: set[str] = set()
        while sid and sid in self.styles and sid not in seen and len(out) < 20:
            seen.add(sid)
            out.append(self.styles[sid])
            sid = self.styles[sid].based_on
        return out

    def _style_bold(self, sid: str | None) -> bool | None:
        for s in self._chain(sid):
            if s.bold is not None:
                return s.bold
        return None

    # -- walk --------------------------------------------------------------------------------
    def walk(self, body: etree._Element) -> None:
        flow = _Flow(body)
        for el in flow:
            if el.tag == W + "p":
                for box in reversed(self._paragraph(el)):
                    flow.push(box)
            elif el.tag == W + "tbl":
                t = self.b.new_table()
                self._table(el, t)

    def _paragraph(self, p: etree._Element) -> list[etree._Element]:
        """Emit one paragraph; return the text boxes found inside it (read after it)."""
        ppr = p.find(W + "pPr")
        style_id = None
        outline = None
        numbered = False
        ilvl = 0
        para_bold = None
        if ppr is not None:
            ps = ppr.find(W + "pStyle")
            style_id = ps.get(W + "val") if ps is not None else None
            ol = ppr.find(W + "outlineLvl")
            if ol is not None and (ol.get(W + "val") or "").isdigit():
                outline = int(ol.get(W + "val"))
            num = ppr.find(W + "numPr")
            if num is not None:
                nid = num.find(W + "numId")
                numbered = nid is not None and (nid.get(W + "val") or "0") != "0"
                lv = num.find(W + "ilvl")
                if lv is not None and (lv.get(W + "val") or "").isdigit():
                    ilvl = int(lv.get(W + "val"))
            rpr = ppr.find(W + "rPr")  # paragraph mark formatting: not the text's, ignored
            del rpr
        chain = self._chain(style_id)
        style_name = chain[0].name if chain else style_id
        para_bold = self._style_bold(style_id)
        if outline is None:
            outline = next((s.outline for s in chain if s.outline is not None), None)
        if not numbered and any(s.numbered for s in chain):
            numbered = True

        para = _Para()
        self._collect(p, para, para_bold)
        level, kind = self._classify(style_id, style_name, chain, outline, numbered, ilvl)
        for text, bold in self._split_lines(para.lines):
            if kind == "heading":
                self.b.add("heading", text, level=level, bold=bold, style=style_name)
            elif kind == "list_item":
                self.b.add("list_item", text, level=level, bold=bold, style=style_name)
            else:
                self.b.add("paragraph", text, bold=bold, style=style_name)
        return para.boxes

    def _classify(self, style_id: str | None, style_name: str | None, chain: list[_Style], outline: int | None,
                  numbered: bool, ilvl: int) -> tuple[int | None, str]:
        names = [s.name for s in chain] or ([style_name] if style_name else [])
        for name in names:
            low = (name or "").lower()
            if low == "title":
                return 1, "heading"
            m = _HEADING_RE.match(low)
            if m:
                return max(1, int(m.group(1))), "heading"
        if style_id:
            m = _HEADING_ID_RE.match(style_id)
            if m:
                return max(1, int(m.group(1))), "heading"
        if outline is not None and outline < 9:
            return outline + 1, "heading"
        if numbered or any((n or "").lower().startswith("list") and (n or "").lower() != "list paragraph"
                           for n in names[:1]):
            return ilvl, "list_item"
        if names and (names[0] or "").lower() == "list paragraph":
            return ilvl, "list_item"
        return None, "paragraph"

    def _run_bold(self, r: etree._Element, para_bold: bool | None) -> bool:
        rpr = r.find(W + "rPr")
        if rpr is not None:
            b = _on(rpr.find(W + "b"))
            if b is not None:
                return b
            rs = rpr.find(W + "rStyle")
            if rs is not None:
                sb = self._style_bold(rs.get(W + "val"))
                if sb is not None:
                    return sb
        return bool(para_bold)

    def _collect(self, p: etree._Element, para: _Para, para_bold: bool | None) -> None:
        """Gather the text of a paragraph's runs (in order), its line breaks and its text boxes."""
        stack: list[tuple[etree._Element, bool]] = [(c, False) for c in reversed(list(p))]
        in_field_code = 0
        while stack:
            el, bold = stack.pop()
            tag = el.tag
            if not isinstance(tag, str) or tag in _SKIP_IN_PARA:
                continue
            if tag == W + "r":
                b = self._run_bold(el, para_bold)
                stack.extend((c, b) for c in reversed(list(el)))
            elif tag == W + "t":
                if not in_field_code:
                    para.lines[-1].append((el.text or "", bold))
            elif tag == M + "t":
                para.lines[-1].append((el.text or "", bold))
            elif tag == W + "tab" or tag == W + "ptab":
                para.lines[-1].append((" ", bold))
            elif tag == W + "br" or tag == W + "cr":
                btype = el.get(W + "type")
                if btype in ("page", "column"):
                    para.lines[-1].append((" ", bold))
                else:
                    para.lines.append([])
            elif tag == W + "noBreakHyphen":
                para.lines[-1].append(("-", bold))
            elif tag == W + "sym":
                pass  # a symbol-font glyph (often a tick or bullet); no reliable Unicode mapping
            elif tag == W + "fldChar":
                kind = el.get(W + "fldCharType")
                if kind == "begin":
                    in_field_code += 1
                elif kind in ("separate", "end") and in_field_code:
                    in_field_code -= 1
            elif tag == W + "txbxContent":
                para.boxes.append(el)
            elif tag == MC + "AlternateContent":
                chosen = _choose_alternate(el)
                if chosen is not None:
                    stack.extend((c, bold) for c in reversed(list(chosen)))
            elif tag == W + "sdt":
                content = el.find(W + "sdtContent")
                if content is not None:
                    stack.extend((c, bold) for c in reversed(list(content)))
            else:
                # hyperlink, ins, moveTo, smartTag, customXml, fldSimple, drawing, pict, v:textbox, oMath ...
                stack.extend((c, bold) for c in reversed(list(el)))

    def _split_lines(self, lines: list[list[tuple[str, bool]]]) -> list[tuple[str, bool]]:
        """Join the w:br-separated lines; a line starting with "Label:" starts a new block."""
        out: list[list[tuple[str, bool]]] = []
        for line in lines:
            text = "".join(t for t, _ in line).strip()
            if not text:
                continue
            if out and not is_label_line(text):
                out[-1].append((" ", False))
                out[-1].extend(line)
            else:
                out.append(list(line))
        result = []
        for runs in out:
            text = normalise_inline("".join(t for t, _ in runs))
            visible = [b for t, b in runs if t.strip()]
            result.append((text, bool(visible) and all(visible)))
        return result

    # -- tables ------------------------------------------------------------------------------
    def _table(self, tbl: etree._Element, t: int) -> None:
        rows: list[tuple[list[str], bool, list[bool]]] = []
        for tr in _rows(tbl):
            texts: list[str] = []
            bolds: list[bool] = []
            for tc in _cells(tr):
                tcpr = tc.find(W + "tcPr")
                if tcpr is not None:
                    vm = tcpr.find(W + "vMerge")
                    if vm is not None and vm.get(W + "val") in (None, "continue"):
                        texts.append("")  # the text is in the cell above
                        bolds.append(True)
                        continue
                text, bold = self._cell_text(tc, 0)
                texts.append(text)
                bolds.append(bold)
            trpr = tr.find(W + "trPr")
            marked = trpr is not None and _on(trpr.find(W + "tblHeader")) is True
            rows.append((texts, marked, bolds))
        for i, (texts, marked, bolds) in enumerate(rows):
            header = False
            if i == 0 and any(texts):
                nonempty = [k for k, x in enumerate(texts) if x]
                all_bold = all(bolds[k] for k in nonempty)
                short = len(rows) >= 2 and len(nonempty) >= 2 and all(len(texts[k]) <= 40 for k in nonempty) \
                    and not texts[nonempty[0]].endswith(":")
                header = marked or (all_bold and len(rows) >= 2) or short
            self.b.add_row(t, texts, header=header or (marked and i > 0 and rows[i - 1][1]), style="tr")

    def _cell_text(self, tc: etree._Element, depth: int) -> tuple[str, bool]:
        """A cell's text (paragraphs joined by spaces, nested tables flattened) and whether all bold."""
        parts: list[str] = []
        bold_all = True
        saw = False
        flow = _Flow(tc)
        for el in flow:
            tag = el.tag
            if tag == W + "p":
                ppr = el.find(W + "pPr")
                ps = ppr.find(W + "pStyle") if ppr is not None else None
                para = _Para()
                self._collect(el, para, self._style_bold(ps.get(W + "val") if ps is not None else None))
                for text, bold in self._split_lines(para.lines):
                    parts.append(text)
                    saw = True
                    bold_all = bold_all and bold
                for box in reversed(para.boxes):
                    flow.push(box)
            elif tag == W + "tbl":
                if depth >= MAX_TABLE_DEPTH:
                    continue
                for tr in _rows(el):
                    for cell in _cells(tr):
                        text, bold = self._cell_text(cell, depth + 1)
                        if text:
                            parts.append(text)
                            saw = True
                            bold_all = bold_all and bold
        return normalise_inline(" ".join(parts)), saw and bold_all


def _children_tagged(parent: etree._Element, tag: str) -> list[etree._Element]:
    """Children of ``parent`` with ``tag``, looking through content controls, customXml and
    tracked insertions that may wrap them."""
    return [el for el in _Flow(parent) if el.tag == tag]


class _Flow:
    """The elements below ``parent`` in document order, looking through what wraps them (content
    controls, customXml, tracked insertions and moves, smart tags, text-box content, the chosen
    branch of alternate content); ``push(el)`` reads ``el``'s children next (a text box after its
    paragraph)."""

    WRAPPERS = frozenset({W + "customXml", W + "ins", W + "moveTo", W + "smartTag", W + "txbxContent"})

    def __init__(self, parent: etree._Element) -> None:
        self.stack: list[etree._Element] = []
        self.push(parent)

    def push(self, el: etree._Element) -> None:
        self.stack.extend(reversed(list(el)))

    def __iter__(self) -> Iterator[etree._Element]:
        while self.stack:
            el = self.stack.pop()
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if tag == W + "sdt":
                content = el.find(W + "sdtContent")
                if content is not None:
                    self.push(content)
            elif tag in self.WRAPPERS:
                self.push(el)
            elif tag == MC + "AlternateContent":
                chosen = _choose_alternate(el)
                if chosen is not None:
                    self.push(chosen)
            else:
                yield el


def _rows(tbl: etree._Element) -> list[etree._Element]:
    """w:tr of a table, including rows wrapped in content controls / customXml."""
    return _children_tagged(tbl, W + "tr")


def _cells(tr: etree._Element) -> list[etree._Element]:
    return _children_tagged(tr, W + "tc")


def _choose_alternate(el: etree._Element) -> etree._Element | None:
    """mc:AlternateContent: the first Choice, else the Fallback (never both: they repeat the text)."""
    choice = el.find(MC + "Choice")
    if choice is not None:
        return choice
    return el.find(MC + "Fallback")
