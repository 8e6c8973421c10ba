"""The one stage runner: ``analyse``, ``summarise``, ``tag`` (local and Dask) and the web draft all run
documents through ``Pipeline.run``.

The error policy is an argument. ``"raise"`` stops at the first failing stage (``analyse``: the user
sees the one-line error). ``"degrade"`` keeps going when a later stage fails: the failure becomes an
``ErrorItem`` on ``state.errors``, the stages that need what the failed one should have assigned are
skipped, and the record that came out is PARTIAL. A stage that leaves no record behind (``extract``,
``structure``) always raises: there is nothing to degrade to.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Literal, Mapping, Sequence

from pipeline.core.errors import ErrorItem, PipelineConfigError
from pipeline.core.provenance import provenance, relocate
from pipeline.core.stage import StageSpec, State, registered

ErrorPolicy = Literal["raise", "degrade"]
# document -> its meetings: objects with .document, .char_offset and .block_offset (one for most files)
Splitter = Callable[[Any], Sequence[Any]]
ESSENTIAL = frozenset({"extract", "structure"})  # no record exists without them


class Pipeline:
    """A checked chain of registered stages.

    Every field a stage requires must be assigned by an earlier stage (``path`` and ``options`` are
    given); the check runs here, before any file is opened.
    """

    def __init__(self, names: list[str], *, registry: Mapping[str, StageSpec] | None = None,
                 splitter: Splitter | None = None):
        specs = dict(registry) if registry is not None else registered()
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
        self.splitter = splitter

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def run(self, state: State, *, policy: ErrorPolicy = "raise",
            on_stage: Callable[[str, float], None] | None = None) -> State:
        """Run every stage in order; ``on_stage(name, seconds)`` is called after each (progress)."""
        self._run(self.stages, state, policy, on_stage)
        if state.meeting is not None:
            state.meeting.stages = self.names
        return state

    def run_all(self, state: State, *, policy: ErrorPolicy = "raise",
                on_stage: Callable[[str, float], None] | None = None) -> list[State]:
        """Like ``run``, for a file that may hold several meetings: once the document is read, the
        ``splitter`` divides it and the remaining stages run once per meeting, each record moved back
        into the file's coordinates (``relocate``) and numbered (``meeting_index``,
        ``meetings_in_file``). One state per meeting, in file order; one for most files."""
        cut = next((i + 1 for i, s in enumerate(self.stages) if "document" in s.assigns), None)
        if self.splitter is None or cut is None:
            return [self.run(state, policy=policy, on_stage=on_stage)]
        self._run(self.stages[:cut], state, policy, on_stage)
        parts = list(self.splitter(state.document))
        if len(parts) <= 1:
            self._run(self.stages[cut:], state, policy, on_stage)
            if state.meeting is not None:
                state.meeting.stages = self.names
            return [state]
        out = []
        for n, part in enumerate(parts):
            one = State(path=state.path, options=state.options, document=part.document, whole=state.document,
                        timings=dict(state.timings))
            self._run(self.stages[cut:], one, policy, on_stage)
            if one.meeting is not None:
                relocate(one.meeting, part.char_offset, part.block_offset)
                if getattr(part, "title", None) and getattr(part, "title_span", None):
                    one.meeting.title = part.title
                    one.meeting.title_provenance = provenance(state.document, *part.title_span)
                one.meeting.meeting_index, one.meeting.meetings_in_file = n, len(parts)
                one.meeting.stages = self.names
            out.append(one)
        return out

    @staticmethod
    def _run(stages: list[StageSpec], state: State, policy: ErrorPolicy,
             on_stage: Callable[[str, float], None] | None) -> None:
        broken: set[str] = set()  # fields a failed stage should have assigned
        for spec in stages:
            if broken & set(spec.requires):
                broken.update(spec.assigns)
                continue
            t0 = time.perf_counter()
            try:
                spec.func(state)
            except Exception as e:
                if policy == "raise" or spec.name in ESSENTIAL or state.meeting is None:
                    raise
                state.errors.append(ErrorItem.from_exception(spec.name, e, state.path))
                broken.update(spec.assigns)
            state.timings[spec.name] = round(time.perf_counter() - t0, 4)
            if on_stage is not None:
                on_stage(spec.name, state.timings[spec.name])
