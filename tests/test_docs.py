"""The README stays true: every command is documented and has help; CI runs the README's test command."""

from __future__ import annotations

import re

from helpers import REPO
from typer.testing import CliRunner

from pipeline.cli import app

README = (REPO / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_is_in_the_readme_and_has_help():
    for name in commands():
        assert f"minutebook {name}" in README, f"README does not document `minutebook {name}`"
        r = CliRunner().invoke(app, [name, "--help"])
        assert r.exit_code == 0 and "Usage" in r.stdout, name


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(.+?)\n```", section)


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    cmds = quick_start_commands()
    assert len(cmds) == 2, cmds
    run_cmd, test_cmd = cmds
    assert re.search(r"minutebook (analyse|summarise) corpus/", run_cmd)
    assert "pytest" in test_cmd
    ci = (REPO / ".ci" / "run").read_text()
    assert test_cmd in ci, "the README's test command must be what .ci/run runs"


def test_quick_start_input_exists():
    run_cmd = quick_start_commands()[0]
    path = re.search(r"(?:analyse|summarise) (corpus/\S+)", run_cmd).group(1)
    assert (REPO / path).exists(), path
