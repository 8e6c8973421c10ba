"""The shared spaCy parse: long blocks are parsed piece by piece (bounded memory) into one Doc per
block with the block's exact text, and ordinary blocks parse exactly as a whole-block parse does."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.document import DocumentBuilder
from pipeline.detect import parsed as parsed_mod
from pipeline.detect.parsed import parse_document, pieces


@pytest.fixture(scope="module")
def nlp():
    from pipeline.detect.nlp import shared_spacy
    return shared_spacy()


@given(st.text(alphabet="ab .!?\n;", max_size=400), st.integers(min_value=2, max_value=60))
@settings(max_examples=300, deadline=None)
def test_pieces_join_back_and_respect_the_limit(text, limit):
    got = pieces(text, limit)
    assert "".join(got) == text
    assert all(len(p) <= limit for p in got)
    assert all(p for p in got[:-1])


def test_pieces_cut_after_a_sentence_end_when_there_is_one():
    text = "The committee met. " * 40 + "word " * 200
    got = pieces(text, 300)
    assert got[0].endswith("met. ")
    assert all(p.endswith(" ") for p in got[:-1])


def _doc(paragraphs):
    b = DocumentBuilder("m.txt", "text")
    for p in paragraphs:
        b.add("paragraph", p)
    return b.build()


def test_long_block_parsed_in_pieces_keeps_text_offsets_and_annotations(nlp, monkeypatch):
    rng = random.Random(3)
    words = ["budget", "agreed", "action", "minutes", "meeting", "the", "committee", "review", "staff"]
    long = " ".join(rng.choice(words) for _ in range(3000))
    sentences = "Jane Smith will circulate the report by Friday. The board approved the budget. " * 60
    doc = _doc(["Minutes of the meeting", long, sentences])
    monkeypatch.setattr(parsed_mod, "MAX_CHARS", 2_000)
    parsed = parse_document(doc, nlp)
    assert [d.text for d in parsed.docs] == [b.text for b in doc.blocks]
    for d, b in zip(parsed.docs, doc.blocks):
        for t in d:
            assert doc.text[b.start + t.idx: b.start + t.idx + len(t.text)] == t.text
    whole = nlp(sentences)  # a piece cut at a sentence end parses as the whole block does
    cut = parsed.docs[2]
    assert [(t.text, t.pos_, t.dep_, t.head.i) for t in cut] == [(t.text, t.pos_, t.dep_, t.head.i) for t in whole]
    assert [e.text for e in cut.ents] == [e.text for e in whole.ents]
    assert len(list(cut.sents)) == len(list(whole.sents))


def test_ordinary_blocks_are_batched_by_count_and_size(nlp, monkeypatch):
    calls: list[int] = []
    real = nlp.pipe

    def pipe(texts, batch_size=64):
        calls.append(len(texts))
        return real(texts, batch_size=batch_size)

    monkeypatch.setattr(nlp, "pipe", pipe)
    monkeypatch.setattr(parsed_mod, "BATCH_CHARS", 100)
    doc = _doc([f"Item {i} was noted by the committee." for i in range(10)])
    parsed = parse_document(doc, nlp)
    assert [d.text for d in parsed.docs] == [b.text for b in doc.blocks]
    assert sum(calls) == 10 and max(calls) <= 3
