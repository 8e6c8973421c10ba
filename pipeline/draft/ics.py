"""The next meetings and dated actions as an iCalendar file.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta, timezone
from pathlib import PurePath
from typing import Literal

from pipeline.core.record import Meeting
from pipeline.draft.build import build_draft
from pipeline.draft.model import Draft, clean_text

PROCEDURAL_LABELS = frozenset({"procedural_schedule"})
OTHER_LABEL = "other"


_ZONES = {"UTC": 0, "GMT": 0, "BST": 1, "CET": 1, "CEST": 2, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
          "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
_IANA = {"ET": "America/New_York", "EASTERN": "America/New_York", "PT": "America/Los_Angeles",
         "PACIFIC": "America/Los_Angeles", "CENTRAL": "America/Chicago"}


def _zone(name: str | None):
    if not name:
        return None
    if name.upper() in _ZONES:
        return timezone(timedelta(hours=_ZONES[name.upper()]))
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(_IANA.get(name.upper(), name))
    except Exception:  # unknown zone: keep local (floating) time
        return None


def _uid(draft: Draft, kind: str, key: str, seen: set[str]) -> str:
    # the file's name (not its path: the same minutes opened from elsewhere keep their UIDs) and the meeting date
    base = f"{PurePath(draft.source_file).name}|{draft.date or ''}|{kind}|{' '.join(key.split()).casefold()}"
    uid = hashlib.sha1(base.encode("utf-8")).hexdigest()[:24]
    n = 1
    while uid in seen:
        n += 1
        uid = hashlib.sha1(f"{base}|{n}".encode("utf-8")).hexdigest()[:24]
    seen.add(uid)
    return f"{uid}@minutebook"


def _one_line(text: str) -> str:
    return " ".join(clean_text(text).split())


def render_ics(meeting_or_draft: Meeting | Draft, *, actions_as: Literal["event", "todo"] = "event") -> bytes:
    """A calendar: one VEVENT per dated next meeting (all-day when no time; times with a zone are written
    in UTC), and one all-day VEVENT (``actions_as="event"``, shown by every calendar) or VTODO per action
    with a one-day due date, summary "Action: task (owner)".

    UIDs come from the source file's name, the meeting date and the item, so importing again updates
    rather than duplicates; DTSTAMP is the meeting date, so the output is reproducible.
    """
    from icalendar import Calendar, Event, Todo

    draft = meeting_or_draft if isinstance(meeting_or_draft, Draft) else build_draft(meeting_or_draft)
    stamp = datetime.combine(date.fromisoformat(draft.date) if draft.date else date(2000, 1, 1), time(0), timezone.utc)
    cal = Calendar()
    cal.add("prodid", f"-//minutebook//minutebook {draft.pipeline_version}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    seen: set[str] = set()
    name = _one_line(draft.meeting_name)
    origin = f"From the minutes of {_one_line(draft.title)}" + (f" ({draft.date})" if draft.date else "") + \
        f", {PurePath(draft.source_file).name}"

    for n in draft.next_meetings:
        if not n.date:
            continue
        ev = Event()
        ev.add("uid", _uid(draft, "next", n.date + (n.start_time or ""), seen))
        ev.add("dtstamp", stamp)
        ev.add("summary", f"Next meeting: {name}" if name else "Next meeting")
        day = date.fromisoformat(n.date)
        if n.start_time:
            tz = _zone(n.zone)
            start = datetime.combine(day, time.fromisoformat(n.start_time), tz)
            if tz is not None:
                start = start.astimezone(timezone.utc)
            ev.add("dtstart", start)
            if n.end_time:
                end = datetime.combine(day, time.fromisoformat(n.end_time), tz)
                if tz is not None:
                    end = end.astimezone(timezone.utc)
                if end <= start:
                    end += timedelta(days=1)
                ev.add("dtend", end)
        else:
            ev.add("dtstart", day)
            ev.add("dtend", day + timedelta(days=1))
        if n.place:
            ev.add("location", _one_line(n.place))
        desc = [f"As written: {_one_line(n.text)}"]
        if n.other_times:
            desc.append("Other times given: " + ", ".join(n.other_times))
        if n.zone and _zone(n.zone) is None:
            desc.append(f"Time zone as written: {_one_line(n.zone)}")
        if n.year_inferred:
            desc.append("The minutes give no year: check the date.")
        desc.append(origin)
        ev.add("description", "\n".join(desc))
        cal.add_component(ev)

    for act in draft.actions:
        if not act.due_date:
            continue
        owner = act.owner_display if act.owner else "no owner named"
        summary = _one_line(f"Action: {act.task} ({owner})")
        due = date.fromisoformat(act.due_date)
        desc = [f"Task: {_one_line(act.task)}", f"Owner: {_one_line(owner)}"]
        if act.resolved_display:
            desc.append(f"Owner names: {_one_line(act.resolved_display)}")
        if act.due_text:
            desc.append(f"Due as written: {_one_line(act.due_text)}")
        if not act.explicit:
            desc.append("Read from the discussion: check it is meant as an action.")
        desc.append(origin)
        uid = _uid(draft, "action", act.task, seen)
        if actions_as == "todo":
            item = Todo()
            item.add("due", due)
            item.add("status", "NEEDS-ACTION")
        else:
            item = Event()
            item.add("dtstart", due)
            item.add("dtend", due + timedelta(days=1))
            item.add("transp", "TRANSPARENT")
        item.add("uid", uid)
        item.add("dtstamp", stamp)
        item.add("summary", summary)
        item.add("description", "\n".join(desc))
        cal.add_component(item)
    return cal.to_ical()
