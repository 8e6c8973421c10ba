"""Plain-text reader: paragraphs, list items and headings recovered from layout alone.

Plain-text minutes have no markup, so structure comes from layout:

* blank lines separate paragraphs, but a long line that does not end a sentence continues across a
  single blank line (text pulled out of PDFs often has a blank line after every line);
* lines starting with a bullet (``-``, ``*``, ``•``, ``o``, ``▪``, ``–``) or an enumerator (``1.``,
  ``a)``, ``(i)``) are list items, nested by indentation;
* a short line that stands on its own (its predecessor ended and it is not wrapped into the next
  line) and looks like a title (Title Case, ALL CAPS, ending with ``:``, or followed by an indented
  block, a list or a long line of prose) is a heading;
* lines inside a paragraph that start with a ``Label:`` (``Present:``, ``Apologies:``) start a block.

Bullet glyphs are not kept in the block text (they are recorded in ``Block.style``); every other
non-white-space character of the input ends up in exactly one block, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.document import Document, DocumentBuilder
from pipeline.extract import ReadOptions, register_reader
from pipeline.extract.textcodec import decode_text

# ---------------------------------------------------------------------------------------------
# Line patterns shared with the other text-family readers
# ---------------------------------------------------------------------------------------------

# "Present:", "Apologies:", "Date of meeting:", "ACTION:" -- a short label then a colon.
# Starts with a letter (so "13:00" is not a label); at most 5 words before the colon.
LABEL_RE = re.compile(r"^[^\W\d_][\w'’&/().\-]*(?:[ \t]+[\w'’&/().\-]+){0,4}[ \t]*:(?!//)(?=\s|$)")
URL_RE = re.compile(r"^[(<\[]?(?:https?://|ftp://|www\.)\S+$", re.IGNORECASE)
BULLET_RE = re.compile(r"^(?P<marker>[-–•▪◦●■·‣⁃*]|o(?=\s))(?P<gap>\s*)(?=\S)")
ENUM_RE = re.compile(
    r"^(?P<enum>\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[A-Z](?=\))|[ivxlcdm]{1,6})[.)]|\d{1,3}(?:\.\d{1,3})+)(?=\s+\S)")
_DATEISH_RE = re.compile(
    r"^[\d\s/.,:\-–]+$|^\w+day\b|^(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"(?:\s+\d{1,2}(?:st|nd|rd|th)?,?)?\s+\d{2,4}\s*$", re.IGNORECASE)
_MONEY_RE = re.compile(r"[£$€¥]\s?\d")
_TERMINAL = ".!?;,"
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "per",
                "the", "to", "vs", "vs.", "via", "with", "&", "-", "–", "—", "de", "la", "le", "du", "our"}


def is_label_line(line: str) -> bool:
    """A line that starts with "Label:" followed by a value (or nothing)."""
    return bool(LABEL_RE.match(line.strip()))


def label_with_value(line: str) -> bool:
    m = LABEL_RE.match(line.strip())
    return bool(m) and bool(line.strip()[m.end():].strip())


def is_url_line(line: str) -> bool:
    return bool(URL_RE.match(line.strip()))


def split_soft_lines(lines: list[str], *, short: int = 45) -> list[str]:
    """Join the lines of one paragraph, splitting where a new block clearly starts.

    A line beginning with "Label:" or holding a bare URL starts a new block; when every line is
    short (a list of names, or "Date / Time / Place" lines) each line is its own block. Otherwise
    lines are joined with a space (a soft-wrapped paragraph).
    """
    lines = [ln.strip() for ln in lines if ln.strip()]
    if len(lines) <= 1:
        return lines
    if all(len(ln) <= short for ln in lines) and not any(ln[0].islower() for ln in lines[1:]) \
            and not any(ln[-1] in ",-&" for ln in lines[:-1]):
        return lines
    out: list[str] = []
    prev_url = False
    for ln in lines:
        url = is_url_line(ln)
        if not out or is_label_line(ln) or url or prev_url:
            out.append(ln)
        else:
            out[-1] = out[-1] + " " + ln
        prev_url = url
    return out


# ---------------------------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------------------------

@dataclass
class _Line:
    no: int
    indent: int
    text: str  # stripped, bullet glyph removed
    raw: str  # stripped, as written
    marker: str | None = None  # bullet glyph
    enum: str | None = None  # "1.", "a)", "4.1"
    blank_before: bool = False
    kind: str = "paragraph"


@register_reader("text")
def read_text(path: Path, data: bytes, options: ReadOptions) -> Document:
    text, encoding = decode_text(path, data, options.encoding)
    builder = DocumentBuilder(str(path), "text")
    builder.quality.encoding = encoding
    emit_plain_text(builder, text)
    return builder.build()


def emit_plain_text(builder: DocumentBuilder, text: str) -> None:
    """Append the blocks of plain ``text`` to ``builder``."""
    lines = _scan(text)
    if not lines:
        return
    width = _wrap_width(lines)
    long_len = 0.75 * width
    bullet_indents: list[int] = []

    def level_of(ln: _Line) -> int:
        # rank of this indentation among the list indentations at or left of it
        return max(0, sum(1 for i in bullet_indents if i <= ln.indent) - 1)

    n = len(lines)
    hanging = _hanging_lines(lines)
    headings: set[int] = set()
    for i, ln in enumerate(lines):
        prev = lines[i - 1] if i else None
        nxt = lines[i + 1] if i + 1 < n else None
        if i in hanging:
            continue
        if _is_heading(ln, prev, nxt, i - 1 in headings, long_len, lines, i):
            headings.add(i)
    bullet_indents.extend(sorted({ln.indent for k, ln in enumerate(lines)
                                  if (ln.marker or ln.enum) and k not in headings}))

    unit: list[_Line] = []
    unit_kind = "paragraph"

    def flush() -> None:
        nonlocal unit
        if not unit:
            return
        first = unit[0]
        if unit_kind == "heading":
            builder.add("heading", first.text, level=_heading_level(first), style=first.marker)
        elif unit_kind == "list_item":
            builder.add("list_item", _join(unit), level=level_of(first), style=first.marker)
        else:
            chunks = _split_paragraph(unit, long_len)
            for chunk in chunks:
                builder.add("paragraph", _join(chunk))
        unit = []

    for i, ln in enumerate(lines):
        prev = lines[i - 1] if i else None
        if i in headings:
            flush()
            unit, unit_kind = [ln], "heading"
            flush()
            continue
        if ln.marker or ln.enum:
            flush()
            unit, unit_kind = [ln], "list_item"
            continue
        if unit and _continues(unit, unit_kind, prev, ln, long_len):
            unit.append(ln)
            continue
        flush()
        unit, unit_kind = [ln], "paragraph"
    flush()


def _scan(text: str) -> list[_Line]:
    out: list[_Line] = []
    blank = True
    for no, raw in enumerate(text.split("\n")):
        expanded = raw.expandtabs(4).replace("\u00a0", " ").replace("\u200b", "")
        stripped = expanded.strip()
        if not stripped:
            blank = True
            continue
        indent = len(expanded) - len(expanded.lstrip())
        ln = _Line(no=no, indent=indent, text=stripped, raw=stripped, blank_before=blank)
        blank = False
        m = BULLET_RE.match(stripped)
        if m and not (m.group("marker") in "-–" and stripped[m.end():m.end() + 1].isdigit() and not m.group("gap")):
            rest = stripped[m.end():]
            if rest.strip() and not (m.group("marker") == "*" and not m.group("gap")):
                ln.marker = m.group("marker")
                ln.text = rest.strip()
        if ln.marker is None:
            e = ENUM_RE.match(stripped)
            if e and not _DATEISH_RE.match(stripped):
                ln.enum = e.group("enum")
        out.append(ln)
    return out


def _wrap_width(lines: list[_Line]) -> float:
    lengths = sorted(len(ln.raw) for ln in lines if not is_url_line(ln.raw))
    if len(lengths) < 5:
        return 80.0
    p90 = lengths[int(0.9 * (len(lengths) - 1))]
    return float(min(120, max(60, p90)))


def _join(unit: list[_Line]) -> str:
    out = unit[0].text
    for ln in unit[1:]:
        t = ln.raw if (ln.marker or ln.enum) else ln.text
        if len(out) > 1 and out[-1] == "-" and out[-2].isalpha() and t[:1].islower():
            out += t  # a word hyphenated across lines ("co-" + "production")
        else:
            out += " " + t
    return out


def _ends_terminal(s: str) -> bool:
    s = s.rstrip()
    return bool(s) and (s[-1] in ".!?:;" or s.endswith(".)") or s.endswith('."'))


def _continues(unit: list[_Line], kind: str, prev: _Line | None, ln: _Line, long_len: float) -> bool:
    """Whether ``ln`` continues the current unit (a wrapped line) rather than starting a block."""
    if prev is None:
        return False
    if is_url_line(ln.raw) or is_url_line(prev.raw):
        # a bare URL is its own block, except directly under a list item it belongs to
        return kind == "list_item" and not ln.blank_before and ln.indent >= unit[0].indent \
            and is_url_line(ln.raw) and not is_url_line(prev.raw)
    if label_with_value(ln.raw) and not (kind == "list_item" and ln.indent > unit[0].indent):
        return False
    if kind == "list_item":
        if ln.indent < unit[0].indent:
            return False
        if ln.blank_before:
            return not _ends_terminal(prev.raw) and (len(prev.raw) >= long_len or ln.text[:1].islower())
        # wrapped item text, unless the item ended with a sentence and a new one starts
        return not (_ends_terminal(prev.raw) and len(prev.raw) < long_len and ln.text[:1].isupper()
                    and ln.indent <= unit[0].indent)
    if ln.blank_before:
        return (len(prev.raw) >= long_len and not _ends_terminal(prev.raw)) or \
            (ln.text[:1].islower() and not _ends_terminal(prev.raw))
    return True  # lines of one paragraph; _split_paragraph decides about short-line lists


_LABEL_HEAD = re.compile(r"^[^:]{1,40}:\s+(?=\S)")


def _value_column(ln: _Line) -> int | None:
    m = _LABEL_HEAD.match(ln.raw)
    return ln.indent + m.end() if m else None


def _hanging_lines(lines: list[_Line]) -> set[int]:
    """Lines of a hanging-indent list under a label ("Present:   A\n            B\n            C"):
    each is indented to the label's value column, with no blank line in between."""
    out: set[int] = set()
    col: int | None = None
    for i, ln in enumerate(lines):
        if col is not None and not ln.blank_before and abs(ln.indent - col) <= 2 and ln.indent > 0 \
                and (ln.text[:1].isupper() or ln.text[:1].isdigit()):
            out.add(i)
            continue
        col = _value_column(ln)
    return out


def _split_paragraph(unit: list[_Line], long_len: float) -> list[list[_Line]]:
    """Split a run of lines into blocks: at Label: lines, and at every line for short-line lists."""
    if len(unit) == 1:
        return [unit]
    col = _value_column(unit[0])
    if col is not None and all(abs(ln.indent - col) <= 2 and ln.indent > 0 and not ln.blank_before
                               and (ln.text[:1].isupper() or ln.text[:1].isdigit()) for ln in unit[1:]):
        return [[ln] for ln in unit]  # a hanging-indent list: one entry per line
    short = all(len(ln.raw) < min(long_len, 50) for ln in unit)
    lowercase_cont = any(ln.text[:1].islower() for ln in unit[1:])
    joiner_end = any(ln.raw[-1] in ",&-" for ln in unit[:-1])
    if short and not lowercase_cont and not joiner_end and not any(ln.blank_before for ln in unit[1:]):
        return [[ln] for ln in unit]
    out: list[list[_Line]] = []
    for k, ln in enumerate(unit):
        prev = unit[k - 1] if k else None
        starts = (not out or label_with_value(ln.raw)
                  or (prev is not None and len(prev.raw) < long_len and _ends_terminal(prev.raw)
                      and ln.text[:1].isupper() and not ln.blank_before))
        if starts:
            out.append([ln])
        else:
            out[-1].append(ln)
    return out


def _words(s: str) -> list[str]:
    return s.split()


def _is_title_case(s: str) -> bool:
    words = [w.strip("()[]\"'‘’“”,:;") for w in s.split()]
    words = [w for w in words if w and any(ch.isalpha() for ch in w)]
    if not words:
        return False
    if not words[0][0].isupper() and not words[0][0].isdigit():
        return False
    significant = [w for w in words[1:] if w.lower() not in _SMALL_WORDS]
    return all(w[0].isupper() or not w[0].isalpha() for w in significant)


def _is_all_caps(s: str) -> bool:
    letters = [ch for ch in s if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _heading_shape(ln: _Line, long_len: float) -> bool:
    t = ln.text
    max_words, max_len = 10, 80
    if ln.enum:
        t = t[len(ln.enum):].strip()
        # numbered agenda items can be long ("6. To Receive from the Public Any Information ...:")
        max_words, max_len = (20, 130) if t.endswith(":") else (14, 100)
    if not t or len(t) > max_len or len(t) >= max(1.2 * long_len, 50, max_len if ln.enum else 0) \
            or len(_words(t)) > max_words:
        return False
    if t[-1] in _TERMINAL and not t.endswith("..."):
        return False
    if not (t[0].isupper() or t[0].isdigit() or t[0] in "\"'‘“"):
        return False
    if sum(ch.isalpha() for ch in t) < 2 or _DATEISH_RE.match(t):
        return False
    if is_url_line(t) or label_with_value(t) or _MONEY_RE.search(t):
        return False
    return True


def _casing_ok(ln: _Line) -> bool:
    t = ln.text[len(ln.enum):].strip() if ln.enum else ln.text
    return _is_title_case(t) or _is_all_caps(t) or t.endswith(":")


def _is_heading(ln: _Line, prev: _Line | None, nxt: _Line | None, prev_is_heading: bool,
                long_len: float, lines: list[_Line], i: int) -> bool:
    if nxt is None:
        return False
    if ln.marker:
        # a top-level bullet standing alone before a more indented block ("- tasks" then items)
        return (ln.indent == 0 and nxt.blank_before and nxt.indent > ln.indent and ln.blank_before
                and _bullet_title(ln, long_len))
    if not _heading_shape(ln, long_len):
        return False
    # it must start a unit: its predecessor ended (blank line, sentence end, short line, heading)
    if prev is not None and not (prev_is_heading or _ends_terminal(prev.raw) or len(prev.raw) < long_len
                                 or is_url_line(prev.raw)
                                 or (ln.blank_before and (prev.marker or prev.enum or ln.indent < prev.indent))):
        return False
    if prev is not None and not ln.blank_before and prev.marker is None and prev.enum is None \
            and not _ends_terminal(prev.raw) and not prev_is_heading and prev.raw[-1:] in ",&-":
        return False
    # and it must not wrap into the next line
    if not nxt.blank_before and nxt.text[:1].islower() and not (nxt.marker or nxt.enum):
        return False
    # a line as long as the text's wrapped lines that ends mid-sentence runs on into the next one
    if not nxt.blank_before and len(ln.raw) >= long_len and not _ends_terminal(ln.raw) \
            and not (nxt.marker or nxt.enum) and nxt.indent <= ln.indent:
        return False
    if ln.enum:
        # "4. Apologies" alone is a heading; "1. x / 2. y" is a list
        if nxt.enum and not nxt.blank_before:
            return False
        if nxt.enum and nxt.blank_before and _heading_shape(nxt, long_len) and nxt.indent == ln.indent \
                and not ln.blank_before:
            return False
    indented_block = nxt.indent > ln.indent and not (nxt.blank_before and nxt.indent - ln.indent < 2)
    if indented_block:
        return True
    substantial = bool(nxt.marker or nxt.enum) or len(nxt.raw) >= long_len or label_with_value(nxt.raw)
    if _casing_ok(ln):
        if ln.text.endswith(":"):
            return True
        # not one of a run of similar short lines (a list of names, table cells)
        sibling = (not (nxt.marker or nxt.enum) and _heading_shape(nxt, long_len) and _casing_ok(nxt)
                   and not nxt.text.endswith(":"))
        if sibling:
            return False
        return substantial or ln.blank_before or prev_is_heading or (prev is not None and _ends_terminal(prev.raw))
    return substantial and (prev is None or ln.blank_before or prev_is_heading or _ends_terminal(prev.raw)
                            or len(prev.raw) < long_len)


def _bullet_title(ln: _Line, long_len: float) -> bool:
    t = ln.text
    return 0 < len(t) <= 60 and len(t.split()) <= 6 and t[-1] not in _TERMINAL and not is_url_line(t)


def _heading_level(ln: _Line) -> int:
    if ln.enum and re.match(r"^\d+\.\d+", ln.enum):
        return ln.enum.rstrip(".").count(".") + 1
    return 1


def looks_like_heading_line(line: str) -> tuple[bool, int]:
    """Whether one standalone line (a paragraph of its own) reads as a heading; and its level."""
    stripped = line.strip()
    if not stripped or "\n" in stripped:
        return False, 1
    ln = _Line(no=0, indent=0, text=stripped, raw=stripped)
    e = ENUM_RE.match(stripped)
    if e:
        ln.enum = e.group("enum")
    if not _heading_shape(ln, 80.0) or not _casing_ok(ln):
        return False, 1
    return True, _heading_level(ln)
