"""The FastAPI application: routes, templates and error pages (see the package doc)."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

from fastapi import FastAPI, File, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.archive.archive import Archive, default_db_path
from pipeline.archive.query import parse_query
from pipeline.core.errors import ArchiveError, MinutebookError
from pipeline.core.names import name_key
from pipeline.core.output import plural
from pipeline.draft.build import build_draft, next_meeting_line, theme_name
from pipeline.draft.docx import render_docx
from pipeline.draft.markdown import render_markdown
from pipeline.draft.model import PROCEDURAL_LABELS
from pipeline.web.browse import MeetingIndex, build_index, one_per_meeting
from pipeline.web.chart import trend
from pipeline.web.config import ALL_INTERFACES, UPLOAD_EXTENSIONS, WebConfig, is_loopback
from pipeline.web.drafts import DraftJobs, UploadRejected, apply_edits
from pipeline.web.names import Resolved, resolve_person
from pipeline.web.security import Guard
from pipeline.web.sources import SourceTexts, content_type, provenance_args, safe_filename

log = logging.getLogger("minutebook.web")
HERE = Path(__file__).resolve().parent
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"  # snippet markers (private use: never in minutes text)
SEARCH_LIMITS = (20, 50, 100, 200)
TOKEN_RE = re.compile(r"^[A-Za-z0-9._~-]{8,256}$")
WORKER_THREADS = 8


class NotFound(Exception):
    def __init__(self, message: str = "There is nothing at this address."):
        self.message = message


_REQUEST: contextvars.ContextVar[dict | None] = contextvars.ContextVar("minutebook_request", default=None)


class _PerRequest:
    """Gives each request its own scratch dict (``_REQUEST``; worker threads see it too, as
    ``anyio.to_thread`` copies the context), so that the archive's change marker is read once per
    request however many cached values the page uses."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        token = _REQUEST.set({})
        try:
            await self.app(scope, receive, send)
        finally:
            _REQUEST.reset(token)


class _Aggregates:
    """Aggregate query results shared by all requests (facet lists, counts, theme trends, the
    people index, the meeting index), recomputed when ``Archive.change_marker()`` says the archive
    changed (read once per request)."""

    def __init__(self) -> None:
        self._marker_seen: tuple | None = None
        self._values: dict[str, Any] = {}
        self._versions: dict[int, tuple[int, tuple]] = {}  # per connection: (data version, marker)
        self._lock = threading.Lock()

    def _marker(self, archive: Archive) -> tuple:
        """``archive.change_marker()``, read again only when the connection's data version says
        another connection committed since (SQLite's ``PRAGMA data_version``, PostgreSQL's
        version row: one cheap query instead of a scan of the documents)."""
        version = archive.backend.data_version()
        with self._lock:
            seen = self._versions.get(id(archive))
        if seen is not None and seen[0] == version:
            return seen[1]
        marker = archive.change_marker()
        with self._lock:
            self._versions[id(archive)] = (version, marker)
        return marker

    def get(self, archive: Archive, key: str, make: Callable[[], Any]) -> Any:
        scratch = _REQUEST.get()
        marker = scratch.get("marker") if scratch is not None else None
        if marker is None:
            marker = self._marker(archive)
            if scratch is not None:
                scratch["marker"] = marker
        with self._lock:
            if marker != self._marker_seen:
                self._marker_seen, self._values = marker, {}
            if key in self._values:
                return self._values[key]
        value = make()
        with self._lock:
            if marker == self._marker_seen:
                self._values[key] = value
        return value


@dataclass
class _Archives:
    """One read-only archive connection per worker thread (SQLite and psycopg connections are not shared)."""

    db: Path | str | None

    def __post_init__(self) -> None:
        self._local = threading.local()
        self._all: list[Archive] = []
        self._lock = threading.Lock()

    def get(self) -> Archive:
        a = getattr(self._local, "archive", None)
        if a is None:
            a = Archive.open(self.db, readonly=True)
            a.SNIPPET_MARKERS = (MARK_OPEN, MARK_CLOSE)
            self._local.archive = a
            with self._lock:
                self._all.append(a)
        return a

    def close(self) -> None:
        with self._lock:
            for a in self._all:
                try:
                    a.close()
                except Exception:
                    pass
            self._all.clear()


CARRIED_SHOWN = 20  # actions carried from earlier meetings listed on a meeting page (the most recent)

def marked(snippet: str | None) -> Markup:
    """A search snippet with its match markers as <mark>, everything else escaped."""
    out: list[Markup | str] = []
    depth = 0
    for part in re.split(f"([{MARK_OPEN}{MARK_CLOSE}])", snippet or ""):
        if part == MARK_OPEN:
            if depth == 0:
                out.append(Markup("<mark>"))
            depth += 1
        elif part == MARK_CLOSE:
            if depth == 1:
                out.append(Markup("</mark>"))
            depth = max(0, depth - 1)
        else:
            out.append(escape(part))
    if depth:
        out.append(Markup("</mark>"))
    return Markup("").join(out)


def url(path: str, **params: Any) -> str:
    """``path`` with the non-empty ``params`` as a query string (values are encoded, then the
    template escapes the whole attribute)."""
    q = [(k, str(v)) for k, v in params.items() if v not in (None, "", [], False)]
    return path + ("?" + urlencode(q) if q else "")


def source_url(meeting_id: int, prov: Any, q: str | None = None) -> str | None:
    """The source view of a provenance; with ``q`` (a search's words) the words are marked in the passage."""
    args = provenance_args(prov)
    if not args:
        return None
    return url(f"/meetings/{int(meeting_id)}/source", **args, q=q) + "#hl"


def words_marked(text: str, q: str | None) -> Markup:
    """``text`` escaped, with the words the search ``q`` matched (``Query.spans``: stems as the search compares them,
    a phrase whole) in <mark class="word">."""
    spans = parse_query(q).spans(text) if q else []
    out: list[Markup | str] = []
    at = 0
    for a, b in spans:
        out += [escape(text[at:a]), Markup('<mark class="word">'), escape(text[a:b]), Markup("</mark>")]
        at = b
    out.append(escape(text[at:]))
    return Markup("").join(out)


def when(t: float) -> str:
    """A time of this server's day, with the date (server's local time)."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return max(lo, min(hi, int(value))) if value not in (None, "") else default
    except ValueError:
        return default


def _clean(value: str | None, limit: int = 200) -> str:
    return " ".join((value or "").split())[:limit]


def create_app(config: WebConfig) -> FastAPI:
    if config.token is not None and not TOKEN_RE.match(config.token):
        raise MinutebookError(None, "the access token must be 8 to 256 letters, digits or . _ ~ -",
                              "choose another, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe())'")
    if not is_loopback(config.host) and not config.token and not config.insecure_no_token:
        where = "all interfaces" if config.host in ALL_INTERFACES else config.host
        raise MinutebookError(None, f"serving on {where} (beyond this machine) needs an access token",
                              "set MINUTEBOOK_TOKEN (or --token), or pass --insecure-no-token to open the archive "
                              "to everyone who can reach this address")
    try:
        Archive.open(config.db, readonly=True).close()  # fail now, with a clear message, if there is no archive
    except ArchiveError as e:
        if "needs migrating" not in e.message:
            raise
        Archive.open(config.db).close()  # an archive of an older minutebook: add what is new (the drafts table)

    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(url=url, source_url=source_url, theme_name=theme_name, marked=marked, when=when,
                       next_meeting_line=next_meeting_line, plural=plural,
                       upload_types=", ".join(UPLOAD_EXTENSIONS),
                       max_upload_mb=config.max_upload_bytes // (1024 * 1024))
    css = (HERE / "static" / "style.css").read_bytes()
    archives = _Archives(config.db)
    cache = _Aggregates()
    sources = SourceTexts(config.source_cache)

    def has_page(name: str) -> bool:
        """Whether a name links to a person page (groups such as 'All' or 'the Board' do not)."""
        a = archives.get()
        return name_key(name or "") in cache.get(a, "person-page-keys", a.person_page_keys)

    env.globals["has_page"] = has_page

    files_dir = config.archive_files()
    jobs = DraftJobs(max_bytes=config.max_upload_bytes, max_pages=config.max_upload_pages,
                     max_jobs=config.max_drafts, workdir=config.upload_dir or files_dir / "uploads",
                     stages=config.stages, max_queue=config.max_queue, max_queue_per_client=config.max_queue_per_client,
                     max_queue_bytes=config.max_queue_bytes, max_words=config.max_words,
                     db=config.db or os.environ.get("MINUTEBOOK_DB") or default_db_path())

    def html(name: str, code: int = 200, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**ctx), status_code=code,
                            headers={"cache-control": "no-store"})

    def error_bytes(status: int, title: str, message: str) -> bytes:
        return env.get_template("error.html").render(title=title, message=message, status=status,
                                                     nav="").encode("utf-8")

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        import anyio.to_thread

        # pages run in worker threads, each with its own read-only SQLite connection: keep them few
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        yield
        archives.close()
        jobs.close()

    app = FastAPI(title="minutebook", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.config = config
    app.state.jobs = jobs
    app.state.sources = sources

    # ---- errors: a friendly page, never a traceback

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, e: NotFound) -> HTMLResponse:
        return html("error.html", 404, title="Not found", message=e.message, status=404, nav="")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException) -> HTMLResponse:
        title = {404: "Not found", 405: "Not allowed"}.get(e.status_code, "Request refused")
        message = "There is nothing at this address." if e.status_code == 404 else "This request cannot be served."
        return html("error.html", e.status_code, title=title, message=message, status=e.status_code, nav="")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError) -> HTMLResponse:
        if any(err.get("loc", [None])[0] == "path" for err in e.errors()):
            return html("error.html", 404, title="Not found", message="There is nothing at this address.",
                        status=404, nav="")
        return html("error.html", 400, title="Request not understood",
                    message="Some of the values in the address or form are not valid.", status=400, nav="")

    @app.exception_handler(MinutebookError)
    async def _mb(request: Request, e: MinutebookError) -> HTMLResponse:
        return html("error.html", 400 if e.code != "MB013" else 503, title="minutebook could not do that",
                    message=f"{e.message} [{e.code}]; {e.hint}", status=400 if e.code != "MB013" else 503, nav="")

    @app.exception_handler(Exception)
    async def _bug(request: Request, e: Exception) -> HTMLResponse:
        log.exception("error serving %s", request.url.path)
        return html("error.html", 500, title="Something went wrong",
                    message="minutebook hit an unexpected error serving this page; the details are in the "
                            "server's log.", status=500, nav="")

    # ---- static

    @app.get("/static/style.css", include_in_schema=False)
    def style() -> Response:
        return Response(css, media_type="text/css", headers={"cache-control": "public, max-age=3600"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    # ---- search

    def _facet_lists(a: Archive) -> tuple[list, list]:
        return cache.get(a, "labels", a.theme_labels), cache.get(a, "formats", a.formats)

    def _people(a: Archive) -> list:
        """The 200 names with most meetings (the people page, and the name suggestions of the filters)."""
        return cache.get(a, "people", lambda: a.person_index(limit=200))

    @app.get("/", response_class=HTMLResponse)
    @app.get("/search", response_class=HTMLResponse)
    def search(q: str | None = None, theme: str | None = None, person: str | None = None,
               since: str | None = None, until: str | None = None, type: str | None = None,
               n: str | None = None, boost: str | None = None) -> HTMLResponse:
        a = archives.get()
        labels, formats = _facet_lists(a)
        q, theme, person = _clean(q, 500), _clean(theme, 100), _clean(person, 200)
        since, until, doc_format = _clean(since, 10), _clean(until, 10), _clean(type, 20)
        limit = _int(n, 20, 1, SEARCH_LIMITS[-1])
        asked = bool(q or theme or person or since or until or doc_format)
        hits, message = [], None
        who = resolve_person(a, person) if person else Resolved(typed="")
        theme_boost = boost != "0"  # ?boost=0: no boost for the themes the words name
        boosted: list[str] = []
        if asked and not who.candidates:
            try:
                hits = a.search(q, theme=theme or None, person=who.name or person or None, since=since or None,
                                until=until or None, doc_format=doc_format or None, limit=limit,
                                theme_boost=theme_boost)
                boosted = list(a.query_themes(q)) if q and theme_boost and not theme else []
            except MinutebookError as e:
                message = f"{e.message}; {e.hint}"
            if not hits and not message:
                message = parse_query(q).notice()
        more_hits = len(hits) >= limit
        hits, also = one_per_meeting(hits, _index(a)) if hits else (hits, {})
        facet_counts: dict[str, int] = {}
        for h in hits:
            for lab in h.themes:
                facet_counts[lab] = facet_counts.get(lab, 0) + 1
        more = next((x for x in SEARCH_LIMITS if x > limit), None) if more_hits else None
        return html("search.html", nav="search", q=q, theme=theme, person=person, since=since, until=until,
                    doc_format=doc_format, hits=hits, asked=asked, message=message, labels=labels,
                    formats=formats, facet_counts=sorted(facet_counts.items(), key=lambda kv: (-kv[1], kv[0])),
                    more=more, limit=limit, boosted=boosted, boost="" if theme_boost else "0",
                    counts=cache.get(a, "counts", a.counts) if not asked else None,
                    people_names=_people(a), who=who, also=also,
                    who_links=[(n, url("/search", q=q, theme=theme, person=n, since=since, until=until,
                                       type=doc_format)) for n in who.candidates])

    # ---- the list of meetings (renditions of one meeting grouped)

    def _index(a: Archive) -> MeetingIndex:
        return cache.get(a, "meeting-index", lambda: build_index(a.meeting_list(), a.meeting))

    @app.get("/meetings", response_class=HTMLResponse)
    def meetings(year: str | None = None, series: str | None = None, title: str | None = None,
                 type: str | None = None, sort: str | None = None, page: str | None = None) -> HTMLResponse:
        a = archives.get()
        index = _index(a)
        year, series, title, doc_format = _clean(year, 4), _clean(series, 200), _clean(title, 200), _clean(type, 20)
        oldest = sort == "oldest"
        rows = index.select(year=year, series=series, title=title, doc_format=doc_format, oldest_first=oldest)
        size = config.page_size
        pages = max(1, -(-len(rows) // size))
        pg = _int(page, 1, 1, pages)
        return html("meetings.html", nav="meetings", rows=rows[(pg - 1) * size: pg * size], total=len(rows),
                    page=pg, pages=pages, year=year, series=series, title=title, doc_format=doc_format,
                    sort="oldest" if oldest else "", years=index.years(), all_series=index.series()[:300],
                    formats=cache.get(a, "formats", a.formats))

    # ---- one meeting, its passages and its original file

    def _meeting(meeting_id: int):
        if not 0 < meeting_id < 2 ** 63:
            raise NotFound("There is no meeting with this number in the archive.")
        a = archives.get()
        m = a.meeting(meeting_id)
        doc = a.meeting_document(meeting_id) if m is not None else None
        if m is None or doc is None:
            raise NotFound("There is no meeting with this number in the archive.")
        return a, m, doc

    @app.get("/meetings/{meeting_id:int}", response_class=HTMLResponse)
    def meeting(meeting_id: int) -> HTMLResponse:
        a, m, doc = _meeting(meeting_id)
        draft = build_draft(m)
        tree = m.section_tree
        section_spans = [{"start": h.provenance.start, "end": max(h.body_end, h.provenance.end)} for h in tree]
        index = _index(a)
        entry = index.by_meeting.get(meeting_id)
        renditions = [r for r in entry.renditions if r.meeting_id != meeting_id] if entry else []
        previous, following = index.neighbours(meeting_id)
        carried = a.carried_actions(meeting_id, m.title, m.meeting_date, limit=CARRIED_SHOWN + 1)
        carried_more = len(carried) > CARRIED_SHOWN  # the most recent are shown
        carried = carried[-CARRIED_SHOWN:]
        return html("meeting.html", nav="meetings", m=m, d=draft, doc=doc, mid=meeting_id, spans=section_spans,
                    carried=carried, carried_more=carried_more,
                    file_name=Path(doc.path).name, file_there=Path(doc.path).is_file(), renditions=renditions,
                    previous=previous, following=following, series=entry.series if entry else "")

    @app.get("/meetings/{meeting_id:int}/source", response_class=HTMLResponse)
    def source(meeting_id: int, start: int = 0, end: int = 0, page: int | None = None,
               q: str | None = None) -> HTMLResponse:
        a, m, doc = _meeting(meeting_id)
        if start < 0 or end < start:
            raise NotFound("That span is not in this document.")
        p = sources.passage(doc, start, end, m, page)
        return html("source.html", nav="", m=m, doc=doc, mid=meeting_id, p=p, file_name=Path(doc.path).name,
                    passage=words_marked(p.marked, _clean(q, 500)))

    @app.get("/documents/{document_id:int}/original")
    def original(document_id: int) -> Response:
        a = archives.get()
        doc = a.document(document_id) if 0 < document_id < 2 ** 63 else None
        if doc is None:
            raise NotFound("There is no document with this number in the archive.")
        path = Path(doc.path)
        from pipeline.archive.types import content_hash

        if not path.is_file():
            raise NotFound("The original file is no longer where it was tagged from.")
        if content_hash(path) != doc.content_hash:
            raise NotFound("The original file has changed since it was tagged.")
        name = safe_filename(path.name)
        return FileResponse(path, media_type=content_type(doc.format), filename=name,
                            content_disposition_type="attachment",
                            headers={"content-security-policy": "sandbox; default-src 'none'",
                                     "cache-control": "no-store"})

    # ---- actions, people, themes

    @app.get("/actions", response_class=HTMLResponse)
    def actions(state: str = "open", owner: str | None = None, page: str | None = None) -> HTMLResponse:
        a = archives.get()
        state = state if state in Archive.ACTION_STATES else "open"
        owner = _clean(owner, 200)
        pg = _int(page, 1, 1, 100_000)
        size = config.page_size
        who = resolve_person(a, owner) if owner else Resolved(typed="")
        board = a.action_board(owner=(who.name or owner) if owner else None, state=state, limit=size,
                               offset=(pg - 1) * size)
        if who.candidates:
            board.rows = []
        total = board.counts.get(state, 0)
        return html("actions.html", nav="actions", board=board, state=state, owner=owner, page=pg,
                    pages=max(1, -(-total // size)), total=total, who=who, people_names=_people(a),
                    who_links=[(n, url("/actions", state=state, owner=n)) for n in who.candidates])

    @app.get("/people", response_class=HTMLResponse)
    def people(q: str | None = None) -> HTMLResponse:
        a = archives.get()
        q = _clean(q, 200)
        rows = a.person_index(q, limit=200) if q else _people(a)
        return html("people.html", nav="people", q=q, rows=rows)

    @app.get("/person", response_class=HTMLResponse)
    def person(name: str | None = None) -> HTMLResponse:
        a = archives.get()
        name = _clean(name, 200)
        rec = a.person(name) if name else None
        if rec is None:
            raise NotFound("No one of that name is in the archive.")
        acts = a.actions(owner=rec.person.name)
        return html("person.html", nav="people", rec=rec, p=rec.person, actions=acts[:500], n_actions=len(acts))

    @app.get("/themes", response_class=HTMLResponse)
    def themes(by: str = "year", procedural: str | None = None) -> HTMLResponse:
        a = archives.get()
        by = by if by in ("month", "quarter", "year") else "year"
        with_procedural = procedural == "1"
        def make():
            rows = [r for r in a.themes(by=by) if with_procedural or r.label not in PROCEDURAL_LABELS]
            return trend(rows, theme_name)

        t = cache.get(a, f"trend:{by}:{with_procedural}", make)
        return html("themes.html", nav="themes", by=by, t=t, procedural=with_procedural)

    # ---- new minutes: upload, draft, edit, download

    @app.get("/new", response_class=HTMLResponse)
    def new_form() -> HTMLResponse:
        return html("new.html", nav="new", message=None, drafts=jobs.all())

    @app.post("/new")
    def upload(request: Request, file: UploadFile = File(...)) -> Response:
        data = file.file.read(config.max_upload_bytes + 1)
        if len(data) > config.max_upload_bytes:
            return html("new.html", 413, nav="new", drafts=jobs.all(),
                        message=f"The file is over the {config.max_upload_bytes / (1024 * 1024):g} MB limit.")
        try:
            job = jobs.submit(file.filename or "", data, client=request.client.host if request.client else "")
        except UploadRejected as e:
            return html("new.html", 400, nav="new", message=str(e)[:1].upper() + str(e)[1:] + ".",
                        drafts=jobs.all())
        return RedirectResponse(f"/drafts/{job.id}", status_code=303)

    def _job(job_id: str):
        job = jobs.get(job_id)
        if job is None:
            raise NotFound("There is no draft at this address (a draft never edited makes room for newer "
                           "uploads). Upload the file again.")
        return job

    @app.get("/drafts/{job_id}", response_class=HTMLResponse)
    def draft_page(job_id: str) -> HTMLResponse:
        job = _job(job_id)
        if job.waiting:
            started = job.started if job.status == "running" and job.started else None
            # the time being read counts from the start of the reading, never the wait in the queue
            return html("draft_wait.html", nav="new", job=job, elapsed=round(time.time() - (started or job.created)),
                        waited=round(started - job.created) if started else 0, ahead=jobs.position(job))
        return html("draft.html", nav="new", job=job, d=job.draft, saved=False, message=None)

    @app.post("/drafts/{job_id}")
    async def draft_save(job_id: str, request: Request) -> Response:
        job = _job(job_id)
        if job.status != "done" or job.draft is None:
            return RedirectResponse(f"/drafts/{job.id}", status_code=303)
        form = await request.form(max_files=0, max_fields=2000)
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        jobs.edited(job, apply_edits(job.draft, values, job.origins))  # kept, never dropped for room
        stem = safe_filename(Path(job.filename).stem, "minutes") + "-draft"
        do = values.get("do", "save")
        if do == "md":
            return Response(render_markdown(job.draft).encode("utf-8"), media_type="text/markdown; charset=utf-8",
                            headers={"content-disposition": f'attachment; filename="{stem}.md"',
                                     "cache-control": "no-store"})
        if do == "docx":
            with tempfile.TemporaryDirectory(prefix="minutebook-docx-") as tmp:
                out = render_docx(job.draft, Path(tmp) / "draft.docx")
                body = out.read_bytes()
            return Response(body, media_type=content_type("docx"),
                            headers={"content-disposition": f'attachment; filename="{stem}.docx"',
                                     "cache-control": "no-store"})
        if do == "archive":
            try:
                mid = jobs.archive(job, config.db, files_dir)
            except UploadRejected as e:
                return html("draft.html", 409, nav="new", job=job, d=job.draft, saved=True, message=str(e))
            return RedirectResponse(f"/meetings/{mid}", status_code=303)
        return html("draft.html", nav="new", job=job, d=job.draft, saved=True, message=None)

    guard = Guard(_PerRequest(app), token=config.token, max_upload=config.max_upload_bytes, error_page=error_bytes,
                  allowed_hosts=config.hosts())
    guard.fastapi = app  # type: ignore[attr-defined]
    return guard  # type: ignore[return-value]
