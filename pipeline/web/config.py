"""Settings of the web application (``minutebook serve``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# the readers' formats, by the extensions an upload may carry (the content is checked by the readers)
UPLOAD_EXTENSIONS = (".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass
class WebConfig:
    db: Path | str | None = None  # the archive: a SQLite file or a postgresql:// URL; None: $MINUTEBOOK_DB or the default
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None  # required on every request when set
    max_upload_bytes: int = 20 * 1024 * 1024
    max_upload_pages: int = 500
    upload_dir: Path | None = None  # where uploads are kept while their draft is made (default: a temp folder)
    max_drafts: int = 50  # drafts kept in memory (oldest dropped first)
    source_cache: int = 8  # re-extracted source texts kept in memory
    page_size: int = 50  # rows per page (search results are 20)
    allowed_hosts: list[str] = field(default_factory=list)  # extra Host names accepted (e.g. behind a proxy)

    def hosts(self) -> list[str]:
        """Host header values accepted: the bound name and localhost; anything when bound to all
        interfaces (then use a token)."""
        if self.host in ("0.0.0.0", "::", ""):
            return ["*"]
        return sorted({*LOCAL_HOSTS, self.host, *self.allowed_hosts})
