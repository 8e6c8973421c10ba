"""The contract both archive backends meet (Haystack's ``DocumentStore`` protocol): every statement the
archive runs goes through one of these methods, so ``Archive`` holds the backend-neutral logic
(rank fusion, people merging, action closing) once. ``SQLiteBackend`` and ``PostgresBackend``
implement it; ``tests/archive/`` runs one suite against both.

Rows are returned as mappings (``sqlite3.Row`` or psycopg's dict rows): read them by column name.
"""

from __future__ import annotations

import json
from typing import Any, Protocol, Sequence, runtime_checkable

from pipeline.archive.query import Query
from pipeline.archive.schema import Migration
from pipeline.archive.types import Filters, TaggedDocument

Row = Any  # sqlite3.Row or a psycopg dict row: read by column name
Match = Any  # a backend's compiled text query (an FTS5 MATCH string, a PostgreSQL tsquery)


@runtime_checkable
class ArchiveBackend(Protocol):
    path: Any  # what messages show: the file, or the URL with its password replaced
    readonly: bool
    Error: Any  # the driver's base exception (sqlite3.Error, psycopg.Error)
    # the driver's errors that are the storage's, not the data's: disk full, read-only, I/O, lost server
    Unavailable: Any  # sqlite3.OperationalError, psycopg.OperationalError

    def close(self) -> None: ...

    def applied_migrations(self) -> list[str]: ...

    def migrate(self, migrations: Sequence[tuple[str, Migration]]) -> list[str]:
        """Apply the migrations not yet recorded in ``migrations``, each in its own transaction. Returns the names
        applied."""
        ...

    def check_schema(self) -> None: ...

    def begin(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def data_version(self) -> int: ...

    def archive_version(self) -> int:
        """A counter every committed write transaction bumps, kept in the database (``archive_state``)."""
        ...

    def archive_id(self) -> str:
        """A random id drawn when the archive was made: tells two archives made at one place apart."""
        ...

    def existing_status(self, content_hash: str) -> str | None: ...

    def document_id(self, content_hash: str) -> int | None: ...

    def delete_document(self, content_hash: str, path: str) -> list[int]:
        """Remove the rows for this content, and for an older content of the same file path; the ids of the
        sections removed."""
        ...

    def next_ids(self, table: str, n: int) -> list[int]:
        """``n`` ids for rows of ``table`` the open write transaction will insert (with ``insert_many``)."""
        ...

    def insert_document(self, r: TaggedDocument, *, pages: int | None, models: dict[str, str]) -> int: ...

    def move_document(self, content_hash: str, path: str) -> None:
        """Point the record of this content at ``path``, removing a record of another content there; the
        stored meeting records (``record_json``: ``file`` and every provenance) follow (``relocated``)."""
        ...

    def delete_documents(self, ids: Sequence[int]) -> None: ...

    def insert_row(self, table: str, row: dict[str, Any]) -> int: ...

    def insert_rows(self, table: str, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows in order; their ids."""
        ...

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None: ...

    def series_actions(self, keys: Sequence[str]) -> list[Row]:
        """id, task, done, closed_by_action_id, meeting_date, series_key of every action of a dated meeting of these
        series (``meetings.series_key``)."""
        ...

    def carried_actions(self, key: str, before: str, limit: int) -> list[Row]:
        """The actions meetings of series ``key`` held before ``before`` left open then (not done, and not
        closed by an earlier meeting): id, task, status, meeting_id, meeting_date, closed_meeting_id,
        closed_on; newest first, at most ``limit``."""
        ...

    def set_closed_by(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Set ``closed_by_action_id`` for each (action id, closing action id)."""
        ...

    def put_draft(self, row: dict[str, Any]) -> None:
        """Insert or replace the ``drafts`` row with this ``id``."""
        ...

    def delete_draft(self, draft_id: str) -> None: ...

    def draft_rows(self, corrected_only: bool = False) -> list[Row]:
        """The ``drafts`` rows, oldest upload first (only those with a corrected record)."""
        ...

    def seen(self, content_hash: str, pipeline_version: str) -> bool: ...

    def documents(self, status: str | None=None) -> list[Row]: ...

    def counts(self) -> dict[str, int]: ...

    def meeting_json(self, meeting_id: int) -> str | None: ...

    def text_query(self, query: Query, *, any_term: bool=False) -> Match | None:
        """The backend's form of the parsed query (``Query.expression``): with ``any_term`` any wanted term (plus
        the required phrases), else all; the excluded terms left out. None when nothing is wanted."""
        ...

    def matching(self, match: Match | None, ids: Sequence[int]) -> set[int]:
        """The sections of ``ids`` a text query matches (none for None)."""
        ...

    def text_ranked(self, match: Match, f: Filters, k: int) -> list[Row]:
        """The best ``k`` sections for a MATCH expression by bm25 (heading 3, text 1, summary 1.5)."""
        ...

    def snippets(self, match: Match, ids: Sequence[int], markers: tuple[str, str]) -> dict[int, str]:
        """FTS snippets, computed only for the hits shown (snippet() is the costly part of a query)."""
        ...

    def embeddings_of(self, ids: Sequence[int]) -> list[Row]: ...

    def filtered_section_ids(self, f: Filters, limit: int | None=None) -> list[int]:
        """Sections passing the filters, newest meeting first."""
        ...

    def theme_ranked(self, label: str, f: Filters, k: int) -> list[Row]:
        """The best ``k`` sections carrying ``label`` (section_id, score) by the label's score, unscored last, then
        id; ``f.theme`` is ignored."""
        ...

    def all_embeddings(self) -> list[Row]: ...

    def max_section_id(self) -> int: ...

    def embeddings_after(self, after: int, dim: int, limit: int) -> list[Row]:
        """Up to ``limit`` (section_id, vector) of this dimension with a section id above ``after``, by section id
        (the vector index catching up)."""
        ...

    def embedding_ids(self, dim: int, upto: int) -> list[int]: ...

    def embedding_count(self, dim: int, upto: int) -> int: ...

    def section_details(self, ids: Sequence[int]) -> dict[int, Row]: ...

    def alias_keys(self, key: str) -> list[str]:
        """Keys that stand for the full name ``key`` by evidence: aliases some meeting lists for a person named ``key``
        and for no other full name."""
        ...

    def actions(self, *, owner_keys: Sequence[str], open_only: bool, due_before: str | None) -> list[Row]: ...

    def people_rows(self) -> list[Row]: ...

    def theme_counts(self, by: str) -> list[dict[str, Any]]: ...

    def meeting_list_rows(self) -> list[Row]: ...

    def person_page_key_rows(self) -> list[Row]: ...

    def document_row(self, document_id: int) -> Row | None: ...

    def meeting_document_row(self, meeting_id: int) -> Row | None: ...

    def label_counts(self) -> list[tuple[str, int]]:
        """Every theme label with its number of sections, most used first."""
        ...

    def format_counts(self) -> list[tuple[str, int]]:
        """Formats of the stored meetings' documents with their counts."""
        ...

    def action_page(self, *, owner_keys: Sequence[str], state: str, today: str, limit: int, offset: int) -> list[Row]:
        """One page of actions in ``state`` (open, overdue, done, all), same columns as ``actions``. Open and overdue:
        by due date (undated last), then id, read…"""
        ...

    def change_marker(self) -> tuple:
        """Changes whenever a document is written or replaced (every write inserts a documents row)."""
        ...

    def action_state_counts(self, *, owner_keys: Sequence[str], today: str) -> dict[str, int]: ...

    def person_index_rows(self, key_part: str | None, limit: int) -> list[Row]:
        """Distinct person keys (optionally containing ``key_part``) with a display name and their number of meetings,
        most meetings first."""
        ...

    def full_name_keys_for_alias(self, key: str) -> list[str]:
        """Full-name keys of the people some meeting lists ``key`` as an alias for."""
        ...

    def has_person_key(self, key: str) -> bool: ...

    def people_rows_for(self, keys: Sequence[str]) -> list[Row]:
        """``people_rows`` restricted to entries with one of ``keys``, with each meeting's title."""
        ...


def relocated(record_json: str, old: str, new: str) -> str:
    """A stored meeting record with every ``file`` that named ``old`` (the record's own and each
    provenance's) naming ``new``: what ``move_document`` writes back after a file moved."""

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: (new if k == "file" and v == old else walk(v)) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x

    return json.dumps(walk(json.loads(record_json)), ensure_ascii=False, separators=(",", ":"))
