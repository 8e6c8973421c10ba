"""The ``minutebook`` command: a thin layer over ``pipeline.api``.

Each command parses options, calls one library function, and turns the library's typed errors into
a one-line message and exit code 2 (a traceback only with ``--debug``).
"""

from __future__ import annotations

import contextlib
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, Iterator, Optional

import typer

app = typer.Typer(
    name="minutebook",
    help="Turn written meeting minutes (PDF, DOCX, HTML, Markdown, text) into structured records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DebugOpt = Annotated[bool, typer.Option("--debug", help="Show the full traceback on errors.")]
MaxMbOpt = Annotated[Optional[int], typer.Option("--max-mb", min=1, help="Largest file to read, in MB (default 200).")]
MaxPagesOpt = Annotated[Optional[int], typer.Option("--max-pages", min=1, help="Most PDF pages to read (default 2000).")]
MaxWordsOpt = Annotated[Optional[int], typer.Option("--max-words", min=1, help="Most words to analyse in one document (default 200,000).")]


class OcrMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


OcrOpt = Annotated[OcrMode, typer.Option("--ocr", help="OCR of scanned PDF pages (Tesseract): auto = pages with no usable text layer, always = every page, never.")]
OcrSecondsOpt = Annotated[Optional[float], typer.Option("--ocr-page-seconds", min=1, help="Time limit for the OCR of one page (default 60; the page is left out past it).")]
OcrPagesOpt = Annotated[Optional[int], typer.Option("--ocr-max-pages", min=1, help="Most pages to OCR in one document (default 300; blank pages are not counted).")]


def _mb(max_mb: int | None) -> int | None:
    """--max-mb in bytes (None keeps the default)."""
    return max_mb * 1024 * 1024 if max_mb else None


class OutFormat(str, Enum):
    json = "json"
    md = "md"


class InFormat(str, Enum):
    pdf = "pdf"
    docx = "docx"
    html = "html"
    markdown = "markdown"
    text = "text"
    doc = "doc"
    odt = "odt"
    rtf = "rtf"


def _err(msg: str) -> None:
    typer.echo(f"minutebook: {msg}", err=True)


@contextlib.contextmanager
def _errors(debug: bool, path: object = None) -> Iterator[None]:
    from pipeline.core.errors import MinutebookError

    try:
        yield
    except MinutebookError as e:
        if debug:
            raise
        _err(e.one_line())
        raise typer.Exit(2)
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as e:  # a bug, not bad input: still one line unless --debug
        if debug:
            raise
        if isinstance(path, str) and "://" in path:  # a database URL: never print its password
            from pipeline.archive.url import redact

            path = redact(path)
        where = f"{path}: " if path else ""
        _err(f"{where}unexpected error ({e.__class__.__name__}: {e}); "
             "run again with --debug and report it with the traceback")
        raise typer.Exit(1)


AsOpt = Annotated[Optional[InFormat], typer.Option("--as", help="Read the file as this format, whatever its extension.")]
EncodingOpt = Annotated[Optional[str], typer.Option(help="Text encoding of a text/Markdown/HTML file (default: detect).")]
ThemesOpt = Annotated[Optional[Path], typer.Option("--themes", help="Your own theme taxonomy (TOML; see models/themes.toml).")]


def _analyse(file: Path, as_format: "InFormat | None", encoding: str | None, themes: Path | None,
             summariser: str | None, limits: tuple[int | None, int | None, int | None], on_stage=None,
             ocr: tuple[OcrMode, float | None, int | None] = (OcrMode.auto, None, None)):
    """The options analyse and summarise share, passed to ``pipeline.api.analyse_all``: one record per
    meeting in the file."""
    from pipeline.api import analyse_all

    max_mb, max_pages, max_words = limits
    return analyse_all(file, as_format=as_format.value if as_format else None, encoding=encoding,
                       themes_file=themes, summariser=summariser, on_stage=on_stage, max_bytes=_mb(max_mb),
                       max_pages=max_pages, max_words=max_words, ocr=ocr[0].value, ocr_page_seconds=ocr[1],
                       ocr_max_pages=ocr[2])


@app.command()
def analyse(
    file: Annotated[Path, typer.Argument(help="A minutes file: PDF, DOCX, HTML, Markdown or plain text.")],
    format: Annotated[OutFormat, typer.Option("--format", "-f", help="Output format.")] = OutFormat.json,
    as_format: AsOpt = None,
    encoding: EncodingOpt = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of standard output.")] = None,
    themes: ThemesOpt = None,
    summariser: Annotated[Optional[str], typer.Option("--summariser", help="'extractive' (default) or a local model folder.")] = None,
    max_mb: MaxMbOpt = None,
    max_pages: MaxPagesOpt = None,
    max_words: MaxWordsOpt = None,
    ocr: OcrOpt = OcrMode.auto,
    ocr_page_seconds: OcrSecondsOpt = None,
    ocr_max_pages: OcrPagesOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Read one file and print its meeting record (JSON, or Markdown for people). A file that holds
    several meetings gives one record each: a JSON list (Markdown: one after another)."""
    from pipeline.core.output import check_output, write_atomic
    from pipeline.draft.markdown import meeting_markdown

    with _errors(debug, file):
        if output:
            output = check_output(output, [file])  # before any work: never the input, a folder or nowhere
        meetings = _analyse(file, as_format, encoding, themes, summariser, (max_mb, max_pages, max_words),
                            ocr=(ocr, ocr_page_seconds, ocr_max_pages))
        if format == OutFormat.json and len(meetings) == 1:
            text = meetings[0].model_dump_json(indent=2) + "\n"
        elif format == OutFormat.json:
            text = json.dumps([m.model_dump(mode="json") for m in meetings], indent=2, ensure_ascii=False) + "\n"
        else:
            text = "\n\n---\n\n".join(meeting_markdown(m) for m in meetings)
        if output:
            write_atomic(output, text.encode("utf-8"))
        else:
            sys.stdout.write(text)


class DraftFormat(str, Enum):
    md = "md"
    docx = "docx"
    html = "html"
    json = "json"


def _progress(quiet: bool):
    """Stage timings on stderr (nothing with --quiet)."""
    if quiet:
        return None
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    total = [0.0]

    def on_stage(name: str, seconds: float) -> None:
        total[0] += seconds
        console.print(f"[dim]{name:<10}[/dim] {seconds:6.2f} s   [dim](total {total[0]:.2f} s)[/dim]")

    return on_stage


@app.command()
def summarise(
    file: Annotated[Path, typer.Argument(help="A minutes file: PDF, DOCX, HTML, Markdown or plain text.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the draft here (required for docx).")] = None,
    format: Annotated[DraftFormat, typer.Option("--format", "-f", help="Draft format.")] = DraftFormat.md,
    calendar: Annotated[Optional[Path], typer.Option("--calendar", help="Also write an .ics file of the next meetings and action deadlines.")] = None,
    themes: ThemesOpt = None,
    summariser: Annotated[Optional[str], typer.Option("--summariser", help="'extractive' (default) or a local model folder (seq2seq or causal) for abstractive summaries, checked against the source.")] = None,
    as_format: AsOpt = None,
    encoding: EncodingOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or timing on stderr.")] = False,
    meeting: Annotated[str, typer.Option("--meeting", help="Which meeting of a file that holds several: its number (1 = the first), 'last' (default) or 'all'.")] = "last",
    max_mb: MaxMbOpt = None,
    max_pages: MaxPagesOpt = None,
    max_words: MaxWordsOpt = None,
    ocr: OcrOpt = OcrMode.auto,
    ocr_page_seconds: OcrSecondsOpt = None,
    ocr_max_pages: OcrPagesOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Write the draft summary a secretary checks and sends after the meeting."""
    from pipeline.core.errors import BadOption
    from pipeline.core.output import check_output, write_atomic
    from pipeline.draft.build import build_draft
    from pipeline.draft.ics import render_ics
    from pipeline.draft.render import choose_meetings, render_drafts

    with _errors(debug, file):
        if format == DraftFormat.docx and output is None:
            raise BadOption(file, "a DOCX draft needs a file to go to", "add -o draft.docx")
        # before any work: never the input, a folder or a folder that does not exist
        output = check_output(output, [file]) if output else None
        calendar = check_output(calendar, [file], option="--calendar") if calendar else None
        chosen = choose_meetings(file, meeting)  # a bad --meeting fails before the analysis
        meetings = chosen(_analyse(file, as_format, encoding, themes, summariser, (max_mb, max_pages, max_words),
                                   on_stage=_progress(quiet), ocr=(ocr, ocr_page_seconds, ocr_max_pages)))
        drafts = [build_draft(m) for m in meetings]
        for target, data in render_drafts(drafts, format.value, output):
            if target is None:
                sys.stdout.write(data.decode("utf-8"))
            else:
                write_atomic(check_output(target, [file]), data)
        if calendar:
            write_atomic(calendar, render_ics(meetings[-1]))
        if not quiet and output:
            typer.echo(f"minutebook: wrote {output}" + (f" and {calendar}" if calendar else ""), err=True)


DbOpt = Annotated[Optional[str], typer.Option("--db", help="The archive: a SQLite file or a postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME URL. Default: $MINUTEBOOK_DB or ~/.local/share/minutebook/archive.db.")]


class Export(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


ExportOpt = Annotated[Export, typer.Option("--format", "-f", help="table, json or csv.")]


def _listing(db: str | None, debug: bool, fetch: Callable[[Any], list], fmt: "Export",
             columns: list[tuple[str, str]]) -> None:
    """A read-only listing of the archive (actions, people): fetch the rows, print them."""
    from pipeline.archive.archive import Archive

    with _errors(debug, db):
        with Archive.open(db, readonly=True) as archive:
            rows = fetch(archive)
        _emit(rows, fmt, columns)


def _emit(rows: list, fmt: "Export", columns: list[tuple[str, str]]) -> None:
    """Print query results as a table (rich), JSON or CSV. ``columns``: (key, header) for tables/CSV."""
    import csv as csv_mod

    dicts = [r.to_dict() if hasattr(r, "to_dict") else dict(r) for r in rows]
    if fmt == Export.json:
        sys.stdout.write(json.dumps(dicts, indent=2, ensure_ascii=False, default=str) + "\n")
        return

    def cell(d: dict, key: str) -> str:
        v = d
        for part in key.split("."):
            v = v.get(part) if isinstance(v, dict) else None
        if isinstance(v, list):
            return ", ".join(str(x) for x in v)
        return "" if v is None else str(v)

    if fmt == Export.csv:
        w = csv_mod.writer(sys.stdout)
        w.writerow([h for _, h in columns])
        for d in dicts:
            w.writerow([cell(d, k) for k, _ in columns])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for _, h in columns:
        table.add_column(h, overflow="fold")
    for d in dicts:
        table.add_row(*[cell(d, k) for k, _ in columns])
    Console().print(table)
    if not dicts:
        typer.echo("(no results)", err=True)


@app.command()
def tag(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders (walked recursively) or globs.")],
    db: DbOpt = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Parallel worker processes (each loads the models once).")] = 1,
    force: Annotated[bool, typer.Option("--force", help="Tag again files already stored with this pipeline version.")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Try again files that failed before.")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Remove from the archive the documents whose files are gone, under the PATHs tagged only (without it they are listed).")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds allowed per document (0 = no limit).")] = 300.0,
    max_mb: MaxMbOpt = None,
    max_pages: MaxPagesOpt = None,
    max_words: MaxWordsOpt = None,
    ocr: OcrOpt = OcrMode.auto,
    ocr_page_seconds: OcrSecondsOpt = None,
    ocr_max_pages: OcrPagesOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary table.")] = False,
    cluster: Annotated[Optional[str], typer.Option("--cluster", help="Run on Dask: a scheduler address (tcp://HOST:8786 on a private network only, tls://HOST:8786 with certificates) or local:N for N local workers.")] = None,
    retries: Annotated[int, typer.Option("--retries", min=0, help="With --cluster: tries again after a worker died (then FAILED).")] = 2,
    tls_ca: Annotated[Optional[Path], typer.Option("--tls-ca", help="With --cluster tls://...: the CA certificate the scheduler's certificate is signed by.")] = None,
    tls_cert: Annotated[Optional[Path], typer.Option("--tls-cert", help="With --cluster tls://...: this client's certificate (PEM).")] = None,
    tls_key: Annotated[Optional[Path], typer.Option("--tls-key", help="With --cluster tls://...: this client's private key (PEM).")] = None,
    profile: Annotated[bool, typer.Option("--profile", help="Print where the time went: discovery, hashing, model loading, workers, waiting, the writer per statement.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Tag a whole archive: every supported file into the searchable database, in parallel."""
    from pipeline.scale.batch import run_batch
    from pipeline.scale.progress import RichProgress
    from pipeline.scale.results import Limits

    limits = Limits(seconds=timeout or None, max_bytes=_mb(max_mb),
                    max_pages=max_pages, max_words=max_words, ocr=ocr.value, ocr_page_seconds=ocr_page_seconds,
                    ocr_max_pages=ocr_max_pages)
    tls = (tls_ca, tls_cert, tls_key) if (tls_ca or tls_cert or tls_key) else None
    with _errors(debug, paths[0] if paths else None):
        if tls is not None and cluster is None:
            from pipeline.scale.cluster import ClusterUnavailable

            raise ClusterUnavailable(None, "--tls-ca/--tls-cert/--tls-key are for a Dask scheduler",
                                     "add --cluster tls://HOST:8786")
        with contextlib.nullcontext() if quiet else RichProgress() as bar:
            report = run_batch(paths, db=db, workers=workers, force=force, retry_failed=retry_failed,
                               limits=limits, progress=bar, cluster=cluster, retries=retries, prune=prune,
                               profile=profile, cluster_tls=tls)
        if not quiet:
            from rich.console import Console
            from rich.markup import escape
            from rich.table import Table

            from pipeline.core.errors import printable

            t = Table(title="minutebook tag")
            t.add_column("status")
            t.add_column("documents", justify="right")
            for status, n in report.counts.items():
                t.add_row(getattr(status, "value", str(status)), str(n))
            console = Console(stderr=True)
            console.print(t)
            for path, error in report.failures[:50]:
                line = error if str(path) in error else f"{path}: {error}"
                console.print(f"[red]FAILED[/red] {escape(line)}")
            for path, reason in report.left_out[:50]:
                console.print(f"[yellow]LEFT OUT[/yellow] {escape(printable(path))}: {reason}")
            for old, new in report.moved[:50]:
                console.print(f"[cyan]MOVED[/cyan] {escape(printable(old))} -> {escape(printable(new))}")
            for path in report.gone[:50]:
                console.print(f"[{'red' if report.pruned else 'yellow'}]{'REMOVED' if report.pruned else 'GONE'}"
                              f"[/] {escape(printable(path))}")
            console.print(report.summary())
        if report.profile is not None:
            for line in report.profile.lines():
                typer.echo(f"profile: {line}", err=True)
        raise typer.Exit(report.exit_code)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to look for (any text is safe), or '' to list by filters: "
                                         "\"a phrase\", -word or NOT word (leave out), a OR b, prefix*.")] = "",
    theme: Annotated[Optional[str], typer.Option("--theme", help="Only sections with this theme label.")] = None,
    person: Annotated[Optional[str], typer.Option("--person", help="Only meetings this person attended, spoke at or owns actions in.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Up to this date (YYYY, YYYY-MM or YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many results.")] = 20,
    text_only: Annotated[bool, typer.Option("--text-only", help="Words only (BM25), no semantic similarity (skips loading the encoder).")] = False,
    no_theme_boost: Annotated[bool, typer.Option("--no-theme-boost", help="No boost for the sections of a theme the words name (shown in the 'boosted' column).")] = False,
    format: ExportOpt = Export.table,
    db: DbOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Search the archive: BM25 over the text plus embedding similarity, with filters."""
    from pipeline.archive.archive import Archive
    from pipeline.archive.query import parse_query
    from pipeline.core.errors import BadOption

    with _errors(debug, db):
        pq = parse_query(query)
        if pq.notice() and not (theme or person or since or until):
            raise BadOption(None, pq.notice() or "", "e.g. minutebook search 'library -budget'")
        vector = None
        if pq.groups and not text_only:
            from pipeline.themes.encoder import shared_encoder

            vector = shared_encoder().encode([pq.meaning(query)])[0]
        with Archive.open(db, readonly=True) as archive:
            hits = archive.search(query, theme=theme, person=person, since=since, until=until, limit=limit,
                                  query_vector=vector, theme_boost=not no_theme_boost)
        _emit(hits, format, [("meeting_date", "date"), ("title", "meeting"), ("heading", "section"),
                             ("snippet", "snippet"), ("provenance.path", "file"), ("provenance.page", "page"),
                             ("boosted_themes", "boosted")])


@app.command()
def actions(
    owner: Annotated[Optional[str], typer.Option("--owner", help="Only actions owned by this person (names and aliases match).")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only actions not yet recorded as done.")] = False,
    due_before: Annotated[Optional[str], typer.Option("--due-before", help="Only actions due before this date (YYYY-MM-DD).")] = None,
    format: ExportOpt = Export.table,
    db: DbOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Action items across meetings (an action is open until a later meeting records it done)."""
    _listing(db, debug, lambda a: a.actions(owner=owner, open_only=open_only, due_before=due_before), format,
             [("meeting_date", "meeting"), ("owner", "owner"), ("task", "task"), ("due", "due"),
              ("open", "open"), ("status", "status"), ("provenance.path", "file")])


@app.command()
def people(
    name: Annotated[Optional[str], typer.Option("--name", help="Only this person (names and aliases match).")] = None,
    format: ExportOpt = Export.table,
    db: DbOpt = None,
    debug: DebugOpt = False,
) -> None:
    """People across meetings: attendance record, actions owned, roles (aliases merged only on evidence)."""
    _listing(db, debug, lambda a: a.people(name=name), format,
             [("name", "name"), ("aliases", "aliases"), ("meetings", "meetings"), ("present", "present"),
              ("apologies", "apologies"), ("absent", "absent"), ("actions_owned", "actions"), ("roles", "roles"),
              ("first_seen", "first"), ("last_seen", "last")])


class Period(str, Enum):
    month = "month"
    quarter = "quarter"
    year = "year"


@app.command()
def themes(
    by: Annotated[Period, typer.Option("--by", help="Group by month, quarter or year.")] = Period.year,
    chart: Annotated[Optional[Path], typer.Option("--chart", help="Also draw the trends to this .png or .svg file.")] = None,
    format: ExportOpt = Export.table,
    db: DbOpt = None,
    debug: DebugOpt = False,
) -> None:
    """How often each theme came up, by period (table, and a chart as PNG or SVG)."""
    from pipeline.archive.archive import Archive
    from pipeline.core.output import check_output, write_atomic

    with _errors(debug, db):
        chart = check_output(chart, option="--chart") if chart else None
        with Archive.open(db, readonly=True) as archive:
            rows = archive.themes(by=by.value)
        _emit(rows, format, [("period", by.value), ("label", "theme"), ("sections", "sections"),
                             ("meetings", "meetings")])
        if chart:
            from pipeline.archive.charts import theme_chart

            write_atomic(chart, lambda tmp: theme_chart(rows, tmp, by=by.value))
            typer.echo(f"minutebook: wrote {chart}", err=True)


@app.command()
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on. The default is this machine only; any other address (0.0.0.0: the network) needs a token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[Optional[str], typer.Option("--token", envvar="MINUTEBOOK_TOKEN", help="Require this access token on every request (header, or a cookie set by opening the printed address).")] = None,
    insecure_no_token: Annotated[bool, typer.Option("--insecure-no-token", help="Serve on a --host beyond this machine with no token: anyone who can reach it reads the archive.")] = False,
    allow_host: Annotated[Optional[list[str]], typer.Option("--allow-host", help="Another Host name the server answers to (a proxy's or DNS name; repeatable). Loopback names and --host always are.")] = None,
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", min=1, help="Largest upload for New minutes, in MB.")] = 20,
    max_words: MaxWordsOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Start the web application: search, meetings with their sources, actions, people, theme trends, new drafts."""
    from pipeline.web import WebConfig, create_app

    with _errors(debug, db):
        config = WebConfig(db=db, host=host, port=port, token=token or None, insecure_no_token=insecure_no_token,
                           allowed_hosts=list(allow_host or []), max_upload_bytes=max_upload_mb * 1024 * 1024,
                           max_words=max_words)
        application = create_app(config)
        shown = f"[{host}]" if ":" in host else host
        address = f"http://{shown}:{port}/" + (f"?token={config.token}" if config.token else "")
        if insecure_no_token and not config.token and host not in ("127.0.0.1", "localhost", "::1"):
            _err("WARNING: --insecure-no-token: listening beyond this machine with no token; anyone who can reach "
                 f"{host}:{port} can read the archive and its original files")
        from pipeline.archive.url import redact

        typer.echo(f"minutebook: serving {redact(db) if db else 'the default archive'} at {address} (Ctrl+C stops)",
                   err=True)
    import uvicorn

    uvicorn.run(application, host=host, port=port, log_level="debug" if debug else "warning",
                server_header=False, proxy_headers=False, access_log=debug)


@app.command()
def schema() -> None:
    """Print the JSON schema of the meeting record."""
    from pipeline.core.record import Meeting

    sys.stdout.write(json.dumps(Meeting.model_json_schema(), indent=2) + "\n")


@app.command(name="eval")
def eval_cmd(
    gold_dir: Annotated[Optional[Path], typer.Argument(help="Folder of gold annotation JSON files (<document name>.json). Without it: every gold set of this checkout (corpus/expected, ../shared/corpus batch 1 and 2, corpus/external, corpus/fresh2).")] = None,
    docs_dirs: Annotated[Optional[list[Path]], typer.Argument(help="Folder(s) holding the documents the gold files name.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    corrections: Annotated[Optional[str], typer.Option("--corrections", metavar="DB", help="Score against the records clerks corrected in the web application's drafts, kept in this archive (a SQLite file or a postgresql:// URL): the pipeline runs again on each uploaded file and every correction counts as a miss.")] = None,
    debug: DebugOpt = False,
) -> None:
    """Score the pipeline against hand-made gold annotations (precision, recall, F1 per field)."""
    from pipeline.core.errors import MinutebookError
    from pipeline.evaluate import evaluate, evaluate_corrections, find_suites, format_report, format_summary

    with _errors(debug, gold_dir or corrections):
        if corrections is not None:
            if gold_dir is not None:
                raise MinutebookError(gold_dir, "--corrections takes no gold folder", "pass either --corrections DB or GOLD_DIR DOCS...")
            report = evaluate_corrections(corrections)
            sys.stdout.write(json.dumps(report, indent=2) + "\n" if as_json else format_report(report))
            return
        if gold_dir is not None:
            if not docs_dirs:
                raise MinutebookError(gold_dir, "no document folder given", "name the folder(s) holding the documents")
            report = evaluate(gold_dir, docs_dirs)
            sys.stdout.write(json.dumps(report, indent=2) + "\n" if as_json else format_report(report))
            return
        suites, notes = find_suites(Path.cwd())
        if not suites:
            raise MinutebookError(Path.cwd(), "no gold sets here", "run it in a minutebook checkout, or pass GOLD_DIR DOCS...")
        reports = {s.name: evaluate(s.gold, list(s.docs)) for s in suites}
        if as_json:
            sys.stdout.write(json.dumps(reports, indent=2) + "\n")
        else:
            sys.stdout.write(format_summary(reports))
        for n in notes:
            _err(n)


@app.command()
def version() -> None:
    """Print the versions of minutebook and its pipeline."""
    from pipeline import PIPELINE_VERSION, SCHEMA_VERSION, __version__

    typer.echo(f"minutebook {__version__} (pipeline {PIPELINE_VERSION}, schema {SCHEMA_VERSION})")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
