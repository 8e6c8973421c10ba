"""Replay every input the fuzzer saved (tests/fuzz/crashes/<target>/*): none may crash any more."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz.targets import TARGETS, call

CRASHES = Path(__file__).parent / "fuzz" / "crashes"
CASES = sorted((d.name, f) for d in CRASHES.iterdir() if d.is_dir() and d.name in TARGETS
               for f in d.iterdir() if f.is_file()) if CRASHES.is_dir() else []


# crashes found in modules this suite does not own and not yet fixed there (xfail, non-strict). Empty:
# every saved input so far is fixed and must not crash again.
KNOWN: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize("target,path", CASES, ids=[f"{t}/{p.name}" for t, p in CASES])
def test_saved_input_does_not_crash(target: str, path: Path, request: pytest.FixtureRequest) -> None:
    reason = KNOWN.get((target, path.name))
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=False))
    call(target, path.read_bytes())


def test_targets_accept_trivial_inputs() -> None:
    for name in TARGETS:
        for data in (b"", b"\x00", b"Present: A. Smith, B. Jones\nAction: Bob by 3 May 2024"):
            call(name, data)
