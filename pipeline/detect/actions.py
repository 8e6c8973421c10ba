"""Action items: who must do what by when.

Four sources, most explicit first:

1. action tables, whatever the column order ("Agreed approach | Person taking this on | Deadline",
   "Owner | Action | Due", "Action items | Person responsible | Deadline", "Action | Who | When"),
   including a table whose header is misaligned with its rows (the column of names is the owner
   column), an "Items | Action" table whose Action column holds initials, and a table that a text
   extraction flattened into lines (a bare "Date" column is when an action was raised, not its due);
2. markers: "ACTION: ...", "ACTION MW: ...", "ACTION 5.1: ...", "ACTION(magda): ...",
   "- [ ] @alice to ...", "... Action: MS" at the end of a paragraph, "Action:" on its own line
   with the task below ("Take photos for display. (TF)"), an owner-only line under an item
   ("ACTION: AHop/MS", or bare initials in an "Items | Action" layout), an Action column beside a
   paragraph; a ticked checkbox with no owner outside an action section is an agenda item, not an
   action; "- Will ..." under "(AB) topic" is AB's;
3. items of an action section ("Actions", "Action list from meeting ...", "Tasks for the next
   week"), with person-name sub-headings and "Person involved: ..." lines giving owners;
4. prose (implicit, ``explicit=False``): "X agreed to ...", "X will ...", "X to ...", "X was asked
   to ...", "X is to ...", "asked that X ...", "It was agreed to ...", "... will be forwarded to
   Highways" (no owner: we abstain).

Owners are kept as written ("Lizzie", "NS", "the Clerk"); a person named nowhere gets ``owner=[]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from pipeline.core.document import CELL_SEPARATOR, Block, Document
from pipeline.core.names import CAP
from pipeline.core.tasks import same_task
from pipeline.detect.owners import OWNER_GROUPS, is_office_group, is_owner_phrase, is_role, owner_like, split_owners

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.detect.parsed import ParsedDocument
    from pipeline.structure.structure import Structure

# ------------------------------------------------------------------------------------ vocabulary

# "Tasks for the coming week", "Tasks that will be worked on" (not "Tasks worked on in the past week")
_TASKS_AHEAD = r"tasks? (?:for|to be|that will|planned|due)\b[\w\s]*"
_TASK_HEAD = re.compile(r"^(actions?( items?| points?| agreed| required| to be taken| descriptions?| details)?|actionables?|tasks?|"
                        rf"{_TASKS_AHEAD}|agreed (approach|actions?)|next steps?|"
                        r"what|description|details|to ?do|action/decision|items?|issues?|deliverables?|activit(y|ies)|"
                        r"follow[- ]ups?)\W*$", re.IGNORECASE)
_OWNER_HEAD = re.compile(r"^(owners?|who|by whom|persons?( taking this on| responsible| involved| in charge)?|responsib(le|ility)"
                         r"( persons?| party)?|lead|assigned( to)?|assignees?|action (by|owner)|names?|people|members?|pic|"
                         r"who'?s responsible|initials|(?:lead|responsible) (?:officers?|persons?|members?|body)|led by|actioned by|"
                         r"action(?:ed)? by whom|assigned (?:person|member)s?)\W*$", re.IGNORECASE)
# a bare "Date" column is ambiguous (the date an action was raised, or its deadline): not read as due
_DUE_HEAD = re.compile(r"^(deadline|due( date| by)?|by when|when|date due|target( date)?|timescales?|timeline|by|"
                       r"completion date|complete by|to be completed by)\W*$", re.IGNORECASE)
_STATUS_HEAD = re.compile(r"^(status|progress|done|complete[d]?|update|outcome)\W*$", re.IGNORECASE)
_ACTION_COLUMN = re.compile(r"^actions?\W*$", re.IGNORECASE)

_ACTION_SECTION = re.compile(r"^(?:(?:new|outstanding|open|agreed|previous|summary of|list of|review of|upcoming|"
                             r"pending|remaining|future)\s+)?"
                             r"(actions?|action (?:items?|points?|list|log|register|tracker)|actions? agreed|"
                             r"agreed actions|tasks?(?: and roles)?|to[- ]?dos?|next steps?|follow[- ]ups?|"
                             r"(?:[A-Z][a-z]+\s+)?(?:work|job|task|to[- ]?do)\s+list)"
                             # a qualifier: "Action list from meeting 14-3-16", "Tasks for the next week",
                             # "Actions arising", "Action items (carried forward)"
                             r"(?:\s*(?:[(:–—-]|\b(?:from|for|of|arising|carried|agreed|during|due|to be|"
                             r"outstanding|required|to do|by)\b)[^.!?]{0,60})?\W*$", re.IGNORECASE)


def is_action_heading(heading: str) -> bool:
    """'Actions', 'Action items', 'Next steps', 'Action log': a section that lists actions."""
    return bool(_ACTION_SECTION.match(heading.strip()))


_MARKER = re.compile(
    r"^\W{0,4}(?:action(?:s| point| item)?(?:\s+\d{1,3}(?:\.\d{1,3})*)?|to ?do)\b"
    r"(?:\s*\((?P<paren>[^)]{1,40})\))?"
    r"(?P<who>(?:\s+(?:[A-Z][A-Za-z]{0,3}|@[\w-]+)(?:\s*[/,&]\s*(?:[A-Z][A-Za-z]{0,3}|@[\w-]+))*))?"
    r"\s*(?::|\s[-–—]\s|\*\*:?)\s*\**\s*(?P<task>\S.*)$",
    re.IGNORECASE)
_NAME = rf"[{CAP}][\w'’.-]*(?:\s+[{CAP}][\w'’.-]*){{0,2}}"
# "... needs updating. Action: MS", "...; action Tom Brown.", "(Action: JS/MS)" at the end of a paragraph
_TRAILING_MARKER = re.compile(r"(?:^|[.;]\s+|\s[-–—]\s|\()\**\s*(?i:action)(?:\s*(?i:by|:))?\s*[:\-–]?\s*\**\s*"
                              rf"(?P<who>{_NAME}(?:\s*(?:[/,&]|and)\s*{_NAME})*)\s*\**\s*\)?\s*\.?$")
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\]\s*(?P<task>.+)$")
_STATUS_LINE = re.compile(r"^(?:action\s+)?(?P<status>in progress|carried forwards?|complete[d]?|done|cancell?ed|closed|"
                          r"ongoing|open|deferred|superseded|new)\.?$", re.IGNORECASE)
_ARROW = re.compile(r"^(?P<what>[^>]{1,60}?)\s*(?:->|→|=>)\s*(?P<rest>.+)$")
_NUM_PREFIX = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})+[.)]?|\d{1,2}[.)]|[a-z][.)]|\(?[ivx]{1,4}\))\s+")
_URL = re.compile(r"^\s*(https?://|www\.)\S+\s*$")

# verbs that do not make an action of "X will ..." ("X will be pleased", "it will have")
_STATIVE = {"be", "have", "need", "want", "like", "know", "seem", "remain", "mean", "depend", "appear", "feel",
            "hope", "love", "hate", "prefer", "cost", "allow", "include", "require", "become", "get"}
_COMMIT_VERBS = {"agree", "undertake", "volunteer", "offer", "promise", "commit", "ask", "task", "request", "charge",
                 "delegate", "nominate", "appoint", "elect", "assign", "invite", "instruct", "plan", "intend"}
# "The Board agreed to accept the application": a decision, not something left to do
_DECIDE_VERBS = {"accept", "approve", "adopt", "endorse", "ratify", "note", "receive", "grant", "allow", "support",
                 "agree", "reject", "decline", "confirm", "appoint", "elect", "defer", "postpone", "award"}
_EVENT_NOUNS = {"meeting", "event", "session", "call", "agm", "egm", "conference", "fair", "festival", "party",
                "celebration", "ceremony", "workshop", "webinar", "election", "vote", "anniversary"}
_SPEECH = {"say", "ask", "note", "report", "suggest", "propose", "highlight", "point", "thank", "welcome", "explain",
           "confirm", "mention", "state", "conclude", "feel", "think", "believe", "comment", "add", "reply", "respond"}


@dataclass
class ActionFound:
    task: str
    owner: list[str]
    explicit: bool
    source: str  # table | marker | section | prose
    start: int
    end: int
    block: int
    due_text: str | None = None
    due: str | None = None
    status: str | None = None
    confidence: float = 0.9
    section: str | None = None
    owner_spans: list[tuple[int, int]] = field(default_factory=list)
    covers: tuple[int, ...] = ()  # blocks this action's source spans (a flattened table's lines)
    refine: bool = False  # the task is a whole paragraph beside an Action-column entry: narrow it from the prose


# ------------------------------------------------------------------------------------------ tables

def _head_norm(c: str) -> str:
    """'Person(s) Responsible' -> 'Persons Responsible', '#', 'No.' and '*' dropped, spaces collapsed."""
    c = re.sub(r"\(s\)", "s", c.strip().strip("*_"))
    return " ".join(c.split())


def _classify_header(cells: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for k, c in enumerate(cells):
        c = _head_norm(c)
        if not c:
            continue
        for name, rx in (("owner", _OWNER_HEAD), ("due", _DUE_HEAD), ("status", _STATUS_HEAD), ("task", _TASK_HEAD)):
            if name not in cols and rx.match(c):
                cols[name] = k
                break
    return cols


def _column(rows: list[Block], k: int) -> list[str]:
    return [(r.cells[k].text if r.cells and k < len(r.cells) else "") for r in rows]


def _name_share(values: list[str], known: Callable[[str], bool] | None) -> float:
    vals = [v for v in values if v]
    if not vals:
        return 0.0
    return sum(1 for v in vals if is_owner_phrase(v, known) and len(v.split()) <= 6) / len(vals)


def table_actions(doc: Document, *, section_of: Callable[[int], str | None], due_of: Callable[[str], tuple],
                  known: Callable[[str], bool] | None = None) -> list[ActionFound]:
    out: list[ActionFound] = []
    block_index = {id(b): i for i, b in enumerate(doc.blocks)}
    for _, rows in sorted(doc.tables().items()):
        # a header row may also sit mid-table (a second agenda item's action table in a form)
        segments = _split_on_headers(rows)
        for head, body in segments:
            cols = _classify_header(head.cell_texts()) if head is not None else {}
            filled = [c for c in head.cell_texts() if c] if head is not None else []
            if len(filled) == 1 and _ACTION_COLUMN.match(filled[0]) and len(head.cell_texts()) >= 2:
                # an "Action" column beside unlabelled text: the column holds who acts
                k = next(i for i, c in enumerate(head.cell_texts()) if _ACTION_COLUMN.match(c))
                text_col = next((i for i, c in enumerate(head.cell_texts()) if i != k), None)
                if text_col is None:
                    continue
                for r in body:
                    who = _column([r], k)[0]
                    text = _column([r], text_col)[0]
                    if not who or not text or not is_owner_phrase(who, known):
                        continue
                    cell = r.cells[text_col]
                    task, ts, te = _action_sentence(text)
                    act = ActionFound(task=task, owner=split_owners(who), explicit=True, source="table",
                                      start=cell.start + ts, end=cell.start + te, block=block_index[id(r)],
                                      confidence=0.8, section=section_of(block_index[id(r)]), refine=True)
                    due = due_of(text)
                    act.due, act.due_text = due[0], due[1]
                    out.append(act)
                continue
            if "task" in cols and not ({"owner", "due"} & cols.keys()):
                # "Items | Action": an Action column that holds who acts beside the column of items
                cells = head.cell_texts()
                named = [k for k, c in enumerate(cells) if _TASK_HEAD.match(c.strip())
                         and _name_share(_column(body, k), known) >= 0.6]
                other = [k for k, c in enumerate(cells) if c.strip() and k not in named]
                if len(named) != 1 or not other:
                    continue
                longest = max(other, key=lambda k: sum(len(v) for v in _column(body, k)))
                cols = {"task": longest, "owner": named[0], "owner_only": 1}
            if "task" not in cols or not ({"owner", "due"} & cols.keys()):
                continue
            tcol, ocol = cols["task"], cols.get("owner")
            # "Tasks for the coming week": the task column's heading may give the deadline of every row
            head_cells = head.cell_texts()
            head_due = due_of(head_cells[tcol]) if "due" not in cols and tcol < len(head_cells) \
                and len(head_cells[tcol].split()) > 2 else (None, None)
            # a header misaligned with its rows: the column full of names is the owner column
            if ocol is not None and _name_share(_column(body, tcol), known) > 0.7 \
                    and _name_share(_column(body, ocol), known) < 0.3:
                tcol, ocol = ocol, tcol
            for r in body:
                texts = r.cell_texts()
                task = _NUM_PREFIX.sub("", texts[tcol]).strip() if tcol < len(texts) else ""
                if not task:
                    continue
                who = texts[ocol] if ocol is not None and ocol < len(texts) else ""
                if "owner_only" in cols and not who.strip():
                    continue  # an item with nobody in its Action column records, it assigns nothing
                due_cell = texts[cols["due"]] if "due" in cols and cols["due"] < len(texts) else ""
                status = texts[cols["status"]] if "status" in cols and cols["status"] < len(texts) else None
                cell = r.cells[tcol]
                act = ActionFound(task=task, owner=split_owners(who), explicit=True, source="table",
                                  start=cell.start, end=cell.end, block=block_index[id(r)], confidence=0.95,
                                  status=(status or None), section=section_of(block_index[id(r)]))
                if due_cell:
                    d = due_of(due_cell)
                    act.due, act.due_text = d[0], d[1] or due_cell
                elif head_due[0] is not None:
                    act.due, act.due_text = head_due
                out.append(act)
    return out


# a form's label row ("Date | 14/08", "Attendees | ...") ends the action rows above it (the next
# meeting of a file that keeps every meeting in one table)
_FORM_LABEL = re.compile(r"^\W*(date|time|place|location|venue|attendees|attendance|present|apologies|agenda|chair|"
                         r"minutes|meeting)\W*$", re.IGNORECASE)


def _split_on_headers(rows: list[Block]) -> list[tuple[Block | None, list[Block]]]:
    out: list[tuple[Block | None, list[Block]]] = []
    head: Block | None = None
    body: list[Block] = []
    for r in rows:
        first = next((c for c in r.cell_texts() if c.strip()), "")
        if head is not None and _FORM_LABEL.match(first):
            out.append((head, body))
            head, body = None, []
            continue
        cols = _classify_header(r.cell_texts())
        filled = [c.strip() for c in r.cell_texts() if c.strip()]
        all_heads = len(filled) >= 2 and all(any(rx.match(_head_norm(c)) for rx in (_TASK_HEAD, _OWNER_HEAD, _DUE_HEAD,
                                                                                   _STATUS_HEAD)) for c in filled)
        is_head = r.header or ("task" in cols and ({"owner", "due"} & cols.keys())) or all_heads or \
            (any(_ACTION_COLUMN.match(c) for c in r.cell_texts()) and sum(1 for c in r.cell_texts() if c) == 1
             and len(r.cell_texts()) >= 2 and not _ACTION_COLUMN.match(r.cell_texts()[0]))
        if is_head:
            if head is not None or body:
                out.append((head, body))
            head, body = r, []
        else:
            body.append(r)
    out.append((head, body))
    return [(h, b) for h, b in out if h is not None and b]


def _action_sentence(text: str) -> tuple[str, int, int]:
    """The sentence of a paragraph that states the action (one with 'will'/'to' + verb), else all."""
    sents = [(m.start(), m.end()) for m in re.finditer(r"[^.!?]+(?:[.!?]+|$)", text)]
    best = None
    for s, e in sents:
        if re.search(r"\b(will|to|shall|agreed|asked|must|needs? to)\b", text[s:e], re.IGNORECASE):
            best = (s, e)
    if best is None:
        return text, 0, len(text)
    s, e = best
    while s < e and text[s].isspace():
        s += 1
    return text[s:e].strip(), s, e


# ------------------------------------------------------------------------------- flattened tables

def flattened_table_actions(doc: Document, st: "Structure", *, due_of: Callable[[str], tuple],
                            is_due: Callable[[str], bool], known: Callable[[str], bool] | None = None
                            ) -> list[ActionFound]:
    """An action table that text extraction flattened into lines: a header whose words name the
    columns ('Agreed approach Person taking this on' 'Deadline'), then for each row a numbered task,
    the owner's name lines and a deadline line."""
    out: list[ActionFound] = []
    blocks = doc.blocks
    for s in st.sections:
        if not _ACTION_SECTION.match(s.heading):
            continue
        idx = []
        for i in range(s.block + 1, len(blocks)):
            b = blocks[i]
            if b.kind == "heading" and not (_OWNER_HEAD.match(b.text) or _DUE_HEAD.match(b.text)
                                            or _TASK_HEAD.match(b.text)):
                break
            if b.kind != "table_row":
                idx.append(i)
        if len(idx) < 3:
            continue
        head_text = " ".join(blocks[i].text for i in idx[:3]).lower()
        kinds = sum(1 for rx in (r"\b(action|agreed approach|task|what)\b", r"\b(person|owner|who|responsible|lead)\b",
                                 r"\b(deadline|due|by when|date)\b") if re.search(rx, head_text))
        if kinds < 2:
            continue
        rows: list[list[int]] = []
        for i in idx:
            if re.match(r"^\s*\d{1,2}[.)]\s+\S", blocks[i].text):
                rows.append([i])
            elif rows:
                rows[-1].append(i)
        for row in rows:
            parts = [i for i in row if not _URL.match(blocks[i].text)]
            due_at = next((k for k, i in enumerate(parts) if k and is_due(blocks[i].text)), None)
            if due_at is None:
                continue
            before = parts[:due_at]
            owner_at = len(before)
            while owner_at - 1 >= 1 and is_owner_phrase(blocks[before[owner_at - 1]].text, known):
                owner_at -= 1
            # after the deadline: the task's wrapped lines continue (lower case); a fragment of a few
            # words is the owner cell's wrapped tail ("questions around"), not the task
            task_blocks = before[:owner_at] + [i for i in parts[due_at + 1:]
                                               if blocks[i].text[:1].islower() and len(blocks[i].text.split()) > 3]
            owner_text = " ".join(blocks[i].text for i in before[owner_at:])
            task = _NUM_PREFIX.sub("", " ".join(blocks[i].text for i in task_blocks)).strip()
            due_cell = blocks[parts[due_at]].text
            d = due_of(due_cell)
            first = blocks[row[0]]
            out.append(ActionFound(task=task, owner=split_owners(owner_text), explicit=True, source="table",
                                   start=first.start, end=blocks[before[owner_at - 1]].end if owner_at else first.end,
                                   block=row[0], due=d[0], due_text=d[1] or due_cell, confidence=0.8,
                                   section=s.heading, covers=tuple(idx)))
    return out


# ----------------------------------------------------------------------------------------- markers

# "Action:" alone on its line (the task follows on the next line)
_BARE_MARKER = re.compile(r"^\W{0,4}actions?(?: required| agreed)?\s*:\W{0,4}$", re.IGNORECASE)
# "(AB) Topic of an agenda item": the initials of whoever brought it
_SPEAKER_TAG = re.compile(r"^\s*\((?P<who>[A-Z][A-Za-z]{1,4}(?:\s*[+/,&]\s*[A-Z][A-Za-z]{1,4})*)\)\s+\S")
# a subject-less commitment under such an item: "Will submit a vote call today."
_SUBJECTLESS = re.compile(r"^(?:will|to|shall)\s+(?P<task>[a-z]\w+\b.*)$", re.IGNORECASE)


def marker_actions(doc: Document, *, section_of: Callable[[int], str | None], due_of: Callable[[str], tuple],
                   known: Callable[[str], bool] | None = None,
                   action_blocks: set[int] = frozenset()) -> list[ActionFound]:
    """Explicit markers. ``action_blocks`` are the blocks of action sections (where every checkbox
    is a task; elsewhere a ticked checkbox without an owner is an agenda item, not an action)."""
    out: list[ActionFound] = []
    blocks = doc.blocks
    for i, b in enumerate(blocks):
        if b.kind == "table_row":
            continue
        text = b.text
        if _BARE_MARKER.match(text):
            # "Action:" then the task on the following line(s)
            j = i + 1
            if j < len(blocks) and blocks[j].kind in ("paragraph", "list_item") and not _MARKER.match(blocks[j].text) \
                    and not _BARE_MARKER.match(blocks[j].text):
                nb = blocks[j]
                task = _NUM_PREFIX.sub("", nb.text).strip()
                owners, task = _owner_from_task(task, known)
                act = ActionFound(task=task, owner=owners, explicit=True, source="marker", start=nb.start, end=nb.end,
                                  block=j, confidence=0.9, section=section_of(j), covers=(i, j))
                act.due, act.due_text = due_of(task)
                out.append(act)
            continue
        m = _MARKER.match(text)
        if m and not _STATUS_LINE.match(text):
            task = m.group("task").strip().strip("*").strip()
            who = (m.group("paren") or "") + " " + (m.group("who") or "")
            owners = split_owners(who.strip())
            task_start = b.start + m.start("task")
            if not owners and _owner_line(task, known):
                # "ACTION: AHop/MS" under an item: the owners of what the item above says
                act = _assign_previous(doc, i, split_owners(task), section_of=section_of, due_of=due_of)
                if act is not None:
                    out.append(act)
                continue
            if not owners:
                owners, task = _owner_from_task(task, known)
            act = ActionFound(task=task, owner=owners, explicit=True, source="marker", start=task_start, end=b.end,
                              block=i, confidence=0.95, section=section_of(i))
            d = due_of(task)
            act.due, act.due_text = d[0], d[1]
            act.status = _child_status(blocks, i)
            out.append(act)
            continue
        cb = _CHECKBOX.match(text)
        if cb:
            task = cb.group("task").strip()
            owners, task2 = _owner_from_task(task, known)
            ticked = cb.group("mark") in "xX"
            if not owners and i not in action_blocks and (ticked or _under_ticked(blocks, i)):
                continue  # "- [x] (AB) topic": an agenda item ticked off, not an action
            act = ActionFound(task=task2, owner=owners, explicit=True, source="marker",
                              start=b.start + cb.start("task"), end=b.end, block=i, confidence=0.9,
                              status="complete" if ticked else "open", section=section_of(i))
            d = due_of(task)
            act.due, act.due_text = d[0], d[1]
            out.append(act)
            continue
        tm = _TRAILING_MARKER.search(text)
        if tm and tm.start() > 0 and is_owner_phrase(tm.group("who"), known):
            body = text[:tm.start()].strip()
            task, ts, te = _action_sentence(body)
            act = ActionFound(task=task, owner=split_owners(tm.group("who")), explicit=True, source="marker",
                              start=b.start + ts, end=b.start + te, block=i, confidence=0.85, section=section_of(i))
            d = due_of(task)
            act.due, act.due_text = d[0], d[1]
            out.append(act)
            continue
        sl = _SUBJECTLESS.match(text) if b.kind == "list_item" else None
        if sl:
            act = _speaker_commitment(blocks, i, sl, section_of=section_of, due_of=due_of)
            if act is not None:
                out.append(act)
    return out


def _under_ticked(blocks: list[Block], i: int) -> bool:
    """Whether list item ``i`` is a sub-item of a ticked checkbox."""
    lvl = blocks[i].level or 0
    for j in range(i - 1, -1, -1):
        b = blocks[j]
        if b.kind != "list_item":
            return False
        if (b.level or 0) < lvl:
            m = _CHECKBOX.match(b.text)
            return bool(m and m.group("mark") in "xX")
    return False


def _speaker_commitment(blocks: list[Block], i: int, m: re.Match, *, section_of, due_of) -> ActionFound | None:
    """'- (DPC) Fiscal sponsorship application ...' with the sub-item '- Will submit a vote call today':
    the person who brought the item commits to the step."""
    b = blocks[i]
    lvl = b.level or 0
    if lvl == 0:
        return None
    parent = None
    for j in range(i - 1, -1, -1):
        if blocks[j].kind != "list_item":
            break
        if (blocks[j].level or 0) < lvl:
            parent = blocks[j]
            break
    if parent is None:
        return None
    ptext = _CHECKBOX.sub(lambda x: x.group("task"), parent.text)
    tag = _SPEAKER_TAG.match(ptext)
    if not tag:
        return None
    verb = m.group("task").split()[0].lower()
    if verb in _STATIVE or verb in ("be", "not"):
        return None
    task = m.group("task").strip()
    act = ActionFound(task=task, owner=split_owners(tag.group("who")), explicit=False, source="prose",
                      start=b.start + m.start("task"), end=b.end, block=i, confidence=0.6, section=section_of(i))
    act.due, act.due_text = due_of(task)
    return act


def _owner_line(text: str, known: Callable[[str], bool] | None) -> bool:
    """'AHop/MS', 'Trustees', 'KC/GD/IK': a line that only names who acts."""
    t = text.strip(" .:*_")
    if not t or len(t.split()) > 6 or len(t) > 50:
        return False
    return is_owner_phrase(t, known) and not _TO_VERB_RX.search(t)


_TO_VERB_RX = re.compile(r"\s(?:to|will|shall)\s+[a-z]")


def _assign_previous(doc: Document, i: int, owners: list[str], *, section_of, due_of,
                     explicit: bool = True) -> ActionFound | None:
    """An owner line below an item: the action is what the item above says. Among the blocks of the
    item (back to the previous heading or owner line), the last that names one of the owners, else
    the nearest."""
    blocks = doc.blocks
    cands: list[int] = []
    for j in range(i - 1, max(-1, i - 8), -1):
        b = blocks[j]
        if b.kind == "heading" and not _MARKER.match(b.text):
            break
        if b.kind == "table_row" or _MARKER.match(b.text) or _BARE_MARKER.match(b.text):
            break
        if len(b.text.split()) < 3:
            if cands:
                break
            continue
        if _TRAILING_INITIALS.search(b.text) and cands:
            break  # an item with its own owners at its end
        cands.append(j)
        if b.kind == "list_item" and re.match(r"^\s*\d+(?:\.\d+)*[.)]?\s", b.text) and (b.level or 0) == 0 \
                and len(cands) > 1:
            break
    if not cands:
        return None
    keys = [o.lower() for o in owners]

    def names(j: int) -> bool:
        words = {w.lower() for w in re.findall(r"[\w'’-]+", blocks[j].text)}
        return any(k in words for k in keys)

    j = next((c for c in cands if names(c)), cands[0])
    b = blocks[j]
    text = _NUM_PREFIX.sub("", b.text).strip()
    off = max(0, b.text.find(text))
    act = ActionFound(task=text, owner=owners, explicit=explicit, source="marker", start=b.start + off,
                      end=b.end, block=j, confidence=0.8, section=section_of(j), refine=True, covers=(i,))
    act.due, act.due_text = due_of(text)
    return act


_COLUMN_LABEL = re.compile(r"^\W*(?:actions?|action by|who|owners?|by whom|responsible)\W*$", re.IGNORECASE)
_TRAILING_INITIALS = re.compile(r"[.!?)]\s+(?P<who>[A-Z][A-Za-z]{1,3}(?:\s*/\s*[A-Z][A-Za-z]{1,3})*)\s*$")


def _initials_line(text: str, known: Callable[[str], bool]) -> list[str]:
    """'KC/GD/IK', 'HL': a line of nothing but the initials (or first names) of people who act."""
    t = text.strip(" .*_")
    if not t or len(t) > 40 or len(t.split()) > 4 or re.search(r"[()\[\]:]", t):
        return []
    parts = split_owners(t)
    if parts and all(re.fullmatch(r"[A-Z]{2,3}", p) or (known(p) and re.fullmatch(r"[A-Z][A-Za-z]{1,3}|[A-Z][a-z]+", p))
                     for p in parts):
        return parts
    return []


def owner_line_actions(doc: Document, *, section_of: Callable[[int], str | None], due_of: Callable[[str], tuple],
                       known: Callable[[str], bool] | None = None) -> list[ActionFound]:
    """Minutes laid out as 'Items | Action' with the Action column holding who acts, flattened by the
    text extraction: each item is followed by a line of initials ("KC/GD"), or ends with them
    ("... in good time. KC/DN"). Taken only where the document shows the layout: owner lines that
    alternate with items (a list of names is attendance, not this) and a column label ("Action",
    "Who") on its own line."""
    if known is None:
        return []
    blocks = doc.blocks
    flagged = {i: got for i, b in enumerate(blocks) if b.kind in ("paragraph", "list_item")
               for got in [_initials_line(b.text, known)] if got}
    lines = [(i, got) for i, got in flagged.items() if i - 1 not in flagged and i + 1 not in flagged
             and i > 0 and len(blocks[i - 1].text.split()) >= 4]
    label = any(_COLUMN_LABEL.match(b.text) for b in blocks[:len(blocks) // 2 + 1] if b.kind != "table_row")
    if not lines or not label:
        return []  # initials in the margin without an "Action" column label are usually speakers
    out: list[ActionFound] = []
    for i, owners in lines:
        act = _assign_previous(doc, i, owners, section_of=section_of, due_of=due_of)
        if act is not None:
            out.append(act)
    for i, b in enumerate(blocks):
        if b.kind not in ("paragraph", "list_item") or len(b.text.split()) < 5:
            continue
        m = _TRAILING_INITIALS.search(b.text)
        if not m:
            continue
        parts = _initials_line(m.group("who"), known)
        if not parts:
            continue
        task = _NUM_PREFIX.sub("", b.text[:m.start() + 1]).strip()
        act = ActionFound(task=task, owner=parts, explicit=True, source="marker", start=b.start, end=b.end, block=i,
                          confidence=0.75, section=section_of(i), refine=True)
        act.due, act.due_text = due_of(task)
        out.append(act)
    return out


def _child_status(blocks: list[Block], i: int) -> str | None:
    """'Action carried forwards' as a sub-item of an action gives its status."""
    b = blocks[i]
    j = i + 1
    while j < len(blocks) and blocks[j].kind == "list_item" and (blocks[j].level or 0) > (b.level or 0):
        m = _STATUS_LINE.match(blocks[j].text.strip())
        if m and (blocks[j].level or 0) == (b.level or 0) + 1:
            st = m.group("status").lower()
            return {"carried forwards": "carried forward", "completed": "complete", "cancelled": "cancelled",
                    "canceled": "cancelled", "done": "complete"}.get(st, st)
        j += 1
    return None


_OWNER_COLON = re.compile(rf"^(?P<who>@?[{CAP}@][\w'’.@-]*(?:\s+[{CAP}][\w'’.-]*){{0,3}}(?:\s*(?:,|&|and|/|\+)\s*(?:others?\b|@?[{CAP}@][\w'’.-]*"
                          rf"(?:\s+[{CAP}][\w'’.-]*){{0,3}}))*)\s*(?::|\s[-–—]\s)\s*(?P<task>\S.*)$")
# capitalised words that start "X to ..." sentences without naming anyone ("Useful to show ...")
_NOT_OWNER_WORDS = {"useful", "need", "needs", "plan", "plans", "time", "nice", "good", "important", "hard", "easy",
                    "decided", "agreed", "going", "want", "wants", "able", "unable", "happy", "ready", "difficult",
                    "possible", "necessary", "best", "better", "remember", "reminder", "note", "how", "what", "where",
                    "when", "why", "who", "continue", "try", "nothing", "something", "everything", "motion", "proposal"}
_OWNER_TO = re.compile(rf"^(?P<who>(?:[Aa]ll (?:directors|members|trustees|councillors|team members)|[Ee]veryone)|(?:the\s+)?@?[{CAP}@][\w'’.@-]*(?:\s+[{CAP}][\w'’.-]*){{0,3}}(?:\s*(?:,|&|and|/)\s*(?:the\s+)?"
                       rf"@?[{CAP}@][\w'’.-]*(?:\s+[{CAP}][\w'’.-]*){{0,3}})*)\s+(?:to|will|is to|are to|agreed to)\s+"
                       r"(?P<task>[a-z].*)$")
# an account name in lower case before the verb ("ehuss will follow up ..."): only when it names an attendee
_HANDLE_TO = re.compile(r"^@?(?P<who>[a-z][a-z0-9_-]{2,24})\s+(?:to|will)\s+(?P<task>[a-z].*)$")
_OWNER_PAREN = re.compile(rf"^(?P<task>.+?)\s*[\(\[](?:owner:?\s*)?(?P<who>@?[{CAP}@][\w'’.@ /,&+-]{{0,60}}?)[\)\]]\s*\.?$")
# "For next session: Silona - brief the group ...": a deadline put first
_DUE_FIRST = re.compile(r"^(?P<due>(?:for|by|before|until)\s+(?:the\s+)?(?:next|following)\s+[\w-]+(?:\s+[\w-]+)?)\s*:\s*"
                        r"(?P<rest>\S.*)$", re.IGNORECASE)


def _paren_owners_ok(parts: list[str], known: Callable[[str], bool] | None) -> bool:
    """Owners in brackets after a task must be people the meeting knows, groups, roles or initials
    ("(SBC)" after 'talk to the council' is an organisation: only accepted as initials of a person
    when the document names no people)."""
    if not parts:
        return False
    for p in parts:
        if known and known(p):
            continue
        if p.lower() in OWNER_GROUPS or is_role(p) or re.fullmatch(r"[A-Z]{2,4}", p):
            continue
        if any(known and known(q) for q in parts) and owner_like(p, None):
            continue  # "(JS/RD/OTHER VOLUNTEERS WELCOME)"
        return False
    return True


def _owner_from_task(task: str, known: Callable[[str], bool] | None) -> tuple[list[str], str]:
    """'Clerk to write to Highways' -> (['Clerk'], 'write to Highways'); '@alice to ...'; 'Greg: update ...';
    'Take photos for display. (TF)'; 'For next session: Silona - brief the group'."""
    owners: list[str] = []
    m = _OWNER_PAREN.match(task)
    if m and is_owner_phrase(m.group("who"), known) and _paren_owners_ok(split_owners(m.group("who")), known):
        owners, task = split_owners(m.group("who")), m.group("task").strip()
    d = _DUE_FIRST.match(task)
    rest = d.group("rest") if d else task
    for rx in (_OWNER_COLON, _OWNER_TO):
        m = rx.match(rest)
        if m and is_owner_phrase(m.group("who"), known) and m.group("who").lower() not in _NOT_OWNER_WORDS:
            got = split_owners(m.group("who"))
            return got + [o for o in owners if o not in got], m.group("task").strip()
    m = _HANDLE_TO.match(rest)
    if m and known is not None and m.group("who") not in _NOT_OWNER_WORDS and known(m.group("who")):
        return [m.group("who")] + owners, m.group("task").strip()
    if owners:
        return owners, task
    handles = re.findall(r"@([\w-]+)", task)
    if handles:
        return handles, task
    return [], task


# --------------------------------------------------------------------------------- action sections

@dataclass
class ActionRegion:
    """The blocks an action heading governs: its body, sub-headings that name a person included
    ("Tasks for next week" / "Connor" / items / "Will" / items), down to the next heading of its
    level."""
    heading: str
    block: int
    blocks: list[int]
    person: dict[int, str]  # body block -> the person heading above it


_PERSON_HEAD_STRIP = re.compile(r"^[\W\d]*|[\s:*_]+$")


def _person_heading(text: str, known: Callable[[str], bool] | None) -> str | None:
    t = _PERSON_HEAD_STRIP.sub("", text).strip()
    if not t or known is None or len(t.split()) > 4:
        return None
    parts = split_owners(t)
    return t if parts and all(known(p) for p in parts) else None


def _bare_heading(h: str) -> str:
    return re.sub(r"^\W*(?:item\s+)?\d+(?:\.\d+)*[.)]?\s*", "", h).strip()


def action_regions(doc: Document, st: "Structure", known: Callable[[str], bool] | None = None) -> list[ActionRegion]:
    secs = sorted(st.sections, key=lambda t: t.block)
    heading_blocks = {t.block: t for t in secs}
    out: list[ActionRegion] = []
    for n, s in enumerate(secs):
        if not is_action_heading(_bare_heading(s.heading)):
            continue
        stop = len(doc.blocks)
        for t in secs[n + 1:]:
            if t.block <= s.block or doc.blocks[t.block].kind == "list_item":
                continue  # numbered items read as sub-headings are the section's items
            if _person_heading(t.heading, known):
                continue
            if t.level <= s.level or is_action_heading(_bare_heading(t.heading)):
                stop = t.block
                break
        person: dict[int, str] = {}
        body: list[int] = []
        current: str | None = None
        for i in range(s.block + 1, stop):
            b = doc.blocks[i]
            if (i in heading_blocks and b.kind != "list_item") or b.kind == "heading":
                current = _person_heading(b.text if i not in heading_blocks else heading_blocks[i].heading, known)
                continue
            body.append(i)
            if current:
                person[i] = current
        out.append(ActionRegion(s.heading, s.block, body, person))
    # a label line over a list ("Upcoming Tasks:", "To do:", "April work list:") that is not a heading
    taken = {i for r in out for i in r.blocks} | set(heading_blocks)
    blocks = doc.blocks
    for i, b in enumerate(blocks[:-1]):
        label = b.text.strip().strip("*_ ")
        if i in taken or b.kind != "paragraph" or not label.endswith(":") or len(label.split()) > 6 \
                or not is_action_heading(label.rstrip(":")) or blocks[i + 1].kind != "list_item":
            continue
        top = blocks[i + 1].level or 0
        body = []
        for j in range(i + 1, len(blocks)):
            if blocks[j].kind != "list_item" or (blocks[j].level or 0) < top or j in heading_blocks:
                break
            body.append(j)
        out.append(ActionRegion(label.rstrip(":"), i, body, {}))
    return out


# "Person involved: Sanjay, Anurose and Gourav", "Responsible: JS": who does the items above
_OWNER_LABEL = re.compile(r"^\W*(?:\d+[.)]\s*)?(?:(?:persons?|people|members?|staff)\s+(?:involved|responsible|assigned)|"
                          r"responsible(?:\s+persons?)?|owners?|assigned\s+to|assignees?|action\s+by|pic|who)"
                          r"\s*[:—–-]\s*(?P<who>\S.{0,100})$", re.IGNORECASE)
# a heading that puts its tasks before the next meeting: "Tasks for the next week"
_NEXT_PERIOD = re.compile(r"(?i)\b(?:for|during|before|by|until)\s+(?:the\s+)?(?:next|following|coming)\s+"
                          r"(?:week|period|session|meeting|sprint|fortnight|call)\b")


def _imperative_sentences(sdoc, task: str) -> list[tuple[str, int, int]] | None:
    """'Everyone: Prepare for the checkpoint. Do independent research. Understand the requirements.':
    an item of several sentences that each start with a verb in the imperative is several tasks.
    Returns (sentence, start, end) in the block, or None when the item is one task."""
    sents = [x for x in sdoc.sents if x.text.strip()]
    pos = sdoc.text.find(task)
    if len(sents) < 2 or pos < 0:
        return None
    sents = [x for x in sents if x.end_char > pos]
    out = []
    for x in sents:
        first = next((t for t in x if t.idx >= pos and not t.is_punct and not t.is_space), None)
        if first is None or not first.text[:1].isupper() or first.tag_ in ("DT", "PRP", "PRP$", "EX", "WDT", "WP", "CD",
                                                                            "IN", "CC", "MD", "VBD", "VBZ", "VBN"):
            return None
        start = max(x.start_char, pos)
        out.append((sdoc.text[start:x.end_char].strip(), start, x.end_char, first.tag_ == "VB"))
    # every sentence opens like a command, and at least two are plainly verbs ("Understand" may be tagged a name)
    if len(out) < 2 or sum(v for *_, v in out) < 2:
        return None
    return [(t, a, e) for t, a, e, _ in out]


def section_actions(doc: Document, st: "Structure", *, due_of: Callable[[str], tuple],
                    known: Callable[[str], bool] | None = None, taken: set[int] = frozenset(),
                    regions: list[ActionRegion] | None = None,
                    next_due: Callable[[], tuple] | None = None,
                    parsed: "ParsedDocument | None" = None) -> list[ActionFound]:
    """Items of action sections. ``next_due`` gives the next meeting's (due, text), used where
    the heading puts the tasks before it ("Tasks for the next week")."""
    out: list[ActionFound] = []
    blocks = doc.blocks
    if regions is None:
        regions = action_regions(doc, st, known)
    for reg in regions:
        idx = reg.blocks
        # "Action:" lines below each topic: the markers are the actions, the rest is context (but for
        # an item that names its owners: "A list to be put up in school (EM/TF)")
        marked = any((_MARKER.match(blocks[i].text) and not _STATUS_LINE.match(blocks[i].text))
                     or _BARE_MARKER.match(blocks[i].text) for i in idx if blocks[i].kind != "table_row")
        items = [i for i in idx if blocks[i].kind in ("list_item", "paragraph") and i not in taken
                 and not _URL.match(blocks[i].text) and not _STATUS_LINE.match(blocks[i].text)]
        if not items:
            continue
        if any(blocks[i].kind == "table_row" for i in idx):
            continue  # the table holds the actions
        levels = [blocks[i].level or 0 for i in items if blocks[i].kind == "list_item"]
        top = levels[0] if levels else 0  # the first item's level: deeper items are sub-items
        heading_due = next_due() if next_due is not None and _NEXT_PERIOD.search(reg.heading) else (None, None)
        pending: list[ActionFound] = []  # items waiting for an owner label below them
        for i in items:
            b = blocks[i]
            lab = _OWNER_LABEL.match(_NUM_PREFIX.sub("", b.text).strip())
            if lab and is_owner_phrase(lab.group("who").rstrip("."), known):
                who = split_owners(lab.group("who").rstrip("."))
                for a in pending:
                    a.owner = list(who)
                pending = []
                continue
            if b.kind == "list_item" and (b.level or 0) > top:
                continue
            if b.kind == "paragraph" and any(blocks[j].kind == "list_item" for j in items):
                continue  # an intro line above the list
            children = [blocks[j].text for j in idx if j > i and blocks[j].kind == "list_item"
                        and (blocks[j].level or 0) > (b.level or 0)
                        and all(blocks[k].kind != "list_item" or (blocks[k].level or 0) > (b.level or 0)
                                for k in idx if i < k < j)]
            task = _NUM_PREFIX.sub("", b.text).strip()
            owners, task = _owner_from_task(task, known)
            if marked and not owners:
                continue
            if not owners and i in reg.person:
                owners = split_owners(reg.person[i])
            if children and (task.endswith(":") or len(task.split()) <= 3):
                task = task.rstrip(":") + ": " + "; ".join(children)
            parts = _imperative_sentences(parsed.docs[i], task) if parsed is not None and not children else None
            for task_k, s_k, e_k in parts or [(task, 0, len(b.text))]:
                act = ActionFound(task=task_k, owner=list(owners), explicit=True, source="section",
                                  start=b.start + s_k, end=b.start + e_k, block=i, confidence=0.85, section=reg.heading)
                d = due_of(task_k if parts else b.text)
                if d[0] is None and heading_due[0] is not None:
                    d = heading_due
                act.due, act.due_text = d[0], d[1]
                out.append(act)
            if not owners:
                pending.append(act)
            else:
                pending = []
    return out


# ---------------------------------------------------------------------------------- assignment lists

# "Luther: Introduce Soares to Juanita ..." (owner first, a command after the colon) and "Any.do - Kelvin
# Ang" (an item, then who takes it): lists that share work out among the people at the meeting, under any
# heading ("Resolved", "Topic #4: Product survey"). Two such lines in a row make the layout.
_OWNER_LAST = re.compile(r"^(?P<task>[^:]{2,90}?)\s+[-–—]\s+(?P<who>[^-–—:;]{2,60}?)\s*\.?$")
_NOT_ASSIGNMENT_SECTION = re.compile(r"(?i)\b(present|attend|apolog|absent|agenda|order of business|programme|"
                                     r"schedule|roll call|members|officers|committee members|contacts?|roles?)\b")


_TOPIC_PREFIX = re.compile(r"^[^:]{0,12}#?\d+\s*:\s*")  # "Topic #4: "


def _all_known(owners: list[str], known: Callable[[str], bool]) -> bool:
    return bool(owners) and all(known(o) or o.lower() in ("all", "everyone", "everybody") for o in owners) \
        and any(known(o) for o in owners) or [o.lower() for o in owners] in (["all"], ["everyone"])


_FIRST_PERSON = re.compile(r"(?i)\b(i|i'm|i've|me|my|we|we're|us|our|let's|lets)\b|\bI\b")
# "Minutes approved - Z. Maiorca, T. Feinberg": who moved and seconded, not who acts
_DONE_WORDS = re.compile(r"(?i)\b(approved|adopted|carried|passed|accepted|agreed|seconded|moved|received|noted|"
                         r"ratified|rejected|defeated)\b")
_NOT_A_COMMAND = {"PRP", "PRP$", "DT", "MD", "VBZ", "VBD", "VBP", "CC", "IN", "EX", "WP", "WDT", "WRB", "UH", "CD"}


def _assignment(parsed: "ParsedDocument", i: int, known: Callable[[str], bool],
                command: Callable[[str], bool] | None = None) -> tuple[list[str], str, str, bool] | None:
    """(owners, task, reading, owner_last) when line ``i`` has the shape of an assignment. The reading
    is "command" when a command follows the owner (or the owner follows the item), "speech" when the
    words are a speaker's ("I think ...", a question), else "maybe"."""
    b = parsed.document.blocks[i]
    text = _NUM_PREFIX.sub("", b.text).strip().strip("*_ ")
    if len(text.split()) > 60:
        return None
    m = _OWNER_COLON.match(text)
    owners = split_owners(m.group("who")) if m and m.group("who").lower() not in _NOT_OWNER_WORDS else []
    if owners and all(known(o) for o in owners) and not any(is_role(o) for o in owners):
        pos = b.text.find(m.group("task"))
        first = next((t for t in parsed.docs[i] if t.idx >= pos and not t.is_punct and not t.is_space), None)
        task = m.group("task").strip()
        if first is None or first.tag_ in _NOT_A_COMMAND or first.lower_ in ("be", "have", "do") \
                or _FIRST_PERSON.search(task) or task.endswith("?"):
            return owners, task, "speech", False  # "Roland: I think ...", "Mara: Let's vote now"
        sure = first.tag_ == "VB" or (command is not None and command(task))
        return owners, task, "command" if sure else "maybe", False
    m = _OWNER_LAST.match(text)
    if m:
        owners = split_owners(m.group("who"))
        task = m.group("task").strip()
        if not _all_known(owners, known) or known(task) or is_role(task) or len(task.split()) > 12 \
                or _DONE_WORDS.search(task):
            return None  # "Kelvin Ang - photography on Sundays" (a person, then a note), "Chair - Ana Lima"
        return owners, task, "command", True
    return None


def assignment_list_actions(parsed: "ParsedDocument", *, section_of: Callable[[int], str | None],
                            due_of: Callable[[str], tuple], known: Callable[[str], bool] | None = None,
                            skip_blocks: set[int] = frozenset(),
                            command: Callable[[str], bool] | None = None) -> list[ActionFound]:
    """Lines that each give a task to people the meeting knows: two or more in a row (one of them
    surely a command), or one under a short label ("Resolved", "Outcome"). ``command`` says whether
    a text on its own opens with a verb in the imperative (the tagger reads "Book the stand" after a
    name and a colon as a name)."""
    if known is None:
        return []
    doc = parsed.document
    found: dict[int, tuple[list[str], str, str, bool]] = {}
    for i, b in enumerate(doc.blocks):
        if i in skip_blocks or b.kind not in ("list_item", "paragraph"):
            continue
        if _NOT_ASSIGNMENT_SECTION.search(section_of(i) or ""):
            continue
        got = _assignment(parsed, i, known, command)
        if got is not None:
            found[i] = got
    # a log of who said what ("Mara: Let's vote now", "KH: The document is open") has the same shape;
    # where more "Name: ..." lines are speech than commands, none of them is read as an assignment
    colon = [v[2] for v in found.values() if not v[3]]
    if colon.count("speech") > colon.count("command"):
        found = {i: v for i, v in found.items() if v[3]}
    found = {i: v for i, v in found.items() if v[2] != "speech"}
    out: list[ActionFound] = []
    for i, (owners, task, reading, owner_last) in sorted(found.items()):
        near = [found[j][2] for j in (i - 1, i + 1) if j in found]
        prev = doc.blocks[i - 1] if i else None
        labelled = prev is not None and i - 1 not in found and prev.kind != "list_item" \
            and len(prev.text.split()) <= 3 and not _NOT_ASSIGNMENT_SECTION.search(prev.text)
        sure = reading == "command"
        if not ((near and (sure or "command" in near)) or (sure and labelled)):
            continue
        b = doc.blocks[i]
        sec = section_of(i)
        if owner_last and len(task.split()) < 4 and sec:
            topic = _TOPIC_PREFIX.sub("", sec).strip()
            task = f"{task} ({topic})"  # "Any.do (Product survey on To Do List software)"
        act = ActionFound(task=task, owner=owners, explicit=True, source="marker", start=b.start, end=b.end, block=i,
                          confidence=0.75, section=sec)
        act.due, act.due_text = due_of(b.text)
        out.append(act)
    return out


# ------------------------------------------------------------------------------------------- prose

def prose_actions(parsed: "ParsedDocument", *, section_of: Callable[[int], str | None],
                  due_of: Callable[[str], tuple], known: Callable[[str], bool] | None = None,
                  skip_blocks: set[int] = frozenset(), skip_spans: list[tuple[int, int]] = (),
                  has_people: bool = True) -> list[ActionFound]:
    """Actions only implied by prose, found on the dependency parse of each sentence.

    ``known`` says whether a name is one of the meeting's people; when the meeting has an
    attendance list (``has_people``), an active subject must be someone known, a role ("the
    Clerk") or a group ("Trustees") - an unknown name is not made an owner, we abstain.
    """
    out: list[ActionFound] = []
    doc = parsed.document
    owner_ok = _OwnerCheck(known, has_people)
    for i, b in enumerate(doc.blocks):
        if i in skip_blocks or b.kind == "heading":
            continue
        if b.kind == "table_row" and b.style not in ("paragraph", "list_item") and not margin_owner_row(b, known):
            continue  # a real table; rows laid out from paragraphs (an Action column) are prose
        sdoc = parsed.docs[i]
        sents = list(sdoc.sents)
        speaker = _speaker_of(b.text, known) if b.kind in ("paragraph", "list_item") else None
        for k, sent in enumerate(sents):
            s_abs, e_abs = b.start + sent.start_char, b.start + sent.end_char
            if any(s_abs < e and s < e_abs for s, e in skip_spans):
                continue
            readings = _sentence_actions(sent, owner_ok) or _surface_actions(sent, owner_ok)
            if not readings and speaker and k:
                readings = _elided_commitment(sent, speaker)
            for task, owners, how in readings:
                task = task.split(CELL_SEPARATOR)[0].strip()  # a margin row's owner cell is not the task's
                task = _GOING_TO.sub("", task)  # "going to buy some ink" -> "buy some ink"
                if task.split(" ", 1)[0].lower() in _ASPIRATIONS:
                    continue  # "is going to focus on sponsors": an aim
                if len(task.split()) < 3:
                    # "The Clerk to investigate", "... - the Chairman and Clerk will again inspect": the
                    # words before the subject, or the sentence before, say what
                    context = _context_before(sent, owners) or (sents[k - 1].text.strip() if k else "")
                    if not context:
                        continue
                    task = f"{task} ({context.rstrip('.')})"
                task = _with_colon_list(task, sent, doc, i)
                act = ActionFound(task=task, owner=owners, explicit=False, source="prose",
                                  start=s_abs, end=e_abs, block=i,
                                  confidence={"agreed": 0.75, "asked": 0.7, "to": 0.7, "will": 0.6, "should": 0.55,
                                              "passive": 0.5, "obliged": 0.45, "arrow": 0.55, "doing": 0.5}.get(how, 0.5),
                                  section=section_of(i))
                d = due_of(sent.text)
                if d[0] is None and task != sent.text:
                    d = due_of(task)  # the context the task carries may hold the date
                act.due, act.due_text = d[0], d[1]
                out.append(act)
        arrow = _ARROW.match(b.text) if b.kind == "list_item" else None
        if arrow:
            act = _arrow_action(arrow, b, i, owner_ok, section_of)
            if act is not None:
                out.append(act)
    return out


_GOING_TO = re.compile(r"^(?:is\s+|are\s+)?(?:going|planning|intending|hoping)\s+to\s+(?=[a-z])")


# telegraphic notes: a paragraph that opens with who is speaking ("Ostrowski said the house is built.
# Going to try to get them here next week."), whose later sentences drop the subject
_SPEAKER_OPEN = re.compile(rf"^(?:(?:Cllr|Dr|Mr|Mrs|Ms|Prof)\.?\s+)?(?P<who>[{CAP}][\w'’-]+(?:\s+[{CAP}][\w'’-]+)?)\b")
_ELIDED = re.compile(r"^(?:also\s+|and\s+)?(?:will|going to|plans? to|planning to|intends? to|hopes? to)\s+"
                     r"(?P<vp>[a-z][\w'-]*\b[^.;!?]*)", re.IGNORECASE)


def _speaker_of(text: str, known: Callable[[str], bool] | None) -> str | None:
    """The person a paragraph opens with, when the meeting knows them (never a guess)."""
    m = _SPEAKER_OPEN.match(text.strip())
    if not m or known is None:
        return None
    for who in (m.group("who"), m.group("who").split()[0]):
        if known(who):
            return who
    return None


def _elided_commitment(sent, speaker: str) -> list[tuple[str, list[str], str]]:
    """'Going to try to get them here next week.', 'Will send the rota.' in a speaker's paragraph: the
    speaker commits (the verb must be one of doing, not of being or saying)."""
    m = _ELIDED.match(sent.text.strip())
    if not m:
        return []
    vp = m.group("vp").strip(" ,")
    verb = vp.split()[0].lower()
    if verb in _STATIVE or verb in _REPORTING or verb == "not":
        return []
    return [(vp, [speaker], "will")]


def margin_owner_row(b: Block, known: Callable[[str], bool] | None = None) -> bool:
    """A row of minutes laid out in two columns without a header: the minute's text in a wide cell and
    who is responsible in a narrow one beside it ("... Clerk to book places." | "Clerk"). Its text is
    prose, read like a paragraph (the narrow cell names the owners the prose names)."""
    cells = [c.strip() for c in b.cell_texts()]
    if b.header or len(cells) < 2 or len(cells[0].split()) < 8:
        return False
    rest = [c for c in cells[1:] if c]
    return bool(rest) and all(len(c.split()) <= 5 and is_owner_phrase(c, known) for c in rest)


_WHO = rf"(?:the\s+)?(?:[{CAP}][\w'’.-]*)(?:\s+[{CAP}][\w'’.-]*){{0,3}}"
_WHO_LIST = rf"(?P<who>{_WHO}(?:\s*(?:,|and|&|/)\s*{_WHO})*)"
_CLAUSE_START = r"(?:^|[.;:!?]\s+|\s[-–—]\s+|\)\s+|\bthat\s+)"
# surface forms the parse of a run-on or telegraphic sentence misses
_SURFACE = (
    # "The Parish Clerk is to follow this up", "PB and CW are to ..."
    ("is_to", re.compile(rf"{_CLAUSE_START}{_WHO_LIST}\s+(?:is|are)\s+to\s+(?P<vp>[a-z][\w'-]*\b[^.;!?]*)")),
    # "PW to circulate the report", "... - Daniel to get the signature"
    ("to", re.compile(rf"{_CLAUSE_START}{_WHO_LIST}\s+to\s+(?P<vp>[a-z][\w'-]*\b[^.;!?]*)")),
    # "Rob stated that he would prepare the accounts": a commitment reported in the third person
    ("will", re.compile(rf"{_CLAUSE_START}{_WHO_LIST}\s+(?:stated|said|confirmed|agreed|advised|indicated|"
                        r"undertook|promised)\s+(?:that\s+)?(?:he|she)\s+(?:would|will)\s+"
                        r"(?:also\s+|now\s+|then\s+)?(?P<vp>[a-z][\w'-]*\b[^.;!?]*)")),
    # "HL would expedite", "... - JH will look at this going forward"
    ("will", re.compile(rf"{_CLAUSE_START}{_WHO_LIST}\s+(?:will|would|shall)\s+(?:also\s+|now\s+|then\s+|again\s+)?"
                       r"(?P<vp>[a-z][\w'-]*\b[^.;!?]*)")),
    # "CC asked the Parish Clerk to ...", "CC requested that the Parish Clerk writes to ..."
    ("asked", re.compile(rf"\b(?:asked|requested|instructed|tasked|invited)\s+(?:that\s+)?{_WHO_LIST}\s+"
                         r"(?:to\s+|should\s+)?(?P<vp>[a-z][\w'-]*\b[^.;!?]*)")),
    # reported recommendations: "CC felt that the Parish Clerk should ensure ...", "... and that JS should ask ..."
    ("should", re.compile(rf"\bthat\s+{_WHO_LIST}\s+should\s+(?:also\s+|now\s+)?(?P<vp>[a-z][\w'-]*\b[^.;!?]*)")),
)
# "asked the Clerk to confirm with the supplier whether ...": confirming is an inquiry to make, not a
# decision ("asked the Board to confirm the minutes")
# "will try to keep events free", "hopes to recruit": an aim (a candidate's promise), not a task
_ASPIRATIONS = {"try", "hope", "aim", "wish", "strive", "endeavour", "endeavor"}
_INQUIRY = re.compile(r"(?i)^confirms?\s+(?:with|whether|if)\b")
# verbs that report what was said rather than commit to doing something ("X would say ...")
_REPORTING = {"say", "note", "thank", "welcome", "explain", "mention", "state", "feel", "think", "believe", "comment",
              "add", "reply", "respond", "point", "highlight", "conclude", "wonder", "hope", "wish"}
_HEDGES = re.compile(r"(?i)\b(?:if|whether|unless|could|might|perhaps|wondered|hoped)\b")


def _surface_actions(sent, owner_ok: "_OwnerCheck") -> list[tuple[str, list[str], str]]:
    """Owner-verb forms read off the words where the parse went astray: 'X is to ...', 'X to ...'
    at a clause start, 'X would/will ...', 'asked (that) X (to) ...'. The owner must pass the
    same check as parsed subjects, and the word after must be a verb."""
    text = sent.text
    out: list[tuple[str, list[str], str]] = []
    for how, rx in _SURFACE:
        for m in rx.finditer(text):
            owners = split_owners(m.group("who"))
            owners = [re.sub(r"^(?:And|But|Then|Also)\s+", "", o) for o in owners]
            if not owners or not owner_ok(owners) or any(o.lower() in ("it", "this", "there", "he", "she", "they", "we")
                                                          for o in owners):
                continue
            if how == "will" and _HEDGES.search(text[:m.start("who")]):
                continue
            vs = sent.start_char + m.start("vp")
            tok = next((t for t in sent if t.idx == vs), None)
            if tok is None or tok.tag_ not in ("VB", "VBZ", "VBP") or tok.pos_ not in ("VERB",):
                continue
            lemma = tok.lemma_.lower()
            if (lemma in _STATIVE and not (lemma == "get" and how != "will")) or lemma in _REPORTING | _ASPIRATIONS \
                    or (lemma in _DECIDE_VERBS and not _INQUIRY.match(m.group("vp"))):
                continue
            vp = m.group("vp").strip(" ,-–—")
            vp = tok.lemma_ + vp[len(tok.text):] if vp.startswith(tok.text) else vp
            out.append((vp, owners, "to" if how in ("to", "is_to") else how))
        if out:
            break
    return out


def _context_before(sent, owners: list[str]) -> str:
    if not owners:
        return ""
    pos = sent.text.find(owners[0])
    before = sent.text[:pos].strip(" ,;:-–—") if pos > 0 else ""
    before = re.sub(r"\s+(the|and)$", "", before)
    return before if len(before.split()) >= 3 else ""


def _with_colon_list(task: str, sent, doc: Document, i: int) -> str:
    """'... in terms of:' followed by list items: the items belong to the task."""
    if not sent.text.rstrip().endswith(":") or sent.end != len(sent.doc):
        return task
    items = []
    for b in doc.blocks[i + 1:]:
        if b.kind != "list_item":
            break
        items.append(b.text.rstrip("."))
    return task.rstrip(":") + ": " + "; ".join(items) if items else task


def _arrow_action(m: re.Match, b: Block, i: int, owner_ok: "_OwnerCheck", section_of) -> ActionFound | None:
    """'ACM -> reach out', 'Baja-SAE -> nathan? jon will reach out': a list line that assigns a step."""
    what, rest = m.group("what").strip(" -"), m.group("rest").strip()
    verb = re.search(r"\b(?:(?P<who>[A-Za-z][\w'’-]*)\s+(?:will|to)\s+)?(?P<vp>(reach out|contact|email|call|ask|"
                     r"follow up|check|send|write|talk to|speak to|look into|find|organise|organize|book)\b.*)$",
                     rest, re.IGNORECASE)
    if not verb:
        return None
    owners = [verb.group("who")] if verb.group("who") else []
    task = f"{verb.group('vp').rstrip('.')} ({what})"
    return ActionFound(task=task, owner=owners, explicit=False, source="prose", start=b.start, end=b.end, block=i,
                       confidence=0.55, section=section_of(i))


class _OwnerCheck:
    def __init__(self, known: Callable[[str], bool] | None, has_people: bool):
        self.known = known
        self.has_people = has_people and known is not None

    def name(self, n: str) -> bool:
        n = n.strip()
        if not n or n.lower() in ("we", "i", "you", "they", "us", "it", "one", "someone", "somebody"):
            return False  # a pronoun names nobody
        if n.lower() in OWNER_GROUPS or is_role(n) or is_office_group(n) or re.fullmatch(r"(the )?[A-Z][\w-]* (committee|board|council|"
                                                                                r"group|team|trustees)", n, re.I):
            return True
        if self.known and self.known(n):
            return True
        if self.has_people:
            return False  # someone the attendance list does not know: abstain
        return owner_like(n, None)

    def __call__(self, names: list[str]) -> bool:
        return bool(names) and all(self.name(x) for x in names)

    def any_known(self, names: list[str]) -> bool:
        return any(self.name(x) for x in names)


def _subject_owners(verb) -> list[str]:
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None:
        return []
    names = []
    for h in [subj] + list(subj.conjuncts):
        start = _compound_start(h)
        text = h.doc[start:h.i + 1].text.strip()
        names.append(re.sub(r"^(and|or)\s+", "", text))
    return names


def _compound_start(tok) -> int:
    start = tok.i
    for c in tok.lefts:
        if c.dep_ in ("compound", "det", "amod", "nmod", "poss") and c.i < start:
            start = min(start, _compound_start(c) if c.dep_ == "compound" else c.i)
    return start


def _clause_end(verb) -> int:
    """Index after the last token of the verb's clause (a coordinated clause with its own subject
    is not part of it)."""
    right = verb.i
    for t in verb.subtree:
        right = max(right, t.i)
    for c in verb.children:
        if c.dep_ == "conj" and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children):
            right = min(right, c.left_edge.i - 1)
            if right > verb.i and verb.doc[right].dep_ == "cc":
                right -= 1
    while right > verb.i and verb.doc[right].is_punct:
        right -= 1
    return right + 1


def _vp_text(verb, *, skip: set[int] = frozenset()) -> str:
    toks = [t for t in verb.doc[verb.i:_clause_end(verb)] if t.i not in skip]
    return "".join(t.text_with_ws for t in toks).strip()


def _as_object(np: str) -> str:
    """A subject noun phrase put after the verb: 'The pads' -> 'the pads' (a name keeps its capital)."""
    if np.split()[0] in ("A", "An", "The", "This", "These", "That", "Those", "Our"):
        return np[0].lower() + np[1:]
    return np


def _passive_task(verb, subj, agent) -> str:
    """'A report will be forwarded to Highways' -> 'forward a report to Highways'."""
    skip = set()
    if agent is not None:
        skip |= {t.i for t in agent.subtree}
    rest = _vp_text(verb, skip=skip)[len(verb.text):].strip()
    subj_text = _as_object(verb.doc[subj.left_edge.i:subj.right_edge.i + 1].text)
    return f"{verb.lemma_} {subj_text} {rest}".strip()


# passive obligations: "details of the vehicle should be obtained", "the return is required to be sent",
# "the policies need to be re-ordered", "a notice to be added to the website" (asked for): a task with no
# owner named, so we abstain on the owner
_OBLIGING = {"need", "require", "have", "be"}
_OBLIGE_REPORTED = {"state", "comment", "note", "agree", "propose", "request", "ask", "explain", "advise", "report",
                    "confirm", "decide", "resolve", "recommend", "say", "stress", "emphasise", "emphasize", "remind",
                    "insist", "add", "reply", "respond", "conclude", "second", "move"}
_NOT_OBLIGATION = {"note", "remember", "thank", "congratulate", "expect", "allow", "permit", "base", "involve",
                   "include", "concern", "worry", "satisfy", "please", "hold", "see", "regard", "consider", "aware",
                   "entitle", "oblige", "tell", "inform", "advise", "make", "do", "give", "keep", "leave"}
_CONDITIONAL = {"if", "whether", "unless", "when", "once", "until", "before", "after", "where", "while", "as", "so",
                "because", "since", "though", "although"}


def _clause_ok(v) -> bool:
    """The clause of ``v`` states what is to happen: not a condition, a relative clause, a question or an
    opinion ("X felt that the fee should be reduced"); reported by a verb of saying or agreeing is fine."""
    if any(c.dep_ == "neg" for c in v.children) or any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL
                                                          for c in v.children):
        return False
    if v.dep_ == "ROOT":
        return True
    if v.dep_ == "conj":
        return v.head.dep_ in ("ROOT", "ccomp") and _clause_ok(v.head)
    if v.dep_ == "ccomp":
        return v.head.lemma_.lower() in _OBLIGE_REPORTED and not any(
            c.dep_ == "aux" and c.lower_ in ("would", "could", "might", "may") for c in v.head.children)
    return False


def _obligation(tok, sent, owner_ok: "_OwnerCheck") -> tuple[str, list[str]] | None:
    """The task of a passive obligation whose verb is ``tok`` (a VBN with its passive auxiliary), and
    its owner when a by-phrase names one ("must be signed by two trustees"). A by-phrase that names
    no one ("should be covered by the grant", "written by humans") is a description, not a task."""
    if tok.tag_ != "VBN" or tok.lemma_.lower() in _NOT_OBLIGATION | _DECIDE_VERBS | {"sign"}:
        return None
    children = list(tok.children)
    owners: list[str] = []
    agent = next((c for c in children if c.dep_ == "agent"), None)
    if agent is not None:
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
        who = pobj.doc[_compound_start(pobj):pobj.i + 1].text if pobj is not None else ""
        if not who or not owner_ok.name(who):
            return None
        owners = [who]
    if not any(c.dep_ == "auxpass" for c in children) or any(c.dep_ == "neg" for c in children):
        return None
    aux = {c.lower_ for c in children if c.dep_ == "aux"}
    subj = next((c for c in children if c.dep_ == "nsubjpass"), None)
    clause = tok
    if aux & {"should", "must"}:
        pass
    elif "to" in aux and tok.dep_ == "xcomp" and tok.head.lemma_.lower() in _OBLIGING:
        clause = tok.head  # "need(s) to be done", "is required to be sent", "has to be", "is to be"
        if any(c.dep_ == "aux" and c.lower_ in ("would", "could", "might", "may", "should") for c in clause.children):
            return None
        if clause.lemma_.lower() == "require" and not any(c.dep_ == "auxpass" for c in clause.children):
            return None  # "X required the hall to be ...": the active verb is a need, not a task
        subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    elif "to" in aux and tok.dep_ in ("relcl", "acl", "xcomp", "ccomp"):
        # "CC requested a notice to be added to the website", "asked for the item to be added"
        if tok.head.pos_ in ("VERB", "AUX"):
            gov = tok.head
            noun = next((c for c in gov.children if c.dep_ == "dobj"), None)
        elif tok.head.dep_ in ("dobj", "pobj"):
            noun, gov = tok.head, tok.head.head
            if gov.dep_ == "prep" and gov.lower_ == "for":
                gov = gov.head
        else:
            return None
        if noun is None or gov.lemma_.lower() not in ("request", "ask", "want", "arrange") or not _clause_ok(gov):
            return None
        if noun.pos_ not in ("NOUN", "PROPN"):
            return None
        inner = {t.i for t in tok.subtree}
        np = _as_object("".join(t.text_with_ws for t in noun.subtree if t.i not in inner).strip())
        return f"{tok.lemma_} {np} {_vp_text(tok)[len(tok.text):].strip()}".strip(), owners
    else:
        return None
    if subj is None or subj.pos_ == "PRON" and subj.lower_ not in ("this", "these") or subj.pos_ not in ("NOUN", "PROPN", "PRON"):
        return None
    if subj.lemma_.lower() in _EVENT_NOUNS:
        return None  # "the next meeting should be held ...": a date, not a task
    if ":" in subj.doc[subj.left_edge.i:tok.i].text:
        return None  # "one comment: receivables should be ...": the parse joined two clauses
    has_det = any(c.dep_ in ("det", "poss", "compound", "amod") for c in subj.children) or subj.tag_ in ("NNS", "NNPS") \
        or subj.lower_ in ("this", "these")
    if not has_det or not _clause_ok(clause):
        return None
    task = _passive_task(tok, subj, agent)
    if subj.lower_ in ("this", "these"):
        before = sent.doc[sent.start:subj.i].text.strip(" ,-–—;:")
        if len(before.split()) < 3:
            return None
        task = f"{task} ({before})"
    return task, owners


def _needs_doing(need) -> str | None:
    """'the pads ... will need replacing before then' -> 'replace the pads before then'."""
    ing = next((c for c in need.children if c.tag_ == "VBG" and c.dep_ in ("xcomp", "dobj")), None)
    if ing is None or any(c.dep_ == "neg" for c in need.children):
        return None
    subj = next((c for c in need.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None and need.dep_ == "conj":
        subj = next((c for c in need.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.pos_ != "NOUN" or not _clause_ok(need) or subj.lemma_.lower() in _EVENT_NOUNS:
        return None
    if not (any(c.dep_ in ("det", "poss", "compound", "amod") for c in subj.children) or subj.tag_ == "NNS"):
        return None
    np = _as_object(need.doc[subj.left_edge.i:subj.right_edge.i + 1].text)
    rest = need.doc[ing.i + 1:_clause_end(need)].text
    return f"{ing.lemma_} {np} {rest}".strip()


def _sentence_actions(sent, owner_ok: "_OwnerCheck") -> list[tuple[str, list[str], str]]:
    out: list[tuple[str, list[str], str]] = []
    questions = [t.i for t in sent if t.text == "?"]
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        if any(q > tok.i for q in questions):
            continue  # part of a question
        if tok.lemma_.lower() == "need" and tok.pos_ == "VERB":
            task = _needs_doing(tok)
            if task is not None:
                out.append((task, [], "obliged"))
                continue
        if tok.tag_ == "VBN" and tok.dep_ != "conj":
            got = _obligation(tok, sent, owner_ok)
            if got is not None:
                out.append((got[0], got[1], "obliged"))
                continue
        lemma = tok.lemma_.lower()
        children = list(tok.children)
        deps = [c.dep_ for c in children]
        aux_low = [c.lower_ for c in children if c.dep_ in ("aux", "auxpass")]
        if "neg" in deps or {"would", "could", "might", "may", "should"} & set(aux_low):
            continue
        # 1. "X agreed to look into this", "X was asked to ...", "It was agreed to ..."
        if lemma in _COMMIT_VERBS and lemma != "offer":  # "offered to run a stall": an offer, not yet agreed
            xcomp = next((c for c in children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
            if xcomp is None or xcomp.lemma_.lower() in _STATIVE | _DECIDE_VERBS:
                continue
            owners = _subject_owners(tok)
            if lemma in ("ask", "task", "request", "charge", "invite", "instruct", "assign", "nominate"):
                obj = next((c for c in children if c.dep_ == "dobj"), None)
                if "nsubjpass" not in deps:
                    if obj is None:
                        continue
                    owners = [obj.doc[_compound_start(obj):obj.i + 1].text] + [c.text for c in obj.conjuncts]
            if " ".join(owners).lower() in ("it", "this", "that", "there", "we"):  # "We agreed to ...": nobody named
                owners = []
            elif owners and not owner_ok(owners):
                continue
            out.append((_vp_text(xcomp), owners, "asked" if lemma == "ask" else "agreed"))
            continue
        if tok.pos_ != "VERB" or lemma in _STATIVE or lemma in _COMMIT_VERBS:
            continue
        passive = "nsubjpass" in deps or "auxpass" in deps
        future = "will" in aux_low or "shall" in aux_low
        # 2. "A report will be forwarded to Highways", "these will be discussed at ...", "... by CGM"
        if future and passive:
            subj = next((c for c in children if c.dep_ == "nsubjpass"), None)
            if subj is None or subj.lower_ in ("it", "there", "that", "which", "who"):
                continue
            has_det = any(c.dep_ in ("det", "poss") for c in subj.children) or subj.lower_ in ("this", "these")
            if not has_det or subj.lemma_.lower() in _EVENT_NOUNS:
                continue  # "the next meeting will be held on ...": a date, not a task
            if tok.dep_ == "ccomp" and tok.head.lemma_.lower() in _SPEECH | {"inform", "advise", "tell"}:
                continue  # "the Clerk advised that this will be emptied fortnightly": reported, not a task
            agent = next((c for c in children if c.dep_ == "agent"), None)
            owners = []
            if agent is not None:
                pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
                if pobj is not None and (pobj.pos_ == "PROPN" or owner_ok.name(pobj.text)):
                    owners = [pobj.doc[_compound_start(pobj):pobj.i + 1].text]
            task = _passive_task(tok, subj, agent)
            if subj.lower_ in ("this", "these") and subj.i > sent.start:
                before = sent.doc[sent.start:subj.i].text.strip(" ,-–—;:")
                if len(before.split()) >= 3:
                    task = f"{task} ({before})"
            out.append((task, owners, "passive"))
            continue
        # 3. "X will VERB ...", "he will continue to advocate"
        if future and lemma in _ASPIRATIONS:
            continue
        if future:
            owners = _subject_owners(tok)
            if not owners:
                continue
            if all(o.lower() in ("he", "she") for o in owners):
                prev = _previous_person(tok, owner_ok)
                if prev is None:
                    continue
                owners = [prev]
            elif not owner_ok(owners):
                continue
            out.append((_vp_text(tok), owners, "will"))
            continue
        # 4. "X to VERB ...", "... with AB to take the lead"
        if "to" in aux_low and tok.tag_ == "VB":
            if tok.dep_ == "ROOT":
                owners = _subject_owners(tok)
                before = sent.doc.text[sent.start_char:tok.idx]
                if owners and owner_ok(owners) and not re.search(r"\b(was|were|is|are|has|had|have)\b", before):
                    out.append((_vp_text(tok), owners, "to"))
                continue
            prev_tok = tok.doc[tok.i - 2] if tok.i >= 2 else None  # "AB" in "with AB to take"
            if prev_tok is not None and prev_tok.dep_ == "pobj" and prev_tok.head.lower_ == "with" \
                    and owner_ok([prev_tok.text]):
                out.append((_vp_text(tok), [prev_tok.text], "to"))
            continue
        # 5. "Marco is preparing the last release", "Natalia and Thibaud working on a blog post"
        if tok.tag_ == "VBG" and tok.dep_ == "acl" and tok.head.dep_ == "ROOT" and tok.head.pos_ == "PROPN":
            sub = {t.i for t in tok.subtree}
            np = "".join(t.text_with_ws for t in tok.head.subtree if t.i not in sub).strip()
            owners = split_owners(np)
            if owners and any(owner_ok.known and owner_ok.known(o) for o in owners):
                out.append((_vp_text(tok), owners, "doing"))
            continue
        if tok.tag_ == "VBG" and (tok.dep_ == "ROOT" or "aux" in deps) and not (set(aux_low) - {"is", "are"}):
            owners = _subject_owners(tok)
            if owners and owner_ok.any_known(owners) and all(o[:1].isupper() for o in owners) \
                    and any(owner_ok.known and owner_ok.known(o) for o in owners):
                out.append((_vp_text(tok), owners, "doing"))
    return out


def _previous_person(tok, owner_ok: "_OwnerCheck") -> str | None:
    """The person a pronoun subject refers to: the nearest preceding subject that names someone."""
    doc = tok.doc
    for t in reversed(list(doc[:tok.i])):
        if t.dep_ == "nsubj" and t.pos_ == "PROPN":
            name = doc[_compound_start(t):t.i + 1].text
            if owner_ok.name(name):
                return name
    return None


# --------------------------------------------------------------------------------------- combining

def dedupe(actions: list[ActionFound]) -> list[ActionFound]:
    """Keep the most explicit of actions that point at the same text (an explicit action whose
    text is a whole paragraph takes the task wording the prose reading found in it: the reading
    whose subject is one of its owners, else the last one in the paragraph)."""
    rank = {"table": 0, "marker": 1, "section": 2, "prose": 3}
    ordered = sorted(actions, key=lambda a: (rank[a.source], a.start))
    kept: list[ActionFound] = []
    readings: dict[int, list[ActionFound]] = {}
    for a in ordered:
        twin = next((k for k in kept if a.block == k.block and (a.start < k.end and k.start < a.end)), None)
        if twin is not None:
            if twin.refine and a.source == "prose":
                readings.setdefault(id(twin), []).append(a)
            continue
        if any(same_task(a.task, k.task) for k in kept if k.source != "prose" and a.source == "prose"):
            continue
        kept.append(a)
    for k in kept:
        got = readings.get(id(k))
        if not got:
            continue
        mine = {o.lower() for o in k.owner}
        best = next((r for r in got if mine & {o.lower() for o in r.owner}), got[-1])
        k.task, k.refine = best.task, False
        k.due, k.due_text = k.due or best.due, k.due_text or best.due_text
    kept.sort(key=lambda a: a.start)
    return kept


__all__ = ["ActionFound", "ActionRegion", "split_owners", "is_owner_phrase", "table_actions", "flattened_table_actions",
           "marker_actions", "owner_line_actions", "assignment_list_actions", "action_regions", "section_actions", "prose_actions", "dedupe"]
