"""The one owner of name normalisation: the words of a person's name and the key two names are
compared by, everywhere (detection, the evaluation scorer, the archive's people index).

>>> name_key("Cllr Mrs Ánne Fenwick (AF)")
'anne fenwick'
>>> name_key("Ian Ho-Smith") == name_key("ian ho-smith")
True
>>> words_of("Ege_Korkan")
['ege', 'korkan']
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Words written before a name that are not part of it.
TITLES = frozenset({
    "cllr", "councillor", "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "rev", "revd",
    "reverend", "county", "district", "borough", "town", "parish", "city", "director", "pcso", "pc", "sgt",
    "sergeant", "inspector", "lord", "lady", "hon", "cc", "the"})
# The capital letters a name may start with, as a regex class body: ASCII, Latin-1 (Émile, Ødegaard)
# and Latin Extended-A (Çağıl, Łukasz, Šimon; the block mixes cases, so its small letters pass too).
CAP = "A-ZÀ-ÖØ-ÞĀ-Ž"
_WORD = re.compile(r"[^\W_\d]+(?:[-'’][^\W_\d]+)*")


def words_of(name: str) -> list[str]:
    """Lower-case name words without leading titles, brackets, handles or punctuation ('Cllr Mrs D
    Clements' -> ['d', 'clements']; 'Ege_Korkan' -> ['ege', 'korkan']; a handle alone: '@anguyen' ->
    ['anguyen'])."""
    s = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", name.replace("_", " "))
    out = [w.lower().replace("’", "'") for w in _WORD.findall(re.sub(r"@[\w-]+", " ", s))]
    if not out:  # a handle alone ('@anguyen') is the name it is known by
        out = [w.lower() for w in _WORD.findall(s.replace("@", " "))]
    k = 0
    while k < len(out) and out[k] in TITLES:
        k += 1
    return out[k:] if k < len(out) else out  # 'MS' alone is initials, not the title 'Ms'


def has_title(name: str) -> bool:
    """Whether the name starts with a title ('Cllr Hand', 'Dr Payne')."""
    ws = [w.lower() for w in _WORD.findall(name.replace("_", " "))]
    return bool(ws) and ws[0] in TITLES and ws[0] != "the"


def fold_accents(text: str) -> str:
    """'Ánne Núñez' -> 'Anne Nunez'."""
    s = unicodedata.normalize("NFKD", text)
    return "".join(c for c in s if not unicodedata.combining(c))


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Case-, title-, bracket- and accent-insensitive key of a person's name: 'Cllr Mrs Ánne Fenwick'
    -> 'anne fenwick'. Hyphens and apostrophes stay part of a word ('ian ho-smith', "o'connor")."""
    return " ".join(words_of(fold_accents(name)))
