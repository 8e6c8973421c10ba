"""The theme taxonomy: a fixed, editable list of labels (``models/themes.toml``, or a user's own file),
each with a description and example phrases, and an optional threshold per label.

>>> tax = Taxonomy.load()
>>> "finance" in tax.names
True
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.errors import MinutebookError
from pipeline.core.resources import model_path

DEFAULT_TAXONOMY = model_path("themes.toml")
FORMAT_VERSION = 1
_LABEL_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class TaxonomyError(MinutebookError):
    code = "MB016"
    default_hint = "fix the theme taxonomy file (its format is described at the top of models/themes.toml)"


@dataclass(frozen=True)
class ThemeDef:
    name: str
    description: str
    examples: tuple[str, ...]
    threshold: float | None = None
    procedural: bool = False

    def prototype_texts(self) -> list[str]:
        words = self.name.replace("_", " ")
        return [f"{words}: {self.description}", *self.examples]


@dataclass
class Taxonomy:
    labels: dict[str, ThemeDef]
    sources: list[str] = field(default_factory=list)
    format: int = FORMAT_VERSION

    @property
    def names(self) -> list[str]:
        return list(self.labels)

    @property
    def procedural_label(self) -> str | None:
        return next((n for n, d in self.labels.items() if d.procedural), None)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Taxonomy":
        """The default taxonomy, or the default extended / replaced by the user's file at ``path``."""
        default = _read_taxonomy(DEFAULT_TAXONOMY, user=False)
        if path is None:
            return cls(labels=default[1], sources=[str(DEFAULT_TAXONOMY)])
        p = Path(path)
        mode, labels = _read_taxonomy(p, user=True)
        if mode == "replace":
            out = labels
            sources = [str(p)]
        else:
            out = {**default[1], **labels}
            sources = [str(DEFAULT_TAXONOMY), str(p)]
        procedural = [n for n, d in out.items() if d.procedural]
        if len(procedural) > 1:
            raise TaxonomyError(p, f"more than one label is marked procedural ({', '.join(procedural)})",
                                "mark only one label with procedural = true")
        return cls(labels=out, sources=sources)


def _read_taxonomy(path: Path, *, user: bool) -> tuple[str, dict[str, ThemeDef]]:
    if not path.exists():
        raise TaxonomyError(path, "theme taxonomy file not found", "check the path of the taxonomy file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise TaxonomyError(path, f"not valid TOML: {e}") from e
    except UnicodeDecodeError as e:
        raise TaxonomyError(path, "not UTF-8 text", "save the taxonomy as UTF-8") from e
    allowed_top = {"format", "mode", "labels"}
    for k in data:
        if k not in allowed_top:
            raise TaxonomyError(path, f"unknown top-level key '{k}' (allowed: format, mode, labels)")
    fmt = data.get("format")
    if fmt is None:
        raise TaxonomyError(path, "missing key 'format'", f"add format = {FORMAT_VERSION} at the top of the file")
    if fmt != FORMAT_VERSION:
        raise TaxonomyError(path, f"'format' is {fmt!r}; this minutebook reads format {FORMAT_VERSION}")
    mode = data.get("mode", "extend")
    if mode not in ("extend", "replace"):
        raise TaxonomyError(path, f"unknown 'mode' {mode!r}", 'use mode = "extend" (add to the default labels) '
                            'or mode = "replace" (use only this file\'s labels)')
    if not user and "mode" in data:
        raise TaxonomyError(path, "the default taxonomy must not have a 'mode'")
    labels = data.get("labels")
    if not isinstance(labels, dict) or not labels:
        raise TaxonomyError(path, "no labels: add at least one [labels.<name>] table")
    out: dict[str, ThemeDef] = {}
    for name, spec in labels.items():
        where = f"labels.{name}"
        if not _LABEL_NAME.match(name):
            raise TaxonomyError(path, f"bad label name '{name}'", "use lower case letters, digits and '_'")
        if not isinstance(spec, dict):
            raise TaxonomyError(path, f"'{where}' must be a table")
        for k in spec:
            if k not in ("description", "examples", "threshold", "procedural"):
                raise TaxonomyError(path, f"unknown key '{where}.{k}' (allowed: description, examples, threshold, "
                                    "procedural)")
        desc = spec.get("description")
        if not isinstance(desc, str) or not desc.strip():
            raise TaxonomyError(path, f"label '{name}' has no description ('{where}.description')",
                                "give every label a description in plain words")
        ex = spec.get("examples", [])
        if not isinstance(ex, list) or not all(isinstance(x, str) and x.strip() for x in ex):
            raise TaxonomyError(path, f"'{where}.examples' must be a list of non-empty strings")
        if not ex:
            raise TaxonomyError(path, f"label '{name}' has no examples ('{where}.examples')",
                                "give a few short phrases typical of minutes on this theme")
        thr = spec.get("threshold")
        if thr is not None and (isinstance(thr, bool) or not isinstance(thr, (int, float)) or not 0 <= thr <= 1):
            raise TaxonomyError(path, f"'{where}.threshold' must be a number between 0 and 1, not {thr!r}")
        proc = spec.get("procedural", False)
        if not isinstance(proc, bool):
            raise TaxonomyError(path, f"'{where}.procedural' must be true or false")
        out[name] = ThemeDef(name, desc.strip(), tuple(x.strip() for x in ex),
                             float(thr) if thr is not None else None, proc)
    return mode, out



