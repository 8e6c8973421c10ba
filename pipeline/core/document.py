"""The extracted document: what every reader returns, whatever the format.

A ``Document`` is an ordered list of ``Block``s over one plain-text string. Every block (and every
table cell) knows its character span in ``Document.text`` and, for paged formats, its page, so each
fact found later can point back to where it came from.

Readers never compute spans by hand: they append to a ``DocumentBuilder``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]
BLOCK_KINDS: tuple[str, ...] = ("heading", "paragraph", "list_item", "table_row")

# Cells of a table row are joined with this in the plain text (kept distinctive so that downstream
# stages never mistake a cell boundary for a sentence).
CELL_SEPARATOR = " | "


@dataclass
class Cell:
    text: str
    start: int
    end: int


@dataclass
class Block:
    kind: BlockKind
    text: str
    start: int
    end: int
    page: int | None = None
    level: int | None = None  # heading level (1 = top) or list nesting depth (0 = top)
    bold: bool = False  # the whole block is bold / strong (a likely heading in many minutes)
    font_size: float | None = None  # PDF only: dominant font size
    cells: list[Cell] | None = None  # table_row only
    table: int | None = None  # table number within the document (table_row only)
    row: int | None = None  # row number within its table (table_row only)
    header: bool = False  # table_row only: this is the table's header row
    style: str | None = None  # source style name (DOCX paragraph style, HTML tag, markdown token)

    def cell_texts(self) -> list[str]:
        return [c.text for c in self.cells or []]


LOW_OCR_CONFIDENCE = 70.0  # mean OCR word confidence (0-100) under which a record warns


@dataclass
class Quality:
    """Signals about how well the text came out of the file."""

    pages: int | None = None
    empty_pages: list[int] = field(default_factory=list)
    characters: int = 0
    undecodable_glyphs: int = 0  # e.g. pdfminer's "(cid:NN)", U+FFFD replacement characters
    undecodable_ratio: float = 0.0
    likely_scan: bool = False
    dropped_lines: int = 0  # repeated page headers/footers and page numbers removed
    encoding: str | None = None  # text formats: the encoding the file was decoded with
    ocr_pages: list[int] = field(default_factory=list)  # PDF pages read with OCR (scans)
    ocr_confidence: float | None = None  # their mean word confidence, 0-100
    notes: list[str] = field(default_factory=list)


@dataclass
class Document:
    path: str
    format: str  # pdf | docx | html | markdown | text
    text: str
    blocks: list[Block]
    quality: Quality = field(default_factory=Quality)
    metadata: dict[str, str] = field(default_factory=dict)  # e.g. markdown front matter, docx core properties

    def tables(self) -> dict[int, list[Block]]:
        out: dict[int, list[Block]] = {}
        for b in self.blocks:
            if b.kind == "table_row" and b.table is not None:
                out.setdefault(b.table, []).append(b)
        return out

    def to_dict(self) -> dict:
        return asdict(self)

    def word_count(self) -> int:
        """Words (runs of non-space characters) over all blocks, counted block by block."""
        return sum(len(b.text.split()) for b in self.blocks)


class DocumentBuilder:
    """Accumulates blocks and the plain text; blocks are separated by a newline in ``text``."""

    def __init__(self, path: str, fmt: str):
        self.path = path
        self.format = fmt
        self._parts: list[str] = []
        self._len = 0
        self.blocks: list[Block] = []
        self.quality = Quality()
        self.metadata: dict[str, str] = {}
        self._table_count = 0
        self._rows_in: dict[int, int] = {}  # table -> rows added so far (row numbers in O(1))

    def _append(self, text: str) -> tuple[int, int]:
        if self._parts:
            self._parts.append("\n")
            self._len += 1
        start = self._len
        self._parts.append(text)
        self._len += len(text)
        return start, self._len

    def add(self, kind: BlockKind, text: str, *, page: int | None = None, level: int | None = None,
            bold: bool = False, font_size: float | None = None, style: str | None = None) -> Block | None:
        """Add a heading, paragraph or list item. Blank text is ignored (returns None)."""
        text = normalise_inline(text)
        if not text:
            return None
        start, end = self._append(text)
        block = Block(kind=kind, text=text, start=start, end=end, page=page, level=level, bold=bold,
                      font_size=font_size, style=style)
        self.blocks.append(block)
        return block

    def new_table(self) -> int:
        self._table_count += 1
        return self._table_count - 1

    def add_row(self, table: int, cells: list[str], *, page: int | None = None, header: bool = False,
                style: str | None = None) -> Block | None:
        """Add one table row. Cells keep their own spans; an all-empty row is ignored."""
        cleaned = [normalise_inline(c) for c in cells]
        if not any(cleaned):
            return None
        row_no = self._rows_in.get(table, 0)
        self._rows_in[table] = row_no + 1
        if self._parts:
            self._parts.append("\n")
            self._len += 1
        start = self._len
        cell_objs: list[Cell] = []
        for i, c in enumerate(cleaned):
            if i:
                self._parts.append(CELL_SEPARATOR)
                self._len += len(CELL_SEPARATOR)
            cell_objs.append(Cell(text=c, start=self._len, end=self._len + len(c)))
            self._parts.append(c)
            self._len += len(c)
        text = CELL_SEPARATOR.join(cleaned)
        block = Block(kind="table_row", text=text, start=start, end=self._len, page=page, cells=cell_objs,
                      table=table, row=row_no, header=header, style=style)
        self.blocks.append(block)
        return block

    def build(self) -> Document:
        text = "".join(self._parts)
        self.quality.characters = len(text)
        if self.quality.characters:
            self.quality.undecodable_ratio = round(self.quality.undecodable_glyphs / self.quality.characters, 4)
        return Document(path=self.path, format=self.format, text=text, blocks=self.blocks,
                        quality=self.quality, metadata=self.metadata)


def normalise_inline(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces and line breaks) to one space."""
    return " ".join(text.replace("\u00a0", " ").replace("\u200b", "").split())


