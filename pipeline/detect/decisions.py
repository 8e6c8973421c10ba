"""Decisions, resolutions and motions: what the meeting decided, who moved it, how the vote went.

The unit of work is the sentence (spaCy's boundaries when a ``ParsedDocument`` is given, a small
abbreviation-aware splitter otherwise; table cells are split on their own). Each sentence is
classified by regular expressions (clearer than a parse for this formulaic language):

* heads: "RESOLVED that ...", "It was agreed that/to ...", "The Board approved ...", "Directors
  agreed ...", "... were agreed as a true record", "Decision: ...", "Agreed to ...", a motion with
  a mover and seconder ("Upon motion duly made by X, seconded by Y ...", "Proposed DT, seconded US
  and agreed that ...");
* attachments, which complete the sentence before them: "Unanimously Agreed", "Carried",
  "Vote: 6 in favour, 1 against", "The motion carried (4 for, 2 against)", "Seconded: Y",
  "Proposed by X, seconded by Y - Unanimously agreed" (its subject is the sentence before);
* proposals ("X proposed that ..."), which become decisions only when seconded or decided.

Sentences that belong together become one ``DecisionFound`` whose span covers them exactly, so no
sentence is reported twice. Items under a "Decisions" heading or a "Decisions made:" label are
decisions one by one. Anything else - a person agreeing to do something, a question, a plan - is
left alone: minutebook abstains rather than guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.core.document import Document

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.core.record import Decision
    from pipeline.detect.parsed import ParsedDocument
    from pipeline.structure.structure import Structure

Kind = str  # 'agreed' | 'resolved' | 'motion'


@dataclass
class DecisionFound:
    text: str  # the sentence(s) stating the decision, white space collapsed, labels/markup removed
    kind: Kind
    start: int  # span in doc.text covering every sentence used
    end: int
    block: int  # block where the span starts
    section: str | None = None
    mover: str | None = None
    seconder: str | None = None
    result: str | None = None  # carried|passed|approved|unanimous|failed|defeated|withdrawn|deferred
    votes_for: int | None = None
    votes_against: int | None = None
    abstentions: int | None = None
    unanimous: bool | None = None
    opposed_by: list[str] = field(default_factory=list)  # names given as voting against
    abstained_by: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)  # which patterns fired (for debugging / tests)
    items: list[str] = field(default_factory=list)  # the list a decision ends in ("... in terms of:" + items)


# ------------------------------------------------------------------------------------ sentences

_ABBREV = {"mr", "mrs", "ms", "dr", "st", "no", "nos", "cllr", "prof", "rev", "revd", "vs", "etc", "e.g", "i.e",
           "eg", "ie", "approx", "inc", "ltd", "co", "jr", "sr", "cf", "fig", "vol", "ref", "hon", "messrs", "cttee"}
_SENT_END = re.compile(r"[.!?]+[\"'”’)\]*]*\s+(?=[\"'“‘(\[*_]*[A-Z0-9@£$])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (relative) with a splitter that knows titles and initials ("Mr. Lee", "J. Smith")."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        before = text[start:m.start()].split()
        word = before[-1].lower().strip("(\"'“‘") if before else ""
        if word in _ABBREV or (len(word) == 1 and word.isalpha()):
            continue
        end = m.start() + len(m.group().rstrip())
        out.append((start, end))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text.rstrip())))
    return [(s, e) for s, e in out if e > s]


def _spacy_sentences(pdoc) -> list[tuple[int, int]]:
    spans = [(s.start_char, s.end_char) for s in pdoc.sents]
    merged: list[list[int]] = []
    text = pdoc.text
    for s, e in spans:
        if merged:
            prev = text[merged[-1][0]:merged[-1][1]]
            words = prev.split()
            last = words[-1].lower().rstrip(".").strip("(\"'") if words else ""
            short_label = prev.rstrip().endswith(":") and len(words) <= 3
            abbrev = prev.rstrip().endswith(".") and (last in _ABBREV or (len(last) == 1 and last.isalpha()))
            no_end = not re.search(r"[.!?:;\"'”’)\]*]\s*$", prev) and text[merged[-1][1]:s].strip() == "" \
                and s < len(text) and text[s:s + 1].islower()
            if short_label or abbrev or no_end:
                merged[-1][1] = e
                continue
        merged.append([s, e])
    return [(s, e) for s, e in merged if text[s:e].strip()]


@dataclass
class _Unit:
    block: int
    start: int
    end: int
    text: str
    heading: bool = False
    first_in_block: bool = False
    last_in_block: bool = False
    info: dict = field(default_factory=dict)


def _units(doc: Document, parsed: "ParsedDocument | None") -> list[_Unit]:
    units: list[_Unit] = []
    for i, b in enumerate(doc.blocks):
        pieces: list[tuple[int, int]] = []
        if b.kind == "table_row" and b.cells:
            for c in b.cells:
                pieces += [(c.start + s, c.start + e) for s, e in split_sentences(c.text)]
        else:
            rel = None
            if parsed is not None and i < len(parsed.docs) and parsed.docs[i].text == b.text:
                try:
                    rel = _spacy_sentences(parsed.docs[i])
                except ValueError:  # no sentence boundaries in this pipeline
                    rel = None
            if rel is None:
                rel = split_sentences(b.text)
            pieces = [(b.start + s, b.start + e) for s, e in rel]
        # trim white space so every span is exact text
        clean = []
        for s, e in pieces:
            seg = doc.text[s:e]
            s += len(seg) - len(seg.lstrip())
            e -= len(seg) - len(seg.rstrip())
            if e > s:
                clean.append((s, e))
        for k, (s, e) in enumerate(clean):
            units.append(_Unit(block=i, start=s, end=e, text=doc.text[s:e], heading=b.kind == "heading",
                               first_in_block=k == 0, last_in_block=k == len(clean) - 1))
    return units


# ----------------------------------------------------------------------------------------- names

_TITLES = {"cllr", "councillor", "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "rev", "revd", "sir", "dame",
           "director", "trustee", "alderman", "ald", "hon", "president", "chair", "chairman", "vice-chair",
           "treasurer", "secretary", "district", "county", "mayor", "deputy", "member", "commissioner",
           "supervisor", "trustees", "governor", "judge", "father", "sister", "brother", "lord", "lady"}
_NOT_NAME = {"seconded", "second", "moved", "proposed", "result", "results", "vote", "votes", "voted", "carried",
             "passed", "motion", "unanimously", "unanimous", "agreed", "and", "the", "it", "all", "resolved",
             "approved", "failed", "withdrawn", "for", "against", "abstain", "abstentions", "decision", "upon", "on",
             "by", "following", "there", "this", "that", "after", "with", "a", "an", "in", "at", "minutes", "to",
             "of", "was", "were", "be", "board", "committee", "council", "meeting", "agenda", "item", "items",
             "no", "yes", "none", "nobody", "we", "they", "he", "she", "i", "accepted", "adopted", "defeated",
             "deferred", "opposed", "abstained", "abstaining", "who", "save", "except", "proposal", "resolution",
             "dated", "date", "cheque", "payment", "payments", "budget", "nem", "con", "if", "when", "but",
             "also", "then", "so", "as", "or", "not", "may", "june", "july", "monday", "tuesday", "wednesday",
             "thursday", "friday", "saturday", "sunday"}
_TOKEN = re.compile(r"[^\s]+")
_NAME_WORD = re.compile(r"^(?:@[\w.-]+|[A-Z][\w'’-]*|[A-Z]\.|[A-Z][a-z]*\.)$")


def _clean_tok(tok: str) -> tuple[str, bool]:
    """(token without trailing punctuation, whether the token ended the name run)."""
    core = tok.rstrip(",;:)]-–—\"'”’")
    stop = core != tok
    if core.endswith("."):
        base = core[:-1]
        if base.lower() in _TITLES or base.lower() in _ABBREV or (len(base) == 1 and base.isupper()):
            return core, stop
        return base, True
    return core, stop


def _is_name_word(w: str) -> bool:
    if not w or not _NAME_WORD.match(w):
        return False
    return w.lower().rstrip(".") not in _NOT_NAME


def name_after(text: str, pos: int) -> tuple[str, int, int] | None:
    """The name written at ``pos`` ("Cllr Mrs Hull", "Mr. Lee", "DT", "@anguyen"), as written."""
    m = re.compile(r"[\s:\-–]*").match(text, pos)
    pos = m.end()
    words: list[tuple[int, int]] = []
    for t in _TOKEN.finditer(text, pos):
        if words and text[words[-1][1]:t.start()].strip():
            break
        tok = t.group()
        lead = len(tok) - len(tok.lstrip("(\"'“‘"))
        if lead and words:
            break
        core, stop = _clean_tok(tok[lead:])
        if not _is_name_word(core):
            break
        words.append((t.start() + lead, t.start() + lead + len(core)))
        if stop or len(words) >= 5:
            break
    return _name_from(text, words)


def name_before(text: str, pos: int) -> tuple[str, int, int] | None:
    """The name written just before ``pos`` ("There being no issues, Cllr Mrs Hull| proposed")."""
    toks = list(_TOKEN.finditer(text, 0, pos))
    words: list[tuple[int, int]] = []
    for t in reversed(toks):
        tok = t.group()
        if words and re.search(r"[,;:)\]]$|[^.]\.$", tok) and tok.rstrip(".").lower() not in _TITLES:
            break  # a comma or sentence end before this token ends the name
        if not words and re.search(r"[,;:]$", tok):
            break
        core = tok.lstrip("(\"'“‘").rstrip(",;:")
        if not _is_name_word(core):
            break
        words.insert(0, (t.end() - len(tok) + (len(tok) - len(tok.lstrip("(\"'“‘"))), t.end() - (len(tok) - len(tok.rstrip(",;:")))))
        if len(words) >= 5:
            break
    return _name_from(text, words)


def _name_from(text: str, words: list[tuple[int, int]]) -> tuple[str, int, int] | None:
    # a run made only of titles ("Director") is no name; drop a trailing title-less dot
    while words and text[words[-1][0]:words[-1][1]].rstrip(".").lower() in _TITLES and len(words) > 1 \
            and not any(text[a:b].rstrip(".").lower() not in _TITLES for a, b in words):
        words.pop()
    if not words or all(text[a:b].rstrip(".").lower() in _TITLES for a, b in words):
        return None
    s, e = words[0][0], words[-1][1]
    return text[s:e], s, e


# -------------------------------------------------------------------------------------- patterns

_COLLECTIVE = (r"(?:the\s+|all\s+(?:the\s+)?)?(?:full\s+|parish\s+|town\s+|working\s+|steering\s+|management\s+|"
               r"executive\s+|whole\s+|sub-?)?(?:committee|board|council|group|meeting|members|trustees|directors|"
               r"team|panel|governors|councillors|commissioners|assembly|attendees|participants|officers|"
               r"cabinet|members\s+present|directors\s+present)")
_DECIDE_VERB = r"(?:agreed|decided|resolved|approved|accepted|adopted|ratified|endorsed|voted|confirmed|determined)"
_RESOLVED = re.compile(
    r"\bRESOLVED\b|\bRESOLUTION\b|^\W*resolved\b\s*(?:[:\-–]|that\b|to\b)|\bit\s+was\s+(?:\w+\s+)?resolved\b|"
    r"^\W*resolution\s*(?:\d+\s*)?[:\-–]", re.IGNORECASE)
_RESOLVED_CAPS = re.compile(r"\bRESOLVED\b|\bRESOLUTION\b")
_AGREED = [
    ("it_was_agreed", re.compile(r"\b(?:it|this)\s+was\s+(?:(?:also|further|then|therefore|finally|subsequently|"
                                 r"unanimously|duly|thus|eventually|generally)\s+)*(?:agreed|decided)\b", re.IGNORECASE)),
    ("collective", re.compile(r"(?:^|[,;:(]\s*|\band\s+)\W*" + _COLLECTIVE + r"\s+(?:(?:then|also|unanimously|"
                              r"all|further|formally|duly|therefore|subsequently|finally|jointly)\s+)*"
                              + _DECIDE_VERB + r"\b(?!\s+with\b)", re.IGNORECASE)),
    ("we_agreed", re.compile(r"\b(?:we|everyone|everybody|all(?:\s+present)?|all\s+members)\s+(?:(?:then|also|all|"
                             r"unanimously|finally)\s+)*(?:agreed|decided|voted)\s+(?:that|to|on|upon|unanimously|"
                             r"by|in\s+favou?r)\b", re.IGNORECASE)),
    ("all_agreed", re.compile(r"^\W*(?:all|everyone)\s+(?:agreed|in\s+agreement|in\s+favou?r)\b\W*$", re.IGNORECASE)),
    ("passive", re.compile(r"\b(?:was|were|has\s+been|have\s+been)\s+(?:(?:unanimously|formally|duly|then|also)\s+)?"
                           r"(?:agreed|approved|adopted|ratified|carried|decided|accepted|endorsed)\b"
                           r"(?!\s+(?:out|over|forward|through|on)\b)",
                           re.IGNORECASE)),
    ("true_record", re.compile(r"\b(?:agreed|approved|accepted|adopted|confirmed|signed)\s+as\s+(?:a|an|being\s+a)\s+"
                               r"(?:true|correct|accurate|fair)\s+record\b", re.IGNORECASE)),
    ("agreed_start", re.compile(r"^\W*(?:unanimously\s+)?(?:agreed|decided)\b\s*(?:[:.\-–]|that\b|to\b|on\b|"
                                r"unanimously\b|upon\b|$)", re.IGNORECASE)),
    ("agreed_caps", re.compile(r"\bAGREED\b")),
    ("decision_label", re.compile(r"^\W*(?:final\s+|key\s+)?(?:decision|decisions|decided|consensus|outcome\s+agreed|"
                                  r"agreement)\s*(?:\d+\s*)?(?:\([^)]*\)\s*)?\W*\s*[:\-–]", re.IGNORECASE)),
    ("voted", re.compile(r"^\W*(?:(?:board|committee|members|directors)\s+)?voted\s+(?:unanimously\s+)?"
                         r"(?:to|in\s+favou?r|for)\b", re.IGNORECASE)),
    ("vote_result", re.compile(r"^\W*(?:the\s+)?(?:vote|votes|motion|proposal|resolution)\s+(?:was\s+)?"
                               r"(?:carried|passed|approved|adopted|accepted|failed|defeated|rejected|lost|"
                               r"withdrawn|deferred)\b", re.IGNORECASE)),
    ("approved_minutes", re.compile(r"^\W*(?:the\s+)?minutes\b.{0,120}?\b(?:approved|agreed|accepted|adopted|"
                                    r"confirmed|signed)\b(?!\s+(?:by|at)\s+(?:the\s+)?(?:next|following))",
                                    re.IGNORECASE)),
]
# result-only sentences: complete the sentence before them
_RESULT_ONLY = re.compile(
    r"^\W*(?:(?:unanimously|unanimous)\s+)?(?:agreed|carried|approved|passed|adopted|defeated|failed|lost|withdrawn|"
    r"deferred|not\s+carried|rejected|accepted)(?:\s+(?:unanimously|nem\.?\s*con\.?|by\s+all|by\s+consensus|"
    r"by\s+majority))?\W*(?:\(.*\))?\W*$|"
    r"^\W*(?:all|everyone)\s+(?:agreed|in\s+agreement|in\s+favou?r)\W*$|"
    r"^\W*unanimous(?:ly)?(?:\s+(?:agreed|carried|approved|decision|vote))?\W*$|"
    r"^\W*(?:the\s+)?(?:vote|motion|proposal|resolution)\s+(?:was\s+)?(?:carried|passed|approved|adopted|accepted|"
    r"failed|defeated|rejected|lost|withdrawn|deferred)\b[^.]{0,80}\W*$|"
    r"^\W*(?:vote|votes|voting|vote\s+result|result|outcome|decision)\s*[:\-–]\s*(?:\d|carried|passed|approved|"
    r"failed|defeated|unanimous|withdrawn|deferred|agreed|adopted|lost|for|in\s+favou?r|all)|"
    r"^\W*\d+\s+(?:votes?\s+)?(?:for|in\s+favou?r)\b|"
    r"^\W*(?:seconded|second|seconder)\s*(?:by\b|[:\-–])", re.IGNORECASE)

_MOVER = [
    re.compile(r"\bmotion\s+(?:was\s+)?(?:duly\s+)?(?:made\s+|moved\s+|proposed\s+|put\s+)?(?:and\s+\w+\s+)?by\b",
               re.IGNORECASE),
    re.compile(r"\b(?:moved|proposed|motioned)\s+by\b", re.IGNORECASE),
    re.compile(r"\b(?:moved|proposed|mover|proposer|motion\s+by)\s*[:\-–]", re.IGNORECASE),
    re.compile(r"(?:^|[:;.(]\s*|\|\s*)\W*(?:Proposed|Moved)\s+(?=[A-Z@])"),
]
_MOVER_BEFORE = re.compile(r"\b(?:moved|proposed|motioned|made\s+a\s+motion|made\s+the\s+motion)\b")
_SECONDER = [
    re.compile(r"\bseconded\s+by\b", re.IGNORECASE),
    re.compile(r"\b(?:seconded|second|seconder)\s*[:\-–]", re.IGNORECASE),
    re.compile(r"\bseconded\s+(?=[A-Z@])"),
]
_SECONDER_BEFORE = re.compile(r"\bseconded\b(?!\s+by)")
_MOTION_LABEL = re.compile(r"^\W*motion\s*(?:\d+\s*)?[:\-–]", re.IGNORECASE)
_PROPOSAL = re.compile(r"\bthe\s+following\s+(?:resolution|motion)\s+was\s+(?:\w+\s+)?(?:adopted|passed|approved|"
                       r"carried|proposed|moved)|\bthe\s+following\s+was\s+(?:proposed|moved|resolved|agreed)|"
                       r"^\W*proposal\s*[:\-–]", re.IGNORECASE)

_RESULTS = [
    ("unanimous", re.compile(r"\bunanimous(?:ly)?\b|\bnem\.?\s*con\b|\bwithout\s+(?:any\s+)?objection\b|"
                             r"\bby\s+all\b(?![^.]*\bsave\b)(?![^.]*\bexcept\b)", re.IGNORECASE)),
    ("withdrawn", re.compile(r"\bwithdrawn\b|\bwithdrew\b", re.IGNORECASE)),
    ("deferred", re.compile(r"\b(?:deferred|tabled|postponed)\b", re.IGNORECASE)),
    ("defeated", re.compile(r"\b(?:defeated|rejected|not\s+carried|not\s+approved|voted\s+down)\b", re.IGNORECASE)),
    ("failed", re.compile(r"\b(?:failed|lost)\b", re.IGNORECASE)),
    ("carried", re.compile(r"\bcarried\b(?!\s+(?:out|over|forward|on|through))", re.IGNORECASE)),
    ("passed", re.compile(r"\bpassed\b(?!\s+(?:on|to|through|over|around))", re.IGNORECASE)),
    ("approved", re.compile(r"\b(?:approved|adopted|agreed|accepted|ratified|confirmed)\b", re.IGNORECASE)),
]
_N = r"(\d{1,3}|no|none|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_NUMBERS = {"no": 0, "none": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_V_FOR = [re.compile(_N + r"\s+(?:votes?\s+)?(?:in\s+favou?r|for|yes|ayes?|yeas?)\b", re.IGNORECASE),
          re.compile(r"\b(?:in\s+favou?r|for|yes|ayes?|yeas?)\s*[:=]\s*" + _N, re.IGNORECASE)]
_V_AGAINST = [re.compile(_N + r"\s+(?:votes?\s+)?(?:against|opposed|no|noes|nays?)\b", re.IGNORECASE),
              re.compile(r"\b(?:against|opposed|noes|nays?|no)\s*[:=]\s*" + _N, re.IGNORECASE)]
_V_ABST = [re.compile(_N + r"\s+(?:abstentions?|abstained|abstaining|abstain|abstention)\b", re.IGNORECASE),
           re.compile(r"\b(?:abstentions?|abstain(?:ed|ing)?)\s*[:=]\s*" + _N, re.IGNORECASE)]
_V_DASH = re.compile(r"(?:\b(?:carried|passed|failed|defeated|approved|adopted|vote[sd]?|voting|motion\s+carried)\s*"
                     r"[:(]?\s*|\()(\d{1,2})\s*[-–/]\s*(\d{1,2})(?:\s*[-–/]\s*(\d{1,2}))?\b(?!\s*(?:pm|am|%|/))",
                     re.IGNORECASE)
_VOTEISH = re.compile(r"\bvot(?:e|es|ed|ing)\b|\bin\s+favou?r\b|\bagainst\b|\babstain|\bopposed\b|\bcarried\b|"
                      r"\bmotion\b|\bpassed\b|\bdefeated\b|\bayes\b", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:not|never|no\s+longer|yet\s+to\s+be)\s+(?:\w+\s+)?(?:agreed|decided|resolved|approved)\b|"
                      r"\bno\s+(?:decision|agreement|resolution)s?\b|\bwithout\s+(?:a\s+)?(?:decision|agreement)\b|"
                      r"\b(?:could|did|would)\s+not\s+(?:agree|decide)\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|shall|would|should|could|may|might|must|to)\s+be\s+(?:\w+\s+)?(?:agreed|decided|"
                     r"resolved|approved|discussed|considered|confirmed)\b|\b(?:will|shall)\s+(?:agree|decide|vote)\b",
                     re.IGNORECASE)
_LABEL_PREFIX = re.compile(r"^\W*(?:final\s+|key\s+)?(?:decisions?(?:\s+made)?|decided|agreed)\s*(?:\d+\s*)?[:\-–]\s*",
                           re.IGNORECASE)
_DECISION_SECTION = re.compile(r"^\W*(?:(?:key|main|formal|summary\s+of)\s+)?(?:decisions?|resolutions|"
                               r"decisions?\s+(?:made|taken|reached|agreed)|agreed\s+decisions|decision\s+log|"
                               r"agreements?|agreed(?:\s+items)?)\W*$", re.IGNORECASE)
_DECISION_LABEL_ONLY = re.compile(r"^\W*(?:(?:key|main)\s+)?(?:decisions?|resolutions?|agreements?)(?:\s+(?:made|"
                                  r"taken|reached|agreed))?\s*[:\-–]?\W*$", re.IGNORECASE)


def _num(s: str) -> int:
    return int(s) if s.isdigit() else _NUMBERS[s.lower()]


# ---------------------------------------------------------------------------------- classification

def _classify(u: _Unit) -> dict:
    t = u.text
    plain = t.replace("**", "").replace("__", "")
    info: dict = {"triggers": []}
    if plain.rstrip().endswith("?"):
        info["question"] = True
        return info
    if _RESOLVED.search(plain) and not _FUTURE.search(plain) and not re.search(
            r"\b(?:issues?|problems?|matters?|queries|query|concerns?)\s+(?:was|were|has\s+been|have\s+been)\s+resolved",
            plain, re.IGNORECASE):
        info["triggers"].append("resolved")
        info["resolved"] = True
    for name, rx in _AGREED:
        m = rx.search(plain)
        if not m:
            continue
        if name == "passive":
            # "X was approved": a decision, but not "had been agreed by" another body, nor a plan
            pre = plain[:m.start()]
            if re.search(r"\b(?:if|whether|once|until|unless|when|before|after)\b[^,;]*$", pre, re.IGNORECASE):
                continue
            if re.search(r"\bby\s+(?:the\s+)?(?:city|county|bank|district|borough|state|government|lender|"
                         r"funders?|insurers?)\b", plain[m.end():m.end() + 40], re.IGNORECASE):
                continue
        if name == "collective" and re.search(r"\b(?:if|whether|once|until|unless)\b[^,;]*$", plain[:m.start()],
                                              re.IGNORECASE):
            continue
        if name == "decision_label" and _DECISION_LABEL_ONLY.match(plain):
            info["label_only"] = True
            continue
        info["triggers"].append(name)
        info["agreed"] = True
    if info.get("agreed") and (_NEGATED.search(plain) or _FUTURE.search(plain)) and \
            not info["triggers"] == ["decision_label"]:
        # "was not agreed", "will be agreed at the next meeting": abstain
        neg = _NEGATED.search(plain) or _FUTURE.search(plain)
        strong = [tr for tr in info["triggers"] if tr in ("decision_label", "agreed_start", "agreed_caps")]
        if not strong or neg.start() < 20:
            info.pop("agreed")
            info["triggers"] = [tr for tr in info["triggers"] if tr == "resolved"]
    if _DECISION_LABEL_ONLY.match(plain):
        info["label_only"] = True
    mover = seconder = None
    for rx in _MOVER:
        m = rx.search(plain)
        if m:
            got = name_after(plain, m.end())
            if got and (rx is not _MOVER[3] or re.match(r"\s*(?:[,;]|and\b|seconded\b)", plain[got[2]:])):
                mover = got
                break
    if mover is None:
        for m in _MOVER_BEFORE.finditer(plain):
            got = name_before(plain, m.start())
            if got:
                mover = got
                break
    for rx in _SECONDER:
        m = rx.search(plain)
        if m:
            got = name_after(plain, m.end())
            if got:
                seconder = got
                break
    if seconder is None:
        for m in _SECONDER_BEFORE.finditer(plain):
            got = name_before(plain, m.start())
            if got and (mover is None or got[1] != mover[1]):
                seconder = got
                break
    if mover:
        info["mover"] = mover[0]
        info["triggers"].append("mover")
    if seconder:
        info["seconder"] = seconder[0]
        info["triggers"].append("seconder")
    if _MOTION_LABEL.match(plain):
        info["motion_label"] = True
        info["triggers"].append("motion_label")
    if _PROPOSAL.search(plain):
        info["proposal"] = True
    if _RESULT_ONLY.match(plain):
        info["result_only"] = True
        info["triggers"].append("result_only")
    # is there a subject besides names, keywords and votes? ("Proposed by X, seconded by Y - Agreed")
    if mover or seconder:
        rest = plain
        for got in (mover, seconder):
            if got:
                rest = rest.replace(got[0], " ")
        rest = re.sub(r"\b(?:proposed|moved|seconded|by|and|agreed|unanimously|carried|approved|the|motion|duly|"
                      r"made|vote[sd]?|for|against|in\s+favou?r|abstentions?|result|passed|all|nem\.?\s*con)\b|"
                      r"\d+|\W+", " ", rest, flags=re.IGNORECASE)
        info["contentless"] = len(rest.split()) < 2
    return info


def _result_of(text: str) -> str | None:
    for name, rx in _RESULTS:
        if rx.search(text):
            return name
    return None


def _votes(text: str) -> dict:
    out: dict = {}
    if not _VOTEISH.search(text):
        return out
    for key, rxs in (("votes_for", _V_FOR), ("votes_against", _V_AGAINST), ("abstentions", _V_ABST)):
        for rx in rxs:
            m = rx.search(text)
            if m:
                out[key] = _num(m.group(1))
                break
    if "votes_for" not in out:
        m = _V_DASH.search(text)
        if m:
            out["votes_for"] = int(m.group(1))
            out["votes_against"] = int(m.group(2))
            if m.group(3) is not None:
                out["abstentions"] = int(m.group(3))
    return out


def _names_in(text: str) -> list[str]:
    names = []
    for piece in re.split(r",|;|\band\b", text):
        got = name_after(piece, 0)
        if got:
            names.append(got[0])
    return names


def _dissent(text: str) -> tuple[list[str], list[str]]:
    opposed: list[str] = []
    abstained: list[str] = []
    for m in re.finditer(r"\bwho\s+(?:voted\s+)?(opposed|against|no|abstained|abstain)\b", text, re.IGNORECASE):
        got = name_before(text, m.start())
        if got:
            (abstained if m.group(1).lower().startswith("abst") else opposed).append(got[0])
    for m in re.finditer(r"\b(opposed|against|abstentions?|abstaining|abstained)\s*\(([^)]*)\)", text, re.IGNORECASE):
        names = _names_in(m.group(2))
        (abstained if m.group(1).lower().startswith("abst") else opposed).extend(names)
    return opposed, abstained


# -------------------------------------------------------------------------------------- grouping

@dataclass
class _Group:
    units: list[_Unit]
    head: bool = False  # has a decision/resolution trigger (not only a proposal)
    from_section: bool = False

    @property
    def last(self) -> _Unit:
        return self.units[-1]

    def info(self, key: str):
        for u in self.units:
            if u.info.get(key):
                return u.info[key]
        return None

    @property
    def is_motion(self) -> bool:
        return bool(self.info("mover") or self.info("seconder") or self.info("motion_label"))


def _adjacent(g: _Group, u: _Unit, doc: Document) -> bool:
    last = g.last
    if u.block == last.block:
        return True
    if not u.first_in_block or not last.last_in_block:
        return False
    between = doc.blocks[last.block + 1:u.block]
    return u.block == last.block + 1 or all(not b.text.strip() for b in between)


_ANAPHOR = re.compile(r"^\W*(?:this|that|these|those|which|it|the\s+(?:proposal|suggestion|recommendation|motion))\s+"
                      r"(?:was|were|has|have|is)\s+(?:(?:\w+ly|also|then)\s+)?(?:agreed|approved|accepted|adopted|"
                      r"carried|endorsed|passed)\b(?!\s+(?:that|to)\b)", re.IGNORECASE)


_YES_NO = re.compile(r"^\W*(?:consensus|decision|decided|agreed|outcome)\W*\s*[:\-–]\s*\W*(?:yes|no)\b", re.IGNORECASE)


def _is_head(info: dict) -> bool:
    return bool(info.get("resolved") or info.get("agreed") or info.get("motion_label"))


def _group_units(units: list[_Unit], doc: Document) -> list[_Group]:
    groups: list[_Group] = []
    open_: _Group | None = None
    taken: set[int] = set()  # id of units in a group
    prev: _Unit | None = None
    for u in units:
        info = u.info = _classify(u)
        if info.get("question"):
            open_ = None
            prev = u
            continue
        if u.heading:
            # a heading is a decision only when it says so in full ("8.1 Payments. RESOLVED that ...")
            if (info.get("resolved") or "it_was_agreed" in info.get("triggers", [])) and len(u.text.split()) >= 5:
                open_ = _Group([u], head=True)
                groups.append(open_)
                taken.add(id(u))
            else:
                open_ = None
            prev = u
            continue
        is_motion_unit = bool(info.get("mover") or info.get("seconder"))
        attach = info.get("result_only") or (is_motion_unit and info.get("contentless"))
        if attach:
            if open_ is not None and _adjacent(open_, u, doc) and not open_.from_section:
                open_.units.append(u)
                open_.head = True
            else:
                g = _Group([u], head=True)
                if prev is not None and id(prev) not in taken and not prev.heading and not prev.info.get("question") \
                        and (prev.block == u.block or (u.first_in_block and prev.block == u.block - 1)) \
                        and not _DECISION_LABEL_ONLY.match(prev.text.replace("*", "")):
                    g.units.insert(0, prev)
                    taken.add(id(prev))
                groups.append(g)
                open_ = g
            taken.add(id(u))
        elif _is_head(info) and prev is not None and id(prev) not in taken and prev.block == u.block \
                and (_ANAPHOR.match(u.text) or _YES_NO.match(u.text)) and not (open_ is not None and _adjacent(open_, u, doc)):
            # "This was agreed in principle": what "this" is, is the sentence before
            open_ = _Group([prev, u], head=True)
            groups.append(open_)
            taken.update({id(prev), id(u)})
        elif _is_head(info) or is_motion_unit or info.get("proposal"):
            head = _is_head(info)
            joins = open_ is not None and _adjacent(open_, u, doc) and not open_.from_section and (
                (open_.last.text.rstrip().endswith(":") and not open_.info("label_only"))
                or ((open_.is_motion or open_.info("proposal")) and not open_.head and not is_motion_unit
                    and head))
            if joins:
                open_.units.append(u)
                open_.head = open_.head or head
            else:
                open_ = _Group([u], head=head)
                groups.append(open_)
            taken.add(id(u))
        else:
            open_ = None
        prev = u
    return groups


def _decision_lists(doc: Document, st: "Structure | None", units: list[_Unit], covered: list[tuple[int, int]]
                    ) -> list[_Group]:
    """Items under a "Decisions" heading, or after a "Decisions made:" label (paragraph or table row)."""
    out: list[_Group] = []
    by_block: dict[int, list[_Unit]] = {}
    for u in units:
        by_block.setdefault(u.block, []).append(u)
    item_blocks: list[int] = []
    if st is not None:
        for s in st.sections:
            if not _DECISION_SECTION.match(s.heading.replace("*", "")):
                continue
            for i, b in enumerate(doc.blocks):
                if b.start >= s.body_start and b.start < s.body_end and i != s.block and b.kind != "heading":
                    item_blocks.append(i)
    for i, b in enumerate(doc.blocks):
        label = b.text.replace("*", "").strip()
        if b.kind == "heading" or not _DECISION_LABEL_ONLY.match(label) or not label.endswith(":"):
            if b.kind == "table_row" and b.cells and len(b.cells) >= 2 and \
                    _DECISION_LABEL_ONLY.match(b.cells[0].text.replace("*", "").strip() + ":"):
                # "Decisions | Keep the wheel" row: the other cells are the decision
                for c in b.cells[1:]:
                    if c.text.strip():
                        out.append(_Group([_Unit(i, c.start, c.end, c.text)], head=True, from_section=True))
            continue
        j = i + 1
        while j < len(doc.blocks):
            nb = doc.blocks[j]
            if nb.kind == "heading" or (nb.kind == "table_row" and _DECISION_LABEL_ONLY.match(nb.text) is None
                                         and nb.text.rstrip().endswith(":") and len(nb.text.split()) <= 4):
                break
            item_blocks.append(j)
            if nb.kind not in ("list_item",) and not (j + 1 < len(doc.blocks) and doc.blocks[j + 1].kind == "list_item"
                                                       and nb.kind == "list_item"):
                if nb.kind != "list_item":
                    break
            j += 1
    for i in sorted(set(item_blocks)):
        b = doc.blocks[i]
        if b.text.rstrip().endswith(":") and len(b.text.split()) <= 4:
            continue
        if any(s < b.end and b.start < e for s, e in covered):
            continue
        bu = by_block.get(i)
        if not bu:
            continue
        out.append(_Group([_Unit(i, bu[0].start, bu[-1].end, doc.text[bu[0].start:bu[-1].end])], head=True,
                          from_section=True))
    return out


# ------------------------------------------------------------------------------------------- API

def _section_for(st: "Structure | None", start: int, block: int) -> str | None:
    if st is None:
        return None
    best = None
    for s in st.sections:
        if s.start <= start < max(s.body_end, s.end):
            if s.parent is not None and (s.block == block or _RESOLVED_CAPS.search(s.heading)):
                continue  # the decision is a heading line itself: name the section it sits in
            if best is None or s.level >= best.level:
                best = s
    if best is None:
        for s in st.sections:
            if s.block == block and s.parent is not None:
                best = st.sections[s.parent]
    return best.heading if best else None


def _extend_colon(doc: Document, g: _Group, units: list[_Unit], taken: set[int]) -> int:
    """A decision ending with ':' goes on over the list (or the one paragraph) that follows it."""
    end = g.last.end
    if not doc.text[:end].rstrip().endswith(":") or not g.last.last_in_block:
        return end
    j = g.last.block + 1
    while j < len(doc.blocks):
        b = doc.blocks[j]
        if b.kind == "heading" or j in taken:
            break
        if b.kind == "list_item":
            end = b.end
            j += 1
            continue
        if j == g.last.block + 1 and b.kind in ("paragraph", "table_row"):
            end = b.end
        break
    return end


def find_decisions(doc: Document, structure: "Structure | None" = None, parsed: "ParsedDocument | None" = None
                   ) -> list[DecisionFound]:
    """Every decision, resolution and decided motion in ``doc``, in document order."""
    units = _units(doc, parsed)
    groups = [g for g in _group_units(units, doc) if _keep(g)]
    taken_blocks = {u.block for g in groups for u in g.units}
    covered = [(g.units[0].start, g.last.end) for g in groups]
    groups += _decision_lists(doc, structure, units, covered)
    groups.sort(key=lambda g: g.units[0].start)
    out: list[DecisionFound] = []
    last_end = -1
    for g in groups:
        start = g.units[0].start
        end = _extend_colon(doc, g, units, taken_blocks) if not g.from_section else g.last.end
        if start < last_end:
            continue  # never report the same text twice
        d = _make(doc, g, start, end, structure)
        if d is not None:
            out.append(d)
            last_end = end
    return out


def _keep(g: _Group) -> bool:
    if g.head:
        return True
    if g.info("seconder"):
        return True  # a seconded motion is a motion on the record even when its result is not written
    return False


def _list_parts(doc: Document, start: int, end: int) -> tuple[str, list[str]]:
    """A decision whose span runs over list items: the lead-in and each item, kept apart."""
    lead, items = [], []
    for b in doc.blocks:
        if b.end <= start or b.start >= end:
            continue
        piece = " ".join(doc.text[max(b.start, start):min(b.end, end)].replace("**", "").replace("__", "").split())
        if b.kind == "list_item" and (lead or items):
            items.append(piece.strip(" ;,."))
        else:
            (items.append(piece) if items else lead.append(piece))
    return " ".join(lead), [i for i in items if i]


def _make(doc: Document, g: _Group, start: int, end: int, st) -> DecisionFound | None:
    raw = doc.text[start:end]
    lead, items = _list_parts(doc, start, end)
    if items:  # "... in terms of: their positions; the function of the group; diversity."
        text = lead + " " + "; ".join(items) + ("." if lead.rstrip().endswith(":") else "")
    else:
        text = " ".join(raw.replace("**", "").replace("__", "").split())
    text = _LABEL_PREFIX.sub("", text) if not _RESULT_ONLY.match(text) else text
    text = text.strip(" -–:;")
    if not re.search(r"[^\W\d_]", text):
        return None
    resolved = any(u.info.get("resolved") for u in g.units)
    motion = g.is_motion or any(re.search(r"\bvot(?:e|ed|es)\b|\bmotion\b", u.text, re.IGNORECASE)
                                and (u.info.get("result_only") or "voted" in u.info.get("triggers", [])
                                     or "vote_result" in u.info.get("triggers", [])) for u in g.units)
    kind = "resolved" if resolved else "motion" if motion else "agreed"
    mover = g.info("mover")
    seconder = g.info("seconder")
    # the result: from what follows the mover/seconder, or the whole text when nobody is named
    tail = raw
    for name in (seconder, mover):
        if name and name in raw:
            tail = raw[raw.index(name) + len(name):]
            break
    tail_plain = tail.replace("*", "")
    if g.is_motion:
        result = _result_of(tail_plain)
    else:
        # a resolution or agreement: its own words ("be approved") are no result; only a stated one
        stated = " ".join(u.text for u in g.units if u.info.get("result_only") or "vote_result" in
                          u.info.get("triggers", []) or "voted" in u.info.get("triggers", []))
        result = _result_of(stated.replace("*", "")) if stated else None
        if result is None and re.search(r"\bunanimous(?:ly)?\b|\bnem\.?\s*con\b", raw, re.IGNORECASE):
            result = "unanimous"
    if kind == "agreed" and result is None:
        result = None
    votes = _votes(raw)
    opposed, abstained = _dissent(raw)
    unanimous = True if result == "unanimous" else None
    if votes.get("votes_against") or votes.get("abstentions") or opposed or abstained:
        unanimous = False if result != "unanimous" or votes.get("votes_against") else unanimous
    if result is None and votes.get("votes_for") is not None and votes.get("votes_against") is not None:
        result = "carried" if votes["votes_for"] > votes["votes_against"] else None
    triggers = sorted({t for u in g.units for t in u.info.get("triggers", [])}) or (["section"] if g.from_section
                                                                                 else [])
    return DecisionFound(text=text, kind=kind, start=start, end=end, block=g.units[0].block,
                         section=_section_for(st, start, g.units[0].block), mover=mover, seconder=seconder,
                         result=result, votes_for=votes.get("votes_for"), votes_against=votes.get("votes_against"),
                         abstentions=votes.get("abstentions"), unanimous=unanimous, opposed_by=opposed,
                         abstained_by=abstained, triggers=triggers, items=items)


def to_record(found: list[DecisionFound], doc: Document) -> list["Decision"]:
    """``record.Decision`` objects with provenance; extra vote fields are set where the model has them."""
    from pipeline.core.provenance import provenance
    from pipeline.core.record import Decision

    fields = Decision.model_fields
    out = []
    for f in found:
        data = dict(text=f.text, kind=f.kind, mover=f.mover, seconder=f.seconder, result=f.result,
                    section=f.section, provenance=provenance(doc, f.start, f.end, f.block))
        for extra in ("votes_for", "votes_against", "abstentions", "unanimous", "opposed_by", "abstained_by",
                      "items"):
            if extra in fields:
                data[extra] = getattr(f, extra)
        out.append(Decision(**data))
    return out
