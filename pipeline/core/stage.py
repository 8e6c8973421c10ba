"""Named pipeline stages that declare what they read and write (after spaCy's factories).

A stage is a callable ``(State) -> None`` registered with ``@stage(name, requires=..., assigns=...)``.
The built-in stages are registered in one place, ``pipeline.stages``; a plugin module registers its
own the same way. ``pipeline.core.runner.Pipeline`` checks a chain of them before any file is opened.

>>> from pipeline.core.stage import StageRegistry, State
>>> reg = StageRegistry()
>>> @reg.stage("hello", requires=("path",), assigns=("meeting",))
... def hello(state: State) -> None:
...     state.meeting = f"read {state.path.name}"
>>> sorted(reg.specs())
['hello']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pipeline.core.errors import ErrorItem


@dataclass
class State:
    """What flows between stages for one document."""

    path: Path
    options: dict[str, Any] = field(default_factory=dict)
    document: Any = None  # pipeline.core.document.Document
    structure: Any = None  # pipeline.structure.structure.Structure
    meeting: Any = None  # pipeline.core.record.Meeting
    parsed: Any = None  # pipeline.detect.parsed.ParsedDocument
    sections: Any = None  # list[pipeline.structure.sections.SectionText]
    vectors: Any = None  # numpy array, one row per section (the "vectors" stage)
    whole: Any = None  # the whole file's Document when ``document`` is one meeting of several
    timings: dict[str, float] = field(default_factory=dict)
    errors: list[ErrorItem] = field(default_factory=list)  # stages that failed under the "degrade" policy


StageFunc = Callable[[State], None]


@dataclass(frozen=True)
class StageSpec:
    name: str
    func: StageFunc
    requires: tuple[str, ...]
    assigns: tuple[str, ...]


class StageRegistry:
    """Stage specs by name."""

    def __init__(self) -> None:
        self._specs: dict[str, StageSpec] = {}

    def stage(self, name: str, *, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = ()
              ) -> Callable[[StageFunc], StageFunc]:
        def deco(func: StageFunc) -> StageFunc:
            self._specs[name] = StageSpec(name, func, tuple(requires), tuple(assigns))
            return func

        return deco

    def specs(self) -> dict[str, StageSpec]:
        return dict(self._specs)


REGISTRY = StageRegistry()
stage = REGISTRY.stage


def registered() -> dict[str, StageSpec]:
    """Every stage registered so far (the built-ins once ``pipeline.stages`` is imported)."""
    return REGISTRY.specs()
