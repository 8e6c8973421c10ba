"""HTML reader (BeautifulSoup + lxml), walking the tree iteratively in document order.

* script/style/noscript/template, ``<head>`` (its ``<title>`` goes to ``metadata["title"]``),
  ``<nav>`` menus and hidden elements are dropped;
* h1-h6 are headings; p/div/section text is a paragraph; li is a list item nested by list depth;
  tables become rows (a row of ``th`` cells is a header row); dt/dd pairs become "term: definition";
* ``<br>`` separates blocks inside a paragraph ("Present: A, B<br>Regrets: C");
* a block whose text is all inside b/strong (or font-weight bold) is ``bold``.

``emit_html`` is also used by the Markdown reader for raw HTML blocks.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from bs4 import (
    BeautifulSoup,
    Comment,
    Declaration,
    Doctype,
    MarkupResemblesLocatorWarning,
    NavigableString,
    ProcessingInstruction,
    Tag,
    XMLParsedAsHTMLWarning,
)
from bs4.element import CData

from pipeline.core.document import Document, DocumentBuilder, normalise_inline
from pipeline.core.errors import CorruptDocument, EncodingError, LimitExceeded, MinutebookError
from pipeline.extract import ReadOptions, refuse_entities, register_reader
from pipeline.extract.textcodec import decode_text

DROP = {"script", "style", "noscript", "template", "head", "nav", "svg", "math", "iframe", "object",
        "canvas", "select", "button", "input", "textarea", "map", "audio", "video", "meta", "link"}
BLOCK = {"address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div",
         "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
         "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "ol", "p", "pre", "section",
         "summary", "table", "ul", "caption", "search"}
LISTS = {"ul", "ol", "menu"}
BOLD_TAGS = {"b", "strong"}
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SKIP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction, CData)
_BR = "\n"


@register_reader("html")
def read_html(path: Path, data: bytes, options: ReadOptions) -> Document:
    text, encoding, note = decode_html(path, data, options.encoding)
    refuse_entities(path, text, "the page")
    builder = DocumentBuilder(str(path), "html")
    builder.quality.encoding = encoding
    if note:
        builder.quality.notes.append(note)
    emit_html(builder, text, path=path, metadata=True, max_depth=options.max_html_depth, main_only=True)
    return builder.build()


# labels browsers read as windows-1252 (WHATWG Encoding Standard): a page that says latin-1 means it
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "windows-1252",
                        "cp1252", "x-cp1252"}
_UNICODE = {"utf-8", "utf_8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "ascii"}


def decode_html(path: Path, data: bytes, forced: str | None = None) -> tuple[str, str, str | None]:
    """(text, encoding, note) of an HTML file: ``forced`` (--encoding), else the charset the page
    declares (``<meta charset>``, http-equiv, an XML declaration; found with bs4's EncodingDetector),
    else UTF-8 or a byte-order mark, else windows-1252 - the web's default for an undeclared page,
    rather than a guess between Western and Central European code pages (which reads "Núñez" as
    "Núńez" and "£" as "Ł")."""
    if forced:
        text, enc = decode_text(path, data, forced)
        return text, enc, None
    from bs4.dammit import EncodingDetector

    declared = EncodingDetector.find_declared_encoding(data[:8192], is_html=True)
    if declared:
        label = "cp1252" if declared.lower() in _WINDOWS_1252_LABELS else declared
        try:
            text, enc = decode_text(path, data, label)
            return text, enc, None
        except EncodingError:
            pass  # the page lies about its encoding: detect it as if undeclared
    text, enc = decode_text(path, data)
    if enc.lower() in _UNICODE:
        return text, enc, None
    try:
        text, enc = decode_text(path, data, "cp1252")
    except EncodingError:
        return text, enc, f"no charset declared; the text was decoded as {enc} (detected): pass --encoding if it reads wrongly"
    return text, enc, "no charset declared and not UTF-8: decoded as windows-1252 (the web's default); pass --encoding if it reads wrongly"


def parse_html(text: str, path: Path | str | None = None) -> BeautifulSoup:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # XHTML: lxml's HTML parser reads it well
            return BeautifulSoup(text, "lxml")
    except MinutebookError:
        raise
    except Exception as e:  # lxml / bs4 failures on hostile markup
        raise CorruptDocument(path, f"the HTML could not be parsed ({e.__class__.__name__})") from e


def emit_html(builder: DocumentBuilder, text: str, *, path: Path | str | None = None, metadata: bool = False,
              max_depth: int | None = None, main_only: bool = False) -> None:
    """Append the blocks of the HTML ``text`` to ``builder``.

    Raises ``LimitExceeded`` when elements nest deeper than ``max_depth`` (default
    ``ReadOptions.max_html_depth``): real minutes nest a few dozen levels; 100,000 nested divs are
    an attack on whatever walks the tree next.
    """
    soup = parse_html(text, path)
    limit = max_depth if max_depth is not None else ReadOptions.max_html_depth
    depth = _depth_over(soup, limit)
    if depth:
        raise LimitExceeded(path, f"the HTML nests elements more than {limit} levels deep",
                            "check the file's origin; it is not a normal document")
    if metadata:
        _read_metadata(builder, soup)
    region = main_content(soup, builder) if main_only else None
    if region:
        walker = _Walker(builder)
        walker.walk_nodes(region)
        walker.flush()
        walker._flush_dt()
        return
    _Walker(builder).walk(soup)


# -------------------------------------------------------------------------------- main content
#
# A web page holds the minutes among a site's header, menus, sidebars ("Recent posts", "Archives")
# and footer; their headings and link lists would be read as sections and names. Finding a page's
# main content is a solved problem: readability-lxml (Mozilla Readability's scoring, a small pure
# Python package over lxml) picks the element holding the article. It is used only to *locate* that
# element: the element is then read whole by the walker, because readability also prunes short lists
# and tables inside the article (attendee lists, action tables), which minutes need.

_MARK = "data-mb-node"
MAX_MARKED = 20000  # elements tagged for the look-up; bigger pages are read whole


def main_content(soup: BeautifulSoup, builder: DocumentBuilder | None = None) -> list[Tag] | None:
    """The elements of ``soup`` that hold the page's main content, in document order, or None when
    the whole page should be read (no boilerplate around the content, readability unavailable or
    unsure, or what it would leave out is more than menus and link lists)."""
    body = soup.body or soup
    # the page says where its content is (HTML5 <main>, ARIA role="main")
    mains = [m for m in body.find_all(["main", "article"]) + body.find_all(attrs={"role": "main"})
             if not any(p in body.find_all(["main", "article"]) for p in m.parents)]
    if len(mains) == 1 and len(_visible_text(mains[0])) >= 200 and _worth_cutting(body, mains):
        if builder is not None:
            builder.quality.notes.append("web page: read its <main> content only (menus, sidebars and footer left out)")
        return mains
    try:
        from readability import Document as Readable  # readability-lxml
    except ImportError:  # pragma: no cover - a declared dependency; without it the whole page is read
        return None
    tags = body.find_all(True, limit=MAX_MARKED + 1)
    if len(tags) > MAX_MARKED or len(tags) < 8:
        return None
    for k, t in enumerate(tags):
        t.attrs[_MARK] = str(k)
    try:
        summary = Readable(str(soup)).summary(html_partial=True)
    except Exception:  # noqa: BLE001 - readability raises several types on odd markup
        return None
    finally:
        for t in tags:
            t.attrs.pop(_MARK, None)
    roots = [tags[k] for k in _outermost_marks(summary) if 0 <= k < len(tags)]
    roots = [r for r in roots if r.name not in ("body", "html")]
    if not roots or not _worth_cutting(body, roots):
        return None
    if builder is not None:
        builder.quality.notes.append("web page: read its main content only (menus, sidebars and footer left out)")
    return roots


def _outermost_marks(summary: str) -> list[int]:
    """The marks of the outermost marked elements in readability's output (the elements it kept whole)."""
    from lxml import html as lhtml

    try:
        tree = lhtml.fragment_fromstring(summary, create_parent="div")
    except Exception:  # noqa: BLE001 - lxml raises several types on odd markup
        return []
    out: list[int] = []
    stack = [tree]
    while stack:
        el = stack.pop()
        mark = el.get(_MARK) if isinstance(el.tag, str) else None
        if mark is not None and mark.isdigit():
            out.append(int(mark))
            continue
        stack.extend(reversed(list(el)))
    return sorted(set(out))


def _link_share(node: Tag) -> float:
    """The share of an element's text that is link text."""
    text = len(" ".join(node.get_text(" ").split()))
    links = sum(len(" ".join(a.get_text(" ").split())) for a in node.find_all("a"))
    return links / text if text else 0.0


def _visible_text(node: Tag) -> str:
    parts = []
    for s in node.find_all(string=True):
        if isinstance(s, _SKIP_STRINGS) or any(p.name in DROP for p in s.parents if isinstance(p, Tag)):
            continue
        parts.append(str(s))
    return " ".join(" ".join(parts).split())


def _worth_cutting(body: Tag, roots: list[Tag]) -> bool:
    """Cut only what reads as boilerplate: what is left outside the region must be mostly links
    (menus, link lists in sidebars, footers) with little other text; a page whose other text is
    minutes (IRC lines, paragraphs that readability scored lower) is read whole."""
    inside = {id(r) for r in roots}
    region_len = sum(len(_visible_text(r)) for r in roots)
    outside = links = 0
    stack: list[Tag] = [body]
    while stack:
        node = stack.pop()
        if id(node) in inside:
            continue
        for child in node.children:
            if isinstance(child, Tag):
                if child.name in DROP:
                    continue
                if child.name == "a":
                    n = len(" ".join(child.get_text(" ").split()))
                    outside += n
                    links += n
                else:
                    stack.append(child)
            elif isinstance(child, NavigableString) and not isinstance(child, _SKIP_STRINGS):
                outside += len(" ".join(str(child).split()))
    if outside == 0 or region_len < 200:
        return False
    return links >= 0.4 * outside and outside - links <= max(300, 0.2 * region_len)


def _depth_over(root: Tag, limit: int) -> int:
    """The first depth past ``limit`` found (iteratively, no recursion), or 0."""
    stack: list[tuple[Tag, int]] = [(root, 0)]
    while stack:
        node, d = stack.pop()
        if d > limit:
            return d
        for child in node.contents:
            if isinstance(child, Tag):
                stack.append((child, d + 1))
    return 0


def _read_metadata(builder: DocumentBuilder, soup: BeautifulSoup) -> None:
    title = soup.find("title")
    if isinstance(title, Tag):
        t = normalise_inline(title.get_text(" "))
        if t:
            builder.metadata["title"] = t
    for meta in soup.find_all("meta", limit=200):
        name = meta.get("name") or meta.get("property")
        content = meta.get("content")
        if isinstance(name, str) and isinstance(content, str) and content.strip() and len(builder.metadata) < 30:
            key = name.strip().lower()
            if key in ("description", "author", "date", "dcterms.date", "dc.date", "keywords", "dcterms.title",
                       "dc.title", "og:title", "article:published_time", "created", "generator"):
                builder.metadata[key] = normalise_inline(content)[:500]


class _Walker:
    """Iterative pre-order walk with explicit exit events (no recursion, so deep nesting is safe)."""

    def __init__(self, builder: DocumentBuilder):
        self.b = builder
        self.pieces: list[tuple[str, bool]] = []  # (text, bold) of the open block
        self.kind = "paragraph"
        self.level: int | None = None
        self.style: str | None = None
        self.ctx: list[tuple[str, int | None, str | None]] = []  # block context stack
        self.list_depth = 0
        self.bold_depth = 0
        self.pre_depth = 0
        self.dt_pending: str | None = None
        self.table_depth = 0

    # -- block buffer ------------------------------------------------------------------------
    def flush(self) -> None:
        pieces, self.pieces = self.pieces, []
        if not pieces:
            return
        # split at <br>; each line is a block of the current kind
        lines: list[list[tuple[str, bool]]] = [[]]
        for text, bold in pieces:
            if text == _BR:
                lines.append([])
            else:
                lines[-1].append((text, bold))
        if self.pre_depth:
            # preformatted text: one block per line
            raw = "".join(t for t, _ in pieces if t != _BR)
            for ln in raw.split("\n"):
                self._emit([(ln, False)])
            return
        for line in lines:
            self._emit(line)

    def _emit(self, line: list[tuple[str, bool]]) -> None:
        text = normalise_inline("".join(t for t, _ in line))
        if not text:
            return
        visible = [(t, b) for t, b in line if t.strip()]
        bold = bool(visible) and all(b for _, b in visible)
        kind, level, style = self.kind, self.level, self.style
        if self.dt_pending is not None and kind == "paragraph" and style == "dd":
            term = self.dt_pending
            self.dt_pending = None
            text = term + (" " if term.endswith(":") else ": ") + text
            bold = False
        elif self.dt_pending is not None:
            self._flush_dt()
        if style == "dt":
            self.dt_pending = text
            return
        self.b.add(kind, text, level=level, bold=bold, style=style)  # type: ignore[arg-type]
        # later lines of the same li / heading are continuation paragraphs
        if kind == "list_item":
            self.kind, self.style = "paragraph", "li"

    def _flush_dt(self) -> None:
        if self.dt_pending is not None:
            term, self.dt_pending = self.dt_pending, None
            self.b.add("paragraph", term, style="dt")

    def push_ctx(self, kind: str, level: int | None, style: str | None) -> None:
        self.ctx.append((self.kind, self.level, self.style))
        self.kind, self.level, self.style = kind, level, style

    def pop_ctx(self) -> None:
        self.kind, self.level, self.style = self.ctx.pop()

    # -- walk --------------------------------------------------------------------------------
    def walk(self, root: Tag) -> None:
        self.walk_nodes([root])
        self.flush()
        self._flush_dt()

    def walk_nodes(self, nodes: list) -> None:
        stack: list[tuple[object, bool]] = [(n, False) for n in reversed(nodes)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self._leave(node)  # type: ignore[arg-type]
                continue
            if isinstance(node, NavigableString):
                if isinstance(node, _SKIP_STRINGS):
                    continue
                s = str(node)
                if not self.pre_depth:
                    s = s.replace("\n", " ")
                self.pieces.append((s, self.bold_depth > 0))
                continue
            if not isinstance(node, Tag):
                continue
            name = (node.name or "").lower()
            if name in DROP or self._hidden(node):
                continue
            if name == "br":
                self.pieces.append((_BR, False))
                continue
            if name == "table":
                self.flush()
                self._flush_dt()
                self._table(node)
                continue
            self._enter(node, name)
            stack.append((node, True))
            for child in reversed(node.contents):
                stack.append((child, False))

    def _hidden(self, node: Tag) -> bool:
        if node.has_attr("hidden") or node.get("role") in ("navigation", "search"):
            return True
        if node.name == "aside" or node.get("role") == "complementary":
            return _link_share(node) >= 0.5  # a sidebar of links ("On this page", "Other meetings")
        style = node.get("style")
        return isinstance(style, str) and bool(_HIDDEN_STYLE.search(style))

    def _is_bold(self, node: Tag, name: str) -> bool:
        if name in BOLD_TAGS:
            return True
        style = node.get("style")
        return isinstance(style, str) and bool(_BOLD_STYLE.search(style))

    def _enter(self, node: Tag, name: str) -> None:
        if self._is_bold(node, name):
            self.bold_depth += 1
        if name not in BLOCK:
            return
        self.flush()
        if name != "dd":
            self._flush_dt()
        if name in LISTS:
            self.list_depth += 1
            self.push_ctx(self.kind, self.level, self.style)
        elif name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.push_ctx("heading", int(name[1]), name)
        elif name == "li":
            self.push_ctx("list_item", max(0, self.list_depth - 1), "li")
        elif name == "pre":
            self.pre_depth += 1
            self.push_ctx("paragraph", None, "pre")
        elif name in ("dt", "dd", "blockquote", "caption", "figcaption", "summary", "address"):
            self.push_ctx("paragraph", None, name)
        elif self.kind == "heading":
            self.push_ctx(self.kind, self.level, self.style)
        else:
            self.push_ctx("paragraph", None, self.style if self.style in ("blockquote",) else None)

    def _leave(self, node: Tag) -> None:
        name = (node.name or "").lower()
        if name in BLOCK:
            self.flush()
            if name in LISTS:
                self.list_depth -= 1
            if name == "pre":
                self.pre_depth -= 1
            if name == "dl":
                self._flush_dt()
            self.pop_ctx()
        if self._is_bold(node, name):
            self.bold_depth -= 1

    # -- tables ------------------------------------------------------------------------------
    def _table(self, table: Tag) -> None:
        caption = table.find("caption", recursive=False)
        if isinstance(caption, Tag):
            self.b.add("paragraph", _cell_text(caption), style="caption")
        t: int | None = None
        self.table_depth += 1
        try:
            for tr in _own_rows(table):
                cells = [c for c in tr.find_all(["td", "th"], recursive=False)]
                if not cells:
                    continue
                header = all(c.name == "th" for c in cells) or (tr.parent is not None and tr.parent.name == "thead")
                texts: list[str] = []
                deferred: list[object] = []
                for c in cells:
                    if self.table_depth > _MAX_TABLE_DEPTH:
                        texts.append(_cell_text(c))
                        continue
                    head, rest = _split_cell(c)
                    texts.append(head)
                    deferred.extend(rest)
                if t is None:
                    t = self.b.new_table()
                self.b.add_row(t, texts, header=header, style="tr")
                if deferred:
                    # block content of the cells (lists, further paragraphs) follows its row
                    self.push_ctx("paragraph", None, "td")
                    saved_depth, self.list_depth = self.list_depth, 0
                    self.walk_nodes(deferred)
                    self.flush()
                    self._flush_dt()
                    self.list_depth = saved_depth
                    self.pop_ctx()
        finally:
            self.table_depth -= 1


def _own_rows(table: Tag) -> list[Tag]:
    """The rows of ``table`` itself (directly or in thead/tbody/tfoot), not of nested tables."""
    out: list[Tag] = []
    for child in table.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "tr":
            out.append(child)
        elif child.name in ("thead", "tbody", "tfoot"):
            out.extend(c for c in child.children if isinstance(c, Tag) and c.name == "tr")
    return out


_MAX_TABLE_DEPTH = 8


def _has_block(node: Tag) -> bool:
    return node.find(lambda t: (t.name or "").lower() in BLOCK or t.name == "br") is not None


def _split_cell(cell: Tag) -> tuple[str, list[object]]:
    """A cell's own text, and the block content (lists, further paragraphs) that follows it.

    Cells holding plain text (or one paragraph) give all their text; in a cell holding a title
    line then a list, the title is the cell text and the list is emitted after the row.
    """
    contents = list(cell.contents)
    head_parts: list[str] = []
    i = 0
    while i < len(contents):
        node = contents[i]
        if isinstance(node, Tag):
            name = (node.name or "").lower()
            if name == "table":
                head_parts.append(" " + _cell_text(node) + " ")  # nested tables flatten into the cell
                i += 1
                continue
            if name in BLOCK or name == "br" or (name not in DROP and _has_block(node)):
                break
            if name in DROP:
                i += 1
                continue
            head_parts.append(_cell_text(node, raw=True))
        elif isinstance(node, NavigableString) and not isinstance(node, _SKIP_STRINGS):
            head_parts.append(str(node))
        i += 1
    rest = contents[i:]
    head = normalise_inline("".join(head_parts))
    if not head:
        # skip a leading <br> or empty blocks; take the first simple paragraph as the cell text
        while rest and (isinstance(rest[0], NavigableString) or
                        (isinstance(rest[0], Tag) and not normalise_inline(_cell_text(rest[0])))):
            rest = rest[1:]
        if rest and isinstance(rest[0], Tag) and (rest[0].name or "").lower() in ("p", "div", "span", "h1", "h2",
                                                                                  "h3", "h4", "h5", "h6") \
                and not _has_block(rest[0]):
            head = _cell_text(rest[0])
            rest = rest[1:]
    if rest and not any(normalise_inline(_cell_text(r)) if isinstance(r, Tag) else
                        (str(r).strip() if not isinstance(r, _SKIP_STRINGS) else "") for r in rest):
        rest = []
    return head, rest


def _cell_text(cell: Tag, raw: bool = False) -> str:
    """All visible text of a cell (nested tables and lists flattened), iteratively."""
    parts: list[str] = []
    stack: list[object] = [cell]
    while stack:
        node = stack.pop()
        if isinstance(node, NavigableString):
            if not isinstance(node, _SKIP_STRINGS):
                parts.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if name in DROP:
            continue
        if name == "br" or name in BLOCK or name in ("td", "th", "tr"):
            parts.append(" ")
        stack.extend(reversed(node.contents))
    return "".join(parts) if raw else normalise_inline("".join(parts))
