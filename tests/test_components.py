import pytest

from pipeline.components import Pipeline, registered
from pipeline.errors import PipelineConfigError


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
