"""The one owner of the models folder: model configuration and assets shipped with minutebook.

In the source tree they live in ``models/`` at the top of the repository (the design card's layout);
the package maps that folder to the ``pipeline.models`` package, so an editable install, a wheel and
a container image all read it through ``importlib.resources`` the same way. Nothing else in the
code builds a path to ``models/``.

>>> model_path("themes.toml").name
'themes.toml'
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

MODELS_PACKAGE = "pipeline.models"


def models_dir() -> Path:
    """The installed models folder (a real directory: minutebook is never imported from a zip)."""
    return Path(str(files(MODELS_PACKAGE)))


def model_path(*parts: str) -> Path:
    """A file or folder inside the models folder, e.g. ``model_path("spacy", "entity_patterns.jsonl")``."""
    return models_dir().joinpath(*parts)
