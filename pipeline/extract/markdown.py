"""Markdown reader (markdown-it-py, CommonMark + GFM tables and strikethrough).

* YAML front matter (``---`` ... ``---`` at the very top) goes to ``metadata``, not to blocks;
* ATX/Setext headings are headings with their level, inline markup removed
  (``# **Directors Attending**`` -> "Directors Attending");
* emphasis markers and link syntax are removed (a link keeps its text; a URL is kept only when the
  link text is the URL), entities are decoded;
* a paragraph that is all strong (``**Funding**``) is ``bold``;
* lists are list items nested by depth; tables are rows (the header row is ``header``);
* raw HTML is read with the HTML reader's walker; ``<br>`` and soft line breaks that start a new
  "Label:" line (or separate a list of short lines) split a paragraph into blocks;
* code blocks are paragraphs.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.core.document import Document, DocumentBuilder, normalise_inline
from pipeline.core.errors import CorruptDocument, MinutebookError
from pipeline.extract import ReadOptions, register_reader
from pipeline.extract.html import emit_html
from pipeline.extract.text import looks_like_heading_line, split_soft_lines
from pipeline.extract.textcodec import decode_text

_FRONT_RE = re.compile(r"\A\ufeff?(---|\+\+\+)[ \t]*\n(.*?)\n(---|\.\.\.|\+\+\+)[ \t]*(?:\n|\Z)", re.DOTALL)
_KV_RE = re.compile(r"^([A-Za-z_][\w .\-]*?)\s*[:=]\s*(.*)$")
_BR_TAG_RE = re.compile(r"^<br\s*/?>$", re.IGNORECASE)
_BREAK = "\x00BR\x00"  # a hard/soft line break marker inside inline text


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    return md


@register_reader("markdown")
def read_markdown(path: Path, data: bytes, options: ReadOptions) -> Document:
    text, encoding = decode_text(path, data, options.encoding)
    builder = DocumentBuilder(str(path), "markdown")
    builder.quality.encoding = encoding
    body, meta = split_front_matter(text)
    builder.metadata.update(meta)
    if meta:
        builder.quality.notes.append("front matter read into metadata")
    try:
        tokens = _parser().parse(body)
    except MinutebookError:
        raise
    except (RecursionError, ValueError, IndexError) as e:
        raise CorruptDocument(path, f"the Markdown could not be parsed ({e.__class__.__name__})") from e
    emitter = _Emitter(builder, path)
    emitter.max_html_depth = options.max_html_depth
    emitter.run(tokens)
    return builder.build()


def split_front_matter(text: str) -> tuple[str, dict[str, str]]:
    """Remove YAML (---) or TOML (+++) front matter; return (body, simple key/value metadata)."""
    m = _FRONT_RE.match(text)
    if not m or (m.group(1) == "+++") != (m.group(3) == "+++"):
        return text, {}
    meta: dict[str, str] = {}
    key: str | None = None
    for line in m.group(2).split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = re.match(r"^\s+-\s*(.*)$", line) or re.match(r"^-\s+(.*)$", line)
        if item and key is not None:
            val = _unquote(item.group(1))
            meta[key] = f"{meta[key]}, {val}" if meta.get(key) else val
            continue
        kv = _KV_RE.match(line) if not line[:1].isspace() else None
        if kv:
            key = kv.group(1).strip().lower()
            val = kv.group(2).strip()
            if val.startswith("[") and val.endswith("]"):
                val = ", ".join(_unquote(v) for v in val[1:-1].split(",") if v.strip())
            meta[key] = _unquote(val)
        elif key is not None and line[:1].isspace():
            meta[key] = (meta.get(key, "") + " " + line.strip()).strip()
    # keep the body's line count stable-ish: replace the front matter with blank lines
    return "\n" * m.group(0).count("\n") + text[m.end():], meta


def _unquote(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        v = v[1:-1]
    return v


class _Emitter:
    def __init__(self, builder: DocumentBuilder, path: Path):
        self.b = builder
        self.path = path
        self.max_html_depth: int | None = None
        self.list_depth = 0
        self.item_stack: list[bool] = []  # per open list item: has its first block been emitted?
        self.quote_depth = 0
        self.table: int | None = None
        self.row: list[str] | None = None
        self.row_header = False
        self.in_cell = False
        self.cell_parts: list[str] = []
        self.layout_headings = False
        self.number_prefix: list[str | None] = []
        self.heading_items: set[int] = set()  # ordered_list_open indexes read as sub-headings
        self.item_heading: list[bool] = []  # per open list: its one item is a sub-heading
        self.last_heading = 0

    def run(self, tokens: list[Token]) -> None:
        heading_level: int | None = None
        # Markdown without a single heading is plain text with some markup: find headings by layout
        self.layout_headings = not any(tok.type == "heading_open" for tok in tokens)
        single_item = _single_item_ordered_lists(tokens)
        titled = _titled_item_lists(tokens, single_item) if not self.layout_headings else set()
        for idx, tok in enumerate(tokens):
            t = tok.type
            if t in ("bullet_list_open", "ordered_list_open"):
                self.list_depth += 1
                # "4. Matters Arising:" alone between paragraphs: an agenda heading, not a list
                self.number_prefix.append(f"{tok.attrs.get('start', 1)}. " if idx in single_item else None)
                self.item_heading.append(idx in titled)
            elif t in ("bullet_list_close", "ordered_list_close"):
                self.list_depth -= 1
                self.number_prefix.pop()
                self.item_heading.pop()
            elif t == "list_item_open":
                self.item_stack.append(False)
            elif t == "list_item_close":
                if self.item_stack:
                    self.item_stack.pop()
            elif t == "blockquote_open":
                self.quote_depth += 1
            elif t == "blockquote_close":
                self.quote_depth -= 1
            elif t == "heading_open":
                heading_level = int(tok.tag[1]) if tok.tag[1:].isdigit() else 1
                self.last_heading = heading_level
            elif t == "heading_close":
                heading_level = None
            elif t == "table_open":
                self.table = self.b.new_table()
            elif t == "table_close":
                self.table = None
            elif t == "tr_open":
                self.row, self.row_header = [], False
            elif t == "tr_close":
                if self.table is not None and self.row is not None:
                    self.b.add_row(self.table, self.row, header=self.row_header, style="tr")
                self.row = None
            elif t in ("th_open", "td_open"):
                self.in_cell = True
                self.cell_parts = []
                if t == "th_open":
                    self.row_header = True
            elif t in ("th_close", "td_close"):
                self.in_cell = False
                if self.row is not None:
                    self.row.append(" ".join(p for p in self.cell_parts))
            elif t == "inline":
                self._inline(tok, heading_level)
            elif t in ("fence", "code_block"):
                for line in tok.content.split("\n"):
                    self._add("paragraph", line, style="code")
            elif t == "html_block":
                emit_html(self.b, tok.content, path=self.path, max_depth=self.max_html_depth)
            # hr, paragraph_open/close: nothing to do

    def _add(self, kind: str, text: str, *, level: int | None = None, bold: bool = False,
             style: str | None = None) -> None:
        self.b.add(kind, text, level=level, bold=bold, style=style)  # type: ignore[arg-type]

    def _inline(self, tok: Token, heading_level: int | None) -> None:
        text, bold = render_inline(tok.children or [])
        if self.in_cell:
            self.cell_parts.append(normalise_inline(text.replace(_BREAK, " ")))
            return
        if heading_level is not None:
            self._add("heading", text.replace(_BREAK, " "), level=heading_level, bold=bold, style=f"h{heading_level}")
            return
        if self.item_heading and self.item_heading[-1] and self.item_stack and not self.item_stack[-1]:
            # a one-item numbered list holding a short title, its points in the bullet list after it
            self.item_stack[-1] = True
            self._add("heading", text.replace(_BREAK, " "), level=min(6, self.last_heading + 1), style="item")
            return
        lines = text.split(_BREAK)
        chunks = split_soft_lines(lines) if len(lines) > 1 else [text]
        style = "blockquote" if self.quote_depth else None
        if self.layout_headings and len(chunks) == 1 and not self.quote_depth and not bold:
            prefix = ""
            if self.item_stack:
                prefix = (self.number_prefix[-1] or "") if self.list_depth == 1 and not self.item_stack[-1] else ""
            if not self.item_stack or prefix:
                is_heading, level = looks_like_heading_line(prefix + normalise_inline(text))
                if is_heading:
                    if self.item_stack:
                        self.item_stack[-1] = True
                    self._add("heading", prefix + text, level=level, style="layout")
                    return
        for k, chunk in enumerate(chunks):
            if self.item_stack and not self.item_stack[-1]:
                self.item_stack[-1] = True
                self._add("list_item", chunk, level=max(0, self.list_depth - 1), bold=bold, style="li")
            else:
                self._add("paragraph", chunk, bold=bold and len(chunks) == 1, style=style or ("li" if self.item_stack else None))


def _titled_item_lists(tokens: list[Token], single_item: set[int]) -> set[int]:
    """One-item numbered lists used as sub-headings: the item is a short title (no sentence) and a
    bullet list follows the numbered list directly ("1.  Spec consistency" then "- Ann: ...")."""
    out: set[int] = set()
    for i in single_item:
        if tokens[i].level != 0:
            continue
        inline = next((t for t in tokens[i:i + 4] if t.type == "inline"), None)
        close = next((k for k in range(i + 1, min(len(tokens), i + 8)) if tokens[k].type == "ordered_list_close"), None)
        if inline is None or close is None or close + 1 >= len(tokens):
            continue
        text = normalise_inline(render_inline(inline.children or [])[0])
        if tokens[close + 1].type == "bullet_list_open" and 0 < len(text.split()) <= 8 and len(text) <= 80 \
                and text[:1].isupper() and text[-1] not in ".;:,!?":
            out.add(i)
    return out


def _single_item_ordered_lists(tokens: list[Token]) -> set[int]:
    """Indexes of ordered_list_open tokens whose list holds exactly one item with one paragraph."""
    out: set[int] = set()
    stack: list[list[int]] = []  # [open index, items, blocks]
    for i, tok in enumerate(tokens):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            if stack:
                stack[-1][2] += 1
            stack.append([i if tok.type == "ordered_list_open" else -1, 0, 0])
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            start, items, blocks = stack.pop()
            if start >= 0 and items == 1 and blocks <= 1:
                out.add(start)
        elif stack and tok.type == "list_item_open":
            stack[-1][1] += 1
        elif stack and tok.type in ("paragraph_open", "fence", "code_block", "html_block", "table_open"):
            stack[-1][2] += 1
    return out


def render_inline(children: list[Token]) -> tuple[str, bool]:
    """Plain text of an inline token's children, and whether all of its text is strong."""
    out: list[str] = []
    strong = 0
    saw_text = False
    all_strong = True
    link_stack: list[tuple[str, int]] = []  # (href, index in out where the link text starts)
    for ch in children:
        t = ch.type
        if t == "strong_open":
            strong += 1
        elif t == "strong_close":
            strong = max(0, strong - 1)
        elif t in ("text", "code_inline"):
            out.append(ch.content)
            if ch.content.strip():
                saw_text = True
                if not strong:
                    all_strong = False
        elif t in ("softbreak", "hardbreak"):
            out.append(_BREAK)
        elif t == "link_open":
            link_stack.append((str(ch.attrs.get("href", "")), len(out)))
        elif t == "link_close":
            if link_stack:
                href, start = link_stack.pop()
                label = "".join(out[start:]).strip()
                if not label and href:
                    out.append(href)  # an empty link: its target is all there is
        elif t == "image":
            alt = "".join(c.content for c in (ch.children or []) if c.type in ("text", "code_inline"))
            if alt.strip():
                out.append(alt)
                saw_text = True
                if not strong:
                    all_strong = False
        elif t == "html_inline":
            if _BR_TAG_RE.match(ch.content.strip()):
                out.append(_BREAK)
            # other inline tags are markup only; their text comes as separate text tokens
    text = "".join(out)
    return text, saw_text and all_strong
