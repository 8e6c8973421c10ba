"""The one owner of "the same task": whether two action texts describe the same piece of work.

Used to drop a prose action that repeats one an action table already gives (detection) and to close
an earlier meeting's action that a later meeting reports done (the archive's action linking).

>>> same_task("Clerk to book the hall for the June fair", "Book the hall for the June fair")
True
>>> same_task("find out the criteria", "Find out the criteria for the small grants fund")
True
>>> same_task("Book the hall", "Pay the hall invoice")
False
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset("""a an and the to of for in on at by with from into onto be is are was were will
shall should would could can may might must do does did done has have had it its this that these those
as or not no any all each per re up out about over than then so such via also please further next
meeting meetings action actions item items""".split())


def stem(w: str) -> str:
    """A crude suffix stripper (sends, sending, sent -> send, send, sent): enough to compare tasks."""
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def task_words(task: str) -> frozenset[str]:
    """Content words of an action's task (lower case, crudely stemmed, stop words dropped)."""
    return frozenset(stem(w) for w in _WORD.findall(task.lower()) if len(w) > 2 and w not in _STOP
                     and not w.isdigit())


def same_task(a: frozenset[str] | str, b: frozenset[str] | str) -> bool:
    """Two tasks are the same when their content words are the same set, or they share at least two
    content words and either overlap broadly (Jaccard >= 0.6) or one is (nearly) contained in the
    other (overlap coefficient >= 0.75: "find out the criteria" repeats "Find out the criteria for
    the small grants fund")."""
    wa = a if isinstance(a, frozenset) else task_words(a)
    wb = b if isinstance(b, frozenset) else task_words(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    inter = len(wa & wb)
    return inter >= 2 and (inter / len(wa | wb) >= 0.6 or inter / min(len(wa), len(wb)) >= 0.75)
