"""The library entry points the CLI (and users' own code) call."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from pipeline.core.stage import Pipeline, State
from pipeline.extract import limit_options
from pipeline.core.record import Meeting

DEFAULT_STAGES = ["extract", "structure", "detect", "themes", "summarise"]


def analyse(path: str | Path, *, stages: list[str] | None = None, as_format: str | None = None,
            encoding: str | None = None, max_bytes: int | None = None, max_pages: int | None = None,
            max_words: int | None = None, themes_file: str | Path | None = None, summariser: str | None = None,
            on_stage: Callable[[str, float], None] | None = None) -> Meeting:
    """Run the pipeline on one file and return its meeting record.

    ``themes_file`` is a user taxonomy (see models/themes.toml); ``summariser`` a registered summariser
    name or a local model folder. Raises a ``pipeline.core.errors.MinutebookError`` subclass for bad input.
    """
    options: dict = {"as_format": as_format, "encoding": encoding,
                     "themes_file": str(themes_file) if themes_file else None, "summariser": summariser}
    options.update(limit_options(max_bytes, max_pages, max_words))
    pipe = Pipeline(stages or DEFAULT_STAGES)
    state = pipe.run(State(path=Path(path), options=options), on_stage=on_stage)
    meeting: Meeting = state.meeting
    meeting.stages = pipe.names
    return meeting
