"""Stage 2, structure: title, meeting date, the section tree, attendance blocks and tables.

Works on the blocks of any reader: headings come from the format where it has them (Markdown and
HTML tags, DOCX styles, PDF font size and weight), and from numbering and layout where it does not
(bold-only lines, numbered agenda items such as "4. Finance" or "4.1 Budget").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pipeline.core.dates import DateMatch, find_dates, locale_day_first, stated_weekday, years_in
from pipeline.core.document import Block, Document
from pipeline.structure.attendance import AttendanceBlock, find_attendance, is_attendance_label
from pipeline.structure.numbering import Number, item_title, split_number, titleish, valid_title

MAX_TITLE_BLOCKS = 3
_LABEL_VALUE = re.compile(r"^(?P<label>[A-Z][\w’'/&() -]{1,60}?)\s*:\s*(?P<value>.*)$")
_METADATA_LABEL = re.compile(
    r"^(date|time|venue|location|place|where|when|meeting date|meeting time|meeting location|"
    r"location and time|date and time|called by|meeting called by|type of meeting|note taker|timekeeper|"
    r"facilitator|minutes issued by|meeting objectives?|purpose)\b", re.IGNORECASE)
_TOC = re.compile(r"^(table of )?contents$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]['’\")\]]?$")
_OTHER_MEETING = re.compile(r"\b(previous|last|prior|earlier|next|following|future|upcoming)\b", re.IGNORECASE)
_NEXT_MEETING = re.compile(r"\b(next|future|upcoming|following)\s+(meetings?|call|session)\b|\bdates? of next\b",
                           re.IGNORECASE)


@dataclass
class SectionInfo:
    block: int  # index of the heading block
    heading: str
    level: int
    number: str | None
    start: int  # the heading text's span (may be part of the block when "4. Title: body" is one line)
    end: int
    parent: int | None = None
    body_start: int = 0
    body_end: int = 0


@dataclass
class Structure:
    title: str | None
    title_blocks: list[int]
    meeting_date: DateMatch | None
    meeting_date_block: int | None
    date_notes: list[str]
    sections: list[SectionInfo]
    attendance: list[AttendanceBlock]
    day_first: bool
    next_meeting_dates: list[tuple[DateMatch, int]] = field(default_factory=list)


def structure(doc: Document) -> Structure:
    day_first = locale_day_first(doc.text)
    title_blocks = find_title_blocks(doc)
    title = _title_text(doc, title_blocks)
    attendance = find_attendance(doc)
    # blocks read as names of an attendance list (a list broken over lines) are not sections
    consumed = {e.block for ab in attendance for e in ab.entries if e.block != ab.block}
    sections = find_sections(doc, set(title_blocks), consumed)
    meeting_date, date_block, notes, nxt = find_meeting_date(doc, title_blocks, sections, day_first)
    return Structure(title=title, title_blocks=title_blocks, meeting_date=meeting_date,
                     meeting_date_block=date_block, date_notes=notes, sections=sections,
                     attendance=attendance, day_first=day_first, next_meeting_dates=nxt)


# ----------------------------------------------------------------------------------------- title

_DATE_FILLERS = {"on", "at", "the", "of", "held", "date", "dated", "from", "to", "am", "pm", "and", "time", "noon",
                 "bst", "gmt", "utc", "est", "pst", "cet", "et", "pt", "h", "hrs"}


def _is_date_only(text: str) -> bool:
    dates = find_dates(text)
    if not dates:
        return False
    rest = text
    for d in reversed(dates):
        rest = rest[:d.start] + rest[d.end:]
    words = re.sub(r"[\W\d_]+", " ", rest).lower().split()
    return len(words) <= 3 and all(w in _DATE_FILLERS for w in words)


def _is_label_line(text: str) -> bool:
    m = _LABEL_VALUE.match(text)
    if m and (is_attendance_label(m.group("label")) or _METADATA_LABEL.match(m.group("label"))):
        return True
    return is_attendance_label(text.rstrip(": ")) or bool(_METADATA_LABEL.match(text) and len(text.split()) <= 3)


def find_title_blocks(doc: Document) -> list[int]:
    """The document's own title line(s): the leading short blocks before the first section."""
    blocks = doc.blocks
    i = 0
    # skip leading pure date lines and empty-looking noise (one or two glyphs)
    while i < len(blocks) and i < 4 and (_is_date_only(blocks[i].text) or len(blocks[i].text) <= 2):
        i += 1
    if i >= len(blocks):
        return []
    first = blocks[i]
    if first.kind == "table_row":
        # a form-like table at the top: its first cell is the title ("Team Meeting | April 8, 2022 ...")
        cells = first.cell_texts()
        head = cells[0] if cells else ""
        ok = head and len(head.split()) <= 12 and not head.endswith(":") and not _is_date_only(head) \
            and not _is_label_line(head)
        return [i] if ok else []
    if first.kind == "heading":
        text = _strip_markup(first.text).rstrip(":").strip()
        if is_attendance_label(text) or _SECTION_WORDS.match(text):
            return []  # the document starts straight with a section
        out = [i]
        j = i + 1
        # the title may go on: a date heading (<h1>X</h1><h2>22 October 2025</h2>), a bold or
        # capitalised subtitle line, a date line
        while j < len(blocks) and len(out) < MAX_TITLE_BLOCKS:
            b = blocks[j]
            if b.kind == "heading" and _is_date_only(b.text) and not _dated_sections(blocks, b) \
                    and "meeting_part" not in doc.metadata:  # one meeting of a log: its date heading is a section
                out.append(j)
            elif b.kind == "heading" and (b.level or 1) < (first.level or 1) and j - i <= 2 \
                    and not split_number(b.text) and _short_line(b.text):
                out.append(j)  # a small line (the organisation) above the bigger title
            elif b.kind == "paragraph" and _short_line(b.text) and not _is_label_line(b.text) \
                    and not b.text.rstrip().endswith(":") \
                    and (b.bold or _is_date_only(b.text) or _titleish(b.text)) and not split_number(b.text):
                out.append(j)
            else:
                break
            j += 1
        return out
    if first.kind != "paragraph" or not _short_line(first.text) or _is_label_line(first.text):
        return []
    out = [i]
    j = i + 1
    while j < len(blocks) and len(out) < MAX_TITLE_BLOCKS:
        b = blocks[j]
        # "Meeting notes: 27 April 2022" (not "Minutes of previous meeting of 26th May 2016")
        dated_heading = b.kind == "heading" and bool(find_dates(b.text)) and not _OTHER_MEETING.search(b.text)
        if not (b.kind == "paragraph" or dated_heading) or not _short_line(b.text) or _is_label_line(b.text):
            break
        if split_number(b.text):
            break
        out.append(j)
        j += 1
    return out


def _dated_sections(blocks: list[Block], b: Block) -> bool:
    """True when several headings at this level are dates: a log whose sections are its days."""
    return sum(1 for o in blocks if o.kind == "heading" and o.level == b.level and _is_date_only(o.text)) > 1


_SECTION_WORDS = re.compile(r"^(agenda|actions?|action items|minutes|notes|discussion|summary|decisions|"
                            r"welcome|introductions?|updates?|any other business|aob|next meeting)$", re.IGNORECASE)
_SMALL_WORDS = {"of", "the", "and", "a", "an", "in", "on", "at", "for", "to", "by", "with", "&", "-", "–"}


def _titleish(text: str) -> bool:
    """ALL CAPS or Title Case words (small words aside): a subtitle, not a sentence."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’.-]*", text) if w.lower() not in _SMALL_WORDS]
    if not words:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= 0.75


def _short_line(text: str) -> bool:
    return len(text) <= 160 and len(text.split()) <= 24 and not text.endswith(",")


def _title_text(doc: Document, title_blocks: list[int]) -> str | None:
    if not title_blocks:
        return doc.metadata.get("title") or None
    parts = []
    for i in title_blocks:
        b = doc.blocks[i]
        parts.append(b.cell_texts()[0] if b.kind == "table_row" else b.text)
    text = " ".join(parts)
    meta = doc.metadata.get("title")
    if meta and len(title_blocks) > 1 and parts[0] in meta and all(p in meta for p in parts):
        return meta  # e.g. HTML <title> "X – 22 October 2025" for <h1>X</h1><h2>22 October 2025</h2>
    return _strip_markup(text)


def _strip_markup(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "").replace("__", "")).strip(" #")


# -------------------------------------------------------------------------------------- sections

def _heading_from_numbered(text: str) -> tuple[str, str, int] | None:
    """'4. Finance' -> ('4', 'Finance', end of title); '1. Those Attending: Cllr ...' -> title before ':'."""
    n = split_number(text)
    if n is None or not n.style.startswith("arabic"):
        return None
    got = item_title(text[n.rest:])
    if got is None:
        return None
    return n.num, got[0], n.rest + got[1]


_ACTION_LABEL = re.compile(r"^(?:agreed\s+)?actions?(?:\s+(?:by|on|for))?\s*[:\-–]\s*\S", re.IGNORECASE)
_FORM_LINE = re.compile(r"_{3,}|\.{6,}\s*$|…{3,}\s*$")
_URLISH = re.compile(r"^\S+@\S+\.\w+$|^(?:https?://|www\.)\S+$|^[/\\]\S+$", re.IGNORECASE)
# a label with a value after it ("Minutes-taker: Ann", "ACTION: MS") is a field, not a heading,
# unless the label names a part of the minutes ("Agenda: SIG meeting")
_SECTION_LABEL = re.compile(r"^(agenda|actions?|action items|minutes|notes|discussion( points)?|summary|decisions?|"
                            r"updates?|any other business|aob|next meeting|next steps|matters arising|"
                            r"reports?|correspondence|finance|planning|other business|new business|old business|"
                            r"open forum|apologies|attendees|attendance|present|welcome)$", re.IGNORECASE)


_TEMPLATE_PART = re.compile(r"^(agenda|discussion( points)?|action items|actions|decisions|notes|minutes|next steps|"
                            r"summary|updates|outcomes?)$", re.IGNORECASE)


_TRAILING_FUNCTION_WORD = re.compile(r"\b(the|a|an|of|to|and|or|will|would|shall|is|are|was|were|by|with|for|that)$")


def _not_a_heading_line(text: str) -> bool:
    """Lines that are never section headings whatever their format: action markers, form fields to
    fill in ("Signed ______"), addresses, bracketed fragments, a line that starts in lower case or
    breaks off after a function word ("The task group will"), a code with hardly a letter ("E/38751")."""
    t = text.strip()
    if _ACTION_LABEL.match(t) or _FORM_LINE.search(t) or _URLISH.match(t):
        return True
    if sum(c.isalpha() for c in t) < 3 and not _is_date_only(t):
        return True
    if t.startswith("(") and not re.match(r"^\([a-zA-Z0-9]{1,4}\)\s", t) and (t.count("(") != t.count(")") or t.endswith(")")):
        return True  # "(Microchip)", "(Esperanto": a note beside something, not a heading
    return t.endswith(")") and t.count(")") > t.count("(")


def _broken_off(text: str, lowercase_too: bool) -> bool:
    """A line that breaks off after a function word ("The task group will") or, in a PDF, starts in
    lower case ("see /documents"): a piece of a sentence that a reader took for a heading by its font."""
    t = text.strip().rstrip(":").strip()
    return bool(_TRAILING_FUNCTION_WORD.search(t)) or (lowercase_too and t[:1].islower())


def _bold_is_signal(doc: Document, title_blocks: set[int] = frozenset()) -> bool:
    """Bold marks headings only when most of the text is not bold (some minutes are set in bold throughout)."""
    total = bold = 0
    for i, b in enumerate(doc.blocks):
        if b.kind in ("paragraph", "list_item") and i not in title_blocks:
            letters = sum(c.isalpha() for c in b.text)
            total += letters
            if b.bold:
                bold += letters
    return not total or bold <= 0.5 * total


def _is_bold_heading(b: Block) -> bool:
    t = _strip_markup(b.text).rstrip(":").strip()
    if not (b.bold and b.kind in ("paragraph", "list_item") and 0 < len(t.split()) <= 14 and len(t) <= 120
            and not _SENTENCE_END.search(t)):
        return False
    m = _LABEL_VALUE.match(t)
    if m and m.group("value").strip() and not _SECTION_LABEL.match(m.group("label").strip()):
        return False  # "Minutes-taker: Ann Lee"
    label = (m.group("label") if m else t).strip()
    labelled = bool(m) or _strip_markup(b.text).rstrip().endswith(":")
    if labelled and ((_METADATA_LABEL.match(label) and len(label.split()) <= 5) or is_attendance_label(label)):
        return False  # "Date and time of meeting:", "Participants:" (metadata lines)
    return not _not_a_heading_line(t) and not t.endswith((",", "-", "–")) and not _broken_off(t, False)


def _is_caps_heading(b: Block) -> bool:
    """A capitalised part heading on a line of its own ("MATTERS ARISING", "CORRESPONDENCE")."""
    t = b.text.strip().rstrip(":").strip()
    letters = [c for c in t if c.isalpha()]
    if b.kind != "paragraph" or len(letters) < 4 or any(c.islower() for c in letters):
        return False
    words = t.split()
    if len(words) > 8 or _SENTENCE_END.search(t) or not t[0].isalpha() or _LABEL_VALUE.match(t):
        return False
    if _is_date_only(t) or is_attendance_label(t) or _METADATA_LABEL.match(t) or _not_a_heading_line(t):
        return False
    return sum(len(w) >= 3 and w.isalpha() for w in words) >= 1


_AGENDA_ITEM_LABEL = re.compile(r"^(agenda item|item|topic|subject)\s*:?$", re.IGNORECASE)
_ROW_NUMBER = re.compile(r"^(?:item\s+)?(\d{1,2}(?:\.\d{1,2})*)\.?$", re.IGNORECASE)


def _numbered_row(b: Block) -> bool:
    cells = b.cell_texts()
    return (len(cells) >= 2 and bool(_ROW_NUMBER.match(cells[0])) and 0 < len(cells[1].split()) <= 14
            and not _SENTENCE_END.search(cells[1]))


def _table_row_heading(b: Block, nxt: Block | None, use_numbered: bool) -> tuple[str, str | None, tuple[int, int]] | None:
    """Headings that forms and agenda tables put in rows.

    - "Agenda item: | Assign roles | Presenter: | ..."  -> "Agenda item: Assign roles"
    - a row of labels only ("Discussion:", "Next Steps: | Owner: | Due date:") followed by content
    - a template's part label in a row of its own ("Discussion: (items shared)"), or heading a
      table's columns ("Agenda: | PIC")
    - an agenda table's "3 | Treasurer's report | MS" rows (when there are several)
    """
    cells = b.cells or []
    texts = [c.text for c in cells]
    filled = [c for c in cells if c.text]
    if not filled:
        return None
    if len(cells) >= 2 and _AGENDA_ITEM_LABEL.match(texts[0]) and texts[1] and len(texts[1].split()) <= 16:
        return f"{texts[0].rstrip(':').strip()}: {texts[1]}", None, (cells[0].start, cells[1].end)
    if all(c.text.endswith(":") and len(c.text.split()) <= 4 for c in filled):
        label = filled[0].text.rstrip(":").strip()
        followed = nxt is not None and nxt.kind != "heading" and not (
            nxt.kind == "table_row" and all(t.endswith(":") for t in nxt.cell_texts() if t))
        if followed and not _METADATA_LABEL.match(label):
            return label, None, (filled[0].start, filled[0].end)
    first = filled[0].text
    m = re.match(r"^(?P<label>[A-Z][\w /&'’-]{1,40}?):(?:\s+\((?P<note>[^)]{1,60})\))?$", first)
    if m and _TEMPLATE_PART.match(m.group("label")) and nxt is not None and (
            len(filled) == 1 or all(len(c.text.split()) <= 3 and not c.text.endswith(":") for c in filled[1:])):
        return first.rstrip(":").strip(), None, (filled[0].start, filled[0].end)
    n = split_number(first) if filled[0] is cells[0] else None
    if n and n.style.startswith(("arabic", "ROMAN", "minute")) and all(not c.text for c in cells[1:]):
        # a numbered heading that a right-hand column (actions, initials) put into a table row
        got = item_title(first[n.rest:], run_in=not n.plain)
        if got:
            return got[0], n.num, (cells[0].start, cells[0].start + n.rest + got[1])
    if use_numbered and _numbered_row(b):
        return texts[1], _ROW_NUMBER.match(texts[0]).group(1), (cells[1].start, cells[1].end)
    return None


@dataclass
class _Cand:
    block: int
    heading: str
    number: Number | None
    start: int
    end: int
    kind: str  # heading | numbered | bold | caps | row
    level: int | None = None
    whole: bool = True  # the heading is all of its block (not run into a paragraph)


def _title_key(text: str) -> str:
    return " ".join(re.findall(r"[^\W\d_]+", text.lower()))


def _repeats_title(text: str, title_keys: list[str]) -> bool:
    """A running header that repeats the document's title ("MINUTES OF THE ANNUAL MEETING 2018")."""
    k = _title_key(text)
    return len(k.split()) >= 4 and any(t.startswith(k) or k.startswith(t) for t in title_keys if t)


def find_sections(doc: Document, title_blocks: set[int], exclude: set[int] = frozenset()) -> list[SectionInfo]:
    blocks = doc.blocks
    dashed: list[_Cand] = []
    real_headings = [i for i, b in enumerate(blocks) if b.kind == "heading" and i not in title_blocks]
    levels = [blocks[i].level or 1 for i in real_headings]
    deepest = max(levels) if levels else 0
    bold_signal = _bold_is_signal(doc, title_blocks)
    title_keys = [_title_key(blocks[i].text) for i in title_blocks]

    table_numbered = [i for i, b in enumerate(blocks) if b.kind == "table_row" and _numbered_row(b)]
    use_table_numbered = len(table_numbered) >= 2

    cands: list[_Cand] = []
    skip_until_heading = False
    for i, b in enumerate(blocks):
        if i in title_blocks or i in exclude:
            continue
        if b.kind == "table_row" and b.style in ("paragraph", "list_item") and len(b.cells or []) == 2 \
                and len(b.cells[1].text.split()) <= 3:
            # a flow line with an entry in a right-hand column ("6.2 Amendment: Add an officer | ML")
            cell = b.cells[0]
            n = split_number(cell.text)
            got = item_title(cell.text[n.rest:], run_in=not n.plain) if n else None
            if n and got:
                cands.append(_Cand(i, got[0], n, cell.start, cell.start + n.rest + got[1], "numbered", whole=got[2]))
                continue
        if b.kind == "table_row":
            got = _table_row_heading(b, blocks[i + 1] if i + 1 < len(blocks) else None, use_table_numbered)
            if got:
                heading, number, (hs, he) = got
                num = (split_number(b.text) or Number(number, "arabic1", 0)) if number else None
                cands.append(_Cand(i, heading, num, hs, he, "row", level=deepest + 1))
            continue
        if b.kind == "heading":
            text = _strip_markup(b.text).rstrip(":").strip()
            skip_until_heading = False
            if not text or _TOC.match(text):
                skip_until_heading = bool(text)
                continue
            if not re.search(r"[^\W\d_]", text) and not _is_date_only(text):
                continue
            if _not_a_heading_line(text) or _not_a_heading_line(b.text) or _repeats_title(text, title_keys):
                continue
            inferred = doc.format in ("pdf", "text") or b.style == "layout"  # by font or layout, not markup
            if inferred and _broken_off(text, doc.format == "pdf" and not split_number(text)):
                continue
            lead = len(b.text) - len(b.text.lstrip(" #*_"))
            n = split_number(text)
            got = item_title(text[n.rest:], strong=True) if n else None
            if n and got:
                cands.append(_Cand(i, got[0], n, b.start + lead, b.start + lead + n.rest + got[1], "heading",
                                   level=b.level or 1))
            else:
                leader = re.search(r"\s*(?:-{3,}|\.{4,}|_{3,}|\t)", text)
                heading = text[:leader.start()].strip() if leader and leader.start() > 0 else text
                cands.append(_Cand(i, heading, None, b.start, b.end, "heading", level=b.level or 1))
            continue
        if skip_until_heading or b.kind not in ("paragraph", "list_item"):
            continue
        text = b.text
        n = split_number(text)
        strong = b.bold and bold_signal
        if n:
            run_in = not n.plain and (not n.style.lower().startswith(("letter", "roman")) or n.style == "ROMAN")
            got = item_title(text[n.rest:], strong=strong, run_in=run_in)
            meta = _METADATA_LABEL.match(got[0]) and len(got[0].split()) <= 3 if got else False
            if got and not meta and not _not_a_heading_line(got[0]):
                cands.append(_Cand(i, got[0], n, b.start, b.start + n.rest + got[1], "numbered", whole=got[2]))
            continue
        # a bold list item heads the items under it only where the format marks no headings of its own
        if strong and _is_bold_heading(b) and (b.kind == "paragraph" or (len(real_headings) < 3 and _titleish(b.text))):
            t = _strip_markup(b.text).rstrip(":").strip()
            leader = re.search(r"\s*(?:-{3,}|\.{4,}|_{3,}|\t)", t)
            heading = t[:leader.start()].strip() if leader and leader.start() > 0 else t
            if heading and not _repeats_title(heading, title_keys):
                cands.append(_Cand(i, heading, None, b.start, b.end, "bold"))
            continue
        if _is_caps_heading(b):
            cands.append(_Cand(i, text.strip().rstrip(":").strip(), None, b.start, b.end, "caps"))
            continue
        got = _dashed_title(text)
        if got is not None:
            dashed.append(_Cand(i, got[0], None, b.start, b.start + got[1], "bold", whole=False))

    # "Roads – As usual, winter ...", "Dam – Nothing to report.": minutes whose items open with a title
    # and a dash, at body size. The layout: three or more different titles, each once, and a good share
    # of the paragraphs (a few such lines among many paragraphs are items of a list, not the minutes' plan)
    titles = [c.heading.lower() for c in dashed]
    dashed = [c for c in dashed if titles.count(c.heading.lower()) == 1]
    paragraphs = sum(1 for b in blocks if b.kind == "paragraph")
    if len(dashed) >= 3 and len(dashed) >= 0.25 * paragraphs:
        cands.extend(dashed)
    cands = _accept_numbered(doc, cands, len(real_headings))
    cands.extend(_run_in_minutes(doc, cands, title_blocks | set(exclude)))
    cands.sort(key=lambda c: (c.start, c.end))
    cands = _drop_unnumbered_text_headings(doc, cands)
    cands = _drop_repeated_agenda(cands)
    # caps part headings only where they are a few among the text, not a document typed in capitals
    caps = [c for c in cands if c.kind == "caps"]
    paras = sum(1 for b in blocks if b.kind == "paragraph")
    if caps and (len(caps) < 2 or len(caps) > 0.4 * paras):
        cands = [c for c in cands if c.kind != "caps"]

    numbered_used = any(c.kind == "numbered" for c in cands)
    style_level = _style_levels(cands, deepest)
    raw: list[SectionInfo] = []
    for c in cands:
        if c.kind == "numbered":
            level = style_level[c.number.style]
        elif c.kind in ("bold", "caps"):
            level = deepest + 1 + (1 if numbered_used else 0)
        else:
            level = c.level or 1
        raw.append(SectionInfo(block=c.block, heading=c.heading, level=level, number=c.number.num if c.number else None,
                               start=c.start, end=c.end))
    _link_tree(raw, doc)
    return raw


_SUB_STYLES = ("letter", "LETTER", "roman", "sub")
_DASHED = re.compile(r"^(?P<title>[A-Z][^.!?:;–—]{1,70}?)\s+[–—-]\s+(?P<rest>[A-Z0-9“\"].*)$", re.DOTALL)


def _dashed_title(text: str) -> tuple[str, int] | None:
    """'Front Entrance - Nothing new to report.' -> ('Front Entrance', end of the title): a Title Case
    label of at most ten words, a dash, then a sentence (not 'Ana Lima – Treasurer', a roster line)."""
    m = _DASHED.match(text.strip())
    if not m:
        return None
    title, rest = m.group("title").strip(), m.group("rest").strip()
    if len(title.split()) > 10 or not titleish(title) or not valid_title(title):
        return None
    if len(rest.split()) < 4 and not _SENTENCE_END.search(rest):
        return None  # a role or a short note after a name
    if re.search(r"\s[-–—]\s", rest[:40]) or _is_date_only(title):
        return None  # "E-on - DD - £45.99 - Lighting", "October 1 – Skyline regatta": a row of fields, a date
    return title, text.find(title) + len(title)


def _accept_numbered(doc: Document, cands: list[_Cand], n_real: int) -> list[_Cand]:
    """Keep the numbered lines that read as a sequence of agenda items.

    A numbering style counts when at least two items use it (minute numbers "70/17" also share their
    year). Lettered and other sub-items ("(a)", "b)", "ii)", "4-A") are headings only when the title is
    alone on its line and text follows before the next item: "a) Motion made by ..." or a run of
    "a. / b. / c." lines with nothing between is a list. Under a document's own headings, a numbered
    list item is a heading only in the same way.
    """
    blocks = doc.blocks
    continuing = _continues_headings(doc, cands)
    numbered = [c for c in cands if c.kind == "numbered"]
    by_style: dict[str, list[_Cand]] = {}
    for c in numbered:
        by_style.setdefault(c.number.style, []).append(c)
    heading_styles = {c.number.style for c in cands if c.kind == "heading" and c.number}
    ok_styles = set()
    arabic = sum(1 for c in cands if c.number and c.number.style.startswith("arabic"))
    for style, cs in by_style.items():
        same = sum(1 for c in cands if c.kind == "heading" and c.number and c.number.style == style)
        if len(cs) + same < 2 and not (style.startswith("arabic") and arabic >= 2):
            continue
        if style == "minute":
            years = [c.number.num.split("/")[1] for c in cs]
            top = max(set(years), key=years.count)
            if years.count(top) < 2:
                continue
        if style in ("LETTER", "ROMAN", "letter", "roman"):
            values = {c.number.value for c in cs}
            if not ({1, 2} <= values or len(values) >= 3):
                continue
        ok_styles.add(style)
    out = []
    for c in cands:
        if c.kind != "numbered":
            out.append(c)
            continue
        style = c.number.style
        if style not in ok_styles and style not in heading_styles:
            continue
        if style == "minute":
            years = [x.number.num.split("/")[1] for x in by_style[style]]
            if c.number.num.split("/")[1] != max(set(years), key=years.count):
                continue
        b = blocks[c.block]
        sub = style in _SUB_STYLES or (b.kind == "list_item" and n_real >= 3 and c.block not in continuing)
        if sub:
            # alone on its line, with its own text after it: not one of a run of items ("a. / b. / c.")
            nxt = blocks[c.block + 1] if c.block + 1 < len(blocks) else None
            prev = blocks[c.block - 1] if c.block > 0 else None
            if not c.whole or nxt is None or nxt.kind == "heading" or _same_style(nxt, style) \
                    or (prev is not None and _same_style(prev, style)):
                continue
        out.append(c)
    return out


def _continues_headings(doc: Document, cands: list[_Cand]) -> set[int]:
    """Numbered list items that fill the gaps in the numbering of the document's own headings
    ("1. Call to order" as a list item before the heading "2. Roll Call"): the item before it in the
    same style is number n-1 and a heading (or such an item), or the one after it is n+1 and a heading."""
    heads = {c.block for c in cands if c.kind == "heading" and c.number}
    lines: list[tuple[int, Number]] = []
    for i, b in enumerate(doc.blocks):
        n = split_number(b.text) if b.kind in ("heading", "list_item", "paragraph") else None
        if n is not None and n.style.startswith("arabic") and n.value:
            lines.append((i, n))
    items = {c.block for c in cands if c.kind == "numbered" and doc.blocks[c.block].kind == "list_item"}
    out: set[int] = set()
    for k, (i, n) in enumerate(lines):
        if i not in items:
            continue
        prev = next(((j, m) for j, m in reversed(lines[:k]) if m.style == n.style), None)
        nxt = next(((j, m) for j, m in lines[k + 1:] if m.style == n.style), None)
        if (prev and prev[1].value == n.value - 1 and (prev[0] in heads or prev[0] in out)) or \
                (nxt and nxt[1].value == n.value + 1 and nxt[0] in heads):
            out.add(i)
    return out


def _drop_repeated_agenda(cands: list[_Cand]) -> list[_Cand]:
    """An agenda whose items are set as headings and then repeated as the minutes' own headings: the
    agenda's copies are not sections (the items under "Meeting Agenda" that come back later)."""
    out = list(cands)
    keys = [_title_key(c.heading) for c in cands]
    for a, c in enumerate(cands):
        if not re.search(r"\bagenda\b", c.heading, re.IGNORECASE) or c.kind not in ("heading", "bold", "numbered"):
            continue
        run = []
        for d in range(a + 1, len(cands)):
            o = cands[d]
            if o.kind == "heading" and o.number is None and (c.kind != "heading" or (o.level or 1) <= (c.level or 1)):
                break
            if o.number is None and o.kind != "heading":
                break
            run.append(d)
        if len(run) < 2:
            continue
        later = set(keys[run[-1] + 1:])
        again = [d for d in run if keys[d] in later]
        if len(again) * 2 >= len(run):
            drop = {id(cands[d]) for d in run}
            out = [x for x in out if id(x) not in drop]
    return out


def _same_style(b: Block, style: str) -> bool:
    n = split_number(b.text) if b.kind != "table_row" else None
    return n is not None and n.style == style


def _run_in_minutes(doc: Document, cands: list[_Cand], skip: set[int]) -> list[_Cand]:
    """Minute numbers run together in one paragraph ("... detained at work. 71/17 Declaration of Interest
    on agenda items No declarations were made. 72/17 ..."): each starts a section where it stands."""
    years = [c.number.num.split("/")[1] for c in cands if c.number and c.number.style == "minute"]
    if len(years) < 2:
        return []
    yy = max(set(years), key=years.count)
    pat = re.compile(rf"(?:(?<=[.!?”\"’)])|(?<=[.!?”\"’)]\s))\s*(?P<num>\d{{1,3}}/{yy})\s+(?:[-–—]\s+)?(?=[A-Z])")
    out = []
    for i, b in enumerate(doc.blocks):
        if i in skip or b.kind not in ("paragraph", "list_item"):
            continue
        for m in pat.finditer(b.text):
            if m.start("num") == 0:
                continue
            seg_end = len(b.text)
            nxt = pat.search(b.text, m.end())
            if nxt:
                seg_end = nxt.start("num")
            got = item_title(b.text[m.end():seg_end].strip(), run_in=True)
            if got:
                s = b.start + m.start("num")
                title_start = b.start + m.end()
                out.append(_Cand(i, got[0], Number(m.group("num"), "minute", 0), s, title_start + got[1], "numbered",
                                 whole=False))
    return out


def _drop_unnumbered_text_headings(doc: Document, cands: list[_Cand]) -> list[_Cand]:
    """In plain text, headings are guessed from layout; where the document numbers its items
    ("I. CALL TO ORDER", "II. ROLL CALL"), a short unnumbered line among them (a nominee's name, a
    vote record) is not a heading."""
    if doc.format != "text":
        return cands
    heads = [c for c in cands if c.kind in ("heading", "numbered")]
    numbered = [c for c in heads if c.number is not None]
    if len(numbered) < 4 or len(numbered) < 0.6 * len(heads):
        return cands
    first = min(c.start for c in numbered)
    return [c for c in cands if c.number is not None or c.kind != "heading" or c.start < first]


def _style_levels(cands: list[_Cand], deepest: int) -> dict[str, int]:
    """Levels of numbering styles: that of the document's own numbered headings where they use the
    style, else below the headings in order of first use (4. before 4.1 before (a))."""
    out: dict[str, int] = {}
    for c in cands:
        if c.kind == "heading" and c.number and c.number.style not in out:
            out[c.number.style] = c.level or 1
    rank = 0
    base = max(out.values()) if out else deepest
    for c in cands:
        if c.kind == "numbered" and c.number.style not in out:
            rank += 1
            out[c.number.style] = base + rank
    return out


def _link_tree(sections: list[SectionInfo], doc: Document) -> None:
    """Parents by level (a stack), and each section's body span up to the next section."""
    stack: list[int] = []
    for idx, s in enumerate(sections):
        while stack and sections[stack[-1]].level >= s.level:
            stack.pop()
        s.parent = stack[-1] if stack else None
        stack.append(idx)
    for idx, s in enumerate(sections):
        s.body_start = s.end
        end = len(doc.text)
        for later in sections[idx + 1:]:
            if later.level <= s.level:
                end = later.start
                break
        s.body_end = max(end, s.body_start)


# ---------------------------------------------------------------------------------- meeting date

def find_meeting_date(doc: Document, title_blocks: list[int], sections: list[SectionInfo], day_first: bool
                      ) -> tuple[DateMatch | None, int | None, list[str], list[tuple[DateMatch, int]]]:
    """The date of the meeting itself, from the text (never the file's dates).

    Candidates come from the title, "Date:" lines and the opening blocks; dates that refer to
    another meeting (previous minutes, the next meeting) are penalised. A date with no year is
    completed from the years the document mentions and flagged.
    """
    ctx_years = years_in(doc.text)
    section_blocks = {s.block for s in sections}
    first_section = min(section_blocks) if section_blocks else len(doc.blocks)
    next_blocks = _next_meeting_blocks(doc, sections)
    scored: list[tuple[float, int, DateMatch]] = []
    for i, b in enumerate(doc.blocks[:80]):
        texts = b.cell_texts() if b.kind == "table_row" else [b.text]
        row_label = texts[0] if b.kind == "table_row" and texts else ""
        for t in texts:
            for d in find_dates(t, day_first=day_first, context_years=ctx_years):
                if d.value is None:
                    continue
                score = 0.0
                if i in title_blocks:
                    score += 6
                if re.search(r"\bdate\b", row_label, re.IGNORECASE) or re.match(r"^\s*(meeting\s+)?date\b", t, re.IGNORECASE):
                    score += 5
                if i < first_section:
                    score += 3
                score -= i * 0.05
                if re.search(r"\bheld\s+(on|at)\b|\bmeeting\b.{0,40}$", t[:d.start], re.IGNORECASE) and i in title_blocks:
                    score += 1
                ctx = t[max(0, d.start - 60):d.start]
                if _OTHER_MEETING.search(ctx) and i not in title_blocks:
                    score -= 6
                if i in next_blocks:
                    score -= 8
                if b.kind == "heading" and i not in title_blocks and i != first_section:
                    score -= 3
                if d.year_inferred:
                    score -= 1
                scored.append((score, i, DateMatch(d.start + (b.start if b.kind != "table_row" else _cell_offset(b, t)),
                                                   d.end + (b.start if b.kind != "table_row" else _cell_offset(b, t)),
                                                   d.text, d.value, d.year_inferred, d.ambiguous)))
    scored.extend(_title_span_dates(doc, title_blocks, day_first, ctx_years))
    meta = _metadata_dates(doc, title_blocks, day_first, ctx_years)
    scored.extend((score, -1, d) for score, d in meta)
    nxt = [(d, i) for i in sorted(next_blocks) for d in _dates_in_block(doc.blocks[i], day_first, ctx_years)]
    notes: list[str] = []
    if not scored:
        return None, None, notes, nxt
    scored.sort(key=lambda x: (-x[0], x[1] if x[1] >= 0 else len(doc.blocks)))
    best_score, block, best = scored[0]
    if block < 0:
        # only the file's metadata (a Markdown front-matter date, a metadata title) gives it
        notes.append(f"meeting date '{best.text}' taken from the document's metadata, not its text")
        block = None
    if best.year_inferred:
        notes.append(f"meeting date '{best.text}' has no year; {best.value.year} was inferred from context")
    wd = stated_weekday(best.text)
    if wd is not None and best.value is not None and best.value.weekday() != wd:
        # kept as written (the day or the weekday may be the slip): the clerk is asked to check
        notes.append(f"meeting date '{best.text}': {best.value.isoformat()} was a {best.value:%A}; check the date")
    # The next meeting comes after this one: a meeting date later than every stated next-meeting
    # date is most likely a typo in the year.
    future = [d.value for d, _ in nxt if d.value is not None]
    if future and best.value and all(f < best.value for f in future):
        earlier = _shift_year(best.value, -1)
        if earlier and all(earlier < f for f in future) and (min(future) - earlier).days <= 120:
            notes.append(f"meeting date '{best.text}' falls after the next meeting's date; read as {earlier.isoformat()}")
            best = DateMatch(best.start, best.end, best.text, earlier, best.year_inferred, best.ambiguous)
    return best, block, notes, nxt


def _title_span_dates(doc: Document, title_blocks: list[int], day_first: bool, ctx_years: list[int]
                      ) -> list[tuple[float, int, DateMatch]]:
    """Dates broken over the title's lines ("... BALLSTON SPA, NY, November" / "24, 2025")."""
    if len(title_blocks) < 2:
        return []
    first, last = doc.blocks[title_blocks[0]], doc.blocks[title_blocks[-1]]
    if any(doc.blocks[i].kind == "table_row" for i in title_blocks):
        return []
    span = doc.text[first.start:last.end].replace("\n", " ")  # same length: offsets stay valid
    out = []
    for d in find_dates(span, day_first=day_first, context_years=ctx_years):
        s, e = first.start + d.start, first.start + d.end
        if d.value is None or "\n" not in doc.text[s:e]:
            continue  # dates inside one line are scored block by block
        i = next(k for k in title_blocks if doc.blocks[k].start <= s <= doc.blocks[k].end)
        score = 6 + 3 + 1 - i * 0.05 - (1 if d.year_inferred else 0)
        out.append((score, i, DateMatch(s, e, d.text, d.value, d.year_inferred, d.ambiguous)))
    return out


def _metadata_dates(doc: Document, title_blocks: list[int], day_first: bool, ctx_years: list[int]
                    ) -> list[tuple[float, DateMatch]]:
    """Candidates from the metadata: a title taken from it (no title line in the text) weighs like a
    title line; a Markdown front-matter ``date`` (often the posting date) only beats dates deep in the body."""
    out: list[tuple[float, DateMatch]] = []
    title = doc.metadata.get("title") or ""
    for d in find_dates(title, day_first=day_first, context_years=ctx_years):
        if d.value is not None and not _OTHER_MEETING.search(title[max(0, d.start - 60):d.start]):
            out.append((9.0 if not title_blocks else 2.0, DateMatch(0, 0, d.text, d.value, d.year_inferred, d.ambiguous)))
    fm = doc.metadata.get("date") or "" if doc.format == "markdown" else ""
    for d in find_dates(fm, day_first=day_first, context_years=ctx_years)[:1]:
        if d.value is not None:
            out.append((4.0, DateMatch(0, 0, d.text, d.value, d.year_inferred, d.ambiguous)))
    return out


def _cell_offset(b: Block, cell_text: str) -> int:
    for c in b.cells or []:
        if c.text == cell_text:
            return c.start
    return b.start


def _shift_year(d: date, delta: int) -> date | None:
    try:
        return d.replace(year=d.year + delta)
    except ValueError:
        return None


def _dates_in_block(b: Block, day_first: bool, ctx_years: list[int]) -> list[DateMatch]:
    return [DateMatch(d.start + b.start, d.end + b.start, d.text, d.value, d.year_inferred, d.ambiguous)
            for d in find_dates(b.text, day_first=day_first, context_years=ctx_years)]


def _next_meeting_blocks(doc: Document, sections: list[SectionInfo]) -> set[int]:
    """Blocks that talk about the next meeting: its section, or lines that say so."""
    out: set[int] = set()
    for s in sections:
        if _NEXT_MEETING.search(s.heading) or re.search(r"\bnext meeting\b", s.heading, re.IGNORECASE):
            for i, b in enumerate(doc.blocks):
                if s.start <= b.start < s.body_end:
                    out.add(i)
    for i, b in enumerate(doc.blocks):
        if _NEXT_MEETING.search(b.text[:80]):
            out.add(i)
            if b.text.rstrip().endswith(":") and i + 1 < len(doc.blocks):
                out.add(i + 1)
    return out
