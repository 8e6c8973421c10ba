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
from typing import Annotated, Iterator, Optional

import typer

app = typer.Typer(
    name="minutebook",
    help="Turn written meeting minutes (PDF, DOCX, HTML, Markdown, text) into structured records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DebugOpt = Annotated[bool, typer.Option("--debug", help="Show the full traceback on errors.")]


class OutFormat(str, Enum):
    json = "json"
    md = "md"


class InFormat(str, Enum):
    pdf = "pdf"
    docx = "docx"
    html = "html"
    markdown = "markdown"
    text = "text"


def _err(msg: str) -> None:
    typer.echo(f"minutebook: {msg}", err=True)


@contextlib.contextmanager
def _errors(debug: bool, path: object = None) -> Iterator[None]:
    from .errors import MinutebookError

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
        where = f"{path}: " if path else ""
        _err(f"{where}unexpected error ({e.__class__.__name__}: {e}); "
             "run again with --debug and report it with the traceback")
        raise typer.Exit(1)


@app.command()
def analyse(
    file: Annotated[Path, typer.Argument(help="A minutes file: PDF, DOCX, HTML, Markdown or plain text.")],
    format: Annotated[OutFormat, typer.Option("--format", "-f", help="Output format.")] = OutFormat.json,
    as_format: Annotated[Optional[InFormat], typer.Option("--as", help="Read the file as this format, whatever its extension.")] = None,
    encoding: Annotated[Optional[str], typer.Option(help="Text encoding of a text/Markdown/HTML file (default: detect).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of standard output.")] = None,
    themes: Annotated[Optional[Path], typer.Option("--themes", help="Your own theme taxonomy (TOML; see models/themes.toml).")] = None,
    summariser: Annotated[Optional[str], typer.Option("--summariser", help="'extractive' (default) or a local model folder.")] = None,
    debug: DebugOpt = False,
) -> None:
    """Read one file and print its meeting record (JSON, or Markdown for people)."""
    from .api import analyse as run
    from .render import meeting_markdown

    with _errors(debug, file):
        meeting = run(file, as_format=as_format.value if as_format else None, encoding=encoding,
                      themes_file=themes, summariser=summariser)
        text = (meeting.model_dump_json(indent=2) + "\n") if format == OutFormat.json else meeting_markdown(meeting)
        if output:
            output.write_text(text, encoding="utf-8")
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
    themes: Annotated[Optional[Path], typer.Option("--themes", help="Your own theme taxonomy (TOML; see models/themes.toml).")] = None,
    summariser: Annotated[Optional[str], typer.Option("--summariser", help="'extractive' (default) or a local model folder (seq2seq or causal) for abstractive summaries, checked against the source.")] = None,
    as_format: Annotated[Optional[InFormat], typer.Option("--as", help="Read the file as this format, whatever its extension.")] = None,
    encoding: Annotated[Optional[str], typer.Option(help="Text encoding of a text/Markdown/HTML file (default: detect).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or timing on stderr.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Write the draft summary a secretary checks and sends after the meeting."""
    from .api import analyse as run
    from .draft import build_draft, render_docx, render_html, render_ics, render_json, render_markdown
    from .errors import MinutebookError

    with _errors(debug, file):
        if format == DraftFormat.docx and output is None:
            raise MinutebookError(file, "a DOCX draft needs a file to go to", "add -o draft.docx")
        meeting = run(file, as_format=as_format.value if as_format else None, encoding=encoding,
                      themes_file=themes, summariser=summariser, on_stage=_progress(quiet))
        draft = build_draft(meeting)
        if format == DraftFormat.docx:
            render_docx(draft, output)
        else:
            text = {DraftFormat.md: render_markdown, DraftFormat.html: render_html,
                    DraftFormat.json: render_json}[format](draft)
            if output:
                output.write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
        if calendar:
            calendar.write_bytes(render_ics(meeting))
        if not quiet and output:
            typer.echo(f"minutebook: wrote {output}" + (f" and {calendar}" if calendar else ""), err=True)


@app.command()
def schema() -> None:
    """Print the JSON schema of the meeting record."""
    from .record import Meeting

    sys.stdout.write(json.dumps(Meeting.model_json_schema(), indent=2) + "\n")


@app.command(name="eval")
def eval_cmd(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of gold annotation JSON files (<document name>.json).")],
    docs_dirs: Annotated[list[Path], typer.Argument(help="Folder(s) holding the documents the gold files name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Score the pipeline against hand-made gold annotations (precision, recall, F1 per field)."""
    from .evaluate import evaluate, format_report

    with _errors(debug, gold_dir):
        report = evaluate(gold_dir, docs_dirs)
        sys.stdout.write(json.dumps(report, indent=2) + "\n" if as_json else format_report(report))


@app.command()
def version() -> None:
    """Print the versions of minutebook and its pipeline."""
    from . import PIPELINE_VERSION, SCHEMA_VERSION, __version__

    typer.echo(f"minutebook {__version__} (pipeline {PIPELINE_VERSION}, schema {SCHEMA_VERSION})")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
