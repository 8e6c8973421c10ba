"""An abstractive summariser from a local seq2seq or causal LM folder (``local_files_only=True``;
minutebook never downloads a model). A summary is kept only if ``grounding_problems`` finds no
name, number or date in it that is missing from the section; otherwise, or when generation fails,
the extractive summary is used and ``SectionSummary.fallback`` says why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core.record import SectionSummary
from pipeline.summarise.base import Summariser, SummariserNotFound
from pipeline.summarise.extractive import ExtractiveSummariser
from pipeline.summarise.grounding import check_grounding
from pipeline.summarise.sentences import is_candidate, section_sentences, word_tokens

if TYPE_CHECKING:  # pragma: no cover

    from pipeline.core.document import Document
    from pipeline.structure.sections import SectionText


@dataclass(frozen=True)
class AbstractiveConfig:
    max_input_tokens: int = 512
    max_new_tokens: int = 80
    min_words: int = 3
    prompt: str = ("Summarise these meeting minutes in one or two sentences. Use only facts stated in them.\n\n"
                   "{heading}\n{text}\n\nSummary:")
    seq2seq_prefix: str = "summarize: "
    use_spacy: bool = False  # also check spaCy PERSON/ORG/GPE entities (loads the spaCy model)
    threads: int = 2


class AbstractiveSummariser(Summariser):
    """A local seq2seq or causal LM writes the summary; the grounding check decides whether it is kept."""

    def __init__(self, path: str | os.PathLike | None = None, config: AbstractiveConfig | None = None,
                 extractive: ExtractiveSummariser | None = None, **overrides: Any):
        if path is None:
            raise SummariserNotFound(None, "the abstractive summariser needs a model folder")
        self.path = Path(path).expanduser()
        if not self.path.is_dir():
            raise SummariserNotFound(None, f"no model folder at {str(path)!r}")
        base = config or AbstractiveConfig()
        if overrides:
            base = replace(base, **overrides)
        self.config = base
        self.extractive = extractive or ExtractiveSummariser()
        self.name = f"abstractive:{self.path.name}"
        self._model = None
        self._tokenizer = None
        self.is_seq2seq: bool | None = None
        self._nlp = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

        from pipeline.themes.encoder import prepare_transformers

        prepare_transformers(threads=self.config.threads)
        where = str(self.path)
        try:
            cfg = AutoConfig.from_pretrained(where, local_files_only=True)
            self.is_seq2seq = bool(getattr(cfg, "is_encoder_decoder", False))
            loader = AutoModelForSeq2SeqLM if self.is_seq2seq else AutoModelForCausalLM
            self._tokenizer = AutoTokenizer.from_pretrained(where, local_files_only=True)
            self._model = loader.from_pretrained(where, local_files_only=True).eval()
        except Exception as e:  # noqa: BLE001 - any loader failure is the user's folder
            self._model = None
            msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise SummariserNotFound(None, f"transformers cannot load a model from {where!r}: {msg[:200]}") from e
        model_name = getattr(cfg, "_name_or_path", "") or ""
        label = Path(model_name).name if model_name and Path(model_name).name else self.path.name
        self.name = f"abstractive:{label}"
        if self.config.use_spacy:
            from pipeline.detect.nlp import shared_spacy

            self._nlp = shared_spacy()

    # -- generation -----------------------------------------------------------------------------
    def _prompt(self, section: "SectionText") -> str:
        body = " ".join(section.text.split())
        if self.is_seq2seq:
            return self.config.seq2seq_prefix + body
        return self.config.prompt.format(heading=section.heading.strip(), text=body)

    def generate(self, section: "SectionText") -> str:
        """The model's summary of the section (greedy, bounded input and output)."""
        import torch

        self.warm_up()
        tok, model = self._tokenizer, self._model
        prompt = self._prompt(section)
        limit = self.config.max_input_tokens
        maxpos = getattr(model.config, "max_position_embeddings", None) or getattr(model.config, "n_positions", None)
        if not self.is_seq2seq and maxpos:
            limit = max(16, min(limit, int(maxpos) - self.config.max_new_tokens))
        if not self.is_seq2seq and getattr(tok, "chat_template", None):
            ids = tok.apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True,
                                          return_tensors="pt", return_dict=True)
            input_ids = ids["input_ids"][:, -limit:]
            attn = ids["attention_mask"][:, -limit:]
        else:
            enc = tok(prompt, return_tensors="pt", truncation=True, max_length=limit)
            input_ids, attn = enc["input_ids"], enc["attention_mask"]
            if not self.is_seq2seq and input_ids.shape[1] >= limit:
                # keep the instruction's end ("Summary:") when the section is long
                enc = tok(prompt, return_tensors="pt")
                input_ids, attn = enc["input_ids"][:, -limit:], enc["attention_mask"][:, -limit:]
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        kwargs = dict(max_new_tokens=self.config.max_new_tokens, do_sample=False, num_beams=1)
        if pad is not None:
            kwargs["pad_token_id"] = pad
        with torch.inference_mode():
            out = model.generate(input_ids=input_ids, attention_mask=attn, **kwargs)
        new = out[0] if self.is_seq2seq else out[0, input_ids.shape[1]:]
        text = tok.decode(new, skip_special_tokens=True)
        return " ".join(text.split()).strip()

    def _quality_problem(self, text: str) -> str | None:
        words = word_tokens(text)
        if len(words) < self.config.min_words:
            return "the model's summary is empty or too short"
        low = [w.lower() for w in words]
        if len(low) >= 6 and len(set(low)) / len(low) < 0.4:
            return "the model's summary repeats itself"
        letters = sum(ch.isalpha() for ch in text)
        if letters < 0.5 * len(text.replace(" ", "")):
            return "the model's summary is not prose"
        return None

    def summarise(self, section: "SectionText", doc: "Document") -> SectionSummary:
        pieces = section_sentences(section, doc)
        if len([p for p in pieces if is_candidate(p.text)]) <= 1:
            # one sentence says itself better than any paraphrase
            ext = self.extractive.summarise(section, doc)
            return ext
        self.warm_up()
        try:
            text = self.generate(section)
        except Exception as e:  # noqa: BLE001 - generation failures fall back, with the reason
            reason = f"generation failed: {type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"
            return self._fallback(section, doc, reason)
        problem = self._quality_problem(text)
        if problem:
            return self._fallback(section, doc, problem)
        report = check_grounding(text, section.text, nlp=self._nlp)
        if not report.ok:
            return self._fallback(section, doc, report.reason())
        return SectionSummary(section=section.heading, section_index=section.index, summary=text,
                              method=self.name, grounded=True, sentences=[])

    def _fallback(self, section: "SectionText", doc: "Document", reason: str) -> SectionSummary:
        ext = self.extractive.summarise(section, doc)
        return ext.model_copy(update={"fallback": f"{self.name}: {reason}"})
