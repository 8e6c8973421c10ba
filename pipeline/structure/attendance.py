"""Attendance blocks: who was present, sent apologies, was absent, attended as a guest, chaired,
or took the minutes.

Minutes write these as labelled lines ("Present: A, B (chair), C"), a label followed by a list or
lines of names, a table row ("Attendees | A, B"), or a sentence ("Apologies were received from A
and B", "This meeting was led by C"). Each name keeps the character span it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.core.document import Block, Document

# label (lower-case, normalised) -> role
_LABELS: list[tuple[str, str]] = [
    # In UK minutes "In attendance" lists officers and visitors who are not members.
    (r"(also )?in attendance|also attending|also present", "guests"),
    (r"(board |committee |council |trustees? |directors? |members? )*(members? )?(present|attending|in attendance|attendance|attendees)( and participating)?", "present"),
    (r"(the )?(board |committee |council |trustees |directors )?(members|trustees|directors|councillors|participants)( present| attending)?( and participating)?", "present"),
    (r"(directors|members|trustees) (attending|participating)( and participating)?", "present"),
    (r"those (present|attending)", "present"),
    (r"apologies( for absence)?( received( from)?)?|apologies received|regrets|sent regrets|apologies sent", "apologies"),
    (r"(to )?consider apologies( for absence)?", "apologies"),
    (r"absent|not present|absent without apologies|members absent|directors absent", "absent"),
    (r"guests?|visitors?|observers?|also present|also (in )?attendance|also attending|in attendance|also participating|invited|invited guests|staff present|staff|officers? present|members of the public|public", "guests"),
    (r"counsel( participating)?", "guests"),
    (r"chair(ed by)?|chairperson|chairman|chairwoman|chair person|co-?chairs?|facilitat(or|ed by)|led by|meeting called by|convenor|convener", "chair"),
    (r"minutes( taken)?( by)?|minute[- ]?taker|minutes issued by|scribe|note[- ]?taker|notes( taken)?( by)?|recorder|secretary \(minutes\)", "minutes"),
]
_LABEL_RES = [(re.compile(rf"^(?:{pat})$", re.IGNORECASE), role) for pat, role in _LABELS]

_SENTENCE_FORMS = [
    (re.compile(r"\bapologies (?:for absence )?(?:were |had been )?(?:received|given|sent|noted) (?:from|by) (?P<names>[^.;]+)", re.IGNORECASE), "apologies"),
    (re.compile(r"\b(?:meeting )?(?:was )?(?:led|chaired|facilitated) by (?P<names>[A-Z][^.;,]+)"), "chair"),
    (re.compile(r"\b(?P<names>(?:[A-Z][\w'’-]+\s){1,3}[A-Z][\w'’-]+) (?:chaired|took the chair|was in the chair)\b"), "chair"),
    (re.compile(r"\b(?P<names>(?:[A-Z][\w'’-]+\s){1,3}[A-Z][\w'’-]+) (?:was|were) (?:not present|absent)\b"), "absent"),
    (re.compile(r"\b(?P<names>(?:[A-Z][\w'’-]+\s){1,3}[A-Z][\w'’-]+) (?:was|were) (?:also )?present\b"), "guests"),
    (re.compile(r"\b(?P<names>(?:[A-Z][\w'’-]+\s){1,3}[A-Z][\w'’-]+) (?:had |has )?(?:sent|gave|offered) (?:his |her |their )?apologies\b"), "apologies"),
]
_NONE_VALUES = re.compile(r"^(none|nil|no(ne)? (received|given|apologies)|n/?a|-+|–|—|nobody|no one)\.?$", re.IGNORECASE)
_INITIALS = re.compile(r"^[A-Z][A-Za-z]{0,3}$")
_TITLES = {"cllr", "councillor", "dr", "mr", "mrs", "ms", "miss", "prof", "professor", "sir", "dame", "rev", "revd",
           "county", "district", "borough", "town", "parish", "director", "pcso"}
# "Item 1 – 3 only", "for items 4-6": attendance for part of the meeting, not part of a name
_PART_MEETING = re.compile(r"\b(?:for\s+)?items?\s+\d+(?:\s*[-–—&,]\s*\d+)*(?:\s+only)?\b\s*", re.IGNORECASE)


def _initials_fit(initials: str, name: str) -> bool:
    """'JS' fits 'Jane Smith' (and 'JSm' fits 'Jean Smyth'); 'SCC' (an affiliation) does not."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", name) if w.lower().rstrip(".") not in _TITLES]
    if not words:
        return False
    caps = initials[0]
    return caps.upper() == words[0][0].upper() and (len(words) == 1 or words[-1][0].upper() in initials.upper())
_CHAIR_NOTE = re.compile(r"^(the )?(co-?)?chair(man|woman|person)?$|^chairing$|^in the chair$", re.IGNORECASE)
_MINUTES_NOTE = re.compile(r"^(minutes|minutes secretary|minute[- ]?taker|scribe|note[- ]?taker|secretary \(minutes\))$", re.IGNORECASE)
_HANDLE = re.compile(r"\s*\(?@[\w-]+\)?")


@dataclass
class AttendanceEntry:
    name: str
    role: str
    start: int
    end: int
    block: int
    page: int | None
    note: str | None = None
    initials: str | None = None


@dataclass
class AttendanceBlock:
    role: str
    label: str
    block: int
    entries: list[AttendanceEntry] = field(default_factory=list)


def attendance_role(label: str) -> str | None:
    t = re.sub(r"[*_#:\-–—]+$", "", label.strip().strip("*_#").strip()).strip().lower()
    t = re.sub(r"\s+", " ", t)
    for rx, role in _LABEL_RES:
        if rx.match(t):
            return role
    return None


def is_attendance_label(label: str) -> bool:
    return attendance_role(label) is not None


_LABEL_SPLIT = re.compile(r"^\s*(?:\d{1,2}[.)]?\s+)?(?P<label>[A-Za-z][A-Za-z ()'’-]{1,50}?)\s*(?::|\s[-–—]\s)\s*(?P<value>.*)$",
                          re.DOTALL)


def find_attendance(doc: Document) -> list[AttendanceBlock]:
    out: list[AttendanceBlock] = []
    blocks = doc.blocks
    used: set[int] = set()
    for i, b in enumerate(blocks):
        if i in used:
            continue
        if b.kind == "table_row":
            cells = b.cells or []
            if len(cells) >= 2:
                role = attendance_role(cells[0].text)
                if role and cells[1].text and not cells[1].text.endswith(":"):
                    ab = AttendanceBlock(role, cells[0].text, i)
                    _add_names(ab, cells[1].text, cells[1].start, i, b.page)
                    out.append(ab)
                    continue
            if len(cells) >= 1:
                role = attendance_role(cells[0].text)
                filled = [c for c in cells[1:] if c.text and not c.text.endswith(":")]
                if role and not filled:
                    # "Attendees:" header row; names in the first cell of following rows
                    ab = AttendanceBlock(role, cells[0].text, i)
                    j = i + 1
                    while j < len(blocks) and blocks[j].kind == "table_row" and blocks[j].table == b.table:
                        first = (blocks[j].cells or [None])[0]
                        if first is None or not first.text or attendance_role(first.text) or first.text.endswith(":"):
                            break
                        if not _looks_like_names(first.text):
                            break
                        _add_names(ab, first.text, first.start, j, blocks[j].page)
                        used.add(j)
                        j += 1
                    if ab.entries:
                        out.append(ab)
            continue
        text = b.text
        segments = _label_segments(text)
        if len(segments) > 1:
            # "Chair: Magda. Notes: Chen." - several labels in one line
            for seg_start, seg in segments:
                sm = _LABEL_SPLIT.match(seg)
                role = attendance_role(sm.group("label")) if sm else None
                if role and sm.group("value").strip():
                    ab = AttendanceBlock(role, sm.group("label"), i)
                    _add_names(ab, sm.group("value"), b.start + seg_start + sm.start("value"), i, b.page)
                    if ab.entries:
                        out.append(ab)
                    else:
                        _sentence_forms(out, seg, b, i, offset=seg_start)
            continue
        m = _LABEL_SPLIT.match(text)
        if m and attendance_role(m.group("label")) and m.group("value").strip():
            role = attendance_role(m.group("label"))
            value = m.group("value")
            value_start = b.start + m.start("value")
            ab = AttendanceBlock(role, m.group("label"), i)
            # continuation paragraphs: a list of names broken over several lines/blocks
            j = i + 1
            pieces = [(value, value_start, i, b.page)]
            # "Present: A, B, Mandy" + "Rudczenko, C": one comma-separated list wrapped over blocks;
            # "Present: A" + "B" + "C": one name per line
            one_per_line = len(_split_items(value)) == 1
            while j < len(blocks) and _continues(pieces[-1][0], blocks[j], one_per_line):
                pieces.append((blocks[j].text, blocks[j].start, j, blocks[j].page))
                used.add(j)
                j += 1
            _add_joined(ab, pieces, "; " if one_per_line else " ")
            if ab.entries:
                out.append(ab)
                continue
            # "Apologies: Apologies were received from A and B" - the value is a sentence
            _sentence_forms(out, text, b, i)
            continue
        label_only = re.sub(r"^\d{1,2}(\.\d{1,2})*[.)]?\s+", "", text.rstrip(":").strip())
        role = attendance_role(label_only) if len(label_only.split()) <= 6 else None
        if role and (b.kind == "heading" or text.rstrip().endswith(":") or b.bold or b.kind == "paragraph"):
            ab = AttendanceBlock(role, label_only, i)
            j = i + 1
            while j < len(blocks):
                nb = blocks[j]
                if nb.kind == "heading":
                    break
                if nb.style == "margin":  # a lead's initials beside an agenda item, not a name list
                    j += 1
                    continue
                if nb.kind in ("list_item", "paragraph") and _looks_like_names(nb.text):
                    if _LABEL_SPLIT.match(nb.text) and attendance_role(_LABEL_SPLIT.match(nb.text).group("label")):
                        break
                    _add_names(ab, nb.text, nb.start, j, nb.page)
                    used.add(j)
                    j += 1
                    continue
                break
            if ab.entries:
                out.append(ab)
            continue
        _sentence_forms(out, text, b, i)
    return out


def _sentence_forms(out: list[AttendanceBlock], text: str, b: Block, i: int, offset: int = 0) -> None:
    for rx, srole in _SENTENCE_FORMS:
        for sm in rx.finditer(text):
            ab = AttendanceBlock(srole, "(sentence)", i)
            _add_names(ab, sm.group("names"), b.start + offset + sm.start("names"), i, b.page)
            if ab.entries:
                out.append(ab)


_NEXT_LABEL = re.compile(r"(?<=[A-Za-z)])[.;]\s+(?=([A-Z][A-Za-z ]{1,30}):\s)")


def _label_segments(text: str) -> list[tuple[int, str]]:
    """Split 'Chair: Magda. Notes: Chen.' into its labelled segments (only when every label is an
    attendance label)."""
    cuts = [m for m in _NEXT_LABEL.finditer(text) if attendance_role(m.group(1))]
    first = _LABEL_SPLIT.match(text)
    if not cuts or not first or not attendance_role(first.group("label")):
        return [(0, text)]
    out, start = [], 0
    for m in cuts:
        out.append((start, text[start:m.start() + 1]))
        start = m.end()
    out.append((start, text[start:]))
    return out


def _continues(prev: str, nb: Block, one_per_line: bool = False) -> bool:
    if nb.kind == "heading" and not (one_per_line and len(nb.text.split()) <= 6):
        return False
    if nb.kind not in ("paragraph", "heading"):
        return False
    t = nb.text
    if attendance_role(t.rstrip(":").strip()) or not _looks_like_names(prev):
        return False
    if _LABEL_SPLIT.match(t) and attendance_role(_LABEL_SPLIT.match(t).group("label")):
        return False
    if prev.rstrip().endswith((".", ":")):
        return False
    if len(t.split()) > 30 or re.search(r"[.!?]\s+[A-Z]", t):
        return False
    return _looks_like_names(t)


def _looks_like_names(text: str) -> bool:
    parts = [p for p, _ in _split_items(_strip_description(text)[0])]
    if not parts:
        return False
    good = sum(1 for p in parts if _namey(_clean(p)[0]))
    return good / len(parts) >= 0.6 and len(text) < 600


def _namey(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 6:
        return False
    if _PUBLIC.match(name):
        return True
    if re.search(r"\d", name):
        return False
    caps = sum(1 for w in words if w.lstrip("“\"'‘")[:1].isupper() or w.lower() in _PARTICLES)
    return caps == len(words) and not _SENTENCE_LIKE.search(name) and not _NOT_NAMES.match(name)


_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "du", "le", "la", "al", "bin", "ibn", "mrs", "mr", "dr"}
# capitalised words that head sections, not people
_NOT_NAMES = re.compile(r"^(action|actions|action items|agenda|minutes|notes|apologies|present|attendees|attendance|"
                        r"discussion|decisions?|updates?|finance|any other business|aob|welcome|introductions?|"
                        r"next meeting|date of next meeting|matters arising|summary|reports?|correspondence)$",
                        re.IGNORECASE)


_PUBLIC = re.compile(r"^(\d+|several|some|two|three|four|five|six|seven|eight|nine|ten)\s+(members? of the public|"
                     r"members?|people|residents|parishioners|visitors|observers)\b", re.IGNORECASE)
# people from other bodies attending a council's meeting: recorded in a present list, but guests
_VISITOR = re.compile(r"^(county|district|borough|city|town)\s+(cllr|councillor)\b|^(pcso|pc|police|sgt|sergeant|"
                      r"inspector)\b|members? of the public", re.IGNORECASE)
_SENTENCE_LIKE = re.compile(r"\b(was|were|is|are|has|have|had|will|would|welcomed|thanked|asked|the meeting)\b")


def _strip_description(body: str) -> tuple[str, str]:
    """'Marc Stears – Marc has recently joined UCL ...': a description after a dash that reads as a
    sentence belongs to the name before it, not to the list. Returns (list, description)."""
    dash = re.search(r"\s[-–—]\s", body)
    if dash and len(body[dash.end():].split()) > 6 and _sentence_like(body[dash.end():]):
        return body[:dash.start()], body[dash.end():]
    return body, ""


def _sentence_like(text: str) -> bool:
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    return bool(words) and sum(1 for w in words if w[0].islower()) >= 0.4 * len(words)


def _clean(item: str) -> tuple[str, list[str], str | None]:
    """Strip markup, handles and parenthesised notes; returns (name, notes, initials)."""
    s = item.strip().strip("*_`").strip()
    s = re.sub(r"^[-–—•·*+o]\s+", "", s)
    s = _HANDLE.sub("", s)
    notes: list[str] = []
    initials = None
    s = _PART_MEETING.sub("", s)
    bare = re.sub(r"\([^)]*\)", "", s)
    for pm in re.finditer(r"\(([^)]*)\)", s):
        inner = pm.group(1).strip()
        if _INITIALS.match(inner) and _initials_fit(inner, bare):
            initials = inner
        elif inner:
            notes.append(inner)
    s = bare
    s = re.sub(r"\[[^\]]*\]", "", s)
    # "Marc Stears – Marc has recently joined ..." : a description after a dash
    s = re.split(r"\s[-–—]\s", s, maxsplit=1)[0]
    s = re.sub(r"[()\[\]]", " ", s)  # unbalanced brackets left over
    s = re.sub(r"\s+", " ", s).strip(" .,:;-–—*_")
    s = s.replace("_", " ") if re.fullmatch(r"[A-Za-z]+(_[A-Za-z]+)+", s) else s
    return s, notes, initials


def _add_names(ab: AttendanceBlock, value: str, value_start: int, block: int, page: int | None) -> None:
    _add_joined(ab, [(value, value_start, block, page)])


def _add_joined(ab: AttendanceBlock, pieces: list[tuple[str, int, int, int | None]], joiner: str = " ") -> None:
    """Split names across one or more text pieces (a list broken over blocks is joined first)."""
    joined = ""
    offsets: list[tuple[int, int, int, int | None]] = []  # (pos in joined, doc offset, block, page)
    for k, (text, start, block, page) in enumerate(pieces):
        if k:
            joined += joiner
        offsets.append((len(joined), start, block, page))
        joined += text
    # A sentence after the list ("6 Members of the Public.   PCSO X was present for part") ends it.
    cut = re.search(r"\.\s{2,}|\.\s+(?=[A-Z][a-z]+ [a-z]+ )|[.;]\s+(?=[A-Z][A-Za-z ]{1,30}:)", joined)
    body = joined[:cut.start()] if cut else joined
    # "Marc Stears – Marc has recently joined UCL to set up ..., the UCL Policy Lab": a long
    # description after a dash belongs to the name before it, not to the list.
    body, described_as = _strip_description(body)
    if _NONE_VALUES.match(body.strip()):
        return
    items = _split_items(body)
    # "Dr Andrew Payne, Chairman (AP)": a role (and initials) after a name belongs to that name
    merged: list[list] = []  # [text, offset, extra notes, initials]
    for text, off in items:
        name, notes, initials = _clean(text)
        if merged and name and (_ROLE_ONLY.match(name) or _is_role_phrase(name) or _ORG.search(name)):
            merged[-1][2].append(name)
            merged[-1][2].extend(notes)
            merged[-1][3] = merged[-1][3] or initials
            continue
        merged.append([text, off, [], None])
    for text, off, extra, extra_initials in merged:
        name, notes, initials = _clean(text)
        notes = notes + extra
        initials = initials or extra_initials
        if not name or _NONE_VALUES.match(name) or not _namey(name):
            continue
        lead = text.find(name.split()[0]) if name.split() else 0
        s = off + max(lead, 0)
        doc_off, blk, page = _map(offsets, s)
        role = ab.role
        if described_as and len(merged) == 1:
            notes.append(described_as.split(",")[0].strip())
        # "(excused)" beside an absent member is an apology; "(guest)" in a present list a guest
        if role == "absent" and any(_EXCUSED.match(n) for n in notes):
            role = "apologies"
        if role == "present" and (any(_GUEST_NOTE.match(n) for n in notes) or _VISITOR.search(name)):
            role = "guests"
        note = "; ".join(notes) or None
        if ab.role in ("present", "guests") and any(_CHAIR_NOTE.match(n) for n in notes):
            ab.entries.append(AttendanceEntry(name, "chair", doc_off, doc_off + len(name), blk, page, note, initials))
        if ab.role in ("present", "guests") and any(_MINUTES_NOTE.match(n) for n in notes):
            ab.entries.append(AttendanceEntry(name, "minutes", doc_off, doc_off + len(name), blk, page, note, initials))
        ab.entries.append(AttendanceEntry(name, role, doc_off, doc_off + len(name), blk, page, note, initials))


_ROLE_NOUNS = {"manager", "director", "officer", "secretary", "treasurer", "chair", "chairman", "chairwoman", "clerk",
               "librarian", "coordinator", "co-ordinator", "administrator", "assistant", "adviser", "advisor",
               "consultant", "accountant", "auditor", "auditors", "cpa", "counsel", "solicitor", "lawyer", "engineer",
               "president", "trustee", "minuting", "minutes", "facilitator", "lead", "head", "member", "liaison"}
_ORG = re.compile(r"\b(LLP|Ltd|Limited|Inc|plc|LLC|Council|Foundation|University|Trust|Associates|Partners|Group)\.?$")


def _is_role_phrase(name: str) -> bool:
    """'Homeownership Program Manager', 'Head of Finance', 'CPA': a role given after a name."""
    words = name.split()
    if not words:
        return False
    if words[0].lower() in ("head", "director", "chair") and len(words) > 2 and words[1].lower() == "of":
        return True
    return words[-1].lower().strip(".") in _ROLE_NOUNS and (len(words) > 1 or words[0].isupper())


_EXCUSED = re.compile(r"^(excused|apologies|with apologies|apology (given|received|sent)|sent apologies)$", re.IGNORECASE)
_GUEST_NOTE = re.compile(r"^(guest|invited guest|observer|visitor|non-member|invited)\b", re.IGNORECASE)
_ROLE_ONLY = re.compile(
    r"^(the )?(vice|deputy|assistant|acting|honorary|hon|co|joint|minutes|membership|events?|social|welfare|"
    r"publicity|communications|press|general|executive|finance|library|parish|county|borough|town)?[- ]?"
    r"(chair(man|woman|person)?|president|treasurer|secretary|clerk|co-?ordinator|coordinator|officer|manager|"
    r"director|trustee|minute[- ]?taker|scribe|convenor|convener|rfo)$", re.IGNORECASE)
# ". " ends a list item unless it closes an initial or a title ("J. Smith", "Dr. Payne")
_ITEM_SEP = re.compile(r"\s*(?:[,;]|(?<![A-Z])(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)\.\s+|\band\b|&|\s•\s)\s*")


def _split_items(body: str) -> list[tuple[str, int]]:
    """Split a list of names on commas, semicolons, 'and', '&' and full stops, never inside brackets."""
    out: list[tuple[str, int]] = []
    depth = 0
    start = 0
    i = 0
    while i < len(body):
        ch = body[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = _ITEM_SEP.match(body, i)
            if m and "&" in m.group(0) and _ORG.search(re.split(r"[,;]", body[m.end():], maxsplit=1)[0].strip()):
                m = None  # "Feld & Marsh LLP" is one firm
            if m and m.end() > i and (m.group(0).strip() or body[i] in ",;&."):
                # only accept 'and' as a whole word
                out.append((body[start:i], start))
                start = i = m.end()
                continue
        i += 1
    out.append((body[start:], start))
    # "James Powell (Manager) Luke Morris": a lost separator after a closing bracket
    split: list[tuple[str, int]] = []
    for t, o in out:
        m = re.search(r"\)\s+(?=(?:[A-Z][\w'’-]*\s+){1,3}[A-Z][\w'’-]*)", t)
        if m and not t[m.end():].lstrip().startswith("("):
            split.append((t[:m.start() + 1], o))
            split.append((t[m.end():], o + m.end()))
        else:
            split.append((t, o))
    return [(t, o) for t, o in split if t.strip()]


def _map(offsets: list[tuple[int, int, int, int | None]], pos: int) -> tuple[int, int, int | None]:
    best = offsets[0]
    for o in offsets:
        if o[0] <= pos:
            best = o
    return best[1] + (pos - best[0]), best[2], best[3]
