"""Shared fixtures. Tests mirror the package: tests/<stage folder>/ for each folder of pipeline/, and
tests/test_*.py for what spans them (CLI, golden files, evaluation, hostile input, docs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SHARED, SHARED_GOLD, SHARED_REAL, SKIP_NO_SHARED


@pytest.fixture
def shared_corpus() -> Path:
    if not SHARED_REAL.is_dir() or not SHARED_GOLD.is_dir():
        pytest.skip(SKIP_NO_SHARED)
    return SHARED


# ---- archive backends: tests taking `archive_target` run once on SQLite and once on PostgreSQL

from pgtest import BACKENDS  # noqa: E402


@pytest.fixture(scope="session")
def pg_database():
    """A test database on the $MINUTEBOOK_TEST_PG server (skips without one; fails under MINUTEBOOK_CI=1)."""
    from pgtest import PgDatabase, server_url_or_skip

    db = PgDatabase(server_url_or_skip())
    yield db
    db.drop()


@pytest.fixture
def pg_archive_url(pg_database):
    """A fresh, empty PostgreSQL archive (its own schema), dropped after the test."""
    url = pg_database.new_archive()
    yield url
    pg_database.drop_archive(url)


@pytest.fixture(params=BACKENDS)
def archive_target(request, tmp_path: Path):
    """Where a fresh archive lives: a SQLite file path, or a postgresql:// URL."""
    if request.param == "sqlite":
        return tmp_path / "archive.db"
    return request.getfixturevalue("pg_archive_url")
