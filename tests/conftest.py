"""Shared fixtures. Tests mirror the package: tests/extract/ for readers, tests/test_<module>.py otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import SHARED, SHARED_GOLD, SHARED_REAL, SKIP_NO_SHARED


@pytest.fixture
def shared_corpus() -> Path:
    if not SHARED_REAL.is_dir() or not SHARED_GOLD.is_dir():
        pytest.skip(SKIP_NO_SHARED)
    return SHARED
