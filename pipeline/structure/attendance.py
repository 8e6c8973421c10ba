"""Attendance blocks: who was present, sent apologies, was absent, attended as a guest, chaired,
or took the minutes.

Minutes write these as labelled lines ("Present: A, B (chair), C"; "Commissioners present: Fort,
Harp"; "ATTENDING: ... ABSENT: ..." on one line), a label followed by a list or lines of names, a
heading that joins apologies with other business ("Welcome and Apologies") followed by names, a
table (see attendance_tables), or a sentence ("Apologies were received from A and B", "X called
the meeting to order", "The meeting was chaired by C"). Speakers under a public-comment item are
members of the public. Each name keeps the character span it came from.
"""

from __future__ import annotations

import re

from pipeline.core.document import Block, Document
from pipeline.structure.attendance_labels import (
    attendance_role,
    heading_role,
    is_attendance_label,
    normalise_label,
    office_label,
    other_label,
)
from pipeline.structure.attendance_names import (
    INITIALS,
    AttendanceBlock,
    AttendanceEntry,
    add_joined,
    add_names,
    clean,
    looks_like_names,
    namey,
    sentence_like,
    split_items,
    trim_tail,
)
from pipeline.structure.attendance_tables import table_attendance

__all__ = ["AttendanceBlock", "AttendanceEntry", "attendance_role", "find_attendance", "is_attendance_label"]

_split_items = split_items  # kept for the property and fuzz tests

_NAME = (r"(?:(?:[A-Z][.\u2024]|(?:Cllrs?|Dr|Mr|Mrs|Ms|Mx|Rev|Revd|Prof|St|Sgt)[.\u2024]|[A-Z][\w'’-]*|"
         r"de|van|von|der|da|di|du|le|la)\s){0,3}[A-Z][\w'’-]+")
_TITLED = r"(?:(?:Vice |Deputy )?(?:President|Chair(?:man|woman|person)?|Mayor|Trustee|Commissioner|Councillor|" \
          r"Cllr[.\u2024]?|Alderman|Supervisor|Senator|Director|Dr[.\u2024]?|Mr[.\u2024]?|Mrs[.\u2024]?|Ms[.\u2024]?|" \
          r"Rev[.\u2024]?|Revd[.\u2024]?|Prof[.\u2024]?)\s)?"
_SUBORDINATE = re.compile(r"(?:^|\W)(?:as|since|because|if|when|while|although|though|unless|until|that)\s+$",
                          re.IGNORECASE)
_LEAD_WORDS = re.compile(r"^(?:(?:As|Since|Because|If|When|While|Although|Though|Unless|Until|But|And|However|"
                         r"Unfortunately|Also|The|So|Then|Yet|Both|Only|Regrettably|Sadly)\s+)+")
_SENTENCE_FORMS = [
    (re.compile(r"\bapologies (?:for absence )?(?:were |had been |have been |was |has been )?(?:also )?(?:received|given|sent|"
                r"noted|tendered|offered|accepted)(?: and (?:accepted|noted|approved|agreed))? (?:from|by|for) "
                r"(?P<names>[^.;]+)", re.IGNORECASE), "apologies"),
    (re.compile(r"\bapologies from (?P<names>[^.;]+)", re.IGNORECASE), "apologies"),
    (re.compile(rf"\b(?P<names>{_NAME}) (?:had |has )?(?:sent|gave|offered|tendered) (?:his |her |their )?apologies\b"),
     "apologies"),
    (re.compile(rf"^(?P<names>{_NAME})(?: \([A-Z]{{1,4}}\))? (?:apologies|apologised|sends apologies)\.?$"),
     "apologies"),
    (re.compile(r"\b(?i:meeting|call|session)\s+(?:was\s+)?(?i:led|chaired|facilitated|presided over|moderated|run|"
                r"hosted)\s+by\s+(?:the \w+,? )?(?P<names>" + _TITLED + _NAME + ")"), "chair"),
    (re.compile(r"^(?:Chaired|Led|Facilitated|Presided over|Moderated) by:?\s+(?P<names>" + _TITLED + _NAME + ")"),
     "chair"),
    (re.compile(rf"\b(?P<names>{_TITLED}{_NAME}) (?i:chaired|presided|took the chair|was in the chair|"
                rf"assumed the chair)\b"), "chair"),
    (re.compile(rf"\b(?P<names>{_TITLED}{_NAME}),? (?:called|brought) the (?:meeting|session|call) to order\b"),
     "chair"),
    (re.compile(r"(?:\b(?i:meeting|session|call) (?:was )?|^)(?i:called) to order (?:at [\d:.]+\s*(?:(?i:[ap]\.?m\.?))? )?"
                r"(?:on [^.]{1,40}? )?by (?:the \w+,? |(?:Board |Council |Committee )?(?:President|Vice[- ]President|Chair|"
                r"Chairman|Chairwoman|Chairperson|Mayor|Deputy Mayor|Convenor|Convener|Moderator|Clerk),? )?"
                r"(?P<names>" + _TITLED + _NAME + ")"), "chair"),
    (re.compile(rf"\b(?P<names>{_TITLED}{_NAME}),? (?:welcomed [^.]{{0,80}}? and )?opened the meeting\b"), "chair"),
    (re.compile(rf"\bThe (?:[a-z]+ )?Chair(?:man|woman|person)?(?: of (?:the )?[A-Z][^,]{{1,40}})?, (?P<names>{_TITLED}{_NAME}),"),
     "chair"),
    (re.compile(rf"^(?:\d+[.)]?\s+)?(?i:call(?:ed)? to order)\s*[-–—:]?\s*(?P<names>{_TITLED}{_NAME})$"), "chair"),
    (re.compile(rf"\belected (?P<names>{_TITLED}{_NAME}) (?:to|as) (?i:chair(?:man|person|woman)?)(?: (?:of )?(?:the|this) "
                rf"meeting)\b"), "chair"),
    (re.compile(rf"\b(?P<names>{_TITLED}{_NAME}) was (?:elected|appointed|asked) (?:to|as) (?i:chair(?:man|person|woman)?)"
                rf"(?: (?:of |for )?(?:the|this) meeting)\b"), "chair"),
    (re.compile(rf"\b(?P<names>{_NAME}) (?:was|were) (?:not present|absent|not in attendance)\b"), "absent"),
    (re.compile(rf"(?:^|, )(?P<names>{_NAME}) (?:is |was )?not here\b"), "absent"),
    (re.compile(rf"\b(?P<names>{_NAME}) (?:was|were) (?:also )?present\b"), "guests"),
]

# a public-comment item: whoever speaks under it is a member of the public
_PUBLIC_ITEM = re.compile(r"\b(?:public (?:comments?|participation|forum|questions?|session|time|speaking|input|"
                          r"hearing|address)|open forum|citizens?['’]? (?:comments?|input|participation|forum)|"
                          r"audience (?:participation|comments?)|questions (?:from|by) (?:the )?(?:public|residents|"
                          r"floor|audience)|residents['’]? (?:questions|issues|comments|forum)|comments from the public|"
                          r"persons? wishing to address)", re.IGNORECASE)
_SPEAKER = re.compile(r"^(?P<name>[A-Z][a-z'’-]+(?: [A-Z]\.)?(?: [A-Z][\w'’-]+){1,2})(?=,| (?:asked|said|stated|spoke|"
                      r"commented|noted|raised|questioned|expressed|thanked|requested|addressed|suggested|reported|"
                      r"voiced|inquired|enquired|wanted|urged|complained|mentioned|shared|presented|read|spoke|"
                      r"informed|advised|explained|wished|would like|from)\b)")
_NOT_SPEAKER = re.compile(r"^(?:Mayor|Trustee|Commissioner|Councillor|Cllr|Alderman|Director|Chair|Chairman|Vice|"
                          r"President|Clerk|Administrator|Attorney|Treasurer|Secretary|Superintendent|Chief|Officer|"
                          r"The|This|That|There|It|He|She|They|We|Staff|Board|Council|Village|City|Town|County|"
                          r"Deputy|Mr|Mrs|Ms|Dr|Rev|Sgt|Pc|Pcso)\b")

_AUDIENCE_LINE = re.compile(r"^(?:(?:around|about|approximately|some|over|c\.)\s+)?(?:\d{1,3}|two|three|four|five|six|"
                            r"seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|several)\s+(?:other\s+)?"
                            r"(?:members? of the public|residents|parishioners|visitors|observers)\.?$", re.IGNORECASE)
_NEXT_MEETING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]?\s+)?(?:#+\s*)?(?:\*\*)?(?:date (?:and time )?of )?(?:the )?"
                           r"(?:next|future|upcoming|following) (?:meeting|call|session)s?\b", re.IGNORECASE)
_LABEL_SPLIT = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]?\s+|[ivx]{1,5}[.)]\s+|[-–—•·*]\s+)?"
                          r"(?P<label>[A-Za-z][A-Za-z0-9 ()'’-]{1,50}?)\s*(?::|;(?=\s)|\s[-–—]\s)\s*(?P<value>.*)$",
                          re.DOTALL | re.IGNORECASE)


def find_attendance(doc: Document) -> list[AttendanceBlock]:
    out: list[AttendanceBlock] = []
    blocks = doc.blocks
    used: set[int] = set()
    public: tuple[str, int | None, bool] | None = None  # (kind, level, bold) of the public-comment item we are in
    upcoming: tuple[str, int | None, bool] | None = None  # the "Next meeting" item we are in
    public_from = 0
    for i, b in enumerate(blocks):
        if public and (_ends_item(b, public) or i - public_from > 30):
            public = None
        if upcoming and _ends_item(b, upcoming):
            upcoming = None
        if len(b.text) < 80 and _NEXT_MEETING.match(b.text) and (b.kind in ("heading", "list_item") or b.bold):
            upcoming = (b.kind, b.level, b.bold)
            continue
        if upcoming or i in used:
            continue  # who will chair or take notes next time is not this meeting's attendance
        if b.kind == "table_row":
            got, rows = table_attendance(doc, i)
            out.extend(got)
            used |= rows  # every row of the table: a table is read once, as a whole
            continue
        text = b.text
        if public and b.kind != "heading":
            _speaker(out, b, i)
        if len(text) < 160 and _PUBLIC_ITEM.search(text) and b.kind in ("heading", "list_item", "paragraph") \
                and not re.search(r"\bno (?:members of the )?public\b", text, re.IGNORECASE):
            public, public_from = (b.kind, b.level, b.bold), i
        if _AUDIENCE_LINE.match(text) and i < 40:
            # "4 members of the public" on its own line under the attendance list
            ab = AttendanceBlock("guests", "(head count)", i)
            add_names(ab, text, b.start, i, b.page)
            out.extend([ab] if ab.entries else [])
            continue
        if _labelled_line(out, doc, i, used):
            if not any(a.role == "chair" for a in out):
                # "The meeting was called to order by President X. Board members present: ...": who
                # chaired may be said in the same paragraph as the labelled lists
                _sentence_forms(out, text, b, i, roles=("chair",))
            continue
        if _label_only(out, doc, i, used):
            continue
        _sentence_forms(out, text, b, i)
    return out


# ----------------------------------------------------------------------------------- labelled lines

def _inline_labels(text: str) -> list[tuple[int, int, str, str | None]]:
    """Labels on a line: (label start, value start, kind, role) with kind attendance, office or
    other. 'ATTENDING: A, B ABSENT: C' has two; 'Present (54): ...' one; '20/03 Attendees: A, B
    Agenda: ...' an attendance label and another one that ends its list."""
    found: list[tuple[int, int, str, str | None]] = []
    first = _LABEL_SPLIT.match(text)
    if first and attendance_role(first.group("label")):
        found.append((first.start("label"), first.start("value"), "attendance", attendance_role(first.group("label"))))
    for m in re.finditer(r":", text[:4000]):  # (a label sits near its names, not deep in a long block)
        p = m.start()
        if found and p < found[0][1]:
            continue
        if 0 < p < len(text) - 1 and text[p - 1].isdigit() and text[p + 1].isdigit():
            continue  # 7:30
        if text[p:p + 3] == "://":
            continue
        lo = max(0, p - 80)
        clause = max(lo - 1, max(text.rfind(ch, lo, p) for ch in ".;,:|•")) + 1
        words = list(re.finditer(r"\S+", text[clause:p]))
        for k in range(min(7, len(words)), 0, -1):
            ls = clause + words[-k].start()
            cand = text[ls:p]
            if not re.match(r"[A-Z(]", cand.lstrip("*_")) and ls > 0:
                continue
            prev = re.search(r"(\S+)\s*$", text[:ls])
            if prev and re.fullmatch(r"[a-z][\w'’-]*", prev.group(1)):
                continue  # "allowed by the Chairman: ..." - a word in a sentence, not a label
            value_start = re.compile(r"\s*").match(text, m.end()).end()
            role = attendance_role(cand)
            if role and (k == len(words) or attendance_role(cand, bare=True)):
                # ("Staffing Committee: SB briefed ...": a body's name inside a longer label is no label)
                found.append((ls, value_start, "attendance", role))
                break
            if office_label(cand):
                found.append((ls, value_start, "office", None))
                break
            if other_label(cand):
                found.append((ls, value_start, "other", None))
                break
    found.sort()
    return found


def _labelled_line(out: list[AttendanceBlock], doc: Document, i: int, used: set[int]) -> bool:
    blocks = doc.blocks
    b = blocks[i]
    text = b.text
    labels = _inline_labels(text)
    if not any(kind == "attendance" for _, _, kind, _ in labels):
        return False
    values = []
    for n, (ls, vs, kind, role) in enumerate(labels):
        ve = labels[n + 1][0] if n + 1 < len(labels) else len(text)
        values.append((ls, vs, ve, kind, role))
    last_attendance = max(n for n, v in enumerate(values) if v[3] == "attendance")
    seen_attendance = False
    handled = False
    for n, (ls, vs, ve, kind, role) in enumerate(values):
        value = text[vs:min(ve, vs + 3000)]  # (no list of names runs for pages)
        label = text[ls:vs].rstrip(" :;-–—")
        if kind == "other":
            continue
        if kind == "office":
            if seen_attendance and value.strip():  # "Parish Clerk: Peter King" on a line of attendance
                ab = AttendanceBlock("present", label, i)
                end = add_names(ab, value, b.start + vs, i, b.page)
                for e in ab.entries:
                    e.note = e.note or label
                out.extend([ab] if ab.entries else [])
                _sentence_forms(out, value[end:], b, i, offset=vs + end)
            continue
        seen_attendance = True
        if not value.strip():
            if n == last_attendance and ve == len(text):
                # "Board members in attendance were:" - the names follow on the next lines
                handled = _names_after(out, doc, i, role, label, used) or handled
            continue
        ab = AttendanceBlock(role, label, i)
        value_start = b.start + vs
        if _sentence_first(value) or _prose(value) or (normalise_label(label) in ("minutes", "notes")
                                                        and not _named_first(value)):
            # "Apologies: Apologies were received from A and B" - the value is a sentence
            before = len(out)
            _sentence_forms(out, value, b, i, offset=vs)
            handled = handled or len(out) > before
            continue
        if n == len(values) - 1:
            # continuation paragraphs: a list of names broken over several lines/blocks
            j = i + 1
            pieces = [(value, value_start, i, b.page)]
            one_per_line = len(split_items(value)) == 1
            while j < len(blocks) and _continues(pieces[-1][0], blocks[j], one_per_line):
                pieces.append((blocks[j].text, blocks[j].start, j, blocks[j].page))
                used.add(j)
                j += 1
            end = add_joined(ab, pieces, "; " if one_per_line else " ")
        else:
            end = add_names(ab, value, value_start, i, b.page)
        if ab.entries:
            out.append(ab)
            handled = True
            if end < len(value.rstrip()):
                _sentence_forms(out, value[end:], b, i, offset=vs + end)
        else:
            # "Apologies: Apologies were received from A and B" - the value is a sentence
            before = len(out)
            _sentence_forms(out, value, b, i, offset=vs)
            handled = handled or len(out) > before
    return handled or bool(labels and labels[0][0] <= 4)


def _prose(value: str) -> bool:
    """'SB briefed the meeting that ...': a value that opens with a sentence, not a name."""
    items = split_items(value[:300])
    if not items:
        return False
    head = items[0][0]
    return not namey(clean(head)[0]) and sentence_like(head) and len(head.split()) > 3


def _named_first(value: str) -> bool:
    """'Minutes: P. Markwell proposed ...' opens the minutes item, not the minute-taker's name."""
    items = split_items(value[:300])
    return bool(items) and namey(clean(items[0][0])[0])


def _sentence_first(value: str) -> bool:
    """The value opens with a sentence that names people ('Apologies were received from A')."""
    return any(rx.match(value.strip()) for rx, _ in _SENTENCE_FORMS)


def _continues(prev: str, nb: Block, one_per_line: bool = False) -> bool:
    if nb.kind == "heading" and not (one_per_line and len(clean(nb.text)[0].split()) <= 6):
        return False
    if nb.kind not in ("paragraph", "heading"):
        return False
    t = nb.text
    if attendance_role(t.rstrip(":").strip()) or not looks_like_names(prev):
        return False
    if any(kind in ("attendance", "office", "other") for _, _, kind, _ in _inline_labels(t)):
        return False
    if re.match(r"^[A-Z][\w ]{0,30}:\s", t):
        return False  # "Late: Zamora" - another label, known or not
    if prev.rstrip().endswith((".", ":")):
        return False
    if len(t.split()) > 30 or re.search(r"[.!?]\s+[A-Z]", t):
        return False
    return looks_like_names(t)


# ----------------------------------------------------------------------------------- label alone

def _label_only(out: list[AttendanceBlock], doc: Document, i: int, used: set[int]) -> bool:
    """A label on its own line ("Attendance", "Board members in attendance were:", "1 Apologies",
    "Welcome and Apologies") and the names on the lines, list items or table after it."""
    b = doc.blocks[i]
    text = b.text
    label_only = re.sub(r"^\d{1,2}(\.\d{1,2})*[.)]?\s+", "", text.rstrip(":").strip())
    if len(label_only.split()) > 8:
        return False
    role = heading_role(label_only) if b.kind == "heading" or b.bold else attendance_role(label_only, bare=True)
    if not role and b.kind in ("paragraph", "list_item") and text.rstrip().endswith(":"):
        role = heading_role(label_only)
    if not role or b.kind not in ("heading", "paragraph", "list_item"):
        return False
    found = _names_after(out, doc, i, role, label_only, used)
    return found or b.kind == "heading"


def _names_after(out: list[AttendanceBlock], doc: Document, i: int, role: str, label: str, used: set[int]) -> bool:
    """The names on the lines, list items or table that follow the label in block ``i``."""
    blocks = doc.blocks
    b = blocks[i]
    ab = AttendanceBlock(role, label, i)
    j = i + 1
    first = True
    found_table = False
    affiliated = _affiliation_list(blocks, j)
    # "- [x] Ann", "- [ ] Bob": a checklist of attendees; an unticked box is someone absent
    boxes = [_BOX.match(blocks[k].text) for k in range(j, min(len(blocks), j + 60)) if blocks[k].kind == "list_item"]
    checklist = any(m and m.group(1).strip() for m in boxes)
    unticked = AttendanceBlock("absent", label, i)
    while j < len(blocks):
        nb = blocks[j]
        if nb.kind == "table_row":
            if not first:
                break
            got, rows = table_attendance(doc, j, (role, label))
            out.extend(got)
            used |= rows
            if not got:
                break
            found_table = True
            j = max(rows) + 1  # names may go on after a table ("Sumeet | MG" then "Albert")
            first = False
            continue
        if found_table and nb.kind != "list_item":
            break
        if _fragment(nb.text):  # "(Esperanto" / "Technologies)": an affiliation on its own line
            j += 1
            continue
        if first and _COUNT_LINE.match(nb.text) and nb.kind in ("heading", "paragraph"):
            j += 1  # "4 out of 5", "(12)": a head count before the names
            continue
        if checklist and nb.kind == "list_item" and _BOX.match(nb.text):
            box = _BOX.match(nb.text)
            target = ab if box.group(1).strip() else unticked
            add_names(target, nb.text[box.end():], nb.start + box.end(), j, nb.page)
            used.add(j)
            j += 1
            first = False
            continue
        if nb.kind == "heading" and not (b.kind == "list_item" and nb.level and nb.level > 3) \
                and not (nb.style == "layout" and _person_line(nb.text)):
            break  # (a short line a reader took for a heading may still be a person: "Cllr I Mack")
        if nb.style == "margin":  # a lead's initials beside an agenda item, not a name list
            j += 1
            continue
        if first and INITIALS.match(nb.text.strip()) and nb.text.strip().isupper() and j + 1 < len(blocks) \
                and looks_like_names(blocks[j + 1].text):
            j += 1  # the item's lead ("MW") before the list
            continue
        if nb.kind in ("list_item", "paragraph", "heading"):
            if _sentence_first(nb.text) or attendance_role(nb.text.rstrip(":"), bare=True):
                break  # "Apologies were received from ..." (a sentence), "Commissioners Absent" (a label)
            sm = _LABEL_SPLIT.match(nb.text)
            if sm and (attendance_role(sm.group("label")) or office_label(sm.group("label"))):
                break
            if sm and role == "present" and not other_label(sm.group("label")) and ":" in nb.text[:60] \
                    and looks_like_names(sm.group("value")):
                # "Council: A, B" under "Attendance": a group of members
                _add_one(ab, nb, sm.start("value"), sm.group("value"), j)
                used.add(j)
                j += 1
                first = False
                continue
            if looks_like_names(nb.text) and not nb.text.rstrip().endswith(":"):
                if nb.kind == "list_item" and affiliated:
                    head, _, tail = nb.text.partition(",")
                    before = len(ab.entries)
                    _add_one(ab, nb, 0, head, j)
                    for e in ab.entries[before:]:
                        e.note = "; ".join(x for x in (e.note, tail.strip()) if x)
                else:
                    _add_one(ab, nb, 0, nb.text, j)
                used.add(j)
                j += 1
                first = False
                continue
        break
    if ab.entries:
        out.append(ab)
        if role == "present" and unticked.entries:
            out.append(unticked)
    return bool(ab.entries) or found_table


def _affiliation_list(blocks: list[Block], j: int) -> bool:
    """'- Jane Doe, Acme Corp' on each line: one person a line, with the organisation after a comma."""
    items = []
    while j < len(blocks) and blocks[j].kind == "list_item" and len(items) < 40:
        items.append(blocks[j].text)
        j += 1
    if len(items) < 2:
        return False
    fit = 0
    for t in items:
        head, comma, tail = t.partition(",")
        name = clean(head)[0]
        if comma and "," not in tail and len(name.split()) >= 2 and namey(name) and 0 < len(tail.split()) <= 5:
            fit += 1
    return fit >= 0.6 * len(items)


_BOX = re.compile(r"^\s*\[([ xX✓✔])\]\s*")
_COUNT_LINE = re.compile(r"^\(?\s*\d{1,3}\s*(?:(?:out )?of|/)\s*\d{1,3}\s*\)?(?:\s+(?:present|attending|attended))?$|"
                         r"^\(\d{1,3}\)$", re.IGNORECASE)
_PERSON_TITLE = re.compile(r"^(?:Cllr|Councillor|Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Rev|Revd|Sir|Dame|Lady|Lord|"
                           r"Trustee|Commissioner|Director|Governor|Mayor)\.?\s+[A-Z]")


def _person_line(text: str) -> bool:
    """A line that names people by title ('Cllr I Mack') or lists several names."""
    items = split_items(text)
    return bool(_PERSON_TITLE.match(text.strip())) or (len(items) >= 2 and looks_like_names(text))


def _add_one(ab: AttendanceBlock, nb: Block, offset: int, text: str, j: int) -> None:
    add_names(ab, text, nb.start + offset, j, nb.page)


def _fragment(text: str) -> bool:
    t = text.strip()
    return bool(t) and len(t) < 60 and ((t.startswith("(") and ")" not in t[:-1]) or (t.endswith(")") and "(" not in t)
                                        or (t.startswith("(") and t.endswith(")")))


# ----------------------------------------------------------------------------------- sentences

_ABBREV_DOT = re.compile(r"\b(Cllrs|Cllr|Dr|Mr|Mrs|Ms|Mx|Rev|Revd|Prof|St|[A-Z])\.(?=\s*[A-Z])")


def _sentence_forms(out: list[AttendanceBlock], text: str, b: Block, i: int, offset: int = 0,
                    roles: tuple[str, ...] | None = None) -> None:
    # the full stop of "Cllrs." or "J." does not end the sentence (same length: spans stay right)
    guarded = _ABBREV_DOT.sub(lambda m: m.group(1) + "\u2024", text)
    for rx, srole in _SENTENCE_FORMS:
        if roles is not None and srole not in roles:
            continue
        for sm in rx.finditer(guarded):
            if _SUBORDINATE.search(text[:sm.start()][-30:]) and srole in ("absent", "guests"):
                continue  # "As CH was not present, ..."
            names = trim_tail(text[sm.start("names"):sm.end("names")])
            start = sm.start("names")
            lead = _LEAD_WORDS.match(names)
            if lead:
                if _SUBORDINATE.search(lead.group(0) + " ") and srole in ("absent", "guests"):
                    continue
                names, start = names[lead.end():], start + lead.end()
            ab = AttendanceBlock(srole, "(sentence)", i)
            add_names(ab, names, b.start + offset + start, i, b.page)
            if srole == "chair":
                ab.entries = ab.entries[:1]
            if ab.entries:
                out.append(ab)


# ----------------------------------------------------------------------------------- public comment

def _ends_item(b: Block, public: tuple[str, int | None, bool]) -> bool:
    kind, level, bold = public
    if b.kind == "heading" or (b.bold and not bold and len(b.text.split()) <= 10) \
            or (b.text.isupper() and len(b.text) < 80):
        return True
    if b.kind == "list_item" and kind == "list_item" and (b.level or 0) <= (level or 0):
        return True
    return bool(re.match(r"^\(?\d{1,2}[.)]\s", b.text)) or b.kind == "table_row"


def _speaker(out: list[AttendanceBlock], b: Block, i: int) -> None:
    m = _SPEAKER.match(b.text)
    if not m or _NOT_SPEAKER.match(m.group("name")):
        return
    name, _, _ = clean(m.group("name"))
    if not namey(name):
        return
    ab = AttendanceBlock("guests", "(public comment)", i)
    ab.entries.append(AttendanceEntry(name, "guests", b.start, b.start + len(name), i, b.page, "member of the public"))
    out.append(ab)
