"""The library entry points the CLI (and users' own code) call."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from pipeline.core.record import Meeting
from pipeline.core.runner import ErrorPolicy
from pipeline.core.stage import State
from pipeline.extract import limit_options
from pipeline.stages import DEFAULT_STAGES, build_pipeline

__all__ = ["analyse", "run", "DEFAULT_STAGES"]


def run(path: str | Path, *, stages: Sequence[str] | None = None, policy: ErrorPolicy = "raise",
        options: dict | None = None, plugins: Sequence[str] = (),
        on_stage: Callable[[str, float], None] | None = None) -> State:
    """Run the stages on one file through the one stage runner and return the whole ``State``
    (document, record, sections, vectors, timings, and under ``policy="degrade"`` the stage errors)."""
    pipe = build_pipeline(stages, plugins=plugins)
    return pipe.run(State(path=Path(path), options=dict(options or {})), policy=policy, on_stage=on_stage)


def analyse(path: str | Path, *, stages: Sequence[str] | None = None, as_format: str | None = None,
            encoding: str | None = None, max_bytes: int | None = None, max_pages: int | None = None,
            max_words: int | None = None, themes_file: str | Path | None = None, summariser: str | None = None,
            on_stage: Callable[[str, float], None] | None = None) -> Meeting:
    """Run the pipeline on one file and return its meeting record.

    ``themes_file`` is a user taxonomy (see models/themes.toml); ``summariser`` a registered summariser
    name or a local model folder. Raises a ``pipeline.core.errors.MinutebookError`` subclass for bad input.

    >>> from pipeline.api import analyse
    >>> analyse("corpus/samples/wg-log_2025-02-11.md", stages=["extract", "structure"]).meeting_date
    '2025-02-11'
    """
    options: dict = {"as_format": as_format, "encoding": encoding,
                     "themes_file": str(themes_file) if themes_file else None, "summariser": summariser}
    options.update(limit_options(max_bytes, max_pages, max_words))
    state = run(path, stages=stages, options=options, on_stage=on_stage)
    meeting: Meeting = state.meeting
    return meeting

