"""Action items: who must do what by when.

Four sources, most explicit first:

1. action tables, whatever the column order ("Agreed approach | Person taking this on | Deadline",
   "Owner | Action | Due", "Action items | Person responsible | Deadline"), including a table whose
   header is misaligned with its rows (the column of names is the owner column) and a table that a
   text extraction flattened into lines;
2. markers: "ACTION: ...", "ACTION MW: ...", "ACTION(magda): ...", "- [ ] @alice to ...", an
   Action column beside a paragraph;
3. items of an "Actions" / "Action items" / "Tasks" / "Next steps" section;
4. prose (implicit, ``explicit=False``): "X agreed to ...", "X will ...", "X to ...", "X was asked
   to ...", "It was agreed to ...", "... will be forwarded to Highways" (no owner: we abstain).

Owners are kept as written ("Lizzie", "NS", "the Clerk"); a person named nowhere gets ``owner=[]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from .document import Block, Document

if TYPE_CHECKING:  # pragma: no cover
    from .parsed import ParsedDocument
    from .structure import SectionInfo, Structure

# ------------------------------------------------------------------------------------ vocabulary

_TASK_HEAD = re.compile(r"^(actions?( items?| points?| agreed| required)?|tasks?|agreed (approach|actions?)|next steps?|"
                        r"what|description|to ?do|action/decision|item|issue)\W*$", re.IGNORECASE)
_OWNER_HEAD = re.compile(r"^(owners?|who|by whom|person( taking this on| responsible)?|responsible( person)?|lead|"
                         r"assigned( to)?|assignee|action (by|owner)|name|people)\W*$", re.IGNORECASE)
_DUE_HEAD = re.compile(r"^(deadline|due( date| by)?|by when|when|date( due)?|target( date)?|timescale|by|completion date)\W*$",
                       re.IGNORECASE)
_STATUS_HEAD = re.compile(r"^(status|progress|done|complete[d]?|update|outcome)\W*$", re.IGNORECASE)
_ACTION_COLUMN = re.compile(r"^actions?\W*$", re.IGNORECASE)

_ACTION_SECTION = re.compile(r"^(actions?|action items?|action points?|actions? agreed|agreed actions|new actions|"
                             r"tasks?|to-?dos?|next steps?|action log|summary of actions|actions? arising|"
                             r"follow[- ]ups?)\W*$", re.IGNORECASE)

_GROUP_OWNERS = {"all", "everyone", "everybody", "team", "the team", "committee", "the committee", "board", "the board",
                 "trustees", "the trustees", "directors", "officers", "staff", "members", "all members",
                 "all team members", "all trustees", "council", "the council", "group", "the group", "tbc", "tbd"}
_ROLE_OWNERS = re.compile(r"^(the )?(clerk|chair|chairman|chairwoman|chairperson|vice[- ]chair|treasurer|secretary|"
                          r"president|convenor|convener|rfo|chief executive|ceo|director|manager|coordinator|"
                          r"co-ordinator|scribe|webmaster|editor|librarian)$", re.IGNORECASE)
_NO_OWNER = re.compile(r"^(n/?a|none|-+|–|—|tbc|tbd|\?+|nobody|unassigned)$", re.IGNORECASE)

_MARKER = re.compile(
    r"^\W{0,4}(?:action(?:s| point| item)?|to ?do)\b"
    r"(?:\s*\((?P<paren>[^)]{1,40})\))?"
    r"(?P<who>(?:\s+(?:[A-Z][A-Za-z]{0,3}|@[\w-]+)(?:\s*[/,&]\s*(?:[A-Z][A-Za-z]{0,3}|@[\w-]+))*))?"
    r"\s*(?::|\s[-–—]\s|\*\*:?)\s*\**\s*(?P<task>\S.*)$",
    re.IGNORECASE)
_TRAILING_MARKER = re.compile(r"(?:^|[.;]\s+|\s[-–—]\s|\()\**\s*action(?:\s*(?:by|:))?\s*[:\-–]?\s*\**\s*"
                              r"(?P<who>[A-Z][\w'’.-]*(?:\s*(?:[/,&]|and)\s*[A-Z][\w'’.-]*)*)\s*\)?\s*\.?$")
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\]\s*(?P<task>.+)$")
_STATUS_LINE = re.compile(r"^(?:action\s+)?(?P<status>in progress|carried forwards?|complete[d]?|done|cancell?ed|closed|"
                          r"ongoing|open|deferred|superseded|new)\.?$", re.IGNORECASE)
_ARROW = re.compile(r"^(?P<what>[^>]{1,60}?)\s*(?:->|→|=>)\s*(?P<rest>.+)$")
_NUM_PREFIX = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]|[a-z][.)]|\(?[ivx]{1,4}\))\s+")
_URL = re.compile(r"^\s*(https?://|www\.)\S+\s*$")

# verbs that do not make an action of "X will ..." ("X will be pleased", "it will have")
_STATIVE = {"be", "have", "need", "want", "like", "know", "seem", "remain", "mean", "depend", "appear", "feel",
            "hope", "love", "hate", "prefer", "cost", "take", "allow", "include", "require", "help", "make"}
_COMMIT_VERBS = {"agree", "undertake", "volunteer", "offer", "promise", "commit", "ask", "task", "request", "charge",
                 "delegate", "nominate", "appoint", "elect", "assign", "invite", "instruct", "plan", "intend"}
# "The Board agreed to accept the application": a decision, not something left to do
_DECIDE_VERBS = {"accept", "approve", "adopt", "endorse", "ratify", "note", "receive", "grant", "allow", "support",
                 "agree", "reject", "decline", "confirm", "appoint", "elect", "defer", "postpone", "award"}
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


# ----------------------------------------------------------------------------------------- owners

_OWNER_SPLIT = re.compile(r"\s*(?:,|;|/|&|\+|\band\b|\s[-–—]\s)\s*")
_TO_VERB = re.compile(r"\s+(?:to|will|shall|should|is to|are to)\s+[a-z].*$")


def split_owners(text: str) -> list[str]:
    """'Graham, Sarah and team' -> ['Graham', 'Sarah', 'team']; 'All – Lizzie/Nicc to send' ->
    ['All', 'Lizzie', 'Nicc']. Names are kept as written."""
    t = re.sub(r"\([^)]*\)", " ", text or "").strip()
    t = _TO_VERB.sub("", t)
    t = t.strip(" .:;*_")
    if not t or _NO_OWNER.match(t):
        return []
    out: list[str] = []
    for part in _OWNER_SPLIT.split(t):
        part = part.strip(" .:;*_@")
        part = re.sub(r"^@", "", part)
        if part and not _NO_OWNER.match(part):
            out.append(part)
    return out


def is_owner_phrase(text: str, known: Callable[[str], bool] | None = None) -> bool:
    """Whether ``text`` names owners: people (capitalised names, initials, handles), roles or groups."""
    parts = split_owners(text)
    if not parts or len(text) > 80:
        return False
    return all(_owner_like(p, known) for p in parts)


def _owner_like(p: str, known: Callable[[str], bool] | None = None) -> bool:
    if known and known(p):
        return True
    low = p.lower()
    if low in _GROUP_OWNERS or _ROLE_OWNERS.match(p):
        return True
    words = p.split()
    if not 1 <= len(words) <= 4:
        return False
    if re.fullmatch(r"[A-Z]{1,4}[a-z]?", p):  # initials
        return True
    if re.fullmatch(r"@?[a-z][\w-]{1,30}", p) and known is None:
        return False
    return all(w[:1].isupper() or w.lower() in ("de", "van", "von", "da", "le", "la", "team", "members", "of", "the")
               for w in words)


# ------------------------------------------------------------------------------------------ tables

def _classify_header(cells: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for k, c in enumerate(cells):
        c = c.strip()
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
        header_rows = [r for r in rows[:2] if r.header or _classify_header(r.cell_texts()).keys() >= {"task"}]
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
                                      confidence=0.8, section=section_of(block_index[id(r)]))
                    due = due_of(text)
                    act.due, act.due_text = due[0], due[1]
                    out.append(act)
                continue
            if "task" not in cols or not ({"owner", "due"} & cols.keys()):
                continue
            tcol, ocol = cols["task"], cols.get("owner")
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
                due_cell = texts[cols["due"]] if "due" in cols and cols["due"] < len(texts) else ""
                status = texts[cols["status"]] if "status" in cols and cols["status"] < len(texts) else None
                cell = r.cells[tcol]
                act = ActionFound(task=task, owner=split_owners(who), explicit=True, source="table",
                                  start=cell.start, end=cell.end, block=block_index[id(r)], confidence=0.95,
                                  status=(status or None), section=section_of(block_index[id(r)]))
                if due_cell:
                    d = due_of(due_cell)
                    act.due, act.due_text = d[0], d[1] or due_cell
                out.append(act)
        del header_rows
    return out


def _split_on_headers(rows: list[Block]) -> list[tuple[Block | None, list[Block]]]:
    out: list[tuple[Block | None, list[Block]]] = []
    head: Block | None = None
    body: list[Block] = []
    for r in rows:
        cols = _classify_header(r.cell_texts())
        is_head = r.header or ("task" in cols and ({"owner", "due"} & cols.keys())) or \
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
            task_blocks = before[:owner_at] + [i for i in parts[due_at + 1:] if blocks[i].text[:1].islower()]
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

def marker_actions(doc: Document, *, section_of: Callable[[int], str | None], due_of: Callable[[str], tuple],
                   known: Callable[[str], bool] | None = None) -> list[ActionFound]:
    out: list[ActionFound] = []
    blocks = doc.blocks
    for i, b in enumerate(blocks):
        if b.kind == "table_row":
            continue
        text = b.text
        m = _MARKER.match(text)
        if m and not _STATUS_LINE.match(text):
            task = m.group("task").strip().strip("*").strip()
            who = (m.group("paren") or "") + " " + (m.group("who") or "")
            owners = split_owners(who.strip())
            task_start = b.start + m.start("task")
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
            act = ActionFound(task=task2, owner=owners, explicit=True, source="marker",
                              start=b.start + cb.start("task"), end=b.end, block=i, confidence=0.9,
                              status="complete" if cb.group("mark") in "xX" else "open", section=section_of(i))
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


_OWNER_COLON = re.compile(r"^(?P<who>@?[A-Z@][\w'’.@-]*(?:\s+[A-Z][\w'’.-]*){0,3}(?:\s*(?:,|&|and|/)\s*@?[A-Z@][\w'’.-]*"
                          r"(?:\s+[A-Z][\w'’.-]*){0,3})*)\s*(?::|\s[-–—]\s)\s*(?P<task>\S.*)$")
_OWNER_TO = re.compile(r"^(?P<who>(?:the\s+)?@?[A-Z@][\w'’.@-]*(?:\s+[A-Z][\w'’.-]*){0,3}(?:\s*(?:,|&|and|/)\s*(?:the\s+)?"
                       r"@?[A-Z@][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})*)\s+(?:to|will|is to|are to|agreed to)\s+"
                       r"(?P<task>[a-z].*)$")
_OWNER_PAREN = re.compile(r"^(?P<task>.+?)\s*[\(\[](?:owner:?\s*)?(?P<who>@?[A-Z@][\w'’.@ -]{0,30}?)[\)\]]\s*\.?$")


def _owner_from_task(task: str, known: Callable[[str], bool] | None) -> tuple[list[str], str]:
    """'Clerk to write to Highways' -> (['Clerk'], 'write to Highways'); '@alice to ...'; 'Greg: update ...'."""
    for rx in (_OWNER_COLON, _OWNER_TO):
        m = rx.match(task)
        if m and is_owner_phrase(m.group("who"), known):
            return split_owners(m.group("who")), m.group("task").strip()
    m = _OWNER_PAREN.match(task)
    if m and is_owner_phrase(m.group("who"), known):
        return split_owners(m.group("who")), m.group("task").strip()
    handles = re.findall(r"@([\w-]+)", task)
    if handles:
        return handles, task
    return [], task


# --------------------------------------------------------------------------------- action sections

def section_actions(doc: Document, st: "Structure", *, due_of: Callable[[str], tuple],
                    known: Callable[[str], bool] | None = None, taken: set[int] = frozenset()) -> list[ActionFound]:
    out: list[ActionFound] = []
    blocks = doc.blocks
    for s in st.sections:
        if not _ACTION_SECTION.match(s.heading):
            continue
        idx = [i for i, b in enumerate(blocks) if s.body_start <= b.start < s.body_end and i != s.block]
        items = [i for i in idx if blocks[i].kind in ("list_item", "paragraph") and i not in taken
                 and not _URL.match(blocks[i].text) and not _STATUS_LINE.match(blocks[i].text)]
        if not items:
            continue
        if any(blocks[i].kind == "table_row" for i in idx):
            continue  # the table holds the actions
        levels = [blocks[i].level or 0 for i in items if blocks[i].kind == "list_item"]
        top = min(levels) if levels else 0
        for i in items:
            b = blocks[i]
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
            if children and (task.endswith(":") or len(task.split()) <= 3):
                task = task.rstrip(":") + ": " + "; ".join(children)
            act = ActionFound(task=task, owner=owners, explicit=True, source="section", start=b.start, end=b.end,
                              block=i, confidence=0.85, section=s.heading)
            d = due_of(b.text)
            act.due, act.due_text = d[0], d[1]
            out.append(act)
    return out


# ------------------------------------------------------------------------------------------- prose

def prose_actions(parsed: "ParsedDocument", *, section_of: Callable[[int], str | None],
                  due_of: Callable[[str], tuple], known: Callable[[str], bool] | None = None,
                  skip_blocks: set[int] = frozenset(), skip_sections: Callable[[int], bool] | None = None
                  ) -> list[ActionFound]:
    """Actions only implied by prose, found on the dependency parse of each sentence."""
    out: list[ActionFound] = []
    doc = parsed.document
    for i, b in enumerate(doc.blocks):
        if i in skip_blocks or b.kind in ("heading", "table_row"):
            continue
        if skip_sections and skip_sections(i):
            continue
        sdoc = parsed.docs[i]
        for sent in sdoc.sents:
            for found in _sentence_actions(sent, known):
                task_span, owners, how = found
                s0, e0 = task_span
                task = sdoc.text[s0:e0].strip().rstrip(".;,")
                if len(task.split()) < 2:
                    continue
                act = ActionFound(task=task, owner=owners, explicit=False, source="prose",
                                  start=b.start + sent.start_char, end=b.start + sent.end_char, block=i,
                                  confidence={"agreed": 0.75, "asked": 0.75, "to": 0.7, "will": 0.6,
                                              "passive": 0.5, "arrow": 0.55}.get(how, 0.5),
                                  section=section_of(i))
                d = due_of(sent.text)
                act.due, act.due_text = d[0], d[1]
                out.append(act)
    return out


def _subject_owners(verb, known) -> list[str]:
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None:
        return []
    heads = [subj] + [c for c in subj.conjuncts]
    names = []
    for h in heads:
        span = h.doc[h.left_edge.i:h.i + 1] if h.dep_ != "conj" else h.doc[_compound_start(h):h.i + 1]
        text = span.text.strip()
        text = re.sub(r"^(and|or)\s+", "", text)
        names.append(text)
    return names


def _compound_start(tok) -> int:
    start = tok.i
    for c in tok.lefts:
        if c.dep_ in ("compound", "det", "amod", "nmod", "poss") and c.i < start:
            start = c.i
    return start


def _owner_ok(names: list[str], known) -> bool:
    return bool(names) and all(_owner_like(n.strip(), known) or (known and known(n)) for n in names)


def _vp_span(verb) -> tuple[int, int]:
    """From the verb to the end of its clause (without a trailing conjunct clause that has its own subject)."""
    right = verb.i
    for t in verb.subtree:
        if t.i > right:
            right = t.i
    # stop before a coordinated clause with its own subject
    for c in verb.children:
        if c.dep_ == "conj" and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children):
            right = min(right, c.left_edge.i - 1)
    start = verb.i
    end_tok = verb.doc[max(start, right)]
    return verb.idx, end_tok.idx + len(end_tok.text)


def _sentence_actions(sent, known) -> list[tuple[tuple[int, int], list[str], str]]:
    out = []
    root = sent.root
    text_low = sent.text.lower()
    if "?" in sent.text:
        return out
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX") and tok.dep_ != "ROOT":
            continue
        lemma = tok.lemma_.lower()
        # "X agreed to look into this", "X was asked to ...", "X volunteered to ..."
        if lemma in _COMMIT_VERBS and lemma not in ("offer",):
            xcomp = next((c for c in tok.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
            if xcomp is not None and xcomp.lemma_.lower() not in _STATIVE and xcomp.lemma_.lower() not in _DECIDE_VERBS:
                owners = _subject_owners(tok, known)
                if lemma in ("ask", "task", "request", "charge", "invite", "instruct", "assign", "nominate"):
                    # "X was asked to": the passive subject acts; "the Board asked X to": the object does
                    obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
                    if any(c.dep_ == "nsubjpass" for c in tok.children):
                        pass
                    elif obj is not None:
                        owners = [tok.doc[_compound_start(obj):obj.i + 1].text] + [c.text for c in obj.conjuncts]
                    else:
                        continue
                if re.match(r"^(it|this|that)$", " ".join(owners).lower()):
                    owners = []  # "It was agreed to ..."
                elif owners and not _owner_ok(owners, known):
                    if all(o.lower() in ("we", "they", "he", "she", "i") for o in owners):
                        owners = []
                    else:
                        continue
                out.append((_vp_span(xcomp), owners, "agreed" if lemma != "ask" else "asked"))
                continue
        # "X will VERB ..." / "X is to VERB" / "X to VERB ..." (sentence-initial subject + infinitive)
        aux = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
        aux_low = [a.lower_ for a in aux]
        if tok.pos_ != "VERB" or lemma in _STATIVE or lemma in _SPEECH:
            continue
        if tok.tag_ in ("VBD", "VBN") and not ({"will", "shall", "be"} & set(aux_low)):
            continue
        passive = any(c.dep_ == "nsubjpass" for c in tok.children) or "auxpass" in [c.dep_ for c in tok.children]
        if "will" in aux_low or "shall" in aux_low:
            if any(a.lower_ in ("would", "could", "might", "may") for a in aux):
                continue
            if any(c.dep_ == "neg" for c in tok.children):
                continue
            if passive:
                agent = next((c for c in tok.children if c.dep_ == "agent"), None)
                owners = []
                if agent is not None:
                    pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
                    if pobj is not None:
                        owners = [tok.doc[_compound_start(pobj):pobj.i + 1].text]
                        if not _owner_ok(owners, known):
                            owners = []
                subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
                if subj is None or subj.lower_ in ("it", "this", "that", "there"):
                    continue
                s0 = subj.left_edge.idx
                _, e0 = _vp_span(tok)
                out.append(((s0, e0), owners, "passive"))
                continue
            owners = _subject_owners(tok, known)
            if not owners:
                continue
            if all(o.lower() in ("he", "she", "they", "we", "i") for o in owners):
                if owners[0].lower() not in ("he", "she"):
                    continue  # "we will be publishing ...": no one in particular
                prev_person = _previous_person(tok, known)
                if prev_person is None:
                    continue
                owners = [prev_person]
            elif not _owner_ok(owners, known):
                continue
            out.append((_vp_span(tok), owners, "will"))
            continue
        if tok.dep_ == "ROOT" and aux_low[:1] == ["to"] and tok.i > sent.start:
            owners = _subject_owners(tok, known)
            if owners and _owner_ok(owners, known) and not re.search(r"\b(was|were|is|are|has|had)\b",
                                                                     sent.text[:tok.idx - sent.start_char]):
                out.append((_vp_span(tok), owners, "to"))
    del root, text_low
    return out


def _previous_person(tok, known) -> str | None:
    """The person a pronoun subject refers to: the nearest preceding subject that names someone."""
    doc = tok.doc
    for t in reversed(list(doc[:tok.i])):
        if t.dep_ in ("nsubj",) and t.pos_ == "PROPN":
            name = doc[_compound_start(t):t.i + 1].text
            if (known(name) if known else _owner_like(name, None)):
                return name
    return None


# --------------------------------------------------------------------------------------- combining

def dedupe(actions: list[ActionFound]) -> list[ActionFound]:
    """Keep the most explicit of actions that point at the same text."""
    rank = {"table": 0, "marker": 1, "section": 2, "prose": 3}
    ordered = sorted(actions, key=lambda a: (rank[a.source], a.start))
    kept: list[ActionFound] = []
    for a in ordered:
        if any(a.block == k.block and (a.start < k.end and k.start < a.end) for k in kept):
            continue
        if any(_same_task(a.task, k.task) for k in kept if k.source != "prose" and a.source == "prose"):
            continue
        kept.append(a)
    kept.sort(key=lambda a: a.start)
    return kept


def _same_task(a: str, b: str) -> bool:
    wa = set(re.findall(r"[a-z]{3,}", a.lower()))
    wb = set(re.findall(r"[a-z]{3,}", b.lower()))
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= 0.6


__all__ = ["ActionFound", "split_owners", "is_owner_phrase", "table_actions", "flattened_table_actions",
           "marker_actions", "section_actions", "prose_actions", "dedupe"]
