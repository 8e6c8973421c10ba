"""Theme labels learnt from labelled sections: a classifier over the sentence encoder and the words.

Each section is described two ways:

- what the encoder makes of it: the embeddings of its heading, its opening text and its sentences,
  and how close each comes to every label's prototypes (the taxonomy's description and examples);
- its words: TF-IDF over word uni- and bigrams and character n-grams of the heading and text.

One logistic regression per label on each description (scikit-learn, class-balanced); their
probabilities are averaged, and averaged again with the untrained prototype scorer (each view's
similarity to the labels' prototypes, as a distribution over the labels), which keeps rare labels from
being lost; a label is given at or above the threshold chosen by cross-validation when the model is
trained (``bench/train_themes.py``). ``decide`` turns
probabilities into labels: at least the best label for a section with content, at most three, and the
procedural label never beside a topic that outranks it.

The model that ships (``models/themes_head.npz``) is trained on the hand-labelled sections of the gold
sets plus the taxonomy's examples. For a user's own taxonomy, ``train_for_taxonomy`` fits the same
model on its descriptions and examples alone, in seconds (the tagger caches it on disk).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.structure.sections import SectionText

FORMAT = 2
BODY_WORDS = 200
MAX_SENTENCES = 12
MAX_LABELS = 3
PROCEDURAL = "procedural_schedule"


def clean_heading(h: str) -> str:
    """A heading without its agenda number and "(standing item)" notes."""
    h = re.sub(r"^\s*(?:item\s+)?\d+(?:\.\d+)*[.)]?\s*", "", h, flags=re.IGNORECASE)
    h = re.sub(r"\((standing item|cont(inued)?)\)", "", h, flags=re.IGNORECASE)
    h = re.sub(r"^agenda item\s*:?\s*", "", h, flags=re.IGNORECASE)
    return " ".join(h.split())


@dataclass
class SectionView:
    """What a section is described by: its heading, its opening words and its sentences."""

    heading: str
    body: str
    sentences: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, section: "SectionText") -> "SectionView":
        sents = [x.text for x in section.sentences]
        words = " ".join(sents).split() or section.text.split()
        return cls(clean_heading(section.heading) or section.heading, " ".join(words[:BODY_WORDS]),
                   sents[:MAX_SENTENCES])

    @property
    def words(self) -> str:
        """The text the word features read (the heading counts twice: it says the most)."""
        return f"{self.heading} {self.heading} {self.body}"


def view_texts(v: SectionView) -> tuple[list[str], tuple[int, int, int, int]]:
    """The texts to encode for one view, and where they sit: heading, body (-1: none), sentences."""
    texts = [v.heading]
    b = -1
    if v.body:
        b = len(texts)
        texts.append(f"{v.heading}. {v.body}")
    first = len(texts)
    texts.extend(v.sentences)
    return texts, (0, b, first, len(v.sentences))


def embedding_features(vecs: np.ndarray, where: tuple[int, int, int, int], protos: np.ndarray,
                       proto_label: np.ndarray, n_labels: int) -> np.ndarray:
    """One feature row from a view's encoded texts: the heading, body and mean-sentence embeddings,
    and each view's similarity to every label's two closest prototypes."""
    h, b, first, n = where
    eh = vecs[h]
    eb = vecs[b] if b >= 0 else eh
    es = vecs[first:first + n].mean(axis=0) if n else eb
    es = es / (np.linalg.norm(es) or 1.0)

    def closest(sims: np.ndarray) -> np.ndarray:
        out = np.zeros(n_labels, dtype=np.float32)
        for li in range(n_labels):
            col = np.sort(sims[..., proto_label == li], axis=-1)
            out[li] = col[..., -2:].mean(axis=-1).max() if col.shape[-1] else 0.0
        return out

    smax = closest(vecs[first:first + n] @ protos.T) if n else np.zeros(n_labels, dtype=np.float32)
    return np.concatenate([eh, eb, es, closest(protos @ eh), closest(protos @ eb), smax]).astype(np.float32)


def prototype_scores(X: np.ndarray, n_labels: int) -> np.ndarray:
    """The prototype scorer (no training): each view's similarities to the labels' prototypes (the last
    3 x ``n_labels`` feature columns) turned into a distribution over the labels (softmax, so labels
    compete), weighted (heading 0.45, best sentence 0.3, opening text 0.25) and scaled into [0, 1]."""
    def soft(x: np.ndarray) -> np.ndarray:
        z = (x - x.max(axis=1, keepdims=True)) / 0.1
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    h, b, smax = (X[:, -3 * n_labels + k * n_labels:X.shape[1] - (2 - k) * n_labels] for k in range(3))
    return np.clip(3.0 * (0.45 * soft(h) + 0.3 * soft(smax) + 0.25 * soft(b)), 0.0, 1.0)


def decide(P: np.ndarray, threshold: float | np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """0/1 labels from probabilities: the best label always (a section with content is about
    something), others at or above the threshold, at most three; the procedural label is dropped
    beside a topic that outranks it, and given alone when it clearly leads."""
    thr = np.broadcast_to(np.asarray(threshold, dtype=float), (P.shape[1],))
    proc = list(labels).index(PROCEDURAL) if PROCEDURAL in labels else None
    out = np.zeros(P.shape, dtype=int)
    for i in range(len(P)):
        r = P[i] / np.maximum(thr, 1e-6)
        order = np.argsort(-r)
        out[i, order[0]] = 1
        for j in order[1:MAX_LABELS]:
            if r[j] >= 1:
                out[i, j] = 1
        if proc is not None and out[i, proc] and order[0] != proc:
            out[i, proc] = 0
        if proc is not None and order[0] == proc and r[proc] >= 1.5:
            out[i] = 0
            out[i, proc] = 1
    return out


_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def _char_wb(word: str, lo: int = 3, hi: int = 5) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams of one word (padded with a space each side; a word shorter
    than n counts once, whole)."""
    w = f" {word} "
    out = []
    for n in range(lo, hi + 1):
        offset = 0
        out.append(w[:n])
        while offset + n < len(w):
            offset += 1
            out.append(w[offset:offset + n])
        if offset == 0:
            break
    return out


def _vectorizers(min_df: int = 2):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return (TfidfVectorizer(sublinear_tf=True, min_df=min_df, ngram_range=(1, 2), stop_words="english"),
            TfidfVectorizer(sublinear_tf=True, min_df=min_df, analyzer="char_wb", ngram_range=(3, 5),
                            max_features=20000))


@dataclass
class ThemeModel:
    labels: list[str]
    emb_coef: np.ndarray  # (labels, features), on standardised features
    emb_intercept: np.ndarray
    emb_mean: np.ndarray
    emb_scale: np.ndarray
    word_vocab: dict[str, int]
    word_idf: np.ndarray
    char_vocab: dict[str, int]
    char_idf: np.ndarray
    txt_coef: np.ndarray  # (labels, word + char features)
    txt_intercept: np.ndarray
    threshold: float = 0.40
    blend: float = 0.5  # weight of the embedding model against the words model
    proto_weight: float = 0.33  # weight of the (untrained) prototype scorer in the final average
    taxonomy_hash: str = ""
    info: dict = field(default_factory=dict)

    # -- prediction ---------------------------------------------------------------------------

    def _text_matrix(self, texts: Sequence[str]) -> np.ndarray:
        """The TF-IDF rows of ``texts`` (dense: a handful of sections), computed here the way
        scikit-learn's ``TfidfVectorizer`` computes them (word uni- and bigrams without stop words,
        character n-grams inside word boundaries, sublinear tf, idf, L2 per part), so a draft does not
        import scikit-learn (1.5 s); tests/themes checks the two agree."""
        rows = np.zeros((len(texts), len(self.word_idf) + len(self.char_idf)), dtype=np.float32)
        stop = self._stop
        for r, text in enumerate(texts):
            low = text.lower()
            words = [w for w in _TOKEN.findall(low) if w not in stop]
            grams = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
            chars = [g for word in low.split() for g in _char_wb(word)]
            for feats, vocab, idf, off in ((grams, self.word_vocab, self.word_idf, 0),
                                           (chars, self.char_vocab, self.char_idf, len(self.word_idf))):
                counts: dict[int, int] = {}
                for g in feats:
                    j = vocab.get(g)
                    if j is not None:
                        counts[j] = counts.get(j, 0) + 1
                if not counts:
                    continue
                idx = np.fromiter(counts, dtype=np.int64)
                val = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * idf[idx]
                rows[r, off + idx] = val / (np.linalg.norm(val) or 1.0)
        return rows

    @property
    def _stop(self) -> frozenset[str]:
        return frozenset(self.info.get("stop_words", ())) if self.info else frozenset()

    def predict_proba(self, X: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        def sigmoid(z):
            return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

        pe = sigmoid(((X - self.emb_mean) / self.emb_scale) @ self.emb_coef.T + self.emb_intercept)
        pt = sigmoid(self._text_matrix(texts) @ self.txt_coef.T + self.txt_intercept)
        learnt = self.blend * pe + (1 - self.blend) * pt
        return (1 - self.proto_weight) * learnt + self.proto_weight * prototype_scores(X, len(self.labels))

    # -- persistence --------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        meta = {"format": FORMAT, "labels": self.labels, "threshold": self.threshold, "blend": self.blend,
                "proto_weight": self.proto_weight,
                "taxonomy_hash": self.taxonomy_hash, "info": self.info,
                "word_vocab": self.word_vocab, "char_vocab": self.char_vocab}
        buf = io.BytesIO()
        np.savez_compressed(buf, emb_coef=self.emb_coef.astype(np.float32),
                            emb_intercept=self.emb_intercept.astype(np.float32),
                            emb_mean=self.emb_mean.astype(np.float32), emb_scale=self.emb_scale.astype(np.float32),
                            word_idf=self.word_idf.astype(np.float32), char_idf=self.char_idf.astype(np.float32),
                            txt_coef=self.txt_coef.astype(np.float32),
                            txt_intercept=self.txt_intercept.astype(np.float32), meta=np.array(json.dumps(meta)))
        Path(path).write_bytes(buf.getvalue())

    @classmethod
    def load(cls, path: Path) -> "ThemeModel":
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta.get("format") != FORMAT:
                raise ValueError(f"{path}: a theme model of format {meta.get('format')}, not {FORMAT}")
            return cls(labels=list(meta["labels"]), emb_coef=z["emb_coef"], emb_intercept=z["emb_intercept"],
                       emb_mean=z["emb_mean"], emb_scale=z["emb_scale"], word_vocab=meta["word_vocab"],
                       word_idf=z["word_idf"], char_vocab=meta["char_vocab"], char_idf=z["char_idf"],
                       txt_coef=z["txt_coef"], txt_intercept=z["txt_intercept"], threshold=meta["threshold"],
                       blend=meta["blend"], proto_weight=meta.get("proto_weight", 0.0), taxonomy_hash=meta.get("taxonomy_hash", ""), info=meta.get("info", {}))


def fit_model(X: np.ndarray, texts: Sequence[str], Y: np.ndarray, labels: Sequence[str], *,
              weights: np.ndarray | None = None, emb_c: float = 0.01, txt_c: float = 10.0, blend: float = 0.5,
              proto_weight: float = 0.33, threshold: float = 0.40, taxonomy_hash: str = "",
              min_df: int = 2) -> ThemeModel:
    """Fit both logistic regressions (one per label) on feature rows ``X``, their ``texts`` and the
    0/1 label matrix ``Y``; ``weights`` per sample (e.g. the taxonomy's examples count less)."""
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression

    X = np.asarray(X, dtype=np.float64)
    sw = np.ones(len(X)) if weights is None else np.asarray(weights, dtype=np.float64)
    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-6
    Z = (X - mean) / scale
    wv, cv = _vectorizers(min_df)
    T = hstack([wv.fit_transform(texts), cv.fit_transform(texts)]).tocsr()
    k = Y.shape[1]
    ec, ei = np.zeros((k, Z.shape[1])), np.zeros(k)
    tc, ti = np.zeros((k, T.shape[1])), np.zeros(k)
    for j in range(k):
        y = Y[:, j]
        if y.min() == y.max():  # a label with no positive (or no negative) sample: it never fires
            ei[j] = ti[j] = -30.0 if y.max() == 0 else 30.0
            continue
        m = LogisticRegression(C=emb_c, class_weight="balanced", max_iter=300).fit(Z, y, sample_weight=sw)
        ec[j], ei[j] = m.coef_[0], m.intercept_[0]
        m = LogisticRegression(C=txt_c, class_weight="balanced", max_iter=500).fit(T, y, sample_weight=sw)
        tc[j], ti[j] = m.coef_[0], m.intercept_[0]
    stop = sorted(wv.get_stop_words() or ())
    return ThemeModel(labels=list(labels), emb_coef=ec, emb_intercept=ei, emb_mean=mean, emb_scale=scale,
                      word_vocab={t: int(i) for t, i in wv.vocabulary_.items()}, word_idf=wv.idf_,
                      char_vocab={t: int(i) for t, i in cv.vocabulary_.items()}, char_idf=cv.idf_,
                      txt_coef=tc, txt_intercept=ti, threshold=threshold, blend=blend, proto_weight=proto_weight,
                      taxonomy_hash=taxonomy_hash, info={"stop_words": stop})


def taxonomy_hash(taxonomy) -> str:
    """What a model depends on in a taxonomy: its labels, descriptions and examples."""
    payload = json.dumps([(n, taxonomy.labels[n].description, list(taxonomy.labels[n].examples))
                          for n in taxonomy.names], sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
