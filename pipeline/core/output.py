"""Files the commands write (``-o``, ``--calendar``, ``--chart``): checked before any work, written
atomically.

``check_output`` refuses, before the analysis starts, an output path that is one of the inputs (the
minutes would be replaced by their own draft), that lies in a folder that does not exist, or that is
a folder. ``write_atomic`` writes a temporary file in the same folder and renames it over the target
(``os.replace``), so an interrupted or failed write (disk full, Ctrl-C) leaves the old file as it was.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from pipeline.core.errors import OutputPathError, WriteFailed


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # links and hard links to the input too
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def check_output(output: str | Path, inputs: Iterable[str | Path] = (), *, option: str = "-o") -> Path:
    """``output`` if it can be written without harm, else ``OutputPathError`` (exit 2) naming it."""
    out = Path(output).expanduser()
    for inp in inputs:
        if _same_file(out, Path(inp)):
            raise OutputPathError(out, f"the {option} file is the input file; writing it would destroy the input",
                                  f"give {option} another file name")
    if out.is_dir():
        raise OutputPathError(out, f"the {option} path is a folder", f"give {option} a file name, e.g. {out / 'draft.md'}")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise OutputPathError(out, f"the {option} folder {parent} does not exist", "create the folder first, or write elsewhere")
    if not os.access(parent, os.W_OK):
        raise OutputPathError(out, f"the {option} folder {parent} is not writable", "write elsewhere, or fix its permissions")
    return out


def write_atomic(path: str | Path, data: bytes | Callable[[Path], None]) -> Path:
    """Write ``data`` (bytes, or a function that writes the file at the path it is given) to ``path``
    through a temporary file in the same folder renamed over it: the old file survives any failure.
    An ``OSError`` (disk full, read-only) becomes ``WriteFailed`` naming ``path``."""
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.",
                                    suffix=f".part{target.suffix}")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
        if not isinstance(data, bytes):
            data(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise WriteFailed(target, f"cannot write the file ({describe_os_error(e)})",
                          "free some space or choose another place, and run again") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _mode_for(target: Path) -> int:
    """The existing file's permissions, or the usual ones for a new file (0o666 less the umask)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def describe_os_error(e: OSError) -> str:
    """A short reason for a write error: the disk is full, read-only, ... ."""
    known = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
             errno.EDQUOT: "the disk quota is exceeded", errno.EACCES: "permission denied",
             errno.EIO: "an input/output error"}
    return known.get(e.errno or -1, e.strerror or str(e))


def plural(n: int, word: str, words: str | None = None) -> str:
    """``n`` and the noun in the form the number takes: "1 document", "0 documents", "3 people"."""
    return f"{n} {word if n == 1 else (words or word + 's')}"
