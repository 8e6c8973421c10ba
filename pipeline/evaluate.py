"""Score the pipeline against gold annotations (format: corpus/expected/*.json, shared gold/README.md).

Prints precision, recall and F1 per field (micro-averaged over documents) and meeting-date accuracy.
Names match after normalising case, punctuation and titles, and when the words of one are a subset
of the other's ("Graham" ~ "Graham Hart") or initials the document defines match; an action matches
a gold action when their tasks share enough words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pipeline.core.names import name_key
from pipeline.core.tasks import stem

NAME_FIELDS = ("present", "apologies", "guests", "absent", "chair")
_STOP = set("a an the to of and or for in on at by with from as is are be been will shall this that it its into about "
            "our their we they he she them his her".split())


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def scores(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": self.tp, "fp": self.fp,
                "fn": self.fn}


def _initials_of(name: str) -> str | None:
    m = re.search(r"\(([A-Z]{1,4})\)", name)
    return m.group(1) if m else None


def names_match(a: str, b: str) -> bool:
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    wa, wb = set(ka.split()), set(kb.split())
    if wa <= wb or wb <= wa:
        return True
    ia, ib = _initials_of(a), _initials_of(b)
    if ia and (ia.lower() == kb.replace(" ", "") or (ib and ia == ib)):
        return True
    if ib and ib.lower() == ka.replace(" ", ""):
        return True
    return False


def _norm_heading(h: str) -> str:
    h = re.sub(r"^\s*(?:item\s+)?\d+(?:\.\d+)*[.)]?\s*", "", h, flags=re.IGNORECASE)
    h = h.lower().replace("’", "'")
    return " ".join(re.sub(r"[^\w\s']", " ", h).split())


def headings_match(a: str, b: str) -> bool:
    na, nb = _norm_heading(a), _norm_heading(b)
    if na == nb:
        return True
    if na and nb and (na.startswith(nb) or nb.startswith(na)) and min(len(na), len(nb)) >= 0.6 * max(len(na), len(nb)):
        return True
    return False


def _words(text: str) -> set[str]:
    """Content words, lightly stemmed ('forwarded' ~ 'forward')."""
    return {stem(w) for w in re.findall(r"[a-z0-9]+", (text or "").lower()) if w not in _STOP}


def tasks_match(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    overlap = len(wa & wb)
    return overlap / min(len(wa), len(wb)) >= 0.5 or overlap / len(wa | wb) >= 0.3


def greedy_match(gold: list, pred: list, same: Callable[[object, object], bool]) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    used: set[int] = set()
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if pi not in used and same(g, p):
                pairs.append((gi, pi))
                used.add(pi)
                break
    return pairs


def _score_lists(gold: list, pred: list, same: Callable) -> tuple[int, int, int]:
    tp = len(greedy_match(gold, pred, same))
    return tp, len(pred) - tp, len(gold) - tp


def _as_list(v) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list):
        return [x for x in v if x]
    return [v]


def _due_match(g, p) -> bool:
    gd, pd = g.get("due"), p.get("due")
    if gd is None and pd is None:
        return True
    if gd is None or pd is None:
        return bool(gd is None and not pd)
    if str(gd).strip().lower() == str(pd).strip().lower():
        return True
    return str(gd).strip().lower() == str(p.get("due_text") or "").strip().lower()


@dataclass
class DocResult:
    file: str
    ok: bool
    error: str | None = None
    date_gold: str | None = None
    date_pred: str | None = None
    fields: dict[str, tuple[int, int, int]] = field(default_factory=dict)


def evaluate(gold_dir: Path, docs_dirs: Path | list[Path] | tuple[Path, ...], *, analyse_fn: Callable | None = None) -> dict:
    from pipeline.api import analyse
    from pipeline.core.errors import InputNotFound

    analyse_fn = analyse_fn or analyse
    dirs = [docs_dirs] if isinstance(docs_dirs, Path) else list(docs_dirs)
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise InputNotFound(gold_dir, "gold folder not found", "pass the folder that holds the *.json gold files")

    def cases() -> Iterator[tuple[str, dict, Callable[[], Any] | str]]:
        for gpath in sorted(gold_dir.glob("*.json")):
            gold = json.loads(gpath.read_text(encoding="utf-8"))
            name = gold.get("file") or gpath.name[:-5]
            src = next((d / name for d in dirs if (d / name).exists()), None)
            if src is None:
                yield name, gold, "document not found in " + ", ".join(map(str, dirs))
            else:
                yield name, gold, lambda src=src: analyse_fn(src)

    return score_cases(cases())


def gold_from_record(m: Any) -> dict:
    """A meeting record (``pipeline.core.record.Meeting``, e.g. one a clerk corrected) in the gold
    format of the shared gold/README.md: date, title, attendance, actions with owners and due, sections
    and next meeting (no themes: a clerk does not correct them)."""
    a = m.attendees
    return {"file": m.file, "meeting_date": m.meeting_date, "title": m.title,
            "attendees": {"present": list(a.present), "apologies": list(a.apologies), "guests": list(a.guests),
                          "absent": list(a.absent), "chair": a.chair},
            "actions": [{"owner": list(x.owner), "task": x.task, "due": x.due, "due_text": x.due_text,
                         "explicit": x.explicit} for x in m.actions],
            "sections": list(m.sections), "next_meeting": list(m.next_meeting)}


def evaluate_corrections(db: str | Path | None, *, analyse_fn: Callable | None = None) -> dict:
    """Score the pipeline against the records clerks corrected in the web application (the archive's
    ``drafts`` with a corrected record): each corrected record is the gold (``gold_from_record``), and
    the pipeline runs again on the uploaded file kept on the server (``analyse_fn(path)`` gives the
    file's meetings; the draft's meeting is compared). Every difference is a miss of the machine; the
    report's documents list them (``misses``)."""
    from pipeline.api import analyse_all
    from pipeline.archive.archive import Archive
    from pipeline.core.record import Meeting

    analyse_fn = analyse_fn or analyse_all
    with Archive.open(db, readonly=True) as a:
        drafts = a.drafts(corrected_only=True)

    def cases() -> Iterator[tuple[str, dict, Callable[[], Any] | str]]:
        for d in drafts:
            name = f"{d.filename} (draft {d.id[:8]}, {d.state})"
            try:
                gold = gold_from_record(Meeting.model_validate_json(d.corrected_json or "{}"))
            except ValueError:
                yield name, {}, "the corrected record was written by another minutebook version and cannot be read"
                continue
            src = Path(d.stored_path) if d.stored_path else None
            if src is None or not src.is_file():
                yield name, gold, f"the uploaded file is no longer on the server ({src or 'not kept'})"
                continue

            def run(src: Path = src, index: int = d.meeting_index) -> Any:
                meetings = list(analyse_fn(src))
                if index >= len(meetings):
                    raise ValueError(f"the file now reads as {len(meetings)} meeting(s), the draft was of "
                                     f"meeting {index + 1}")
                return meetings[index]

            yield name, gold, run

    report = score_cases(cases(), misses=True)
    report["corrections"] = len(drafts)
    return report


def score_cases(cases: Iterable[tuple[str, dict, Callable[[], Any] | str]], *, misses: bool = False) -> dict:
    """Score each (name, gold, the pipeline's record - or why there is none) and total the counts.
    ``misses``: list, per document, what the pipeline missed or added (names, actions, owners, due)."""
    from pipeline.core.errors import MinutebookError

    totals = {k: PRF() for k in (*NAME_FIELDS, "sections", "actions", "action_owners", "action_due", "themes")}
    per_label: dict[str, PRF] = {}
    date_right = date_total = 0
    docs: list[dict] = []
    for name, gold, run in cases:
        if isinstance(run, str):
            docs.append({"file": name, "error": run})
            continue
        date_total += 1
        try:
            pred = run().model_dump()
        except MinutebookError as e:
            docs.append({"file": name, "error": e.one_line()})
            continue
        except Exception as e:  # a bug on one document must not hide the scores of the others
            docs.append({"file": name, "error": f"unexpected {e.__class__.__name__}: {e}"})
            continue
        row = _score_one(name, gold, pred, totals, per_label, misses)
        date_right += row["date_ok"]
        docs.append(row)
    return {
        "theme_labels": {k: v.scores() for k, v in sorted(per_label.items())},
        "documents": docs,
        "meeting_date_accuracy": round(date_right / date_total, 3) if date_total else None,
        "dates_right": date_right,
        "dates_total": date_total,
        "fields": {k: v.scores() for k, v in totals.items()},
    }


def _score_one(name: str, gold: dict, pred: dict, totals: dict[str, PRF], per_label: dict[str, PRF],
               misses: bool) -> dict:
    row: dict = {"file": name}
    missed: list[str] = []
    row["date_gold"], row["date_pred"] = gold.get("meeting_date"), pred.get("meeting_date")
    row["date_ok"] = row["date_gold"] == row["date_pred"]
    ga, pa = gold.get("attendees", {}), pred.get("attendees", {})
    for f in NAME_FIELDS:
        g = _as_list(ga.get(f))
        p = _as_list(pa.get(f))
        if f == "chair":
            g = [x.strip() for s in g for x in re.split(r",\s+", s)]
            p = [x.strip() for s in p for x in re.split(r",\s+", s)]
        counts = _score_lists(g, p, names_match)
        totals[f].add(*counts)
        row[f] = counts
        missed += _unmatched(f, g, p, names_match)
    counts = _score_lists(gold.get("sections", []), pred.get("sections", []), headings_match)
    totals["sections"].add(*counts)
    row["sections"] = counts
    gact, pact = gold.get("actions", []), pred.get("actions", [])
    pairs = greedy_match(gact, pact, lambda g, p: tasks_match(g.get("task", ""), p.get("task", "")))
    totals["actions"].add(len(pairs), len(pact) - len(pairs), len(gact) - len(pairs))
    row["actions"] = (len(pairs), len(pact) - len(pairs), len(gact) - len(pairs))
    missed += _unmatched("action", [g.get("task", "") for g in gact], [p.get("task", "") for p in pact], tasks_match)
    own = PRF()
    due = [0, 0]
    for gi, pi in pairs:
        go, po = gact[gi].get("owner", []), pact[pi].get("owner", [])
        own.add(*_score_lists(go, po, names_match))
        task = gact[gi].get("task", "")
        missed += [f"{x} (action: {task})" for x in _unmatched("action owner", go, po, names_match)]
        due[0] += _due_match(gact[gi], pact[pi])
        due[1] += 1
        if not _due_match(gact[gi], pact[pi]):
            missed.append(f"action due: expected {gact[gi].get('due')!r}, got {pact[pi].get('due')!r} (action: {task})")
    # owners of unmatched gold actions are missed; owners of spurious actions are false
    for gi, g in enumerate(gact):
        if gi not in {a for a, _ in pairs}:
            own.fn += len(g.get("owner", []))
    for pi, p in enumerate(pact):
        if pi not in {b for _, b in pairs}:
            own.fp += len(p.get("owner", []))
    totals["action_owners"].add(own.tp, own.fp, own.fn)
    row["action_owners"] = (own.tp, own.fp, own.fn)
    totals["action_due"].add(due[0], due[1] - due[0] + (len(pact) - len(pairs)), due[1] - due[0] + (len(gact) - len(pairs)))
    row["action_due"] = (due[0], due[1] - due[0], len(gact) - due[0])
    if gold.get("themes"):
        counts = _score_themes(gold["themes"], pred.get("themes") or {}, per_label)
        totals["themes"].add(*counts)
        row["themes"] = counts
    if not row["date_ok"]:
        missed.insert(0, f"meeting date: expected {row['date_gold']!r}, got {row['date_pred']!r}")
    if misses:
        row["misses"] = missed
    return row


def _unmatched(what: str, gold: list, pred: list, same: Callable) -> list[str]:
    """What the pipeline missed (gold items it has no match for) and added (its unmatched items)."""
    pairs = greedy_match(gold, pred, same)
    got = {g for g, _ in pairs}
    made = {p for _, p in pairs}
    return ([f"{what} missed: {x}" for i, x in enumerate(gold) if i not in got]
            + [f"{what} not in the corrected record: {x}" for i, x in enumerate(pred) if i not in made])


def _score_themes(gold: dict[str, list[str]], pred: dict[str, list[str]], per_label: dict[str, PRF]
                  ) -> tuple[int, int, int]:
    """Micro counts over (section, label) pairs; sections matched by heading."""
    gh, ph = list(gold), list(pred)
    pairs = dict(greedy_match(gh, ph, headings_match))
    tp = fp = fn = 0
    for gi, h in enumerate(gh):
        glabels = set(gold[h])
        plabels = set(pred[ph[pairs[gi]]]) if gi in pairs else set()
        for lab in glabels | plabels:
            c = per_label.setdefault(lab, PRF())
            if lab in glabels and lab in plabels:
                tp += 1
                c.tp += 1
            elif lab in glabels:
                fn += 1
                c.fn += 1
            else:
                fp += 1
                c.fp += 1
    return tp, fp, fn


def format_report(report: dict) -> str:
    lines = []
    lines.append(f"{'document':52} {'date':5} {'sections':>10} {'present':>9} {'apol':>7} {'actions':>8}")
    for d in report["documents"]:
        if "error" in d:
            lines.append(f"{d['file'][:52]:52} ERROR {d['error']}")
            continue
        sec = d["sections"]
        found = f"{sec[0]}/{sec[0] + sec[2]}"
        pres = d["present"]
        apol = d["apologies"]
        act = d["actions"]
        lines.append(f"{d['file'][:52]:52} {'ok' if d['date_ok'] else 'WRONG':5} {found:>10} "
                     f"{pres[0]}/{pres[0] + pres[2]}+{pres[1]:<3} {apol[0]}/{apol[0] + apol[2]}+{apol[1]:<2} "
                     f"{act[0]}/{act[0] + act[2]}+{act[1]}")
        if not d["date_ok"] and "misses" not in d:
            lines.append(f"{'':52}   date: gold {d['date_gold']} got {d['date_pred']}")
        lines += [f"    {m}" for m in d.get("misses", [])]
    lines.append("")
    if "corrections" in report:
        lines.append(f"drafts corrected by a clerk: {report['corrections']}")
    lines.append(f"meeting date accuracy: {report['meeting_date_accuracy']} ({report['dates_right']}/{report['dates_total']})")
    lines.append(f"{'field':16} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
    for k, s in report["fields"].items():
        lines.append(f"{k:16} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['tp']:5} {s['fp']:5} {s['fn']:5}")
    if report.get("theme_labels"):
        lines.append("")
        lines.append(f"{'theme label':24} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
        for k, s in report["theme_labels"].items():
            lines.append(f"{k:24} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['tp']:5} {s['fp']:5} {s['fn']:5}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------- suites

@dataclass(frozen=True)
class Suite:
    """A gold set and where its documents are."""

    name: str
    gold: Path
    docs: tuple[Path, ...]
    note: str = ""


EXTERNAL_DOCS_ENV = "MINUTEBOOK_EXTERNAL_DOCS"
FRESH2_DOCS_ENV = "MINUTEBOOK_FRESH2_DOCS"
# held-out sets of real minutes whose gold is in the repository but whose documents are not (licences):
# (suite name = folder under corpus/, environment variable that may point at the documents)
HELD_OUT = (("external", EXTERNAL_DOCS_ENV), ("fresh2", FRESH2_DOCS_ENV))


def held_out_docs(root: Path, name: str, env_var: str) -> Path | None:
    """Where the documents of ``corpus/<name>`` are (they are not redistributable, so not in the
    repository): ``$<env_var>``, else ``corpus/<name>/docs`` when it exists and is not empty."""
    import os

    env = os.environ.get(env_var)
    for p in ([Path(env)] if env else []) + [Path(root) / "corpus" / name / "docs"]:
        if p.is_dir() and any(p.iterdir()):
            return p
    return None


def external_docs(root: Path) -> Path | None:
    """Where the documents of ``corpus/external`` are (``$MINUTEBOOK_EXTERNAL_DOCS`` or ``corpus/external/docs``)."""
    return held_out_docs(root, "external", EXTERNAL_DOCS_ENV)


def fresh2_docs(root: Path) -> Path | None:
    """Where the documents of ``corpus/fresh2`` are (``$MINUTEBOOK_FRESH2_DOCS`` or ``corpus/fresh2/docs``)."""
    return held_out_docs(root, "fresh2", FRESH2_DOCS_ENV)


def find_suites(root: Path) -> tuple[list[Suite], list[str]]:
    """The gold sets of a checkout: the project's own corpus, batch 1 and batch 2 of ``../shared/corpus``,
    ``corpus/external`` and ``corpus/fresh2``. Returns the suites found and one line for each one that is absent."""
    root = Path(root)
    shared = root.parent / "shared"
    found: list[Suite] = []
    missing: list[Suite] = []
    candidates = [
        Suite("corpus", root / "corpus" / "expected", (root / "corpus" / "seed", root / "corpus" / "samples")),
        Suite("batch1", shared / "corpus" / "gold", (shared / "corpus" / "real", shared)),
        Suite("batch2", shared / "corpus" / "batch2" / "gold", (shared / "corpus" / "batch2" / "real",)),
    ]
    for s in candidates:
        (found if s.gold.is_dir() and all(d.is_dir() for d in s.docs) else missing).append(s)
    for name, env_var in HELD_OUT:
        gold = root / "corpus" / name / "gold"
        docs = held_out_docs(root, name, env_var)
        if gold.is_dir() and docs is not None:
            found.append(Suite(name, gold, (docs,)))
        elif gold.is_dir():
            missing.append(Suite(name, gold, (), f"its documents are not here: put them in corpus/{name}/docs "
                                 f"or set ${env_var} (corpus/{name}/SOURCES.tsv says where each comes from)"))
    notes = [f"{s.name}: skipped, " + (s.note or f"{s.gold} or its documents are not here") for s in missing
             if s not in found]
    return found, notes


SUMMARY_FIELDS = ("present", "apologies", "guests", "chair", "sections", "actions", "action_owners", "action_due",
                  "themes")


def format_summary(reports: dict[str, dict]) -> str:
    """One line of F1 per field for each suite (and the meeting-date accuracy)."""
    head = f"{'suite':10} {'docs':>4} {'date':>5} " + " ".join(f"{f[:8]:>8}" for f in SUMMARY_FIELDS)
    lines = [head]
    for name, r in reports.items():
        lines.append(f"{name:10} {len(r['documents']):4d} {r['meeting_date_accuracy'] or 0:5.2f} "
                     + " ".join(f"{r['fields'][f]['f1']:8.2f}" for f in SUMMARY_FIELDS))
    return "\n".join(lines) + "\n"
