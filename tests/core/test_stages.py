import pytest

from pipeline.core.errors import PipelineConfigError
from pipeline.core.stage import registered
from pipeline.stages import build_pipeline


def test_builtin_stages_are_registered_with_contracts():
    specs = registered()
    assert {"extract", "structure", "detect", "sections", "themes", "summarise", "vectors"} <= set(specs)
    assert specs["extract"].assigns == ("document",)
    assert "document" in specs["structure"].requires


def test_chain_is_checked_before_running():
    with pytest.raises(PipelineConfigError, match="needs document"):
        build_pipeline(["structure"])
    with pytest.raises(PipelineConfigError, match="unknown stage"):
        build_pipeline(["extract", "nope"])
    with pytest.raises(PipelineConfigError, match="needs sections"):
        build_pipeline(["extract", "structure", "detect", "themes"])
    assert build_pipeline(["extract", "structure"]).names == ["extract", "structure"]


def test_read_limits_reach_the_reader(tmp_path):
    from pipeline.api import analyse
    from pipeline.core.errors import LimitExceeded

    p = tmp_path / "m.txt"
    p.write_text("Minutes 4 March 2025\n\nPresent: Ann Lee\n" * 50)
    with pytest.raises(LimitExceeded):
        analyse(p, stages=["extract", "structure"], max_bytes=100)
    assert analyse(p, stages=["extract", "structure"]).meeting_date == "2025-03-04"
