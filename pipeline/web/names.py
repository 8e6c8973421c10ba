"""A person filter's text resolved to the people in the archive, as the people pages resolve names.

"Laura Cream", "laura", "Cream" and "L Cream" all find Laura Cream: the text's words are matched
against the words of every name in the archive (case and accents ignored: the archive's name keys),
whole words first, then word beginnings ("Crea"); the names found are merged into people as
``Archive.person`` merges them (aliases, initials). One person: the filter uses their name. Several:
the page lists them ("did you mean"). None: the filter is left as typed (and finds nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.archive.archive import Archive
from pipeline.core.names import name_key

MAX_CANDIDATES = 12


@dataclass
class Resolved:
    typed: str
    name: str | None = None  # the one person the text stands for
    candidates: list[str] = field(default_factory=list)  # several people it may stand for

    @property
    def changed(self) -> bool:
        return self.name is not None and self.name != self.typed


def resolve_person(a: Archive, typed: str) -> Resolved:
    out = Resolved(typed=typed)
    if not typed:
        return out
    if a.has_person(typed):  # a name (or alias) of the archive: the filters resolve it themselves
        out.name = typed
        return out
    words = name_key(typed).split()
    if not words:
        return out
    rows = a.person_index(words[-1], limit=400)  # every name containing the rarest-looking word's letters
    whole = [r for r in rows if set(words) <= set(r.name_key.split())]
    prefix = [r for r in rows if all(any(k.startswith(w) for k in r.name_key.split()) for w in words)]
    initials = [r for r in rows if _initials_match(words, r.name_key.split())]
    found = whole or prefix or initials
    people: dict[str, str] = {}  # person key -> display name
    for r in found:
        rec = a.person(r.name)
        if rec is not None:
            people.setdefault(rec.person.name_key, rec.person.name)
        if len(people) > MAX_CANDIDATES:
            break
    if len(people) == 1:
        out.name = next(iter(people.values()))
    else:
        out.candidates = sorted(people.values(), key=str.casefold)[:MAX_CANDIDATES]
    return out


def _initials_match(words: list[str], key_words: list[str]) -> bool:
    """'l cream' matches 'laura cream': single letters stand for the words they begin, in order."""
    if len(words) != len(key_words) or not any(len(w) == 1 for w in words):
        return False
    return all(k == w or (len(w) == 1 and k.startswith(w)) for w, k in zip(words, key_words))
