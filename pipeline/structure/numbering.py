"""Item numbers and the titles they carry: "4.", "4.1", "IV.", "(a)", "b)", "70/17", "4-A".

Minutes number their agenda items in many ways, and the title after the number is not always alone
on its line: "2. Roll Call – Trustee Picha called roll call", "Communications ------ Tinka Gammel",
"70/17 Apologies for absence Apologies had been received from ...". This module reads the number
(``split_number``) and cuts the title from what follows it (``item_title``); whether a numbered
line is a heading at all is decided in ``structure.find_sections`` over the whole document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}


def roman_value(s: str) -> int | None:
    """The value of a well-formed roman numeral up to 49 ("iv" -> 4), else None."""
    s = s.lower()
    if not s or any(c not in _ROMAN for c in s):
        return None
    total, prev = 0, 0
    for c in reversed(s):
        v = _ROMAN[c]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    if not 0 < total < 50 or _to_roman(total) != s:
        return None
    return total


def _to_roman(n: int) -> str:
    out = ""
    for v, sym in ((40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= v:
            out += sym
            n -= v
    return out


@dataclass
class Number:
    num: str  # as written, without brackets and dots: "4.1", "IV", "a", "70/17", "4-A"
    style: str  # arabic1 / arabic2 / ... | roman | ROMAN | letter | LETTER | minute | sub
    rest: int  # offset of the text after the number (and its punctuation)
    bracketed: bool = False  # "(a)", "a)", "1)"
    plain: bool = False  # no punctuation after the number ("1 Apologies"): a weaker sign of an item

    @property
    def value(self) -> int | None:
        """The item's place in its sequence (4 for "4", "IV", "d" and "4.1"'s last part)."""
        if self.style.startswith("arabic"):
            return int(re.sub(r"\D", "", self.num.split(".")[-1]) or 0)
        if self.style in ("roman", "ROMAN"):
            return roman_value(self.num)
        if self.style in ("letter", "LETTER"):
            return ord(self.num.lower()) - ord("a") + 1
        if self.style == "minute":
            return int(self.num.split("/")[0])
        return None


_ARABIC = re.compile(r"^(?P<open>\()?(?P<num>\d{1,2}(?:\.\d{1,2}){0,3}|\d{1,2}[A-Z](?=[.)]))(?P<close>[.)]|\s)\s*(?=\S)")
_MINUTE = re.compile(r"^(?P<num>\d{1,3}/\d{2}(?:/\d{1,3})?)(?:[.):]|\s)\s*(?:[-–—]\s+)?(?=\S)")
_SUB = re.compile(r"^(?P<num>\d{1,2}-[A-Z])(?:[.):]|\s)\s*(?=\S)")
_ROMAN_RE = re.compile(r"^(?P<open>\()?(?P<num>[IVXL]{1,6}|[ivxl]{1,6})(?P<close>[.)])\s*(?=\S)")
_LETTER_RE = re.compile(r"^(?P<open>\()?(?P<num>[A-Za-z])(?P<close>[.)])\s*(?=\S)")


def split_number(text: str) -> Number | None:
    """The item number a line starts with, or None ("4. Finance" -> Number("4", "arabic1", 3))."""
    m = _MINUTE.match(text)
    if m:
        return Number(m.group("num"), "minute", m.end())
    m = _SUB.match(text)
    if m:
        return Number(m.group("num"), "sub", m.end())
    m = _ARABIC.match(text)
    if m:
        if m.group("open") and m.group("close") != ")":
            return None
        num = m.group("num")
        return Number(num, f"arabic{num.count('.') + 1}", m.end(), bracketed=m.group("close") == ")",
                      plain=m.group("close").isspace())
    m = _ROMAN_RE.match(text)
    if m and roman_value(m.group("num")) and not (m.group("open") and m.group("close") != ")"):
        num = m.group("num")
        # "I." alone could be a letter or a pronoun's initial; "I." followed by a title is item one
        if len(num) > 1 or m.group("close") == ")" or m.group("open") or num in "IiVvXx":
            style = "ROMAN" if num.isupper() else "roman"
            if len(num) == 1 and num.lower() not in "ivx":
                style = "LETTER" if num.isupper() else "letter"
            return Number(num, style, m.end(), bracketed=m.group("close") == ")")
    m = _LETTER_RE.match(text)
    if m and not (m.group("open") and m.group("close") != ")"):
        num = m.group("num")
        # ("A. Smith said" starts with an initial: the document-level check that letters run in
        # sequence, A, B, C, keeps such lines out)
        return Number(num, "LETTER" if num.isupper() else "letter", m.end(), bracketed=m.group("close") == ")")
    return None


# ------------------------------------------------------------------------------------------- titles

SMALL_WORDS = {"of", "the", "and", "a", "an", "in", "on", "at", "for", "to", "by", "with", "&", "-", "–", "or",
               "from", "into", "as", "per", "via", "vs", "re", "de"}
_SENTENCE_END = re.compile(r"[.!?]['’\")\]]?$")
_LEADER = re.compile(r"\s*(?:-{3,}|\.{4,}|_{3,}|…{2,}|\t+)\s*")
_DASH = re.compile(r"\s[-–—]\s+|\s+[-–—]\s")
_COLON = re.compile(r":(\s|$)")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
# words that open a sentence after a run-in title ("1. Police Report The September report ...")
_OPENERS = {"the", "this", "these", "that", "those", "there", "it", "its", "no", "a", "an", "all", "members",
            "mr", "mrs", "ms", "miss", "dr", "cllr", "councillor", "councillors", "he", "she", "they", "we", "i",
            "our", "following", "after", "at", "in", "on", "following", "nothing", "none", "both", "each", "some",
            "several", "one", "two", "three", "everyone", "discussion", "noted", "agreed", "resolved"}


_AUXILIARY = re.compile(r"\b(was|were|is|are|has|had|have|will|would|shall|should|can|could|did|does)\b")


def titleish(text: str) -> bool:
    """ALL CAPS or Title Case words (small words aside): a title, not a sentence."""
    words = [w for w in _WORD.findall(text) if w.lower() not in SMALL_WORDS]
    if not words:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= 0.75


def _clean_end(title: str) -> str:
    return title.strip().rstrip(":").strip()


def valid_title(title: str, *, strong: bool = False) -> bool:
    """A heading's text: short, starts with a capital, no sentence in it (``strong`` headings, those the
    format marks, may be longer)."""
    if not title or not (title[0].isupper() or title[0] in "\"'“‘(" or (strong and title[0].isdigit())):
        return False
    words = title.split()
    if len(words) > (20 if strong else 16) or len(title) > (140 if strong else 120):
        return False
    if title[-1] in ",;-–—&" or words[-1].lower() in ("and", "of", "the", "to", "for", "or", "with"):
        return False
    if re.search(r"[a-z]{2}[.!?]\s+[A-Z]", title):  # a sentence boundary inside
        return False
    if _SENTENCE_END.search(title) and not strong:
        return False
    if re.fullmatch(r"[\W\d_]*", title) or sum(c.isalpha() for c in title) < 2:
        return False
    return True


def item_title(rest: str, *, strong: bool = False, run_in: bool = False) -> tuple[str, int, bool] | None:
    """The title at the start of ``rest`` (the text after an item number).

    Returns (title, end offset of the title in ``rest``, whether the title is the whole of ``rest``),
    or None when ``rest`` does not start with a title. Cuts, in order: a leader ("Title ----- Name",
    tabs), a colon unless what follows reads as part of a title ("Amendment: Modify the Officer"), a
    dash followed by a sentence ("Roll Call – Trustee Picha called roll call"), and (``run_in``)
    the first sentence run into the title ("Police Report The September report had ...").
    """
    text = rest.rstrip()
    end = len(text)
    m = _LEADER.search(text)
    if m and m.start() > 0:
        end = m.start()
    c = _COLON.search(text[:end])
    if c:
        after = text[c.end():end].strip()
        if not after:
            end = c.start()
        elif not (titleish(after) and len(after.split()) <= 10 and not _SENTENCE_END.search(after)):
            end = c.start()
    d = _DASH.search(text[:end])
    if d and d.start() > 0:
        after = text[d.end():end].strip()
        if after and after[0].isupper() and not titleish(after) and len(after.split()) >= 2:
            end = d.start()
        elif after and (len(after.split()) > 8 or _SENTENCE_END.search(after)):
            end = d.start()  # "Secretary's Report – all in order."
    caps = re.match(r"^((?:[A-Z][A-Z'’&/-]*[A-Z]\b[,]?\s+){1,10}?(?:[A-Z][A-Z'’&/-]*[A-Z]))\s+(?=[A-Z][a-z])", text[:end])
    if caps and len(caps.group(1).split()) >= 2 and len(text[caps.end():end].split()) >= 3:
        end = len(caps.group(1))  # "ACCOUNTS FOR PAYMENT The following payments were agreed"
    title = _clean_end(text[:end])
    # "82/17 Finance." -- a short title with a full stop
    if title.endswith(".") and len(title.split()) <= 6 and title.count(".") == 1 and not strong and titleish(title):
        title = title[:-1].strip()
        end = text.find(title) + len(title)
    whole = end >= len(text.rstrip(" :.")) - 0
    if valid_title(title, strong=strong):
        return title, end, whole
    if run_in:
        got = run_in_title(text)
        if got:
            return got[0], got[1], False
    return None


def run_in_title(text: str) -> tuple[str, int] | None:
    """Where a title run into its paragraph ends: before the first word that starts the paragraph's
    first sentence ("Apologies for absence Apologies had been received ..." -> "Apologies for absence")."""
    toks = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    if len(toks) < 3:
        return None
    first = toks[0][0].lower().strip("\"“'‘")
    for k in range(1, min(16, len(toks) - 1)):
        w, ws, _ = toks[k]
        prev = toks[k - 1][0]
        bare = w.strip("\"“'‘(")
        if not bare or not (bare[0].isupper() or bare[0].isdigit()):
            continue
        if prev.rstrip(",").lower() in SMALL_WORDS or prev.endswith(","):
            continue
        follow = [t[0] for t in toks[k + 1:k + 5]]
        sentence_like = any(t[:1].islower() for t in follow)
        if not sentence_like:
            continue
        cue = (
            (prev[:1].islower() and prev.isalpha())  # "... for absence Apologies had ..."
            or bare.lower().rstrip(".,:") in _OPENERS  # "... Police Report The September ..."
            or bare.lower() == first  # the title's first word repeated: "Minutes Minutes of the ..."
            or (re.fullmatch(r"[A-Z]{2,4}", bare) is not None and follow[0][:1].islower())  # "... Lights DN had ..."
            or prev.endswith((".", ":")))
        if not cue:
            continue
        title = _clean_end(text[:toks[k - 1][2]])
        if re.search(r"[a-z]ed$", title) or _AUXILIARY.search(title):
            return None  # "The Chairman welcomed | County Councillor ...": a sentence, not a title
        if title.endswith(".") and title.count(".") == 1:
            title = title[:-1]  # "Suffolk Library meetings. Anyone wishing to attend ..."
        if valid_title(title):
            return title, toks[k - 1][2]
        return None
    return None
