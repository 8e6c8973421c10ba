"""Decisions, resolutions and motions (pipeline/decisions.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import CORPUS, SHARED_REAL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from pipeline.core.document import DocumentBuilder
from pipeline.detect.decisions import find_decisions, name_after, name_before, split_sentences, to_record
from pipeline.extract import read_document
from pipeline.structure.structure import structure


def doc_of(*paras: str, kinds: list[str] | None = None):
    b = DocumentBuilder("t.txt", "text")
    for i, p in enumerate(paras):
        kind = (kinds or [])[i] if kinds and i < len(kinds) else "paragraph"
        b.add(kind, p)
    return b.build()


def found(*paras: str, kinds: list[str] | None = None):
    d = doc_of(*paras, kinds=kinds)
    out = find_decisions(d, structure(d))
    for f in out:
        assert d.text[f.start:f.end].strip() == d.text[f.start:f.end]
        assert f.start < f.end
    return out


def one(*paras: str, **kw):
    out = found(*paras, **kw)
    assert len(out) == 1, [f.text for f in out]
    return out[0]


# ------------------------------------------------------------------------------------- sentences

def test_split_sentences_keeps_titles_and_initials():
    text = "Upon motion by Mr. Lee and J. Smith, the Board approved it. Vote: 6 in favor. Carried"
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == ["Upon motion by Mr. Lee and J. Smith, the Board approved it.", "Vote: 6 in favor.", "Carried"]


def test_names_as_written():
    t = "Upon motion duly made by Director Moore, seconded by Mr. Lee and approved"
    assert name_after(t, t.index("by") + 2)[0] == "Director Moore"
    assert name_after(t, t.index("seconded by") + 11)[0] == "Mr. Lee"
    t2 = "There being no further issues raised, Cllr Mrs Hull proposed the meeting"
    assert name_before(t2, t2.index(" proposed"))[0] == "Cllr Mrs Hull"
    assert name_before("the committee proposed", len("the committee")) is None


# ---------------------------------------------------------------------------------- agreed forms

@pytest.mark.parametrize("text", [
    "It was agreed that the Friends would spend up to £350 on beanbags.",
    "It was agreed to give the group time to reflect.",
    "It was also agreed that we need to tread carefully.",
    "The committee agreed to hold the fair in May.",
    "The Board approved the budget for 2025.",
    "Directors agreed by consensus to hold the retreat on a Saturday.",
    "Agreed: the fair goes ahead in May.",
    "AGREED that the fair goes ahead.",
    "Decision: Python 3.9 is deprecated in 3.2.",
    "It was decided to postpone the fair.",
    "The minutes of the meeting held on 9 January were agreed as a true record.",
    "We agreed that the data component could start first.",
    "Agreed to keep the wheel but move it to native runners.",
    "Voted unanimously to confirm the elections",
])
def test_agreed_forms(text):
    f = one("Minutes", text)
    assert f.kind in ("agreed", "motion")
    assert f.text.rstrip(".") in text or text.endswith(f.text)


def test_decision_label_is_stripped_and_markup_removed():
    f = one("**Decision:** Python 3.9 is deprecated in 3.2 and removed in 3.3.")
    assert f.text == "Python 3.9 is deprecated in 3.2 and removed in 3.3."
    assert f.kind == "agreed"


def test_only_the_deciding_sentence_is_the_text():
    f = one("Bruno summarised the state of the branch. It was agreed to cut the RC on Friday. Chen has a fix.")
    assert f.text == "It was agreed to cut the RC on Friday."


@pytest.mark.parametrize("text", [
    "Magda proposed announcing the drop with 3.2 and removing support in 3.3. Nobody objected.",
    "Cllr Okoro agreed to obtain quotes for new shackles.",
    "Ms. Brooks agreed to contact the program director.",
    "Cristina agreed, suggesting that we are more vocal about our situation.",
    "This will be discussed in more detail at a forthcoming Committee Meeting.",
    "Should the committee agree to fund the medals?",
    "The budget will be agreed at the next meeting.",
    "No decisions were made on these points.",
    "The monthly check was carried out by Cllr Pryce.",
    "Director Moore moved to adjourn.",
    "The issue was resolved by the contractor last week.",
])
def test_abstains(text):
    assert found("Minutes", text) == []


# ------------------------------------------------------------------------------------- resolved

@pytest.mark.parametrize("text", [
    "RESOLVED that the apologies and reasons for absence be accepted.",
    "Resolved: that the subscription remains at £8.",
    "It was RESOLVED to object on highway grounds.",
    "RESOLUTION 24/12: the Council adopts the budget.",
])
def test_resolved_forms(text):
    f = one("Minutes", text)
    assert f.kind == "resolved"
    assert f.result is None  # "be accepted" is what was resolved, not a vote result


def test_resolved_inside_paragraph_keeps_only_its_sentence():
    f = one("1.1 Apologies were received from Cllr T Ashby (work). RESOLVED that the apologies be accepted.")
    assert f.text == "RESOLVED that the apologies be accepted."


def test_resolution_ending_with_colon_takes_the_list():
    d = doc_of("RESOLVED that the following payments be approved:", "HMRC £103.20", "Clerk £412.50", "Other text",
               kinds=["paragraph", "list_item", "list_item", "paragraph"])
    (f,) = find_decisions(d, structure(d))
    assert "HMRC" in f.text and "Clerk" in f.text and "Other" not in f.text


# --------------------------------------------------------------------------------------- motions

def test_us_board_motion_with_named_dissent():
    f = one("Upon motion duly made by Director Moore, seconded by Director Hammond and approved by all Directors "
            "in attendance, save for Director Kapke who opposed and Director McCallister who abstained, the "
            "following resolution was adopted:",
            "RESOLVED: That the minutes of the June meeting are hereby approved.")
    assert (f.kind, f.mover, f.seconder, f.result) == ("resolved", "Director Moore", "Director Hammond", "approved")
    assert f.opposed_by == ["Director Kapke"] and f.abstained_by == ["Director McCallister"]
    assert f.unanimous is False
    assert "RESOLVED" in f.text


def test_parish_proposed_seconded_unanimously_agreed():
    f = one("Cllr Mrs Lintern proposed acceptance of the Minutes seconded by Cllr Hand. Unanimously Agreed")
    assert (f.kind, f.mover, f.seconder, f.result, f.unanimous) == ("motion", "Cllr Mrs Lintern", "Cllr Hand",
                                                                     "unanimous", True)
    assert f.text.endswith("Unanimously Agreed")


def test_initials_proposed_seconded_and_agreed():
    f = one("3. Minutes: Proposed DT, seconded US and agreed that these be approved as a correct record.")
    assert (f.mover, f.seconder, f.result) == ("DT", "US", "approved")


def test_moved_seconded_carried_with_dash_votes():
    f = one("Jane Smith moved that the budget be adopted, Tom Jones seconded; carried 5-1-0.")
    assert (f.mover, f.seconder, f.result) == ("Jane Smith", "Tom Jones", "carried")
    assert (f.votes_for, f.votes_against, f.abstentions) == (5, 1, 0)


def test_motion_carried_for_against():
    f = one("Cllr Mrs Clements proposed that draft minutes should not be released, seconded by Cllr Mrs Hull. "
            "The motion carried (4 for, 2 against).")
    assert (f.result, f.votes_for, f.votes_against) == ("carried", 4, 2)
    assert f.unanimous is False


def test_motion_label_block_format():
    f = one("MOTION: To adopt the 2025 budget.", "Moved: Jane Smith", "Seconded: Tom Jones", "Result: carried",
            "Vote: 6 in favour, 1 against, 1 abstention")
    assert (f.kind, f.mover, f.seconder, f.result) == ("motion", "Jane Smith", "Tom Jones", "carried")
    assert (f.votes_for, f.votes_against, f.abstentions) == (6, 1, 1)


@pytest.mark.parametrize("word,result", [("withdrawn", "withdrawn"), ("failed", "failed"),
                                         ("defeated", "defeated"), ("deferred", "deferred"), ("passed", "passed")])
def test_motion_results(word, result):
    f = one(f"MOTION: To adopt the budget. Moved: Jane Smith Seconded: Tom Jones Result: {word}")
    assert f.result == result


def test_contentless_motion_takes_the_sentence_before():
    f = one("The meeting was adjourned to receive information from the public. Proposed by Cllr Mrs Clements, "
            "seconded by Cllr Hand - Unanimously agreed")
    assert f.text.startswith("The meeting was adjourned")
    assert (f.mover, f.seconder, f.result) == ("Cllr Mrs Clements", "Cllr Hand", "unanimous")


def test_seconded_motion_then_it_was_agreed_is_one_decision():
    f = one("Cllr Mrs Clements proposed Cllr Mrs Hull, seconded by Cllr Hand. It was agreed that Cllr Mrs Hull "
            "will be the third signatory.")
    assert (f.mover, f.seconder, f.kind) == ("Cllr Mrs Clements", "Cllr Hand", "motion")


def test_vote_line_attaches_to_motion():
    f = one("Upon motion duly made by Ms. Okafor and seconded by Mr. Kaminski, the Board approved the minutes. "
            "Vote: 5 in favor, 0 opposed, 1 abstaining (Mr. Greer, who was not present).")
    assert (f.mover, f.seconder, f.result) == ("Ms. Okafor", "Mr. Kaminski", "approved")
    assert (f.votes_for, f.votes_against, f.abstentions) == (5, 0, 1)
    assert f.abstained_by == ["Mr. Greer"]


def test_vote_approved_under_a_proposal_list_item():
    f = one("Proposal: Thibaud and Sarah work on this", "Vote approved", kinds=["list_item", "list_item"])
    assert f.result == "approved" and f.kind == "motion" and "Thibaud" in f.text


def test_two_motions_in_one_paragraph_are_two_decisions():
    out = found("Upon motion duly made by Mr. Lee and seconded by Ms. Alvarado, the Board approved the agenda. "
                "Upon motion duly made by Ms. Okafor and seconded by Mr. Lee, the Board approved the minutes.")
    assert [(f.mover, f.seconder) for f in out] == [("Mr. Lee", "Ms. Alvarado"), ("Ms. Okafor", "Mr. Lee")]


def test_no_duplicates_when_patterns_overlap():
    out = found("It was RESOLVED and AGREED that the minutes were approved as a true record.")
    assert len(out) == 1


def test_decisions_made_table_row_and_section():
    b = DocumentBuilder("t.docx", "docx")
    t = b.new_table()
    b.add_row(t, ["Discussion:"])
    b.add_row(t, ["We talked about many things."])
    b.add_row(t, ["Decisions made:"])
    b.add_row(t, ["check in every day and adapt deadlines if necessary"])
    b.add("heading", "Decisions", level=2)
    b.add("list_item", "Keep the release date", level=0)
    b.add("list_item", "Drop Python 3.8", level=0)
    d = b.build()
    out = find_decisions(d, structure(d))
    assert [f.text for f in out] == ["check in every day and adapt deadlines if necessary", "Keep the release date",
                                     "Drop Python 3.8"]


def test_section_and_provenance_in_record():
    d = doc_of("Club minutes", "4. Treasurer's report", "JSm presented the accounts. It was agreed to spend £350.",
               "5. Librarian's report", "SD reported on visits.")
    st = structure(d)
    (f,) = find_decisions(d, st)
    assert f.section == "Treasurer's report"
    (rec,) = to_record([f], d)
    assert rec.provenance.text == "It was agreed to spend £350."
    assert d.text[rec.provenance.start:rec.provenance.end] == rec.provenance.text
    assert rec.provenance.block == 2 and rec.provenance.file == "t.txt"


# -------------------------------------------------------------------------------------- hypothesis

_WORDS = ["RESOLVED", "that", "It", "was", "agreed", "Agreed:", "proposed", "seconded", "by", "Cllr", "Mrs", "Hull",
          "Mr.", "Lee", "Carried", "Vote:", "6", "in", "favour,", "1", "against", "(4", "for,", "2", "against)",
          "Decision:", "MOTION:", "Moved:", "Seconded:", "Result:", "withdrawn", "The", "Board", "approved", ".",
          "Unanimously", "?", "5-1-0", "Upon", "motion", "duly", "made", "**", "|", "Decisions made:", "\n", "who",
          "opposed", "save", "for", "This", "the", "minutes"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hs.lists(hs.lists(hs.one_of(hs.sampled_from(_WORDS), hs.text(max_size=8)), max_size=25), max_size=6),
       hs.lists(hs.sampled_from(["paragraph", "list_item", "heading", "table_row"]), max_size=6))
def test_never_crashes_and_spans_are_exact(paras, kinds):
    b = DocumentBuilder("h.txt", "text")
    t = b.new_table()
    for i, words in enumerate(paras):
        text = " ".join(words)
        kind = kinds[i] if i < len(kinds) else "paragraph"
        if kind == "table_row":
            b.add_row(t, text.split("|"))
        else:
            b.add(kind, text, level=1 if kind == "heading" else None)
    d = b.build()
    out = find_decisions(d, structure(d))
    recs = to_record(out, d)
    last = -1
    for f, r in zip(out, recs):
        assert 0 <= f.start < f.end <= len(d.text)
        assert f.start >= last
        last = f.end
        assert r.provenance.text == d.text[f.start:f.end]
        assert f.text
        assert f.kind in ("agreed", "resolved", "motion")
        assert f.result in (None, "carried", "passed", "approved", "unanimous", "failed", "defeated", "withdrawn",
                            "deferred")


# ------------------------------------------------------------------------------------ corpus samples

_STOP = {"the", "and", "for", "that", "with", "was", "were", "from", "this", "are", "its", "than", "will", "into",
         "resolved", "agreed", "approved"}


def _words(s: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9£%]+", s.lower()) if len(w) >= 3 and w not in _STOP}


def _matches(expected: str, texts: list[str]) -> bool:
    want = _words(expected)
    # the expected lists are paraphrases: three shared content words (or half of them) make a match
    return any(len(want & _words(t)) >= min(3, 0.5 * len(want)) for t in texts)


SAMPLES = sorted((CORPUS / "samples").iterdir())


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_against_expected(path):
    exp_path = CORPUS / "expected" / f"{path.name}.json"
    expected = json.loads(exp_path.read_text(encoding="utf-8")).get("decisions") if exp_path.exists() else None
    d = read_document(path)
    out = find_decisions(d, structure(d))
    for f in out:
        assert d.text[f.start:f.end]
    if expected is None:
        return
    texts = [f.text for f in out]
    hit = [e for e in expected if _matches(e, texts)]
    # known abstentions: "we keep the date" (a present-tense remark, not a stated decision)
    allowed = {"Keep the next meeting date despite the public holiday"}
    missed = set(expected) - set(hit) - allowed
    assert len(missed) <= 1, (missed, texts)
    assert len(out) <= len(expected) + 1, texts


def test_us_board_sample_motions():
    d = read_document(CORPUS / "samples" / "us-board_2023-05-18.html")
    out = find_decisions(d, structure(d))
    motions = [f for f in out if f.kind == "motion"]
    assert len(motions) == 6
    income = next(f for f in motions if "income limit" in f.text)
    assert (income.mover, income.seconder, income.votes_for, income.votes_against) == ("Mr. Lee", "Ms. Whitfield", 4, 2)
    assert income.opposed_by == ["Ms. Alvarado", "Mr. Greer"]


def test_parish_sample_resolutions():
    d = read_document(CORPUS / "samples" / "parish-council_2024-06-03.txt")
    out = find_decisions(d, structure(d))
    assert len(out) == 8 and all(f.kind == "resolved" for f in out)
    assert out[0].section == "Apologies for absence"


def test_seed_minutes():
    d = read_document(CORPUS / "seed" / "seed-minutes.txt")
    out = find_decisions(d, structure(d))
    texts = [f.text for f in out]
    assert any(t.startswith("It was agreed to give the group time to reflect") for t in texts)
    assert any(t.startswith("It was also agreed that we need to tread carefully") for t in texts)
    assert not any(t.startswith(("Cristina agreed", "Marc agreed", "Laura Crane agreed")) for t in texts)


@pytest.mark.slow
def test_with_spacy_sentences_same_spans_on_samples():
    from pipeline.detect.nlp import shared_spacy
    from pipeline.detect.parsed import parse_document

    for path in SAMPLES:
        d = read_document(path)
        st = structure(d)
        plain = find_decisions(d, st)
        parsed = find_decisions(d, st, parse_document(d, shared_spacy()))
        for f in parsed:
            assert d.text[f.start:f.end]
        # the sentence splitter may differ; the decisions found should not
        assert abs(len(parsed) - len(plain)) <= 1, (path.name, [f.text for f in plain], [f.text for f in parsed])


# ------------------------------------------------------------------------------------ shared corpus

def _shared(name: str) -> Path:
    p = SHARED_REAL / name
    if not p.exists():
        pytest.skip(f"../shared/corpus not present: {name}")
    return p


def _decisions(name: str):
    d = read_document(_shared(name))
    return d, find_decisions(d, structure(d))


@pytest.mark.shared
def test_shared_nodejs_board_resolution_with_motion():
    d, out = _decisions("31_nodejs-foundation-board_2018-09-05")
    assert len(out) == 1
    f = out[0]
    assert (f.kind, f.mover, f.seconder) == ("resolved", "Director Moore", "Director Hammond")
    assert f.opposed_by == ["Director Kapke"] and f.abstained_by == ["Director McCallister"]


@pytest.mark.shared
def test_shared_stoke_ferry_parish():
    d, out = _decisions("32_stoke-ferry-parish_2013-07-10.md")
    first = out[0]
    assert (first.mover, first.seconder, first.result) == ("Cllr Mrs Lintern", "Cllr Hand", "unanimous")
    draft = next(f for f in out if "Draft Minutes" in f.text)
    assert (draft.result, draft.votes_for, draft.votes_against) == ("carried", 4, 2)
    assert 6 <= len(out) <= 9


@pytest.mark.shared
def test_shared_halesworth_initials():
    d, out = _decisions("04_halesworth-library-friends_trustees_2016-08-09.pdf")
    assert (out[0].mover, out[0].seconder, out[0].result) == ("DT", "US", "approved")
    rec = to_record(out, d)
    assert rec[0].provenance.page == 1
    assert not any("DO agreed" in f.text or "TI proposed" in f.text for f in out)


@pytest.mark.shared
def test_shared_dsf_votes():
    d, out = _decisions("22_dsf-board_2025-12-11.md")
    assert any(f.result == "approved" and "Thibaud" in f.text for f in out)
    assert any(f.result == "unanimous" and "2026 DSF Board elections" in f.text for f in out)


@pytest.mark.shared
def test_shared_groupwork_decisions_row():
    d, out = _decisions("12_groupwork_wk5_2019-03-21.docx")
    assert any(f.section == "Decisions made" or "adapt deadlines" in f.text for f in out)
    assert any(f.text.startswith("We agreed that the job progress component") for f in out)
