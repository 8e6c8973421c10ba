"""The archive in PostgreSQL: ``Archive.open("postgresql://user@host/dbname")`` (psycopg 3).

``PostgresBackend`` has the method surface of ``store.SQLiteBackend``; all business logic (rank
fusion, people merging, action closing, vector similarity) stays in ``store.Archive``, so both
backends give the same answers. One archive is one schema: the connection's ``search_path``
(default ``public``; pass ``?options=-csearch_path%3Dname`` in the URL to keep several archives in
one database).

Schema
------
The same tables, columns, indexes, views and migration names as SQLite (``pipeline.archive.schema.MIGRATIONS``;
each built-in step is a ``PerBackend`` whose PostgreSQL DDL is in ``PG_DDL`` below). Differences:

* ids are ``bigint`` identity columns; flags stay ``integer`` (0/1) and dates ISO ``text``, as in SQLite.
* ``0002_fts``: instead of FTS5 tables, ``sections.tsv`` / ``actions.tsv`` / ``decisions.tsv`` are
  ``tsvector`` columns GENERATED from the text (kept in sync by PostgreSQL itself) with GIN indexes.
  Text search configuration ``minutebook``: the Snowball English stemmer *without* a stop-word list
  (FTS5's porter tokenizer has none either, so 'the' or 'will' are searchable on both), and
  ``minutebook_fold()`` strips the diacritics of texts holding accented Latin letters before parsing
  (FTS5's ``remove_diacritics 2``; ASCII texts skip it at the cost of one regex test); no extension
  (unaccent) is needed, so a managed database works too. The database must be UTF8 (``normalize``).
* ``section_themes.label`` matches case-insensitively through ``lower(label)`` (SQLite: COLLATE NOCASE).
* ``embeddings.vector`` is ``bytea`` holding the same little-endian float32 bytes as the SQLite BLOB.
* ``archive_state.version`` is bumped by every write transaction: the ``data_version`` the archive's
  cached vector matrix is checked against (SQLite: ``PRAGMA data_version``).

Ranking
-------
The same bm25 as FTS5 (k1 1.2, b 0.75, heading 3, text 1, summary 1.5, idf
``ln((N - df + 0.5) / (df + 0.5))`` floored at 1e-6, document length = tokens in all three fields
over their mean), computed in Python from the tsvectors of the candidates: PostgreSQL finds the
matching sections through the GIN index and orders them by ``ts_rank`` (same field weights scaled
to 1, 0.5, 1/3); the best max(4 k, ``RERANK_MIN``) of those are re-ranked by bm25. Exact, and equal
to SQLite's order, whenever fewer sections match than that; beyond it, a section bm25 would rank in
the top k but ``ts_rank`` puts below the cut is missed (both favour the same things, so this is rare).
Document frequencies (one GIN count per term of a multi-word query) and the corpus size and mean
length (``sections.ntokens``, a generated column counting alphanumeric runs as FTS5's unicode61
tokenizer does) are cached until the archive changes. For a one-word query idf is left out (it
scales every score alike), so ``Hit.bm25`` is then the bm25 divided by that word's idf.
Inherent differences left: Snowball English ('porter2') vs FTS5's porter stemmer (rare words stem
differently: 'generated' matches 'general' only in FTS5, 'PAYE' matches 'paying' only here);
PostgreSQL's parser keeps URLs, e-mail addresses, host and file names ('RELEASING.md') as single
tokens, so the words inside them are not searchable here, while FTS5's unicode61 splits them into
words; tsvector keeps at most 256 positions per word per section; and a multi-word phrase token
('co-production') counts the occurrences of its rarest word, not of the whole phrase.
``bench/bench_backends.py`` counts the queries whose top 10 differ (README, PostgreSQL).

Snippets: ``ts_headline`` with the same ``[`` ``]`` markers, at most 16 words, of the field FTS5's
``snippet()`` picks (most distinct terms, then most hits; ties go to the heading, then the text);
a snippet cut from a longer text starts/ends with '…' as FTS5's does.

Concurrency
-----------
Every write transaction takes a transaction-level advisory lock (one per archive schema) first, so
writers are serialised exactly as SQLite's ``BEGIN IMMEDIATE`` serialises them: the delete-then-insert
of a ``content_hash`` and the action-linking step (which reads other meetings' actions) always see
every committed document, so several ``tag`` runs on one archive never lose, duplicate or half-link a
document. ``documents.content_hash`` stays UNIQUE as the last guard. Readers are never blocked
(MVCC). Migrations take a session advisory lock, so two processes opening a fresh archive at once
apply each migration once.

Errors: a refused connection, failed authentication, a missing database or a lost connection is an
``ArchiveError`` (MB013) with one line naming the URL *without its password*.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from pipeline.archive.backend import relocated
from pipeline.archive.query import PG_OPS, Query, Term
from pipeline.archive.schema import PG_DDL, Migration, PerBackend, pending_migrations, pg_statements, upsert_sql
from pipeline.archive.text import fold, fts_terms
from pipeline.archive.text import now_utc as _now
from pipeline.archive.types import STATUSES, Filters, TaggedDocument
from pipeline.archive.url import redact
from pipeline.core.errors import ArchiveError, ArchiveUnavailable

# ------------------------------------------------------------------------------------------- DDL


# ------------------------------------------------------------------------------------------ match


@dataclass(frozen=True)
class PgMatch:
    """A parsed text query (``query.Query``) as a tsquery: with ``any_term`` any wanted term (or any of ``optional``)
    plus the required phrases, else every group; the excluded terms left out. A word or phrase is a
    ``phraseto_tsquery`` (as an FTS5 string is a phrase), a prefix a ``to_tsquery`` of ``'word':*``."""

    query: Query
    any_term: bool
    optional: tuple[Term, ...] | None = None

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.query.terms if self.optional is None else self.optional

    def tsquery(self) -> tuple[str, list[str]]:
        params: list[str] = []

        def term(t: Term) -> str:
            sql, ps = term_tsquery(t)
            params.extend(ps)
            return sql

        expr = self.query.expression(term, PG_OPS, any_term=self.any_term, optional=self.optional)
        return "(" + (expr or "''::tsquery") + ")", params

    def from_item(self) -> tuple[str, list[str]]:
        """``(SELECT <tsquery> AS q) qq``, for a FROM list (refer to it as ``qq.q``)."""
        q, params = self.tsquery()
        return f"(SELECT {q} AS q) qq", params


def term_tsquery(t: Term) -> tuple[str, list[str]]:
    """One term as a tsquery and its parameters. A prefix that the stemmer drops (a stop word: ``an*``) is taken as it
    is written, as FTS5 takes it."""
    if not t.prefix:
        return "phraseto_tsquery('minutebook'::regconfig, minutebook_fold(%s))", [t.text]
    quoted = "'" + t.text + "':*"  # letters and digits only (``Term.prefix``): nothing to escape
    one = "to_tsquery('{0}'::regconfig, minutebook_fold(%s))"
    return (f"(CASE WHEN numnode({one.format('minutebook')}) > 0 THEN {one.format('minutebook')} "
            f"ELSE {one.format('simple')} END)", [quoted] * 3)


def words_match(words: Sequence[str]) -> PgMatch:
    """Any of these words (each a phrase, as ``fts_terms`` keeps them)."""
    return PgMatch(Query(groups=tuple((Term(_unquote(t)),) for t in fts_terms(" ".join(words)))), any_term=True)


def _unquote(term: str) -> str:
    return term[1:-1].replace('""', '"')


WEIGHTS = "{0.3333,0,0.5,1}"  # D text, C unused, B summary, A heading: bm25's 1 : 1.5 : 3
SNIPPET_OPTIONS = "MaxWords=16, MinWords=6, ShortWord=0, HighlightAll=false, MaxFragments=1, FragmentDelimiter=' … '"
NORMALIZATION = 1  # ts_rank: divide by 1 + log(length)
BM25_K1, BM25_B = 1.2, 0.75  # FTS5's constants
BM25_FIELD_WEIGHTS = {"A": 3.0, "D": 1.0, "B": 1.5}  # heading, text, summary (SQLiteBackend.text_ranked)
RERANK_MIN = 400  # sections re-ranked by exact bm25: the best max(4 k, RERANK_MIN) by ts_rank


# ---------------------------------------------------------------------------------------- backend


class PostgresBackend:
    """All SQL of a PostgreSQL archive: the methods of ``store.SQLiteBackend``."""

    name = "postgresql"

    def __init__(self, url: str, conn: Any, *, readonly: bool):
        import psycopg

        self.Error = psycopg.Error
        self.Unavailable = psycopg.OperationalError  # lost connection, disk full (class 53), shutdown
        self.url = url
        self.path = redact(url)  # what messages show
        self.conn = conn
        self.readonly = readonly
        self._stats: tuple[int, int, float] | None = None
        self._df: dict[Term, int] = {}
        self._common: dict[str, float] = {}
        self._ids: dict[str, list[int]] = {}  # ids drawn from each table's sequence and not used yet

    # ---- connection and migrations

    @classmethod
    def connect(cls, url: str, *, readonly: bool = False) -> "PostgresBackend":
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError as e:  # pragma: no cover - psycopg is a dependency
            raise ArchiveError(redact(url), "PostgreSQL support needs psycopg 3",
                               "pip install 'minutebook[postgres]' (psycopg[binary])") from e
        try:
            conn = psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10,
                                   application_name="minutebook")
        except psycopg.Error as e:
            raise _connect_error(url, e) from None
        except Exception as e:  # a malformed URL (ProgrammingError is a psycopg.Error; ValueError is not)
            raise ArchiveError(redact(url), f"cannot use this database URL ({_scrub(str(e), url)})",
                               "write it as postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME") from None
        try:
            # short queries: JIT compilation (on by default, above a cost the big scans reach) costs more than it saves
            conn.execute("SET jit = off")
            # the archive's pages are cached or on SSD: let the planner use the GIN index (bitmap scans)
            # for words in up to ~30% of sections instead of scanning the wide sections table
            conn.execute("SET random_page_cost = 1.1")
            if readonly:
                conn.execute("SET default_transaction_read_only = on")
        except psycopg.Error as e:
            conn.close()
            raise _connect_error(url, e) from None
        return cls(url, conn, readonly=readonly)

    def close(self) -> None:
        self.conn.close()

    def _x(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> Any:
        """Execute; a lost connection becomes an ArchiveError."""
        import psycopg

        try:
            return self.conn.execute(sql, params)
        except psycopg.OperationalError as e:
            raise ArchiveUnavailable(self.path, f"the database connection failed ({_first_line(e, self.url)})",
                                     "check that the PostgreSQL server is running and reachable, then run "
                                     "the same command again") from None

    def applied_migrations(self) -> list[str]:
        if self._x("SELECT to_regclass('migrations') AS t").fetchone()["t"] is None:
            return []
        return [r["name"] for r in self._x("SELECT name FROM migrations ORDER BY seq")]

    def migrate(self, migrations: Sequence[tuple[str, Migration]]) -> list[str]:
        todo = pending_migrations(self.path, migrations, self.applied_migrations(), readonly=self.readonly,
                                  empty_hint="tag some minutes into it first (minutebook tag ... --db URL), "
                                             "or pass the right --db")
        if not todo:
            return []
        import psycopg

        applied = []
        self._x("SELECT pg_advisory_lock(hashtext('minutebook-migrate:' || current_schema()))")
        try:
            self._x("CREATE TABLE IF NOT EXISTS migrations (seq bigint GENERATED ALWAYS AS IDENTITY, "
                    "name text PRIMARY KEY, applied_at text NOT NULL)")
            for name, step in todo:
                try:
                    with self.conn.transaction():
                        if self.conn.execute("SELECT 1 FROM migrations WHERE name = %s", (name,)).fetchone():
                            continue  # another process applied it meanwhile
                        if isinstance(step, PerBackend):
                            step = step.postgresql if step.postgresql is not None else PG_DDL[name]
                        if callable(step):
                            step(self.conn)
                        elif isinstance(step, str):
                            for stmt in pg_statements(step):
                                self.conn.execute(stmt)
                        self.conn.execute("INSERT INTO migrations (name, applied_at) VALUES (%s, %s)", (name, _now()))
                except psycopg.Error as e:
                    raise ArchiveError(self.path, f"migration {name} failed ({_first_line(e, self.url)})",
                                       "the archive is unchanged; report this with the archive's minutebook version") from e
                applied.append(name)
        finally:
            if not self.conn.closed:
                self._x("SELECT pg_advisory_unlock(hashtext('minutebook-migrate:' || current_schema()))")
        return applied

    def check_schema(self) -> None:
        if "0001_schema" not in self.applied_migrations():
            raise ArchiveError(self.path, "there is no minutebook archive in this database (no schema)",
                               "tag some minutes into it first (minutebook tag ... --db URL), or pass the right --db")

    def begin(self) -> None:
        """Start a write transaction and wait for the archive's writer lock (one writer at a time)."""
        self._x("BEGIN")
        self._x("SELECT pg_advisory_xact_lock(hashtext('minutebook-write:' || current_schema()))")

    def commit(self) -> None:
        self._x("UPDATE archive_state SET version = version + 1 WHERE id = 1")
        self._x("COMMIT")

    def rollback(self) -> None:
        from psycopg.pq import TransactionStatus

        if not self.conn.closed and self.conn.info.transaction_status != TransactionStatus.IDLE:
            try:
                self.conn.execute("ROLLBACK")
            except self.Error:  # a lost connection: the server rolls back on its own
                pass

    def data_version(self) -> int:
        return int(self._x("SELECT version FROM archive_state WHERE id = 1").fetchone()["version"])

    def archive_version(self) -> int:
        """Bumped by every committed write transaction (``archive_state``)."""
        return self.data_version()

    def archive_id(self) -> str:
        """Drawn at random when the archive was made (migration 0006)."""
        return str(self._x("SELECT archive_id FROM archive_state WHERE id = 1").fetchone()["archive_id"] or "")

    # ---- writing (inside a transaction)

    def existing_status(self, content_hash: str) -> str | None:
        r = self._x("SELECT status FROM documents WHERE content_hash = %s", (content_hash,)).fetchone()
        return r["status"] if r else None

    def document_id(self, content_hash: str) -> int | None:
        r = self._x("SELECT id FROM documents WHERE content_hash = %s", (content_hash,)).fetchone()
        return int(r["id"]) if r else None

    def delete_document(self, content_hash: str, path: str) -> list[int]:
        """Remove the rows for this content and for an older content of the same path; the sections removed."""
        return [r["id"] for r in self._x(
            "WITH d AS (DELETE FROM documents WHERE content_hash = %s OR path = %s RETURNING id) "
            "SELECT s.id FROM d JOIN meetings m ON m.document_id = d.id JOIN sections s ON s.meeting_id = m.id",
            (content_hash, path))]

    def next_ids(self, table: str, n: int) -> list[int]:
        """``n`` ids from ``table``'s identity sequence, drawn in blocks (a sequence never hands a value out twice,
        so ids left over after a rollback are simply never used)."""
        pool = self._ids.setdefault(table, [])
        if len(pool) < n:
            pool += [r["id"] for r in self._x(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id FROM generate_series(1, %s) ORDER BY 1",
                (table, max(n - len(pool), 1024)))]
        out, self._ids[table] = pool[:n], pool[n:]
        return out

    def move_document(self, content_hash: str, path: str) -> None:
        self._x("DELETE FROM documents WHERE path = %s AND content_hash <> %s", (path, content_hash))
        doc = self._x("SELECT id, path FROM documents WHERE content_hash = %s", (content_hash,)).fetchone()
        if doc is None:
            return
        self._x("UPDATE documents SET path = %s WHERE id = %s", (path, doc["id"]))
        for r in self._x("SELECT id, record_json FROM meetings WHERE document_id = %s", (doc["id"],)).fetchall():
            self._x("UPDATE meetings SET record_json = %s WHERE id = %s",
                    (relocated(r["record_json"], doc["path"], path), r["id"]))

    def delete_documents(self, ids: Sequence[int]) -> None:
        self._x("DELETE FROM documents WHERE id = ANY(%s)", ([int(i) for i in ids],))

    def insert_document(self, r: TaggedDocument, *, pages: int | None, models: dict[str, str]) -> int:
        return int(self._x(
            "INSERT INTO documents (path, content_hash, format, status, error, pages, pipeline_version, models, "
            "tagged_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (r.path, r.content_hash, r.format, r.status, r.error, pages, r.pipeline_version,
             json.dumps(models, sort_keys=True), _now())).fetchone()["id"])

    def insert_row(self, table: str, row: dict[str, Any]) -> int:
        cols = ", ".join(row)
        marks = ", ".join("%s" for _ in row)
        return int(self._x(f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING id",
                           tuple(row.values())).fetchone()["id"])

    def insert_rows(self, table: str, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows in order and return their ids: the ids are drawn from the table's identity
        sequence in one statement and the rows copied with them (two round trips for any number)."""
        if not rows:
            return []
        ids = [r["id"] for r in self._x(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id FROM generate_series(1, %s) ORDER BY 1",
            (table, len(rows)))]
        self.insert_many(table, [{"id": i, **r} for i, r in zip(ids, rows)])
        return ids

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        cols = list(rows[0])
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
            for r in rows:
                cp.write_row([r[c] for c in cols])

    def series_actions(self, keys: Sequence[str]) -> list[dict]:
        """The actions of the dated meetings of these series (the linking pass)."""
        return self._x(
            "SELECT a.id, a.task, a.done, a.status, a.closed_by_action_id, m.id AS meeting_id, m.meeting_date, m.series_key "
            "FROM meetings m JOIN actions a ON a.meeting_id = m.id "
            "WHERE m.series_key = ANY(%s) AND m.meeting_date IS NOT NULL", (list(keys),)).fetchall()

    def carried_actions(self, key: str, before: str, limit: int) -> list[Any]:
        return self._x(
            "SELECT a.id, a.task, a.status, m.id AS meeting_id, m.meeting_date, cm.id AS closed_meeting_id, cm.meeting_date AS closed_on "
            "FROM meetings m JOIN actions a ON a.meeting_id = m.id "
            "LEFT JOIN actions c ON c.id = a.closed_by_action_id LEFT JOIN meetings cm ON cm.id = c.meeting_id "
            "WHERE m.series_key = %s AND m.meeting_date < %s AND a.done = 0 AND (cm.meeting_date IS NULL OR cm.meeting_date >= %s) "
            "ORDER BY m.meeting_date DESC, a.id DESC LIMIT %s", (key, before, before, limit)).fetchall()

    def set_closed_by(self, pairs: Sequence[tuple[int, int]]) -> None:
        if pairs:
            with self.conn.cursor() as cur:
                cur.executemany("UPDATE actions SET closed_by_action_id = %s WHERE id = %s", [(c, a) for a, c in pairs])

    def put_draft(self, row: dict[str, Any]) -> None:
        self._x(upsert_sql("drafts", list(row), "id", "%s"), tuple(row.values()))

    def delete_draft(self, draft_id: str) -> None:
        self._x("DELETE FROM drafts WHERE id = %s", (draft_id,))

    # ---- reading

    def seen(self, content_hash: str, pipeline_version: str) -> bool:
        return self._x(
            "SELECT 1 FROM documents WHERE content_hash = %s AND pipeline_version = %s "
            "AND status IN ('SUCCESS', 'PARTIAL')", (content_hash, pipeline_version)).fetchone() is not None

    def documents(self, status: str | None = None) -> list[dict]:
        sql = ("SELECT d.id, d.path, d.content_hash, d.format, d.status, d.error, d.pages, d.pipeline_version, "
               "d.models, d.tagged_at, m.id AS meeting_id, m.title, m.meeting_date FROM documents d "
               "LEFT JOIN meetings m ON m.document_id = d.id AND m.meeting_index = 0")
        params: tuple = ()
        if status:
            sql += " WHERE d.status = %s"
            params = (status,)
        return self._x(sql + ' ORDER BY m.meeting_date COLLATE "C" NULLS FIRST, d.path COLLATE "C"', params).fetchall()

    def counts(self) -> dict[str, int]:
        out = {s.lower(): 0 for s in STATUSES}
        for r in self._x("SELECT status, count(*) AS n FROM documents GROUP BY status"):
            out[r["status"].lower()] = int(r["n"])
        out["documents"] = sum(out[s.lower()] for s in STATUSES)
        for table in ("meetings", "sections", "actions", "decisions", "people", "embeddings"):
            out[table] = int(self._x(f"SELECT count(*) AS n FROM {table}").fetchone()["n"])
        return out

    def meeting_json(self, meeting_id: int) -> str | None:
        r = self._x("SELECT record_json FROM meetings WHERE id = %s", (meeting_id,)).fetchone()
        return r["record_json"] if r else None

    def draft_rows(self, corrected_only: bool = False) -> list[dict]:
        where = " WHERE corrected_json IS NOT NULL" if corrected_only else ""
        return list(self._x(f"SELECT * FROM drafts{where} ORDER BY uploaded_at, id"))

    @staticmethod
    def _filter_sql(f: Filters) -> tuple[str, list[Any]]:
        sql: list[str] = []
        params: list[Any] = []
        if f.theme:
            sql.append("s.id IN (SELECT section_id FROM section_themes WHERE lower(label) = lower(%s))")
            params.append(f.theme)
        if f.person_keys:
            sql.append("s.meeting_id IN (SELECT meeting_id FROM person_names WHERE name_key = ANY(%s))")
            params.append(list(f.person_keys))
        if f.since:
            sql.append("m.meeting_date >= %s")
            params.append(f.since)
        if f.until:
            sql.append("m.meeting_date <= %s")
            params.append(f.until)
        if f.doc_format:
            sql.append("m.document_id IN (SELECT id FROM documents WHERE format = %s)")
            params.append(f.doc_format)
        return "".join(" AND " + s for s in sql), params

    def text_query(self, query: Query, *, any_term: bool = False) -> PgMatch | None:
        return PgMatch(query, any_term) if query.groups else None

    def matching(self, match: PgMatch | None, ids: Sequence[int]) -> set[int]:
        if match is None or not ids:
            return set()
        q, params = match.from_item()
        return {r["id"] for r in self._x(f"SELECT s.id FROM sections s CROSS JOIN {q} WHERE s.id = ANY(%s) AND s.tsv @@ qq.q",
                                         [*params, list(ids)])}

    def _corpus_stats(self) -> tuple[int, float]:
        """(sections, mean tokens per section), cached until the archive changes."""
        version = self.data_version()
        if self._stats is None or self._stats[0] != version:
            r = self._x("SELECT count(*) AS n, coalesce(sum(ntokens), 0) AS t FROM sections").fetchone()
            n = int(r["n"])
            self._stats = (version, n, float(r["t"]) / n if n else 1.0)
            self._df = {}
            st = self._x("SELECT most_common_elems::text::text[] AS e, most_common_elem_freqs AS f FROM pg_stats "
                         "WHERE schemaname = current_schema() AND tablename = 'sections' AND attname = 'tsv'"
                         ).fetchone()
            self._common = dict(zip(st["e"] or [], st["f"] or [])) if st else {}
        return self._stats[1], self._stats[2]

    def _doc_freq(self, term: Term, lexemes: Sequence[str], n: int) -> int:
        """Sections containing ``term`` (a phrase, a prefix), cached like the stats. bm25's idf is floored
        (1e-6) once a term is in half the sections, so counting stops there, and a word the
        planner's statistics (ANALYZE) put in over 60% of sections is not counted at all."""
        if term not in self._df:
            if any(self._common.get(x, 0.0) > 0.6 for x in lexemes) and len(lexemes) == 1 and not term.prefix:
                self._df[term] = n
            else:
                sql, params = term_tsquery(term)
                self._df[term] = int(self._x(f"SELECT count(*) AS n FROM (SELECT 1 FROM sections WHERE tsv @@ {sql} "
                                             "LIMIT %s) x", [*params, n // 2 + 1]).fetchone()["n"])
        return self._df[term]

    def _lexemes(self, terms: Sequence[Term]) -> dict[Term, list[str]]:
        """Each term's lexemes as the index stores them (a prefix: its stem, or its letters for a stop word)."""
        texts = sorted({t.text for t in terms})
        got = {r["t"]: list(r["l"] or []) for r in self._x(
            "SELECT t, tsvector_to_array(to_tsvector('minutebook'::regconfig, minutebook_fold(t))) AS l "
            "FROM unnest(%s::text[]) t", (texts,))}
        return {t: (got.get(t.text, [])[:1] or [fold(t.text.lower())]) if t.prefix else got.get(t.text, [])
                for t in terms}

    @staticmethod
    def _wanted(lex: dict[Term, list[str]]) -> tuple[list[str], list[str]]:
        """The lexemes to read from the tsvectors: exact ones, and LIKE patterns for the prefixes."""
        return (sorted({x for t, ls in lex.items() if not t.prefix for x in ls}),
                sorted({ls[0] + "%" for t, ls in lex.items() if t.prefix and ls}))

    @staticmethod
    def _tf(t: Term, lexemes: Sequence[str], c: Mapping[str, float]) -> float:
        """A term's frequency in a section's counts ``c``: a phrase its rarest word's, a prefix its words' sum."""
        if t.prefix:
            return sum(v for x, v in c.items() if lexemes and x.startswith(lexemes[0]))
        return min((c.get(x, 0.0) for x in lexemes or [""]), default=0.0)

    def text_ranked(self, match: PgMatch, f: Filters, k: int) -> list[dict]:
        """The best ``k`` sections for a text query by FTS5's bm25 (see the module doc): the best
        max(4 k, RERANK_MIN) matches by ``ts_rank`` are re-ranked by bm25 computed from their
        tsvectors (exact whenever fewer sections match). ``bm25`` is the (negative) bm25 score."""
        where, fparams = self._filter_sql(f)
        join = " JOIN meetings m ON m.id = s.meeting_id" if where else ""
        n, avgdl = self._corpus_stats()
        lex = self._lexemes(match.terms)
        idf = {}
        for t in match.terms:
            df = self._doc_freq(t, lex.get(t) or [], n) if len(match.terms) > 1 else 1
            x = math.log((n - df + 0.5) / (df + 0.5)) if n else 0.0
            idf[t] = x if x > 0 else 1e-6
        wanted, patterns = self._wanted(lex)
        # any-word queries: words in half the sections or more add ~nothing to bm25 (idf floored),
        # so the candidates come from the other words when they give enough of them
        strong = tuple(t for t in match.terms if idf[t] > 1e-6)
        tries = [match]
        if match.any_term and strong and len(strong) < len(match.terms):
            tries.insert(0, PgMatch(match.query, any_term=True, optional=strong))
        limit = max(4 * k, RERANK_MIN)
        for m in tries:
            q, params = m.from_item()
            rows = self._x(
                f"WITH c AS (SELECT s.id, s.tsv, s.ntokens, ts_rank('{WEIGHTS}', s.tsv, qq.q, {NORMALIZATION}) AS rank "
                f"FROM sections s{join} CROSS JOIN {q} WHERE s.tsv @@ qq.q{where} ORDER BY rank DESC, s.id LIMIT %s) "
                "SELECT c.id, c.ntokens, c.rank, u.lexeme, u.weights FROM c LEFT JOIN LATERAL unnest(c.tsv) u "
                "ON u.lexeme = ANY(%s) OR u.lexeme LIKE ANY(%s) ORDER BY c.rank DESC, c.id",
                [*params, *fparams, limit, wanted, patterns]).fetchall()
            if len({r["id"] for r in rows}) >= k:
                break
        counts: dict[int, dict[str, float]] = {}
        length: dict[int, int] = {}
        for r in rows:
            sid = r["id"]
            length[sid] = r["ntokens"] or 0
            c = counts.setdefault(sid, {})
            if r["lexeme"] is not None:
                c[r["lexeme"]] = sum(BM25_FIELD_WEIGHTS.get(w, 1.0) for w in r["weights"] or [])
        scores = {}
        for sid, c in counts.items():
            norm = BM25_K1 * (1 - BM25_B + BM25_B * length[sid] / (avgdl or 1.0))
            score = 0.0
            for t in match.terms:
                tf = self._tf(t, lex.get(t) or [], c)
                if tf:
                    score += idf[t] * tf * (BM25_K1 + 1) / (tf + norm)
            scores[sid] = score
        best = sorted(scores, key=lambda sid: (-scores[sid], sid))[:k]
        return [{"section_id": sid, "bm25": -round(scores[sid], 9)} for sid in best]

    def snippets(self, match: PgMatch, ids: Sequence[int], markers: tuple[str, str]) -> dict[int, str]:
        """``ts_headline`` of the field FTS5's ``snippet(..., -1, ...)`` would pick: the one matching
        most distinct terms (then most hits; ties: heading, text, summary)."""
        if not ids:
            return {}
        lex = self._lexemes(match.terms)
        wanted, patterns = self._wanted(lex)
        hits: dict[int, dict[str, dict[str, int]]] = {}
        fields: dict[int, dict[str, str]] = {}
        for r in self._x("SELECT s.id, s.heading, s.text, s.summary, u.lexeme, u.weights FROM sections s "
                         "LEFT JOIN LATERAL unnest(s.tsv) u ON u.lexeme = ANY(%s) OR u.lexeme LIKE ANY(%s) "
                         "WHERE s.id = ANY(%s)", (wanted, patterns, list(ids))):
            fields[r["id"]] = {"A": r["heading"] or "", "D": r["text"] or "", "B": r["summary"] or ""}
            per = hits.setdefault(r["id"], {})
            for w in r["weights"] or []:
                per.setdefault(w, {})
                per[w][r["lexeme"]] = per[w].get(r["lexeme"], 0) + 1
        chosen: list[tuple[int, str]] = []
        for sid, fs in fields.items():
            def score(w: str) -> tuple[int, int]:
                found = hits.get(sid, {}).get(w, {})
                distinct = sum(1 for t in match.terms if lex.get(t) and (
                    self._tf(t, lex[t], found) if t.prefix else all(x in found for x in lex[t])))
                return distinct, sum(found.values())
            best = max(("A", "D", "B"), key=lambda w: (score(w), -"ADB".index(w)))
            chosen.append((sid, fs[best]))
        anyq, params = PgMatch(Query(groups=(match.terms,)), any_term=True).from_item()
        opts = f"StartSel={markers[0]}, StopSel={markers[1]}, {SNIPPET_OPTIONS}"
        rows = self._x(
            f"SELECT x.i, ts_headline('minutebook'::regconfig, minutebook_fold(x.src), qq.q, %s) AS h "
            f"FROM unnest(%s::text[]) WITH ORDINALITY x(src, i) CROSS JOIN {anyq}",
            [opts, [_untag(src) for _, src in chosen], *params]).fetchall()
        return {chosen[r["i"] - 1][0]: _unfold(r["h"] or "", chosen[r["i"] - 1][1], markers) for r in rows}

    def embeddings_of(self, ids: Sequence[int]) -> list[dict]:
        return self._x("SELECT section_id, dim, vector FROM embeddings WHERE section_id = ANY(%s)",
                       (list(ids),)).fetchall()

    def filtered_section_ids(self, f: Filters, limit: int | None = None) -> list[int]:
        if f.theme:
            rest = Filters(person_keys=f.person_keys, since=f.since, until=f.until, doc_format=f.doc_format)
            where, params = self._filter_sql(rest)
            where = where.replace("s.meeting_id", "t.meeting_id")
            params = [f.theme, *params]
            sql = ("SELECT t.section_id AS id FROM section_themes t JOIN meetings m ON m.id = t.meeting_id "
                   f"WHERE lower(t.label) = lower(%s){where} "
                   'ORDER BY m.meeting_date COLLATE "C" DESC NULLS LAST, t.section_id')
        else:
            where, params = self._filter_sql(f)
            sql = ("SELECT s.id FROM sections s JOIN meetings m ON m.id = s.meeting_id "
                   f'WHERE true{where} ORDER BY m.meeting_date COLLATE "C" DESC NULLS LAST, s.meeting_id, s.idx')
        if limit:
            sql += " LIMIT %s"
            params.append(limit)
        return [r["id"] for r in self._x(sql, params)]

    def theme_ranked(self, label: str, f: Filters, k: int) -> list[dict]:
        rest = Filters(person_keys=f.person_keys, since=f.since, until=f.until, doc_format=f.doc_format)
        where, params = self._filter_sql(rest)
        where = where.replace("s.meeting_id", "t.meeting_id")
        return self._x(
            "SELECT t.section_id, t.score FROM section_themes t JOIN meetings m ON m.id = t.meeting_id "
            f"WHERE lower(t.label) = lower(%s){where} ORDER BY t.score DESC NULLS LAST, t.section_id LIMIT %s",
            [label, *params, k]).fetchall()

    def max_section_id(self) -> int:
        return int(self._x("SELECT coalesce(max(id), 0) AS n FROM sections").fetchone()["n"])

    def embeddings_after(self, after: int, dim: int, limit: int) -> list[dict]:
        return self._x("SELECT section_id, vector FROM embeddings WHERE section_id > %s AND dim = %s "
                       "ORDER BY section_id LIMIT %s", (after, dim, limit)).fetchall()

    def embedding_ids(self, dim: int, upto: int) -> list[int]:
        return [r["section_id"] for r in self._x(
            "SELECT section_id FROM embeddings WHERE section_id <= %s AND dim = %s", (upto, dim))]

    def embedding_count(self, dim: int, upto: int) -> int:
        return int(self._x("SELECT count(*) AS n FROM embeddings WHERE section_id <= %s AND dim = %s",
                           (upto, dim)).fetchone()["n"])

    def all_embeddings(self) -> list[dict]:
        return self._x("SELECT section_id, dim, vector FROM embeddings ORDER BY section_id").fetchall()

    def section_details(self, ids: Sequence[int]) -> dict[int, dict]:
        out = {}
        for r in self._x(
                "SELECT s.id, s.meeting_id, s.idx, s.heading, s.text, s.summary, s.page, s.char_start, s.char_end, "
                "m.title, m.meeting_date, d.path, "
                "(SELECT string_agg(label, '|' ORDER BY lower(label)) FROM section_themes t "
                " WHERE t.section_id = s.id) AS labels "
                "FROM sections s JOIN meetings m ON m.id = s.meeting_id JOIN documents d ON d.id = m.document_id "
                "WHERE s.id = ANY(%s)", (list(ids),)):
            out[r["id"]] = r
        return out

    def alias_keys(self, key: str) -> list[str]:
        return [r["name_key"] for r in self._x(
            "SELECT DISTINCT a.name_key FROM person_names a JOIN people p ON p.id = a.person_id "
            "WHERE p.name_key = %s AND a.kind = 'alias' AND NOT EXISTS ("
            " SELECT 1 FROM person_names b JOIN people q ON q.id = b.person_id "
            " WHERE b.name_key = a.name_key AND b.kind = 'alias' AND q.name_key != p.name_key)", (key,))]

    def actions(self, *, owner_keys: Sequence[str], open_only: bool, due_before: str | None) -> list[dict]:
        sql = ("SELECT a.id, a.meeting_id, a.section_idx, a.section, a.owner, a.owner_resolved, a.task, a.due, "
               "a.due_text, a.due_date, a.explicit, a.confidence, a.status, a.done, a.closed_by_action_id, a.page, "
               "a.char_start, a.char_end, m.title, m.meeting_date, d.path, cm.meeting_date AS closed_on "
               "FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN documents d ON d.id = m.document_id "
               "LEFT JOIN actions c ON c.id = a.closed_by_action_id LEFT JOIN meetings cm ON cm.id = c.meeting_id "
               "WHERE true")
        params: list[Any] = []
        if owner_keys:
            sql += (" AND a.id IN (SELECT action_id FROM action_owners WHERE name_key = ANY(%s) OR person_id IN "
                    "(SELECT person_id FROM person_names WHERE name_key = ANY(%s) AND person_id IS NOT NULL))")
            params += [list(owner_keys), list(owner_keys)]
        if open_only:
            sql += " AND a.done = 0 AND a.closed_by_action_id IS NULL"
        if due_before:
            sql += " AND a.due_date IS NOT NULL AND a.due_date < %s"
            params.append(due_before)
        # SQLite's order: NULL due dates last, NULL meeting dates first, byte-wise text
        sql += (' ORDER BY a.due_date IS NULL, a.due_date COLLATE "C", m.meeting_date COLLATE "C" NULLS FIRST, a.id')
        return self._x(sql, params).fetchall()

    def people_rows(self) -> list[dict]:
        return self._x(
            "SELECT p.id, p.meeting_id, p.name, p.name_key, p.aliases, p.roles, m.meeting_date, "
            "(SELECT string_agg(role, '|') FROM attendance t WHERE t.person_id = p.id) AS attendance, "
            "(SELECT count(DISTINCT action_id) FROM action_owners o WHERE o.person_id = p.id) AS actions_owned "
            'FROM people p JOIN meetings m ON m.id = p.meeting_id ORDER BY m.meeting_date COLLATE "C" NULLS FIRST, p.id'
        ).fetchall()

    def theme_counts(self, by: str) -> list[dict[str, Any]]:
        part = {"month": "m.month", "quarter": "m.quarter", "year": "0"}[by]
        rows = self._x(
            f"SELECT m.year, {part} AS part, min(t.label) AS label, count(*) AS sections, "
            "count(DISTINCT t.meeting_id) AS meetings FROM section_themes t JOIN meetings m ON m.id = t.meeting_id "
            "WHERE m.year IS NOT NULL GROUP BY m.year, part, lower(t.label)").fetchall()
        fmt = {"month": "{:04d}-{:02d}", "quarter": "{:04d}-Q{}", "year": "{:04d}"}[by]
        out = [{"period": fmt.format(r["year"], r["part"]), "label": r["label"], "sections": int(r["sections"]),
                "meetings": int(r["meetings"])} for r in rows]
        out.sort(key=lambda x: (x["period"], -x["sections"], x["label"].lower()))
        return out

    # ---- web pages (``minutebook serve``, pipeline/web): SQLiteBackend's block of the same title.
    # Text orders are byte-wise (COLLATE "C") and NULL dates sort as SQLite sorts them, so every
    # page lists the same rows in the same order on both backends.

    _DOC_SELECT = ("SELECT d.id, d.path, d.content_hash, d.format, d.status, d.error, d.pages, d.pipeline_version, "
                   "d.models, d.tagged_at, m.id AS meeting_id, m.title, m.meeting_date FROM documents d "
                   "LEFT JOIN meetings m ON m.document_id = d.id AND m.meeting_index = 0")

    def meeting_list_rows(self) -> list[dict]:
        return self._x(
            "SELECT m.id AS meeting_id, m.document_id, m.meeting_index, m.title, m.meeting_date, d.path, d.format "
            "FROM meetings m JOIN documents d ON d.id = m.document_id ORDER BY m.id").fetchall()

    def document_row(self, document_id: int) -> dict | None:
        return self._x(self._DOC_SELECT + " WHERE d.id = %s", (document_id,)).fetchone()

    def meeting_document_row(self, meeting_id: int) -> dict | None:
        # this meeting's own row (not the file's first meeting: a file may hold several)
        return self._x("SELECT d.id, d.path, d.content_hash, d.format, d.status, d.error, d.pages, "
                       "d.pipeline_version, d.models, d.tagged_at, m.id AS meeting_id, m.title, m.meeting_date "
                       "FROM meetings m JOIN documents d ON d.id = m.document_id WHERE m.id = %s",
                       (meeting_id,)).fetchone()

    def label_counts(self) -> list[tuple[str, int]]:
        """Every theme label with its number of sections, most used first (labels equal but for
        case are one label, as SQLite's COLLATE NOCASE makes them)."""
        return [(r["label"], int(r["n"])) for r in self._x(
            'SELECT min(label COLLATE "C") AS label, count(*) AS n FROM section_themes GROUP BY lower(label) '
            'ORDER BY n DESC, lower(min(label COLLATE "C")) COLLATE "C"')]

    def format_counts(self) -> list[tuple[str, int]]:
        return [(r["format"], int(r["n"])) for r in self._x(
            "SELECT d.format, count(*) AS n FROM meetings m JOIN documents d ON d.id = m.document_id "
            'WHERE d.format IS NOT NULL GROUP BY d.format ORDER BY n DESC, d.format COLLATE "C"')]

    _ACTION_STATES = {
        "open": "a.done = 0 AND a.closed_by_action_id IS NULL",
        "overdue": "a.done = 0 AND a.closed_by_action_id IS NULL AND a.due_date IS NOT NULL "
                   'AND a.due_date < %(today)s COLLATE "C"',
        "done": "(a.done = 1 OR a.closed_by_action_id IS NOT NULL)",
        "all": "true",
    }

    @staticmethod
    def _owner_sql(owner_keys: Sequence[str]) -> tuple[str, dict[str, Any]]:
        if not owner_keys:
            return "", {}
        return (" AND a.id IN (SELECT action_id FROM action_owners WHERE name_key = ANY(%(keys)s) OR person_id IN "
                "(SELECT person_id FROM person_names WHERE name_key = ANY(%(keys)s) AND person_id IS NOT NULL))"), \
            {"keys": list(owner_keys)}

    _ACTION_SELECT = ("SELECT a.id, a.meeting_id, a.section_idx, a.section, a.owner, a.owner_resolved, a.task, a.due, "
                      "a.due_text, a.due_date, a.explicit, a.confidence, a.status, a.done, a.closed_by_action_id, "
                      "a.page, a.char_start, a.char_end, m.title, m.meeting_date, d.path, cm.meeting_date AS closed_on "
                      "FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN documents d ON d.id = m.document_id "
                      "LEFT JOIN actions c ON c.id = a.closed_by_action_id "
                      "LEFT JOIN meetings cm ON cm.id = c.meeting_id ")

    def action_page(self, *, owner_keys: Sequence[str], state: str, today: str, limit: int,
                    offset: int) -> list[dict]:
        """One page of actions in ``state``, as ``SQLiteBackend.action_page`` orders them: open and
        overdue by due date (undated last), then id; done and all newest meeting first."""
        owner_sql, params = self._owner_sql(owner_keys)
        params = {**params, "today": today}
        where = self._ACTION_STATES[state] + owner_sql
        if state in ("done", "all"):
            return self._x(
                self._ACTION_SELECT + f'WHERE {where} ORDER BY m.meeting_date COLLATE "C" DESC NULLS LAST, a.id '
                "LIMIT %(limit)s OFFSET %(offset)s", {**params, "limit": limit, "offset": offset}).fetchall()
        rows = self._x(
            self._ACTION_SELECT + f'WHERE {where} AND a.due_date IS NOT NULL ORDER BY a.due_date COLLATE "C", a.id '
            "LIMIT %(limit)s OFFSET %(offset)s", {**params, "limit": limit, "offset": offset}).fetchall()
        if len(rows) >= limit or state == "overdue":
            return rows
        dated = int(self._x(f"SELECT count(*) AS n FROM actions a WHERE {where} AND a.due_date IS NOT NULL",
                            params).fetchone()["n"])
        return rows + self._x(
            self._ACTION_SELECT + f"WHERE {where} AND a.due_date IS NULL ORDER BY a.id "
            "LIMIT %(limit)s OFFSET %(offset)s",
            {**params, "limit": limit - len(rows), "offset": max(0, offset - dated)}).fetchall()

    def change_marker(self) -> tuple:
        """Changes whenever the archive changes: ``archive_state.version``, bumped by every write
        transaction (``commit``) and read here from the committed row, so it is the same for every
        connection; one primary-key lookup."""
        return (self.data_version(),)

    def action_state_counts(self, *, owner_keys: Sequence[str], today: str) -> dict[str, int]:
        owner_sql, params = self._owner_sql(owner_keys)
        st = self._ACTION_STATES
        r = self._x(
            f"SELECT count(*) AS all_, count(*) FILTER (WHERE {st['open']}) AS open, "
            f"count(*) FILTER (WHERE {st['overdue']}) AS overdue, count(*) FILTER (WHERE {st['done']}) AS done "
            f"FROM actions a WHERE true{owner_sql}", {**params, "today": today}).fetchone()
        return {"all": int(r["all_"]), "open": int(r["open"]), "overdue": int(r["overdue"]), "done": int(r["done"])}

    def person_index_rows(self, key_part: str | None, limit: int) -> list[dict]:
        """Distinct person keys (optionally containing ``key_part``) with a display name and their
        number of meetings, most meetings first."""
        where, params = "", []
        if key_part:
            # SQLite's LIKE ignores the case of ASCII letters; ILIKE, with '\\' escaping % and _
            where = " WHERE name_key ILIKE %s ESCAPE '\\'"
            esc = key_part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{esc}%")
        return self._x(
            f'SELECT name_key, max(name COLLATE "C") AS name, count(DISTINCT meeting_id) AS meetings FROM people{where} '
            'GROUP BY name_key ORDER BY meetings DESC, name_key COLLATE "C" LIMIT %s', [*params, limit]).fetchall()

    def full_name_keys_for_alias(self, key: str) -> list[str]:
        return [r["name_key"] for r in self._x(
            "SELECT DISTINCT p.name_key FROM person_names a JOIN people p ON p.id = a.person_id "
            "WHERE a.name_key = %s AND a.kind = 'alias' AND p.name_key != %s", (key, key))]

    def person_page_key_rows(self) -> list[dict]:
        """The keys ``Archive.has_person`` is true for: every person's key, and aliases given for
        exactly one full name."""
        return self._x(
            "SELECT DISTINCT name_key FROM people UNION SELECT a.name_key FROM person_names a "
            "JOIN people p ON p.id = a.person_id WHERE a.kind = 'alias' GROUP BY a.name_key "
            "HAVING count(DISTINCT p.name_key) = 1").fetchall()

    def has_person_key(self, key: str) -> bool:
        return self._x("SELECT 1 FROM people WHERE name_key = %s LIMIT 1", (key,)).fetchone() is not None

    def people_rows_for(self, keys: Sequence[str]) -> list[dict]:
        """``people_rows`` restricted to entries with one of ``keys``, with each meeting's title."""
        return self._x(
            "SELECT p.id, p.meeting_id, p.name, p.name_key, p.aliases, p.roles, m.meeting_date, m.title, "
            "(SELECT string_agg(role, '|') FROM attendance t WHERE t.person_id = p.id) AS attendance, "
            "(SELECT count(DISTINCT action_id) FROM action_owners o WHERE o.person_id = p.id) AS actions_owned "
            "FROM people p JOIN meetings m ON m.id = p.meeting_id WHERE p.name_key = ANY(%s) "
            'ORDER BY m.meeting_date COLLATE "C" NULLS FIRST, p.id', (list(keys),)).fetchall()


# ------------------------------------------------------------------------------------- helpers


def _untag(text: str) -> str:
    """The text with '<' as a space (same length): PostgreSQL's parser reads '<b>' or '<script>' as
    an HTML tag, which ``ts_headline`` drops from its output; FTS5 keeps it as text. ``_unfold``
    puts the original '<' back."""
    return text.replace("<", " ")


def _unfold(headline: str, src: str, markers: tuple[str, str]) -> str:
    """``ts_headline`` ran on the accent-folded text (so folded query terms are marked); put the
    original characters back (folding keeps one character per character) and add '…' where the
    snippet is cut from a longer text."""
    a, b = markers
    plain = headline.replace(a, "").replace(b, "")
    folded = _untag(fold(src))
    start = folded.find(plain)
    if start < 0 or len(folded) != len(src):  # a fragment delimiter, or folding changed the length
        return headline
    out, j = [], start
    for ch in headline:
        if (ch == a or ch == b) and (j >= len(folded) or folded[j] != ch):
            out.append(ch)
        else:
            out.append(src[j])
            j += 1
    while j < len(src) and not src[j].isalnum() and not src[j].isspace():  # the fragment drops end punctuation
        out.append(src[j])
        j += 1
    text = "".join(out)
    if start > 0:
        text = "…" + text
    if j < len(src.rstrip()):
        text += "…"
    return text


def _scrub(text: str, url: str) -> str:
    try:
        pw = urlsplit(url).password
    except ValueError:
        pw = None
    text = text.replace(url, redact(url))
    return text.replace(pw, "***") if pw else text


def _first_line(e: BaseException, url: str) -> str:
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    return _scrub(lines[-1] if lines else e.__class__.__name__, url)


def _connect_error(url: str, e: BaseException) -> ArchiveError:
    msg = str(e)
    try:
        parts = urlsplit(url)
        dbname = (parts.path or "/").lstrip("/") or parts.username or "postgres"
        where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    except ValueError:
        dbname, where = "?", "?"
    low = msg.lower()
    if "password authentication failed" in low or "authentication failed" in low or "no password supplied" in low:
        return ArchiveError(redact(url), "PostgreSQL refused the user name or password",
                            "check the user and password in the URL (or in ~/.pgpass / $PGPASSWORD)")
    if "does not exist" in low and "database" in low:
        return ArchiveError(redact(url), f"the database {dbname!r} does not exist",
                            f"create it first (createdb {dbname}, or CREATE DATABASE {dbname}) and run again")
    if "does not exist" in low and "role" in low:
        return ArchiveError(redact(url), "the PostgreSQL user does not exist",
                            "check the user name in the URL, or create the role (createuser)")
    if "connection refused" in low or "could not connect" in low or "timeout" in low or "translate host" in low \
            or "no such file" in low:
        return ArchiveError(redact(url), f"cannot connect to the PostgreSQL server at {where}",
                            "check that the server is running and the host and port in the URL are right")
    return ArchiveError(redact(url), f"cannot open the archive ({_first_line(e, url)})",
                        "check the database URL and that the server accepts connections")
