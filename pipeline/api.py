"""The library entry points the CLI (and users' own code) call.

A file may hold several meetings (a term's minutes exported into one document): ``analyse_all``
returns one record per meeting, ``analyse`` the first (every record says which it is:
``meeting_index`` and ``meetings_in_file``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from pipeline.core.record import Meeting
from pipeline.core.runner import ErrorPolicy
from pipeline.core.stage import State
from pipeline.extract import limit_options
from pipeline.stages import DEFAULT_STAGES, build_pipeline

__all__ = ["analyse", "analyse_all", "run", "run_all", "DEFAULT_STAGES"]


def run_all(path: str | Path, *, stages: Sequence[str] | None = None, policy: ErrorPolicy = "raise",
            options: dict | None = None, plugins: Sequence[str] = (),
            on_stage: Callable[[str, float], None] | None = None) -> list[State]:
    """Run the stages on one file through the one stage runner: one ``State`` per meeting of the file
    (document, record, sections, vectors, timings, and under ``policy="degrade"`` the stage errors)."""
    pipe = build_pipeline(stages, plugins=plugins)
    return pipe.run_all(State(path=Path(path), options=dict(options or {})), policy=policy, on_stage=on_stage)


def run(path: str | Path, **kwargs) -> State:
    """``run_all`` for the first meeting of the file (the whole file for almost every file)."""
    return run_all(path, **kwargs)[0]


def _options(as_format, encoding, themes_file, summariser, max_bytes, max_pages, max_words, ocr=None,
             ocr_page_seconds=None, ocr_max_pages=None) -> dict:
    options: dict = {"as_format": as_format, "encoding": encoding,
                     "themes_file": str(themes_file) if themes_file else None, "summariser": summariser}
    options.update(limit_options(max_bytes, max_pages, max_words, ocr, ocr_page_seconds, ocr_max_pages))
    return options


def analyse_all(path: str | Path, *, stages: Sequence[str] | None = None, as_format: str | None = None,
                encoding: str | None = None, max_bytes: int | None = None, max_pages: int | None = None,
                max_words: int | None = None, themes_file: str | Path | None = None, summariser: str | None = None,
                on_stage: Callable[[str, float], None] | None = None, ocr: str | None = None,
                ocr_page_seconds: float | None = None, ocr_max_pages: int | None = None) -> list[Meeting]:
    """Run the pipeline on one file and return one meeting record per meeting it holds, in file order.

    ``themes_file`` is a user taxonomy (see models/themes.toml); ``summariser`` a registered summariser
    name or a local model folder. ``ocr`` is ``auto`` (default: scanned PDF pages are read with OCR),
    ``always`` or ``never``; ``ocr_page_seconds`` and ``ocr_max_pages`` bound it. Raises a ``pipeline.core.errors.MinutebookError`` subclass for bad input.
    """
    options = _options(as_format, encoding, themes_file, summariser, max_bytes, max_pages, max_words, ocr,
                       ocr_page_seconds, ocr_max_pages)
    return [s.meeting for s in run_all(path, stages=stages, options=options, on_stage=on_stage)]


def analyse(path: str | Path, **kwargs) -> Meeting:
    """The record of the first meeting in the file (see ``analyse_all`` for the options).

    >>> from pipeline.api import analyse
    >>> analyse("corpus/samples/wg-log_2025-02-11.md", stages=["extract", "structure"]).meeting_date
    '2025-02-11'
    """
    return analyse_all(path, **kwargs)[0]
