"""Fixtures of the reader tests that need a Debian program: ``tesseract`` (OCR of scanned PDFs) and
``soffice`` (LibreOffice, which converts .doc/.odt/.rtf). A missing program skips those tests with
the reason, except with ``MINUTEBOOK_CI=1`` where it fails, so CI cannot pass by skipping (.ci/run
installs both)."""

from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("MINUTEBOOK_CI") == "1"


def _need(program: str, package: str) -> None:
    if shutil.which(program) is None:
        reason = f"{program} is missing: install Debian's {package} (apt-get install {package})"
        if IN_CI:
            pytest.fail(f"MINUTEBOOK_CI=1 and the tests that need {program} cannot run: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def tesseract() -> None:
    _need("tesseract", "tesseract-ocr tesseract-ocr-eng")


@pytest.fixture(scope="session")
def soffice() -> None:
    _need("soffice", "libreoffice-writer-nogui")
