"""Assemble the ``Meeting`` record from a ``Document`` and its ``Structure``."""

from __future__ import annotations

import re

from pipeline.core.document import LOW_OCR_CONFIDENCE, Document
from pipeline.core.names import name_key
from pipeline.core.provenance import provenance
from pipeline.core.record import AttendanceEntry, Attendees, DateValue, Heading, Meeting, QualityOut, TableOut, Warning
from pipeline.structure.structure import Structure


def build_meeting(doc: Document, st: Structure) -> Meeting:
    m = Meeting(file=doc.path, format=doc.format, stages=["extract", "structure"])
    m.quality = QualityOut(**{k: getattr(doc.quality, k) for k in QualityOut.model_fields})
    if st.title:
        m.title = st.title
        if st.title_blocks:
            a, z = doc.blocks[st.title_blocks[0]], doc.blocks[st.title_blocks[-1]]
            m.title_provenance = provenance(doc, a.start, z.end, st.title_blocks[0])
    if st.meeting_date is not None and st.meeting_date.value is not None:
        d = st.meeting_date
        m.meeting_date = d.value.isoformat()
        m.meeting_date_detail = DateValue(value=m.meeting_date, text=d.text, year_inferred=d.year_inferred,
                                          provenance=provenance(doc, d.start, d.end, st.meeting_date_block))
    else:
        m.warnings.append(Warning(code="no_meeting_date",
                                  message="no meeting date found in the text; add one to the minutes or check the record"))
    q = doc.quality
    if q.ocr_confidence is not None and q.ocr_confidence < LOW_OCR_CONFIDENCE:
        m.warnings.append(Warning(code="low_ocr_confidence",
                                  message=f"pages {q.ocr_pages} are a scan read with OCR at a mean word confidence of "
                                          f"{q.ocr_confidence:g}/100: check names, dates and numbers against the scan"))
    for note in st.date_notes:
        m.warnings.append(Warning(code="meeting_date_inferred", message=note,
                                  provenance=m.meeting_date_detail.provenance if m.meeting_date_detail else None))
    _sections(m, doc, st)
    _attendance(m, doc, st)
    _tables(m, doc)
    return m


def _sections(m: Meeting, doc: Document, st: Structure) -> None:
    for s in st.sections:
        m.section_tree.append(Heading(heading=s.heading, level=s.level, number=s.number, parent=s.parent,
                                      provenance=provenance(doc, s.start, s.end, s.block),
                                      body_start=s.body_start, body_end=s.body_end))
    m.sections = [s.heading for s in st.sections]
    if any(s.parent is not None for s in st.sections):
        m.top_sections = [s.heading for s in st.sections if s.parent is None]


def _display(e) -> str:
    return f"{e.name} ({e.initials})" if e.initials else e.name


# Words before a name that say what someone is, not who ("Trustee Picha", "Vice President Genna
# Carnes"): dropped when a name is compared with the attendance list.
_OFFICE_WORDS = {"trustee", "trustees", "commissioner", "commissioners", "mayor", "president", "vice", "deputy",
                 "chair", "chairman", "chairwoman", "chairperson", "senator", "alderman", "supervisor", "governor",
                 "member", "councilmember", "selectman", "administrator", "attorney", "clerk", "village", "library", "board",
                 "committee", "council", "commission", "director"}
# a title that makes its holder the one who presides ("Mayor Rossi", "Chairman Ortiz")
_PRESIDING_TITLE = re.compile(r"^(?:mayor|chair|chairman|chairwoman|chairperson|presiding officer)\s+[A-Z]",
                              re.IGNORECASE)
_LESSER_CHAIR = re.compile(r"\b(?:co-?chairs?|vice[- ]chair(?:man|woman|person)?|deputy chair(?:man|woman|person)?)\b",
                           re.IGNORECASE)


def _core_words(name: str) -> set[str]:
    return {w for w in name_key(name).split() if w not in _OFFICE_WORDS}


def _resolve(e, people: list) -> object | None:
    """The entry of the attendance list that ``e`` names: the same words once titles and offices are
    dropped ('Trustee Picha' -> 'Picha'), a first name that fits one person ('Albert' -> 'Albert
    Waldron (AW)'), or a handle ('eholk' -> 'Eric Holk')."""
    words = _core_words(e.name)
    if not words:
        return None
    fits = [p for p in people if _core_words(p.name) and (words <= _core_words(p.name) or _core_words(p.name) <= words)]
    if len({name_key(p.name) for p in fits}) == 1:
        return fits[0]
    if len(words) == 1 and not fits:
        w = next(iter(words))
        if e.name[:1].islower() and len(w) >= 4:  # a handle: first initial + surname, or a surname
            fits = [p for p in people if len(name_key(p.name).split()) >= 2 and
                    (w == name_key(p.name).split()[0][0] + name_key(p.name).split()[-1] or w == name_key(p.name).split()[-1]
                     or w == "".join(name_key(p.name).split()))]
            if len({name_key(p.name) for p in fits}) == 1:
                return fits[0]
    return None


def _attendance(m: Meeting, doc: Document, st: Structure) -> None:
    seen: dict[str, set[str]] = {}
    for ab in st.attendance:
        for e in ab.entries:
            key = name_key(e.name)
            if key in seen.setdefault(e.role, set()):
                continue
            seen[e.role].add(key)
            m.attendance.append(AttendanceEntry(name=e.name, role=e.role if e.role in (
                "present", "apologies", "absent", "guests", "chair", "minutes") else "officer",
                initials=e.initials, note=e.note, provenance=provenance(doc, e.start, e.end, e.block)))
    by_role: dict[str, list] = {}
    source: dict[int, str] = {}  # id(entry) -> the label it came under
    for ab in st.attendance:
        for e in ab.entries:
            by_role.setdefault(e.role, []).append(e)
            source[id(e)] = ab.label
    # initials alone (a register's column heads) are the person the minutes define them for
    defined = {}
    for ab in st.attendance:
        for e in ab.entries:
            if e.initials and name_key(e.name):
                defined.setdefault(e.initials, e)
    for role, entries in by_role.items():
        for k, e in enumerate(entries):
            if e.name in defined and not e.initials and re.fullmatch(r"[A-Z][A-Za-z]{0,3}", e.name):
                hit = defined[e.name]
                entries[k] = hit.__class__(**{**hit.__dict__, "role": role})
    listed = by_role.get("present", []) + by_role.get("guests", [])
    # a first name alone under apologies or absent is the listed person it fits ('Albert')
    for role in ("apologies", "absent"):
        for k, e in enumerate(by_role.get(role, [])):
            if len(name_key(e.name).split()) == 1 and e.name[:1].isupper():
                hit = _resolve(e, by_role.get("present", []))
                if hit is not None and len(name_key(hit.name).split()) > 1:
                    by_role[role][k] = hit.__class__(**{**hit.__dict__, "role": role})
    # the chair and minute-taker as the list names them ('Trustee Picha' is 'Picha' of the list)
    for role in ("chair", "minutes"):
        resolved = []
        for e in by_role.get(role, []):
            hit = _resolve(e, listed + by_role.get("apologies", []) + by_role.get("absent", [])) if listed else None
            if hit is not None:
                new = hit.__class__(**{**hit.__dict__, "role": role})
                source[id(new)] = source.get(id(e), "")
                resolved.append(new)
            elif e.name[:1].isupper():
                resolved.append(e)
        by_role[role] = resolved
    chairs = by_role.get("chair", [])
    # a named chair over a co-chair or vice-chair; a list or label over a sentence
    if chairs:
        plain = [e for e in chairs if not _LESSER_CHAIR.search(f"{source.get(id(e), '')} {e.note or ''}")]
        chairs = plain or chairs
        labelled = [e for e in chairs if source.get(id(e)) != "(sentence)"]
        by_role["chair"] = labelled or chairs
    elif len([e for e in by_role.get("present", []) if _PRESIDING_TITLE.match(e.name)]) == 1:
        by_role["chair"] = [e for e in by_role["present"] if _PRESIDING_TITLE.match(e.name)]
    # one chair named twice ('Chaired by Julien Bouquet', 'Chair Bouquet called ...'): the fuller name
    ch = by_role.get("chair", [])
    by_role["chair"] = [e for e in ch if not any(o is not e and _core_words(e.name) < _core_words(o.name) for o in ch)]
    apologies = {name_key(e.name) for e in by_role.get("apologies", [])}
    absent = {name_key(e.name) for e in by_role.get("absent", [])}
    # whoever chaired or took the minutes was there, unless the minutes say they sent apologies;
    # with no list of those present, nobody is added to one
    known = {name_key(x.name) for r in ("present", "guests") for x in by_role.get(r, [])} | apologies | absent
    if by_role.get("present"):
        for role in ("chair", "minutes"):
            for e in by_role.get(role, []):
                k = name_key(e.name)
                if not _same_person_in(k, known):
                    by_role.setdefault("present", []).append(e)
                    known.add(k)

    def names(role: str, exclude: set[str]) -> list[str]:
        out, keys = [], set()
        for e in by_role.get(role, []):
            k = name_key(e.name)
            if _same_person_in(k, exclude) or k in keys:
                continue
            keys.add(k)
            out.append(_display(e))
        return _merge_short_forms(out)

    present = names("present", apologies | absent)
    m.attendees = Attendees(
        present=present,
        apologies=names("apologies", set()),
        guests=names("guests", apologies | absent | {name_key(n) for n in present}),
        absent=names("absent", apologies),
    )
    chairs = names("chair", set())
    if chairs:
        m.attendees.chair = ", ".join(chairs)
    minutes = names("minutes", set())
    if minutes:
        m.attendees.minutes = ", ".join(minutes)


def _same_person_in(key: str, keys: set[str]) -> bool:
    """A name matches a set of names when one's words are all in the other's ("James Powell" ~
    "Mr James Powell"); a lone first name does not match when it could be several people."""
    if key in keys:
        return True
    words = set(key.split())
    if len(words) < 2:
        # a lone first name or short form ("Magda", "Nicc") is that person when it fits exactly one
        if len(key) < 3:
            return False
        fits = [k for k in keys if any(w.startswith(key) for w in k.split()[:1])]
        return len(fits) == 1
    return any(words <= set(k.split()) or (len(k.split()) >= 2 and set(k.split()) <= words) for k in keys)


def _merge_short_forms(names: list[str]) -> list[str]:
    """Drop a short form ("Cristina") when exactly one other name in the list extends it
    ("Cristina Hilario"); keep it when it could be several people ("Laura": Crane or Cream?)."""
    keys = [set(name_key(n).split()) for n in names]
    out = []
    for i, n in enumerate(names):
        longer = [j for j, k in enumerate(keys) if j != i and keys[i] < k]
        if len(longer) == 1:
            continue
        out.append(n)
    return out


def _tables(m: Meeting, doc: Document) -> None:
    for _, rows in sorted(doc.tables().items()):
        header = rows[0].cell_texts() if rows and rows[0].header else None
        body = [r.cell_texts() for r in rows if not r.header]
        m.tables.append(TableOut(header=header, rows=body,
                                 provenance=provenance(doc, rows[0].start, rows[-1].end,
                                                       doc.blocks.index(rows[0]))))
