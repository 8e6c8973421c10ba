"""Names in an attendance list: splitting a list into people, cleaning each name, and the notes
written beside it (a role, initials, "(excused)", "(guest)").

Each name keeps the character span it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


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


NONE_VALUES = re.compile(r"^(none|nil|no(ne)? (received|given|apologies)|n/?a|-+|–|—|nobody|no one|"
                         r"none (received|given|noted|recorded))\.?$", re.IGNORECASE)
INITIALS = re.compile(r"^[A-Z][A-Za-z]{0,3}$")
_TITLES = {"cllr", "councillor", "dr", "mr", "mrs", "ms", "miss", "prof", "professor", "sir", "dame", "rev", "revd",
           "county", "district", "borough", "town", "parish", "director", "pcso", "trustee", "commissioner",
           "mayor", "senator", "alderman", "supervisor", "governor"}
# "Item 1 – 3 only", "for items 4-6": attendance for part of the meeting, not part of a name
_PART_MEETING = re.compile(r"\b(?:for\s+)?items?\s+\d+(?:\s*[-–—&,]\s*\d+)*(?:\s+only)?\b\s*", re.IGNORECASE)
CHAIR_NOTE = re.compile(r"^(the )?(co-?)?chair(man|woman|person)?( of the meeting)?$|^chairing$|^in the chair$|"
                        r"^presiding$|^presiding officer$|^facilitat(or|ing)$|^meeting chair$", re.IGNORECASE)
_MINUTES_NOTE = re.compile(r"^(minutes|notes|minuting|minutes secretary|minutes?[- ]?taker|scribe|note[s -]?taker|"
                           r"taking minutes|taking notes|secretary \(minutes\)|recorder|recording secretary)$",
                           re.IGNORECASE)
_HANDLE = re.compile(r"\s*\(?@[\w-]+\)?")
# "Trustees DuRocher, Lezon, Picha": a plural title before a list of surnames belongs to none of them
_PLURAL_TITLE = re.compile(r"^(?:trustees|commissioners|councillors|cllrs\.?|directors|senators|governors|members|"
                           r"aldermen|alderpersons|supervisors|selectmen|board members|council members|"
                           r"committee members)\s+(?=[A-Z])", re.IGNORECASE)
_NUM_WORDS = (r"\d+|several|some|a few|many|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
              r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|one hundred|hundreds of|dozens of|"
              r"a dozen|a number of")
# a head count of the audience: "6 Members of the Public", "Around fifty residents"
PUBLIC = re.compile(rf"^(?:(?:around|about|approximately|approx\.?|roughly|over|some|nearly|almost|c\.)\s+)?"
                    rf"(?:{_NUM_WORDS})\s+(?:other\s+)?(?:members? of the (?:public|community|press)|members?|people|"
                    rf"residents|parishioners|visitors|observers|guests|attendees|parents|students|"
                    rf"local residents)\b", re.IGNORECASE)
# ... of an audience, not of the members ("19 people present" counts everyone)
_AUDIENCE = re.compile(rf"^(?:(?:around|about|approximately|approx\.?|roughly|over|some|nearly|almost|c\.)\s+)?"
                       rf"(?:{_NUM_WORDS})\s+(?:other\s+)?(?:members? of the (?:public|community|press)|residents|"
                       rf"parishioners|visitors|observers|guests|parents|local residents)\b", re.IGNORECASE)
# the same head count following a name with no separator ("Lizzie Courtney Around fifty residents")
_TRAILING_COUNT = re.compile(rf"(?<=[a-z])\s+(?=(?:(?:around|about|approximately|approx\.?|roughly|over|some|nearly|"
                             rf"almost)\s+)?(?:{_NUM_WORDS})\s+(?:other\s+)?(?:members? of the public|residents|"
                             rf"parishioners|visitors|observers|people)\b)", re.IGNORECASE)
# people from other bodies attending a council's meeting: recorded in a present list, but guests
VISITOR = re.compile(r"^(county|district|borough|city|town)\s+(cllr|councillor)\b|^(pcso|pc|police|sgt|sergeant|"
                     r"inspector)\b|members? of the public", re.IGNORECASE)
_SENTENCE_LIKE = re.compile(r"\b(was|were|is|are|has|have|had|will|would|welcomed|thanked|asked|the meeting)\b")
_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "du", "le", "la", "al", "bin", "ibn", "mrs", "mr", "dr",
              "del", "della", "dos", "das", "ter", "ten", "op", "zu", "y"}
# capitalised words that head sections, not people
_NOT_NAMES = re.compile(r"^(action|actions|action items|agenda|minutes|notes|apologies|present|attendees|attendance|"
                        r"discussion|decisions?|updates?|finance|any other business|aob|welcome|introductions?|"
                        r"next meeting|date of next meeting|matters arising|summary|reports?|correspondence|"
                        r"none|nil|n/a|tbc|tbd|all|everyone|everybody|other|others|item|items|"
                        r"january|february|march|april|may|june|july|august|september|october|november|december|"
                        r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)$",
                        re.IGNORECASE)


def initials_fit(initials: str, name: str) -> bool:
    """'JS' fits 'Jane Smith' (and 'JSm' fits 'Jean Smyth'); 'SCC' (an affiliation) does not."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", name) if w.lower().rstrip(".") not in _TITLES]
    if not words:
        return False
    caps = initials[0]
    return caps.upper() == words[0][0].upper() and (len(words) == 1 or words[-1][0].upper() in initials.upper())


def looks_like_names(text: str) -> bool:
    parts = [p for p, _ in split_items(strip_description(text)[0])]
    if not parts:
        return False
    good = sum(1 for p in parts if namey(clean(p)[0]))
    return good / len(parts) >= 0.6 and len(text) < 600


def namey(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 6:
        return False
    if PUBLIC.match(name):
        return True
    if re.search(r"\d", name):
        return False
    caps = sum(1 for w in words if w.lstrip("“\"'‘")[:1].isupper() or w.lower() in _PARTICLES)
    return caps == len(words) and not _SENTENCE_LIKE.search(name) and not _NOT_NAMES.match(name)


def strip_description(body: str) -> tuple[str, str]:
    """'Marc Stears – Marc has recently joined UCL ...': a description after a dash that reads as a
    sentence belongs to the name before it, not to the list. Returns (list, description)."""
    dash = re.search(r"\s[-–—]\s", body)
    if dash and len(body[dash.end():].split()) > 6 and sentence_like(body[dash.end():]):
        return body[:dash.start()], body[dash.end():]
    return body, ""


def sentence_like(text: str) -> bool:
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    return bool(words) and sum(1 for w in words if w[0].islower()) >= 0.4 * len(words)


def clean(item: str) -> tuple[str, list[str], str | None]:
    """Strip markup, handles and bracketed notes; returns (name, notes, initials)."""
    s = item.strip().strip("*_`").strip()
    s = re.sub(r"^[-–—•·*+o]\s+", "", s)
    s = _HANDLE.sub("", s)
    notes: list[str] = []
    initials = None
    s = _PART_MEETING.sub("", s)
    s = re.sub(r"(?<=[A-Za-z])\s*/\s*(?=[A-Z])", "/", s)  # "Secretary / Treasurer Jan Power"
    # "Amy Meek [Chair] (AM)": a role in square brackets is a note like one in round brackets
    for pm in re.finditer(r"\[([^\]]*)\]", s):
        inner = pm.group(1).strip()
        if inner and not re.match(r"^(?:x| |✓|✔)?$", inner):
            notes.append(inner)
    s = re.sub(r"\[[^\]]*\]", " ", s)
    bare = re.sub(r"\([^)]*\)", "", s)
    fit_to = re.sub(r"\s+(?:VICE[- ])?(?:CHAIR\w*|CLERK|SECRETARY|TREASURER|PRESIDENT|MINUTES|RFO)\s*$", "", bare)
    for pm in re.finditer(r"\(([^)]*)\)", s):
        inner = pm.group(1).strip()
        if INITIALS.match(inner) and initials_fit(inner, fit_to):
            initials = inner
        elif inner:
            notes.append(inner)
    s = bare
    # "Nick Oakhill (NO) CHAIR", "Cathy Fleet CLERK": a role in capitals after the name
    trail = re.match(r"^(.+?)\s+((?:VICE[- ])?(?:CHAIR(?:MAN|WOMAN|PERSON)?|CLERK|SECRETARY|TREASURER|PRESIDENT|"
                     r"MINUTES|RFO))$", s.strip())
    if trail and len(trail.group(1).split()) >= 2:
        notes.append(trail.group(2).capitalize())
        s = trail.group(1)
    # "T. Manley: Borough Councillor": a role after a colon
    colon = re.match(r"^(.+?):\s+(.+)$", s)
    if colon and (role_like(colon.group(2)) or ROLE_ONLY.match(colon.group(2).strip(" .,;"))):
        notes.append(colon.group(2).strip(" .,;"))
        s = colon.group(1)
    # "Marc Stears – Marc has recently joined ..." : a description after a dash; "Claire Cann – Chair":
    # a role after a dash
    parts = re.split(r"\s[-–—]\s", s, maxsplit=1)
    tail = parts[1].strip(" .,;") if len(parts) == 2 else ""
    if tail and (CHAIR_NOTE.match(tail) or ROLE_ONLY.match(tail) or _MINUTES_NOTE.match(tail)):
        notes.append(parts[1].strip(" .,;"))
    s = parts[0]
    s = re.sub(r"[()\[\]]", " ", s)  # unbalanced brackets left over
    s = re.sub(r"\s+", " ", s).strip(" .,:;-–—*_")
    s = _PLURAL_TITLE.sub("", s)
    s = re.sub(r"^(?:president|chair(?:man|woman|person)?|secretary|treasurer|mayor|trustee|commissioner)\s+(?=[A-Z])",
               "", s)  # "president Rob Bishop": a title written in lower case
    s = s.replace("_", " ") if re.fullmatch(r"[A-Za-z]+(_[A-Za-z]+)+", s) else s
    return s, notes, initials


_STATUS = re.compile(r"(?P<sep>\s*[-–—:]\s*|\s+)(?P<status>present|absent|excused|apologies|here|late|arrived late|"
                     r"not present|absent \(excused\)|absent \(unexcused\)|attending|regrets)\.?\s*$",
                     re.IGNORECASE)


_LIST_VERB = re.compile(r"(?<=[a-z)])\s+(?:(?:were|was|are|is)\s+(?:all\s+)?(?:also\s+)?(?:present|in attendance)|"
                        r"(?:also\s+)?attended(?:\s+the meeting)?)(?=\s*(?:[.;]|$))")


def trim_tail(text: str) -> str:
    """'Tom Foy (TF) who was unavoidably detained' -> 'Tom Foy (TF)': the names a sentence gives end
    where its clause goes on."""
    m = re.search(r"\s(?:who|whom|which|that|as|because|due|owing|since|but|for|from|with|at|on|in|was|were|is|"
                  r"are|has|have|had|due to|being|having|unfortunately|although|though|while|if|to)\b(?![^()]*\))",
                  text)
    return text[:m.start()] if m else text


def split_items(body: str) -> list[tuple[str, int]]:
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
        pos = 0
        while True:
            m = re.search(r"[)\]]\s*(?:(?:for\s+)?items?\s+\d+(?:\s*[-–—&,]\s*\d+)*(?:\s+only)?\s+)?"
                          r"(?=(?:[A-Z][\w'’-]*\s+){1,3}[A-Z][\w'’-]*)", t[pos:], re.IGNORECASE)
            if not m or t[pos + m.end():].lstrip().startswith(("(", "[")) or not t[pos + m.end()].isupper():
                break
            split.append((t[:pos + m.start() + 1], o))
            t, o = t[pos + m.end():], o + pos + m.end()
            pos = 0
        # "Lizzie Courtney Around fifty residents": a head count run on after the last name
        c = _TRAILING_COUNT.search(t)
        if c and namey(t[:c.start()].strip()):
            split.append((t[:c.start()], o))
            split.append((t[c.end():], o + c.end()))
        else:
            split.append((t, o))
    return [(t, o) for t, o in split if t.strip()]


_CELL_TITLE = re.compile(r"^(?:Cllr|Councillor|Mr|Mrs|Ms|Miss|Dr|Prof|Rev|Revd|Sir|Dame|County|District|Borough|"
                         r"Parish|Town)\.?$")


def pair_names(text: str) -> str:
    """'Norma Jones Carol Couzens Cllr Arash Fatemian': the lines of a table cell joined with no
    separator, read as first name + surname pairs (each title kept with the name after it)."""
    if re.search(r"[,;&()\[\]]|\band\b", text):
        return text
    words = text.split()
    core = [w for w in words if not _CELL_TITLE.match(w)]
    if len(core) < 4 or len(core) % 2 or not all(re.fullmatch(r"[A-Z][\w'’-]+", w) for w in core):
        return text
    out, cur, n = [], [], 0
    for w in words:
        cur.append(w)
        if not _CELL_TITLE.match(w):
            n += 1
            if n % 2 == 0:
                out.append(" ".join(cur))
                cur = []
    joined = ",".join(out)  # a comma in place of the space between two names: offsets stay exact
    return joined if not cur and len(joined) == len(" ".join(words)) and " ".join(words) == text else text


_BRACKETED = re.compile(r"(\s*\[)([^\[\]]*[^\[\]\sxX][^\[\]]*)\]\s*")


def add_names(ab: AttendanceBlock, value: str, value_start: int, block: int, page: int | None) -> int:
    return add_joined(ab, [(value, value_start, block, page)])


def add_joined(ab: AttendanceBlock, pieces: list[tuple[str, int, int, int | None]], joiner: str = " ") -> int:
    """Split names across one or more text pieces (a list broken over blocks is joined first).
    Returns where the list ended in the first piece (its length when the list ran to its end)."""
    joined = ""
    offsets: list[tuple[int, int, int, int | None]] = []  # (pos in joined, doc offset, block, page)
    for k, (text, start, block, page) in enumerate(pieces):
        if k:
            joined += joiner
        offsets.append((len(joined), start, block, page))
        joined += text
    # "A, B and C were present.": the verb after the last name is not part of it
    tail = _LIST_VERB.search(joined[:400 + len(pieces[0][0])])
    if tail:
        joined = joined[:tail.start()] + " " * (tail.end() - tail.start()) + joined[tail.end():]
    # A sentence after the list ("6 Members of the Public.   PCSO X was present for part") ends it.
    cut = re.search(r"(?<!\b[A-Z])(?:\.\s{2,}|\.\s+(?=[A-Z][a-z]+ [a-z]+ )|[.;]\s+(?=[A-Z][A-Za-z ]{1,30}:)|"
                    r"\.\s+(?=(?:[A-Z][\w'’-]+\s){1,3}(?:was|were|is|had|has|sent|gave)\b))", joined)
    body = joined[:cut.start()] if cut else joined
    end_in_first = min(len(body), len(pieces[0][0]))
    # "Marc Stears – Marc has recently joined UCL to set up ..., the UCL Policy Lab": a long
    # description after a dash belongs to the name before it, not to the list.
    body, described_as = strip_description(body)
    if NONE_VALUES.match(body.strip()):
        return end_in_first
    items = split_items(body)
    # "[Phil Friesen]": a wiki or Markdown link whose target was not found keeps its brackets
    items = [(m.group(2), off + len(m.group(1))) if (m := _BRACKETED.fullmatch(text)) else (text, off)
             for text, off in items]
    # "Dr Andrew Payne, Chairman (AP)": a role (and initials) after a name belongs to that name
    merged: list[list] = []  # [text, offset, extra notes, initials]
    for text, off in items:
        name, notes, initials = clean(text)
        if merged and name and (ROLE_ONLY.match(name) or is_role_phrase(name) or _ORG.search(name)):
            merged[-1][2].append(name)
            prev = clean(merged[-1][0])[0]
            for n in notes:  # "Hal Brook, Chair (HB)": the initials are the name's, not the role's
                if INITIALS.match(n) and initials_fit(n, prev) and not (merged[-1][3] or initials):
                    initials = n
                else:
                    merged[-1][2].append(n)
            merged[-1][3] = merged[-1][3] or initials
            continue
        merged.append([text, off, [], None])
    for text, off, extra, extra_initials in merged:
        if re.match(r"^\s*(?:[-*+]\s+)?\[ \]", text) and ab.role == "present":
            continue  # "[ ] Jane Doe": an unticked box in a list of attendees
        status = None
        st = _STATUS.search(text) if ab.role in ("present", "absent", "apologies") else None
        if st and (st.group("sep").strip() or "roll" in ab.label.lower()):
            # roll call: "Commissioner Fort – present", "Harp: absent", "Lee excused"
            status, text = st.group("status").lower(), text[:st.start()]
        name, notes, initials = clean(text)
        notes = notes + extra
        initials = initials or extra_initials
        handle = ab.role in ("chair", "minutes") and bool(re.fullmatch(r"[a-z][a-z0-9_-]{2,30}", name))
        if not name or NONE_VALUES.match(name) or not (namey(name) or handle):
            continue  # (a chair's handle, 'eholk', is kept to be matched with the list)
        lead = text.find(name.split()[0]) if name.split() else 0
        s = off + max(lead, 0)
        doc_off, blk, page = _map(offsets, s)
        role = ab.role
        if status:
            role = ("present" if status in ("present", "here", "late", "arrived late", "yes", "attending") else
                    "apologies" if status.startswith(("excused", "apolog", "regrets")) else "absent")
        if described_as and len(merged) == 1:
            notes.append(described_as.split(",")[0].strip())
        # "(excused)" beside an absent member is an apology; "(guest)" in a present list a guest
        if role in ("absent", "present") and any(_EXCUSED.match(n) for n in notes):
            role = "apologies"
        elif role == "present" and any(_ABSENT_NOTE.match(n) for n in notes):
            role = "absent"
        if role == "present" and (any(_GUEST_NOTE.match(n) or VISITOR.match(n) for n in notes) or VISITOR.search(name)):
            role = "guests"
        if role == "present" and _AUDIENCE.match(name):
            role = "guests"
        note = "; ".join(notes) or None
        if ab.role in ("present", "guests") and role == ab.role and any(CHAIR_NOTE.match(n) for n in notes):
            ab.entries.append(AttendanceEntry(name, "chair", doc_off, doc_off + len(name), blk, page, note, initials))
        if ab.role in ("present", "guests") and role == ab.role and any(_MINUTES_NOTE.match(n) for n in notes):
            ab.entries.append(AttendanceEntry(name, "minutes", doc_off, doc_off + len(name), blk, page, note, initials))
        ab.entries.append(AttendanceEntry(name, role, doc_off, doc_off + len(name), blk, page, note, initials))
    return end_in_first


_ROLE_NOUNS = {"manager", "director", "officer", "secretary", "treasurer", "chair", "chairman", "chairwoman", "clerk",
               "librarian", "coordinator", "co-ordinator", "administrator", "assistant", "adviser", "advisor",
               "consultant", "accountant", "auditor", "auditors", "cpa", "counsel", "solicitor", "lawyer", "engineer",
               "president", "trustee", "minuting", "minutes", "facilitator", "lead", "head", "member", "liaison",
               "captain", "coach", "supervisor", "teacher", "headteacher", "principal", "representative", "rep",
               "governor", "mayor", "convenor", "convener", "organiser", "organizer", "editor", "webmaster",
               "volunteer", "student", "parent", "observer", "guest", "visitor", "speaker", "presenter", "staff",
               "chairperson", "vice-chair", "vice-president", "ceo", "cfo", "coo", "cto", "councillor", "councilor",
               "commissioner", "alderman", "senator"}
ORG = re.compile(r"\b(LLP|Ltd|Limited|Inc|plc|LLC|Council|Foundation|University|Trust|Associates|Partners|Group)\.?$")
_ORG = ORG


def is_role_phrase(name: str) -> bool:
    """'Homeownership Program Manager', 'Head of Finance', 'CPA': a role given after a name."""
    words = name.split()
    if not words:
        return False
    if words[0].lower() in ("head", "director", "chair") and len(words) > 2 and words[1].lower() == "of":
        return True
    return words[-1].lower().strip(".") in _ROLE_NOUNS and (len(words) > 1 or words[0].isupper())


def role_like(text: str) -> bool:
    """A table cell that holds a role ('Vice President/Website', 'Captain', 'Head of IT'), not a name."""
    t = re.sub(r"[^\w\s/&-]", " ", text).strip()
    if not t:
        return False
    parts = [p.strip() for p in re.split(r"[/&,]| and ", t) if p.strip()]
    return any(p.split()[-1].lower().rstrip("s") in _ROLE_NOUNS or p.split()[-1].lower() in _ROLE_NOUNS
               or ROLE_ONLY.match(p) or is_role_phrase(p) for p in parts)


_EXCUSED = re.compile(r"^(excused|apologies|with apologies|apology (given|received|sent)|sent apologies|"
                      r"apologies (given|received|sent|noted)|absent with apologies|regrets|sent regrets)$",
                      re.IGNORECASE)
_ABSENT_NOTE = re.compile(r"^(absent|not present|unexcused|absent without apologies|did not attend)$", re.IGNORECASE)
_GUEST_NOTE = re.compile(r"^(guest|invited guest|observer|visitor|non-member|invited|guest speaker|presenter)\b",
                         re.IGNORECASE)
ROLE_ONLY = re.compile(
    r"^(the )?(vice|deputy|assistant|acting|honorary|hon|co|joint|minutes|membership|events?|social|welfare|"
    r"publicity|communications|press|general|executive|finance|library|parish|county|borough|town)?[- ]?"
    r"(chair(man|woman|person)?|president|treasurer|secretary|clerk|co-?ordinator|coordinator|officer|manager|"
    r"director|trustee|minute[- ]?taker|scribe|convenor|convener|rfo)$", re.IGNORECASE)
# ". " ends a list item unless it closes an initial or a title ("J. Smith", "Dr. Payne")
_ITEM_SEP = re.compile(r"\s*(?:[,;]|(?<![A-Z])(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)(?<!\bCllr)(?<!\bCllrs)"
                       r"(?<!\bRev)(?<!\bRevd)(?<!\bProf)\.\s+|\band\b|&|\s•\s)\s*")


def _map(offsets: list[tuple[int, int, int, int | None]], pos: int) -> tuple[int, int, int | None]:
    best = offsets[0]
    for o in offsets:
        if o[0] <= pos:
            best = o
    return best[1] + (pos - best[0]), best[2], best[3]
