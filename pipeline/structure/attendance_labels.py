"""The labels that open an attendance list, and what each one means.

A label is read word by word rather than matched against a fixed list: who ("Commissioners",
"Board members", "Staff", "Others", "Members of the public") and their status ("present",
"attending", "absent", "excused"). "Commissioners present" lists members, "Staff present" and
"Others present" list guests, "Commissioners absent" lists the absent. Head counts and asides in
brackets ("Present (54)", "PRESENT (six Councillors)") and a trailing "were" ("Board members in
attendance were") are not part of the label.
"""

from __future__ import annotations

import re

_NUM_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty|"
              r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a dozen|several|some|many|few")

# who: the body's own members ...
_MEMBERS = (r"(?:(?:the|voting|regular|full|core|elected|appointed|ex[- ]officio|team|group|board|committee|council|"
            r"commission|panel|senate|steering|executive|management|governing body|trust|association|society|"
            r"parish|town|city|village|school|club|working group|task ?force|pcc)\s+)*"
            r"(?:members?|board members?|committee members?|council members?|trustees?|directors?|councillors?|"
            r"commissioners?|governors?|senators?|aldermen|alderpersons?|supervisors?|selectmen|selectpersons?|"
            r"delegates?|representatives?|participants?|executives?|attendees|"
            r"board|committee|council|commission|panel|senate|team)")
# ... and the others who attend: staff, officers, consultants, visitors, the public
_OTHERS = (r"(?:others?|other attendees|staff|staff members?|employees|invited|"
           r"guests?|invited guests?|invitees?|visitors?|observers?|consultants?|advisors?|advisers?|presenters?|"
           r"speakers?|guest speakers?|invited speakers?|public|members? of the (?:public|press|community)|press|media|residents?|parishioners|"
           r"non[- ]members?|community members?|homeowners|liaisons?|counsel|legal counsel|auditors?|attorneys?|management|senior staff|"
           r"(?:council |district |county |city |village |town )?staff(?: members?)?)")
_PRESENT = (r"(?:present|attending|in attendance|attended|participating|on the call|on call|joining|here)"
            r"(?: (?:in person|in-person|remotely|online|virtually|by (?:phone|telephone|video)|via [\w-]+|"
            r"at (?:the|this) meeting))?")
_ABSENT = r"(?:absent|not present|not in attendance|missing|not attending|absent without (?:apology|apologies|notice)|" \
          r"unexcused(?: absences?)?|absent \(unexcused\)|no[- ]shows?)"
_APOLOGIES = (r"(?:apologies(?: for absence)?(?: (?:were )?(?:received|given|noted|sent))?(?: from)?|apologies sent|"
              r"regrets|sent regrets|excused(?: absences?)?|absent with apologies|absent \(excused\)|"
              r"with apologies|(?:to )?(?:consider|receive|note) apologies(?: for absence)?|apologies received)")

_LABELS: list[tuple[str, str]] = [
    # In UK minutes "In attendance" lists officers and visitors who are not members.
    (r"(?:also )?in attendance|also attending|also present|also participating|others? (?:also )?present", "guests"),
    (rf"(?:{_MEMBERS} )?(?:also )?{_PRESENT}(?: and participating)?", "present"),
    (rf"{_MEMBERS}(?: (?:attending|participating))?(?: and participating)?", "present"),
    (r"those (?:present|attending|in attendance)|(?:the )?following (?:were )?(?:present|in attendance)|"
     r"attendance|attendees|attendants|meeting attendees|attendance list|roll ?call|(?:quorum )?roll call(?: of (?:members|the board))?|"
     r"late|late arrivals?|arrived late|who(?:'s| is) here|time ?keeper", "present"),
    (rf"(?:{_MEMBERS} )?{_APOLOGIES}", "apologies"),
    (rf"(?:{_MEMBERS} |{_OTHERS} )?{_ABSENT}|missing (?:attendees|members|people|persons)", "absent"),
    (rf"(?:also )?{_OTHERS}(?: (?:also )?{_PRESENT})?", "guests"),
    (rf"(?:officers?|officials|council officers?|(?:council |district |county )?staff)(?: also)? {_PRESENT}", "guests"),
    (r"(?:meeting |session )?(?:chair(?:ed by)?|chairperson|chairman|chairwoman|chair person|co-?chairs?|"
     r"facilitat(?:or|ors|ed by)|led by|called by|convenor|convener|presiding(?: officer)?|presided by|"
     r"presider|moderator|moderated by)", "chair"),
    (r"minutes?[- ]?takers?|minutes (?:taken|recorded|written) by|minuted by|minutes secretary|"
     r"recording secretary|recorder|scribes?|note[s -]?takers?|notes (?:taken |recorded )?by|"
     r"secretary \(minutes\)|minutes issued by|minutes|notes|minutes by|notes by", "minutes"),
]
_LABEL_RES = [(re.compile(rf"^(?:{pat})$", re.IGNORECASE), role) for pat, role in _LABELS]
# a bare "Minutes" or "Notes" labels the minute-taker only with a name after it on the same line
_BARE_MINUTES = re.compile(r"^(?:minutes|notes|minutes by|notes by)$", re.IGNORECASE)
# a body's name alone ("Council: A, B") lists its members only with the names on the same line
_BARE_BODY = re.compile(r"^(?:the )?(?:board|committee|council|commission|panel|senate|team|executive)$", re.IGNORECASE)

# "(54)", "(six Councillors)", "(in person)", "(via Zoom)": a count or aside after the label
_ASIDE = re.compile(rf"\s*\((?:\d+|{_NUM_WORDS}|in person|in-person|online|remote(?:ly)?|virtual(?:ly)?|via [\w ]+|"
                    rf"on zoom|on teams)(?: [a-z]+)?\)\s*", re.IGNORECASE)


def normalise_label(label: str) -> str:
    t = label.strip().strip("*_#").strip()
    t = re.sub(r"^\d{1,2}(?:\.\d{1,2})*(?:[.)]\s+|\s+(?=[A-Z]))", "", t)  # "1.2 Apologies" (not "4 members")
    t = re.sub(r"^[ivx]{1,5}[.)]\s+", "", t, flags=re.IGNORECASE)  # "II. Roll call"
    t = _ASIDE.sub(" ", t)
    t = re.sub(r"[*_#:;,.\-–—]+$", "", t).strip()
    t = re.sub(r"\s+", " ", t).lower().replace("’", "'")
    t = re.sub(r"\s+(?:were|are|was|is|included|include|being)$", "", t)
    return t


def attendance_role(label: str, *, bare: bool = False) -> str | None:
    """The role a label gives the names after it: present, apologies, absent, guests, chair or
    minutes; None for any other label. ``bare``: the label stands alone on its line (a heading),
    where "Minutes" and "Notes" name sections, not the minute-taker."""
    t = normalise_label(label)
    if not t or len(t) > 60:
        return None
    if bare and (_BARE_MINUTES.match(t) or _BARE_BODY.match(t)):
        return None
    role = _role_of(t)
    if role is None and "(" in t:  # "In attendance (staff)": an aside in brackets
        role = _role_of(re.sub(r"\s*\([^)]*\)\s*", " ", t).strip())
    if role is None and re.search(r" and | & |/", t):
        # "Members of the Public and Media", "Management and Staff": parts that agree
        roles = {_role_of(p.strip()) for p in re.split(r" and | & |/", t) if p.strip()}
        if len(roles) == 1:
            role = roles.pop()
    return role


def _role_of(t: str) -> str | None:
    for rx, role in _LABEL_RES:
        if rx.match(t):
            return role
    return None


def is_attendance_label(label: str) -> bool:
    return attendance_role(label) is not None


# Headings that join attendance with other business: "Welcome and Apologies", "Apologies and
# approval of minutes", "Attendance and apologies" (two roles: not one list, so no role).
_CONJUNCT = re.compile(r"\s*(?:,|&|\band\b|/|\+)\s*", re.IGNORECASE)


def heading_role(text: str) -> str | None:
    """The attendance role of a heading line, including headings that join it with other business."""
    role = attendance_role(text, bare=True)
    if role:
        return role
    t = normalise_label(text)
    if len(t.split()) > 8:
        return None
    roles = {attendance_role(part, bare=True) for part in _CONJUNCT.split(t) if part.strip()}
    roles.discard(None)
    if len(roles) == 1:
        role = roles.pop()
        return role if role in ("apologies", "present", "absent") else None
    return None


# Officers named by a role label on an attendance line ("Parish Clerk: Peter King")
_OFFICE = re.compile(
    r"^(?:the )?(?:parish |town |village |city |county |district |borough |deputy |assistant |acting |executive |"
    r"responsible financial |recording |corresponding |honorary |hon\.? )*(?:clerk|secretary|treasurer|"
    r"administrator|manager|director|officer|rfo|solicitor|attorney|counsel|clerk to the (?:council|board|governors))$",
    re.IGNORECASE)


def office_label(label: str) -> bool:
    return bool(_OFFICE.match(normalise_label(label)))


# Labels that start something else on a line that holds an attendance list ("Attendees: A, B
# Agenda: ...") and so end the list.
_OTHER_LABEL = re.compile(
    r"^(?:agenda|date|time|venue|location|place|where|when|purpose|objectives?|topics?|items?|meeting|"
    r"meeting (?:date|time|location|place|type|objectives?)|date and time|type of meeting|call to order|"
    r"start(?:ed)?|end(?:ed)?|duration|dial[- ]in|zoom|link|next meeting|subject|re|notes|minutes|action items?|"
    r"actions?|decisions?|discussion(?: points)?|summary|quorum|proxy|proxies|signatures?)$", re.IGNORECASE)


def other_label(label: str) -> bool:
    return bool(_OTHER_LABEL.match(normalise_label(label)))
