"""The one owner of action owners as written: splitting an owner cell or phrase into its owners, and
telling people from groups and offices.

>>> split_owners("All – Lizzie/Nicc to send")
['All', 'Lizzie', 'Nicc']
>>> [is_group(o) for o in split_owners("Graham, Sarah and the team")]
[False, False, True]
"""

from __future__ import annotations

import re
from typing import Callable

# Owners that are not one person: the whole body, a team, nobody yet.
_GROUPS = re.compile(r"^(all|everyone|everybody|all members|members|team|the team|trustees|the trustees|board|"
                     r"(all |the )?directors|all team members|all (?:board|committee|council) members|"
                     r"the board|committee|the committee|council|the council|group|the group|officers|staff|"
                     r"tbc|tbd|n/?a|none|nobody|anyone|each member|all trustees|all councillors|councillors|others?)$",
                     re.IGNORECASE)
# the holders of an office taken together ("the captains", "the club coaches", "all stewards"): a group
_OFFICE_PLURAL = re.compile(r"^(the |all )?([a-z]+ )?(captains|coaches|officers|coordinators|co-ordinators|managers|"
                            r"directors|trustees|councillors|governors|stewards|wardens|leads|organi[sz]ers|"
                            r"volunteers|editors|secretaries|treasurers|chairs|tutors|mentors)$", re.IGNORECASE)
# The group words an owner cell or phrase may hold in place of names (a subset of ``_GROUPS``: the
# owner detectors accept only these as owners; "All directors" is a group but not an owner phrase).
OWNER_GROUPS = {"all", "everyone", "everybody", "team", "the team", "committee", "the committee", "board",
                 "the board", "trustees", "the trustees", "directors", "officers", "staff", "members", "all members",
                 "all team members", "all trustees", "council", "the council", "group", "the group", "tbc", "tbd",
                 "other", "others"}
# an office, with at most one qualifying word ("the Parish Clerk", "Membership Secretary", "Deputy Chair")
_ROLES = re.compile(r"^(the )?((?!(?:a|an|this|that|our|their|his|her|its|no|any|each|every|which|what|new|former|"
                    r"previous|outgoing|incoming)\b)[a-z]+[ -])?(clerk|chair|chairman|chairwoman|chairperson|vice[- ]chair|treasurer|secretary|"
                    r"president|convenor|convener|rfo|chief executive|ceo|director|manager|coordinator|"
                    r"co-ordinator|scribe|webmaster|editor|librarian|officer|captain|coach|warden|steward)$", re.IGNORECASE)
_NO_OWNER = re.compile(r"^(n/?a|none|-+|–|—|tbc|tbd|\?+|nobody|unassigned)$", re.IGNORECASE)


def is_group(owner: str) -> bool:
    """'All', 'the team', 'Trustees', 'TBC': an owner that is not one person."""
    return bool(_GROUPS.match(owner.strip()) or _OFFICE_PLURAL.match(owner.strip()))


def is_office_group(owner: str) -> bool:
    """'The captains', 'the club coaches': the holders of an office together, as an owner."""
    return bool(_OFFICE_PLURAL.match(owner.strip()))


def is_role(owner: str) -> bool:
    """'the Clerk', 'Treasurer': an office, which the people stage may resolve to its holder."""
    return bool(_ROLES.match(owner.strip()))


_OWNER_SPLIT = re.compile(r"\s*(?:,|;|/|&|\+|\band\b|\s[-–—]\s)\s*")
_TO_VERB = re.compile(r"\s+(?:to|will|shall|should|is to|are to)\s+[a-z].*$")


def split_owners(text: str) -> list[str]:
    """'Graham, Sarah and team' -> ['Graham', 'Sarah', 'team']; 'All – Lizzie/Nicc to send' ->
    ['All', 'Lizzie', 'Nicc']. Names are kept as written."""
    t = re.sub(r"\([^)]*\)", " ", text or "").strip()
    t = _TO_VERB.sub("", t)
    t = t.strip(" .:;*_")
    if not t or _NO_OWNER.match(t):
        return []
    out: list[str] = []
    for part in _OWNER_SPLIT.split(t):
        part = part.strip(" .:;*_@")
        part = re.sub(r"^@", "", part)
        if part and not _NO_OWNER.match(part):
            out.append(part)
    return out


def is_owner_phrase(text: str, known: Callable[[str], bool] | None = None) -> bool:
    """Whether ``text`` names owners: people (capitalised names, initials, handles), roles or groups."""
    parts = split_owners(text)
    if not parts or len(text) > 80:
        return False
    tail = _TO_VERB.search(re.sub(r"\([^)]*\)", " ", text))
    if tail and len(tail.group(0).split()) > 4:
        return False  # "X and Y to continue conversations about ...": a task, not a list of owners
    return all(owner_like(p, known) for p in parts)


def owner_like(p: str, known: Callable[[str], bool] | None = None) -> bool:
    if known and known(p):
        return True
    if p.lower() in OWNER_GROUPS or is_role(p) or is_office_group(p):
        return True
    words = p.split()
    if not 1 <= len(words) <= 4:
        return False
    if re.fullmatch(r"[A-Z]{1,4}[a-z]?", p):  # initials
        return True
    if re.fullmatch(r"@?[a-z][\w-]{1,30}", p) and known is None:
        return False
    return all(w[:1].isupper() or w.lower() in ("de", "van", "von", "da", "le", "la", "team", "members", "of", "the")
               for w in words)
