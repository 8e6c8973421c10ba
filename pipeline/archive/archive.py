"""The archive: years of tagged minutes in one SQLite file (or a PostgreSQL database, see
``store_pg``), searchable by text, theme, person and date.

Layout
------
``Archive`` is the public API (the CLI and users' code call it). Everything that is SQL lives in
``SQLiteBackend``: the schema and its migrations, every query (parameterised), FTS5 and the write
path. ``Archive`` keeps the backend-neutral logic in Python: rank fusion, people merging, action
closing. ``store_pg.PostgresBackend`` implements the same methods for PostgreSQL (``tsvector`` /
``ts_rank`` for text, the same numpy brute force for vectors); ``Archive.open("postgresql://...")``
picks it.

One writer per SQLite file: parallel workers return ``TaggedDocument``s and one process calls
``Archive.write_many`` in batches (WAL mode lets readers search meanwhile).

Schema (see ``MIGRATIONS``; pleasant in Datasette or the sqlite3 shell)
------------------------------------------------------------------------
``documents``      one row per distinct file content (``content_hash`` UNIQUE), with status and error
``meetings``       one per SUCCESS/PARTIAL document; ``record_json`` is the full ``Meeting``
``sections``       the section tree with each section's own text and summary
``section_themes`` (section, label, score), indexed on label
``embeddings``     one float32 vector per section (``dim`` floats in a BLOB)
``people``         the people of one meeting; ``person_names`` every key (name, alias, action owner)
``attendance``     (meeting, name, role) as the attendance list wrote it
``actions``        with ``action_owners``; ``closed_by_action_id`` links an open action to the later
                   meeting's action that records it done
``decisions``
``sections_fts``, ``actions_fts``, ``decisions_fts``: FTS5 external-content tables, kept in sync by
triggers; tokenizer ``porter unicode61 remove_diacritics 2``.
Views: ``meeting_overview``, ``open_actions``, ``theme_sections``, ``person_attendance``.
Character offsets are ``char_start`` / ``char_end`` (``end`` is a reserved word in SQL).

Hybrid ranking (``Archive.search``)
-----------------------------------
Two ranked lists are fused with reciprocal-rank fusion (RRF, k = 60):

    score(section) = W_TEXT / (60 + text_rank) + W_VECTOR / (60 + vector_rank)

``text_rank`` is the 1-based position by FTS5 ``bm25()`` (weights heading 3, text 1, summary 1.5)
among the best K = max(5 * limit, 100) text matches; ``vector_rank`` the position by cosine
similarity between ``query_vector`` and the section's embedding, keeping those with similarity >=
``VECTOR_MIN_SIMILARITY`` (0.25). Vectors are compared (brute force, numpy) with the K text
candidates when the text matched something, else with every section that passes the filters (a
normalised matrix cached per connection until the database changes); ``Archive.VECTOR_SCOPE =
"all"`` always uses every section. A list a section is missing from contributes nothing;
W_TEXT = W_VECTOR = 1. So a section that shares no word with the query can still be found by its
vector, and one found by both ranks first. Snippets: FTS5 ``snippet()`` with ``[`` ``]`` around
matched terms; for a vector-only hit, the section sentence sharing most words with the query.

Text queries are always safe: each whitespace-separated token of the user's text is quoted as an
FTS5 string (``"co-production"`` becomes the phrase ``co production``); double quotes are doubled;
bare ``AND``/``OR``/``NOT``/``NEAR`` and tokens without a letter or digit are dropped. All tokens
are required; when that matches nothing the tokens are tried again joined with OR.
"""

from __future__ import annotations

import functools
import json
import math
import os
import random
import re
import sqlite3
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence, Union

from pipeline import PIPELINE_VERSION
from pipeline.core.errors import ArchiveError
from pipeline.core.record import Meeting

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from pipeline.archive.postgres import PostgresBackend

STATUSES = ("SUCCESS", "PARTIAL", "FAILED", "SKIPPED")
GOOD_STATUSES = ("SUCCESS", "PARTIAL")

# ------------------------------------------------------------------------------------------ helpers


def default_db_path() -> Path:
    """``$MINUTEBOOK_DB`` if set, else ``$XDG_DATA_HOME/minutebook/archive.db`` (default
    ``~/.local/share/minutebook/archive.db``). The folder is created."""
    env = os.environ.get("MINUTEBOOK_DB")
    if env:
        p = Path(env).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        p = Path(base).expanduser() / "minutebook" / "archive.db"
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def file_hash(path: str | Path) -> str:
    """sha256 of a file's bytes: the ``content_hash`` a batch passes in ``TaggedDocument``."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Case-, title- and accent-insensitive key of a person's name: 'Cllr Mrs Ánne Fenwick' -> 'anne fenwick'.
    Uses the pipeline's own name words (``pipeline.detect.people.words_of``), so keys agree with detection."""
    from pipeline.detect.people import words_of

    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(words_of(s))


_WORD = re.compile(r"\w+", re.UNICODE)
_FTS_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


def fts_terms(query: str | None, *, max_terms: int = 32) -> list[str]:
    """The user's text as safe FTS5 strings, one per whitespace-separated token (see module doc)."""
    out: list[str] = []
    for tok in (query or "").split():
        if tok in _FTS_OPERATORS or tok.upper().startswith("NEAR("):
            continue
        tok = "".join(c for c in tok if c.isprintable()).strip("\"*^():+-{}[],;!?")
        if not _WORD.search(tok) or tok in _FTS_OPERATORS:
            continue
        out.append('"' + tok.replace('"', '""') + '"')
        if len(out) >= max_terms:
            break
    return out


def fts_query(query: str | None, *, any_term: bool = False) -> str | None:
    """A MATCH expression for the user's text, or None when nothing searchable is left."""
    terms = fts_terms(query)
    if not terms:
        return None
    return (" OR " if any_term else " ").join(terms)


_STOP = frozenset("""a an and the to of for in on at by with from into onto be is are was were will
shall should would could can may might must do does did done has have had it its this that these those
as or not no any all each per re up out about over than then so such via also please further next
meeting meetings action actions item items""".split())
_CLOSED = re.compile(r"^\W*(done|complete[ds]?|completed|closed|finished|resolved|cancell?ed|withdrawn)\b",
                     re.IGNORECASE)


def is_done_status(status: str | None) -> bool:
    """True for a status that closes an action: done, complete(d), closed, finished, resolved,
    cancelled, withdrawn ('Complete - 12/03' too); False for open, in progress, carried forward, None."""
    return bool(status and _CLOSED.search(status.strip()))


def _stem(w: str) -> str:
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def task_words(task: str) -> frozenset[str]:
    """Content words of an action's task (lower case, crudely stemmed, stop words dropped)."""
    return frozenset(_stem(w) for w in _WORD.findall(task.lower()) if len(w) > 2 and w not in _STOP
                     and not w.isdigit())


def same_task(a: frozenset[str] | str, b: frozenset[str] | str) -> bool:
    """The fuzzy match that closes an earlier action: the two tasks' content words overlap with
    Jaccard >= 0.6 and share at least two words (or are identical non-empty sets)."""
    wa = a if isinstance(a, frozenset) else task_words(a)
    wb = b if isinstance(b, frozenset) else task_words(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    inter = len(wa & wb)
    return inter >= 2 and inter / len(wa | wb) >= 0.6


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_or_none(value: str | None) -> str | None:
    return value if value and _ISO_DATE.match(value) else None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ------------------------------------------------------------------------------------ data classes


class _Row:
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass
class TaggedDocument:
    """What a batch worker hands to the single writer for one file.

    ``section_texts`` (aligned with ``meeting.section_tree``) or ``text`` (the document's plain text,
    from which each section's own body is sliced) give the searchable section text; without either,
    a section is indexed by its heading, summary and the actions and decisions in it.
    ``section_vectors`` are aligned with ``meeting.section_tree`` (one vector for the whole document
    when the tree is empty)."""

    path: str
    content_hash: str
    format: str | None = None
    status: str = "SUCCESS"
    error: str | None = None
    meeting: Meeting | None = None
    section_vectors: Any = None  # list[list[float]] | numpy array | None
    pipeline_version: str = PIPELINE_VERSION
    section_texts: list[str] | None = None
    text: str | None = None
    pages: int | None = None


@dataclass
class Provenance(_Row):
    path: str
    page: int | None
    start: int | None
    end: int | None


@dataclass
class Hit(_Row):
    meeting_id: int
    section_id: int
    title: str | None
    meeting_date: str | None
    heading: str
    snippet: str
    score: float
    provenance: Provenance
    bm25: float | None = None  # FTS5 bm25 (lower is better), None for vector-only hits
    similarity: float | None = None  # cosine with the query vector
    text_rank: int | None = None
    vector_rank: int | None = None
    themes: list[str] = field(default_factory=list)


@dataclass
class ActionRow(_Row):
    id: int
    meeting_id: int
    title: str | None
    meeting_date: str | None
    section: str | None
    owner: list[str]
    owner_resolved: list[str]
    task: str
    due: str | None
    due_text: str | None
    due_date: str | None
    explicit: bool
    confidence: float | None
    status: str | None
    done: bool
    open: bool
    closed_by_action_id: int | None
    closed_on: str | None  # the meeting date of the closing action
    provenance: Provenance


@dataclass
class PersonRow(_Row):
    name: str
    name_key: str
    aliases: list[str]
    meetings: int
    present: int
    apologies: int
    absent: int
    guest: int
    actions_owned: int
    roles: list[str]
    first_seen: str | None
    last_seen: str | None
    meeting_ids: list[int]


@dataclass
class ThemeCount(_Row):
    period: str
    label: str
    sections: int
    meetings: int


@dataclass
class DocumentRow(_Row):
    id: int
    path: str
    content_hash: str
    format: str | None
    status: str
    error: str | None
    pages: int | None
    pipeline_version: str | None
    tagged_at: str
    meeting_id: int | None
    title: str | None
    meeting_date: str | None


@dataclass
class Counts(_Row):
    documents: int
    success: int
    partial: int
    failed: int
    skipped: int
    meetings: int
    sections: int
    actions: int
    decisions: int
    people: int
    embeddings: int


# -------------------------------------------------------------------------------------- migrations

_SCHEMA = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    format TEXT,
    status TEXT NOT NULL CHECK (status IN ('SUCCESS', 'PARTIAL', 'FAILED', 'SKIPPED')),
    error TEXT,
    pages INTEGER,
    pipeline_version TEXT,
    models TEXT,                       -- JSON {name: version}
    tagged_at TEXT NOT NULL
);
CREATE INDEX documents_path ON documents(path);
CREATE INDEX documents_status ON documents(status, pipeline_version);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
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
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
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
    section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,  -- denormalised for by-period counts
    label TEXT NOT NULL COLLATE NOCASE,
    score REAL,
    PRIMARY KEY (section_id, label)
);
CREATE INDEX section_themes_label ON section_themes(label, section_id);
CREATE INDEX section_themes_meeting ON section_themes(meeting_id, label);

CREATE TABLE embeddings (
    section_id INTEGER PRIMARY KEY REFERENCES sections(id) ON DELETE CASCADE,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL               -- dim little-endian float32
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]', -- JSON list
    roles TEXT NOT NULL DEFAULT '[]'    -- JSON list
);
CREATE INDEX people_meeting ON people(meeting_id);
CREATE INDEX people_name_key ON people(name_key);

CREATE TABLE person_names (             -- every key a person can be found by in one meeting
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
    name_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('name', 'alias', 'owner'))
);
CREATE INDEX person_names_key ON person_names(name_key, meeting_id);
CREATE INDEX person_names_person ON person_names(person_id);
CREATE INDEX person_names_meeting ON person_names(meeting_id);

CREATE TABLE attendance (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    note TEXT
);
CREATE INDEX attendance_meeting ON attendance(meeting_id);
CREATE INDEX attendance_person ON attendance(person_id);

CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
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
    closed_by_action_id INTEGER REFERENCES actions(id) ON DELETE SET NULL,
    page INTEGER,
    char_start INTEGER,
    char_end INTEGER
);
CREATE INDEX actions_meeting ON actions(meeting_id);
CREATE INDEX actions_open ON actions(done, closed_by_action_id, due_date);
CREATE INDEX actions_closed_by ON actions(closed_by_action_id);

CREATE TABLE action_owners (
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    resolved INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX action_owners_key ON action_owners(name_key);
CREATE INDEX action_owners_person ON action_owners(person_id);
CREATE INDEX action_owners_action ON action_owners(action_id);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
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

_FTS = """
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

_VIEWS = """
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
    ``store_pg.PG_DDL``."""

    sqlite: "Migration"
    postgresql: "Migration | None" = None


Migration = Union[str, Callable[[Any], None], PerBackend]  # a callable gets the backend's DB-API connection

# Ordered, append-only: never edit or reorder an applied migration; add a new one at the end.
MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_schema", PerBackend(_SCHEMA)),
    ("0002_fts", PerBackend(_FTS)),
    ("0003_views", PerBackend(_VIEWS)),
]


def _statements(sql: str) -> Iterator[str]:
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


# ---------------------------------------------------------------------------------- SQLite backend


@dataclass
class Filters:
    theme: str | None = None
    person_keys: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    doc_format: str | None = None  # documents.format (pdf, docx, html, markdown, text)

    @property
    def empty(self) -> bool:
        return not (self.theme or self.person_keys or self.since or self.until or self.doc_format)


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
    """All SQL of the archive. ``store_pg.PostgresBackend`` implements the same methods."""

    name = "sqlite"
    Error = sqlite3.Error

    def __init__(self, path: Path, conn: sqlite3.Connection, *, readonly: bool):
        self.path = path
        self.conn = conn
        self.readonly = readonly

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
        known = [name for name, _ in migrations]
        if len(set(known)) != len(known):
            raise ArchiveError(self.path, "two migrations share a name", "this is a bug in minutebook; please report it")
        done = self.applied_migrations()
        unknown = [n for n in done if n not in known]
        if unknown:
            raise ArchiveError(self.path, f"the archive was written by a newer minutebook (migration {unknown[0]})",
                               "upgrade minutebook, or use a different --db")
        todo = [(n, m) for n, m in migrations if n not in done]
        if not todo:
            return []
        if self.readonly:
            raise ArchiveError(self.path, "the archive needs migrating and is open read-only",
                               "open it once for writing (e.g. minutebook tag) to upgrade it")
        self.conn.execute("CREATE TABLE IF NOT EXISTS migrations ("
                          "name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        applied = []
        for name, step in todo:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                if self.conn.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                    self.conn.execute("ROLLBACK")  # another process applied it meanwhile
                    continue
                if isinstance(step, PerBackend):
                    step = step.sqlite
                if callable(step):
                    step(self.conn)
                else:
                    for stmt in _statements(step):
                        self.conn.execute(stmt)
                self.conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, _now()))
                self.conn.execute("COMMIT")
            except sqlite3.Error as e:
                self.conn.execute("ROLLBACK")
                raise ArchiveError(self.path, f"migration {name} failed ({e})",
                                   "the archive is unchanged; report this with the archive's minutebook version") from e
            applied.append(name)
        return applied

    def check_schema(self) -> None:
        if "0001_schema" not in self.applied_migrations():
            raise ArchiveError(self.path, "this file is not a minutebook archive (no schema)",
                               "pass the right --db, or open it for writing to create the archive")

    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    # ---- writing (called inside a transaction)

    def existing_status(self, content_hash: str) -> str | None:
        r = self.conn.execute("SELECT status FROM documents WHERE content_hash = ?", (content_hash,)).fetchone()
        return r[0] if r else None

    def document_id(self, content_hash: str) -> int | None:
        r = self.conn.execute("SELECT id FROM documents WHERE content_hash = ?", (content_hash,)).fetchone()
        return int(r[0]) if r else None

    def delete_document(self, content_hash: str, path: str) -> None:
        """Remove the rows for this content, and for an older content of the same file path."""
        self.conn.execute("DELETE FROM documents WHERE content_hash = ? OR path = ?", (content_hash, path))

    def insert_document(self, r: TaggedDocument, *, pages: int | None, models: dict[str, str]) -> int:
        cur = self.conn.execute(
            "INSERT INTO documents (path, content_hash, format, status, error, pages, pipeline_version, models, "
            "tagged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (r.path, r.content_hash, r.format, r.status, r.error, pages, r.pipeline_version,
             json.dumps(models, sort_keys=True), _now()))
        return int(cur.lastrowid)

    def insert_row(self, table: str, row: dict[str, Any]) -> int:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cur = self.conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))
        return int(cur.lastrowid)

    def insert_rows(self, table: str, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows in order; their ids."""
        return [self.insert_row(table, r) for r in rows]

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        cols = list(rows[0])
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
        self.conn.executemany(sql, [tuple(r[c] for c in cols) for r in rows])

    def action_candidates(self, words: Iterable[str], meeting_id: int) -> list[sqlite3.Row]:
        """Actions of other dated meetings sharing a word with the task (via actions_fts)."""
        match = fts_query(" ".join(sorted(words)), any_term=True)
        if not match:
            return []
        return self.conn.execute(
            "SELECT a.id, a.task, a.done, a.closed_by_action_id, m.meeting_date, "
            "(SELECT m2.meeting_date FROM actions c JOIN meetings m2 ON m2.id = c.meeting_id "
            " WHERE c.id = a.closed_by_action_id) AS closer_date "
            "FROM actions_fts JOIN actions a ON a.id = actions_fts.rowid JOIN meetings m ON m.id = a.meeting_id "
            "WHERE actions_fts MATCH ? AND a.meeting_id != ? AND m.meeting_date IS NOT NULL "
            "ORDER BY bm25(actions_fts) LIMIT 200", (match, meeting_id)).fetchall()

    def set_closed_by(self, action_id: int, closer_id: int) -> None:
        self.conn.execute("UPDATE actions SET closed_by_action_id = ? WHERE id = ?", (closer_id, action_id))

    # ---- reading

    def seen(self, content_hash: str, pipeline_version: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM documents WHERE content_hash = ? AND pipeline_version = ? "
            "AND status IN ('SUCCESS', 'PARTIAL')", (content_hash, pipeline_version)).fetchone() is not None

    def documents(self, status: str | None = None) -> list[sqlite3.Row]:
        sql = ("SELECT d.*, m.id AS meeting_id, m.title, m.meeting_date FROM documents d "
               "LEFT JOIN meetings m ON m.document_id = d.id")
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

    def text_query(self, query: str | None, *, any_term: bool = False) -> str | None:
        """The backend's form of the user's text (an FTS5 MATCH expression), or None."""
        return fts_query(query, any_term=any_term)

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

    def all_embeddings(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT section_id, dim, vector FROM embeddings ORDER BY section_id").fetchall()

    def section_details(self, ids: Sequence[int]) -> dict[int, sqlite3.Row]:
        out: dict[int, sqlite3.Row] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ", ".join("?" for _ in chunk)
            for r in self.conn.execute(
                    "SELECT s.id, s.meeting_id, s.heading, s.text, s.summary, s.page, s.char_start, s.char_end, "
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
                   "LEFT JOIN meetings m ON m.document_id = d.id")

    def document_row(self, document_id: int) -> sqlite3.Row | None:
        return self.conn.execute(self._DOC_SELECT + " WHERE d.id = ?", (document_id,)).fetchone()

    def meeting_document_row(self, meeting_id: int) -> sqlite3.Row | None:
        return self.conn.execute(self._DOC_SELECT + " WHERE m.id = ?", (meeting_id,)).fetchone()

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


def _chunks(xs: list, n: int) -> Iterator[list]:
    for i in range(0, len(xs), n):
        yield xs[i:i + n]


# ------------------------------------------------------------------------------------------ archive


class Archive:
    """The archive of tagged minutes. Open with ``Archive.open(path)`` (a context manager)."""

    MIGRATIONS: list[tuple[str, Migration]] = MIGRATIONS
    RRF_K = 60
    W_TEXT = 1.0
    W_VECTOR = 1.0
    VECTOR_MIN_SIMILARITY = 0.25
    # "candidates": with text hits, rank vectors among the text candidates only (fast; the brief's
    # design); without text hits, over every section passing the filters. "all": always every section
    # (better recall for meaning-only matches, ~30 ms per 100k sections of 384 floats + a cache load).
    VECTOR_SCOPE = "candidates"
    SNIPPET_MARKERS = ("[", "]")

    def __init__(self, backend: "SQLiteBackend | PostgresBackend"):
        self.backend = backend
        self.path = backend.path
        self._vectors: tuple[int, dict[int, tuple["np.ndarray", "np.ndarray"]]] | None = None

    # ---- lifecycle

    @classmethod
    def open(cls, path: str | Path | None = None, *, readonly: bool = False) -> "Archive":
        """``path``: a SQLite file, or a ``postgresql://user[:password]@host[:port]/dbname`` URL (see
        ``store_pg``); None = ``$MINUTEBOOK_DB`` (a path or a URL), else the default file."""
        target = path if path else os.environ.get("MINUTEBOOK_DB") or None
        backend: SQLiteBackend | PostgresBackend
        if isinstance(target, str) and target.startswith(("postgresql://", "postgres://")):
            from pipeline.archive.postgres import PostgresBackend

            backend = PostgresBackend.connect(target, readonly=readonly)
        else:
            backend = SQLiteBackend.connect(Path(path).expanduser() if path else default_db_path(),
                                            readonly=readonly)
        arch = cls(backend)
        try:
            if readonly:
                backend.check_schema()
                backend.migrate(cls.MIGRATIONS)  # applies nothing; raises if the archive needs migrating
            else:
                arch.migrate()
        except BaseException:
            backend.close()
            raise
        return arch

    def migrate(self, migrations: Sequence[tuple[str, Migration]] | None = None) -> list[str]:
        """Apply pending migrations (default ``self.MIGRATIONS``); returns the names applied."""
        return self.backend.migrate(list(migrations) if migrations is not None else self.MIGRATIONS)

    def applied_migrations(self) -> list[str]:
        return self.backend.applied_migrations()

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing

    def write(self, result: TaggedDocument) -> int:
        """Store one tagged document in one transaction; returns its ``documents.id``."""
        return self.write_many([result])[0]

    def write_many(self, results: Iterable[TaggedDocument]) -> list[int]:
        """Store several documents in one transaction (the single writer's batch commit).

        Idempotent per ``content_hash``: writing the same content again replaces its rows (as does a
        new content for the same ``path``: the file changed). FAILED and SKIPPED documents keep their
        error and no meeting; a SKIPPED write never replaces a stored SUCCESS/PARTIAL record."""
        if self.backend.readonly:
            raise ArchiveError(self.path, "the archive is open read-only", "open it without readonly to write")
        ids: list[int] = []
        self.backend.begin()
        try:
            for r in results:
                ids.append(self._write_one(r))
            self.backend.commit()
        except self.backend.Error as e:
            self.backend.rollback()
            detail = (str(e).strip().splitlines() or [type(e).__name__])[0]
            raise ArchiveError(self.path, f"could not write to the archive ({detail})") from e
        except BaseException:
            self.backend.rollback()
            raise
        finally:
            self._vectors = None
        return ids

    def _write_one(self, r: TaggedDocument) -> int:
        b = self.backend
        if r.status not in STATUSES:
            raise ArchiveError(self.path, f"unknown document status {r.status!r} for {r.path}",
                               f"use one of {', '.join(STATUSES)}")
        if r.status == "SKIPPED" and b.existing_status(r.content_hash) in GOOD_STATUSES:
            return int(b.document_id(r.content_hash))  # type: ignore[arg-type]
        b.delete_document(r.content_hash, r.path)
        m = r.meeting if r.status in GOOD_STATUSES else None
        pages = r.pages if r.pages is not None else (m.quality.pages if m else None)
        doc_id = b.insert_document(r, pages=pages, models=dict(m.models) if m else {})
        if m is not None:
            self._write_meeting(doc_id, r, m)
        return doc_id

    def _write_meeting(self, doc_id: int, r: TaggedDocument, m: Meeting) -> None:
        import numpy as np

        b = self.backend
        d = _iso_or_none(m.meeting_date)
        year, month = (int(d[:4]), int(d[5:7])) if d else (None, None)
        meeting_id = b.insert_row("meetings", {
            "document_id": doc_id, "title": m.title, "meeting_date": d, "year": year, "month": month,
            "quarter": (month - 1) // 3 + 1 if month else None, "record_json": m.model_dump_json()})

        # sections: the tree, or one section for the whole document when there is none
        tree = m.section_tree
        summaries = {s.section_index: s.summary for s in m.summaries}
        texts = _section_texts(r, m)
        if tree:
            section_ids = b.insert_rows("sections", [{
                "meeting_id": meeting_id, "idx": i, "number": h.number, "heading": h.heading, "level": h.level,
                "parent_idx": h.parent, "text": texts[i], "summary": summaries.get(i), "page": h.provenance.page,
                "char_start": h.body_start, "char_end": h.body_end} for i, h in enumerate(tree)])
        else:
            section_ids = [b.insert_row("sections", {
                "meeting_id": meeting_id, "idx": 0, "number": None, "heading": m.title or Path(r.path).name,
                "level": 1, "parent_idx": None, "text": texts[0], "summary": summaries.get(0), "page": None,
                "char_start": 0, "char_end": len(r.text) if r.text else None})]

        # themes: theme_detail (with scores), else the {heading: labels} map
        theme_rows: dict[tuple[int, str], float | None] = {}
        for st in m.theme_detail:
            if 0 <= st.section_index < len(section_ids):
                for lab in st.labels:
                    theme_rows[(section_ids[st.section_index], lab.label)] = lab.score
        if not m.theme_detail:
            by_heading = {h.heading: i for i, h in reversed(list(enumerate(tree)))}
            for heading, labels in m.themes.items():
                i = by_heading.get(heading)
                if i is not None:
                    for lab in labels:
                        theme_rows.setdefault((section_ids[i], lab), None)
        b.insert_many("section_themes", [{"section_id": s, "meeting_id": meeting_id, "label": lab, "score": sc}
                                         for (s, lab), sc in theme_rows.items()])

        # embeddings
        if r.section_vectors is not None:
            vecs = np.asarray(r.section_vectors, dtype="<f4")
            if vecs.ndim == 1:
                vecs = vecs.reshape(1, -1)
            if len(vecs) != len(section_ids):
                raise ArchiveError(self.path, f"{r.path}: {len(vecs)} section vectors for {len(section_ids)} sections",
                                   "pass one vector per entry of meeting.section_tree")
            b.insert_many("embeddings", [{"section_id": s, "dim": int(v.shape[0]), "vector": v.tobytes()}
                                         for s, v in zip(section_ids, vecs)])

        # people, their keys, attendance
        key_to_person: dict[str, int] = {}
        name_rows: list[dict[str, Any]] = []
        pids = b.insert_rows("people", [{"meeting_id": meeting_id, "name": p.name, "name_key": name_key(p.name),
                                         "aliases": json.dumps(p.aliases), "roles": json.dumps(p.roles)}
                                        for p in m.people])
        for p, pid in zip(m.people, pids):
            keys = {name_key(p.name): "name"}
            for a in p.aliases:
                keys.setdefault(name_key(a), "alias")
            for k, kind in keys.items():
                if k:
                    key_to_person.setdefault(k, pid)
                    name_rows.append({"meeting_id": meeting_id, "person_id": pid, "name_key": k, "kind": kind})
        att_rows = []
        for e in m.attendance:
            att_rows.append({"meeting_id": meeting_id, "person_id": key_to_person.get(name_key(e.name)),
                             "name": e.name, "role": e.role, "note": e.note})
        b.insert_many("attendance", att_rows)

        # actions and their owners
        new_actions: list[tuple[int, frozenset[str], bool]] = []
        owner_rows: list[dict[str, Any]] = []
        aids = b.insert_rows("actions", [{
            "meeting_id": meeting_id, "section_idx": _section_of(tree, a.provenance.start, a.section),
            "section": a.section, "owner": "; ".join(a.owner) or None,
            "owner_resolved": "; ".join(a.owner_resolved) or None, "task": a.task, "due": a.due,
            "due_text": a.due_text, "due_date": _iso_or_none(a.due), "explicit": int(a.explicit),
            "confidence": a.confidence, "status": a.status, "done": int(is_done_status(a.status)),
            "page": a.provenance.page, "char_start": a.provenance.start, "char_end": a.provenance.end}
            for a in m.actions])
        for a, aid in zip(m.actions, aids):
            done = is_done_status(a.status)
            new_actions.append((aid, task_words(a.task), done))
            seen_keys: set[str] = set()
            for nm, resolved in [(n, 1) for n in a.owner_resolved] + [(n, 0) for n in a.owner]:
                k = name_key(nm)
                if not k or k in seen_keys:
                    continue
                seen_keys.add(k)
                pid = key_to_person.get(k)
                owner_rows.append({"action_id": aid, "person_id": pid, "name": nm, "name_key": k, "resolved": resolved})
                if pid is None and not any(x["name_key"] == k and x["meeting_id"] == meeting_id for x in name_rows):
                    name_rows.append({"meeting_id": meeting_id, "person_id": None, "name_key": k, "kind": "owner"})
        b.insert_many("action_owners", owner_rows)
        b.insert_many("person_names", name_rows)

        b.insert_many("decisions", [{
            "meeting_id": meeting_id, "section_idx": _section_of(tree, x.provenance.start, x.section),
            "section": x.section, "kind": x.kind, "text": x.text, "mover": x.mover, "seconder": x.seconder,
            "result": x.result, "page": x.provenance.page, "char_start": x.provenance.start,
            "char_end": x.provenance.end} for x in m.decisions])

        if d:
            self._link_actions(meeting_id, d, new_actions)

    def _link_actions(self, meeting_id: int, meeting_date: str, new: list[tuple[int, frozenset[str], bool]]) -> None:
        """Close actions across meetings: an open action of an earlier meeting is closed by a later
        meeting's action with the same task (``same_task``) whose status is done. Both directions, so
        the order documents are written in does not matter; the earliest closing meeting wins."""
        b = self.backend
        for aid, words, done in new:
            if not words:
                continue
            similar = [c for c in b.action_candidates(words, meeting_id) if same_task(words, task_words(c["task"]))]
            if done:  # close earlier open actions (unless an even earlier meeting already closed them)
                for c in similar:
                    if c["meeting_date"] < meeting_date and not c["done"] and (
                            c["closed_by_action_id"] is None or (c["closer_date"] or "9999") > meeting_date):
                        b.set_closed_by(c["id"], aid)
            else:  # closed already by a later meeting written before this one
                closers = [c for c in similar if c["done"] and c["meeting_date"] > meeting_date]
                if closers:
                    first = min(closers, key=lambda c: (c["meeting_date"], c["id"]))
                    b.set_closed_by(aid, first["id"])

    # ---- simple reads

    def seen(self, content_hash: str, pipeline_version: str = PIPELINE_VERSION) -> bool:
        """True when this content is stored as SUCCESS/PARTIAL by the same pipeline version."""
        return self.backend.seen(content_hash, pipeline_version)

    def documents(self, *, status: str | None = None) -> list[DocumentRow]:
        return [DocumentRow(id=r["id"], path=r["path"], content_hash=r["content_hash"], format=r["format"],
                            status=r["status"], error=r["error"], pages=r["pages"],
                            pipeline_version=r["pipeline_version"], tagged_at=r["tagged_at"],
                            meeting_id=r["meeting_id"], title=r["title"], meeting_date=r["meeting_date"])
                for r in self.backend.documents(status)]

    def counts(self) -> Counts:
        return Counts(**self.backend.counts())

    def meeting(self, meeting_id: int) -> Meeting | None:
        """The full stored ``Meeting`` record."""
        js = self.backend.meeting_json(meeting_id)
        return Meeting.model_validate_json(js) if js else None

    # ---- search

    def search(self, query: str | None = None, *, theme: str | None = None, person: str | None = None,
               since: str | date | None = None, until: str | date | None = None, limit: int = 20,
               query_vector: Any = None, doc_format: str | None = None) -> list[Hit]:
        """Hybrid search over sections (see the module doc for the ranking). Never raises on odd text.
        ``doc_format`` keeps only documents read as that format (pdf, docx, html, markdown, text)."""
        f = Filters(theme=theme or None, person_keys=self._person_keys(person) if person else (),
                    since=_date_bound(since, upper=False, path=self.path),
                    until=_date_bound(until, upper=True, path=self.path), doc_format=doc_format or None)
        if person and not f.person_keys:
            return []
        limit = max(1, int(limit))
        k = max(limit * 5, 100)
        text_rows: list[Any] = []
        match = None
        for any_term in (False, True):
            match = self.backend.text_query(query, any_term=any_term)
            if not match:
                break
            text_rows = self.backend.text_ranked(match, f, k)
            if text_rows or len(fts_terms(query)) < 2:
                break
        vec_ranked: list[tuple[int, float]] = []
        if query_vector is not None:
            candidates = [r["section_id"] for r in text_rows]
            if self.VECTOR_SCOPE == "all" or not candidates:
                vec_ranked = self._vector_ranked(query_vector, f, k)
            else:
                vec_ranked = self._vector_ranked(query_vector, f, k, candidates=candidates)

        scores: dict[int, float] = {}
        info: dict[int, dict[str, Any]] = {}
        for rank, row in enumerate(text_rows, 1):
            sid = row["section_id"]
            scores[sid] = scores.get(sid, 0.0) + self.W_TEXT / (self.RRF_K + rank)
            info.setdefault(sid, {}).update(text_rank=rank, bm25=row["bm25"])
        for rank, (sid, sim) in enumerate(vec_ranked, 1):
            scores[sid] = scores.get(sid, 0.0) + self.W_VECTOR / (self.RRF_K + rank)
            info.setdefault(sid, {}).update(vector_rank=rank, similarity=sim)
        if not scores and not fts_terms(query) and query_vector is None and not f.empty:
            # filters only: newest sections first
            for sid in self.backend.filtered_section_ids(f, limit):
                scores[sid] = 0.0
                info[sid] = {}
        order = {sid: i for i, sid in enumerate(scores)}  # ties keep text order, then vector order
        best = sorted(scores, key=lambda s: (-scores[s], order[s]))[:limit]
        details = self.backend.section_details(best)
        snippets = self.backend.snippets(match, [s for s in best if "text_rank" in info[s]],
                                         self.SNIPPET_MARKERS) if match else {}
        hits = []
        for sid in best:
            r = details[sid]
            i = info[sid]
            snippet = snippets.get(sid) or _best_sentence(r["text"] or r["summary"] or r["heading"], query)
            hits.append(Hit(
                meeting_id=r["meeting_id"], section_id=sid, title=r["title"], meeting_date=r["meeting_date"],
                heading=r["heading"], snippet=snippet, score=round(scores[sid], 6),
                provenance=Provenance(path=r["path"], page=r["page"], start=r["char_start"], end=r["char_end"]),
                bm25=i.get("bm25"), similarity=i.get("similarity"), text_rank=i.get("text_rank"),
                vector_rank=i.get("vector_rank"), themes=(r["labels"] or "").split("|") if r["labels"] else []))
        return hits

    def _vector_matrix(self) -> dict[int, tuple["np.ndarray", "np.ndarray"]]:
        """{dim: (section ids, row-normalised float32 matrix)}, cached until the database changes."""
        import numpy as np

        version = self.backend.data_version()
        if self._vectors is not None and self._vectors[0] == version:
            return self._vectors[1]
        groups: dict[int, tuple[list[int], list[bytes]]] = {}
        for r in self.backend.all_embeddings():
            ids, blobs = groups.setdefault(r["dim"], ([], []))
            ids.append(r["section_id"])
            blobs.append(r["vector"])
        out = {}
        for dim, (ids, blobs) in groups.items():
            mat = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(ids), dim).astype(np.float32)
            norms = np.linalg.norm(mat, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            out[dim] = (np.asarray(ids, dtype=np.int64), mat / norms)
        self._vectors = (version, out)
        return out

    def _vector_ranked(self, query_vector: Any, f: Filters, k: int,
                       candidates: Sequence[int] | None = None) -> list[tuple[int, float]]:
        """Sections by cosine with the query vector: over ``candidates`` (already filtered), else over
        every section passing the filters (the cached matrix)."""
        import numpy as np

        q = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(q))
        if not q.size or norm == 0 or not math.isfinite(norm):
            return []
        if candidates is not None:
            rows = [r for r in self.backend.embeddings_of(candidates) if r["dim"] == q.shape[0]]
            if not rows:
                return []
            ids = np.asarray([r["section_id"] for r in rows], dtype=np.int64)
            mat = np.frombuffer(b"".join(r["vector"] for r in rows), dtype="<f4").reshape(len(rows), -1)
            mat = mat / np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-12)
        else:
            group = self._vector_matrix().get(int(q.shape[0]))
            if group is None:
                return []
            ids, mat = group
        sims = mat @ (q / norm)
        if candidates is None and not f.empty:
            allowed = np.asarray(self.backend.filtered_section_ids(f), dtype=np.int64)
            sims = np.where(np.isin(ids, allowed), sims, -np.inf)
        top = np.argpartition(-sims, k - 1)[:k] if len(sims) > k else np.arange(len(sims))
        order = top[np.argsort(-sims[top], kind="stable")]
        return [(int(ids[j]), round(float(sims[j]), 6)) for j in order if sims[j] >= self.VECTOR_MIN_SIMILARITY]

    def _person_keys(self, name: str) -> tuple[str, ...]:
        """The keys a name is found by: its own key plus the aliases that stand for it alone (the
        same evidence rule as ``people``), so 'Jane Smith' also finds a later meeting's 'Jane'."""
        key = name_key(name)
        if not key:
            return ()
        return (key, *sorted(set(self.backend.alias_keys(key)) - {key}))

    # ---- actions

    def actions(self, *, owner: str | None = None, open_only: bool = False,
                due_before: str | date | None = None) -> list[ActionRow]:
        """Actions across meetings. An action is open until its own status or a later meeting's
        action with the same task (see ``same_task``) records it done."""
        keys = self._person_keys(owner) if owner else ()
        if owner and not keys:
            return []
        before = _date_bound(due_before, upper=False, path=self.path) if due_before else None
        out = []
        for r in self.backend.actions(owner_keys=keys, open_only=open_only, due_before=before):
            out.append(ActionRow(
                id=r["id"], meeting_id=r["meeting_id"], title=r["title"], meeting_date=r["meeting_date"],
                section=r["section"], owner=_split(r["owner"]), owner_resolved=_split(r["owner_resolved"]),
                task=r["task"], due=r["due"], due_text=r["due_text"], due_date=r["due_date"],
                explicit=bool(r["explicit"]), confidence=r["confidence"], status=r["status"], done=bool(r["done"]),
                open=not r["done"] and r["closed_by_action_id"] is None,
                closed_by_action_id=r["closed_by_action_id"], closed_on=r["closed_on"],
                provenance=Provenance(path=r["path"], page=r["page"], start=r["char_start"], end=r["char_end"])))
        return out

    # ---- people

    def people(self, *, name: str | None = None) -> list[PersonRow]:
        """People across meetings. Entries merge when they share a ``name_key``, or when one's key is
        an alias another meeting's people entry gives for exactly one full name ('Graham' listed as
        an alias of 'Graham Hart'); an alias given for two different full names merges nothing.
        Two full names are never merged by similarity ('Laura Crane' / 'Laura Cream')."""
        from pipeline.detect.people import has_title

        rows = self.backend.people_rows()
        alias_of: dict[str, set[str]] = {}
        for r in rows:
            for a in json.loads(r["aliases"]):
                ak = name_key(a)
                if ak and ak != r["name_key"]:
                    alias_of.setdefault(ak, set()).add(r["name_key"])
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for ak, fulls in alias_of.items():
            if len(fulls) == 1:  # an alias given for two different full names merges nothing
                (fk,) = fulls
                parent[find(ak)] = find(fk)
        groups: dict[str, list[Any]] = {}
        for r in rows:
            if r["name_key"]:
                groups.setdefault(find(r["name_key"]), []).append(r)

        want = name_key(name) if name else None
        out = []
        for root, members in groups.items():
            keys = {m["name_key"] for m in members}
            aliases: set[str] = set()
            for m in members:
                aliases.add(m["name"])
                aliases.update(json.loads(m["aliases"]))
            if want and want not in keys and want not in {name_key(a) for a in aliases}:
                continue
            per_meeting: dict[int, set[str]] = {}
            roles: set[str] = set()
            owned = 0
            for m in members:
                per_meeting.setdefault(m["meeting_id"], set()).update((m["attendance"] or "").split("|") if m["attendance"] else [])
                roles.update(json.loads(m["roles"]))
                owned += m["actions_owned"]
            present = sum(1 for rs in per_meeting.values() if rs & {"present", "chair", "minutes", "officer"})
            apologies = sum(1 for rs in per_meeting.values() if "apologies" in rs)
            absent = sum(1 for rs in per_meeting.values() if "absent" in rs)
            guest = sum(1 for rs in per_meeting.values() if "guests" in rs)
            # display name: the longest name of the root key's entries, most frequent first
            names = [m["name"] for m in members if m["name_key"] == root] or [m["name"] for m in members]
            display = max(sorted(set(names)), key=lambda n: (names.count(n), not has_title(n), len(n)))
            dates = sorted(m["meeting_date"] for m in members if m["meeting_date"])
            out.append(PersonRow(
                name=display, name_key=root, aliases=sorted(aliases - {display}), meetings=len(per_meeting),
                present=present, apologies=apologies, absent=absent, guest=guest, actions_owned=owned,
                roles=sorted(roles), first_seen=dates[0] if dates else None, last_seen=dates[-1] if dates else None,
                meeting_ids=sorted(per_meeting)))
        out.sort(key=lambda p: (-p.meetings, p.name_key))
        return out

    # ---- themes

    def themes(self, *, by: str = "month") -> list[ThemeCount]:
        """Sections (and meetings) per theme label per period: month '2024-06', quarter '2024-Q2',
        year '2024'. Meetings without a date are left out."""
        if by not in ("month", "quarter", "year"):
            raise ValueError(f"by must be 'month', 'quarter' or 'year', not {by!r}")
        return [ThemeCount(period=r["period"], label=r["label"], sections=r["sections"], meetings=r["meetings"])
                for r in self.backend.theme_counts(by)]


    # ---- web pages (``minutebook serve``, pipeline/web). Added for the web application; each read
    # goes through the SQLiteBackend methods of the block with the same title.

    ACTION_STATES = ("open", "overdue", "done", "all")

    def document(self, document_id: int) -> DocumentRow | None:
        """One stored document by its id."""
        r = self.backend.document_row(int(document_id))
        return _document_row(r) if r else None

    def meeting_document(self, meeting_id: int) -> DocumentRow | None:
        """The document a meeting was read from."""
        r = self.backend.meeting_document_row(int(meeting_id))
        return _document_row(r) if r else None

    def change_marker(self) -> tuple:
        """A value that changes whenever the archive's content changes (a document is written or
        replaced): lets a long-running reader cache aggregate queries (theme trends, facet lists)."""
        return self.backend.change_marker()

    def theme_labels(self) -> list[tuple[str, int]]:
        """Every theme label in the archive with its number of sections, most used first."""
        return self.backend.label_counts()

    def formats(self) -> list[tuple[str, int]]:
        """The document formats of the stored meetings with their counts."""
        return self.backend.format_counts()

    def action_board(self, *, owner: str | None = None, state: str = "open", today: str | date | None = None,
                     limit: int = 50, offset: int = 0) -> "ActionBoard":
        """One page of the actions board: actions in ``state`` ('open', 'overdue' = open and due
        before ``today``, 'done', 'all'), optionally of one ``owner`` (names and aliases match as in
        ``actions``), with the count of every state for the same owner."""
        if state not in self.ACTION_STATES:
            raise ValueError(f"state must be one of {self.ACTION_STATES}, not {state!r}")
        day = _date_bound(today, upper=False, path=self.path) if today else date.today().isoformat()
        keys = self._person_keys(owner) if owner else ()
        if owner and not keys:
            return ActionBoard(rows=[], counts={s: 0 for s in self.ACTION_STATES}, state=state, today=day)
        rows = self.backend.action_page(owner_keys=keys, state=state, today=day, limit=max(1, int(limit)),
                                        offset=max(0, int(offset)))
        return ActionBoard(rows=[_action_row(r) for r in rows],
                           counts=self.backend.action_state_counts(owner_keys=keys, today=day), state=state, today=day)

    def person_index(self, query: str | None = None, *, limit: int = 100) -> list["PersonName"]:
        """Names in the archive (one per name key, not merged by alias), those whose key contains the
        key of ``query`` when given, most meetings first."""
        part = name_key(query) if query and query.strip() else None
        if query and query.strip() and not part:
            return []
        return [PersonName(name=r["name"], name_key=r["name_key"], meetings=r["meetings"])
                for r in self.backend.person_index_rows(part, max(1, int(limit)))]

    def person(self, name: str) -> "PersonRecord | None":
        """One person, merged as ``people`` merges them (the name's key and the aliases that stand
        for it alone; an alias given for exactly one full name finds that person), with the meetings
        they appear in. Reads only that person's rows, so it is fast on a large archive. (Unlike
        ``people`` it follows one alias step, not chains of aliases of aliases.)"""
        key = name_key(name or "")
        if not key:
            return None
        fulls = self.backend.full_name_keys_for_alias(key)
        if len(fulls) == 1:  # an alias given for exactly one full name is that person (as in ``people``)
            key = fulls[0]
        elif not self.backend.has_person_key(key):
            return None
        keys = self._person_keys_of_key(key)
        rows = self.backend.people_rows_for(keys)
        if not rows:
            return None
        from pipeline.detect.people import has_title

        aliases: set[str] = set()
        roles: set[str] = set()
        per_meeting: dict[int, set[str]] = {}
        info: dict[int, tuple[str | None, str | None]] = {}
        owned = 0
        for m in rows:
            aliases.add(m["name"])
            aliases.update(json.loads(m["aliases"]))
            roles.update(json.loads(m["roles"]))
            per_meeting.setdefault(m["meeting_id"], set()).update(
                (m["attendance"] or "").split("|") if m["attendance"] else [])
            info[m["meeting_id"]] = (m["title"], m["meeting_date"])
            owned += m["actions_owned"]
        names = [m["name"] for m in rows if m["name_key"] == key] or [m["name"] for m in rows]
        display = max(sorted(set(names)), key=lambda n: (names.count(n), not has_title(n), len(n)))
        dates = sorted(d for _, d in info.values() if d)
        person = PersonRow(
            name=display, name_key=key, aliases=sorted(aliases - {display}), meetings=len(per_meeting),
            present=sum(1 for rs in per_meeting.values() if rs & {"present", "chair", "minutes", "officer"}),
            apologies=sum(1 for rs in per_meeting.values() if "apologies" in rs),
            absent=sum(1 for rs in per_meeting.values() if "absent" in rs),
            guest=sum(1 for rs in per_meeting.values() if "guests" in rs), actions_owned=owned, roles=sorted(roles),
            first_seen=dates[0] if dates else None, last_seen=dates[-1] if dates else None,
            meeting_ids=sorted(per_meeting))
        meetings = [PersonMeeting(meeting_id=mid, title=info[mid][0], meeting_date=info[mid][1],
                                  roles=sorted(r for r in per_meeting[mid] if r))
                    for mid in sorted(per_meeting, key=lambda i: (info[i][1] or "", i), reverse=True)]
        return PersonRecord(person=person, meetings=meetings)

    def _person_keys_of_key(self, key: str) -> tuple[str, ...]:
        return (key, *sorted(set(self.backend.alias_keys(key)) - {key}))


# ------------------------------------------------------------------- web pages: rows and helpers


@dataclass
class ActionBoard(_Row):
    rows: list[ActionRow]
    counts: dict[str, int]  # {'open', 'overdue', 'done', 'all'} -> actions in that state (same owner filter)
    state: str
    today: str


@dataclass
class PersonName(_Row):
    name: str
    name_key: str
    meetings: int


@dataclass
class PersonMeeting(_Row):
    meeting_id: int
    title: str | None
    meeting_date: str | None
    roles: list[str]  # attendance roles in that meeting (present, apologies, chair...); [] when only mentioned


@dataclass
class PersonRecord(_Row):
    person: PersonRow
    meetings: list[PersonMeeting]  # newest first


def _document_row(r: Any) -> DocumentRow:
    return DocumentRow(id=r["id"], path=r["path"], content_hash=r["content_hash"], format=r["format"],
                       status=r["status"], error=r["error"], pages=r["pages"], pipeline_version=r["pipeline_version"],
                       tagged_at=r["tagged_at"], meeting_id=r["meeting_id"], title=r["title"],
                       meeting_date=r["meeting_date"])


def _action_row(r: Any) -> ActionRow:
    return ActionRow(
        id=r["id"], meeting_id=r["meeting_id"], title=r["title"], meeting_date=r["meeting_date"], section=r["section"],
        owner=_split(r["owner"]), owner_resolved=_split(r["owner_resolved"]), task=r["task"], due=r["due"],
        due_text=r["due_text"], due_date=r["due_date"], explicit=bool(r["explicit"]), confidence=r["confidence"],
        status=r["status"], done=bool(r["done"]), open=not r["done"] and r["closed_by_action_id"] is None,
        closed_by_action_id=r["closed_by_action_id"], closed_on=r["closed_on"],
        provenance=Provenance(path=r["path"], page=r["page"], start=r["char_start"], end=r["char_end"]))


# ------------------------------------------------------------------------------------ small helpers


def _split(joined: str | None) -> list[str]:
    return [x for x in (joined or "").split("; ") if x]


def _section_texts(r: TaggedDocument, m: Meeting) -> list[str]:
    """Each section's own text (its body up to its first sub-section), aligned with section_tree."""
    tree = m.section_tree
    n = max(len(tree), 1)
    if r.section_texts is not None and len(r.section_texts) == len(tree) and tree:
        return [t or "" for t in r.section_texts]
    if r.text is not None:
        if not tree:
            return [r.text]
        out = []
        for i, h in enumerate(tree):
            end = h.body_end
            children = [t for t in tree if t.parent == i]
            if children:
                end = min(end, children[0].provenance.start)
            out.append(r.text[h.body_start:end].strip())
        return out
    # no text: what the record itself says about each section
    parts: list[list[str]] = [[] for _ in range(n)]
    for s in m.summaries:
        if 0 <= s.section_index < n:
            parts[s.section_index].append(s.summary)
    for st in m.theme_detail:
        if 0 <= st.section_index < n:
            for lab in st.labels:
                parts[st.section_index].extend(e.text for e in lab.evidence)
    for a in m.actions:
        parts[_section_of(tree, a.provenance.start, a.section) or 0].append(a.task)
    for x in m.decisions:
        parts[_section_of(tree, x.provenance.start, x.section) or 0].append(x.text)
    return [" ".join(dict.fromkeys(p)) for p in parts]


def _section_of(tree: list, start: int | None, heading: str | None) -> int | None:
    """The deepest section whose body holds offset ``start``; else the first with that heading."""
    best = None
    if start is not None:
        for i, h in enumerate(tree):
            if h.body_start <= start < h.body_end and (best is None or h.level >= tree[best].level):
                best = i
    if best is None and heading:
        best = next((i for i, h in enumerate(tree) if h.heading == heading), None)
    return best


def _date_bound(value: str | date | None, *, upper: bool, path: Path) -> str | None:
    """'2024' / '2024-06' / '2024-06-03' / a date -> an ISO bound; a partial date covers its whole
    year or month ('until 2024-06' includes 30 June)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    s = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", s)
    try:
        if not m:
            raise ValueError(s)
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        if d:
            return date(y, int(mo), int(d)).isoformat()
        if mo:
            date(y, int(mo), 1)
            return f"{y:04d}-{int(mo):02d}-{'31' if upper else '01'}"
        return f"{y:04d}-{'12-31' if upper else '01-01'}"
    except ValueError:
        raise ArchiveError(path, f"{s!r} is not a date", "write dates as YYYY, YYYY-MM or YYYY-MM-DD") from None


_SENT = re.compile(r"(?<=[.!?])\s+")


def _best_sentence(text: str, query: str | None, width: int = 200) -> str:
    """For a vector-only hit: the sentence sharing most words with the query (else the first)."""
    sents = [s.strip() for s in _SENT.split(text or "") if s.strip()] or [text or ""]
    qw = {w.lower() for w in _WORD.findall(query or "")}
    best = max(sents, key=lambda s: len(qw & {w.lower() for w in _WORD.findall(s)})) if qw else sents[0]
    return best if len(best) <= width else best[: width - 1].rstrip() + "…"
