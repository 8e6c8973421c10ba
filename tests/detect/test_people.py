"""pipeline.detect.people: the people of one meeting, their aliases, mentions, speakers and warnings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.document import DocumentBuilder
from pipeline.core.names import words_of
from pipeline.detect.people import PeopleIndex, find_mentions, nicknames, people_warnings, speakers, to_record
from pipeline.structure.attendance import AttendanceEntry
from pipeline.structure.structure import structure

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "corpus" / "seed" / "seed-minutes.txt"
SHARED_REAL = REPO.parent / "shared" / "corpus" / "real"


def entry(name, role="present", note=None, initials=None, start=0):
    return AttendanceEntry(name=name, role=role, start=start, end=start + len(name), block=0, page=None,
                           note=note, initials=initials)


def index_of(*entries) -> PeopleIndex:
    return PeopleIndex.from_entries(list(entries))


def doc_of(*paragraphs: str):
    b = DocumentBuilder("mem.txt", "text")
    for p in paragraphs:
        b.add("paragraph", p)
    return b.build()


@pytest.fixture(scope="module")
def nlp():
    from pipeline.detect.nlp import shared_spacy
    return shared_spacy()


def analyse(doc, nlp):
    from pipeline.detect.parsed import parse_document
    idx = PeopleIndex.from_structure(doc, structure(doc))
    parsed = parse_document(doc, nlp)
    ms = find_mentions(parsed, idx)
    sp = speakers(parsed, idx, ms)
    return idx, ms, sp


# ------------------------------------------------------------------------------------ the index

def test_entries_of_one_person_are_merged_across_roles():
    idx = index_of(entry("Graham Hart", "chair", "chair"), entry("Graham Hart", "present", "chair"),
                   entry("Laura Crane"), entry("Laura Cream"))
    assert [p.name for p in idx.people] == ["Graham Hart", "Laura Crane", "Laura Cream"]
    g = idx.people[0]
    assert g.attendance == ["chair", "present"] and "Chair" in g.offices


def test_laura_crane_and_laura_cream_are_never_merged():
    idx = index_of(entry("Laura Crane"), entry("Laura Cream"))
    assert len(idx.people) == 2
    assert idx.resolve("Laura Crane").person.name == "Laura Crane"
    assert idx.resolve("Laura Cream").person.name == "Laura Cream"
    r = idx.resolve("Laura")
    assert r.person is None and r.ambiguous and {p.name for p in r.candidates} == {"Laura Crane", "Laura Cream"}
    assert idx.resolve("Laura Crean").person is None  # a typo is not a guess
    assert idx.resolve("LC").person is None  # derived initials shared by both


def test_officer_roles_and_initials_from_notes():
    idx = index_of(entry("Dr Andrew Payne", "chair", "Chairman; AP"), entry("Dr Andrew Payne", "present", "Chairman; AP"),
                   entry("Mike Stephens", note="Treasurer; MS"), entry("Mrs C Hardy", note="Clerk"),
                   entry("Alan Holzer", "minutes", "Minutes Secretary; AH"), entry("Ali Hopkins", "apologies"))
    payne = idx.resolve("AP").person
    assert payne.name == "Dr Andrew Payne" and "AP" in payne.initials and "Chair" in payne.offices
    assert idx.resolve("MS").person.name == "Mike Stephens"  # 'MS' is initials, not the title 'Ms'
    assert idx.resolve("the Treasurer").person.name == "Mike Stephens"
    assert idx.resolve("the Clerk").person.name == "Mrs C Hardy"
    assert idx.resolve("Clerk").how == "role"
    assert idx.resolve("The Chairman").person.name == "Dr Andrew Payne"
    # 'AH' is defined for Alan Holzer; Ali Hopkins' derived 'AH' never competes with it
    assert idx.resolve("AH").person.name == "Alan Holzer"
    assert idx.resolve("the Secretary").person is None  # nobody noted as Secretary: abstain


def test_exact_title_and_surname_rules():
    idx = index_of(entry("Cllr M Hand"), entry("Cllr Mrs J Hull"), entry("Jim Feld"), entry("Todd Moore"),
                   entry("County Councillor M Storey", "guests"))
    assert idx.resolve("Cllr Hand").person.name == "Cllr M Hand"
    assert idx.resolve("cllr m. hand").how == "exact"
    assert idx.resolve("Cllr Mrs Hull").person.name == "Cllr Mrs J Hull"
    assert idx.resolve("Mr. Feld").how == "title_surname"
    assert idx.resolve("Director Moore").person.name == "Todd Moore"
    assert idx.resolve("Moore").how == "surname"
    assert idx.resolve("County Councillor Martin Storey").person.name == "County Councillor M Storey"
    assert idx.resolve("CC Storey").person.name == "County Councillor M Storey"
    assert idx.resolve("Cllr Smith").person is None


def test_first_name_nickname_and_hypocorism():
    idx = index_of(entry("Niccola Hutchinson-Pascal"), entry("Magdalena Ruiz"), entry("Graham Hart"),
                   entry("Robert Jones"), entry("Elizabeth Ford"), entry("Shema Tariq"))
    assert idx.resolve("Graham").how == "first_name"
    r = idx.resolve("Nicc")
    assert r.person.name == "Niccola Hutchinson-Pascal" and r.how == "nickname"
    assert idx.resolve("Magda").person.name == "Magdalena Ruiz"
    assert idx.resolve("Bob").person.name == "Robert Jones"
    assert idx.resolve("Liz").person.name == "Elizabeth Ford"
    assert idx.resolve("Hutchinson-Pascal").person.name == "Niccola Hutchinson-Pascal"
    assert idx.resolve("She").person is None  # a pronoun is not a short form of Shema
    assert idx.resolve("Gr").person is None  # two letters are not enough for a short form


def test_hypocorism_abstains_when_two_attendees_fit():
    idx = index_of(entry("Robert Jones"), entry("Robert Smith"))
    r = idx.resolve("Bob")
    assert r.person is None and r.ambiguous


def test_shared_surname_or_initials_is_ambiguous():
    idx = index_of(entry("Jane Smith"), entry("John Smith"), entry("Anna Brown"), entry("Alan Brook"))
    assert idx.resolve("Smith").ambiguous
    assert idx.resolve("Mr Smith").person is None
    assert idx.resolve("AB").ambiguous
    assert idx.resolve("JS").person is None


def test_defined_initials_beat_derived_and_mixed_case():
    idx = index_of(entry("Jean Smyth", initials="JSm"), entry("John Smith", initials="JS"))
    assert idx.resolve("JSm").person.name == "Jean Smyth"
    assert idx.resolve("JS").person.name == "John Smith"


def test_w3c_handles_and_lowercase_speaker_labels():
    idx = index_of(entry("Ege Korkan"), entry("Daniel Peintner"), entry("Mahda Noura"), entry("Cristiano Aguzzi"))
    assert idx.resolve("Ege_Korkan").person.name == "Ege Korkan"
    assert idx.resolve("ege", handle=True).person.name == "Ege Korkan"
    assert idx.resolve("cris", handle=True).person.name == "Cristiano Aguzzi"
    assert idx.resolve("dape", handle=True).person.name == "Daniel Peintner"
    assert idx.resolve("mn", handle=True).person.name == "Mahda Noura"
    assert idx.resolve("mn").person is None  # lower-case initials only in a speaker label
    assert idx.resolve("lu", handle=True).person is None


def test_github_handle_recovered_from_text():
    doc = doc_of("Present", "Matteo Collina @mcollina (voting member)", "Richard Lau @richardlau (voting member)",
                 "Matteo: landed.")
    idx = PeopleIndex.from_structure(doc, structure(doc))
    assert idx.resolve("@mcollina").person.name == "Matteo Collina"
    assert idx.resolve("@richardlau").person.name == "Richard Lau"
    assert idx.resolve("@nobody").person is None


def test_initials_only_entry_conflicting_with_attendance_is_flagged_not_merged():
    idx = index_of(entry("Matty Widdop", "present", initials="MW"), entry("MW", "apologies"), entry("Amrit", "apologies"))
    assert [p.name for p in idx.people] == ["Matty Widdop", "Amrit"]
    assert idx.people[0].attendance == ["present"]
    warnings = people_warnings(idx, [], [])
    assert [w.code for w in warnings] == ["attendance_conflict"]


def test_short_entry_joins_the_full_name():
    idx = index_of(entry("Ege Korkan"), entry("Ege", "minutes"))
    assert len(idx.people) == 1 and idx.people[0].attendance == ["present", "minutes"]


def test_public_is_not_a_person():
    idx = index_of(entry("6 Members of the Public", "guests"), entry("Mrs C Hardy"))
    assert [p.name for p in idx.people] == ["Mrs C Hardy"]


def test_action_owner_warnings():
    idx = index_of(entry("Matty Widdop", initials="MW"), entry("Evie Wilson", initials="EW"))
    ws = people_warnings(idx, [], [], action_owners=["MW", "SA", "All", "EW and RJ", "Clerk"])
    msgs = [w.message for w in ws]
    assert [w.code for w in ws] == ["person_not_in_attendance"] * 3
    assert any("'SA'" in m for m in msgs) and any("'RJ'" in m for m in msgs) and any("'Clerk'" in m for m in msgs)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .-_'@:()")),
               max_size=25))
def test_resolve_never_crashes_and_never_invents(mention):
    idx = index_of(entry("Laura Crane"), entry("Laura Cream"), entry("Niccola Hutchinson-Pascal"),
                   entry("Dr Andrew Payne", note="Chairman; AP"), entry("Mrs C Hardy", note="Clerk"),
                   entry("Robert Jones"), entry("Ege Korkan"))
    for handle in (False, True):
        r = idx.resolve(mention, handle=handle)
        if r.person is None:
            continue
        if r.how == "role":
            assert re.search(r"chair|clerk|rfo", mention, re.IGNORECASE)
            continue
        m = [w for w in words_of(mention)] or [re.sub(r"\W", "", mention).lower()]
        names = r.person.words + [h.lower() for h in r.person.handles]
        initials = {i.lower() for i in r.person.initials + r.person.derived_initials}
        related = any(w == n or n.startswith(w) or w.startswith(n[:1]) or w in initials
                      or any(n in nicknames().get(w, ()) for n in names) for w in m for n in names)
        assert related, (mention, r)


# ------------------------------------------------------------------------------------ documents

@pytest.mark.slow
def test_seed_nicc_rob_and_lauras(nlp):
    from pipeline.extract import read_document
    idx, ms, sp = analyse(read_document(SEED), nlp)
    nicc = [m for m in ms if m.text == "Nicc"]
    assert nicc and all(m.person and m.person.name == "Niccola Hutchinson-Pascal" for m in nicc)
    assert all(m.person is None for m in ms if m.text == "Laura")
    assert len({p.name for p in idx.people if p.name.startswith("Laura")}) == 2
    assert any(s.text == "Rob" for s in sp)
    ws = people_warnings(idx, ms, sp, action_owners=["Laura Cream", "Marc", "Graham", "Sarah", "team", "All",
                                                     "Lizzie", "Nicc"])
    not_in = [w for w in ws if w.code == "person_not_in_attendance"]
    assert len(not_in) == 1 and "'Rob'" in not_in[0].message
    for m in ms:  # provenance is exact
        assert idx.doc.text[m.start:m.end] == m.text
    people = to_record(idx, ms)
    nic = next(p for p in people if p.name == "Niccola Hutchinson-Pascal")
    assert "Nicc" in nic.aliases and nic.mentions and nic.mentions[0].file.endswith("seed-minutes.txt")


@pytest.mark.slow
def test_initials_defined_in_present_line(nlp):
    doc = doc_of("MINUTES OF TRUSTEES MEETING",
                 "Present: Dr Andrew Payne, Chairman (AP). Dr Umi Shamir (US). David Olds (DO). Mike Stephens, "
                 "Treasurer (MS).",
                 "4. Matters Arising: US suggested that the format could be simplified and DO agreed to look into this.",
                 "5. Report: MS reported that there is money in the US bank. DT stressed that the IT budget is fine. "
                 "Proposed DT, seconded US.")
    idx, ms, sp = analyse(doc, nlp)
    by_text = {(m.text, m.start): m for m in ms}
    assert all(m.person.name == "David Olds" for m in ms if m.text == "DO")
    assert not any(m.text == "IT" for m in ms)  # 'IT' is not defined as anyone's initials
    assert all(m.person is not None for m in ms if m.text in ("US", "MS", "AP"))
    spoken = {(s.text, s.person.name if s.person else None) for s in sp}
    assert {("US", "Dr Umi Shamir"), ("DO", "David Olds"), ("MS", "Mike Stephens"), ("DT", None)} <= spoken
    ws = people_warnings(idx, ms, sp)
    assert [w.code for w in ws] == ["person_not_in_attendance"] and "'DT'" in ws[0].message
    assert by_text


@pytest.mark.slow
def test_the_clerk_and_the_chairman(nlp):
    doc = doc_of("Those Attending: Cllr J Nicholas-Letch (Chairman), Cllr M Hand, Mrs C Hardy (Clerk)",
                 "The Clerk reported she was still awaiting the letter. The Chairman reported that he and Cllr Hand "
                 "had cleared the nettles.",
                 "Tony Brown, Chairman of Suffolk Libraries, had indicated that funds should be spent.")
    idx, ms, sp = analyse(doc, nlp)
    clerk = [m for m in ms if m.text == "The Clerk"]
    assert clerk and clerk[0].person.name == "Mrs C Hardy" and clerk[0].resolution.how == "role"
    assert any(m.text == "Cllr Hand" and m.person.name == "Cllr M Hand" for m in ms)
    assert {s.text for s in sp} >= {"The Clerk", "The Chairman"}
    assert people_warnings(idx, ms, sp) == []  # Tony Brown is mentioned, not a speaker


@pytest.mark.slow
def test_w3c_transcript_speakers(nlp):
    doc = doc_of("Present: Ege_Korkan, Daniel_Peintner, Mahda_Noura", "Chair: Ege_Korkan",
                 "ege: Any remarks?", "dape: we have two types", "lu: yes", "mn: consumers will reject it",
                 "<Ege> w3c/wot#1243", "lu: we can break it")
    idx, ms, sp = analyse(doc, nlp)
    got = {(s.text, s.person.name if s.person else None) for s in sp}
    assert {("ege", "Ege Korkan"), ("dape", "Daniel Peintner"), ("mn", "Mahda Noura"), ("lu", None),
            ("Ege", "Ege Korkan")} <= got
    assert not any(s.text in ("Present", "Chair") for s in sp)
    ws = people_warnings(idx, ms, sp)
    assert len(ws) == 1 and "'lu'" in ws[0].message


@pytest.mark.slow
def test_shared_corpus_files(nlp):
    if not SHARED_REAL.is_dir():
        pytest.skip("../shared/corpus not present: the real minutes are not redistributable")
    from pipeline.extract import read_document
    four = next(SHARED_REAL.glob("04_*"))
    idx, ms, sp = analyse(read_document(four), nlp)
    assert {s.text for s in sp if s.person is None} == {"DT"}
    assert idx.resolve("DO").person.name == "David Olds"
    thirty_two = next(SHARED_REAL.glob("32_*"))
    idx, ms, sp = analyse(read_document(thirty_two), nlp)
    assert idx.resolve("the Clerk").person.name == "Mrs C Hardy"
    assert idx.resolve("Chairman").person.name == "Cllr J Nicholas-Letch"
    assert idx.resolve("Cllr Hand").person.name == "Cllr M Hand"
    assert people_warnings(idx, ms, sp) == []
