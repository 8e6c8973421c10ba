"""Summarisers by name, and the summarise stage's entry point.

``get_summariser(name_or_path)`` returns one: a registered name (``extractive``, ``abstractive``, or
one a plugin registered with ``register_summariser``), or the path of a model folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from pipeline.core.record import SectionSummary
from pipeline.summarise.abstractive import AbstractiveSummariser
from pipeline.summarise.base import Summariser, SummariserNotFound
from pipeline.summarise.extractive import ExtractiveSummariser
from pipeline.summarise.sentences import word_tokens

if TYPE_CHECKING:  # pragma: no cover

    from pipeline.core.document import Document
    from pipeline.structure.sections import SectionText


_REGISTRY: dict[str, Callable[..., Summariser]] = {"extractive": ExtractiveSummariser,
                                                 "abstractive": AbstractiveSummariser}


def register_summariser(name: str, factory: Callable[..., Summariser]) -> None:
    """Make a summariser class (or factory) available by ``name`` (``--summariser NAME``)."""
    _REGISTRY[name] = factory


def registered_summarisers() -> dict[str, Callable[..., Summariser]]:
    return dict(_REGISTRY)


def get_summariser(name_or_path: str | os.PathLike | None = None, **config: Any) -> Summariser:
    """``None`` or ``"extractive"`` → the extractive summariser; a registered name → that one; any
    other value must be a local model folder → ``AbstractiveSummariser(path, **config)``."""
    if name_or_path is None:
        name_or_path = "extractive"
    key = str(name_or_path)
    if key in _REGISTRY and key != "abstractive":
        return _REGISTRY[key](**config)
    path = Path(key).expanduser()
    if path.is_dir():
        return AbstractiveSummariser(path, **config)
    raise SummariserNotFound(None, f"no summariser named {key!r} and no model folder at {key!r} "
                                   f"(registered: {', '.join(sorted(_REGISTRY))})")


def summarise_sections(sections: Sequence["SectionText"], doc: "Document",
                       summariser: Summariser | str | None = None) -> list[SectionSummary]:
    """One summary per section with text of its own (containers and empty sections are skipped)."""
    if summariser is None or isinstance(summariser, (str, os.PathLike)):
        summariser = get_summariser(summariser)
    todo = [s for s in sections if not s.is_container and s.sentences and word_tokens(s.text)]
    return summariser.summarise_many(todo, doc)
