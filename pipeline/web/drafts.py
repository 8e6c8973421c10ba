"""New minutes: an uploaded file becomes a draft, made in a worker thread, edited in a form.

``DraftJobs.submit`` writes the upload under a name the server chooses (a random folder and
``upload`` plus the allowed extension: the browser's file name never reaches the file system) and
runs ``pipeline.api.analyse`` then ``build_draft`` in one worker thread (models load on the first
upload, once per process). Jobs and their drafts stay in memory (the oldest dropped past
``max_jobs``); the uploaded file is deleted as soon as its draft is made.

``apply_edits`` turns the edit form back into a ``Draft`` so that the Markdown and Word downloads
(``render_markdown`` / ``render_docx``) carry the secretary's edits.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from pipeline.core.errors import MinutebookError
from pipeline.draft.model import Draft, DraftAction, DraftDecision
from pipeline.web.config import UPLOAD_EXTENSIONS

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_ISO_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")


@dataclass
class DraftJob:
    id: str
    filename: str  # as the browser sent it (shown escaped, never used as a path)
    created: float = field(default_factory=time.time)
    status: str = "running"  # running | done | failed
    error: str | None = None  # the one-line message of a MinutebookError
    draft: Draft | None = None
    seconds: float | None = None


def make_draft(path: Path, *, max_bytes: int, max_pages: int) -> Draft:
    """The real pipeline (models loaded lazily by their stages) and the draft of its record (of the
    last meeting, when the file holds several: the one just held)."""
    from pipeline.api import analyse_all
    from pipeline.draft.build import build_draft

    return build_draft(analyse_all(path, max_bytes=max_bytes, max_pages=max_pages)[-1])


class DraftJobs:
    def __init__(self, *, max_bytes: int, max_pages: int, max_jobs: int = 50, workdir: Path | None = None,
                 maker: Callable[..., Draft] = make_draft):
        self.max_bytes = max_bytes
        self.max_pages = max_pages
        self.max_jobs = max(1, max_jobs)
        self.maker = maker
        self._own_dir = workdir is None
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="minutebook-web-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._jobs: OrderedDict[str, DraftJob] = OrderedDict()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="minutebook-draft")

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def submit(self, filename: str, data: bytes) -> DraftJob:
        ext = Path(filename or "").suffix.lower()
        if ext not in UPLOAD_EXTENSIONS:
            raise UploadRejected(f"“{ext or 'no extension'}” files are not read: upload PDF, Word (.docx), "
                                 "HTML, Markdown or text")
        if not data:
            raise UploadRejected("the file is empty")
        if len(data) > self.max_bytes:
            raise UploadRejected(f"the file is over the {self.max_bytes // (1024 * 1024)} MB limit")
        job = DraftJob(id=secrets.token_urlsafe(18), filename=filename)
        folder = Path(tempfile.mkdtemp(dir=self.workdir))
        path = folder / ("upload" + ext)
        path.write_bytes(data)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self.max_jobs:
                self._jobs.popitem(last=False)
        self._pool.submit(self._run, job, path)
        return job

    def _run(self, job: DraftJob, path: Path) -> None:
        t0 = time.perf_counter()
        try:
            draft = self.maker(path, max_bytes=self.max_bytes, max_pages=self.max_pages)
            job.draft = draft.model_copy(update={"source_file": job.filename or "upload"})
            job.status = "done"
        except MinutebookError as e:
            job.error = f"{e.message} [{e.code}]; {e.hint}"
            job.status = "failed"
        except Exception as e:  # a bug: logged on the server, a plain message in the page
            import logging

            logging.getLogger("minutebook.web").exception("draft of an upload failed")
            job.error = f"minutebook could not make a draft of this file ({e.__class__.__name__}); see the server log"
            job.status = "failed"
        finally:
            job.seconds = round(time.perf_counter() - t0, 2)
            shutil.rmtree(path.parent, ignore_errors=True)

    def get(self, job_id: str) -> DraftJob | None:
        if not JOB_ID.match(job_id or ""):
            return None
        with self._lock:
            return self._jobs.get(job_id)


class UploadRejected(Exception):
    """An upload refused before any reading (type, size): shown as a one-line message."""


def _lines(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").splitlines() if x.strip()]


def _one(value: str | None) -> str | None:
    v = " ".join((value or "").split())
    return v or None


def apply_edits(draft: Draft, form: Mapping[str, str]) -> Draft:
    """The draft with the edit form's values: title, attendance (one name a line), decisions,
    actions (owner, task, due; an emptied task removes the action; the blank row adds one) and the
    section summaries. Anything the form does not carry is kept."""
    d = draft.model_copy(deep=True)
    if "title" in form:
        d.title = _one(form.get("title")) or d.title
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
    new = _one(form.get("decision-new"))
    if new:
        decisions.append(DraftDecision(text=new))
    d.decisions = decisions

    actions = []
    for i, x in enumerate(d.actions):
        if f"action-{i}-task" not in form:
            actions.append(x)
            continue
        task = _one(form.get(f"action-{i}-task"))
        if not task:
            continue
        actions.append(_edited_action(x, form.get(f"action-{i}-owner"), task, form.get(f"action-{i}-due")))
    new_task = _one(form.get("action-new-task"))
    if new_task:
        actions.append(_edited_action(None, form.get("action-new-owner"), new_task, form.get("action-new-due")))
    d.actions = actions

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
                owner_display=", ".join(owners) if owners else "no owner named", task=task,
                due=due_v, due_text=due_v, due_display=due_v or "",
                due_date=due_v if due_v and _ISO_DAY.match(due_v) else None)
    if old is None or owners != old.owner:
        keep["resolved_display"] = None
    keep.setdefault("explicit", True)
    return DraftAction(**keep)
