"""The archive follows the folder: a file that moved (same bytes, new path) has its record pointed at
the new path; a path whose file now holds another stored content loses its old record; records whose
files are gone are reported, or removed with ``tag --prune`` - only those under the paths being
tagged (``Scope``): tagging one folder never touches the records of another.

Records are keyed by content (one per sha256), so a file overwritten with a copy of another stored
file is represented by that file's record; the record of what it used to hold goes.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Any, Iterable

_GLOB_CHARS = frozenset("*?[")


class Scope:
    """The stored paths a run over ``paths`` (files, folders, glob patterns, as ``discover`` takes
    them) speaks for: a file named, anything under a folder named, what a pattern matches (its
    leading folder, then the pattern, with ``*`` free to cross folders). Paths are compared as
    ``discover`` stores them: absolute, with links resolved."""

    def __init__(self, paths: Iterable[str | Path]):
        self.roots: list[str] = []
        self.patterns: list[str] = []
        for raw in paths:
            p = Path(raw).expanduser()
            parts = p.parts
            magic = next((i for i, part in enumerate(parts) if _GLOB_CHARS & set(part)), None)
            if magic is None or os.path.lexists(p):
                self.roots.append(os.path.realpath(p))
            else:
                self.patterns.append(os.path.join(os.path.realpath(Path(*parts[:magic]) if magic else "."),
                                                  *parts[magic:]))

    def __contains__(self, path: str) -> bool:
        return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in self.roots) \
            or any(fnmatch.fnmatchcase(path, pat) for pat in self.patterns)


class Follower:
    """Compares what the archive holds with the files a batch finds. Works on any archive with
    ``documents()``, ``move(content_hash, path)`` and ``forget(ids)`` (``pipeline.archive.Archive``);
    with another archive-like object it does nothing."""

    def __init__(self, archive: Any):
        self.archive = archive
        self.enabled = all(hasattr(archive, a) for a in ("documents", "move", "forget"))
        self.by_hash: dict[str, tuple[int, str]] = {}
        self.by_path: dict[str, str] = {}
        if self.enabled:
            for d in archive.documents():
                self.by_hash[d.content_hash] = (d.id, d.path)
                self.by_path[d.path] = d.content_hash
        self.moved: list[tuple[str, str]] = []  # (old path, new path)
        self.dropped: list[str] = []  # paths whose old record went (the file now holds other bytes)

    def found_stored(self, path: str, digest: str) -> None:
        """``path`` holds ``digest``, which the archive already stores (the file is skipped)."""
        if not self.enabled or digest not in self.by_hash:
            return
        _, old = self.by_hash[digest]
        stale = self.by_path.get(path)
        if old != path and not os.path.exists(old):  # moved or renamed
            self.archive.move(digest, path)
            self.moved.append((old, path))
            self.by_path.pop(old, None)
            self.by_path[path] = digest
            self.by_hash[digest] = (self.by_hash[digest][0], path)
            if stale is not None and stale != digest:
                self.by_hash.pop(stale, None)
                self.dropped.append(path)
        elif stale is not None and stale != digest and stale in self.by_hash:
            # overwritten with a copy of another stored file (which is still there): the record of
            # what the path used to hold is no longer true of any file here
            stale_id, stale_path = self.by_hash.pop(stale)
            if stale_path == path:
                self.archive.forget([stale_id])
                self.dropped.append(path)
            self.by_path.pop(path, None)

    def gone(self, *, prune: bool = False, scope: Scope | None = None) -> list[str]:
        """The paths of stored documents whose file no longer exists, within ``scope`` (None: the whole
        archive); removed from the archive with ``prune``. Relative paths (never written by ``tag``)
        are left alone."""
        if not self.enabled:
            return []
        gone = sorted(((d.id, d.path) for d in self.archive.documents()
                       if os.path.isabs(d.path) and (scope is None or d.path in scope)
                       and not os.path.lexists(d.path)), key=lambda x: x[1])
        if prune and gone:
            self.archive.forget(i for i, _ in gone)
        return [p for _, p in gone]
