"""Output files (pipeline/core/output.py): checked before any work, written atomically."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from pipeline.core.errors import OutputPathError, WriteFailed
from pipeline.core.output import check_output, write_atomic


def test_check_output_refuses_the_input_a_folder_and_a_missing_folder(tmp_path):
    src = tmp_path / "minutes.md"
    src.write_text("# Minutes\n")
    (tmp_path / "link.md").symlink_to(src)
    os.link(src, tmp_path / "hard.md")
    for same in (src, tmp_path / "link.md", tmp_path / "hard.md", tmp_path / "." / "minutes.md"):
        with pytest.raises(OutputPathError, match="is the input file") as e:
            check_output(same, [src])
        assert e.value.code == "MB022" and str(same) in e.value.one_line()
    with pytest.raises(OutputPathError, match="is a folder"):
        check_output(tmp_path, [src])
    with pytest.raises(OutputPathError, match="does not exist") as e:
        check_output(tmp_path / "missing" / "draft.md", [src])
    assert "missing/draft.md" in e.value.one_line()
    assert check_output(tmp_path / "draft.md", [src]) == tmp_path / "draft.md"


def test_write_atomic_replaces_whole_or_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "draft.md"
    target.write_text("old draft\n")
    target.chmod(0o640)
    write_atomic(target, b"new draft\n")
    assert target.read_text() == "new draft\n" and target.stat().st_mode & 0o777 == 0o640

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(WriteFailed, match="the disk is full") as e:
        write_atomic(target, b"a third draft that never fits\n")
    assert e.value.code == "MB023" and str(target) in e.value.one_line()
    assert target.read_text() == "new draft\n"  # the old file survives
    assert [p.name for p in tmp_path.iterdir()] == ["draft.md"]  # no temporary file left behind


def test_write_atomic_with_a_writer_function(tmp_path):
    target = tmp_path / "chart.svg"
    write_atomic(target, lambda tmp: Path(tmp).write_text(f"<svg>{Path(tmp).suffix}</svg>"))
    assert target.read_text() == "<svg>.svg</svg>"  # the writer sees the target's extension


def test_plural_agrees_with_the_number():
    from pipeline.core.output import plural

    assert [plural(n, "document") for n in (0, 1, 2)] == ["0 documents", "1 document", "2 documents"]
    assert plural(1, "file is", "files are") == "1 file is" and plural(3, "person", "people") == "3 people"
