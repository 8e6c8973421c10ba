"""The SQLite backend: one file, WAL mode, FTS5 with bm25, every query parameterised. One writer per
file (the batch's parent process); readers search meanwhile.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

from pipeline.archive.backend import relocated
from pipeline.archive.query import Query
from pipeline.archive.schema import Migration, PerBackend, pending_migrations, sqlite_statements, upsert_sql
from pipeline.archive.text import now_utc
from pipeline.archive.types import STATUSES, Filters, TaggedDocument
from pipeline.core.errors import ArchiveError


def _chunks(xs: list, n: int) -> Iterator[list]:
    """``xs`` in pieces of at most ``n`` (SQLite limits the parameters of one statement)."""
    for i in range(0, len(xs), n):
        yield xs[i:i + n]


def _use_wal(conn: sqlite3.Connection, wait: float = 10.0) -> None:
    """Switch a new archive to WAL (it persists in the file). Two processes creating one archive at once
    race here: SQLite answers "database is locked" at once to a journal-mode change, without calling the
    busy handler, so we retry for up to ``wait`` seconds like busy_timeout would."""
    deadline = time.monotonic() + wait
    while True:
        try:
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if ("locked" not in str(e) and "busy" not in str(e)) or time.monotonic() > deadline:
                raise
            time.sleep(0.01 + random.random() * 0.05)


class SQLiteBackend:
    """All SQL of the archive. ``pipeline.archive.postgres.PostgresBackend`` implements the same methods."""

    name = "sqlite"
    Error = sqlite3.Error
    Unavailable = sqlite3.OperationalError  # disk full, read-only, disk I/O error, locked

    def __init__(self, path: Path, conn: sqlite3.Connection, *, readonly: bool):
        self.path = path
        self.conn = conn
        self.readonly = readonly
        self._next_id: dict[str, int] = {}  # the next free id per table, in the open write transaction
        self._state = False

    # ---- connection and migrations

    @classmethod
    def connect(cls, path: Path, *, readonly: bool = False) -> "SQLiteBackend":
        try:
            if readonly:
                if not path.exists():
                    raise ArchiveError(path, "there is no archive here", "tag some minutes first, or pass the right --db")
                conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None,
                                       check_same_thread=False)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB
            conn.execute("PRAGMA mmap_size = 268435456")
            if not readonly:
                _use_wal(conn)
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as e:
            raise ArchiveError(path, f"cannot open the archive ({e})") from e
        return cls(path, conn, readonly=readonly)

    def close(self) -> None:
        self.conn.close()

    def applied_migrations(self) -> list[str]:
        have = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").fetchone()
        if not have:
            return []
        return [r[0] for r in self.conn.execute("SELECT name FROM migrations ORDER BY rowid")]

    def migrate(self, migrations: Sequence[tuple[str, Migration]]) -> list[str]:
        """Apply the migrations not yet recorded in ``migrations``, each in its own transaction.
        Returns the names applied."""
        todo = pending_migrations(self.path, migrations, self.applied_migrations(), readonly=self.readonly)
        if not todo:
            return []
        self.conn.execute("CREATE TABLE IF NOT EXISTS migrations ("
                          "name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        applied = []
        for name, step in todo:
            rebuild = isinstance(step, PerBackend) and step.rebuild
            if rebuild:
                self.conn.execute("PRAGMA foreign_keys = OFF")  # no effect inside a transaction: set it first
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                if self.conn.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                    self.conn.execute("ROLLBACK")  # another process applied it meanwhile
                    continue
                if isinstance(step, PerBackend):
                    step = step.sqlite
                if callable(step):
                    step(self.conn)
                elif isinstance(step, str):
                    for stmt in sqlite_statements(step):
                        self.conn.execute(stmt)
                if rebuild and self.conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise sqlite3.IntegrityError("the rebuilt tables break a foreign key")
                self.conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, now_utc()))
                self.conn.execute("COMMIT")
            except sqlite3.Error as e:
                self.conn.execute("ROLLBACK")
                raise ArchiveError(self.path, f"migration {name} failed ({e})",
                                   "the archive is unchanged; report this with the archive's minutebook version") from e
            finally:
                if rebuild:
                    self.conn.execute("PRAGMA foreign_keys = ON")
            applied.append(name)
        return applied

    def check_schema(self) -> None:
        if "0001_schema" not in self.applied_migrations():
            raise ArchiveError(self.path, "this file is not a minutebook archive (no schema)",
                               "pass the right --db, or open it for writing to create the archive")

    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self._next_id = {}

    def commit(self) -> None:
        if self._has_state():
            self.conn.execute("UPDATE archive_state SET version = version + 1, "
                              "section_floor = max(section_floor, ?) WHERE id = 1", (self._next_id.get("sections", 0),))
        self.conn.execute("COMMIT")

    def _has_state(self) -> bool:
        """Whether migration 0006 made ``archive_state`` (an older schema, written by a test, has none)."""
        if not self._state:
            self._state = self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'archive_state'").fetchone() is not None
        return self._state

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def archive_version(self) -> int:
        """Bumped by every committed write transaction, kept in the file (``archive_state``)."""
        if not self._has_state():
            return 0
        return int(self.conn.execute("SELECT version FROM archive_state WHERE id = 1").fetchone()[0])

    def archive_id(self) -> str:
        """Drawn at random when the archive was made (migration 0006)."""
        if not self._has_state():
            return ""
        return str(self.conn.execute("SELECT archive_id FROM archive_state WHERE id = 1").fetchone()[0] or "")

    # ---- writing (called inside a transaction)

    def existing_status(self, content_hash: str) -> str | None:
        r = self.conn.execute("SELECT status FROM documents WHERE content_hash = ?", (content_hash,)).fetchone()
        return r[0] if r else None

    def document_id(self, content_hash: str) -> int | None:
        r = self.conn.execute("SELECT id FROM documents WHERE content_hash = ?", (content_hash,)).fetchone()
        return int(r[0]) if r else None

    def delete_document(self, content_hash: str, path: str) -> list[int]:
        """Remove the rows for this content, and for an older content of the same file path; the ids of
        the sections removed."""
        gone = [r[0] for r in self.conn.execute(
            "SELECT s.id FROM documents d JOIN meetings m ON m.document_id = d.id JOIN sections s "
            "ON s.meeting_id = m.id WHERE d.content_hash = ? OR d.path = ?", (content_hash, path))]
        self.conn.execute("DELETE FROM documents WHERE content_hash = ? OR path = ?", (content_hash, path))
        return gone

    def next_ids(self, table: str, n: int) -> list[int]:
        """``n`` unused ids of ``table`` for rows this write transaction inserts (one writer holds the file)."""
        start = self._next_id.get(table)
        if start is None:
            start = int(self.conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])
            if table == "sections" and self._has_state():  # never an id a removed section had: the vector index
                start = max(start, int(self.conn.execute(  # knows sections by id
                    "SELECT section_floor FROM archive_state WHERE id = 1").fetchone()[0]))
        self._next_id[table] = start + n
        return list(range(start, start + n))

    def move_document(self, content_hash: str, path: str) -> None:
        self.conn.execute("DELETE FROM documents WHERE path = ? AND content_hash <> ?", (path, content_hash))
        doc = self.conn.execute("SELECT id, path FROM documents WHERE content_hash = ?", (content_hash,)).fetchone()
        if doc is None:
            return
        self.conn.execute("UPDATE documents SET path = ? WHERE id = ?", (path, doc["id"]))
        rows = self.conn.execute("SELECT id, record_json FROM meetings WHERE document_id = ?", (doc["id"],)).fetchall()
        self.conn.executemany("UPDATE meetings SET record_json = ? WHERE id = ?",
                              [(relocated(r["record_json"], doc["path"], path), r["id"]) for r in rows])

    def delete_documents(self, ids: Sequence[int]) -> None:
        self.conn.executemany("DELETE FROM documents WHERE id = ?", [(int(i),) for i in ids])

    def insert_document(self, r: TaggedDocument, *, pages: int | None, models: dict[str, str]) -> int:
        cur = self.conn.execute(
            "INSERT INTO documents (path, content_hash, format, status, error, pages, pipeline_version, models, "
            "tagged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (r.path, r.content_hash, r.format, r.status, r.error, pages, r.pipeline_version,
             json.dumps(models, sort_keys=True), now_utc()))
        return int(cur.lastrowid or 0)

    def insert_row(self, table: str, row: dict[str, Any]) -> int:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cur = self.conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))
        return int(cur.lastrowid or 0)

    def insert_rows(self, table: str, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows in order; their ids."""
        return [self.insert_row(table, r) for r in rows]

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        cols = list(rows[0])
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
        self.conn.executemany(sql, [tuple(r[c] for c in cols) for r in rows])

    def series_actions(self, keys: Sequence[str]) -> list[sqlite3.Row]:
        """The actions of the dated meetings of these series (the linking pass)."""
        out: list[sqlite3.Row] = []
        for chunk in _chunks(list(keys), 500):
            marks = ", ".join("?" for _ in chunk)
            out += self.conn.execute(
                "SELECT a.id, a.task, a.done, a.status, a.closed_by_action_id, m.id AS meeting_id, m.meeting_date, m.series_key "
                "FROM meetings m JOIN actions a ON a.meeting_id = m.id "
                f"WHERE m.series_key IN ({marks}) AND m.meeting_date IS NOT NULL", chunk).fetchall()
        return out

    def carried_actions(self, key: str, before: str, limit: int) -> list[Any]:
        return self.conn.execute(
            "SELECT a.id, a.task, a.status, m.id AS meeting_id, m.meeting_date, cm.id AS closed_meeting_id, cm.meeting_date AS closed_on "
            "FROM meetings m JOIN actions a ON a.meeting_id = m.id "
            "LEFT JOIN actions c ON c.id = a.closed_by_action_id LEFT JOIN meetings cm ON cm.id = c.meeting_id "
            "WHERE m.series_key = ? AND m.meeting_date < ? AND a.done = 0 AND (cm.meeting_date IS NULL OR cm.meeting_date >= ?) "
            "ORDER BY m.meeting_date DESC, a.id DESC LIMIT ?", (key, before, before, limit)).fetchall()

    def set_closed_by(self, pairs: Sequence[tuple[int, int]]) -> None:
        """(action id, id of the later action that closes it) for each pair."""
        self.conn.executemany("UPDATE actions SET closed_by_action_id = ? WHERE id = ?", [(c, a) for a, c in pairs])

    def put_draft(self, row: dict[str, Any]) -> None:
        self.conn.execute(upsert_sql("drafts", list(row), "id", "?"), tuple(row.values()))

    def delete_draft(self, draft_id: str) -> None:
        self.conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    # ---- reading

    def seen(self, content_hash: str, pipeline_version: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM documents WHERE content_hash = ? AND pipeline_version = ? "
            "AND status IN ('SUCCESS', 'PARTIAL')", (content_hash, pipeline_version)).fetchone() is not None

    def documents(self, status: str | None = None) -> list[sqlite3.Row]:
        sql = ("SELECT d.*, m.id AS meeting_id, m.title, m.meeting_date FROM documents d "
               "LEFT JOIN meetings m ON m.document_id = d.id AND m.meeting_index = 0")
        params: tuple = ()
        if status:
            sql += " WHERE d.status = ?"
            params = (status,)
        return self.conn.execute(sql + " ORDER BY m.meeting_date, d.path", params).fetchall()

    def counts(self) -> dict[str, int]:
        q = self.conn.execute
        out = {s.lower(): 0 for s in STATUSES}
        for status, n in q("SELECT status, count(*) FROM documents GROUP BY status"):
            out[status.lower()] = n
        out["documents"] = sum(out[s.lower()] for s in STATUSES)
        for table in ("meetings", "sections", "actions", "decisions", "people", "embeddings"):
            out[table] = q(f"SELECT count(*) FROM {table}").fetchone()[0]
        return out

    def meeting_json(self, meeting_id: int) -> str | None:
        r = self.conn.execute("SELECT record_json FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
        return r[0] if r else None

    def draft_rows(self, corrected_only: bool = False) -> list[sqlite3.Row]:
        where = " WHERE corrected_json IS NOT NULL" if corrected_only else ""
        return self.conn.execute(f"SELECT * FROM drafts{where} ORDER BY uploaded_at, id").fetchall()

    @staticmethod
    def _filter_sql(f: Filters) -> tuple[str, list[Any]]:
        """WHERE fragments on ``s`` (sections) and ``m`` (meetings); every one uses an index."""
        sql, params = [], []
        if f.theme:
            sql.append("s.id IN (SELECT section_id FROM section_themes WHERE label = ?)")
            params.append(f.theme)
        if f.person_keys:
            marks = ", ".join("?" for _ in f.person_keys)
            sql.append(f"s.meeting_id IN (SELECT meeting_id FROM person_names WHERE name_key IN ({marks}))")
            params.extend(f.person_keys)
        if f.since:
            sql.append("m.meeting_date >= ?")
            params.append(f.since)
        if f.until:
            sql.append("m.meeting_date <= ?")
            params.append(f.until)
        if f.doc_format:
            sql.append("m.document_id IN (SELECT id FROM documents WHERE format = ?)")
            params.append(f.doc_format)
        return "".join(" AND " + s for s in sql), params

    def text_query(self, query: Query, *, any_term: bool = False) -> str | None:
        """The backend's form of the parsed query (an FTS5 MATCH expression), or None."""
        return query.fts(any_term=any_term)

    def matching(self, match: str | None, ids: Sequence[int]) -> set[int]:
        """The sections of ``ids`` a text query matches."""
        out: set[int] = set()
        if not match:
            return out
        for chunk in _chunks(list(ids), 500):
            marks = ", ".join("?" for _ in chunk)
            out.update(r[0] for r in self.conn.execute(
                f"SELECT rowid FROM sections_fts WHERE sections_fts MATCH ? AND rowid IN ({marks})", [match, *chunk]))
        return out

    def text_ranked(self, match: str, f: Filters, k: int) -> list[sqlite3.Row]:
        """The best ``k`` sections for a MATCH expression by bm25 (heading 3, text 1, summary 1.5)."""
        where, params = self._filter_sql(f)
        if not where:
            return self.conn.execute(
                "SELECT rowid AS section_id, bm25(sections_fts, 3.0, 1.0, 1.5) AS bm25 FROM sections_fts "
                "WHERE sections_fts MATCH ? ORDER BY bm25 LIMIT ?", (match, k)).fetchall()
        return self.conn.execute(
            "SELECT s.id AS section_id, bm25(sections_fts, 3.0, 1.0, 1.5) AS bm25 "
            "FROM sections_fts JOIN sections s ON s.id = sections_fts.rowid "
            "JOIN meetings m ON m.id = s.meeting_id "
            f"WHERE sections_fts MATCH ?{where} ORDER BY bm25 LIMIT ?", [match, *params, k]).fetchall()

    def snippets(self, match: str, ids: Sequence[int], markers: tuple[str, str]) -> dict[int, str]:
        """FTS snippets, computed only for the hits shown (snippet() is the costly part of a query)."""
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        return {r[0]: r[1] for r in self.conn.execute(
            f"SELECT rowid, snippet(sections_fts, -1, ?, ?, '…', 16) FROM sections_fts "
            f"WHERE sections_fts MATCH ? AND rowid IN ({marks})", [markers[0], markers[1], match, *ids])}

    def embeddings_of(self, ids: Sequence[int]) -> list[sqlite3.Row]:
        out: list[sqlite3.Row] = []
        for chunk in _chunks(list(ids), 500):
            marks = ", ".join("?" for _ in chunk)
            out += self.conn.execute(f"SELECT section_id, dim, vector FROM embeddings WHERE section_id IN ({marks})",
                                     chunk).fetchall()
        return out

    def filtered_section_ids(self, f: Filters, limit: int | None = None) -> list[int]:
        """Sections passing the filters, newest meeting first."""
        if f.theme:  # from the label index, without touching the (wide) sections table
            rest = Filters(person_keys=f.person_keys, since=f.since, until=f.until, doc_format=f.doc_format)
            where, params = self._filter_sql(rest)
            where = where.replace("s.meeting_id", "t.meeting_id")
            params = [f.theme, *params]
            sql = ("SELECT t.section_id FROM section_themes t JOIN meetings m ON m.id = t.meeting_id "
                   f"WHERE t.label = ?{where} ORDER BY m.meeting_date DESC, t.section_id")
        else:
            where, params = self._filter_sql(f)
            sql = ("SELECT s.id FROM sections s JOIN meetings m ON m.id = s.meeting_id "
                   f"WHERE 1 = 1{where} ORDER BY m.meeting_date DESC, s.meeting_id, s.idx")
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        return [r[0] for r in self.conn.execute(sql, params)]

    def theme_ranked(self, label: str, f: Filters, k: int) -> list[sqlite3.Row]:
        """The best ``k`` sections carrying a theme label, by the label's score (unscored last), then id."""
        rest = Filters(person_keys=f.person_keys, since=f.since, until=f.until, doc_format=f.doc_format)
        where, params = self._filter_sql(rest)
        where = where.replace("s.meeting_id", "t.meeting_id")
        return self.conn.execute(
            "SELECT t.section_id, t.score FROM section_themes t JOIN meetings m ON m.id = t.meeting_id "
            f"WHERE t.label = ?{where} ORDER BY t.score IS NULL, t.score DESC, t.section_id LIMIT ?",
            [label, *params, k]).fetchall()

    def max_section_id(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM sections").fetchone()[0])

    def embeddings_after(self, after: int, dim: int, limit: int) -> list[sqlite3.Row]:
        """Up to ``limit`` embeddings of this dimension with a section id above ``after``, by section id."""
        return self.conn.execute("SELECT section_id, vector FROM embeddings WHERE section_id > ? AND dim = ? "
                                 "ORDER BY section_id LIMIT ?", (after, dim, limit)).fetchall()

    def embedding_ids(self, dim: int, upto: int) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT section_id FROM embeddings WHERE section_id <= ? AND dim = ?", (upto, dim))]

    def embedding_count(self, dim: int, upto: int) -> int:
        return int(self.conn.execute("SELECT count(*) FROM embeddings WHERE section_id <= ? AND dim = ?",
                                     (upto, dim)).fetchone()[0])

    def all_embeddings(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT section_id, dim, vector FROM embeddings ORDER BY section_id").fetchall()

    def section_details(self, ids: Sequence[int]) -> dict[int, sqlite3.Row]:
        out: dict[int, sqlite3.Row] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ", ".join("?" for _ in chunk)
            for r in self.conn.execute(
                    "SELECT s.id, s.meeting_id, s.idx, s.heading, s.text, s.summary, s.page, s.char_start, s.char_end, "
                    "m.title, m.meeting_date, d.path, "
                    "(SELECT group_concat(label, '|') FROM section_themes t WHERE t.section_id = s.id) AS labels "
                    "FROM sections s JOIN meetings m ON m.id = s.meeting_id JOIN documents d ON d.id = m.document_id "
                    f"WHERE s.id IN ({marks})", chunk):
                out[r["id"]] = r
        return out

    def alias_keys(self, key: str) -> list[str]:
        """Keys that stand for the full name ``key`` by evidence: aliases some meeting lists for a
        person named ``key`` and for no other full name."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT a.name_key FROM person_names a JOIN people p ON p.id = a.person_id "
            "WHERE p.name_key = ? AND a.kind = 'alias' AND NOT EXISTS ("
            " SELECT 1 FROM person_names b JOIN people q ON q.id = b.person_id "
            " WHERE b.name_key = a.name_key AND b.kind = 'alias' AND q.name_key != p.name_key)", (key,))]

    def actions(self, *, owner_keys: Sequence[str], open_only: bool, due_before: str | None) -> list[sqlite3.Row]:
        sql = ("SELECT a.*, m.title, m.meeting_date, d.path, cm.meeting_date AS closed_on "
               "FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN documents d ON d.id = m.document_id "
               "LEFT JOIN actions c ON c.id = a.closed_by_action_id LEFT JOIN meetings cm ON cm.id = c.meeting_id "
               "WHERE 1 = 1")
        params: list[Any] = []
        if owner_keys:
            marks = ", ".join("?" for _ in owner_keys)
            sql += (f" AND a.id IN (SELECT action_id FROM action_owners WHERE name_key IN ({marks}) OR person_id IN "
                    f"(SELECT person_id FROM person_names WHERE name_key IN ({marks}) AND person_id IS NOT NULL))")
            params += [*owner_keys, *owner_keys]
        if open_only:
            sql += " AND a.done = 0 AND a.closed_by_action_id IS NULL"
        if due_before:
            sql += " AND a.due_date IS NOT NULL AND a.due_date < ?"
            params.append(due_before)
        sql += " ORDER BY a.due_date IS NULL, a.due_date, m.meeting_date, a.id"
        return self.conn.execute(sql, params).fetchall()

    def people_rows(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT p.id, p.meeting_id, p.name, p.name_key, p.aliases, p.roles, m.meeting_date, "
            "(SELECT group_concat(role, '|') FROM attendance t WHERE t.person_id = p.id) AS attendance, "
            "(SELECT count(DISTINCT action_id) FROM action_owners o WHERE o.person_id = p.id) AS actions_owned "
            "FROM people p JOIN meetings m ON m.id = p.meeting_id ORDER BY m.meeting_date, p.id").fetchall()

    def theme_counts(self, by: str) -> list[dict[str, Any]]:
        part = {"month": "m.month", "quarter": "m.quarter", "year": "0"}[by]
        rows = self.conn.execute(
            f"SELECT m.year, {part} AS part, t.label, count(*) AS sections, count(DISTINCT t.meeting_id) AS meetings "
            "FROM section_themes t JOIN meetings m ON m.id = t.meeting_id "
            "WHERE m.year IS NOT NULL GROUP BY m.year, part, t.label").fetchall()
        fmt = {"month": "{:04d}-{:02d}", "quarter": "{:04d}-Q{}", "year": "{:04d}"}[by]
        out = [{"period": fmt.format(r[0], r[1]), "label": r[2], "sections": r[3], "meetings": r[4]} for r in rows]
        out.sort(key=lambda x: (x["period"], -x["sections"], x["label"].lower()))
        return out


    # ---- web pages (``minutebook serve``, pipeline/web): the queries behind Archive's block of the
    # same title. A PostgreSQL backend implements these too.

    _DOC_SELECT = ("SELECT d.*, m.id AS meeting_id, m.title, m.meeting_date FROM documents d "
                   "LEFT JOIN meetings m ON m.document_id = d.id AND m.meeting_index = 0")

    def meeting_list_rows(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT m.id AS meeting_id, m.document_id, m.meeting_index, m.title, m.meeting_date, d.path, d.format "
            "FROM meetings m JOIN documents d ON d.id = m.document_id ORDER BY m.id").fetchall()

    def document_row(self, document_id: int) -> sqlite3.Row | None:
        return self.conn.execute(self._DOC_SELECT + " WHERE d.id = ?", (document_id,)).fetchone()

    def meeting_document_row(self, meeting_id: int) -> sqlite3.Row | None:
        # this meeting's own row (not the file's first meeting: a file may hold several)
        return self.conn.execute("SELECT d.*, m.id AS meeting_id, m.title, m.meeting_date FROM meetings m "
                                 "JOIN documents d ON d.id = m.document_id WHERE m.id = ?", (meeting_id,)).fetchone()

    def label_counts(self) -> list[tuple[str, int]]:
        """Every theme label with its number of sections, most used first."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT label, count(*) AS n FROM section_themes GROUP BY label ORDER BY n DESC, label")]

    def format_counts(self) -> list[tuple[str, int]]:
        """Formats of the stored meetings' documents with their counts."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT d.format, count(*) AS n FROM meetings m JOIN documents d ON d.id = m.document_id "
            "WHERE d.format IS NOT NULL GROUP BY d.format ORDER BY n DESC, d.format")]

    _ACTION_STATES = {
        "open": "a.done = 0 AND a.closed_by_action_id IS NULL",
        "overdue": "a.done = 0 AND a.closed_by_action_id IS NULL AND a.due_date IS NOT NULL AND a.due_date < :today",
        "done": "(a.done = 1 OR a.closed_by_action_id IS NOT NULL)",
        "all": "1 = 1",
    }

    @staticmethod
    def _owner_sql(owner_keys: Sequence[str]) -> tuple[str, dict[str, Any]]:
        if not owner_keys:
            return "", {}
        names = {f"k{i}": k for i, k in enumerate(owner_keys)}
        marks = ", ".join(":" + n for n in names)
        return (f" AND a.id IN (SELECT action_id FROM action_owners WHERE name_key IN ({marks}) OR person_id IN "
                f"(SELECT person_id FROM person_names WHERE name_key IN ({marks}) AND person_id IS NOT NULL))"), names

    _ACTION_SELECT = ("SELECT a.*, m.title, m.meeting_date, d.path, cm.meeting_date AS closed_on "
                      "FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN documents d ON d.id = m.document_id "
                      "LEFT JOIN actions c ON c.id = a.closed_by_action_id "
                      "LEFT JOIN meetings cm ON cm.id = c.meeting_id ")

    def action_page(self, *, owner_keys: Sequence[str], state: str, today: str, limit: int,
                    offset: int) -> list[sqlite3.Row]:
        """One page of actions in ``state`` (open, overdue, done, all), same columns as ``actions``.
        Open and overdue: by due date (undated last), then id, read in the order of the
        ``actions_open`` index (no sort of the whole set); done and all: newest meeting first."""
        owner_sql, params = self._owner_sql(owner_keys)
        params = {**params, "today": today}
        where = self._ACTION_STATES[state] + owner_sql
        if state in ("done", "all"):
            return self.conn.execute(
                self._ACTION_SELECT + f"WHERE {where} ORDER BY m.meeting_date IS NULL, m.meeting_date DESC, a.id "
                "LIMIT :limit OFFSET :offset", {**params, "limit": limit, "offset": offset}).fetchall()
        rows = self.conn.execute(
            self._ACTION_SELECT + f"WHERE {where} AND a.due_date IS NOT NULL ORDER BY a.due_date, a.id "
            "LIMIT :limit OFFSET :offset", {**params, "limit": limit, "offset": offset}).fetchall()
        if len(rows) >= limit or state == "overdue":
            return rows
        dated = self.conn.execute(f"SELECT count(*) FROM actions a WHERE {where} AND a.due_date IS NOT NULL",
                                  params).fetchone()[0]
        return rows + self.conn.execute(
            self._ACTION_SELECT + f"WHERE {where} AND a.due_date IS NULL ORDER BY a.id LIMIT :limit OFFSET :offset",
            {**params, "limit": limit - len(rows), "offset": max(0, offset - dated)}).fetchall()

    def change_marker(self) -> tuple:
        """Changes whenever a document is written or replaced (every write inserts a documents row)."""
        r = self.conn.execute("SELECT count(*), max(id), max(tagged_at) FROM documents").fetchone()
        return tuple(r)

    def action_state_counts(self, *, owner_keys: Sequence[str], today: str) -> dict[str, int]:
        owner_sql, params = self._owner_sql(owner_keys)
        st = self._ACTION_STATES
        r = self.conn.execute(
            f"SELECT count(*), coalesce(sum({st['open']}), 0), coalesce(sum({st['overdue']}), 0), "
            f"coalesce(sum({st['done']}), 0) FROM actions a WHERE 1 = 1{owner_sql}", {**params, "today": today}).fetchone()
        return {"all": r[0], "open": r[1], "overdue": r[2], "done": r[3]}

    def person_index_rows(self, key_part: str | None, limit: int) -> list[sqlite3.Row]:
        """Distinct person keys (optionally containing ``key_part``) with a display name and their
        number of meetings, most meetings first."""
        where, params = "", []
        if key_part:
            where = " WHERE name_key LIKE ? ESCAPE '\\'"
            esc = key_part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{esc}%")
        return self.conn.execute(
            f"SELECT name_key, max(name) AS name, count(DISTINCT meeting_id) AS meetings FROM people{where} "
            "GROUP BY name_key ORDER BY meetings DESC, name_key LIMIT ?", [*params, limit]).fetchall()

    def full_name_keys_for_alias(self, key: str) -> list[str]:
        """Full-name keys of the people some meeting lists ``key`` as an alias for."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT p.name_key FROM person_names a JOIN people p ON p.id = a.person_id "
            "WHERE a.name_key = ? AND a.kind = 'alias' AND p.name_key != ?", (key, key))]

    def person_page_key_rows(self) -> list[sqlite3.Row]:
        """The keys ``Archive.has_person`` is true for: every person's key, and aliases given for
        exactly one full name."""
        return self.conn.execute(
            "SELECT DISTINCT name_key FROM people UNION SELECT a.name_key FROM person_names a "
            "JOIN people p ON p.id = a.person_id WHERE a.kind = 'alias' GROUP BY a.name_key "
            "HAVING count(DISTINCT p.name_key) = 1").fetchall()

    def has_person_key(self, key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM people WHERE name_key = ? LIMIT 1", (key,)).fetchone() is not None

    def people_rows_for(self, keys: Sequence[str]) -> list[sqlite3.Row]:
        """``people_rows`` restricted to entries with one of ``keys``, with each meeting's title."""
        marks = ", ".join("?" for _ in keys)
        return self.conn.execute(
            "SELECT p.id, p.meeting_id, p.name, p.name_key, p.aliases, p.roles, m.meeting_date, m.title, "
            "(SELECT group_concat(role, '|') FROM attendance t WHERE t.person_id = p.id) AS attendance, "
            "(SELECT count(DISTINCT action_id) FROM action_owners o WHERE o.person_id = p.id) AS actions_owned "
            f"FROM people p JOIN meetings m ON m.id = p.meeting_id WHERE p.name_key IN ({marks}) "
            "ORDER BY m.meeting_date, p.id", list(keys)).fetchall()
