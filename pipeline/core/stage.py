"""Named pipeline stages that declare what they read and write (after spaCy's factories).

A stage is a callable ``(State) -> None`` registered with ``@stage(name, requires=..., assigns=...)``.
``Pipeline(names)`` checks the chain when it is built, before any file is opened: every field a
stage requires must be assigned by an earlier stage (``path`` is given).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pipeline.core.errors import PipelineConfigError


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
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class StageSpec:
    name: str
    func: Callable[[State], None]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]


_REGISTRY: dict[str, StageSpec] = {}


def stage(name: str, *, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = ()):
    def deco(func: Callable[[State], None]) -> Callable[[State], None]:
        _REGISTRY[name] = StageSpec(name, func, tuple(requires), tuple(assigns))
        return func

    return deco


def registered() -> dict[str, StageSpec]:
    from pipeline import stages  # noqa: F401  (registers the built-in stages)

    return dict(_REGISTRY)


class Pipeline:
    def __init__(self, names: list[str]):
        specs = registered()
        unknown = [n for n in names if n not in specs]
        if unknown:
            raise PipelineConfigError(None, f"unknown stage(s): {', '.join(unknown)}",
                                      f"known stages: {', '.join(specs)}")
        have = {"path", "options"}
        for n in names:
            missing = [r for r in specs[n].requires if r not in have]
            if missing:
                raise PipelineConfigError(None, f"stage {n!r} needs {', '.join(missing)}, which no earlier stage assigns")
            have.update(specs[n].assigns)
        self.stages = [specs[n] for n in names]

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def run(self, state: State, on_stage: Callable[[str, float], None] | None = None) -> State:
        """Run every stage in order; ``on_stage(name, seconds)`` is called after each (progress)."""
        import time

        for s in self.stages:
            t0 = time.perf_counter()
            s.func(state)
            state.timings[s.name] = round(time.perf_counter() - t0, 4)
            if on_stage is not None:
                on_stage(s.name, state.timings[s.name])
        return state
