"""Settings of the web application (``minutebook serve``)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

# the readers' formats, by the extensions an upload may carry (the content is checked by the readers)
UPLOAD_EXTENSIONS = (".pdf", ".docx", ".doc", ".odt", ".rtf", ".html", ".htm", ".md", ".markdown", ".txt")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
ALL_INTERFACES = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    return host in LOCAL_HOSTS or host.startswith("127.")


@dataclass
class WebConfig:
    db: Path | str | None = None  # the archive: a SQLite file or a postgresql:// URL; None: $MINUTEBOOK_DB or the default
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None  # required on every request when set
    insecure_no_token: bool = False  # allow a non-loopback host without a token (the archive open to the network)
    max_upload_bytes: int = 20 * 1024 * 1024
    max_upload_pages: int = 500
    upload_dir: Path | None = None  # where uploads are kept while their draft is made (default: a temp folder)
    files_dir: Path | None = None  # where files added to the archive from the web are kept (default: next to the archive)
    max_drafts: int = 50  # unedited drafts kept (the oldest dropped for new uploads; edited ones always kept)
    max_queue: int = 8  # uploads waiting for their draft, in all
    max_queue_per_client: int = 3  # uploads waiting for their draft, per client address
    max_queue_bytes: int = 100 * 1024 * 1024  # bytes of the uploads waiting for their draft, in all
    source_cache: int = 8  # re-extracted source texts kept in memory
    page_size: int = 50  # rows per page (search results are 20)
    allowed_hosts: list[str] = field(default_factory=list)  # extra Host names accepted (e.g. behind a proxy)
    stages: tuple[str, ...] | None = None  # the pipeline stages an upload runs (None: all, as minutebook tag)
    max_words: int | None = None  # the word limit of one uploaded document (None: the readers' default)

    def archive_files(self) -> Path:
        """Where files added to the archive from the web are kept: ``files_dir``, else a ``files``
        folder beside a SQLite archive, else (PostgreSQL) minutebook's data folder."""
        if self.files_dir:
            return Path(self.files_dir)
        target = str(self.db or os.environ.get("MINUTEBOOK_DB") or "")
        if target and "://" not in target:
            return Path(target).expanduser().resolve().parent / "files"
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base).expanduser() / "minutebook" / "files"

    def hosts(self) -> list[str]:
        """Host header values accepted (DNS rebinding): the loopback names, the bound host and the
        ``allowed_hosts``; bound to all interfaces, also this machine's name and its addresses."""
        names = {*LOCAL_HOSTS, *self.allowed_hosts}
        if self.host in ALL_INTERFACES:
            names |= _machine_names()
        else:
            names.add(self.host)
        return sorted(n.lower() for n in names if n)


def _machine_names() -> set[str]:
    out: set[str] = set()
    try:
        name = socket.gethostname()
        out |= {name, socket.getfqdn()}
        _, aliases, addresses = socket.gethostbyname_ex(name)
        out |= {*aliases, *addresses}
    except OSError:
        pass
    return out
