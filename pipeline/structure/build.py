"""Assemble the ``Meeting`` record from a ``Document`` and its ``Structure``."""

from __future__ import annotations

from pipeline.core.document import Document
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
    entries = st.attendance
    by_role: dict[str, list] = {}
    for ab in entries:
        for e in ab.entries:
            by_role.setdefault(e.role, []).append(e)
    apologies = {name_key(e.name) for e in by_role.get("apologies", [])}
    absent = {name_key(e.name) for e in by_role.get("absent", [])}
    # whoever chaired or took the minutes was there, unless the minutes say they sent apologies
    known = {name_key(x.name) for r in ("present", "guests") for x in by_role.get(r, [])} | apologies | absent
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
