"""The web application behind ``minutebook serve``: review drafts and explore the archive.

Server-rendered pages (FastAPI + Jinja2, one small CSS file, no JavaScript at all):

- ``/`` and ``/search``: hybrid-free text search (BM25) with facets (theme, person, date range,
  document type) and highlighted snippets; every hit links to its meeting and to the passage.
- ``/meetings``: every meeting, newest first, paged, filtered by title words, series, year and
  type; the same minutes in several files grouped as one meeting with its renditions
  (``pipeline.web.browse``), also in search results.
- ``/meetings/{id}``: the draft summary by theme, attendance, decisions and actions of one meeting;
  every item links to ``/meetings/{id}/source?start=&end=``, the passage of the source re-extracted
  from the stored file (``pipeline.extract``, small cache) with the span in ``<mark id="hl">``.
  ``/documents/{id}/original`` serves the original file by document id (never by a path).
- ``/actions`` (open, overdue, done; by owner), ``/people`` and ``/person?name=``, ``/themes`` (trends
  as an inline SVG chart).
- ``/new``: upload a file (size and type limited, a bounded queue), the draft is made in a worker
  thread (models load on the first upload, never at start-up), edited in a form, downloaded as
  Markdown or Word, or saved to the archive as a meeting with its original file. Drafts are kept in
  the archive's ``drafts`` table (``pipeline.web.drafts``): they survive a restart, and the clerk's
  corrected records are evaluation data (``minutebook eval --corrections``).

Safe by default: bound to 127.0.0.1 (any other address refused without a token unless
``insecure_no_token``), an optional access token (``--token`` / ``MINUTEBOOK_TOKEN``; header, or a
SameSite=Lax cookie set from ``?token=``) checked on every request, Host checked against an
allow-list (DNS rebinding), cross-site POSTs refused (Origin, else Referer), a strict Content-Security-Policy with no script
source, every piece of document text escaped by Jinja2 autoescape, integer ids only in URLs (no
request path reaches the file system), and a friendly error page instead of any traceback.
"""

from __future__ import annotations

from pipeline.web.config import WebConfig

__all__ = ["WebConfig", "create_app"]


def create_app(config: WebConfig):
    """The ASGI application (imports FastAPI only when called)."""
    from pipeline.web.app import create_app as _create

    return _create(config)
