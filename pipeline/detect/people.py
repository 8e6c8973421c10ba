"""The people of one meeting: who they are, what they are called, where they are mentioned.

A ``PeopleIndex`` is built from the attendance entries (``structure(doc).attendance``): one
``Attendee`` per distinct person, with every form the document writes the name in, the initials it
defines ("Dr Andrew Payne, Chairman (AP)"), officer roles from the notes ("Mrs C Hardy (Clerk)") and
handles ("Ege_Korkan", "@mcollina").

``PeopleIndex.resolve`` maps a mention ("Cllr Hand", "Nicc", "DO", "the Clerk", "ege") to one
attendee, or to nobody. Every rule abstains when more than one attendee fits: a wrong attendee or a
wrong action owner is worse than none. Two different people are never merged, however close their
names ("Laura Crane" / "Laura Cream").

``find_mentions`` finds person mentions in the parsed text; ``speakers`` finds who speaks
("Name:" lines, "<nick>" lines, "X said/asked/..."); ``people_warnings`` flags speakers and action
owners who are not in the attendance list; ``to_record`` emits ``record.Person``s.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

from pipeline.core.document import Document
from pipeline.core.names import TITLES, has_title, words_of
from pipeline.core.record import Person, Provenance, Warning
from pipeline.core.resources import model_path
from pipeline.detect.owners import is_group, split_owners
from pipeline.structure.attendance import AttendanceEntry

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from pipeline.detect.parsed import ParsedDocument
    from pipeline.structure.structure import Structure

# ----------------------------------------------------------------------------------------- names

_WORD = re.compile(r"[^\W_\d]+(?:[-'’][^\W_\d]+)*")
_PUBLIC = re.compile(r"^(\d+|several|some|two|three|four|five|six|seven|eight|nine|ten)\s+(members?|people|"
                     r"residents|parishioners|visitors|observers)\b|members? of the public", re.IGNORECASE)
_INITIALS_NOTE = re.compile(r"^[A-Z][A-Za-z]{0,3}$")

# Officer roles: canonical name -> how they are written (lower case, without "the").
OFFICES: dict[str, tuple[str, ...]] = {
    "Chair": ("chair", "chairman", "chairwoman", "chairperson", "chair person", "co-chair", "cochair",
              "chairing", "in the chair", "chair of the meeting"),
    "Vice-Chair": ("vice-chair", "vice chair", "vice-chairman", "vice chairman", "vice-chairwoman", "deputy chair",
                   "vice-chairperson"),
    "Clerk": ("clerk", "parish clerk", "town clerk", "clerk to the council", "clerk and rfo", "clerk/rfo", "rfo"),
    "Treasurer": ("treasurer", "hon treasurer", "honorary treasurer"),
    "Secretary": ("secretary", "hon secretary", "honorary secretary", "company secretary", "general secretary"),
    "Minutes": ("minutes", "minutes secretary", "minute taker", "minute-taker", "minuting", "scribe", "note taker",
                "note-taker", "notes", "secretary (minutes)"),
    "President": ("president",),
    "Chief Executive": ("chief executive", "chief executive officer", "ceo"),
}
_OFFICE_OF: dict[str, str] = {w: canon for canon, words in OFFICES.items() for w in words}
# The attendance role that also makes someone the holder of an office.
_ROLE_OFFICE = {"chair": "Chair", "minutes": "Minutes"}


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    try:
        from spacy.lang.en.stop_words import STOP_WORDS
        return frozenset(STOP_WORDS)
    except Exception:  # pragma: no cover
        return frozenset({"she", "he", "her", "his", "the", "and", "will", "can", "may", "all", "not", "was"})


def office_of(text: str) -> str | None:
    """'the Clerk' -> 'Clerk'; 'Chairman' -> 'Chair'; 'Minutes Secretary' -> 'Minutes'; 'Clerk and
    Responsible Financial Officer' -> 'Clerk' (the first office a compound note names); else None."""
    t = re.sub(r"[’']s$", "", text.strip().strip(".,:;*_")).lower()
    t = re.sub(r"^the\s+", "", t)
    t = re.sub(r"\s+", " ", t)
    if t in _OFFICE_OF:
        return _OFFICE_OF[t]
    first = re.split(r"\s+(?:and|&)\s+|\s*[,/;]\s*", t, maxsplit=1)[0]
    return _OFFICE_OF.get(first) if first != t else None


@functools.lru_cache(maxsize=1)
def nicknames() -> dict[str, frozenset[str]]:
    """short form -> formal first names, from models/nicknames.tsv (lower case)."""
    out: dict[str, set[str]] = {}
    path = model_path("nicknames.tsv")
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#") or line.startswith("nickname\t"):
                continue
            parts = line.split("\t")
            if len(parts) >= 2:
                out.setdefault(parts[0].strip().lower(), set()).add(parts[1].strip().lower())
    return {k: frozenset(v) for k, v in out.items()}


def _nick_related(a: str, b: str) -> bool:
    """One of two first names is a listed short form of the other ('bob'/'robert', 'liz'/'lizzie')."""
    table = nicknames()
    if b in table.get(a, ()) or a in table.get(b, ()):
        return True
    return bool(table.get(a, frozenset()) & table.get(b, frozenset()))


def _initial_ok(x: str, t: str) -> bool:
    """Two name words agree: equal, or one is a single-letter initial of the other."""
    return x == t or (len(x) == 1 and t.startswith(x)) or (len(t) == 1 and x.startswith(t))


# ------------------------------------------------------------------------------------- the index

@dataclass
class Attendee:
    id: int
    name: str  # canonical: the fullest form written
    forms: list[str] = field(default_factory=list)  # every form the attendance wrote
    attendance: list[str] = field(default_factory=list)  # present / apologies / absent / guests / chair / minutes
    offices: list[str] = field(default_factory=list)  # Chair, Clerk, Treasurer, Secretary, Minutes, ...
    initials: list[str] = field(default_factory=list)  # as defined by the document
    derived_initials: list[str] = field(default_factory=list)  # from the name (used only when unique)
    handles: list[str] = field(default_factory=list)  # '@mcollina' (stored without '@'), 'Ege_Korkan'
    notes: list[str] = field(default_factory=list)
    spans: list[tuple[int, int, int | None, int | None]] = field(default_factory=list)  # start, end, block, page

    @property
    def words(self) -> list[str]:
        return words_of(self.name)

    @property
    def first(self) -> str | None:
        w = self.words
        if not w or len(w[0]) < 2:
            return None  # 'Mrs C Hardy': the first name is not known
        return w[0]

    @property
    def last(self) -> str | None:
        w = self.words
        return w[-1] if len(w) >= 2 else None

    def surnames(self) -> set[str]:
        last = self.last
        if not last:
            return set()
        return {last} | ({p for p in last.split("-") if len(p) >= 2} if "-" in last else set())

    @property
    def attended(self) -> bool:
        return any(r in ("present", "guests", "chair", "minutes") for r in self.attendance)

    def display(self) -> str:
        return f"{self.name} ({self.initials[0]})" if self.initials else self.name


@dataclass
class Resolution:
    mention: str
    person: Attendee | None = None
    candidates: list[Attendee] = field(default_factory=list)
    how: str | None = None  # exact, full_name, title_surname, surname, first_name, nickname, initials, ...

    @property
    def ambiguous(self) -> bool:
        return self.person is None and len(self.candidates) > 1

    def __bool__(self) -> bool:
        return self.person is not None


@dataclass
class AttendanceConflict:
    entry: AttendanceEntry
    person: Attendee
    reason: str


class PeopleIndex:
    def __init__(self, doc: Document | None = None):
        self.doc = doc
        self.people: list[Attendee] = []
        self.conflicts: list[AttendanceConflict] = []

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def from_structure(cls, doc: Document, st: "Structure") -> "PeopleIndex":
        return cls.from_entries([e for ab in st.attendance for e in ab.entries], doc)

    @classmethod
    def from_entries(cls, entries: Iterable[AttendanceEntry], doc: Document | None = None) -> "PeopleIndex":
        index = cls(doc)
        entries = [e for e in entries if _is_person_entry(e)]
        # full names first, so that "Ege" or "MW" later finds the person it is short for
        full = [e for e in entries if len(words_of(e.name)) >= 2]
        short = [e for e in entries if len(words_of(e.name)) < 2]
        for e in full:
            p = index._same_entry(e)
            if p is None:
                p = index._new(e)
            index._add_entry(p, e)
        for e in short:
            r = index.resolve(_clean_name(e.name))
            p = r.person
            if p is None and r.candidates:
                p = None  # "Laura" beside Laura Crane and Laura Cream: a person of its own, not a guess
            if p is not None and _conflicting(p.attendance, e.role):
                index.conflicts.append(AttendanceConflict(e, p, f"'{e.name}' listed under {e.role} but {p.name} is "
                                                                f"recorded as {', '.join(p.attendance)}"))
                p.spans.append((e.start, e.end, e.block, e.page))
                continue
            if p is None:
                p = index._new(e)
            index._add_entry(p, e)
        for p in index.people:
            index._finish(p)
        return index

    def _new(self, e: AttendanceEntry) -> Attendee:
        p = Attendee(id=len(self.people), name=_clean_name(e.name))
        self.people.append(p)
        return p

    def _same_entry(self, e: AttendanceEntry) -> Attendee | None:
        """An earlier entry for the same person ('Graham Hart' as chair and as present; 'Cllr M Hand' /
        'M Hand'). Names that merely look alike are different people."""
        w = words_of(e.name)
        fits = []
        for p in self.people:
            for form in p.forms:
                fw = words_of(form)
                if fw == w or (len(fw) >= 2 and len(w) >= 2 and (set(fw) <= set(w) or set(w) <= set(fw))
                               and fw[-1] == w[-1]):
                    fits.append(p)
                    break
        return fits[0] if len(fits) == 1 else None

    def _add_entry(self, p: Attendee, e: AttendanceEntry) -> None:
        name = _clean_name(e.name)
        if name not in p.forms:
            p.forms.append(name)
        if (len(words_of(name)), len(name)) > (len(p.words), len(p.name)):
            p.name = name
        if e.role not in p.attendance:
            p.attendance.append(e.role)
        office = _ROLE_OFFICE.get(e.role)
        if office and office not in p.offices:
            p.offices.append(office)
        if e.initials and e.initials not in p.initials:
            p.initials.append(e.initials)
        for note in re.split(r"\s*;\s*", e.note or ""):
            note = note.strip()
            if not note:
                continue
            if _INITIALS_NOTE.match(note) and _defines_initials(note, name):
                if note not in p.initials:
                    p.initials.append(note)
                continue
            off = office_of(note)
            if off and off not in p.offices:
                p.offices.append(off)
            if note not in p.notes:
                p.notes.append(note)
        p.spans.append((e.start, e.end, e.block, e.page))
        if "_" in e.name and re.fullmatch(r"\w+", e.name.strip()) and e.name not in p.handles:
            p.handles.append(e.name.strip())
        if self.doc is not None:
            text = self.doc.text
            m = re.match(r"[\s_\w]{0,3}\(?@([\w-]+)", text[e.end:e.end + 60])
            if m and m.group(1) not in p.handles:
                p.handles.append(m.group(1))
            # "Ege_Korkan" written with underscores: keep the handle as written
            raw = text[e.start:e.end]
            if "_" in raw and raw not in p.handles:
                p.handles.append(raw)

    def _finish(self, p: Attendee) -> None:
        w = p.words
        if len(w) >= 2:
            full = "".join(x[0] for x in w).upper()
            short = (w[0][0] + w[-1][0]).upper()
            for d in dict.fromkeys([short, full]):
                if d not in p.initials:
                    p.derived_initials.append(d)

    # -- lookups --------------------------------------------------------------------------------

    def holders(self, office: str) -> list[Attendee]:
        return [p for p in self.people if office in p.offices]

    @property
    def defines_initials(self) -> bool:
        return any(len(i) >= 2 for p in self.people for i in p.initials)

    def find(self, name: str) -> Attendee | None:
        return self.resolve(name).person

    def resolve(self, mention: str, *, handle: bool = False) -> Resolution:
        """Who ``mention`` refers to, or nobody. ``handle=True`` for speaker labels of chat/IRC logs
        ('ege:', 'dape:', 'mn:'), which may be lower case."""
        try:
            return self._resolve(mention, handle)
        except Exception:  # pragma: no cover - a resolver must never take the pipeline down
            return Resolution(mention)

    def _resolve(self, mention: str, handle: bool) -> Resolution:
        raw = mention if isinstance(mention, str) else str(mention)
        s = raw.strip().strip("<>:,;.*_•·-–— \t\"'“”()[]")
        s = re.sub(r"[’']s$", "", s)
        if not s or len(s) > 120 or not self.people:
            return Resolution(raw)

        def decide(cands: Iterable[Attendee], how: str) -> Resolution | None:
            uniq = list({id(p): p for p in cands}.values())
            if len(uniq) == 1:
                return Resolution(raw, uniq[0], uniq, how)
            if len(uniq) > 1:
                return Resolution(raw, None, uniq, how)
            return None

        # 1. a role: 'the Clerk', 'Chairman', 'Treasurer'
        off = office_of(s)
        if off:
            return decide(self.holders(off), "role") or Resolution(raw, how="role")
        # 2. a handle: '@mcollina', 'Ege_Korkan', 'mcollina'
        h = s.lstrip("@").lower()
        r = decide([p for p in self.people if h in (x.lower() for x in p.handles)], "handle")
        if r is not None:
            return r
        if s.startswith("@"):
            return Resolution(raw)
        ws = words_of(s)
        if not ws:
            return Resolution(raw)
        titled = has_title(s)
        # 3. the same name, ignoring case, punctuation and titles
        r = decide([p for p in self.people if any(words_of(f) == ws for f in p.forms)], "exact")
        if r is not None:
            return r
        bare = re.sub(r"[^\w]", "", s)
        # 4. initials the document defines ('AP', 'JSm'): case as written; lower case only for handles
        if len(ws) == 1 and re.fullmatch(r"[A-Za-z]{1,4}", bare):
            r = decide([p for p in self.people if bare in p.initials
                        or (handle and bare.islower() and bare.upper() in (i.upper() for i in p.initials))],
                       "initials")
            if r is not None:
                return r
        # 5. several words: every word agrees with the person's ('Cllr Mrs Hull' ~ 'Cllr Mrs J Hull')
        if len(ws) >= 2:
            return decide([p for p in self.people if _full_name_fits(ws, p)], "full_name") or Resolution(raw)
        t = ws[0]
        # 6. a title and one word is a surname ('Mr. Feld', 'Cllr Hand', 'Director Moore', 'Dr Payne')
        if titled:
            return decide([p for p in self.people if t in p.surnames()], "title_surname") or Resolution(raw)
        # 7. one word: a first name or a surname that only one attendee has
        firsts = [p for p in self.people if p.first == t or (len(p.words) == 1 and p.words[0] == t)]
        lasts = [p for p in self.people if t in p.surnames()]
        if firsts or lasts:
            both = {id(p): p for p in firsts + lasts}
            how = "first_name" if firsts and not lasts else "surname" if lasts and not firsts else "first_or_surname"
            if len(both) == 1:
                return decide(both.values(), "first_name" if firsts else "surname")
            return Resolution(raw, None, list(both.values()), how)
        # 8. a short form: a prefix of exactly one attendee's first name ('Nicc', 'Magda', 'cris')
        if len(t) >= 3 and t not in _stop_words():
            r = decide([p for p in self.people if p.first and p.first.startswith(t)], "nickname")
            if r is not None:
                return r
        # 9. a listed hypocorism ('Bob' -> Robert, 'Liz' -> Elizabeth / Lizzie)
        r = decide([p for p in self.people if p.first and _nick_related(t, p.first)], "nickname")
        if r is not None:
            return r
        # 10. initials derived from the name, when they fit one attendee only (upper case, >= 2 letters)
        if 2 <= len(bare) <= 4 and (bare.isupper() or (handle and bare.islower())):
            up = bare.upper()
            r = decide([p for p in self.people if up in p.derived_initials
                        and not any(i.upper() != up for i in p.initials)], "derived_initials")
            if r is not None:
                return r
        # 11. chat handles made of name prefixes ('dape' = DAniel PEintner)
        if handle and bare.isalpha() and bare.islower() and 4 <= len(bare) <= 10:
            r = decide([p for p in self.people if _prefix_handle(bare, p)], "handle")
            if r is not None:
                return r
        return Resolution(raw)


def _clean_name(name: str) -> str:
    s = re.sub(r"\s+", " ", name.replace("\u00a0", " ")).strip(" .,;:)(*_-–—")
    s = re.sub(r"\s*\(\s*$", "", s)
    if re.fullmatch(r"[A-Za-z]+(_[A-Za-z]+)+", s):
        s = s.replace("_", " ")
    return s


def _is_person_entry(e: AttendanceEntry) -> bool:
    if _PUBLIC.search(e.name):
        return False
    return bool(words_of(e.name)) or bool(re.fullmatch(r"[A-Z]{2,4}", e.name.strip()))


def _conflicting(roles: list[str], role: str) -> bool:
    here = {"present", "guests", "chair", "minutes"}
    away = {"apologies", "absent"}
    return (role in away and bool(here & set(roles))) or (role in here and bool(away & set(roles)))


def _defines_initials(note: str, name: str) -> bool:
    """'AP' for 'Dr Andrew Payne', 'JSm' for 'Jean Smyth', 'M' for 'Mahima Gupta' (as the document wrote it)."""
    ws = words_of(name)
    if not ws:
        return False
    if note[0].upper() != ws[0][0].upper():
        return False
    if len(note) == 1:
        return True
    return len(ws) == 1 or ws[-1][0].upper() in note.upper()


def _full_name_fits(ws: list[str], p: Attendee) -> bool:
    pw = p.words
    if len(pw) < 2:
        return False
    last = ws[-1]
    if not (last in p.surnames() or (len(last) == 1 and pw[-1].startswith(last))):
        return False
    rest = pw[:-1]
    for x in ws[:-1]:
        if not any(_initial_ok(x, t) or (len(x) >= 3 and t.startswith(x)) or _nick_related(x, t) for t in rest):
            return False
    return True


def _prefix_handle(h: str, p: Attendee) -> bool:
    """'dape' = 'da' + 'pe' of Daniel Peintner (each part at least two letters); 'ehuss' = the first
    initial and the whole surname of Eric Huss (a common account-name convention)."""
    first, last = p.first, p.last
    if not first or not last:
        return False
    if len(last) >= 3 and h[0] == first[0] and h[1:] == last:
        return True
    for i in range(2, len(h) - 1):
        if first.startswith(h[:i]) and last.startswith(h[i:]):
            return True
    return False


# ----------------------------------------------------------------------------------------- mentions

@dataclass
class Mention:
    text: str
    start: int  # offsets in the document's plain text
    end: int
    block: int
    page: int | None
    source: str  # spacy | name | initials | role | short_form | speaker_label | irc | verb | proposer
    resolution: Resolution
    verb: str | None = None  # for speakers: 'said', 'asked', ':' ...

    @property
    def person(self) -> Attendee | None:
        return self.resolution.person


_TITLE_TOKENS = {"Cllr", "Cllr.", "Councillor", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Miss", "Dr", "Dr.", "Prof",
                 "Prof.", "Professor", "Sir", "Dame", "Rev", "Revd", "County", "District", "Borough", "Director",
                 "PCSO"}
_ROLE_TOKENS = {"Clerk", "Chairman", "Chairwoman", "Chairperson", "Chair", "Treasurer", "Secretary", "President"}


def _matcher_patterns(index: PeopleIndex) -> tuple[set[str], set[str]]:
    """Phrases (written forms, first names, surnames, handles) and initials to look for."""
    phrases: set[str] = set()
    initials: set[str] = set()
    for p in index.people:
        for form in p.forms + [p.name]:
            phrases.add(form)
            core = " ".join(w for w in form.split() if w.lower().strip(".") not in TITLES)
            if core:
                phrases.add(core)
        if p.first:
            phrases.add(p.first.title())
        for s in p.surnames():
            phrases.add(s.title() if "-" not in s else "-".join(x.title() for x in s.split("-")))
        for h in p.handles:
            phrases.add(h)
            phrases.add("@" + h)
        for i in p.initials:
            if len(i) >= 2:
                initials.add(i)
    return {x for x in phrases if x.strip()}, initials


def find_mentions(parsed: "ParsedDocument", index: PeopleIndex, nlp=None) -> list[Mention]:
    """Person mentions in the text, each resolved (or not) through ``index``: spaCy PERSON and ROLE
    entities, plus the attendance names, first names, surnames, handles and defined initials."""
    from spacy.matcher import PhraseMatcher

    doc = parsed.document
    if not parsed.docs:
        return []
    vocab = parsed.docs[0].vocab
    if nlp is None:
        from pipeline.detect.nlp import shared_spacy
        nlp = shared_spacy().nlp
    make = nlp.make_doc if hasattr(nlp, "make_doc") else nlp.nlp.make_doc
    phrases, initials = _matcher_patterns(index)
    names = PhraseMatcher(vocab, attr="ORTH")
    names.add("NAME", [make(x) for x in sorted(phrases)])
    inits = PhraseMatcher(vocab, attr="ORTH")
    if initials:
        inits.add("INITIALS", [make(x) for x in sorted(initials)])
    offices = {o for p in index.people for o in p.offices}
    out: list[Mention] = []
    for bi, sdoc in enumerate(parsed.docs):
        block = doc.blocks[bi]
        found: list[tuple[int, int, str]] = []  # token start, end, source
        for ent in sdoc.ents:
            if ent.label_ == "PERSON":
                s, e = ent.start, ent.end
                while s < e and not sdoc[s].is_alpha and not sdoc[s].text.startswith("@"):
                    s += 1  # '• Rob'
                if s < e:
                    found.append((s, e, "spacy"))
            elif ent.label_ == "ROLE" and ent.ent_id_ == "role":
                found.append((ent.start, ent.end, "role"))
        for _, s, e in names(sdoc):
            found.append((s, e, "name"))
        for _, s, e in inits(sdoc):
            found.append((s, e, "initials"))
        for t in sdoc:
            if t.text in _ROLE_TOKENS and office_of(t.text) in offices:
                found.append((t.i, t.i + 1, "role"))
            elif (t.is_alpha and t.is_title and len(t.text) >= 3 and t.ent_type_ not in ("ORG", "GPE", "DATE")
                  and t.lower_ not in _stop_words()):
                low = t.text.lower()
                if any(p.first and p.first != low and p.first.startswith(low) for p in index.people) or \
                        (low in nicknames() and any(p.first and _nick_related(low, p.first) for p in index.people)):
                    found.append((t.i, t.i + 1, "short_form"))
        # titles written before a name belong to the mention ('Cllr Mrs Hull')
        widened = []
        for s, e, src in found:
            if src in ("name", "short_form"):
                while s > 0 and sdoc[s - 1].text in _TITLE_TOKENS:
                    s -= 1
            widened.append((s, e, src))
        for s, e, src in _longest(widened):
            span = sdoc[s:e]
            text = span.text
            start, end = block.start + span.start_char, block.start + span.end_char
            if office_of(text):
                src = "role"
            res = index.resolve(text)
            out.append(Mention(text, start, end, bi, block.page, src, res))
    return out


def _longest(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    rank = {"name": 0, "initials": 1, "role": 2, "short_form": 3, "spacy": 4}
    found = sorted(set(found), key=lambda x: (-(x[1] - x[0]), rank.get(x[2], 9), x[0]))
    taken: set[int] = set()
    out = []
    for s, e, src in found:
        if any(i in taken for i in range(s, e)):
            continue
        taken.update(range(s, e))
        out.append((s, e, src))
    return sorted(out)


# ----------------------------------------------------------------------------------------- speakers

SPEECH_VERBS = ("said", "says", "asked", "asks", "noted", "notes", "reported", "reports", "suggested", "suggests",
                "proposed", "proposes", "highlighted", "highlights", "agreed", "agrees", "pointed out",
                "points out", "thanked", "thanks", "welcomed", "welcomes", "explained", "explains", "confirmed",
                "confirms", "stressed", "stresses", "advised", "advises", "informed", "informs", "commented",
                "comments", "mentioned", "mentions", "presented", "presents", "provided an update",
                "provided updates", "provided update", "gave an update", "updated", "updates", "shared",
                "shares", "raised", "raises", "queried", "queries", "questioned", "recommended", "recommends",
                "replied", "responded", "added", "adds", "stated", "states", "expressed", "introduced",
                "outlined", "summarised", "summarized", "emphasised", "emphasized", "reminded", "announced",
                "announces", "felt", "feels", "described", "clarified", "requested", "requests", "seconded",
                "moved", "observed", "remarked", "argued", "wondered", "indicated", "spoke", "offered",
                "volunteered", "undertook", "will report")
_VERB_AFTER = re.compile(r"^\s*(?:\([^)]{0,40}\)\s*)?(?:,\s*[^,]{1,40},\s*)?(?:also\s+|then\s+|further\s+|briefly\s+|"
                         r"kindly\s+)?(?P<verb>" + "|".join(re.escape(v) for v in sorted(SPEECH_VERBS, key=len,
                                                                                          reverse=True)) + r")\b")
# 'Proposed DT, seconded US', 'seconded by Cllr Hand' (but not 'Cllr A proposed Cllr B': B is proposed)
_PROPOSER_BEFORE = re.compile(r"(?:(?:^|[.;:]\s*)(?:Proposed|Moved)(?:\s+by)?|\b(?:proposed|moved|seconded)\s+by|"
                              r"\b[Ss]econded)\s*$")
_LABEL_LINE = re.compile(r"^\s*(?:[-*•·+]\s+)?(?P<name>@?[A-Za-z][\w.'’@-]{0,30}(?: [A-Z][\w'’-]{0,30}){0,2})\s*:\s+\S")
_IRC_LINE = re.compile(r"^\s*<(?P<name>[A-Za-z][\w.|`^-]{0,30})>\s+\S")
_NOT_SPEAKERS = {
    "action", "actions", "note", "notes", "date", "time", "venue", "location", "place", "present", "apologies",
    "regrets", "agenda", "item", "items", "decision", "decisions", "agreed", "resolved", "resolution", "outcome",
    "status", "update", "updates", "minutes", "chair", "scribe", "attendees", "attendance", "guests", "summary",
    "background", "discussion", "proposal", "motion", "result", "vote", "votes", "next", "deadline", "due",
    "owner", "topic", "subject", "purpose", "objective", "objectives", "question", "questions", "answer",
    "comment", "comments", "feedback", "issue", "issues", "risk", "risks", "todo", "fyi", "re", "ps", "nb",
    "http", "https", "mailto", "see", "source", "link", "links", "url", "email", "tel", "phone", "total",
    "balance", "income", "expenditure", "cost", "costs", "recommendation", "recommendations", "conclusion",
    "succeeded", "failed", "maybe", "present", "all", "everyone", "diagnostics", "rrsagent", "zakim", "trackbot",
    "github", "issue", "pr", "prs", "tldr", "also", "and", "or", "but", "however", "there", "this", "that", "we",
    "they", "it", "he", "she", "i", "you", "q", "a", "step", "phase", "part", "section", "page", "welcome",
    "strategic", "announcements", "announcement", "board", "committee", "council", "group", "team", "members",
}


def speakers(parsed: "ParsedDocument", index: PeopleIndex | None = None,
             mentions: Sequence[Mention] | None = None, nlp=None) -> list[Mention]:
    """Who speaks: 'Name:' / '<nick>' at the start of a block, 'X said/asked/reported/...', and
    'proposed X, seconded Y'. Each speaker resolved through ``index`` (when given)."""
    index = index or PeopleIndex(parsed.document)
    doc = parsed.document
    if mentions is None:
        mentions = find_mentions(parsed, index, nlp) if index.people else []
    by_block: dict[int, list[Mention]] = {}
    for m in mentions:
        by_block.setdefault(m.block, []).append(m)
    out: list[Mention] = []
    label_lines = _label_speakers(parsed, index)
    out.extend(label_lines)
    for bi, sdoc in enumerate(parsed.docs):
        block = doc.blocks[bi]
        text = block.text
        cands: list[Mention] = list(by_block.get(bi, []))
        cands.extend(_unknown_names(sdoc, bi, block, index, cands))
        cands.sort(key=lambda m: m.start)
        taken: set[tuple[int, int]] = set()
        for k, m in enumerate(cands):
            if m.source == "spacy" and m.person is None and is_group(m.text):
                continue
            rel_end = m.end - block.start
            rel_start = m.start - block.start
            if m.person is None and (_PLACE_WORD.search(m.text) or re.search(
                    r"\b(of|in|on|at|from|to|near)\s$", text[max(0, rel_start - 6):rel_start])):
                continue  # 'residents of Mill Lane described ...': a place, not a speaker
            vm = _VERB_AFTER.match(text[rel_end:])
            verb = vm.group("verb") if vm else None
            if verb is None:
                # 'Nicc and Lizzie provided updates': a speaker coordinated with the next one
                nxt = cands[k + 1] if k + 1 < len(cands) else None
                if nxt and re.fullmatch(r"\s*(?:,|and|&|/|,\s*and)\s*", text[rel_end:nxt.start - block.start]):
                    vm2 = _VERB_AFTER.match(text[nxt.end - block.start:])
                    if vm2:
                        verb = vm2.group("verb")
            if verb is None and _PROPOSER_BEFORE.search(text[max(0, rel_start - 20):rel_start]):
                verb = re.search(r"(\w+)(?:\s+by)?\s*$", text[max(0, rel_start - 20):rel_start]).group(1).lower()
            if verb is None:
                continue
            if (m.start, m.end) in taken:
                continue
            taken.add((m.start, m.end))
            out.append(Mention(m.text, m.start, m.end, bi, block.page, m.source, m.resolution, verb))
    out.sort(key=lambda m: m.start)
    return out


def _label_speakers(parsed: "ParsedDocument", index: PeopleIndex) -> list[Mention]:
    doc = parsed.document
    hits: list[tuple[int, re.Match, str]] = []
    for bi, block in enumerate(doc.blocks):
        if block.kind == "table_row":
            continue
        m = _IRC_LINE.match(block.text)
        if m:
            hits.append((bi, m, "irc"))
            continue
        m = _LABEL_LINE.match(block.text)
        if m:
            hits.append((bi, m, "speaker_label"))
    # a lower-case 'ege:' handle counts in a transcript (several such lines), not in one odd line
    lower_lines = sum(1 for _, m, src in hits if src == "speaker_label" and m.group("name")[0].islower())
    label_counts: dict[str, int] = {}
    for _, m, _src in hits:
        label_counts[m.group("name").lower()] = label_counts.get(m.group("name").lower(), 0) + 1
    out = []
    for bi, m, src in hits:
        name = m.group("name").rstrip(".")
        low = name.lower()
        if low in _NOT_SPEAKERS or any(w.lower() in _NOT_SPEAKERS for w in name.split()[:1]):
            continue
        if office_of(name):
            res = index.resolve(name)
        else:
            res = index.resolve(name, handle=src == "irc" or name[0].islower())
        if res.person is None and not res.candidates:
            # an unknown label: a speaker only in a transcript (lower-case handles, IRC) or when it
            # is written as a person's name and used for several lines
            if src == "irc" or (name[0].islower() and lower_lines >= 3):
                pass
            elif name[0].isupper() and label_counts.get(low, 0) >= 2 and _looks_like_person_label(parsed, bi, name):
                pass
            else:
                continue
        block = doc.blocks[bi]
        start = block.start + m.start("name")
        out.append(Mention(name, start, start + len(name), bi, block.page, src, res, "<>" if src == "irc" else ":"))
    return out


def _looks_like_person_label(parsed: "ParsedDocument", bi: int, name: str) -> bool:
    sdoc = parsed.docs[bi]
    toks = [t for t in sdoc if t.idx < len(sdoc.text) and t.text in name.split()]
    return bool(toks) and all(t.pos_ == "PROPN" or t.ent_type_ == "PERSON" for t in toks)


_ADVERBS = {"unanimously", "finally", "additionally", "generally", "subsequently", "eventually", "initially",
            "currently", "previously", "similarly", "lastly", "firstly", "secondly", "thirdly", "accordingly",
            "unfortunately", "fortunately", "ultimately", "briefly", "formally", "informally", "clearly",
            "nationally", "locally", "jointly", "separately", "originally", "recently", "overall", "only"}


_PLACE_WORD = re.compile(r"\b(Lane|Road|Street|Close|Avenue|Drive|Way|Hall|Library|Centre|Center|Park|Common|Green|"
                         r"Square|Place|Court|Gardens|Crescent|Terrace|Row|Hill|Bridge|Church|School|House)$")


def _unknown_names(sdoc: "Doc", bi: int, block, index: PeopleIndex, known: list[Mention]) -> list[Mention]:
    """Capitalised names and undefined initials that open a clause and are followed by a speech verb
    ('Rob said', 'DT stressed'): candidates the entity recogniser may have missed."""
    covered = set()
    for m in known:
        covered.update(range(m.start - block.start, m.end - block.start))
    out = []
    rx = re.compile(r"(?:(?<=^)|(?<=[•·\-*]\s)|(?<=[.;:]\s)|(?<=\band\s)|(?<=,\s))(?P<name>[A-Z][a-z]{1,20}(?:\s[A-Z][a-z]{1,20})?|[A-Z]{2,3})(?=\s)")
    for m in rx.finditer(block.text):
        if m.start() in covered:
            continue
        name = m.group("name")
        if name.isupper() and not index.defines_initials:
            continue  # 'IT reported' in a document that does not name people by initials
        if name.lower() in _NOT_SPEAKERS or is_group(name) or name.split()[0].lower() in TITLES:
            continue
        if _PLACE_WORD.search(name) or re.search(r"\b(of|in|on|at|from|to|near|by)\s$", block.text[max(0, m.start() - 6):m.start()]):
            continue  # 'residents of Mill Lane described ...': a place
        if not name.isupper() and name.lower().endswith("ly") and name.lower() in _ADVERBS:
            continue
        if not _VERB_AFTER.match(block.text[m.end():]):
            if not _PROPOSER_BEFORE.search(block.text[max(0, m.start() - 20):m.start()]):
                continue
        tok = next((t for t in sdoc if t.idx == m.start()), None)
        if tok is not None and not name.isupper() and (tok.pos_ not in ("PROPN",) and tok.ent_type_ != "PERSON"):
            continue
        if tok is not None and tok.ent_type_ in ("ORG", "GPE", "NORP", "FAC", "LOC", "DATE", "PRODUCT") and not name.isupper():
            continue
        res = index.resolve(name)
        out.append(Mention(name, block.start + m.start(), block.start + m.end(), bi, block.page, "verb", res))
    return out


# ----------------------------------------------------------------------------------------- warnings

def _prov(doc: Document | None, m: Mention) -> Provenance:
    return Provenance(file=doc.path if doc else "", page=m.page, start=m.start, end=m.end, block=m.block,
                      text=m.text)


def _where(m: Mention) -> str:
    return f"page {m.page}" if m.page else f"block {m.block}"


def people_warnings(index: PeopleIndex, mentions: Sequence[Mention], speakers: Sequence[Mention],
                    action_owners: Sequence = ()) -> list[Warning]:
    """Speakers and action owners who are not in the attendance list, or who could be several
    attendees, are flagged, never guessed. People merely mentioned in passing are not flagged.

    ``action_owners``: owner strings, ``Mention``s, or (owner text, Provenance) pairs."""
    doc = index.doc
    out: list[Warning] = []
    seen: set[tuple[str, str]] = set()
    for c in index.conflicts:
        e = c.entry
        out.append(Warning(code="attendance_conflict", message=c.reason,
                           provenance=Provenance(file=doc.path if doc else "", page=e.page, start=e.start, end=e.end,
                                                 block=e.block, text=e.name)))
    by_name: dict[str, list[Mention]] = {}
    for s in speakers:
        by_name.setdefault(s.text.lower(), []).append(s)
    for key, group in by_name.items():
        s = group[0]
        res = s.resolution
        places = ", ".join(dict.fromkeys(_where(x) for x in group))
        verbs = ", ".join(dict.fromkeys(x.verb or "speaks" for x in group))
        if res.person is None and res.candidates:
            out.append(Warning(code="ambiguous_person",
                               message=f"'{s.text}' speaks ({verbs}; {places}) but could be any of "
                                       f"{', '.join(p.name for p in res.candidates)}; not resolved",
                               provenance=_prov(doc, s)))
        elif res.person is None:
            if office_of(s.text):
                msg = f"'{s.text}' speaks ({verbs}; {places}) but nobody in the attendance list is recorded as {office_of(s.text)}"
            else:
                msg = f"'{s.text}' speaks ({verbs}; {places}) but is not in the attendance list"
            out.append(Warning(code="person_not_in_attendance", message=msg, provenance=_prov(doc, s)))
        elif not res.person.attended:
            out.append(Warning(code="absent_person_active",
                               message=f"'{s.text}' ({res.person.name}) speaks ({places}) but is recorded as "
                                       f"{', '.join(res.person.attendance)}", provenance=_prov(doc, s)))
        seen.add(("speaker", key))
    for owner in action_owners:
        text, prov = _owner_text(owner, doc)
        for part in split_owners(text):
            if not part or is_group(part) or re.search(r"\b(group|team|members|all)\b", part, re.IGNORECASE):
                continue
            if ("owner", part.lower()) in seen:
                continue
            seen.add(("owner", part.lower()))
            res = index.resolve(part)
            if res.person is not None:
                continue
            if res.candidates:
                out.append(Warning(code="ambiguous_person",
                                   message=f"action owner '{part}' could be any of "
                                           f"{', '.join(p.name for p in res.candidates)}; not resolved",
                                   provenance=prov))
            else:
                out.append(Warning(code="person_not_in_attendance",
                                   message=f"action owner '{part}' is not in the attendance list", provenance=prov))
    return out


def _owner_text(owner, doc: Document | None) -> tuple[str, Provenance | None]:
    if isinstance(owner, Mention):
        return owner.text, _prov(doc, owner)
    if isinstance(owner, tuple):
        return str(owner[0]), owner[1] if len(owner) > 1 else None
    return str(owner), None


# ----------------------------------------------------------------------------------------- record

def to_record(index: PeopleIndex, mentions: Sequence[Mention] = ()) -> list[Person]:
    doc = index.doc
    out = []
    for p in index.people:
        aliases: list[str] = []
        for a in p.forms + p.initials + ["@" + h if "_" not in h else h for h in p.handles]:
            if a != p.name and a not in aliases:
                aliases.append(a)
        provs = []
        for m in mentions:
            if m.person is p:
                if m.text != p.name and m.text not in aliases and m.resolution.how != "role":
                    aliases.append(m.text)
                provs.append(_prov(doc, m))
        roles = list(dict.fromkeys(p.attendance + p.offices))
        out.append(Person(name=p.name, aliases=aliases, roles=roles, mentions=provs))
    return out
