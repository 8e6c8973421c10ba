"""New minutes: an uploaded file becomes a draft, made in a worker thread, edited in a form, added
to the archive.

``DraftJobs.submit`` writes the upload under a name the server chooses (a random folder and
``upload`` plus the allowed extension: the browser's file name never reaches the file system) and
tags it in one worker thread with the same ``Tagger`` as ``minutebook tag`` (models load on the
first upload, once per process), then builds the draft of its record (of the last meeting, when
the file holds several: the one just held).

Limits: the uploads waiting for their draft are bounded in number (in all and per client address)
and in bytes; past a limit an upload is refused with a message saying so, and a waiting draft shows
its place in the queue. At most ``max_jobs`` unedited drafts are held: to make room the oldest
finished ones (ready or failed) are dropped; a draft the clerk has edited, saved or added to the
archive neither counts nor is ever dropped for room.

With ``db`` (the server's archive) every draft is kept in the archive's ``drafts`` table (see
``pipeline.archive.schema``): its file name, the uploaded file (kept under ``workdir``), upload
time, state (queued, ready, edited, archived, failed), the machine's record and, once edited, the
clerk's corrected record (``minutebook eval --corrections`` scores the pipeline against those). A
restarted server lists them again; a draft still queued is read again.

``apply_edits`` turns the edit form back into a ``Draft`` so that the Markdown and Word downloads
(``render_markdown`` / ``render_docx``) carry the secretary's edits; ``edited_meeting`` carries the
same edits into the meeting record that ``DraftJobs.archive`` stores (with its original file, copied
under the archive's files folder) through ``Archive.write``, the writer ``minutebook tag`` uses.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from pipeline.archive.types import DraftRecord
from pipeline.core.errors import MinutebookError
from pipeline.core.output import plural
from pipeline.core.record import Action, Attendees, DateValue, Decision, Meeting, Provenance
from pipeline.draft.build import next_meeting_line, next_meeting_of
from pipeline.draft.model import Draft, DraftAction, DraftDecision
from pipeline.web.config import UPLOAD_EXTENSIONS

log = logging.getLogger("minutebook.web")
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_ISO_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")


@dataclass
class Made:
    """What tagging an upload gave: the draft, the tagged result (a ``pipeline.scale.results.DocResult``,
    written to the archive as it is) and which of its meetings the draft is of."""

    draft: Draft
    result: Any
    index: int = 0


@dataclass
class DraftJob:
    id: str
    filename: str  # as the browser sent it (shown escaped, never used as a path)
    client: str = ""
    size: int = 0
    created: float = field(default_factory=time.time)
    started: float | None = None
    status: str = "queued"  # queued | running | done | failed
    error: str | None = None  # the one-line message of a MinutebookError
    draft: Draft | None = None
    seconds: float | None = None
    kept: bool = False  # edited and saved by the clerk: never dropped to make room
    archived: bool = False  # added to the archive (meeting_id: its meeting, while that record is there)
    meeting_id: int | None = None  # once added to the archive
    made: Made | None = None  # in memory only: after a restart the file is read again to add it to the archive
    machine: Meeting | None = None  # the machine's record the draft is of
    meeting_index: int = 0  # which meeting of the file that is
    path: Path | None = None  # the upload, kept until the draft is dropped or added to the archive
    origins: dict[str, list[int | None]] = field(default_factory=dict)  # draft item -> record item index

    @property
    def waiting(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def state(self) -> str:
        """queued (waiting or being read), ready, edited, archived or failed: the stored state."""
        if self.waiting:
            return "queued"
        if self.status == "failed":
            return "failed"
        return "archived" if self.archived else "edited" if self.kept else "ready"

    def corrected(self) -> Meeting | None:
        """The machine's record with the clerk's edits (once the draft was edited)."""
        if not self.kept or self.machine is None or self.draft is None:
            return None
        return edited_meeting(self.machine, self.draft, self.origins, self.machine.file)

    def record(self) -> DraftRecord:
        corrected = self.corrected()
        return DraftRecord(
            id=self.id, filename=self.filename, uploaded_at=self.created, state=self.state,
            stored_path=str(self.path) if self.path is not None else None, client=self.client, size=self.size,
            started_at=self.started, seconds=self.seconds, error=self.error, meeting_index=self.meeting_index,
            meeting_id=self.meeting_id, machine_json=self.machine.model_dump_json() if self.machine else None,
            corrected_json=corrected.model_dump_json() if corrected is not None else None,
            draft_json=self.draft.model_dump_json() if self.draft is not None else None,
            origins_json=json.dumps(self.origins) if self.origins else None)

    @classmethod
    def from_record(cls, r: DraftRecord) -> "DraftJob":
        status = {"queued": "queued", "failed": "failed"}.get(r.state, "done")
        path = Path(r.stored_path) if r.stored_path else None
        return cls(id=r.id, filename=r.filename, client=r.client or "", size=r.size or 0, created=r.uploaded_at,
                   started=r.started_at, status=status, error=r.error, seconds=r.seconds,
                   draft=Draft.model_validate_json(r.draft_json) if r.draft_json else None,
                   kept=r.state in ("edited", "archived"), archived=r.state == "archived", meeting_id=r.meeting_id,
                   machine=Meeting.model_validate_json(r.machine_json) if r.machine_json else None,
                   meeting_index=r.meeting_index, path=path if path is not None and path.is_file() else None,
                   origins=json.loads(r.origins_json) if r.origins_json else {})


def make_draft(path: Path, *, max_bytes: int, max_pages: int, stages: Sequence[str] | None = None,
               max_words: int | None = None) -> Made:
    """Tag the file as ``minutebook tag`` does (the real pipeline, models loaded lazily by their
    stages; section vectors included) and build the draft of its last meeting."""
    from pipeline.draft.build import build_draft
    from pipeline.scale.results import Limits, Status
    from pipeline.scale.tagger import TagConfig, Tagger
    from pipeline.stages import DEFAULT_STAGES

    tagger = _tagger(tuple(stages or DEFAULT_STAGES), max_bytes, max_pages, max_words,
                     lambda: Tagger(TagConfig(stages=tuple(stages or DEFAULT_STAGES), options=(), vectors=True,
                                              limits=Limits(seconds=None, max_bytes=max_bytes, max_pages=max_pages,
                                                            max_words=max_words))))
    from pipeline.archive.types import content_hash

    result = tagger.tag(str(path), content_hash(path))
    if result.status is Status.FAILED or result.meeting is None:
        first = result.errors[0] if result.errors else None
        raise _TagFailed(first.message if first else "the file could not be read", first.code if first else None)
    meetings = _meetings(result)
    return Made(draft=build_draft(meetings[-1]), result=result, index=len(meetings) - 1)


_TAGGERS: dict[tuple, Any] = {}
_TAGGERS_LOCK = threading.Lock()


def _tagger(stages: tuple, max_bytes: int, max_pages: int, max_words: int | None, build: Callable[[], Any]) -> Any:
    key = (stages, max_bytes, max_pages, max_words)
    with _TAGGERS_LOCK:
        if key not in _TAGGERS:
            _TAGGERS[key] = build()
        return _TAGGERS[key]


class _TagFailed(Exception):
    def __init__(self, message: str, code: str | None):
        super().__init__(message)
        self.message, self.code = message, code


class DraftJobs:
    def __init__(self, *, max_bytes: int, max_pages: int, max_jobs: int = 50, workdir: Path | None = None,
                 maker: Callable[..., Made] = make_draft, stages: Sequence[str] | None = None,
                 max_queue: int = 8, max_queue_per_client: int = 3, max_queue_bytes: int = 100 * 1024 * 1024,
                 db: Any = None, max_words: int | None = None):
        self.max_bytes = max_bytes
        self.max_words = max_words
        self.max_pages = max_pages
        self.max_jobs = max(1, max_jobs)
        self.max_queue = max(1, max_queue)
        self.max_queue_per_client = max(1, max_queue_per_client)
        self.max_queue_bytes = max(max_bytes, max_queue_bytes)
        self.maker = maker
        self.stages = tuple(stages) if stages else None
        self._own_dir = workdir is None
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="minutebook-web-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._jobs: OrderedDict[str, DraftJob] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="minutebook-draft")
        self.db = db  # the archive the drafts are kept in (None: in memory only)
        if db is not None:
            self._load()

    def _load(self) -> None:
        """The drafts kept in the archive, as the last server left them; those still queued are read again."""
        from pipeline.archive.archive import Archive

        with Archive.open(self.db, readonly=True) as a:
            records = a.drafts()
        again = []
        for r in records:
            try:
                job = DraftJob.from_record(r)
            except ValueError:  # a draft another minutebook version wrote: listed, its row (and corrections) kept
                log.warning("draft %s cannot be read by this minutebook version", r.id, exc_info=True)
                job = DraftJob(id=r.id, filename=r.filename, created=r.uploaded_at, status="failed",
                               error="this draft was made by another version of minutebook and cannot be opened "
                                     "here; upload the file again")
                self._jobs[job.id] = job
                continue
            if job.waiting:
                if job.path is None:
                    job.status, job.error = "failed", "the uploaded file was gone when the server restarted; upload it again"
                    self._store(job)
                else:
                    again.append(job)
            self._jobs[job.id] = job
        for job in again:
            self._pool.submit(self._run, job)

    def _store(self, job: DraftJob) -> None:
        """Keep the draft's state in the archive (when there is one)."""
        if self.db is None:
            return
        from pipeline.archive.archive import Archive

        with Archive.open(self.db) as a:
            a.save_draft(job.record())

    def _unstore(self, job: DraftJob) -> None:
        if self.db is None:
            return
        from pipeline.archive.archive import Archive

        try:
            with Archive.open(self.db) as a:
                a.forget_draft(job.id)
        except MinutebookError:
            log.exception("could not remove draft %s from the archive", job.id)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def submit(self, filename: str, data: bytes, client: str = "") -> DraftJob:
        ext = Path(filename or "").suffix.lower()
        if ext not in UPLOAD_EXTENSIONS:
            raise UploadRejected(f"“{ext or 'no extension'}” files are not read: upload PDF, Word (.docx or "
                                 ".doc), OpenDocument (.odt), RTF, HTML, Markdown or text")
        if not data:
            raise UploadRejected("the file is empty")
        if len(data) > self.max_bytes:
            raise UploadRejected(f"the file is over the {self.max_bytes // (1024 * 1024)} MB limit")
        job = DraftJob(id=secrets.token_urlsafe(18), filename=filename, client=client, size=len(data))
        with self._lock:
            self._check_room(job)
            folder = Path(tempfile.mkdtemp(dir=self.workdir))
            job.path = folder / ("upload" + ext)
            job.path.write_bytes(data)
            self._jobs[job.id] = job
        try:
            self._store(job)
        except MinutebookError:
            with self._lock:
                self._drop(job)
            raise
        self._pool.submit(self._run, job)
        return job

    def edited(self, job: DraftJob, draft: Draft) -> None:
        """The clerk saved edits: the draft is kept (never dropped for room), with the corrected record."""
        job.draft, job.kept = draft, True
        self._store(job)

    def _check_room(self, job: DraftJob) -> None:
        """Refuse an upload past the queue's limits; drop the oldest unedited finished drafts past
        ``max_jobs`` (called with the lock held)."""
        waiting = [j for j in self._jobs.values() if j.waiting]
        if len(waiting) >= self.max_queue:
            raise UploadRejected(f"{plural(len(waiting), 'file is', 'files are')} already waiting for their draft (the most this server "
                                 "queues); try again when one is done")
        mine = [j for j in waiting if j.client == job.client]
        if len(mine) >= self.max_queue_per_client:
            raise UploadRejected(f"you already have {plural(len(mine), 'file')} waiting for their draft; try again when "
                                 "one is done")
        queued_bytes = sum(j.size for j in waiting)
        if queued_bytes + job.size > self.max_queue_bytes:
            raise UploadRejected(f"the files waiting for their draft already take {_size(queued_bytes)} of the "
                                 f"{_size(self.max_queue_bytes)} this server queues; try again when one is done")
        # the clerk's drafts (edited, saved, archived) never count and are never dropped
        while len(unkept := [j for j in self._jobs.values() if not j.kept]) >= self.max_jobs:
            old = next((j for j in unkept if not j.waiting), None)
            if old is None:
                raise UploadRejected(f"this server holds {plural(len(unkept), 'draft')} waiting to be read (its limit); "
                                     "try again when one is done")
            self._drop(old)

    def _drop(self, job: DraftJob) -> None:
        self._jobs.pop(job.id, None)
        if job.path is not None:
            shutil.rmtree(job.path.parent, ignore_errors=True)
            job.path = None
        self._unstore(job)

    def position(self, job: DraftJob) -> int:
        """How many uploads are ahead of this one in the queue (0: being read now or next)."""
        with self._lock:
            ahead = [j for j in self._jobs.values() if j.waiting and j.created <= job.created and j.id != job.id]
        return len(ahead)

    def _limits(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"max_bytes": self.max_bytes, "max_pages": self.max_pages}
        if self.stages:
            kwargs["stages"] = self.stages
        if self.max_words:
            kwargs["max_words"] = self.max_words
        return kwargs

    def _run(self, job: DraftJob) -> None:
        job.started = time.time()
        job.status = "running"
        t0 = time.perf_counter()
        path = job.path
        try:
            assert path is not None
            made = self.maker(path, **self._limits())
            job.made = made
            job.machine, job.meeting_index = _meetings(made.result)[made.index], made.index
            job.draft = made.draft.model_copy(update={"source_file": job.filename or "upload"})
            job.origins = _origins(made)
            job.status = "done"
        except MinutebookError as e:
            job.error = f"{e.message} [{e.code}]; {e.hint}"
            job.status = "failed"
        except _TagFailed as e:
            # the one-line message names the server's own file name: say the browser's instead
            job.error = e.message.replace(str(path), job.filename or "the file") if path else e.message
            job.status = "failed"
        except Exception as e:  # a bug: logged on the server, a plain message in the page
            log.exception("draft of an upload failed")
            job.error = f"minutebook could not make a draft of this file ({e.__class__.__name__}); see the server log"
            job.status = "failed"
        finally:
            job.seconds = round(time.perf_counter() - t0, 2)
            if job.status != "done" and path is not None:
                shutil.rmtree(path.parent, ignore_errors=True)
                job.path = None
            try:
                if job.id in self._jobs:
                    self._store(job)
            except MinutebookError:
                log.exception("could not keep draft %s in the archive", job.id)

    def all(self) -> list[DraftJob]:
        """The drafts held, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created, reverse=True)

    def get(self, job_id: str) -> DraftJob | None:
        if not JOB_ID.match(job_id or ""):
            return None
        with self._lock:
            return self._jobs.get(job_id)

    def archive(self, job: DraftJob, db: Any, files_dir: Path) -> int:
        """Add the draft, with the clerk's edits, to the archive at ``db`` as a meeting read from
        the uploaded file (copied to ``files_dir``, where its provenance points); returns the
        meeting's id. Adding it again replaces the stored record (same file, same content hash)."""
        from pipeline.archive.archive import Archive
        from pipeline.archive.types import TaggedDocument, content_hash
        from pipeline.scale.batch import batch_version
        from pipeline.web.sources import safe_filename

        with self._lock:
            made, src = job.made, job.path
        if job.draft is None or src is None or not src.is_file():
            raise UploadRejected("this draft's file is no longer on the server; upload it again")
        if made is None:  # a draft from before a restart: read the file again (the clerk's edits are kept)
            try:
                made = job.made = self.maker(src, **self._limits())
            except (MinutebookError, _TagFailed) as e:
                raise UploadRejected(f"the file could not be read again ({e})") from None
        digest = content_hash(src)
        files_dir.mkdir(parents=True, exist_ok=True)
        stored = files_dir / f"{digest[:16]}-{safe_filename(job.filename, 'minutes' + src.suffix)}"
        if not stored.exists():
            shutil.copyfile(src, stored)
        r = made.result
        meetings = _meetings(r)
        edited = edited_meeting(meetings[made.index], job.draft, job.origins, str(stored))
        meetings = [_moved(m, str(src), str(stored)) for m in meetings]
        meetings[made.index] = edited
        more = list(r.more_meetings)
        for k in range(1, len(meetings)):
            more[k - 1] = type(more[k - 1])(meeting=meetings[k], section_vectors=more[k - 1].section_vectors,
                                            section_texts=more[k - 1].section_texts, text=more[k - 1].text)
        version = r.meeting.pipeline_version if r.meeting is not None else None
        tagged = TaggedDocument(path=str(stored), content_hash=digest, format=r.format, status=r.status.value,
                                error=r.error, meeting=meetings[0], section_vectors=r.section_vectors,
                                pipeline_version=version or batch_version(self.stages),
                                section_texts=r.section_texts, text=r.text, more_meetings=more,
                                meeting_text=r.meeting_text, pages=meetings[0].quality.pages)
        with Archive.open(db) as a:
            doc_id = a.write(tagged)
            row = a.document(doc_id)
            mid = row.meeting_id if row is not None else None
            if mid is not None and made.index:
                cand = mid + made.index
                m = a.meeting(cand)
                if m is not None and m.file == str(stored) and m.meeting_index == edited.meeting_index:
                    mid = cand
        if mid is None:
            raise UploadRejected("the archive did not keep this meeting; see the server log")
        job.meeting_id, job.kept, job.archived = int(mid), True, True
        job.made = None  # the tagged result (vectors, texts) is in the archive now: read again to update it
        self._store(job)
        return int(mid)


def _meetings(r: Any) -> list[Meeting]:
    return [r.meeting, *(t.meeting for t in r.more_meetings)]


def _origins(made: Made) -> dict[str, list[int | None]]:
    """For each decision and action of the draft, the index of the record's item it was built from."""
    m = _meetings(made.result)[made.index]
    decisions = list(range(len(m.decisions))) if len(m.decisions) == len(made.draft.decisions) else \
        [None] * len(made.draft.decisions)
    used: set[int] = set()
    actions: list[int | None] = []
    for x in made.draft.actions:
        k = next((i for i, a in enumerate(m.actions) if i not in used and a.task == x.task and a.owner == x.owner),
                 None)
        if k is not None:
            used.add(k)
        actions.append(k)
    hidden = [i for i in range(len(m.actions)) if i not in used]  # repeats of a decision, not in the draft
    return {"decisions": decisions, "actions": actions, "hidden_actions": hidden}


def _moved(m: Meeting, old: str, new: str) -> Meeting:
    """The record with its file (and every provenance's) renamed from the upload to the stored copy."""
    data = m.model_dump_json()
    import json

    return Meeting.model_validate(json.loads(data.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])))


def edited_meeting(meeting: Meeting, draft: Draft, origins: Mapping[str, Sequence[int | None]], file: str) -> Meeting:
    """The meeting record with the clerk's edits of its draft: title, date, next meeting, attendance, decisions,
    actions and section summaries. Items kept from the machine's record keep their provenance;
    items the clerk added point at the file with an empty span (no source link)."""
    m = _moved(meeting, meeting.file, file)
    added = Provenance(file=file, start=0, end=0)
    m.title = draft.title or m.title
    if draft.date and draft.date != m.meeting_date:  # the clerk corrected the date
        m.meeting_date = draft.date
        m.meeting_date_detail = DateValue(value=draft.date, text=draft.date)
    lines = [next_meeting_line(n) for n in draft.next_meetings]
    if lines != list(meeting.next_meeting):  # the clerk corrected the next meeting
        details = {x: m.next_meeting_detail[k] for k, x in enumerate(meeting.next_meeting)
                   if k < len(m.next_meeting_detail)}
        m.next_meeting = lines
        m.next_meeting_detail = [details.get(x) or DateValue(value=n.date, text=n.text)
                                 for x, n in zip(lines, draft.next_meetings)]
    a = draft.attendance
    m.attendees = Attendees(present=list(a.present), apologies=list(a.apologies), guests=list(a.guests),
                            absent=list(a.absent), chair=a.chair, minutes=a.minutes)
    names = {n.casefold() for n in (*a.present, *a.apologies, *a.guests, *a.absent, a.chair or "", a.minutes or "")}
    m.attendance = [e for e in m.attendance if e.name.casefold() in names]

    decisions = []
    for k, d in enumerate(draft.decisions):
        i = origins.get("decisions", [])[k] if k < len(origins.get("decisions", [])) else None
        if i is not None and i < len(meeting.decisions):
            old = m.decisions[i]
            decisions.append(old if old.text == d.text else old.model_copy(update={"text": d.text}))
        else:
            decisions.append(Decision(text=d.text, kind=d.kind if d.kind in ("agreed", "resolved", "motion") else "agreed",
                                      provenance=added))
    m.decisions = decisions

    actions: list[Action] = []
    seen: set[int] = set()
    for k, x in enumerate(draft.actions):
        i = origins.get("actions", [])[k] if k < len(origins.get("actions", [])) else None
        due = x.due_date or x.due  # an ISO date, else the due as written (the record's own form)
        fields = dict(owner=list(x.owner), owner_resolved=list(x.owner_resolved), task=x.task, due=due,
                      due_text=x.due_text, status=x.status)
        if i is not None and i < len(m.actions):
            seen.add(i)
            old = m.actions[i]
            same = old.task == x.task and old.owner == x.owner and (old.due == due or x.due == old.due)
            actions.append(old if same else old.model_copy(update=fields))
        else:
            actions.append(Action(**fields, explicit=True, provenance=added))
    # actions the draft left out (repeats of a decision) stay as the machine read them
    m.actions = actions + [m.actions[i] for i in origins.get("hidden_actions", []) if i is not None and i < len(m.actions)]

    summaries = {s.ref.index: s.summary for s in draft.sections}
    kept = []
    for s in m.summaries:
        text = summaries.get(s.section_index, s.summary)
        if not text:
            continue
        kept.append(s if text == s.summary else s.model_copy(update={"summary": text, "method": "edited"}))
    m.summaries = kept
    return m


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n / 1024:.0f} KB"


class UploadRejected(Exception):
    """An upload refused before any reading (type, size): shown as a one-line message."""


def _lines(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").splitlines() if x.strip()]


def _one(value: str | None) -> str | None:
    v = " ".join((value or "").split())
    return v or None


def apply_edits(draft: Draft, form: Mapping[str, str], origins: dict[str, list[int | None]] | None = None) -> Draft:
    """The draft with the edit form's values: title, meeting date, next meeting (one a line, as
    ``YYYY-MM-DD [HH:MM] [, place]`` or any text), attendance (one name a line), decisions,
    actions (owner, task, due; an emptied task removes the action; the blank row adds one) and the
    section summaries. Anything the form does not carry is kept. ``origins`` (which record item
    each decision and action came from; see ``DraftJob.origins``) follows the same removals and
    additions, in place."""
    d = draft.model_copy(deep=True)
    origins = origins if origins is not None else {}
    src_d, src_a = origins.get("decisions", []), origins.get("actions", [])
    new_d: list[int | None] = []
    new_a: list[int | None] = []
    if "title" in form:
        d.title = _one(form.get("title")) or d.title
    day = _one(form.get("date"))
    if day and day != d.date and _ISO_DAY.match(day):
        try:
            new = date.fromisoformat(day)
            d.date, d.date_display, d.year_inferred = day, f"{new:%A} {new.day} {new:%B %Y}", False
        except ValueError:  # 2024-02-30: the date is kept
            pass
    if "next_meeting" in form:
        lines = _lines(form.get("next_meeting"))
        shown = {next_meeting_line(n): n for n in d.next_meetings}
        if lines != list(shown):
            d.next_meetings = [shown.get(x) or next_meeting_of(x) for x in lines]
    a = d.attendance
    if "chair" in form:
        a.chair = _one(form.get("chair"))
    if "minutes" in form:
        a.minutes = _one(form.get("minutes"))
    for role in ("present", "apologies", "guests", "absent"):
        if role in form:
            setattr(a, role, _lines(form.get(role)))

    decisions = []
    for i, x in enumerate(d.decisions):
        key = f"decision-{i}"
        if key in form:
            text = _one(form.get(key))
            if not text:
                continue
            if text != x.text:
                x = x.model_copy(update={"text": text})
        decisions.append(x)
        new_d.append(src_d[i] if i < len(src_d) else None)
    new = _one(form.get("decision-new"))
    if new:
        decisions.append(DraftDecision(text=new))
        new_d.append(None)
    d.decisions = decisions

    actions = []
    for i, x in enumerate(d.actions):
        if f"action-{i}-task" not in form:
            actions.append(x)
            new_a.append(src_a[i] if i < len(src_a) else None)
            continue
        task = _one(form.get(f"action-{i}-task"))
        if not task:
            continue
        actions.append(_edited_action(x, form.get(f"action-{i}-owner"), task, form.get(f"action-{i}-due")))
        new_a.append(src_a[i] if i < len(src_a) else None)
    new_task = _one(form.get("action-new-task"))
    if new_task:
        actions.append(_edited_action(None, form.get("action-new-owner"), new_task, form.get("action-new-due")))
        new_a.append(None)
    d.actions = actions
    origins["decisions"], origins["actions"] = new_d, new_a

    for s in d.sections:
        key = f"summary-{s.ref.index}"
        if key in form:
            s.summary = _one(form.get(key))
    summaries = {s.ref.index: s.summary for s in d.sections}
    for g in d.discussion:
        for it in g.items:
            if f"summary-{it.section.index}" in form:
                it.summary = summaries.get(it.section.index)
    return d


def _edited_action(old: DraftAction | None, owner: str | None, task: str, due: str | None) -> DraftAction:
    owners = [o.strip() for o in (owner or "").split(",") if o.strip()]
    due_v = _one(due)
    if old is not None and owners == old.owner and task == old.task and due_v == (old.due_display or None):
        return old
    keep = old.model_dump() if old is not None else {}
    keep.update(owner=owners, owner_resolved=owners if old is None or owners != old.owner else old.owner_resolved,
                owner_display=", ".join(owners) if owners else "no owner named", task=task)
    if old is None or due_v != (old.due_display or None):  # a due the clerk changed (else the one read is kept)
        keep.update(due=due_v, due_text=due_v, due_display=due_v or "",
                    due_date=due_v if due_v and _ISO_DAY.match(due_v) else None)
    if old is None or owners != old.owner:
        keep["resolved_display"] = None
    keep.setdefault("explicit", True)
    return DraftAction(**keep)
