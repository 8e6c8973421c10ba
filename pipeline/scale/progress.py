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
        self._ocr_pages = 0  # pages read with OCR so far

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
        quality = result.meeting.quality if result.meeting is not None else None
        ocr = len(quality.ocr_pages) if quality is not None else 0
        self._ocr_pages += ocr
        status = f"{result.status.value.lower()} {Path(result.path).name}"[:50]
        if quality is not None and ocr:  # a scan: how many pages were OCR'd, and how sure Tesseract was
            conf = quality.ocr_confidence
            status += f" (OCR {ocr} p, {conf:g}%)" if conf is not None else f" (OCR {ocr} p)"
        self._progress.update(self._task, completed=done, total=total, last=status,
                              rate=f"{rate:.2f} docs/s" + (f", {self._ocr_pages} OCR pages" if self._ocr_pages else ""))
