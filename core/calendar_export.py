"""The items' deadlines as an iCalendar file (.ics) people import into their calendar.

One all-day VEVENT per open item with a resolved deadline (calendars handle VTODO poorly), and
one for the next meeting. An item's UID is stored with it, so a second import updates the event
instead of doubling it; its SEQUENCE rises whenever the text or the resolved deadline changes
(``core.items.set_due``, ``core.meetings.reresolve_linked_items``) and when the item is closed or
reopened (``core.items.set_status``). An item closed (done or dropped) in the last
``CANCELLED_FOR_DAYS`` days is still in the file, as a cancelled event: a calendar that imported
its deadline removes it (an item simply left out would stay in everyone's calendar). Written with
``icalendar``'s classic ``add`` API, which 6.x and 7.x share.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from core import clock
from core.deadlines import phrase_shown
from core.exports import ExportRow
from core.i18n import SOURCE_LANGUAGE, translator
from core.items import status_word
from storage.models import Meeting

PRODID = "-//NextSteps//Next steps of intergovernmental meetings//EN"
SUMMARY_TEXT_CHARS = 60  # calendars show the start of a title; the full step is in the description
# how long a closed item's event stays in the file as cancelled (by its last update): long enough
# for anyone who imports the file now and then; older ones are gone from the file
CANCELLED_FOR_DAYS = 90
# a fixed namespace: a meeting's UID is derived from the meeting's row and its creation
_MEETING_UID_NAMESPACE = uuid.UUID("6f1c2f0e-5b7a-4c39-9a57-2f6e3d1b8c40")


def item_url(bot_username: str, number: int) -> str:
    """The link that opens item ``number`` in the bot (as ``bot.deeplinks`` writes it)."""
    return f"https://t.me/{bot_username.lstrip('@')}?start=i{number}"


def meeting_uid(meeting: Meeting) -> str:
    """A meeting's UID, the same in every export (bot or CLI): from its id and the moment it was
    created, so a reused id in another or a rebuilt database is another event; never its date."""
    key = f"meeting/{meeting.id}/{meeting.created_at.isoformat()}"
    return f"meeting-{uuid.uuid5(_MEETING_UID_NAMESPACE, key)}@nextsteps"


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _all_day(event: Event, day: date) -> None:
    event.add("dtstart", day)  # a date, so DTSTART;VALUE=DATE
    event.add("dtend", day + timedelta(days=1))  # exclusive end: one whole day
    event.add("transp", "TRANSPARENT")  # a deadline doesn't make anyone busy


def _item_event(row: ExportRow, bot_username: str, lang: str = SOURCE_LANGUAGE) -> Event:
    """The item's deadline; cancelled (same UID, the SEQUENCE its closing raised) once closed.
    The description's own words in ``lang``; the step, owners, deadline phrase as agreed."""
    assert row.due_date is not None
    tr = translator(lang)
    url = item_url(bot_username, row.number)
    none = tr.gettext("none")
    # the phrase as agreed; the bot's own default ("before the next meeting") in ``lang``
    deadline = phrase_shown(row.deadline, tr) if row.deadline else none
    lines = [
        row.text,
        "",
        tr.gettext("Owners: {owners}").format(owners=", ".join(row.owners) or none),
        tr.gettext("Deadline as agreed: {deadline}").format(deadline=deadline),
    ]
    source = " ".join(part for part in (row.ref, row.meeting and f"({row.meeting})") if part)
    if source:
        lines.append(tr.gettext("From: {source}").format(source=source))
    lines += [
        tr.gettext("Status: {status}").format(status=status_word(row.status, lang)),
        "",
        tr.gettext("Open in Telegram: {url}").format(url=url),
    ]
    event = Event()
    event.add("uid", row.ical_uid)
    event.add("sequence", row.ical_sequence)
    event.add("summary", f"#{row.number} {_short(row.text, SUMMARY_TEXT_CHARS)}")
    # said either way: a calendar that holds the cancelled version takes the reopened one back
    event.add("status", "CONFIRMED" if row.is_active else "CANCELLED")
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("last-modified", row.last_update.astimezone(UTC))  # always UTC, so no VTIMEZONE
    _all_day(event, row.due_date)
    return event


def _meeting_event(meeting: Meeting, lang: str = SOURCE_LANGUAGE) -> Event:
    assert meeting.held_on is not None
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("summary", meeting.name)
    if meeting.place:
        event.add("location", meeting.place)
    about = translator(lang).gettext("{kind}: the open next steps are reported here.")
    event.add("description", about.format(kind=meeting.kind))
    _all_day(event, meeting.held_on)
    return event


def in_calendar(row: ExportRow, now: datetime) -> bool:
    """Whether the item has an event in the file: open with a resolved deadline, or closed with
    one within ``CANCELLED_FOR_DAYS`` (then cancelled)."""
    if row.due_date is None:
        return False
    return row.is_active or row.last_update >= now - timedelta(days=CANCELLED_FOR_DAYS)


def to_ics(
    *,
    rows: Sequence[ExportRow],
    next_meeting: Meeting | None,
    bot_username: str,
    calendar_name: str,
    lang: str = SOURCE_LANGUAGE,
) -> bytes:
    """The calendar: the open items with a resolved deadline, the ones closed lately as cancelled
    events, and the next meeting if it has a date; the descriptions' own words in ``lang``."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", calendar_name)  # RFC 7986
    calendar.add("x-wr-calname", calendar_name)  # what Google Calendar and Outlook read
    stamp = clock.now()
    events = [_item_event(r, bot_username, lang) for r in rows if in_calendar(r, stamp)]
    if next_meeting is not None and next_meeting.held_on is not None:
        events.append(_meeting_event(next_meeting, lang))
    for event in events:
        event.add("dtstamp", stamp)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
