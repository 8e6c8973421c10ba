"""Theme tags for each section: an editable taxonomy (``models/themes.toml``) and a model learnt from
labelled sections (``pipeline/themes/head.py``).

Every label of the taxonomy has a description and example phrases; embedded with the packaged sentence
encoder (``pipeline.themes.encoder``) they are the label's *prototypes*. A section is described by the
encoder's view of its heading, opening text and sentences, their closeness to each label's prototypes,
and its words; the model that ships (``models/themes_head.npz``, trained by
``bench/train_themes.py`` on the gold sets' labelled sections) gives each label a probability, and
``head.decide`` keeps the best label and the others above the model's threshold (at most three; the
procedural label never beside a topic that outranks it).

A user's own taxonomy (``--themes FILE``): the labels the shipped model knows keep it; a model for the
others is trained on the taxonomy's descriptions and examples when the tagger first runs (seconds), and
kept in ``$XDG_CACHE_HOME/minutebook``. Containers (a heading that only holds sub-headings) get nothing.
The evidence of a label is the section's sentences closest to its prototypes, with their provenance.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from pipeline.core.record import SectionThemes, ThemeEvidence, ThemeLabel
from pipeline.core.resources import model_path
from pipeline.themes.head import (
    SectionView,
    ThemeModel,
    decide,
    embedding_features,
    fit_model,
    taxonomy_hash,
    view_texts,
)
from pipeline.themes.taxonomy import Taxonomy

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from pipeline.core.document import Document
    from pipeline.structure.sections import SectionText
    from pipeline.themes.encoder import Encoder

SHIPPED_MODEL = "themes_head.npz"
_EXAMPLE_WEIGHT = 0.5


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "minutebook"


@dataclass
class ThemeTagger:
    """Tags sections with the labels of a taxonomy (Haystack style: configuration here, models on first use).

    ``threshold`` overrides the model's; ``max_evidence`` supporting sentences per label.
    """

    taxonomy: Taxonomy | None = None
    encoder: "Encoder | None" = None
    threshold: float | None = None
    max_evidence: int = 3
    model_file: Path | None = None  # default: the shipped model

    def __post_init__(self) -> None:
        self._protos: "np.ndarray | None" = None
        self._proto_label: "np.ndarray | None" = None
        self._names: list[str] = []
        self._models: list[tuple[ThemeModel, list[int]]] = []  # each model and the label columns it fills

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
        self._models = self._load_models(texts, owner)

    def _load_models(self, ptexts: list[str], powner: list[int]) -> list[tuple[ThemeModel, list[int]]]:
        """The shipped model for the labels it knows (unchanged in this taxonomy); a model trained on the
        taxonomy's examples for the others."""
        shipped_path = self.model_file or model_path(SHIPPED_MODEL)
        out: list[tuple[ThemeModel, list[int]]] = []
        covered: set[int] = set()
        if shipped_path.exists():
            shipped = ThemeModel.load(shipped_path)
            default = Taxonomy.load()
            same = [n for n in shipped.labels if n in self._names and n in default.names
                    and self.taxonomy.labels[n] == default.labels[n]]
            if len(same) == len(shipped.labels) and len(same) == len(self._names):
                return [(shipped, list(range(len(self._names))))]
            if same:
                out.append((shipped, [self._names.index(n) for n in same]))
                covered = {self._names.index(n) for n in same}
        rest = [i for i in range(len(self._names)) if i not in covered]
        if rest:
            out.append((self._examples_model(ptexts, powner), rest))
        return out

    def _examples_model(self, ptexts: list[str], powner: list[int]) -> ThemeModel:
        """A model trained on the taxonomy's descriptions and examples alone (cached by taxonomy)."""
        import numpy as np

        assert self.taxonomy is not None
        key = taxonomy_hash(self.taxonomy)
        path = _cache_dir() / f"themes-model-{key}.npz"
        try:
            model = ThemeModel.load(path)
            if model.labels == self._names:
                return model
        except (OSError, ValueError, KeyError):
            pass
        views = [SectionView(t, "") for t in ptexts]
        vecs, where = self._encode_views(views)
        X = self._features(vecs, where, self._names)
        Y = np.eye(len(self._names))[np.array(powner)]
        model = fit_model(X, [v.words for v in views], Y, self._names, taxonomy_hash=key, min_df=1)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
            model.save(tmp)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home: trained again next time, same result
        return model

    @property
    def model_name(self) -> str:
        """The encoder's name (after the first use), for ``Meeting.models``."""
        return getattr(self.encoder, "name", None) or "all-MiniLM-L6-v2"

    @property
    def label_names(self) -> list[str]:
        self.warm_up()
        return list(self._names)

    # -- scoring ------------------------------------------------------------------------------

    def _encode(self, texts: list[str]) -> "np.ndarray":
        """Each distinct text encoded once, in batches of similar length (less padding: about twice as fast)."""
        import numpy as np

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        distinct = sorted(set(texts), key=len)
        assert self.encoder is not None
        vecs = self.encoder.encode(distinct)
        row = {t: i for i, t in enumerate(distinct)}
        return vecs[[row[t] for t in texts]]

    def _encode_views(self, views: Sequence[SectionView]) -> tuple["np.ndarray", list]:
        """Every text of the views encoded in one batch, and where each view's texts sit."""
        texts: list[str] = []
        where = []
        for v in views:
            t, w = view_texts(v)
            where.append((len(texts), w))
            texts.extend(t)
        return self._encode(texts), where

    def _features(self, vecs: "np.ndarray", where: list, labels: Sequence[str]) -> "np.ndarray":
        """Feature rows for a model that knows ``labels`` (its prototype similarities are to those)."""
        import numpy as np

        assert self._protos is not None and self._proto_label is not None
        cols = [self._names.index(n) for n in labels]
        mask = np.isin(self._proto_label, cols)
        remap = {c: k for k, c in enumerate(cols)}
        owner = np.array([remap[int(x)] for x in self._proto_label[mask]])
        rows = [embedding_features(vecs[off:], w, self._protos[mask], owner, len(labels)) for off, w in where]
        return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)

    def probabilities(self, sections: Sequence["SectionText"]) -> tuple["np.ndarray", list]:
        """(sections, labels) probabilities, and each section's sentence vectors (for the evidence)."""
        import numpy as np

        self.warm_up()
        views = [SectionView.of(s) for s in sections]
        P = np.zeros((len(views), len(self._names)))
        if not views:
            return P, []
        vecs, where = self._encode_views(views)
        sent_vecs = [vecs[off + w[2]:off + w[2] + w[3]] for off, w in where]
        texts = [v.words for v in views]
        for model, cols in self._models:
            Pm = model.predict_proba(self._features(vecs, where, model.labels), texts)
            for col in cols:
                P[:, col] = Pm[:, model.labels.index(self._names[col])]
        return P, sent_vecs

    def thresholds(self) -> "np.ndarray":
        """Per label: ``threshold`` when given, else the label's own ``threshold`` in the taxonomy file,
        else the threshold of the model that scores it."""
        import numpy as np

        self.warm_up()
        assert self.taxonomy is not None
        out = np.full(len(self._names), 0.5)
        for model, cols in self._models:
            out[cols] = model.threshold
        for i, n in enumerate(self._names):
            if self.taxonomy.labels[n].threshold is not None:
                out[i] = self.taxonomy.labels[n].threshold
        if self.threshold is not None:
            out[:] = self.threshold
        return out

    # -- tagging ------------------------------------------------------------------------------

    def tag(self, sections: Sequence["SectionText"], doc: "Document") -> list[SectionThemes]:
        import numpy as np

        from pipeline.core.provenance import provenance

        P, sent_vecs = self.probabilities(sections)
        chosen = decide(P, self.thresholds(), self._names) if len(P) else np.zeros((0, 0), dtype=int)
        out: list[SectionThemes] = []
        assert self._protos is not None and self._proto_label is not None
        for i, s in enumerate(sections):
            st = SectionThemes(section=s.heading, section_index=s.index, labels=[])
            out.append(st)
            if s.is_container or (not s.sentences and not s.text.strip() and s.has_children):
                continue
            for li in sorted(np.flatnonzero(chosen[i]), key=lambda j: -P[i, j]):
                ev = []
                vecs = sent_vecs[i]
                if len(vecs):
                    sims = (vecs @ self._protos[self._proto_label == li].T).max(axis=1)
                    for si in sims.argsort()[::-1][: self.max_evidence]:
                        sent = s.sentences[int(si)]
                        ev.append(ThemeEvidence(text=sent.text, score=round(float(sims[si]), 3),
                                                provenance=provenance(doc, sent.start, sent.end, sent.block)))
                st.labels.append(ThemeLabel(label=self._names[li], score=round(float(P[i, li]), 3), evidence=ev))
        return out


@functools.lru_cache(maxsize=8)
def _shared_tagger(path: str | None) -> ThemeTagger:
    return ThemeTagger(taxonomy=Taxonomy.load(path))


def shared_tagger(themes_file: str | Path | None = None) -> ThemeTagger:
    """The process-wide tagger for a taxonomy file (None: the default taxonomy); the taxonomy is read
    (and validated) now, the encoder and the model on first use."""
    return _shared_tagger(str(Path(themes_file).resolve()) if themes_file else None)
