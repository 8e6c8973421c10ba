"""Theme tags for each section: a fixed, editable taxonomy (``models/themes.toml``) and an encoder-based tagger.

Every label of the taxonomy has a description and a few example phrases; they are embedded with the
packaged sentence encoder (``pipeline.themes.encoder``) and become the label's *prototypes*. A section is
scored against every label from three views, each the similarity to the label's closest prototypes:

- its heading ("Treasurer's report" says a lot),
- its best sentences (the mean of the top two sentence scores: one clear sentence on a theme is evidence),
- the section as a whole (heading and the start of its text in one embedding).

Each view's similarities are turned into a distribution over the labels (a softmax, so labels compete:
a section that is a bit like everything is not tagged with everything); the weighted views, scaled into
[0, 1], are the label's ``score``. A label is given at or above its threshold (calibrated on the
project's own corpus by ``bench/calibrate_themes.py`` and stored in ``models/themes_thresholds.toml``);
a section with content always gets at least its best label, and at most ``max_labels``.
Purely procedural sections (apologies, approval of minutes, next meeting...) are recognised from their
heading and get the taxonomy's procedural label only; containers (a heading that only holds
sub-headings) get nothing. The evidence of a label is the section's sentences that score best on it,
with their provenance.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from pipeline.core.record import SectionThemes, ThemeEvidence, ThemeLabel
from pipeline.themes.taxonomy import Taxonomy, load_thresholds

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from pipeline.core.document import Document
    from pipeline.structure.sections import SectionText
    from pipeline.themes.encoder import Encoder

# Headings of purely procedural items. STRONG: always procedural. WEAK: procedural unless the section
# has real content of its own (then it is tagged like any other section).
_STRONG_PROCEDURAL = re.compile(
    r"\b(apolog\w*|attend(ance|ees|ing)|present\b|members present|those present|regrets|quorum|call to order|"
    r"(previous|last|prior)\s+minutes|minutes\s+(of|from)\b|approv\w*\s+(of\s+)?(the\s+)?(minutes|agenda)|"
    r"adoption of (the )?(previous )?minutes|minutes review|review of (the )?minutes|"
    r"next meeting|future meetings?|upcoming meetings?|date of (the )?next|adjourn\w*|when and where|"
    r"roll call|links)\b", re.IGNORECASE)
_WEAK_PROCEDURAL = re.compile(
    r"^\W*(welcome( and introductions)?|matters arising|any other business|a\.?o\.?b\.?|other business|"
    r"action items?|actions?|action summary|summary of actions|agenda|members|"
    r"other information|close|closing)\b", re.IGNORECASE)
_ACTIONS_HEADING = re.compile(r"^\W*(action items?|actions?|action summary|summary of actions|action log)\b", re.IGNORECASE)
_CONTENT_WORDS = 25  # a weak-procedural section with at least this many words of its own is tagged as content


@dataclass
class ThemeTagger:
    """Tags sections with the labels of a taxonomy (Haystack style: configuration here, models on first use).

    ``thresholds`` override the calibrated ones per label; ``default_threshold`` applies to labels with
    no threshold anywhere. At most ``max_labels`` labels per section, most relevant first, each with
    up to ``max_evidence`` supporting sentences.
    """

    taxonomy: Taxonomy | None = None
    encoder: "Encoder | None" = None
    thresholds: dict[str, float] | None = None
    default_threshold: float = 0.35
    max_labels: int = 3
    max_evidence: int = 3
    # weights of the three views (heading, best sentences, whole section)
    w_heading: float = 0.45
    w_sentences: float = 0.3
    w_body: float = 0.25
    # each view is turned into a distribution over labels (softmax of the similarities / temperature),
    # so labels compete within a section; score = clip(gain * weighted mean of the views, 0, 1).
    # temperature None: score = clip(0.5 + gain * (raw - mean raw over labels), 0, 1) instead.
    gain: float = 3.0
    body_words: int = 200
    temperature: float | None = 0.1
    proto_k: int = 2
    use_calibrated: bool = True

    def __post_init__(self) -> None:
        self._protos: "np.ndarray | None" = None
        self._proto_label: "np.ndarray | None" = None
        self._names: list[str] = []
        self._thr: dict[str, float] = {}

    # -- set-up -------------------------------------------------------------------------------

    def warm_up(self) -> None:
        if self._protos is not None:
            return
        import numpy as np

        if self.taxonomy is None:
            self.taxonomy = Taxonomy.load()
        if self.encoder is None:
            from pipeline.themes.encoder import shared_encoder

            self.encoder = shared_encoder()
        texts, owner = [], []
        self._names = self.taxonomy.names
        for li, name in enumerate(self._names):
            for t in self.taxonomy.labels[name].prototype_texts():
                texts.append(t)
                owner.append(li)
        # the prototypes only change with the taxonomy: their vectors are cached on disk across runs
        self._protos = (self.encoder.encode_persistent(texts) if hasattr(self.encoder, "encode_persistent")
                        else self._encode(texts))
        self._proto_label = np.array(owner)
        calibrated = load_thresholds() if self.use_calibrated else {}
        for name in self._names:
            d = self.taxonomy.labels[name]
            thr = (self.thresholds or {}).get(name)
            if thr is None:
                thr = d.threshold
            if thr is None:
                thr = calibrated.get(name, calibrated.get("_default", self.default_threshold))
            self._thr[name] = float(thr)

    @property
    def model_name(self) -> str:
        """The encoder's name (after the first use), for ``Meeting.models``."""
        return getattr(self.encoder, "name", None) or "all-MiniLM-L6-v2"

    @property
    def label_names(self) -> list[str]:
        self.warm_up()
        return list(self._names)

    def threshold(self, label: str) -> float:
        self.warm_up()
        return self._thr[label]

    # -- scoring ------------------------------------------------------------------------------

    def _encode(self, texts: list[str]) -> "np.ndarray":
        """Each distinct text encoded once, in batches of similar length (less padding: about twice as fast)."""
        import numpy as np

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        distinct = sorted(set(texts), key=len)
        vecs = self.encoder.encode(distinct)
        row = {t: i for i, t in enumerate(distinct)}
        return vecs[[row[t] for t in texts]]

    def _label_sims(self, vecs: "np.ndarray") -> "np.ndarray":
        """(n, labels): per label, the mean of the two best prototype similarities."""
        import numpy as np

        sims = vecs @ self._protos.T  # (n, prototypes)
        out = np.zeros((len(vecs), len(self._names)), dtype=np.float32)
        for li in range(len(self._names)):
            s = sims[:, self._proto_label == li]
            k = min(self.proto_k, s.shape[1])
            out[:, li] = np.sort(s, axis=1)[:, -k:].mean(axis=1)
        return out

    def section_features(self, sections: Sequence["SectionText"]) -> list[dict]:
        """Per section: heading, sentence and whole-section similarities to every label (one batch encode)."""
        import numpy as np

        self.warm_up()
        texts: list[str] = []
        index: list[tuple[int, int, int, int]] = []  # heading row, body row, first sentence row, n sentences
        for s in sections:
            h = len(texts)
            texts.append(_clean_heading(s.heading) or s.heading)
            words = " ".join(x.text for x in s.sentences).split() or s.text.split()
            b = -1
            if words:
                b = len(texts)
                texts.append(f"{_clean_heading(s.heading)}. " + " ".join(words[: self.body_words]))
            first = len(texts)
            texts.extend(x.text for x in s.sentences)
            index.append((h, b, first, len(s.sentences)))
        vecs = self._encode(texts)
        sims = self._label_sims(vecs) if len(vecs) else np.zeros((0, len(self._names)))
        out = []
        for (h, b, first, n) in index:
            sent = sims[first:first + n]
            out.append({"heading": sims[h], "body": sims[b] if b >= 0 else None, "sentences": sent})
        return out

    def _soft(self, x: "np.ndarray") -> "np.ndarray":
        import numpy as np

        if not self.temperature:
            return x
        z = (x - x.max(axis=-1, keepdims=True)) / self.temperature
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)

    def combine(self, f: dict) -> "np.ndarray":
        """Raw similarity per label from the three views (weights renormalised over the views present)."""
        import numpy as np

        parts, weights = [self._soft(f["heading"])], [self.w_heading]
        sent = self._soft(f["sentences"]) if len(f["sentences"]) else f["sentences"]
        if len(sent):
            k = min(2, len(sent))
            parts.append(np.sort(sent, axis=0)[-k:].mean(axis=0))
            weights.append(self.w_sentences)
        if f["body"] is not None:
            parts.append(self._soft(f["body"]))
            weights.append(self.w_body)
        w = np.array(weights) / sum(weights)
        return sum(wi * p for wi, p in zip(w, parts))

    def scores(self, f: dict) -> "np.ndarray":
        import numpy as np

        raw = self.combine(f)
        if self.temperature:
            return np.clip(raw * self.gain, 0.0, 1.0)
        return np.clip(0.5 + self.gain * (raw - raw.mean()), 0.0, 1.0)

    # -- tagging ------------------------------------------------------------------------------

    def procedural_kind(self, section: "SectionText") -> str | None:
        """'strong' / 'weak' when the heading names a procedural item, else None."""
        h = _clean_heading(section.heading)
        if _STRONG_PROCEDURAL.search(h):
            return "strong"
        if _WEAK_PROCEDURAL.match(h):
            return "weak"
        return None

    def is_procedural(self, section: "SectionText") -> bool:
        """Only procedural: a procedural heading, and (for the weak ones) nothing of substance below it."""
        kind = self.procedural_kind(section)
        if kind == "strong":
            return True
        if kind != "weak":
            return False
        return len(section.text.split()) < _CONTENT_WORDS or _mostly_names(section.text)

    def is_action_list(self, section: "SectionText") -> bool:
        """An actions list or table ("Actions", "Action items"): procedural, plus any clear topic."""
        return bool(_ACTIONS_HEADING.match(_clean_heading(section.heading)))

    def choose(self, scores: "np.ndarray", force: bool = True) -> list[int]:
        """Label indices given for one (non-procedural, non-container) section, best first."""
        order = [int(i) for i in scores.argsort()[::-1]]
        proc = self.taxonomy.procedural_label
        picked = [i for i in order if self._names[i] != proc and scores[i] >= self._thr[self._names[i]]]
        if not picked and force:  # a section with content of its own is about something: keep its best label
            best = next(i for i in order if self._names[i] != proc)
            picked = [best]
        return picked[: self.max_labels]

    def tag(self, sections: Sequence["SectionText"], doc: "Document") -> list[SectionThemes]:
        from pipeline.core.provenance import provenance

        self.warm_up()
        feats = self.section_features(sections)
        proc = self.taxonomy.procedural_label
        out: list[SectionThemes] = []
        for s, f in zip(sections, feats):
            st = SectionThemes(section=s.heading, section_index=s.index, labels=[])
            out.append(st)
            if s.is_container:
                continue
            sc = self.scores(f)
            if proc is not None and self.is_procedural(s):
                chosen = [self._names.index(proc)]
            elif proc is not None and self.is_action_list(s):
                chosen = [self._names.index(proc)] + self.choose(sc, force=False)[: self.max_labels - 1]
            elif not s.sentences and not s.text.strip() and s.has_children:
                continue
            else:
                chosen = self.choose(sc)
            for li in chosen:
                ev = []
                if len(f["sentences"]):
                    col = f["sentences"][:, li]
                    for si in col.argsort()[::-1][: self.max_evidence]:
                        sent = s.sentences[int(si)]
                        ev.append(ThemeEvidence(text=sent.text, score=round(float(col[si]), 3),
                                                provenance=provenance(doc, sent.start, sent.end, sent.block)))
                st.labels.append(ThemeLabel(label=self._names[li], score=round(float(sc[li]), 3), evidence=ev))
        return out


def _mostly_names(text: str) -> bool:
    """A list of people ("Members: Jane Smith (Chair), Ravi Patel, ..."): most words are capitalised."""
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    if len(words) < 4:
        return False
    caps = sum(w[0].isupper() for w in words)
    return caps / len(words) >= 0.6


def _clean_heading(h: str) -> str:
    h = re.sub(r"^\s*(?:item\s+)?\d+(?:\.\d+)*[.)]?\s*", "", h, flags=re.IGNORECASE)
    h = re.sub(r"\((standing item|cont(inued)?)\)", "", h, flags=re.IGNORECASE)
    h = re.sub(r"^agenda item\s*:?\s*", "", h, flags=re.IGNORECASE)
    return " ".join(h.split())


@functools.lru_cache(maxsize=8)
def _shared_tagger(path: str | None) -> ThemeTagger:
    return ThemeTagger(taxonomy=Taxonomy.load(path))


def shared_tagger(themes_file: str | Path | None = None) -> ThemeTagger:
    """The process-wide tagger for a taxonomy file (None: the default taxonomy); the taxonomy is read
    (and validated) now, the encoder on first use."""
    return _shared_tagger(str(Path(themes_file).resolve()) if themes_file else None)
