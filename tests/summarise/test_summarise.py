"""Section summaries: extractive sentences with exact spans, the grounding check, and the abstractive
path with tiny models built here (no download), which must fall back when their output is not grounded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import CORPUS, SHARED_REAL, SKIP_NO_SHARED

from pipeline.core.document import Block, Document
from pipeline.core.errors import MinutebookError
from pipeline.structure.sections import SectionText, Sentence
from pipeline.summarise.abstractive import AbstractiveSummariser
from pipeline.summarise.base import SummariserNotFound
from pipeline.summarise.extractive import ExtractiveSummariser
from pipeline.summarise.grounding import grounding_problems
from pipeline.summarise.registry import get_summariser, registered_summarisers, summarise_sections
from pipeline.summarise.sentences import section_sentences

FUNDING = ("Niccola shared an update on the funding position. "
           "The group discussed the history of the fund and how it had been used over the years. "
           "Members talked about the wider context of research funding at the university. "
           "It was agreed to ask UCL Finance to carry over £12,500 of income into the 2022/23 budget. "
           "Several members said they found the update helpful.")


def make_section(paragraphs: list[str], heading: str = "Funding") -> tuple[Document, SectionText]:
    """A document with one heading and the given paragraphs (one sentence split per '. ')."""
    text = heading + "\n"
    blocks = [Block(kind="heading", text=heading, start=0, end=len(heading))]
    spans = []
    for para in paragraphs:
        start = len(text)
        text += para + "\n"
        blocks.append(Block(kind="paragraph", text=para, start=start, end=start + len(para)))
        spans.append((start, start + len(para)))
    doc = Document(path="mem.txt", format="text", text=text, blocks=blocks)
    sents = []
    for bi, (a, z) in enumerate(spans, start=1):
        pos = a
        for piece in re.split(r"(?<=[.!?])\s+", text[a:z]):
            s = text.index(piece, pos)
            sents.append(Sentence(piece, s, s + len(piece), bi))
            pos = s + len(piece)
    body_start = len(heading) + 1
    sec = SectionText(index=0, heading=heading, level=1, parent=None, start=body_start, end=len(text),
                      text=text[body_start:], sentences=sents)
    return doc, sec


class FakeEncoder:
    """Bag-of-words vectors: enough to exercise centrality and MMR without loading MiniLM."""

    def warm_up(self):
        pass

    def encode(self, texts):
        import numpy as np

        vocab: dict[str, int] = {}
        rows = []
        for t in texts:
            v = np.zeros(512, dtype=np.float32)
            for w in re.findall(r"[a-z]+", t.lower()):
                v[vocab.setdefault(w, hash(w) % 512)] += 1
            rows.append(v / (np.linalg.norm(v) or 1))
        return np.stack(rows)


# -- registry and errors ------------------------------------------------------------------------


def test_registry_and_default():
    assert {"extractive", "abstractive"} <= set(registered_summarisers())
    assert isinstance(get_summariser(None), ExtractiveSummariser)
    assert isinstance(get_summariser("extractive", short_sentences=1), ExtractiveSummariser)
    assert get_summariser("extractive", short_sentences=1).config.short_sentences == 1


def test_unknown_name_is_a_one_line_error(tmp_path):
    with pytest.raises(SummariserNotFound) as e:
        get_summariser("bart-large-cnn")
    msg = str(e.value)
    assert isinstance(e.value, MinutebookError)
    assert "\n" not in msg and "bart-large-cnn" in msg
    assert "from_pretrained" in msg and "never downloads" in msg
    with pytest.raises(SummariserNotFound):
        get_summariser(str(tmp_path / "missing-folder"))


def test_folder_that_is_not_a_model_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    s = get_summariser(str(tmp_path))
    assert isinstance(s, AbstractiveSummariser)  # loading is lazy
    with pytest.raises(SummariserNotFound) as e:
        s.warm_up()
    assert "cannot load" in str(e.value) and "\n" not in str(e.value)


# -- extractive ---------------------------------------------------------------------------------


def test_extractive_is_made_of_source_sentences_and_prefers_the_decision():
    doc, sec = make_section([FUNDING])
    out = ExtractiveSummariser(encoder=FakeEncoder()).summarise(sec, doc)
    assert out.method == "extractive" and out.grounded and out.fallback is None
    assert out.sentences
    for p in out.sentences:
        assert doc.text[p.start:p.end] == p.text
        assert p.text in out.summary
    assert any("£12,500" in p.text for p in out.sentences)
    assert len(out.sentences) <= 2 and len(out.summary.split()) <= 60
    assert [p.start for p in out.sentences] == sorted(p.start for p in out.sentences)
    assert grounding_problems(out.summary, sec.text) == []


def test_short_sections_are_returned_as_they_are():
    doc, sec = make_section(["• Friday 22 July, 10am – 12pm.", "Thursday 22 September, 2pm – 4pm"], "Next meetings")
    out = ExtractiveSummariser(encoder=FakeEncoder()).summarise(sec, doc)
    assert [p.text for p in out.sentences] == ["Friday 22 July, 10am – 12pm.", "Thursday 22 September, 2pm – 4pm"]
    assert out.summary == "Friday 22 July, 10am – 12pm. Thursday 22 September, 2pm – 4pm."


def test_a_sentence_broken_by_a_page_break_keeps_both_spans():
    doc, sec = make_section(["The grant from the Wellcome Trust ends in September",
                             "https://example.org/report",
                             "2022 so we are exploring how best to fund the core team."])
    pieces = section_sentences(sec, doc)
    joined = [p for p in pieces if len(p.spans) == 2]
    assert joined and joined[0].text.endswith("core team.")
    assert [doc.text[q.start:q.end] for q in joined[0].spans] == [q.text for q in joined[0].spans]


def test_summarise_sections_skips_containers_and_empty_sections():
    doc, sec = make_section([FUNDING])
    empty = SectionText(index=1, heading="Ongoing business", level=1, parent=None, start=0, end=0, text="",
                        sentences=[], has_children=True)
    out = summarise_sections([sec, empty], doc, ExtractiveSummariser(encoder=FakeEncoder()))
    assert [s.section for s in out] == ["Funding"]


@pytest.mark.slow
def test_extractive_with_the_encoder_prefers_the_decision_and_amount():
    doc, sec = make_section([FUNDING])
    out = get_summariser(None).summarise(sec, doc)
    assert any("£12,500" in p.text for p in out.sentences)
    assert len(out.summary.split()) <= 60


# -- grounding ----------------------------------------------------------------------------------

SOURCE = ("Co-Production Collective’s main funder over the past 5 years has been UCL via a fund granted by the "
          "Wellcome Trust. This funding ends in September 2022. The website had 4.2K users in the last 3 "
          "months (49% increase). The committee approved a budget of £1,500 for the event on 3rd May. "
          "Dr. Okafor will report back on Friday 14 June.")


def test_grounding_passes_a_faithful_paraphrase():
    para = ("UCL, funded by the Wellcome Trust, has been the Collective's main funder for five years, but the "
            "funding ends in September 2022. Website users reached 4,200 (up 49%). A £1500 budget was approved "
            "for the 3 May event, and Okafor reports back on 14 June.")
    assert grounding_problems(para, SOURCE) == []


@pytest.mark.parametrize("summary, bad", [
    ("The Gates Foundation funds the Collective.", "Gates Foundation"),
    ("UCL and Wellcome were joined by Nesta.", "Nesta"),
    ("The committee approved a budget of £2,500.", "£2,500"),
    ("The budget was $1,500.", "$1,500"),
    ("Website users grew by 59%.", "59%"),
    ("The fund has run for seven years.", "seven"),
    ("Users reached 5k.", "5k"),
    ("This funding ends in October 2022.", "October"),
    ("This funding ends in September 2023.", "2023"),
    ("Okafor will report back on Monday.", "Monday"),
    ("Okafor will report back on 15 June.", "15 June"),
    ("The event is on 04/05/2022.", "04/05/2022"),
])
def test_grounding_catches_invented_names_numbers_and_dates(summary, bad):
    assert bad in grounding_problems(summary, SOURCE)


def test_grounding_normalises_numbers_dates_and_case():
    assert grounding_problems("The budget of 1500 pounds was approved on 3 May.", SOURCE) == []
    assert grounding_problems("The Website Had 4.2k Users.", SOURCE) == []
    assert grounding_problems("Okafor reports on 14th June.", SOURCE) == []
    assert grounding_problems("Meeting on 2022-05-03.", "Held on 3/5/2022 at the hall.") == []
    assert grounding_problems("Meeting on 2022-05-04.", "Held on 3/5/2022 at the hall.") == ["2022-05-04"]


@pytest.mark.slow
def test_grounding_with_spacy_entities_checks_the_first_word():
    from pipeline.detect.nlp import shared_spacy

    nlp = shared_spacy()
    nlp.warm_up()  # spaCy and its model are dependencies: a missing model fails here, never skips
    assert grounding_problems("Wellcome funded the Collective.", SOURCE, nlp=nlp) == []
    probs = grounding_problems("Microsoft funded the Collective.", SOURCE, nlp=nlp)
    assert "Microsoft" in probs


# -- abstractive, with tiny models built here ---------------------------------------------------

TRAIN = [FUNDING, SOURCE, "the meeting agreed the minutes and the budget", "summarize: the group discussed funding"]


def _tokenizer(folder: Path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<pad>", "</s>", "<unk>", "<s>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(TRAIN, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
                                   bos_token="<s>")
    fast.save_pretrained(folder)
    return fast


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    pytest.importorskip("torch")
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, T5Config, T5ForConditionalGeneration

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("tiny")
    s2s, causal = root / "tiny-t5", root / "tiny-gpt2"
    tok = _tokenizer(s2s)
    _tokenizer(causal)
    t5 = T5ForConditionalGeneration(T5Config(vocab_size=len(tok), d_model=16, d_ff=32, d_kv=8, num_layers=1,
                                             num_decoder_layers=1, num_heads=2, pad_token_id=tok.pad_token_id,
                                             eos_token_id=tok.eos_token_id, decoder_start_token_id=tok.pad_token_id))
    t5.save_pretrained(s2s)
    gpt = GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_embd=16, n_layer=1, n_head=2, n_positions=256,
                                     bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id))
    gpt.save_pretrained(causal)
    return {"seq2seq": s2s, "causal": causal}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["seq2seq", "causal"])
def test_tiny_random_model_loads_generates_and_falls_back(tiny_models, kind):
    doc, sec = make_section([FUNDING])
    ext = ExtractiveSummariser(encoder=FakeEncoder())
    s = get_summariser(str(tiny_models[kind]), extractive=ext, max_new_tokens=12)
    assert isinstance(s, AbstractiveSummariser)
    s.warm_up()
    assert s.is_seq2seq == (kind == "seq2seq")
    generated = s.generate(sec)  # runs, deterministically
    assert isinstance(generated, str) and generated == s.generate(sec)
    out = s.summarise(sec, doc)
    assert out.method == "extractive" and out.fallback and out.fallback.startswith(s.name)
    assert out.summary == ext.summarise(sec, doc).summary
    assert out.grounded and out.sentences


@pytest.mark.slow
def test_faithful_generation_is_kept_and_names_the_model(tiny_models, monkeypatch):
    doc, sec = make_section([FUNDING])
    s = get_summariser(str(tiny_models["seq2seq"]), extractive=ExtractiveSummariser(encoder=FakeEncoder()))
    monkeypatch.setattr(s, "generate", lambda section: "UCL Finance was asked to carry over £12,500 into 2022/23.")
    out = s.summarise(sec, doc)
    assert out.fallback is None and out.grounded
    assert out.method == s.name and "tiny-t5" in out.method
    assert out.summary.startswith("UCL Finance")


@pytest.mark.slow
def test_invented_generation_falls_back_with_the_reason(tiny_models, monkeypatch):
    doc, sec = make_section([FUNDING])
    s = get_summariser(str(tiny_models["causal"]), extractive=ExtractiveSummariser(encoder=FakeEncoder()))
    monkeypatch.setattr(s, "generate", lambda section: "The Wellcome Trust gave £12,500 in 2023 for the budget.")
    out = s.summarise(sec, doc)
    assert out.method == "extractive"
    assert "names not in the section: Wellcome Trust" in out.fallback
    assert "2023" in out.fallback


@pytest.mark.slow
def test_generation_errors_fall_back(tiny_models, monkeypatch):
    doc, sec = make_section([FUNDING])
    s = get_summariser(str(tiny_models["causal"]), extractive=ExtractiveSummariser(encoder=FakeEncoder()))

    def boom(section):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(s, "generate", boom)
    out = s.summarise(sec, doc)
    assert out.method == "extractive" and "generation failed" in out.fallback and "out of memory" in out.fallback


# -- every document of the corpora: zero ungrounded names, numbers or dates ---------------------

OWN = sorted(p for d in ("seed", "samples") for p in (CORPUS / d).iterdir()
             if p.suffix in {".txt", ".pdf", ".docx", ".html", ".md"})
REAL = sorted(SHARED_REAL.iterdir()) if SHARED_REAL.is_dir() else []


def _check_document(path: Path):
    from pipeline.api import analyse
    from pipeline.extract import read_document
    from pipeline.structure.sections import section_texts

    meeting = analyse(path, stages=["extract", "structure"])
    doc = read_document(path)
    sections = section_texts(doc, meeting)
    by_index = {s.index: s for s in sections}
    out = summarise_sections(sections, doc, get_summariser(None))
    assert out or not any(s.sentences for s in sections)
    for summ in out:
        sec = by_index[summ.section_index]
        assert grounding_problems(summ.summary, sec.text) == [], (summ.section, summ.summary)
        assert summ.grounded and summ.method == "extractive"
        for p in summ.sentences:
            assert doc.text[p.start:p.end] == p.text
            assert sec.start <= p.start and p.end <= sec.end
            # a leading pronoun may have been replaced by the name it stands for ("He" -> "Graham")
            said = re.sub(r"^(He|She|His|Her)\b", "", " ".join(p.text.split()).rstrip(".:;,–- "))
            assert said in summ.summary
        # at most 3 chosen sentences (a lead-in may bring up to 6 short list items)
        assert len(summ.sentences) <= 3 + 6 + 2 and len(summ.summary.split()) <= 140, summ.summary


@pytest.mark.slow
@pytest.mark.parametrize("path", OWN, ids=lambda p: p.name)
def test_every_corpus_document_is_summarised_without_invention(path):
    _check_document(path)


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("path", REAL or [None], ids=lambda p: p.name if p else "absent")
def test_every_real_document_is_summarised_without_invention(path):
    if path is None:
        pytest.skip(SKIP_NO_SHARED)
    _check_document(path)


PRONOUNS = ("The treasurer's report was received and the accounts for the year were noted by members. "
            "Graham Hart explained that the reserves would cover two years of rent at the current rate. "
            "He pointed out that the rent review next spring could raise the costs by a fifth. "
            "Members discussed several ways of raising income from room hire over the summer months. "
            "It was agreed to set up a small working group on income and room hire before the next meeting.")


def test_a_pronoun_summary_sentence_names_its_person_or_is_left_out():
    from pipeline.summarise.extractive import _name_pronoun, _referent

    assert _referent("Graham Hart explained that the reserves would cover the rent.") == "Graham Hart"
    assert _referent("Marc and Sarah spoke about the budget.") is None  # which one?
    assert _referent("The Board thanked the volunteers.") is None
    assert _name_pronoun("He pointed out the risk.", "Graham Hart") == "Graham Hart pointed out the risk."
    assert _name_pronoun("Her report was noted.", "Ann Lee") == "Ann Lee’s report was noted."
    doc, sec = make_section([PRONOUNS], heading="Finance")
    s = ExtractiveSummariser(encoder=FakeEncoder())
    summary = s.summarise(sec, doc).summary
    for sentence in re.split(r"(?<=[.!?])\s+", summary):
        assert not re.match(r"(He|She|His|Her)\b", sentence), summary
    # no referent at all: the pronoun sentence is not chosen
    doc2, sec2 = make_section(["The accounts were received by the members present at the meeting tonight. "
                               "He said the reserves were low and the rent would rise in the spring. "
                               "Members discussed raising income from hiring the hall over the summer. "
                               "It was agreed to form a working group on income before the next meeting."])
    assert not re.search(r"(^|\. )He said", s.summarise(sec2, doc2).summary)


def test_a_very_long_section_needs_no_sentence_by_sentence_matrix():
    """3,000 sentences: a full similarity matrix would be 3,000 x 3,000 floats (36 MB); the selection
    keeps one row per chosen sentence (issue 19: a 1 MB single-line text took 2.1 GB)."""
    import tracemalloc

    topics = ["budget", "playground", "library", "roads", "housing", "parking", "trees", "lighting", "water", "waste"]
    paras = [f"The committee discussed the {topics[i % 10]} report number {i} and the {topics[(i * 7) % 10]} plan. "
             f"It was agreed to review item {i} of the {topics[(i * 3) % 10]} budget by June." for i in range(1500)]
    doc, sec = make_section(paras, heading="Business")
    summariser = ExtractiveSummariser(encoder=FakeEncoder())
    cands = summariser.candidates(sec, doc)
    assert len(cands) >= 3000
    summariser._embed([p.text for p in cands] + ["Business"])  # encode first: only the selection is measured
    tracemalloc.start()
    try:
        chosen = summariser.select(sec, doc)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert chosen and len(chosen) <= summariser.config.long_sentences
    assert len({p.text for p in chosen}) == len(chosen)  # MMR still removes duplicates
    assert peak < 3000 * 3000 * 4 // 2, f"{peak / 1e6:.1f} MB traced while selecting"
