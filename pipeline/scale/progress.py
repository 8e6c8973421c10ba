"""Progress on stderr."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pipeline.scale.results import DocResult, Status


class RichProgress:
    """A ``rich`` progress bar on stderr (documents, docs/s, ETA) usable as ``progress=``::

        with RichProgress() as bar:
            report = run_batch(paths, progress=bar)
    """

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(TextColumn("tagging"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
                                  TimeRemainingColumn(), TextColumn("[dim]{task.fields[last]}"),
                                  console=Console(stderr=True), transient=False)
        self._task: Any = None
        self._t0 = time.perf_counter()
        self._processed = 0

    def __enter__(self) -> "RichProgress":
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def __call__(self, result: DocResult, done: int, total: int) -> None:
        if self._task is None:
            self._task = self._progress.add_task("tag", total=total, rate="", last="")
        if result.status is not Status.SKIPPED:
            self._processed += 1
        rate = self._processed / max(1e-9, time.perf_counter() - self._t0)
        self._progress.update(self._task, completed=done, total=total, rate=f"{rate:.2f} docs/s",
                              last=f"{result.status.value.lower()} {Path(result.path).name}"[:50])
