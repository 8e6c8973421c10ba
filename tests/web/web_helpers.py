"""A small archive for the web tests: two short minutes through the model-free stages (importable
as ``web_helpers`` from tests/web)."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

MINUTES_A = """RIVERSIDE ALLOTMENT SOCIETY

Minutes of the committee meeting held on 12 March 2024

Present: Ann Lee (Chair), Bob Stone, Cara Diaz
Apologies: Dev Patel

1. Finance

The treasurer reported a balance of 1,240 pounds. The grant from the Wellcome Trust arrived.
It was agreed to buy a new shed for the tools.

2. Water supply

Bob Stone will repair the leaking tap by 30 April 2024.
The standpipe on plot 12 needs a new washer.

3. Next meeting

The next meeting will be held on 9 April 2024.
"""

MINUTES_B = """RIVERSIDE ALLOTMENT SOCIETY

Minutes of the committee meeting held on 9 April 2024

Present: Ann Lee (Chair), Cara Diaz, Dev Patel
Apologies: Bob Stone

1. Finance

Subscriptions for 2024 were collected. The <script>alert(1)</script> banner fund has 80 pounds.

2. Water supply

The leaking tap was repaired: done.
"""


def _span(text: str, needle: str) -> tuple[int, int]:
    i = text.index(needle)
    return i, i + len(needle)


def build_small_archive(folder: Path, db: str | Path | None = None) -> Path | str:
    """Two meetings through the real extract + structure stages and the real write path, into ``db``
    (a SQLite file or a postgresql:// URL; default ``folder/small.db``). Returns ``db``."""
    from pipeline.api import analyse
    from pipeline.archive.archive import Archive
    from pipeline.archive.types import TaggedDocument, content_hash
    from pipeline.core.record import Action, Decision, Person, Provenance, SectionThemes, ThemeLabel
    from pipeline.extract import read_document

    db = db or folder / "small.db"
    files = []
    for name, text in (("riverside-2024-03-12.txt", MINUTES_A), ("riverside-2024-04-09.txt", MINUTES_B)):
        p = folder / name
        p.write_text(text, encoding="utf-8")
        files.append(p)
    with Archive.open(db) as archive:
        for p in files:
            m = analyse(p, stages=["extract", "structure"])
            doc = read_document(p)
            text = doc.text

            def prov(needle: str, text: str = text, p: Path = p) -> Provenance:
                s, e = _span(text, needle)
                return Provenance(file=str(p), start=s, end=e, text=text[s:e])

            if "leaking tap by" in text:
                m.actions.append(Action(owner=["Bob Stone"], owner_resolved=["Bob Stone"],
                                        task="repair the leaking tap", due="2024-04-30", due_text="by 30 April 2024",
                                        section="Water supply", provenance=prov("Bob Stone will repair the leaking tap by 30 April 2024.")))
                m.decisions.append(Decision(text="to buy a new shed for the tools", section="Finance",
                                            provenance=prov("It was agreed to buy a new shed for the tools.")))
            else:
                m.actions.append(Action(owner=["Bob Stone"], task="repair the leaking tap", status="done",
                                        section="Water supply", provenance=prov("The leaking tap was repaired: done.")))
            if not m.people:  # the people stage (spaCy) did not run: one person per attendance name
                seen: dict[str, Person] = {}
                for e in m.attendance:
                    seen.setdefault(e.name, Person(name=e.name)).roles.append(e.role)
                m.people = list(seen.values())
            for i, h in enumerate(m.section_tree):
                if h.heading.endswith("Finance"):
                    m.theme_detail.append(SectionThemes(section=h.heading, section_index=i,
                                                        labels=[ThemeLabel(label="finance", score=0.8)]))
                if h.heading.endswith("Water supply"):
                    m.theme_detail.append(SectionThemes(section=h.heading, section_index=i,
                                                        labels=[ThemeLabel(label="facilities_property", score=0.7)]))
            archive.write(TaggedDocument(path=str(p), content_hash=content_hash(p), format=doc.format, meeting=m, text=text))
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The web application under uvicorn in a background thread."""

    def __init__(self, db: Path | str, token: str | None = None, max_upload_bytes: int | None = None,
                 upload_dir: Path | None = None, **options):
        import uvicorn

        from pipeline.web import WebConfig, create_app

        self.port = free_port()
        # uploads (kept with their drafts in the archive) in a folder of the test's, or one removed on exit
        self._own_uploads = upload_dir is None
        self.upload_dir = Path(upload_dir) if upload_dir else Path(tempfile.mkdtemp(prefix="mb-web-uploads-"))
        config = WebConfig(db=db, port=self.port, token=token, upload_dir=self.upload_dir, **options)
        if max_upload_bytes:
            config.max_upload_bytes = max_upload_bytes
        self.app = create_app(config)
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False, server_header=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        if self._own_uploads:
            shutil.rmtree(self.upload_dir, ignore_errors=True)


class OtherSite:
    """Another web site (``http://localhost:PORT``: another host name and port than the server's
    127.0.0.1, so another *site* for the browser) serving one HTML page at ``/``."""

    def __init__(self, html: str):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        body = html.encode("utf-8")

        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                self.send_response(200)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.url = f"http://localhost:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "OtherSite":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
