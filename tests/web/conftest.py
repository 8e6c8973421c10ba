"""Fixtures of the web application's tests: archives, a running server, headless Chromium.

- ``small_archive``: two short minutes written here, read by the model-free stages (extract,
  structure) plus a few hand-written actions, decisions and theme labels with real spans: fast.
- ``corpus_archive``: ``minutebook tag`` over the project's sample minutes (corpus/seed and
  corpus/samples), the full pipeline: slow (loads the models).
- ``live_server``: ``minutebook serve``'s application under uvicorn in a thread on a free port.
- ``browser``: Debian's ``/usr/bin/chromium`` driven by Playwright (never ``playwright install``).
  Missing chromium or Playwright skips with the reason, except with ``MINUTEBOOK_CI=1`` where it
  fails, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest
from helpers import CORPUS
from web_helpers import LiveServer, build_small_archive

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IN_CI = os.environ.get("MINUTEBOOK_CI") == "1"

@pytest.fixture(scope="session")
def small_archive(tmp_path_factory) -> Path:
    return build_small_archive(tmp_path_factory.mktemp("web-small"))


@pytest.fixture(scope="session")
def corpus_archive(tmp_path_factory) -> Path:
    from typer.testing import CliRunner

    from pipeline.cli import app

    db = tmp_path_factory.mktemp("web-corpus") / "archive.db"
    r = CliRunner().invoke(app, ["tag", str(CORPUS / "seed"), str(CORPUS / "samples"), "--db", str(db), "-q"])
    assert r.exit_code == 0, r.output
    return db


@pytest.fixture(scope="session")
def live_server(corpus_archive) -> Iterator[LiveServer]:
    with LiveServer(corpus_archive) as server:
        yield server


def _need_browser() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "Playwright for Python is not installed (pip install playwright; no browser download needed)"
    if reason:
        if IN_CI:
            pytest.fail(f"MINUTEBOOK_CI=1 and the browser tests cannot run: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    _need_browser()
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="mb-chromium-")
    pw = sync_playwright().start()
    try:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, accept_downloads=True,
            viewport={"width": 1280, "height": 900})
        try:
            yield context
        finally:
            context.close()
    finally:
        pw.stop()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser):
    p = browser.new_page()
    p.set_default_timeout(20_000)
    yield p
    p.close()
