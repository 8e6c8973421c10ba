"""An approximate-nearest-neighbour index of the section vectors (faiss IVF), for archives too large to scan.

Below ``ANN_MIN`` vectors ``Archive`` scans them all (exact, numpy); from there on it asks this index: an
``IndexIVFFlat`` (inner product on unit vectors), its ``nlist`` = 4 sqrt(n) cells trained (k-means) on the vectors
present when it is made, each query scanning the ``NPROBE`` nearest cells. Why faiss, and IVF: faiss-cpu installs
as a wheel for every CPython we support (hnswlib 0.8.0 has no wheel here and would need a compiler; ``sqlite-vec``
is brute force and SQLite-only; ``pgvector`` is not packaged for the PostgreSQL we use); new vectors are added to
their cells batch by batch; it takes a bitmap selector for deleted and filtered-out sections; and it keeps its
recall on minutes' vectors, which come in tight clumps (the same standing sections meeting after meeting): faiss's
HNSW graph, tried first, fell to recall@10 0.76 on the replicated benchmark archive (its neighbour lists stay
inside each clump, so a search cannot leave the one it starts in), where IVF with 64 probes gives 1.0.

Where it lives: beside a SQLite archive (``archive.db-vectors-<dim>.faiss`` and ``.npz``); for a PostgreSQL archive
in the user's cache folder (``~/.cache/minutebook/vectors/<hash of the URL without password>-<dim>.*``), so each
client machine keeps its own copy of an index of the database's ``embeddings`` table. The ``.npz`` holds the
section id of each label, which labels are deleted, and the archive version (``archive_state.version``) and id
the files reflect.

Kept in step: when the archive's version differs from the index's, the index catches up from the database: the
embeddings with a section id above the highest it holds are added (section ids only grow: a PostgreSQL identity
sequence, and on SQLite ``archive_state.section_floor``), and if fewer of its own ids are left than it counts
alive, the missing ones are marked deleted. The writer does this after every write (``Archive.write_many``), so
the index is updated incrementally, and saves the files at most every ``SAVE_SECONDS`` and when the archive is
closed. Missing, unreadable or foreign files mean a rebuild from the table, as do deleted labels past
``REBUILD_SHARE`` and growth past ``REGROW`` times the vectors its cells were trained on. A read-only archive
never writes the files; without them it keeps scanning.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

ANN_MIN = 20_000  # vectors (of one dimension) from which the index is used instead of the exact scan
NPROBE = 128  # cells scanned per query: recall@10 0.98 on spread generated vectors (64: 0.96, 32: 0.93), 1.0 on the benchmark archive
REGROW = 8.0  # rebuild (retrain the cells) once the index holds this many times the vectors it was trained on
BRUTE_MAX = 10_000  # a filtered search over at most this many sections is exact (a scan of their vectors)
REBUILD_SHARE = 0.25  # deleted labels beyond this share of the index: rebuild it
SAVE_SECONDS = 60.0  # the writer saves the files at most this often (and on close)


def index_base(where: Any, url: str | None = None) -> Path:
    """The path the index files start with: beside the SQLite file, or in the cache folder for a URL."""
    if url is None:
        return Path(str(where) + "-vectors")
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "minutebook" / "vectors"
    return base / hashlib.sha256(str(where).encode()).hexdigest()[:24]


class VectorIndex:
    """The IVF index of one vector dimension; labels are positions in ``ids`` (section ids)."""

    def __init__(self, dim: int, index: Any, ids: "np.ndarray", alive: "np.ndarray", version: int,
                 archive_id: str = "", trained: int = 0):
        self.dim = dim
        self.trained = trained  # vectors the cells were trained on
        self.archive_id = archive_id
        self.index = index
        self.ids = ids
        self.alive = alive
        self.version = version
        self.max_id = int(ids.max()) if len(ids) else 0
        self.saved = time.monotonic()
        self._bitmap: Any = None

    # ---- building, loading, saving

    @classmethod
    def empty(cls, dim: int, version: int, archive_id: str) -> "VectorIndex":
        """An index without cells yet: the first ``add`` trains them on its vectors."""
        import numpy as np

        return cls(dim, None, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), version, archive_id)

    @classmethod
    def load(cls, base: Path, dim: int, archive_id: str) -> "VectorIndex | None":
        """The saved index, or None when its files are missing, unreadable, do not belong together or were made
        for another archive."""
        import faiss
        import numpy as np

        try:
            with np.load(_meta(base, dim)) as meta:
                ids, alive, info = meta["ids"], meta["alive"], json.loads(str(meta["info"]))
            index = faiss.read_index(str(_data(base, dim)))
        except (OSError, ValueError, KeyError, RuntimeError):
            return None
        if not isinstance(index, faiss.IndexIVFFlat) or index.ntotal != len(ids) or len(alive) != len(ids) or index.d != dim or info.get("ntotal") != len(ids) \
                or info.get("archive") != archive_id:
            return None
        return cls(dim, index, ids.astype(np.int64), alive.astype(bool), int(info["version"]), archive_id,
                   int(info.get("trained", 0)))

    def save(self, base: Path) -> None:
        """Write the two files (each to a temporary name, then renamed); the metadata last, with the label count
        the data file must have, so a crash between the renames reads as missing."""
        import faiss
        import numpy as np

        if self.index is None:  # nothing to save
            return
        base.parent.mkdir(parents=True, exist_ok=True)
        data, meta = _data(base, self.dim), _meta(base, self.dim)
        tmp_data = data.with_name(data.name + f".{os.getpid()}.tmp")
        tmp_meta = meta.with_name(meta.name + f".{os.getpid()}.tmp.npz")
        faiss.write_index(self.index, str(tmp_data))
        np.savez(tmp_meta, ids=self.ids, alive=self.alive,
                 info=np.asarray(json.dumps({"version": self.version, "ntotal": int(len(self.ids)),
                                             "archive": self.archive_id, "trained": self.trained})))
        os.replace(tmp_data, data)
        os.replace(tmp_meta, meta)
        self.saved = time.monotonic()

    # ---- changes

    def add(self, ids: "np.ndarray", mat: "np.ndarray") -> None:
        """Add row-normalised vectors (float32, one row per section id)."""
        import numpy as np

        if not len(ids):
            return
        mat = np.ascontiguousarray(mat, dtype=np.float32)
        if self.index is None:
            import faiss

            nlist = max(1, min(4096, int(4 * len(mat) ** 0.5)))
            self.index = faiss.IndexIVFFlat(faiss.IndexFlatIP(self.dim), self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(0)
            sample = mat if len(mat) <= 64 * nlist else mat[rng.choice(len(mat), 64 * nlist, replace=False)]
            self.index.train(sample)
            self.trained = len(mat)
        self.index.add(mat)
        self.ids = np.concatenate([self.ids, np.asarray(ids, dtype=np.int64)])
        self.alive = np.concatenate([self.alive, np.ones(len(ids), dtype=bool)])
        self.max_id = max(self.max_id, int(np.max(ids)))
        self._bitmap = None

    def keep_only(self, present: "np.ndarray") -> None:
        """Mark deleted every label whose section id is not in ``present``."""
        import numpy as np

        self.alive &= np.isin(self.ids, present)
        self._bitmap = None

    @property
    def live(self) -> int:
        return int(self.alive.sum())

    @property
    def worn(self) -> bool:
        """Too many deleted labels, or many more vectors than its cells were trained on: rebuild it."""
        return len(self.ids) > 0 and ((len(self.ids) - self.live) > REBUILD_SHARE * len(self.ids)
                                      or len(self.ids) > REGROW * max(1, self.trained))

    # ---- search

    def search(self, q: "np.ndarray", k: int, allowed: "np.ndarray | None" = None) -> list[tuple[int, float]]:
        """The best ``k`` (section id, similarity) for the normalised query ``q``, over the live sections, and
        only those in ``allowed`` (section ids) when given: few allowed sections are scanned exactly."""
        import faiss
        import numpy as np

        mask = self.alive if allowed is None else self.alive & np.isin(self.ids, allowed)
        n_ok = int(mask.sum()) if allowed is not None else self.live
        if not n_ok:
            return []
        if allowed is not None and n_ok <= BRUTE_MAX:
            labels = np.flatnonzero(mask)
            if self.index.direct_map.no():  # label -> stored vector, made once
                self.index.make_direct_map()
            sims = self.index.reconstruct_batch(labels) @ q
            top = np.argpartition(-sims, k - 1)[:k] if len(sims) > k else np.arange(len(sims))
            top = top[np.argsort(-sims[top], kind="stable")]
            return [(int(self.ids[labels[j]]), float(sims[j])) for j in top]
        params = faiss.SearchParametersIVF()
        # a filter leaves a share of each cell: probe correspondingly more cells to see as many allowed vectors
        share = n_ok / max(1, self.live)
        params.nprobe = min(self.index.nlist, int(NPROBE / max(share, 1e-3)) + 1)
        sel = None
        if allowed is not None or n_ok < len(self.ids):
            if allowed is None and self._bitmap is not None:
                bits = self._bitmap
            else:
                bits = np.packbits(mask, bitorder="little")
                if allowed is None:
                    self._bitmap = bits
            sel = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
            params.sel = sel
        sims, labels = self.index.search(q.reshape(1, -1).astype(np.float32), min(k, n_ok), params=params)
        return [(int(self.ids[lab]), float(s)) for s, lab in zip(sims[0], labels[0]) if lab >= 0]


def _data(base: Path, dim: int) -> Path:
    return base.with_name(f"{base.name}-{dim}.faiss")


def _meta(base: Path, dim: int) -> Path:
    return base.with_name(f"{base.name}-{dim}.npz")


def normalised(blobs: list[bytes], dim: int) -> "np.ndarray":
    """Little-endian float32 blobs as a row-normalised float32 matrix."""
    import numpy as np

    mat = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(blobs), dim).astype(np.float32)
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return mat / norms
