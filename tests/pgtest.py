"""PostgreSQL for tests: the server comes from $MINUTEBOOK_TEST_PG (a postgresql:// URL of a server
where we may create databases; `eval "$(.ci/postgres.sh start)"` starts a throwaway one and prints it).

Without it the PostgreSQL variants skip, with this reason, except when MINUTEBOOK_CI=1: then they
fail, so CI can never pass by skipping. Each test session gets its own database
(``minutebook_test_<pid>``, dropped at the end) and each archive its own schema in it."""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

BACKENDS = ["sqlite", "postgresql"]  # what archive_target (conftest.py) is parametrised over
PG_ENV = "MINUTEBOOK_TEST_PG"
SKIP_NO_PG = (f"no PostgreSQL server for the tests: set {PG_ENV}=postgresql://USER@HOST:PORT/postgres "
              "(eval \"$(.ci/postgres.sh start)\" starts a throwaway one)")


def server_url_or_skip() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("MINUTEBOOK_CI") == "1":
            pytest.fail(f"MINUTEBOOK_CI=1 but {PG_ENV} is not set: CI must start PostgreSQL (.ci/postgres.sh start)")
        pytest.skip(SKIP_NO_PG)
    return url


def with_dbname(url: str, dbname: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, "/" + dbname, p.query, p.fragment))


def with_schema(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


class PgDatabase:
    """One test database on the server; ``new_archive()`` makes a fresh schema and returns its URL."""

    def __init__(self, server_url: str):
        import psycopg

        self.server_url = server_url
        self.name = f"minutebook_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(server_url, autocommit=True) as c:
            c.execute(f"CREATE DATABASE {self.name}")
        self.url = with_dbname(server_url, self.name)
        self.schemas: list[str] = []

    def new_archive(self) -> str:
        import psycopg

        schema = f"a_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as c:
            c.execute(f"CREATE SCHEMA {schema}")
        self.schemas.append(schema)
        return with_schema(self.url, schema)

    def drop_archive(self, archive_url: str) -> None:
        import psycopg

        schema = archive_url.rsplit("%3D", 1)[1]
        with psycopg.connect(self.url, autocommit=True) as c:
            c.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
