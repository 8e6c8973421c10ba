"""The archive's tables, written once per dialect side by side (SQLite and PostgreSQL), and the
ordered, append-only migrations that create them. ``tests/archive/test_schema.py`` checks that both
dialects name the same tables and columns.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, Union

from pipeline.archive.text import series_key
from pipeline.core.errors import ArchiveError

# The tables, written once for both databases: ``{id}`` and ``{ref}`` are the dialect's key types,
# ``{blob}`` its bytes type; a theme label is unique per section without regard to case (SQLite: a
# NOCASE primary key; PostgreSQL: a unique index on lower(label)). SQLite reads the type names by
# affinity, so TEXT / INTEGER / REAL mean the same in both.
_TABLES = """
CREATE TABLE documents (
    id {id},
    path TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    format TEXT,
    status TEXT NOT NULL CHECK (status IN ('SUCCESS', 'PARTIAL', 'FAILED', 'SKIPPED')),
    error TEXT,
    pages INTEGER,
    pipeline_version TEXT,
    models TEXT,                       -- JSON {{name: version}}
    tagged_at TEXT NOT NULL
);
CREATE INDEX documents_path ON documents(path);
CREATE INDEX documents_status ON documents(status, pipeline_version);

CREATE TABLE meetings (
    id {id},
    document_id {ref} NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
    title TEXT,
    meeting_date TEXT,                 -- ISO YYYY-MM-DD or NULL
    year INTEGER,
    month INTEGER,
    quarter INTEGER,
    record_json TEXT NOT NULL          -- the full Meeting record
);
CREATE INDEX meetings_date ON meetings(meeting_date);
CREATE INDEX meetings_year_month ON meetings(year, month);

CREATE TABLE sections (
    id {id},
    meeting_id {ref} NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,              -- position in the meeting's section_tree
    number TEXT,
    heading TEXT NOT NULL,
    level INTEGER,
    parent_idx INTEGER,
    text TEXT NOT NULL DEFAULT '',
    summary TEXT,
    page INTEGER,
    char_start INTEGER,
    char_end INTEGER,
    UNIQUE (meeting_id, idx)
);

CREATE TABLE section_themes (
    section_id {ref} NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    meeting_id {ref} NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,  -- denormalised for by-period counts
    label TEXT NOT NULL{nocase},
    score REAL{themes_pk}
);
{themes_indexes}

CREATE TABLE embeddings (
    section_id {ref} PRIMARY KEY REFERENCES sections(id) ON DELETE CASCADE,
    dim INTEGER NOT NULL,
    vector {blob} NOT NULL               -- dim little-endian float32
);

CREATE TABLE people (
    id {id},
    meeting_id {ref} NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]', -- JSON list
    roles TEXT NOT NULL DEFAULT '[]'    -- JSON list
);
CREATE INDEX people_meeting ON people(meeting_id);
CREATE INDEX people_name_key ON people(name_key);

CREATE TABLE person_names (             -- every key a person can be found by in one meeting
    meeting_id {ref} NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id {ref} REFERENCES people(id) ON DELETE CASCADE,
    name_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('name', 'alias', 'owner'))
);
CREATE INDEX person_names_key ON person_names(name_key, meeting_id);
CREATE INDEX person_names_person ON person_names(person_id);
CREATE INDEX person_names_meeting ON person_names(meeting_id);

CREATE TABLE attendance (
    id {id},
    meeting_id {ref} NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id {ref} REFERENCES people(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    note TEXT
);
CREATE INDEX attendance_meeting ON attendance(meeting_id);
CREATE INDEX attendance_person ON attendance(person_id);

CREATE TABLE actions (
    id {id},
    meeting_id {ref} NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    section_idx INTEGER,
    section TEXT,
    owner TEXT,                        -- owners as written, joined with '; '
    owner_resolved TEXT,               -- owners resolved to attendance names, joined with '; '
    task TEXT NOT NULL,
    due TEXT,
    due_text TEXT,
    due_date TEXT,                     -- ISO date or NULL
    explicit INTEGER NOT NULL DEFAULT 1,
    confidence REAL,
    status TEXT,
    done INTEGER NOT NULL DEFAULT 0,   -- its own meeting records it done
    closed_by_action_id {ref} REFERENCES actions(id) ON DELETE SET NULL,
    page INTEGER,
    char_start INTEGER,
    char_end INTEGER
);
CREATE INDEX actions_meeting ON actions(meeting_id);
CREATE INDEX actions_open ON actions(done, closed_by_action_id, due_date);
CREATE INDEX actions_closed_by ON actions(closed_by_action_id);

CREATE TABLE action_owners (
    action_id {ref} NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    person_id {ref} REFERENCES people(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX action_owners_key ON action_owners(name_key);
CREATE INDEX action_owners_person ON action_owners(person_id);
CREATE INDEX action_owners_action ON action_owners(action_id);

CREATE TABLE decisions (
    id {id},
    meeting_id {ref} NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    section_idx INTEGER,
    section TEXT,
    kind TEXT,
    text TEXT NOT NULL,
    mover TEXT,
    seconder TEXT,
    result TEXT,
    page INTEGER,
    char_start INTEGER,
    char_end INTEGER
);
CREATE INDEX decisions_meeting ON decisions(meeting_id);
"""

_SQLITE = {"id": "INTEGER PRIMARY KEY", "ref": "INTEGER", "blob": "BLOB", "nocase": " COLLATE NOCASE",
           "themes_pk": ",\n    PRIMARY KEY (section_id, label)",
           "themes_indexes": "CREATE INDEX section_themes_label ON section_themes(label, section_id);\n"
                             "CREATE INDEX section_themes_meeting ON section_themes(meeting_id, label);"}
_POSTGRES = {"id": "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "ref": "bigint", "blob": "bytea",
             "nocase": "", "themes_pk": "",
             "themes_indexes": "CREATE UNIQUE INDEX section_themes_pkey ON section_themes(section_id, lower(label));\n"
                               "CREATE INDEX section_themes_label ON section_themes(lower(label), section_id);\n"
                               "CREATE INDEX section_themes_meeting ON section_themes(meeting_id, lower(label));"}

SQLITE_SCHEMA = _TABLES.format(**_SQLITE)


SQLITE_FTS = """
CREATE VIRTUAL TABLE sections_fts USING fts5(
    heading, text, summary, content='sections', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER sections_fts_insert AFTER INSERT ON sections BEGIN
    INSERT INTO sections_fts(rowid, heading, text, summary) VALUES (new.id, new.heading, new.text, new.summary);
END;
CREATE TRIGGER sections_fts_delete AFTER DELETE ON sections BEGIN
    INSERT INTO sections_fts(sections_fts, rowid, heading, text, summary)
        VALUES ('delete', old.id, old.heading, old.text, old.summary);
END;
CREATE TRIGGER sections_fts_update AFTER UPDATE OF heading, text, summary ON sections BEGIN
    INSERT INTO sections_fts(sections_fts, rowid, heading, text, summary)
        VALUES ('delete', old.id, old.heading, old.text, old.summary);
    INSERT INTO sections_fts(rowid, heading, text, summary) VALUES (new.id, new.heading, new.text, new.summary);
END;

CREATE VIRTUAL TABLE actions_fts USING fts5(
    task, content='actions', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER actions_fts_insert AFTER INSERT ON actions BEGIN
    INSERT INTO actions_fts(rowid, task) VALUES (new.id, new.task);
END;
CREATE TRIGGER actions_fts_delete AFTER DELETE ON actions BEGIN
    INSERT INTO actions_fts(actions_fts, rowid, task) VALUES ('delete', old.id, old.task);
END;
CREATE TRIGGER actions_fts_update AFTER UPDATE OF task ON actions BEGIN
    INSERT INTO actions_fts(actions_fts, rowid, task) VALUES ('delete', old.id, old.task);
    INSERT INTO actions_fts(rowid, task) VALUES (new.id, new.task);
END;

CREATE VIRTUAL TABLE decisions_fts USING fts5(
    text, content='decisions', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER decisions_fts_insert AFTER INSERT ON decisions BEGIN
    INSERT INTO decisions_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER decisions_fts_delete AFTER DELETE ON decisions BEGIN
    INSERT INTO decisions_fts(decisions_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER decisions_fts_update AFTER UPDATE OF text ON decisions BEGIN
    INSERT INTO decisions_fts(decisions_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO decisions_fts(rowid, text) VALUES (new.id, new.text);
END;
"""


VIEWS = """
CREATE VIEW meeting_overview AS
SELECT m.id AS meeting_id, m.meeting_date, m.title, d.path, d.status, d.pages, d.pipeline_version,
       (SELECT count(*) FROM sections s WHERE s.meeting_id = m.id) AS sections,
       (SELECT count(*) FROM actions a WHERE a.meeting_id = m.id) AS actions,
       (SELECT count(*) FROM decisions x WHERE x.meeting_id = m.id) AS decisions,
       (SELECT count(*) FROM people p WHERE p.meeting_id = m.id) AS people
FROM meetings m JOIN documents d ON d.id = m.document_id;

CREATE VIEW open_actions AS
SELECT a.id AS action_id, m.meeting_date, m.title, a.owner, a.owner_resolved, a.task, a.due_date,
       a.due_text, a.status, a.section, d.path, a.page
FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN documents d ON d.id = m.document_id
WHERE a.done = 0 AND a.closed_by_action_id IS NULL;

CREATE VIEW theme_sections AS
SELECT t.label, t.score, m.meeting_date, m.year, m.quarter, m.month, m.title, s.heading, s.id AS section_id,
       m.id AS meeting_id
FROM section_themes t JOIN sections s ON s.id = t.section_id JOIN meetings m ON m.id = s.meeting_id;

CREATE VIEW person_attendance AS
SELECT p.name, p.name_key, t.role, m.meeting_date, m.title, m.id AS meeting_id
FROM attendance t JOIN people p ON p.id = t.person_id JOIN meetings m ON m.id = t.meeting_id;
"""


@dataclass(frozen=True)
class PerBackend:
    """A migration step written differently per backend (a plain string or callable runs on both:
    keep those to portable SQL). ``postgresql`` defaults to the DDL of the same name in
    ``pipeline.archive.schema.PG_DDL``."""

    sqlite: "Migration"
    postgresql: "Migration | None" = None
    # SQLite table rebuild (the 12-step ALTER TABLE procedure): run with foreign keys off, so that
    # dropping the old table cascades nothing, and check them after
    rebuild: bool = False


Migration = Union[str, Callable[[Any], None], PerBackend]  # a callable gets the backend's DB-API connection


_DROP_VIEWS = "".join(f"DROP VIEW IF EXISTS {v};\n" for v in
                      ("meeting_overview", "open_actions", "theme_sections", "person_attendance"))

# 0004: a file may hold several meetings (one record each): meetings are unique per (document,
# meeting_index), no longer per document.
SQLITE_MEETINGS_PER_DOCUMENT = _DROP_VIEWS + """
CREATE TABLE meetings_new (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    meeting_index INTEGER NOT NULL DEFAULT 0,   -- which meeting of the file (0 = the first)
    title TEXT,
    meeting_date TEXT,
    year INTEGER,
    month INTEGER,
    quarter INTEGER,
    record_json TEXT NOT NULL,
    UNIQUE (document_id, meeting_index)
);
INSERT INTO meetings_new (id, document_id, meeting_index, title, meeting_date, year, month, quarter, record_json)
    SELECT id, document_id, 0, title, meeting_date, year, month, quarter, record_json FROM meetings;
DROP TABLE meetings;
ALTER TABLE meetings_new RENAME TO meetings;
CREATE INDEX meetings_date ON meetings(meeting_date);
CREATE INDEX meetings_year_month ON meetings(year, month);
""" + VIEWS
PG_MEETINGS_PER_DOCUMENT = """
ALTER TABLE meetings DROP CONSTRAINT IF EXISTS meetings_document_id_key;
ALTER TABLE meetings ADD COLUMN meeting_index integer NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX meetings_document_index ON meetings(document_id, meeting_index);
"""

# 0005: drafts made from uploads in the web application (``pipeline.web.drafts``), kept across restarts:
# the uploaded file (kept on the server), the machine's record and the clerk's corrected record (evaluation
# data: ``minutebook eval --corrections``). Times are seconds since the epoch ({float}: a double).
_DRAFTS = """
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,               -- the random id in /drafts/ID
    filename TEXT NOT NULL,            -- as the browser sent it (never used as a path)
    stored_path TEXT,                  -- the uploaded file as kept on the server
    client TEXT,
    size INTEGER,
    uploaded_at {float} NOT NULL,
    started_at {float},
    seconds {float},                   -- how long making the draft took (the wait in the queue not counted)
    state TEXT NOT NULL CHECK (state IN ('queued', 'ready', 'edited', 'archived', 'failed')),
    error TEXT,
    meeting_index INTEGER NOT NULL DEFAULT 0,  -- which meeting of the file the draft is of
    meeting_id {ref} REFERENCES meetings(id) ON DELETE SET NULL,  -- once added to the archive
    machine_json TEXT,                 -- the machine's record (Meeting)
    corrected_json TEXT,               -- the clerk's corrected record (Meeting), once edited
    draft_json TEXT,                   -- the draft with the clerk's edits (the edit form's state)
    origins_json TEXT                  -- which record item each draft item came from
);
CREATE INDEX drafts_uploaded ON drafts(uploaded_at);
"""
SQLITE_DRAFTS = _DRAFTS.format(ref="INTEGER", float="REAL")
PG_DRAFTS = _DRAFTS.format(ref="bigint", float="double precision")

# 0006: action linking works per series (the meeting's title without its date, ``text.series_key``): the key is
# stored and indexed with the date, so the linker reads one series' actions by index; existing meetings get
# theirs from their titles. SQLite gains PostgreSQL's ``archive_state`` (a version bumped by every write
# transaction, kept in the file): the vector index beside the database records the version it holds; and
# ``section_floor``, so that SQLite (which reuses the highest rowid once it is deleted) never gives a new section
# the id of a removed one (a PostgreSQL sequence never does). Both get ``archive_id``, drawn at random once: an
# index file made for another archive at the same place (a database dropped and made again) is not used.
def _series_and_state_sqlite(conn: Any) -> None:
    conn.execute("ALTER TABLE meetings ADD COLUMN series_key TEXT")
    rows = conn.execute("SELECT id, title FROM meetings").fetchall()
    conn.executemany("UPDATE meetings SET series_key = ? WHERE id = ?", [(series_key(r[1]), r[0]) for r in rows])
    conn.execute("CREATE INDEX meetings_series ON meetings(series_key, meeting_date)")
    conn.execute("CREATE TABLE archive_state (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, "
                 "section_floor INTEGER NOT NULL DEFAULT 0, "  # the lowest id a new section may take
                 "archive_id TEXT)")
    conn.execute("INSERT INTO archive_state (id, version, archive_id) VALUES (1, 0, ?)", (uuid.uuid4().hex,))


def _series_postgres(conn: Any) -> None:
    conn.execute("ALTER TABLE meetings ADD COLUMN series_key text")
    rows = conn.execute("SELECT id, title FROM meetings").fetchall()
    with conn.cursor() as cur:
        cur.executemany("UPDATE meetings SET series_key = %s WHERE id = %s",
                        [(series_key(r["title"]), r["id"]) for r in rows])
    conn.execute("CREATE INDEX meetings_series ON meetings(series_key, meeting_date)")
    conn.execute("ALTER TABLE archive_state ADD COLUMN archive_id text")
    conn.execute("UPDATE archive_state SET archive_id = %s", (uuid.uuid4().hex,))


# Ordered, append-only: never edit or reorder an applied migration; add a new one at the end.
MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_schema", PerBackend(SQLITE_SCHEMA)),
    ("0002_fts", PerBackend(SQLITE_FTS)),
    ("0003_views", PerBackend(VIEWS)),
    ("0004_meetings_per_document", PerBackend(SQLITE_MEETINGS_PER_DOCUMENT, PG_MEETINGS_PER_DOCUMENT, rebuild=True)),
    ("0005_drafts", PerBackend(SQLITE_DRAFTS, PG_DRAFTS)),
    ("0006_series_and_state", PerBackend(_series_and_state_sqlite, _series_postgres)),
]


def upsert_sql(table: str, cols: Sequence[str], key: str, mark: str) -> str:
    """``INSERT ... ON CONFLICT (key) DO UPDATE`` of every other column: the same text for SQLite
    (``mark`` ``?``) and PostgreSQL (``%s``)."""
    sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != key)
    return (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(mark for _ in cols)}) "
            f"ON CONFLICT ({key}) DO UPDATE SET {sets}")


def sqlite_statements(sql: str) -> Iterator[str]:
    """Split a script into complete statements (trigger bodies stay whole), so each can run inside
    our own transaction (``executescript`` would commit first)."""
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


def pending_migrations(where: str | Path | None, migrations: Sequence[tuple[str, Migration]], done: Sequence[str], *,
                       readonly: bool, empty_hint: str | None = None) -> list[tuple[str, Migration]]:
    """The migrations still to apply to an archive that has applied ``done``, checked the same way on
    every backend: unique names, no migration this minutebook does not know (a newer one wrote the
    archive), and nothing to apply on a read-only archive (``empty_hint``: what to say when a read-only
    database has no archive at all)."""
    known = [name for name, _ in migrations]
    if len(set(known)) != len(known):
        raise ArchiveError(where, "two migrations share a name", "this is a bug in minutebook; please report it")
    unknown = [n for n in done if n not in known]
    if unknown:
        raise ArchiveError(where, f"the archive was written by a newer minutebook (migration {unknown[0]})",
                           "upgrade minutebook, or use a different --db")
    todo = [(n, m) for n, m in migrations if n not in done]
    if todo and readonly:
        if not done and empty_hint:
            raise ArchiveError(where, "there is no archive in this database", empty_hint)
        raise ArchiveError(where, "the archive needs migrating and is open read-only",
                           "open it once for writing (e.g. minutebook tag) to upgrade it")
    return todo


# ------------------------------------------------------------------------------- PostgreSQL

PG_SCHEMA = _TABLES.format(**_POSTGRES) + """
CREATE TABLE archive_state (
    id integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO archive_state (id, version) VALUES (1, 0);
"""


def _tsv(expr: str) -> str:
    return f"to_tsvector('minutebook'::regconfig, minutebook_fold({expr}))"


PG_FTS = f"""
CREATE FUNCTION minutebook_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT CASE WHEN t !~ '[\u00c0-\u024f]' THEN t
                      ELSE regexp_replace(normalize(t, NFD), '[\u0300-\u036f]', '', 'g') END $$;
CREATE TEXT SEARCH DICTIONARY minutebook_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION minutebook (COPY = english);
ALTER TEXT SEARCH CONFIGURATION minutebook
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH minutebook_stem;

CREATE FUNCTION minutebook_ntokens(t text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT count(*)::integer FROM regexp_matches(coalesce(t, ''), '[[:alnum:]]+', 'g') $$;

ALTER TABLE sections ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight({_tsv("heading")}, 'A') || setweight({_tsv("text")}, 'D')
    || setweight({_tsv("coalesce(summary, '')")}, 'B')) STORED;
CREATE INDEX sections_tsv ON sections USING gin (tsv);
ALTER TABLE sections ADD COLUMN ntokens integer GENERATED ALWAYS AS (
    minutebook_ntokens(heading) + minutebook_ntokens(text) + minutebook_ntokens(summary)) STORED;
CREATE INDEX sections_ntokens ON sections(ntokens);
ALTER TABLE actions ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({_tsv("task")}) STORED;
CREATE INDEX actions_tsv ON actions USING gin (tsv);
ALTER TABLE decisions ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({_tsv("text")}) STORED;
CREATE INDEX decisions_tsv ON decisions USING gin (tsv);
"""


# the views are plain SQL that both databases accept: the same text as SQLite's
PG_VIEWS = VIEWS


# The PostgreSQL DDL of the built-in migrations (same names as pipeline.archive.schema.MIGRATIONS).
PG_DDL: dict[str, str] = {"0001_schema": PG_SCHEMA, "0002_fts": PG_FTS, "0003_views": PG_VIEWS}


def pg_statements(sql: str) -> list[str]:
    """Split a script on ';' at line ends outside dollar-quoted bodies."""
    out, buf, in_dollar = [], [], False
    for line in sql.splitlines():
        if line.count("$$") % 2:
            in_dollar = not in_dollar
        buf.append(line)
        if not in_dollar and line.rstrip().endswith(";"):
            stmt = "\n".join(buf).strip()
            if stmt.strip(";").strip():
                out.append(stmt)
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        out.append(rest)
    return out
