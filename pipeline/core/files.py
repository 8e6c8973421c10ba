"""What kind of entry a path is: only regular files are read (a named pipe blocks the reader for
ever, a link to ``/dev/zero`` never ends, a symbolic link loop cannot be opened)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def entry_problem(path: str | Path) -> str | None:
    """Why ``path`` is not a file to read, or None for a regular file (or a symbolic link that resolves,
    without a loop, to one). Named pipes, devices and sockets would block or never end; loops and
    broken links cannot be read."""
    link = os.path.islink(path)
    try:
        st = os.stat(path)  # follows links; ELOOP for a loop
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "a symbolic link loop"
        if link and e.errno == errno.ENOENT:
            return "a broken symbolic link (its target does not exist)"
        return f"cannot be read ({e.strerror or e})"
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return None
    what = ("a folder" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    return (f"a symbolic link to {what}" if link else what) + ", not a regular file"
