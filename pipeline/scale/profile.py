"""Where a batch's time goes (``minutebook tag --profile``, ``bench/bench_scaling.py``).

The parent process discovers, hashes, hands documents to the workers, receives their results and writes
them; the workers load the models once and compute. A batch scales with workers only while the parent
keeps up, so the accounting splits the wall time into:

* **parent**: discovery, hashing, and the writer (per statement group: documents, meetings, sections
  with their full-text rows, themes, vectors, people, actions, decisions, linking, commit) — time the
  parent is busy and cannot hand out or receive work;
* **workers**: model loading (once per worker) and computing (per document);
* **waiting**: how long documents waited for a free worker after they were handed out, and how long a
  finished result took to reach the writer (transfer back plus the time the parent was busy elsewhere).

All from timestamps the runners take anyway; nothing is timed unless ``profile=True``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pipeline.scale.results import DocResult, Task

WRITER_PARTS = ("documents", "meetings", "sections", "themes", "vectors", "people", "actions", "decisions",
                "linking", "commit")


@dataclass
class Profile:
    """Accumulated by ``run_batch(profile=True)``; seconds unless said otherwise."""

    wall: float = 0.0
    discovery: float = 0.0
    hashing: float = 0.0
    writer: float = 0.0  # the parent's time in the archive's write, all documents
    writer_parts: dict[str, float] = field(default_factory=dict)
    written: int = 0  # documents written (all statuses)
    loads: dict[str, float] = field(default_factory=dict)  # worker -> its models' load time
    compute: float = 0.0  # the workers' time on documents, summed
    wait: float = 0.0  # handed out -> a worker started it, summed over documents
    back: float = 0.0  # a worker finished it -> the writer received it, summed over documents
    documents: int = 0  # documents computed by a worker (not skipped)
    workers: int = 1
    _queued: dict[str, float] = field(default_factory=dict)

    # ---- hooks the runners call

    def handed_out(self, task: Task) -> None:
        task.queued = time.time()
        self._queued[task.digest] = task.queued

    def received(self, result: DocResult) -> None:
        now = time.time()
        if not result.t_end:  # made by the parent itself (a skip, an unreadable file, a timeout)
            return
        self.documents += 1
        self.compute += result.seconds
        queued = self._queued.pop(result.content_hash, 0.0)
        if queued:
            self.wait += max(0.0, result.t_start - queued)
        self.back += max(0.0, now - result.t_end)
        if result.load_seconds and result.worker:
            self.loads[result.worker] = self.loads.get(result.worker, 0.0) + result.load_seconds

    def wrote(self, seconds: float, documents: int = 1) -> None:
        self.writer += seconds
        self.written += documents

    def writer_split(self, before: dict[str, float], after: dict[str, float]) -> None:
        """The archive's time per statement group during this batch (its running totals, after - before)."""
        self.writer_parts = {k: v - before.get(k, 0.0) for k, v in after.items() if v > before.get(k, 0.0)}

    # ---- the figures

    @property
    def parent(self) -> float:
        return self.discovery + self.hashing + self.writer

    @property
    def parent_share(self) -> float:
        return self.parent / self.wall if self.wall > 0 else 0.0

    @property
    def writer_share(self) -> float:
        return self.writer / self.wall if self.wall > 0 else 0.0

    @property
    def writer_docs_per_second(self) -> float:
        return self.written / self.writer if self.writer > 0 else 0.0

    @property
    def load(self) -> float:
        return sum(self.loads.values())

    def utilisation(self) -> float:
        """Share of the workers' available time (workers x wall) spent computing or loading."""
        avail = self.workers * self.wall
        return (self.compute + self.load) / avail if avail > 0 else 0.0

    def as_dict(self) -> dict[str, object]:
        return {"wall": round(self.wall, 3), "discovery": round(self.discovery, 3), "hashing": round(self.hashing, 3),
                "writer": round(self.writer, 3), "writer_parts": {k: round(v, 4) for k, v in self.writer_parts.items()},
                "written": self.written, "writer_docs_per_s": round(self.writer_docs_per_second, 2),
                "parent_share": round(self.parent_share, 4), "workers": self.workers,
                "model_load": {k: round(v, 3) for k, v in self.loads.items()}, "compute": round(self.compute, 3),
                "wait": round(self.wait, 3), "back": round(self.back, 3), "documents": self.documents,
                "utilisation": round(self.utilisation(), 4)}

    def lines(self) -> list[str]:
        """The accounting as text, one figure a line (what ``tag --profile`` prints)."""
        n = max(1, self.documents)
        w = self.wall or 1.0
        out = [f"wall {self.wall:.2f} s, {self.workers} worker(s), {self.documents} documents computed, "
               f"{self.written} written",
               f"parent busy {self.parent:.2f} s ({self.parent_share:.1%} of wall): discovery {self.discovery:.2f} s, "
               f"hashing {self.hashing:.2f} s, writer {self.writer:.2f} s ({self.writer_share:.1%}; "
               f"{self.writer_docs_per_second:.1f} docs/s)"]
        parts = ", ".join(f"{k} {self.writer_parts[k] * 1000 / max(1, self.written):.1f}"
                          for k in WRITER_PARTS if k in self.writer_parts)
        if parts:
            out.append(f"writer per document (ms): {parts}")
        out.append(f"model loading {self.load:.2f} s over {len(self.loads)} worker(s); computing {self.compute:.2f} s "
                   f"({self.compute / n:.2f} s/doc); workers busy {self.utilisation():.1%} of workers x wall")
        out.append(f"documents waited for a worker {self.wait / n:.2f} s/doc; result to writer {self.back / n:.3f} s/doc "
                   f"({self.back / w:.1%} of wall summed)")
        return out
