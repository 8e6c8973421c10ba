import pytest

from pipeline.core.stage import Pipeline, registered
from pipeline.core.errors import PipelineConfigError


def test_builtin_stages_are_registered_with_contracts():
    specs = registered()
    assert specs["extract"].assigns == ("document",)
    assert "document" in specs["structure"].requires


def test_chain_is_checked_before_running():
    with pytest.raises(PipelineConfigError, match="needs document"):
        Pipeline(["structure"])
    with pytest.raises(PipelineConfigError, match="unknown stage"):
        Pipeline(["extract", "nope"])
    assert Pipeline(["extract", "structure"]).names == ["extract", "structure"]


def test_read_limits_reach_the_reader(tmp_path):
    from pipeline.api import analyse
    from pipeline.core.errors import LimitExceeded

    p = tmp_path / "m.txt"
    p.write_text("Minutes 4 March 2025\n\nPresent: Ann Lee\n" * 50)
    with pytest.raises(LimitExceeded):
        analyse(p, stages=["extract", "structure"], max_bytes=100)
    assert analyse(p, stages=["extract", "structure"]).meeting_date == "2025-03-04"
