"""The one stage runner and its two error policies."""

from __future__ import annotations

import pytest

from pipeline.core.errors import PipelineConfigError
from pipeline.core.runner import Pipeline
from pipeline.core.stage import StageRegistry, State


def _registry(fail: str | None = None) -> StageRegistry:
    reg = StageRegistry()

    def make(name: str):
        def run(state: State) -> None:
            if name == fail:
                raise RuntimeError(f"{name} broke")
            state.timings.setdefault("ran", 0)
            setattr(state, {"read": "document", "build": "meeting", "tag": "sections", "embed": "vectors"}[name],
                    type("Record", (), {"stages": []})() if name == "build" else name)
        return run

    reg.stage("read", requires=("path",), assigns=("document",))(make("read"))
    reg.stage("build", requires=("document",), assigns=("meeting",))(make("build"))
    reg.stage("tag", requires=("meeting",), assigns=("sections",))(make("tag"))
    reg.stage("embed", requires=("sections",), assigns=("vectors",))(make("embed"))
    return reg


NAMES = ["read", "build", "tag", "embed"]


def test_raise_policy_stops_at_the_first_failure(tmp_path):
    pipe = Pipeline(NAMES, registry=_registry(fail="tag").specs())
    with pytest.raises(RuntimeError, match="tag broke"):
        pipe.run(State(path=tmp_path / "m.txt"))


def test_degrade_policy_records_the_failure_and_skips_what_depends_on_it(tmp_path):
    pipe = Pipeline(NAMES, registry=_registry(fail="tag").specs())
    state = pipe.run(State(path=tmp_path / "m.txt"), policy="degrade")
    assert [e.component for e in state.errors] == ["tag"]
    assert "tag broke" in state.errors[0].message and str(tmp_path / "m.txt") in state.errors[0].message
    assert state.sections is None and state.vectors is None  # embed needed what tag should have made
    assert "embed" not in state.timings and state.meeting.stages == NAMES


def test_a_failure_before_there_is_a_record_always_raises(tmp_path):
    pipe = Pipeline(NAMES, registry=_registry(fail="read").specs())
    with pytest.raises(RuntimeError, match="read broke"):
        pipe.run(State(path=tmp_path / "m.txt"), policy="degrade")


def test_the_chain_is_checked_against_the_registry():
    with pytest.raises(PipelineConfigError, match="needs meeting"):
        Pipeline(["read", "tag"], registry=_registry().specs())
