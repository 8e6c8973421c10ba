"""Attendance written as a table.

The layouts, each read by its own function:

- a row label and its names: ``Attendees | A, B`` (a label/value header table), a label row with
  the names in the rows below (``Attendees: | Signatures:`` then ``A |``), and a label followed by
  ``name | initials | name | initials`` cells that go on in rows whose label cell is empty;
- a header of roles: ``Present | Initials | Apologies | Initials`` with the names in the columns
  below, or ``Name | Present | Apologies`` with a tick in the column that applies;
- a register: one column per meeting date and a code per person (``P``, ``A``, ``S`` ...), read
  from the column of the latest meeting with the codes' key where the document gives one;
- one column per person with a tick in this meeting's row;
- under an attendance label: a list of people (``Name | Initials | Affiliation | Handle``, or a
  ``role | name`` table with no header).
"""

from __future__ import annotations

import re

from pipeline.core.document import Block, Document
from pipeline.structure.attendance_labels import attendance_role
from pipeline.structure.attendance_names import (
    CHAIR_NOTE,
    INITIALS,
    AttendanceBlock,
    AttendanceEntry,
    add_names,
    clean,
    initials_fit,
    looks_like_names,
    namey,
    pair_names,
    role_like,
)

_NAME_HEADER = re.compile(r"^(?:full )?(?:name|names|attendee|attendees|member|members|person|people|participant|"
                          r"participants|who|governor|governors|trustee|trustees|councillor|councillors|director|"
                          r"directors|committee members?|board members?)s?:?$", re.IGNORECASE)
_INITIALS_HEADER = re.compile(r"^(?:initials?|init\.?|abbrev(?:iation)?|short)$", re.IGNORECASE)
_NOTE_HEADER = re.compile(r"^(?:role|roles|position|title|office|affiliation|organi[sz]ation|org|company|"
                          r"representing|institution|team|group|department|dept|type|category)$", re.IGNORECASE)
_STATUS_HEADER = re.compile(r"^(?:present|attended|attendance|attending|status|here|in attendance|"
                            r"present\s*/\s*absent|p\s*/\s*a)\??$", re.IGNORECASE)
_HANDLE_HEADER = re.compile(r"^(?:gh|github|gitlab|slack|irc|discord|matrix)?\s*(?:user ?name|handle|login|id|nick|"
                            r"account|email|e-mail)s?$", re.IGNORECASE)
_MARK = re.compile(r"^(?:✓|✔|☑|✅|√|x|X|y|Y|yes|Yes|YES|•|\*|1|true|True)$")
_DATEISH = re.compile(r"\b(?:\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?|\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]{2,8}|"
                      r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
                      r"(?:\s+\d{2,4})?|meeting\s+\d+|mtg\s*\d+|\d{4}-\d{2}-\d{2})\b", re.IGNORECASE)
# register codes without a key: only the unambiguous ones
_DEFAULT_CODES = {"p": "present", "present": "present", "✓": "present", "✔": "present", "y": "present",
                  "yes": "present", "attended": "present", "apologies": "apologies", "apols": "apologies",
                  "apol": "apologies", "ap": "apologies", "absent": "absent", "abs": "absent"}
_KEY = re.compile(r"(?<![\w])([A-Za-z✓✔×]{1,3})\s*(?:=|–|—|-|:)\s*(present|attended|in attendance|attending|"
                  r"yes(?= \(in attendance\)| \(present\)| \(attended\))|no(?= \(not)|not in attendance|apologies(?: "
                  r"(?:given|received|sent|accepted|noted))?|sent apologies|apology|absent(?: with(?:out)? "
                  r"(?:apolog(?:y|ies)|notice|consent))?|not present|excused|unexcused|did not attend|"
                  r"non[- ]attendance)", re.IGNORECASE)


def _code_role(meaning: str) -> str:
    m = meaning.lower()
    if m.startswith(("present", "attended", "in attendance", "yes", "attending")):
        return "present"
    if m.startswith(("no", "not in attendance")):
        return "absent"
    if "without" in m or m.startswith(("not present", "unexcused", "did not", "non")):
        return "absent"
    if m.startswith(("apolog", "sent apolog", "excused")) or "with apolog" in m or "with consent" in m:
        return "apologies"
    return "absent"


def register_key(doc: Document) -> dict[str, str]:
    """'P = Present, A = Apologies, X = Absent': the key a register gives for its codes."""
    out: dict[str, str] = {}
    for m in _KEY.finditer(doc.text):
        out.setdefault(m.group(1).lower(), _code_role(m.group(2)))
    return out


def _entry(ab: AttendanceBlock, name: str, role: str, cell_start: int, block: int, page: int | None,
           note: str | None = None, initials: str | None = None, text: str | None = None) -> None:
    off = cell_start + max((text or name).find(name.split()[0]), 0) if name.split() else cell_start
    ab.entries.append(AttendanceEntry(name, role, off, off + len(name), block, page, note, initials))


def _cells(b: Block) -> list:
    return list(b.cells or [])


def _is_initials(text: str) -> bool:
    return bool(INITIALS.match(text.strip())) and text.strip()[:1].isupper() and not namey_full(text)


def namey_full(text: str) -> bool:
    """A name of two or more words, or one capitalised word that is not all capitals."""
    t = text.strip()
    return namey(t) and (len(t.split()) > 1 or not t.isupper())


def _add_cells(ab: AttendanceBlock, b: Block, cells: list, role: str, ix: dict[int, int]) -> None:
    """Names in cells, each followed by an optional cell of its initials ('Jane Smith | JS')."""
    k = 0
    while k < len(cells):
        c = cells[k]
        text = c.text.strip()
        nxt = cells[k + 1].text.strip() if k + 1 < len(cells) else ""
        if text and not _is_initials(text):
            if nxt and _is_initials(nxt) and "," not in text:
                name, notes, _ = clean(text)
                if name and namey(name) and initials_fit(nxt, name):
                    note = "; ".join(notes) or None
                    if any(CHAIR_NOTE.match(n) for n in notes) and role == "present":
                        _entry(ab, name, "chair", c.start, ix[id(b)], b.page, note, nxt, c.text)
                    _entry(ab, name, role, c.start, ix[id(b)], b.page, note, nxt, c.text)
                    k += 2
                    continue
            add_names(ab, pair_names(c.text), c.start, ix[id(b)], b.page)
        k += 1


def table_attendance(doc: Document, first: int, context: tuple[str, str] | None = None
                     ) -> tuple[list[AttendanceBlock], set[int]]:
    """Attendance in the table that starts at block ``first``; ``context`` is (role, label) when an
    attendance label stands just before the table. Returns the blocks found and the rows used."""
    blocks = doc.blocks
    tno = blocks[first].table
    idx = [i for i in range(first, len(blocks)) if blocks[i].kind == "table_row" and blocks[i].table == tno]
    # a table's rows are contiguous; stop at the first gap
    rows_i: list[int] = []
    for i in idx:
        if rows_i and i != rows_i[-1] + 1:
            break
        rows_i.append(i)
    ix = {id(blocks[i]): i for i in rows_i}
    rows = [blocks[i] for i in rows_i]
    for reader in (_register, _person_columns, _role_header):
        got = reader(doc, rows, context, ix)
        if got:
            return got, set(rows_i)
    out, used = _row_labels(rows, ix)
    if out:
        return out, set(rows_i)
    if context:
        got = _people_table(rows, context, ix)
        if got:
            return got, set(rows_i)
    header = rows[0].cell_texts() if rows else []
    if any(re.match(r"^(?:attendees?|participants?)$", h.strip(), re.IGNORECASE) for h in header) \
            and any(_NAME_HEADER.match(h.strip()) for h in header):
        got = _people_table(rows, ("present", header[0]), ix)
        if got:
            return got, set(rows_i)
    return [], set(rows_i)


_IN_CELL = re.compile(r"^\s*(?P<label>[A-Za-z][\w ()'’/-]{1,40}?)\s*:\s*(?P<value>\S.*)$", re.DOTALL)


def _row_labels(rows: list[Block], ix: dict[int, int]) -> tuple[list[AttendanceBlock], set[int]]:
    """'Attendees | A, B' rows; 'Present: | A | AI | B | BI' with continuation rows; a label row with
    the names in the first cells of the rows below."""
    out: list[AttendanceBlock] = []
    used: set[int] = set()
    k = 0
    while k < len(rows):
        b = rows[k]
        cells = _cells(b)
        role = attendance_role(cells[0].text) if cells else None
        inline = _IN_CELL.match(cells[0].text) if cells and not role else None
        if inline and attendance_role(inline.group("label")) and not any(c.text.strip() for c in cells[1:]):
            # "Attending: A, B | (empty)": the label and its names in one cell of a form
            r = attendance_role(inline.group("label"))
            ab = AttendanceBlock(r, inline.group("label"), ix[id(b)])
            add_names(ab, inline.group("value"), cells[0].start + inline.start("value"), ix[id(b)], b.page)
            if ab.entries:
                out.append(ab)
                used.add(ix[id(b)])
            k += 1
            continue
        if not role or len(cells[0].text) > 60:
            k += 1
            continue
        values = [c for c in cells[1:] if c.text.strip()]
        labels_at = [n for n, c in enumerate(cells) if _label_cell(c.text)]
        if values and len(labels_at) > 1 and any(c.text.strip() for n, c in enumerate(cells) if n not in labels_at):
            # "Facilitator: | A | Note taker: | B": label and value pairs across the row
            for n, lk in enumerate(labels_at):
                r = attendance_role(cells[lk].text)
                end = labels_at[n + 1] if n + 1 < len(labels_at) else len(cells)
                vals = [c for c in cells[lk + 1:end] if c.text.strip()]
                if r and vals:
                    ab = AttendanceBlock(r, cells[lk].text, ix[id(b)])
                    _add_cells(ab, b, vals, r, ix)
                    out.extend([ab] if ab.entries else [])
            used.add(ix[id(b)])
            k += 1
            continue
        if values and not all(c.text.strip().endswith(":") for c in values):
            ab = AttendanceBlock(role, cells[0].text, ix[id(b)])
            # a label centred beside a tall cell: the names start in the rows above it, whose label
            # cell is empty
            back = k
            while back > 0 and ix[id(rows[back - 1])] not in used and _continuation(rows[back - 1]):
                back -= 1
            for r in rows[back:k]:
                _add_cells(ab, r, _cells(r)[1:], role, ix)
                used.add(ix[id(r)])
            _add_cells(ab, b, [c for c in cells[1:] if not attendance_role(c.text)], role, ix)
            used.add(ix[id(b)])
            # rows that go on with an empty label cell: 'Present: | A | AI' + ' | B | BI'; a list that
            # stops without a comma before the next label's rows belongs to that label
            last = " ".join(c.text for c in cells[1:]).rstrip()
            j = k + 1
            while j < len(rows) and _continuation(rows[j]):
                nxt_label = next((n for n in range(j + 1, len(rows)) if not _continuation(rows[n])), None)
                if nxt_label is not None and _label_row(rows[nxt_label]) and "," in last \
                        and not last.endswith((",", " and", "&")):
                    break
                rc = _cells(rows[j])
                _add_cells(ab, rows[j], rc[1:], role, ix)
                used.add(ix[id(rows[j])])
                last = " ".join(c.text for c in rc[1:]).rstrip()
                j += 1
            if ab.entries:
                out.append(ab)
            k = j
            continue
        # "Attendees: | Signatures:" header row; names in the first cell of the following rows
        ab = AttendanceBlock(role, cells[0].text, ix[id(b)])
        j = k + 1
        while j < len(rows):
            rc = _cells(rows[j])
            first = rc[0] if rc else None
            col = first
            if first is not None and not first.text.strip() and len(rc) > 1 and rc[1].text.strip():
                col = rc[1]  # the names sit in the second column, under an empty first cell
            if col is not None and _NAME_HEADER.match(col.text.strip()) and j == k + 1:
                j += 1  # "Name | Initials | Role": the header row of the names below
                continue
            if col is None or not col.text or attendance_role(col.text) or col.text.endswith(":"):
                break
            if not looks_like_names(col.text):
                break
            add_names(ab, col.text, col.start, ix[id(rows[j])], rows[j].page)
            used.add(ix[id(rows[j])])
            j += 1
        if ab.entries:
            used.add(ix[id(b)])
            out.append(ab)
        k = max(j, k + 1)
    return out, used


def _continuation(row: Block) -> bool:
    """A row that goes on with the names of the label above (or below) it: an empty label cell."""
    rc = _cells(row)
    if not rc or rc[0].text.strip() or not any(c.text.strip() for c in rc[1:]):
        return False
    return all(looks_like_names(c.text) or _is_initials(c.text) for c in rc[1:] if c.text.strip())


def _label_row(row: Block) -> bool:
    rc = _cells(row)
    return bool(rc) and bool(attendance_role(rc[0].text)) and any(c.text.strip() for c in rc[1:])


def _label_cell(text: str) -> bool:
    t = text.strip()
    return 0 < len(t) < 40 and (t.endswith(":") or bool(attendance_role(t)))


def _role_header(doc: Document, rows: list[Block], context, ix: dict[int, int]) -> list[AttendanceBlock] | None:
    """A header row of roles: 'Present | Initials | Apologies | Initials' (names in the columns) or
    'Name | Present | Apologies | Absent' (a tick in the column that applies)."""
    if len(rows) < 2:
        return None
    header = [c.text.strip() for c in _cells(rows[0])]
    roles = [attendance_role(h, bare=True) if h and len(h) < 40 else None for h in header]
    role_cols = [k for k, r in enumerate(roles) if r in ("present", "apologies", "absent", "guests")]
    if not role_cols:
        return None
    others = [k for k, h in enumerate(header) if h and k not in role_cols]
    if not all(_INITIALS_HEADER.match(header[k]) or _NAME_HEADER.match(header[k]) or _NOTE_HEADER.match(header[k])
               for k in others):
        return None
    body = rows[1:]
    name_cols = [k for k in others if _NAME_HEADER.match(header[k])] or ([0] if 0 not in role_cols else [])
    marks = sum(1 for r in body for k in role_cols if k < len(r.cells or []) and _MARK.match(r.cells[k].text.strip()))
    out: dict[str, AttendanceBlock] = {}
    if name_cols and marks:
        nc = name_cols[0]
        for r in body:
            cells = _cells(r)
            if nc >= len(cells) or not namey(clean(cells[nc].text)[0]):
                continue
            ticked = [roles[k] for k in role_cols if k < len(cells) and _MARK.match(cells[k].text.strip())]
            if len(ticked) != 1:
                continue
            ab = out.setdefault(ticked[0], AttendanceBlock(ticked[0], header[role_cols[0]], ix[id(rows[0])]))
            add_names(ab, cells[nc].text, cells[nc].start, ix[id(r)], r.page)
        return [ab for ab in out.values() if ab.entries] or None
    if len(role_cols) < 2 and not (context or len(others) <= 1):
        return None
    for k in role_cols:
        role = roles[k]
        ab = out.setdefault(role + str(k), AttendanceBlock(role, header[k], ix[id(rows[0])]))
        for r in body:
            cells = _cells(r)
            if k >= len(cells) or not cells[k].text.strip() or _NAME_HEADER.match(cells[k].text.strip()):
                continue  # (a "Name | Initials" row under a merged label cell is the names' header)
            pair = [cells[k]]
            nxt = header[k + 1] if k + 1 < len(header) else ""  # a merged label cell is shorter than its rows
            if k + 1 < len(cells) and k + 1 not in role_cols and (not nxt or _INITIALS_HEADER.match(nxt)):
                pair.append(cells[k + 1])
            _add_cells(ab, r, pair, role, ix)
    found = [ab for ab in out.values() if ab.entries]
    return found or None


def _register(doc: Document, rows: list[Block], context, ix: dict[int, int]) -> list[AttendanceBlock] | None:
    """One column per meeting (dates in the header) and a code per person; this meeting's column is
    the last one that has codes."""
    if len(rows) < 2:
        return None
    header = [c.text.strip() for c in _cells(rows[0])]
    date_cols = [k for k, h in enumerate(header) if k > 0 and h and _DATEISH.search(h) and len(h) < 30]
    if len(date_cols) < 2:
        return None
    key = register_key(doc)
    codes = {**_DEFAULT_CODES, **key}

    def code(text: str) -> str | None:
        t = text.strip().lower().rstrip(".")
        return codes.get(t) if t else None

    filled = [k for k in date_cols if sum(1 for r in rows[1:] if k < len(r.cells or []) and code(r.cells[k].text)) >=
              max(1, (len(rows) - 1) // 2)]
    if not filled:
        return None
    col = filled[-1]
    out: dict[str, AttendanceBlock] = {}
    for r in rows[1:]:
        cells = _cells(r)
        if col >= len(cells) or not cells or not namey(clean(cells[0].text)[0]):
            continue
        role = code(cells[col].text)
        if role is None:
            continue
        ab = out.setdefault(role, AttendanceBlock(role, header[col], ix[id(rows[0])]))
        add_names(ab, cells[0].text, cells[0].start, ix[id(r)], r.page)
    return [ab for ab in out.values() if ab.entries] or None


def _person_columns(doc: Document, rows: list[Block], context, ix: dict[int, int]) -> list[AttendanceBlock] | None:
    """A column per person, by name or initials ('| | Ann Lee | Bob Stone |', '| | AL | BS |'), and a
    row of ticks or codes per meeting; this meeting's row is the last one filled in."""
    if len(rows) < 2:
        return None
    header = _cells(rows[0])
    people = [k for k, c in enumerate(header) if k > 0 and _person_head(c.text)]
    if len(people) < 3 or len(people) < len([c for c in header[1:] if c.text.strip()]) - 1:
        return None
    key = register_key(doc)

    def code(text: str) -> str | None:
        t = text.strip().lower().rstrip(".")
        if t in key:
            return key[t]
        if _MARK.match(text.strip()) and t != "x":
            return "present"
        return {"n": "absent", "no": "absent", "absent": "absent", "apologies": "apologies", "apols": "apologies",
                "p": "present", "present": "present"}.get(t)

    filled = [r for r in rows[1:] if sum(1 for k in people if k < len(r.cells or []) and code(r.cells[k].text))
              >= max(2, len(people) // 2)]
    if not filled:
        return None
    row = filled[-1]
    # in a row of ticks, an empty cell is someone not there; in a row of codes it says nothing
    ticks = any(re.fullmatch(r"[✓✔☑✅√•*]", (row.cells[k].text.strip() if k < len(row.cells or []) else ""))
                for k in people)
    out: dict[str, AttendanceBlock] = {}
    for k in people:
        c = header[k]
        cell = row.cells[k].text.strip() if k < len(row.cells or []) else ""
        role = code(cell) if cell else ("absent" if ticks else None)
        if role is None:
            continue
        ab = out.setdefault(role, AttendanceBlock(role, "(register)", ix[id(rows[0])]))
        name = c.text.strip()
        if namey(clean(name)[0]):
            add_names(ab, c.text, c.start, ix[id(rows[0])], rows[0].page)
        else:
            _entry(ab, name, role, c.start, ix[id(rows[0])], rows[0].page, text=c.text)
    return list(out.values()) or None


def _person_head(text: str) -> bool:
    t = text.strip()
    if re.fullmatch(r"[A-Z][A-Za-z]{1,3}", t) and sum(ch.isupper() for ch in t) >= 2:
        return True  # initials: 'JB', 'SMc'
    return bool(t) and namey_full(t) and not role_like(t) and len(t.split()) >= 2


def _people_table(rows: list[Block], context: tuple[str, str], ix: dict[int, int]) -> list[AttendanceBlock] | None:
    """A table of people under an attendance label: a header naming its columns (Name, Initials,
    Affiliation, Handle, Role, Present), or role | name rows with no header."""
    role, label = context
    header = [c.text.strip() for c in _cells(rows[0])]
    ab = AttendanceBlock(role, label, ix[id(rows[0])])
    name_col = next((k for k, h in enumerate(header) if _NAME_HEADER.match(h)), None)
    if name_col is not None:
        ini_col = next((k for k, h in enumerate(header) if _INITIALS_HEADER.match(h)), None)
        note_cols = [k for k, h in enumerate(header) if _NOTE_HEADER.match(h)]
        status_col = next((k for k, h in enumerate(header) if _STATUS_HEADER.match(h)), None)
        for r in rows[1:]:
            cells = _cells(r)
            if name_col >= len(cells) or not cells[name_col].text.strip():
                continue
            name, notes, initials = clean(cells[name_col].text)
            if not name or not namey(name):
                continue
            if ini_col is not None and ini_col < len(cells) and INITIALS.match(cells[ini_col].text.strip()):
                initials = cells[ini_col].text.strip()
            notes += [cells[k].text.strip() for k in note_cols if k < len(cells) and cells[k].text.strip()]
            r_role = role
            if status_col is not None and status_col < len(cells):
                st = cells[status_col].text.strip()
                r_role = ("present" if _MARK.match(st) and st not in ("x", "X") else
                          attendance_role(st) or ("absent" if st in ("x", "X", "-", "no", "No", "N") else None))
                if r_role is None:
                    continue
            note = "; ".join(notes) or None
            if any(CHAIR_NOTE.match(n) for n in notes):
                _entry(ab, name, "chair", cells[name_col].start, ix[id(r)], r.page, note, initials,
                       cells[name_col].text)
            ab.entries.append(AttendanceEntry(name, r_role, *_span(cells[name_col], name), ix[id(r)], r.page, note,
                                              initials))
        return [ab] if ab.entries else None
    # no header: find the column of names (the other holds roles)
    width = max(len(r.cells or []) for r in rows)
    if width < 2 or width > 4:
        return None
    best, best_score = None, 0.0
    for k in range(width):
        col = [r.cells[k].text.strip() for r in rows if k < len(r.cells or []) and r.cells[k].text.strip()]
        if not col:
            continue
        score = sum(1 for t in col if namey_full(clean(t)[0]) and not role_like(t)) / len(col)
        if score > best_score:
            best, best_score = k, score
    if best is None or best_score < 0.7:
        return None
    for r in rows:
        cells = _cells(r)
        if best >= len(cells) or not cells[best].text.strip():
            continue
        roles = [c.text.strip() for k, c in enumerate(cells) if k != best and c.text.strip()]
        statuses = [_status(t) for t in roles if _status(t)]
        if any(attendance_role(t) and not _status(t) for t in roles):
            continue
        name, notes, initials = clean(cells[best].text)
        if not name or not namey(name):
            continue
        r_role = statuses[0] if len(set(statuses)) == 1 else role  # "Commissioner Fort | Present"
        roles = [t for t in roles if not _status(t)]
        initials = initials or next((t for t in roles if _is_initials(t) and initials_fit(t, name)), None)
        notes += [t for t in roles if t != initials]
        note = "; ".join(notes) or None
        if any(CHAIR_NOTE.match(n) for n in notes) and r_role == "present":
            ab.entries.append(AttendanceEntry(name, "chair", *_span(cells[best], name), ix[id(r)], r.page, note,
                                              initials))
        ab.entries.append(AttendanceEntry(name, r_role, *_span(cells[best], name), ix[id(r)], r.page, note, initials))
    return [ab] if ab.entries else None


_STATUS_WORDS = {"present": "present", "here": "present", "attended": "present", "late": "present", "p": "present",
                 "absent": "absent", "not present": "absent", "a": None, "excused": "apologies",
                 "apologies": "apologies", "regrets": "apologies", "absent (excused)": "apologies",
                 "absent with apologies": "apologies", "absent without apologies": "absent"}


def _status(text: str) -> str | None:
    return _STATUS_WORDS.get(text.strip().lower().rstrip("."))


def _span(cell, name: str) -> tuple[int, int]:
    off = cell.start + max(cell.text.find(name.split()[0]), 0)
    return off, off + len(name)
