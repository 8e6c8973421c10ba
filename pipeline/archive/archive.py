"""The archive: years of tagged minutes in one SQLite file (or a PostgreSQL database, see
``pipeline.archive.postgres``), searchable by text, theme, person and date.

Layout
------
``Archive`` is the public API (the CLI and users' code call it). Everything that is SQL lives in
``SQLiteBackend``: the schema and its migrations, every query (parameterised), FTS5 and the write
path. ``Archive`` keeps the backend-neutral logic in Python: rank fusion, people merging, action
closing. ``pipeline.archive.postgres.PostgresBackend`` implements the same methods for PostgreSQL (``tsvector`` /
``ts_rank`` for text, the same numpy brute force for vectors); ``Archive.open("postgresql://...")``
picks it.

One writer per SQLite file: parallel workers return ``TaggedDocument``s and one process calls
``Archive.write_many`` in batches (WAL mode lets readers search meanwhile). A batch's rows are inserted table by table
and its actions linked per series (``_link_series``) in the same transaction.

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
Up to three ranked lists are fused with reciprocal-rank fusion (RRF, k = 60):

    score(section) = W_TEXT / (60 + text_rank) + W_VECTOR / (60 + vector_rank)
                     + W_THEME * share / (60 + theme_rank)

Text: the query's function words are left out (``query.parse_query``) and every other word is
optional (FTS5 OR; PostgreSQL the same through ``tsquery``); the best K = max(5 * limit, 100) sections
by ``bm25()`` (weights heading 3, text 1, summary 1.5) are fetched, plus the best K holding every word.
They are re-ranked by bm25 relative to the best + B_ALL * (share of the query's words held)^2 +
B_PHRASE * (the words in order) + B_HEADING * (share of the words in the heading), words compared by
their Snowball stems (``ranking.text_match``); ``text_rank`` is the position in that order.
Vectors: cosine similarity between ``query_vector`` and every section passing the filters (brute force,
numpy, a normalised matrix cached per connection until the database changes; from ``vectors.ANN_MIN``
sections on, an HNSW index instead, see ``pipeline.archive.vectors``), the best K with
similarity >= ``VECTOR_MIN_SIMILARITY`` (0.25). Themes: a query that names or paraphrases labels of the
taxonomy (the words of a label's name, description and examples, ``ranking.ThemeIndex``) adds, per
label, its best K sections by label score with ``share`` the part of the query the label covers
(``Hit.boosted_themes``; ``theme_boost=False`` or a ``theme`` filter turns it off). A list a section is
missing from contributes nothing. The weights are chosen on bench/search_judgments.json by
cross-validation (``python bench/bench_search.py --fit``).

A section whose body is empty (a heading whose list was read into the next section) hands its score to
the section that follows it in the same meeting. Grouping (``ranking.grouped``): a section already
shown from another file of the same minutes (same heading and opening words; ``Hit.renditions``) is
left out, and at most MAX_PER_MEETING sections of one meeting come before every other meeting's.
Snippets: FTS5 ``snippet()`` with ``[`` ``]`` around matched terms; for a hit the words did not find,
the section sentence sharing most words with the query.

The user's text is parsed once (``query.parse_query``: ``"phrases"``, ``-word``/``NOT word``, ``a OR b``,
``prefix*``) and each backend writes the parsed query in its own syntax (``Query.expression``), so any text is safe:
each word or phrase is an FTS5 string (``"co-production"`` is the phrase ``co production``) or a
``phraseto_tsquery``. Plain words rank as above; a quoted phrase is required, an OR group counts as one word of
the query, and a hit from any list (text, vector, theme) must hold the required phrases and none of the excluded
terms (``Archive._honouring``). A query of excluded terms only lists the filters' sections without them, or nothing
without filters (``Query.notice`` says why).
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from pipeline import PIPELINE_VERSION
from pipeline.archive.backend import ArchiveBackend
from pipeline.archive.query import Query, parse_query
from pipeline.archive.ranking import ThemeIndex, group_key, grouped, rendition_key, stems, text_match
from pipeline.archive.schema import MIGRATIONS, Migration
from pipeline.archive.sqlite import SQLiteBackend
from pipeline.archive.text import best_sentence, is_done_status, iso_or_none, now_utc, series_key
from pipeline.archive.types import (
    DRAFT_STATES,
    GOOD_STATUSES,
    STATUSES,
    ActionBoard,
    ActionRow,
    CarriedAction,
    Counts,
    DocumentRow,
    DraftRecord,
    Filters,
    Hit,
    MeetingListRow,
    PersonMeeting,
    PersonName,
    PersonRecord,
    PersonRow,
    Provenance,
    TaggedDocument,
    ThemeCount,
)
from pipeline.archive.url import is_postgres_url
from pipeline.archive.vectors import VectorIndex, index_base, normalised
from pipeline.core.errors import ArchiveError, ArchiveUnavailable, BadDate
from pipeline.core.names import name_key
from pipeline.core.output import describe_os_error
from pipeline.core.record import Meeting
from pipeline.core.tasks import same_task, task_words

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np



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


# ------------------------------------------------------------------------------------ data classes


# -------------------------------------------------------------------------------------- migrations


# ---------------------------------------------------------------------------------- SQLite backend


# ------------------------------------------------------------------------------------------ archive


class Archive:
    """The archive of tagged minutes. Open with ``Archive.open(path)`` (a context manager)."""

    MIGRATIONS: list[tuple[str, Migration]] = MIGRATIONS
    RRF_K = 60
    # fusion weights, chosen on bench/search_judgments.json by cross-validation (python bench/bench_search.py --fit)
    # (288 configurations; 5-fold held-out nDCG@10 0.65): the phrase and heading bonuses came out 0 - FTS5's heading
    # weight (3) already lifts headings - and are kept as rules that a re-fit on other judgments may turn on.
    W_TEXT = 1.0
    W_VECTOR = 0.5
    W_THEME = 0.5
    B_ALL = 0.3
    B_PHRASE = 0.0
    B_HEADING = 0.0
    MAX_PER_MEETING = 3
    STEM_CACHE = 50_000
    VECTOR_MIN_SIMILARITY = 0.25
    SNIPPET_MARKERS = ("[", "]")

    def __init__(self, backend: ArchiveBackend):
        self.backend = backend
        self.path = backend.path
        self._vectors: tuple[int, dict[int, tuple["np.ndarray", "np.ndarray"]]] | None = None
        self._ann: dict[int, VectorIndex] = {}  # the ANN index per vector dimension, once the archive is large
        self._ann_saved: dict[int, int] = {}  # the version each one's files hold
        self._themes: tuple[tuple, ThemeIndex] | None = None
        self._stems: tuple[int, dict[int, tuple[list[str], list[str]]]] = (-1, {})
        # seconds spent writing, by statement group (documents, meetings, sections incl. their full-text
        # rows, themes, vectors, people, actions, decisions, linking, commit): the batch's accounting
        self.write_timings: dict[str, float] = {}
        self._lap = time.perf_counter()

    def _timed(self, what: str) -> None:
        """Charge the time since the previous mark to ``what``."""
        now = time.perf_counter()
        self.write_timings[what] = self.write_timings.get(what, 0.0) + (now - self._lap)
        self._lap = now

    # ---- lifecycle

    @classmethod
    def open(cls, path: str | Path | None = None, *, readonly: bool = False) -> "Archive":
        """``path``: a SQLite file, or a ``postgresql://user[:password]@host[:port]/dbname`` URL (see
        ``pipeline.archive.postgres``); None = ``$MINUTEBOOK_DB`` (a path or a URL), else the default file."""
        target = path if path else os.environ.get("MINUTEBOOK_DB") or None
        backend: ArchiveBackend
        if is_postgres_url(target):
            from pipeline.archive.postgres import PostgresBackend

            backend = PostgresBackend.connect(str(target), readonly=readonly)
        else:
            backend = SQLiteBackend.connect(Path(target).expanduser() if target else default_db_path(),
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
        try:
            if not self.backend.readonly:
                for dim, idx in self._ann.items():
                    if self._ann_saved.get(dim) != idx.version:
                        self._save_ann(dim, idx)
        finally:
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
        error and no meeting; a SKIPPED write never replaces a stored SUCCESS/PARTIAL record.

        The rows of the whole batch are gathered with ids drawn up front and inserted table by table
        (``executemany`` on SQLite, ``COPY`` on PostgreSQL); then actions are linked across the meetings
        of each series the batch touched (``_link_series``), in the same transaction, so a batch is
        stored and linked whole or not at all."""
        ids: list[int] = []
        with self._transaction():
            batch = _Batch()
            for r in results:
                if r.content_hash in batch.hashes or r.path in batch.paths:
                    self._flush(batch)  # a later entry replaces an earlier one of this batch: store that first
                ids.append(self._write_one(r, batch))
            self._flush(batch)
            self._link_series(batch)
            self._timed("linking")
        self._refresh_ann({int(v.shape[1]) for _, v in batch.vectors})
        return ids

    def _flush(self, batch: "_Batch") -> None:
        """Insert the rows gathered so far, table by table in foreign-key order."""
        for table in _TABLE_ORDER:
            rows = batch.rows.pop(table, None)
            if rows:
                self.backend.insert_many(table, rows)
                self._timed(_TIMING_OF.get(table, table))
        batch.hashes.clear()
        batch.paths.clear()

    def move(self, content_hash: str, path: str) -> None:
        """The file with this content is now at ``path`` (moved or renamed): point its record there, and
        drop the record of an older content that ``path`` held (the file was overwritten)."""
        with self._transaction():
            self.backend.move_document(content_hash, str(path))

    def forget(self, ids: Iterable[int]) -> None:
        """Remove these documents (``documents.id``) and everything stored for them (``tag --prune``)."""
        todo = list(ids)
        if todo:
            with self._transaction():
                self.backend.delete_documents(todo)

    # ---- drafts of the web application (table drafts)

    def save_draft(self, draft: DraftRecord) -> None:
        """Store a draft (replacing the stored one with its id), in its own transaction."""
        if draft.state not in DRAFT_STATES:
            raise ArchiveError(self.path, f"unknown draft state {draft.state!r}", f"use one of {', '.join(DRAFT_STATES)}")
        with self._transaction():
            self.backend.put_draft(draft.to_dict())

    def forget_draft(self, draft_id: str) -> None:
        with self._transaction():
            self.backend.delete_draft(draft_id)

    def drafts(self, *, corrected_only: bool = False) -> list[DraftRecord]:
        """The stored drafts, oldest upload first; ``corrected_only``: those the clerk edited (evaluation data)."""
        names = DraftRecord.__dataclass_fields__
        return [DraftRecord(**{k: r[k] for k in names}) for r in self.backend.draft_rows(corrected_only)]

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction: committed whole or rolled back; the driver's errors become
        ``ArchiveError`` (``ArchiveUnavailable`` when the storage, not the data, failed)."""
        if self.backend.readonly:
            raise ArchiveError(self.path, "the archive is open read-only", "open it without readonly to write")
        self._lap = time.perf_counter()  # the write timings count from here, never from an earlier write
        self.backend.begin()
        try:
            yield
            self.backend.commit()
            self._timed("commit")
        except self.backend.Error as e:
            self.backend.rollback()
            detail = (str(e).strip().splitlines() or [type(e).__name__])[0]
            if isinstance(e, self.backend.Unavailable):  # disk full, read-only, lost server: not the document's
                raise ArchiveUnavailable(self.path, f"could not write to the archive ({detail})") from e
            raise ArchiveError(self.path, f"could not write to the archive ({detail})") from e
        except OSError as e:
            self.backend.rollback()
            raise ArchiveUnavailable(self.path, f"could not write to the archive ({describe_os_error(e)})") from e
        except BaseException:
            self.backend.rollback()
            raise
        finally:
            self._vectors = None
            self._themes = None
            self._stems = (-1, {})

    def _write_one(self, r: TaggedDocument, batch: "_Batch") -> int:
        b = self.backend
        if r.status not in STATUSES:
            raise ArchiveError(self.path, f"unknown document status {r.status!r} for {r.path}",
                               f"use one of {', '.join(STATUSES)}")
        if r.status == "SKIPPED" and b.existing_status(r.content_hash) in GOOD_STATUSES:
            return int(b.document_id(r.content_hash))  # type: ignore[arg-type]
        batch.deleted_sections += b.delete_document(r.content_hash, r.path)
        batch.hashes.add(r.content_hash)
        batch.paths.add(r.path)
        m = r.meeting if r.status in GOOD_STATUSES else None
        pages = r.pages if r.pages is not None else (m.quality.pages if m else None)
        (doc_id,) = b.next_ids("documents", 1)
        batch.add("documents", {
            "id": doc_id, "path": r.path, "content_hash": r.content_hash, "format": r.format, "status": r.status,
            "error": r.error, "pages": pages, "pipeline_version": r.pipeline_version,
            "models": json.dumps(dict(m.models) if m else {}, sort_keys=True), "tagged_at": now_utc()})
        self._timed("documents")
        if m is not None:
            self._write_meeting(batch, doc_id, r, m, r.section_vectors, r.section_texts,
                                r.meeting_text if r.meeting_text is not None else r.text)
            for extra in r.more_meetings:
                self._write_meeting(batch, doc_id, r, extra.meeting, extra.section_vectors, extra.section_texts,
                                    extra.text)
        return doc_id

    def _write_meeting(self, batch: "_Batch", doc_id: int, r: TaggedDocument, m: Meeting, section_vectors: Any,
                       section_texts: list[str] | None, own_text: str | None) -> None:
        import numpy as np

        b = self.backend
        d = iso_or_none(m.meeting_date)
        year, month = (int(d[:4]), int(d[5:7])) if d else (None, None)
        (meeting_id,) = b.next_ids("meetings", 1)
        series = series_key(m.title)
        batch.add("meetings", {
            "id": meeting_id, "document_id": doc_id, "meeting_index": m.meeting_index, "title": m.title,
            "meeting_date": d, "year": year, "month": month, "quarter": (month - 1) // 3 + 1 if month else None,
            "record_json": m.model_dump_json(), "series_key": series})
        self._timed("meetings")

        # sections: the tree, or one section for the whole document when there is none
        tree = m.section_tree
        summaries = {s.section_index: s.summary for s in m.summaries}
        texts = _section_texts(r.text, own_text, m, section_texts)
        section_ids = b.next_ids("sections", max(1, len(tree)))
        if tree:
            batch.add("sections", *[{
                "id": section_ids[i], "meeting_id": meeting_id, "idx": i, "number": h.number, "heading": h.heading,
                "level": h.level, "parent_idx": h.parent, "text": texts[i], "summary": summaries.get(i),
                "page": h.provenance.page, "char_start": h.body_start, "char_end": h.body_end}
                for i, h in enumerate(tree)])
        else:
            batch.add("sections", {
                "id": section_ids[0], "meeting_id": meeting_id, "idx": 0, "number": None,
                "heading": m.title or Path(r.path).name, "level": 1, "parent_idx": None, "text": texts[0],
                "summary": summaries.get(0), "page": None, "char_start": 0,
                "char_end": len(own_text) if own_text else None})
        self._timed("sections")

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
                    for name in labels:
                        theme_rows.setdefault((section_ids[i], name), None)
        batch.add("section_themes", *[{"section_id": s, "meeting_id": meeting_id, "label": lab, "score": sc}
                                      for (s, lab), sc in theme_rows.items()])
        self._timed("themes")

        # embeddings
        if section_vectors is not None:
            vecs = np.asarray(section_vectors, dtype="<f4")
            if vecs.ndim == 1:
                vecs = vecs.reshape(1, -1)
            if len(vecs) != len(section_ids):
                raise ArchiveError(self.path, f"{r.path}: {len(vecs)} section vectors for {len(section_ids)} sections",
                                   "pass one vector per entry of meeting.section_tree")
            batch.add("embeddings", *[{"section_id": s, "dim": int(v.shape[0]), "vector": v.tobytes()}
                                      for s, v in zip(section_ids, vecs)])
            batch.vectors.append((section_ids, vecs))
        self._timed("vectors")

        # people, their keys, attendance
        key_to_person: dict[str, int] = {}
        name_rows: list[dict[str, Any]] = []
        pids = b.next_ids("people", len(m.people))
        batch.add("people", *[{"id": pid, "meeting_id": meeting_id, "name": p.name, "name_key": name_key(p.name),
                               "aliases": json.dumps(p.aliases), "roles": json.dumps(p.roles)}
                              for p, pid in zip(m.people, pids)])
        for p, pid in zip(m.people, pids):
            keys = {name_key(p.name): "name"}
            for a in p.aliases:
                keys.setdefault(name_key(a), "alias")
            for k, kind in keys.items():
                if k:
                    key_to_person.setdefault(k, pid)
                    name_rows.append({"meeting_id": meeting_id, "person_id": pid, "name_key": k, "kind": kind})
        batch.add("attendance", *[{"meeting_id": meeting_id, "person_id": key_to_person.get(name_key(e.name)),
                                   "name": e.name, "role": e.role, "note": e.note} for e in m.attendance])
        self._timed("people")

        # actions and their owners
        owner_rows: list[dict[str, Any]] = []
        aids = b.next_ids("actions", len(m.actions))
        batch.add("actions", *[{
            "id": aid, "meeting_id": meeting_id, "section_idx": _section_of(tree, a.provenance.start, a.section),
            "section": a.section, "owner": "; ".join(a.owner) or None,
            "owner_resolved": "; ".join(a.owner_resolved) or None, "task": a.task, "due": a.due,
            "due_text": a.due_text, "due_date": iso_or_none(a.due), "explicit": int(a.explicit),
            "confidence": a.confidence, "status": a.status, "done": int(is_done_status(a.status)),
            "page": a.provenance.page, "char_start": a.provenance.start, "char_end": a.provenance.end}
            for a, aid in zip(m.actions, aids)])
        for act, aid in zip(m.actions, aids):
            seen_keys: set[str] = set()
            for nm, resolved in [(n, 1) for n in act.owner_resolved] + [(n, 0) for n in act.owner]:
                k = name_key(nm)
                if not k or k in seen_keys:
                    continue
                seen_keys.add(k)
                owner_pid = key_to_person.get(k)
                owner_rows.append({"action_id": aid, "person_id": owner_pid, "name": nm, "name_key": k, "resolved": resolved})
                if owner_pid is None and nm not in act.owner_groups \
                        and not any(x["name_key"] == k and x["meeting_id"] == meeting_id for x in name_rows):
                    # a group owner ("All", "the team") is findable on the actions board, never a person
                    name_rows.append({"meeting_id": meeting_id, "person_id": None, "name_key": k, "kind": "owner"})
        batch.add("action_owners", *owner_rows)
        batch.add("person_names", *name_rows)
        if d and aids:
            batch.new_actions.update(aids)
            batch.series.add(series)
        self._timed("actions")

        batch.add("decisions", *[{
            "meeting_id": meeting_id, "section_idx": _section_of(tree, x.provenance.start, x.section),
            "section": x.section, "kind": x.kind, "text": x.text, "mover": x.mover, "seconder": x.seconder,
            "result": x.result, "page": x.provenance.page, "char_start": x.provenance.start,
            "char_end": x.provenance.end} for x in m.decisions])
        self._timed("decisions")

    def _link_series(self, batch: "_Batch") -> None:
        """Close actions across the meetings of a series (``text.series_key`` of the title): an open action
        of an earlier meeting is closed by a later meeting's action with the same task (``same_task``)
        whose status is done; the earliest such action wins (then the lowest id). One pass per series the
        batch wrote dated actions into: its actions are read at once (by the ``meetings_series`` index),
        and only pairs with a new action are compared, so the work per document does not grow with the
        archive. Whatever order documents are written in, one at a time or in batches, the links are the
        same. A link to another series (made by a minutebook that linked across the whole archive) is
        kept."""
        if not batch.new_actions:
            return
        rows = self.backend.series_actions(sorted(batch.series))
        new = batch.new_actions
        by_series: dict[str, list[Any]] = {}
        for r in rows:
            by_series.setdefault(r["series_key"] or "", []).append(r)
        pos = {r["id"]: (r["meeting_date"], r["id"]) for r in rows}
        updates: list[tuple[int, int]] = []
        for acts in by_series.values():
            done = [(r["meeting_date"], r["id"], _task_words(r["task"])) for r in acts if r["done"]]
            new_done = [c for c in done if c[1] in new]
            if not any(r["id"] in new for r in acts):
                continue
            for r in acts:
                if r["done"]:
                    continue
                words = _task_words(r["task"])
                if not words:
                    continue
                pool = done if r["id"] in new else new_done
                best = min(((dt, cid) for dt, cid, cw in pool if dt > r["meeting_date"] and same_task(words, cw)),
                           default=None)
                if best is None:
                    continue
                cur = r["closed_by_action_id"]
                if cur is None or (cur in pos and best < pos[cur]):
                    updates.append((r["id"], best[1]))
        self.backend.set_closed_by(updates)

    def carried_actions(self, meeting_id: int, title: str | None, meeting_date: str | None,
                        limit: int = 20) -> list[CarriedAction]:
        """The actions earlier meetings of this meeting's series (``title``) left open when it met on
        ``meeting_date`` (open still, or closed at this meeting or a later one): the ``limit`` most
        recent, oldest first."""
        if not meeting_date:
            return []
        rows = self.backend.carried_actions(series_key(title), meeting_date, limit)
        out = [CarriedAction(id=r["id"], task=r["task"], status=r["status"], meeting_id=r["meeting_id"],
                             meeting_date=r["meeting_date"], closed_here=r["closed_meeting_id"] == meeting_id,
                             closed_on=r["closed_on"]) for r in rows]
        return out[::-1]

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
               query_vector: Any = None, doc_format: str | None = None, theme_boost: bool = True) -> list[Hit]:
        """Hybrid search over sections (see the module doc for the ranking). Never raises on odd text.
        ``doc_format`` keeps only documents read as that format (pdf, docx, html, markdown, text).
        ``theme_boost=False`` leaves out the boost of the theme labels the query names (``Hit.boosted_themes``)."""
        f = Filters(theme=theme or None, person_keys=self._person_keys(person) if person else (),
                    since=_date_bound(since, upper=False, path=self.path),
                    until=_date_bound(until, upper=True, path=self.path), doc_format=doc_format or None)
        if person and not f.person_keys:
            return []
        limit = max(1, int(limit))
        k = max(limit * 5, 100)
        pq = parse_query(query)
        match = self.backend.text_query(pq, any_term=True)
        bm25: dict[int, float] = {}
        if match:  # every word optional; sections holding them all are also fetched (they get a bonus below)
            lists = [self.backend.text_ranked(self.backend.text_query(pq), f, k)] if len(pq.groups) > 1 else []
            lists.append(self.backend.text_ranked(match, f, k))
            for rows in lists:
                for r in rows:
                    bm25.setdefault(r["section_id"], float(r["bm25"]))
        vec_ranked: list[tuple[int, float]] = []
        if query_vector is not None and (pq.groups or not pq.excluded):
            vec_ranked = self._vector_ranked(query_vector, f, k)
        themes = self.query_themes(query) if theme_boost and pq.groups and not f.theme else {}
        theme_lists = {lab: [r["section_id"] for r in self.backend.theme_ranked(lab, f, k)] for lab in themes}
        if pq.has_constraints:  # a hit found by its vector or theme must honour the phrases and exclusions too
            allowed = self._honouring(pq, [*(s for s, _ in vec_ranked), *(s for ls in theme_lists.values() for s in ls)])
            vec_ranked = [(s, v) for s, v in vec_ranked if s in allowed]
            theme_lists = {lab: [s for s in ls if s in allowed] for lab, ls in theme_lists.items()}

        if not bm25 and not vec_ranked and not theme_lists:
            if pq.groups or (query_vector is not None and not pq.excluded) or f.empty:
                return []
            # filters only (perhaps with words to leave out): newest sections first
            ids = self.backend.filtered_section_ids(f, limit * 5 if pq.excluded else limit)
            if pq.excluded:
                fine = self._honouring(pq, ids)
                ids = [s for s in ids if s in fine][:limit]
            details = self.backend.section_details(ids)
            return [self._hit(details[s], {}, 0.0, None, query, []) for s in ids]

        candidates = list(dict.fromkeys([*bm25, *(s for s, _ in vec_ranked), *(s for ls in theme_lists.values()
                                                                               for s in ls)]))
        details = self.backend.section_details(candidates)
        q = pq.units()
        info: dict[int, dict[str, Any]] = {s: {} for s in candidates}
        scores = dict.fromkeys(candidates, 0.0)
        if bm25:  # the text list: bm25 (relative to the best) plus bonuses for every word, the phrase, the heading
            best_bm25 = max(-v for v in bm25.values()) or 1.0
            text_score = {}
            for sid, v in bm25.items():
                tm = text_match(q, *self._section_stems(sid, details[sid]))
                text_score[sid] = (-v / best_bm25 + self.B_ALL * tm.coverage ** 2 + self.B_PHRASE * tm.phrase
                                   + self.B_HEADING * tm.heading)
            for rank, sid in enumerate(sorted(text_score, key=lambda s: (-text_score[s], s)), 1):
                scores[sid] += self.W_TEXT / (self.RRF_K + rank)
                info[sid].update(text_rank=rank, bm25=bm25[sid])
        for rank, (sid, sim) in enumerate(vec_ranked, 1):
            scores[sid] += self.W_VECTOR / (self.RRF_K + rank)
            info[sid].update(vector_rank=rank, similarity=sim)
        for lab, ids in theme_lists.items():
            for rank, sid in enumerate(ids, 1):
                scores[sid] += self.W_THEME * themes[lab] / (self.RRF_K + rank)
                info[sid].setdefault("boosted", []).append(lab)

        # a heading with an empty body: its score goes to the section that follows it (what it heads)
        empty = [s for s in candidates if not (details[s]["text"] or "").strip() and not details[s]["summary"]]
        if empty:
            nxt = {s: s + 1 for s in empty}
            more = self.backend.section_details([n for n in nxt.values() if n not in details])
            details.update(more)
            if pq.excluded:  # the section a heading hands its score to must not hold a word left out either
                fine = self._honouring(Query(excluded=pq.excluded), list(more))
                details = {s: r for s, r in details.items() if s not in more or s in fine}
            for s in empty:
                n = nxt[s]
                r = details.get(n)
                if r is not None and r["meeting_id"] == details[s]["meeting_id"] and r["idx"] == details[s]["idx"] + 1 \
                        and (not f.theme or n in scores):
                    scores[n] = max(scores.get(n, 0.0), scores[s])
                    info.setdefault(n, {})
                    for key_, val in info[s].items():
                        info[n].setdefault(key_, val)
                del scores[s]
        order = sorted(scores, key=lambda s: (-scores[s], s))
        def group(s: int) -> tuple:
            return group_key(details[s]["meeting_id"], details[s]["title"], details[s]["meeting_date"])

        keep, renditions = grouped(
            order, group, lambda s: rendition_key(details[s]["heading"], details[s]["text"], group(s)),
            {s: details[s]["meeting_id"] for s in order}, self.MAX_PER_MEETING, limit)
        snippets = self.backend.snippets(match, [s for s in keep if "bm25" in info[s]], self.SNIPPET_MARKERS) \
            if match else {}
        return [self._hit(details[s], info[s], scores[s], snippets.get(s), query,
                          [details[x]["path"] for x in renditions[s]]) for s in keep]

    def _honouring(self, pq: Query, ids: Sequence[int]) -> set[int]:
        """The sections of ``ids`` holding every phrase the query requires and no term it excludes."""
        ok = set(ids)
        if ok and pq.required:
            ok &= self.backend.matching(self.backend.text_query(pq.requirement()), sorted(ok))
        if ok and pq.excluded:
            ok -= self.backend.matching(self.backend.text_query(pq.exclusion()), sorted(ok))
        return ok

    def _section_stems(self, sid: int, r: Any) -> tuple[list[str], list[str]]:
        """A section's heading and text as stems, cached until the archive changes (at most STEM_CACHE sections)."""
        version = self.backend.data_version()
        if self._stems[0] != version or len(self._stems[1]) > self.STEM_CACHE:
            self._stems = (version, {})
        cached = self._stems[1].get(sid)
        if cached is None:
            cached = self._stems[1][sid] = (stems(r["heading"]), stems(r["text"]))
        return cached

    def _hit(self, r: Any, i: dict[str, Any], score: float, snippet: str | None, query: str | None,
             renditions: list[str]) -> Hit:
        labels = (r["labels"] or "").split("|") if r["labels"] else []
        return Hit(
            meeting_id=r["meeting_id"], section_id=r["id"], title=r["title"], meeting_date=r["meeting_date"],
            heading=r["heading"], snippet=snippet or best_sentence(r["text"] or r["summary"] or r["heading"], query),
            score=round(score, 6),
            provenance=Provenance(path=r["path"], page=r["page"], start=r["char_start"], end=r["char_end"]),
            bm25=i.get("bm25"), similarity=i.get("similarity"), text_rank=i.get("text_rank"),
            vector_rank=i.get("vector_rank"), themes=labels,
            boosted_themes=[lab for lab in i.get("boosted", []) if lab in labels], renditions=renditions)

    def query_themes(self, query: str | None) -> dict[str, float]:
        """The theme labels (of those the archive holds) that the query names or paraphrases, with the share of the
        query they cover (``ThemeIndex``): their sections are boosted."""
        marker = self.backend.change_marker()
        if self._themes is None or self._themes[0] != marker:
            from pipeline.themes.taxonomy import Taxonomy

            held = {lab for lab, _ in self.backend.label_counts()}
            tax = Taxonomy.load()
            self._themes = (marker, ThemeIndex({n: [d.description, *d.examples] for n, d in tax.labels.items()
                                                if n in held}))
        return self._themes[1].match(parse_query(query).text)

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
            ann = self._ann_index(int(q.shape[0]))
            if ann is not None:  # a large archive: the index (exact over few filtered sections)
                allowed = None if f.empty else np.asarray(self.backend.filtered_section_ids(f), dtype=np.int64)
                return [(sid, round(sim, 6)) for sid, sim in ann.search(q / norm, k, allowed)
                        if sim >= self.VECTOR_MIN_SIMILARITY]
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

    # ---- the ANN index (pipeline.archive.vectors)

    def _ann_base(self) -> Path:
        return index_base(self.path, url=str(self.path) if is_postgres_url(str(self.path)) else None)

    def _ann_index(self, dim: int) -> VectorIndex | None:
        """The index of this dimension, caught up with the archive; None while the archive is small (below
        ``vectors.ANN_MIN`` sections) or when a read-only archive has no index files (it scans instead)."""
        from pipeline.archive import vectors

        version = self.backend.archive_version()
        idx = self._ann.get(dim)
        if idx is not None and idx.version == version:
            return idx
        if idx is None:
            idx = VectorIndex.load(self._ann_base(), dim, self.backend.archive_id())
            if idx is not None:
                self._ann_saved[dim] = idx.version
            elif self.backend.readonly or self.backend.max_section_id() < vectors.ANN_MIN:
                return None
            else:
                idx = VectorIndex.empty(dim, -1, self.backend.archive_id())
        self._catch_up(idx, version)
        if idx.worn and not self.backend.readonly:
            idx = VectorIndex.empty(dim, -1, self.backend.archive_id())
            self._catch_up(idx, version)
        self._ann[dim] = idx
        if not self.backend.readonly and self._ann_saved.get(dim) != idx.version \
                and (dim not in self._ann_saved or time.monotonic() - idx.saved > vectors.SAVE_SECONDS):
            self._save_ann(dim, idx)
        return idx

    def _save_ann(self, dim: int, idx: VectorIndex) -> None:
        """Save the index files; they are a cache of the database, so a full disk or a read-only folder only
        means the next process catches up (or scans) instead."""
        try:
            idx.save(self._ann_base())
        except OSError:
            return
        self._ann_saved[dim] = idx.version

    def _catch_up(self, idx: VectorIndex, version: int) -> None:
        """Add the embeddings written since the index's version, and mark removed sections deleted."""
        import numpy as np

        b = self.backend
        upto = idx.max_id
        if len(idx.ids) and b.embedding_count(idx.dim, upto) != int(idx.alive.sum()):
            idx.keep_only(np.asarray(b.embedding_ids(idx.dim, upto), dtype=np.int64))
        while rows := b.embeddings_after(idx.max_id, idx.dim, 50_000):
            idx.add(np.asarray([r["section_id"] for r in rows], dtype=np.int64),
                    normalised([r["vector"] for r in rows], idx.dim))
        idx.version = version

    def _refresh_ann(self, written: set[int]) -> None:
        """After a write: bring the indexes up to date, and make one for a dimension just written once the archive
        is large enough (``_ann_index``)."""
        for dim in sorted(set(self._ann) | written):
            self._ann_index(dim)

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
        from pipeline.core.names import has_title

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

    def meeting_list(self) -> list[MeetingListRow]:
        """Every meeting (of every file, a file holding several giving several), by id."""
        return [MeetingListRow(meeting_id=r["meeting_id"], document_id=r["document_id"],
                               meeting_index=r["meeting_index"], title=r["title"], meeting_date=r["meeting_date"],
                               path=r["path"], format=r["format"]) for r in self.backend.meeting_list_rows()]

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
        day = (_date_bound(today, upper=False, path=self.path) if today else None) or date.today().isoformat()
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
        from pipeline.core.names import has_title

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

    def has_person(self, name: str) -> bool:
        """Whether ``person(name)`` finds someone (without reading their rows): a name that is no
        one's (a group such as 'All' or 'the Board') has no person page."""
        key = name_key(name or "")
        if not key:
            return False
        return len(self.backend.full_name_keys_for_alias(key)) == 1 or self.backend.has_person_key(key)

    def person_page_keys(self) -> frozenset[str]:
        """Every name key ``has_person`` is true for, in one query (to check many names at once)."""
        return frozenset(r["name_key"] if hasattr(r, "keys") else r[0] for r in self.backend.person_page_key_rows())

    def _person_keys_of_key(self, key: str) -> tuple[str, ...]:
        return (key, *sorted(set(self.backend.alias_keys(key)) - {key}))


# ------------------------------------------------------------------- web pages: rows and helpers


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

# the tables a batch writes, parents first; the write timings' group of each
_TABLE_ORDER = ("documents", "meetings", "sections", "section_themes", "embeddings", "people", "person_names",
                "attendance", "actions", "action_owners", "decisions")
_TIMING_OF = {"section_themes": "themes", "embeddings": "vectors", "person_names": "actions",
              "attendance": "people", "action_owners": "actions"}


@dataclass
class _Batch:
    """The rows of one ``write_many`` call not inserted yet (ids drawn), and what the linking pass and the
    vector index need to know about it."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    hashes: set[str] = field(default_factory=set)  # content hashes and paths with rows still to insert
    paths: set[str] = field(default_factory=set)
    new_actions: set[int] = field(default_factory=set)  # actions of dated meetings
    series: set[str] = field(default_factory=set)  # their series
    vectors: list[tuple[list[int], Any]] = field(default_factory=list)  # (section ids, float32 matrix)
    deleted_sections: list[int] = field(default_factory=list)  # sections of replaced documents

    def add(self, table: str, *rows: dict[str, Any]) -> None:
        if rows:
            self.rows.setdefault(table, []).extend(rows)


@functools.lru_cache(maxsize=1 << 16)
def _task_words(task: str) -> frozenset[str]:
    """``task_words``, cached: the linking pass compares each new action with its whole series."""
    return task_words(task)



def _split(joined: str | None) -> list[str]:
    return [x for x in (joined or "").split("; ") if x]


def _section_texts(text: str | None, own_text: str | None, m: Meeting, given: list[str] | None) -> list[str]:
    """Each section's own text (its body up to its first sub-section), aligned with section_tree:
    ``given`` when the worker sent it, else sliced from the file's ``text`` (the meeting's ``own_text``
    when it has no sections)."""
    tree = m.section_tree
    n = max(len(tree), 1)
    if given is not None and len(given) == len(tree) and tree:
        return [t or "" for t in given]
    if text is not None:
        if not tree:
            return [own_text if own_text is not None else text]
        out = []
        for i, h in enumerate(tree):
            end = h.body_end
            children = [t for t in tree if t.parent == i]
            if children:
                end = min(end, children[0].provenance.start)
            out.append(text[h.body_start:end].strip())
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
        raise BadDate(path, f"{s!r} is not a date", "write dates as YYYY, YYYY-MM or YYYY-MM-DD") from None


