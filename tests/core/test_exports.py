"""Exports: CSV, XLSX and JSON read back as their readers do, the calendar parsed with icalendar,
each actor seeing only what they may."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar, Component
from openpyxl import load_workbook
from sqlmodel import select

from core import calendar_export, clock, items, meetings, members
from core.calendar_export import to_ics
from core.errors import PermissionDenied
from core.exports import HEADERS, export_rows, to_csv, to_json, to_xlsx
from core.meetings import next_meeting
from core.permissions import Actor
from core.reports import parse_report, store_report
from core.seed import seed_istanbul
from storage.db import Database
from storage.models import Item, Role, Status
from tests.conftest import SYSTEM

TRICKY = 'Draft the "roadmap", in two parts;\nreport back, then → Україна, Türkiye'
FORMULA = '=HYPERLINK("http://example.org","click")'
BOT = "NextStepsBot"


def actor(db: Database, user_id: int, party: str, role: Role, timezone: str = "UTC") -> Actor:
    with db.session() as session:
        member = members.enroll(
            session=session, user_id=user_id, display_name=party, party_name=party, role=role
        )
        return members.actor_for(member, timezone)


@pytest.fixture
def db(database: Database) -> Database:
    """Istanbul's five steps (the 33rd SOM on 10 May 2023) plus two tricky ones; #1 done, notes on #2."""
    with database.session() as session:
        seed_istanbul(
            session=session, next_meeting_on=date(2023, 5, 10), meeting_margin_days=14, system_actor=SYSTEM
        )
        for text, owner in ((TRICKY, "Sweden"), (FORMULA + "\fpage 2", "Pakistan")):
            items.create_item(
                session=session,
                actor=None,
                text=text,
                owner_names=[owner],
                due_phrase="end of March 2023",
                today=date(2022, 12, 1),
                meeting_margin_days=14,
            )
    ada = secretariat(database)
    with database.session() as session:
        items.set_status(session=session, actor=ada, item_id=1, status=Status.DONE, note="Closed, see letter")
        items.add_note(session=session, actor=ada, item_id=2, text="First call held")
        items.set_status(session=session, actor=ada, item_id=2, status=Status.IN_PROGRESS, note="Two replied")
    return database


def secretariat(db: Database) -> Actor:
    """Ada, of the secretariat (enrolled on first use)."""
    with db.session() as session:
        member = members.member_by_user(session=session, user_id=14) or members.enroll(
            session=session, user_id=14, display_name="Ada", party_name="Secretariat", role=Role.SECRETARIAT
        )
        return members.actor_for(member, "UTC")


def rows_for(db: Database, who: Actor | None = None, **kwargs: bool) -> list:  # type: ignore[type-arg]
    with db.session() as session:
        return export_rows(session=session, actor=who, **kwargs)


def ics(db: Database, who: Actor | None = None) -> Calendar:
    with db.session() as session:
        data = to_ics(
            rows=export_rows(session=session, actor=who),
            next_meeting=next_meeting(session=session),
            bot_username=BOT,
            calendar_name="NextSteps",
        )
    return Calendar.from_ical(data)


def item_events(calendar: Calendar, status: str = "CONFIRMED") -> dict[int, Component]:
    """Item number -> its event, of the open items (or of the closed ones: "CANCELLED")."""
    events = {}
    for event in calendar.walk("VEVENT"):
        summary = str(event["SUMMARY"])
        if summary.startswith("#") and str(event["STATUS"]) == status:
            events[int(summary[1:].split()[0])] = event
    return events


def sequence(event: Component) -> int:
    return int(event.decoded("SEQUENCE"))


# -- rows ------------------------------------------------------------------------------------------


def test_rows_carry_every_field_of_each_item(db: Database) -> None:
    rows = rows_for(db)
    assert [r.number for r in rows] == list(range(1, 8))
    five = rows[4]
    assert five.ref == "§13.5" and five.meeting == "32nd Senior Officials Meeting"
    assert five.owners == (
        "Chairmanship (Türkiye)",
        "Reference Group Chair — Pakistan",
        "Reference Group Chair — Sweden",
    )
    assert (five.deadline, five.due_date, five.precision) == (
        "before the next meeting",
        date(2023, 4, 26),
        "meeting",
    )
    assert rows[0].status is Status.DONE and rows[0].latest_note == "Closed, see letter"
    assert rows[1].latest_note == "Two replied"  # the newest note, whichever event carried it
    assert rows[2].latest_note is None
    assert rows[5].text == TRICKY and rows[5].meeting is None and rows[5].ref is None


def test_last_update_is_in_the_readers_timezone(db: Database) -> None:
    vienna = actor(db, 900, "Secretariat", Role.SECRETARIAT, "Europe/Vienna")
    utc, local = rows_for(db)[0].last_update, rows_for(db, vienna)[0].last_update
    assert utc == local and str(local.tzinfo) == "Europe/Vienna"


def test_chair_exports_only_their_party_items(db: Database) -> None:
    sven = actor(db, 12, "Sweden", Role.CHAIR)
    rows = rows_for(db, sven)
    assert [r.number for r in rows] == [5, 6]
    assert all("Reference Group Chair — Sweden" in r.owners for r in rows)
    calendar = ics(db, sven)
    assert set(item_events(calendar)) == {5, 6}


def test_observers_export_only_when_the_secretariat_allows(db: Database) -> None:
    olga = actor(db, 104, "Pakistan", Role.OBSERVER)
    with pytest.raises(PermissionDenied):
        rows_for(db, olga)
    assert [r.number for r in rows_for(db, olga, observers=True)] == [5, 7]


def test_a_member_without_a_party_gets_no_rows(db: Database) -> None:
    nobody = Actor(member_id=99, user_id=99, role=Role.CHAIR, party_id=None, name="X", timezone="UTC")
    assert rows_for(db, nobody) == []


# -- CSV, XLSX, JSON -------------------------------------------------------------------------------


def test_csv_reads_back_with_bom_all_rows_and_tricky_text(db: Database) -> None:
    data = to_csv(rows_for(db))
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(table[0]) == HEADERS
    assert len(table) == 1 + 7
    by_number = {int(r[0]): dict(zip(HEADERS, r, strict=True)) for r in table[1:]}
    assert by_number[6]["Next step"] == TRICKY
    assert by_number[5]["Owners"].count("; ") == 2
    assert by_number[5]["Due date"] == "2023-04-26"
    assert by_number[2]["Status"] == "in progress" and by_number[2]["Latest note"] == "Two replied"
    datetime.strptime(by_number[1]["Last update"], "%Y-%m-%d %H:%M")


def test_csv_cells_that_excel_would_run_as_formulas_are_defused(db: Database) -> None:
    table = list(csv.reader(io.StringIO(to_csv(rows_for(db)).decode("utf-8-sig"), newline="")))
    assert table[7][2] == "'" + FORMULA + "\fpage 2"


def test_xlsx_reads_back_with_dates_a_frozen_header_and_a_filter(db: Database) -> None:
    workbook = load_workbook(io.BytesIO(to_xlsx(rows_for(db))))
    sheet = workbook.active
    assert sheet is not None
    assert tuple(c.value for c in sheet[1]) == HEADERS
    assert sheet[1][0].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:K8"
    assert sheet.max_row == 8
    assert sheet.column_dimensions["C"].width == 60
    due = sheet.cell(row=6, column=HEADERS.index("Due date") + 1)
    assert type(due.value) is datetime and due.value.date() == date(2023, 4, 26)  # a real date cell
    assert due.is_date and due.number_format == "yyyy-mm-dd"
    updated = sheet.cell(row=2, column=HEADERS.index("Last update") + 1)
    assert isinstance(updated.value, datetime) and updated.is_date
    assert sheet.cell(row=7, column=3).value == TRICKY
    formula = sheet.cell(row=8, column=3)
    assert formula.value == FORMULA + "page 2" and formula.data_type == "s"  # text, not a formula; \f dropped


def test_xlsx_cells_hold_each_rows_own_values_and_column_styles(db: Database) -> None:
    # the writer reuses one cell per column: no value may carry over to the next row
    rows = rows_for(db)
    sheet = load_workbook(io.BytesIO(to_xlsx(rows))).active
    assert sheet is not None
    due, note = HEADERS.index("Due date"), HEADERS.index("Latest note")
    read = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in read] == [row.number for row in rows]
    assert [r[due].date() if r[due] else None for r in read] == [row.due_date for row in rows]
    assert [r[note] for r in read] == [row.latest_note for row in rows]
    assert None in [row.latest_note for row in rows] and any(row.latest_note for row in rows)
    text = sheet.cell(row=2, column=HEADERS.index("Next step") + 1)
    assert text.alignment.wrap_text and text.alignment.vertical == "top"
    number = sheet.cell(row=2, column=1)
    assert not number.alignment.wrap_text and number.alignment.vertical == "top"


def test_json_has_one_object_per_item(db: Database) -> None:
    data = json.loads(to_json(rows_for(db)))
    assert len(data) == 7
    assert data[5]["text"] == TRICKY and data[5]["due_date"] == "2023-03-31"
    assert data[4]["owners"][0] == "Chairmanship (Türkiye)"
    assert datetime.fromisoformat(data[0]["last_update"]).utcoffset() is not None


# -- the calendar ----------------------------------------------------------------------------------


def test_ics_has_one_all_day_event_per_open_dated_item_and_the_next_meeting(db: Database) -> None:
    calendar = ics(db)
    assert calendar["VERSION"] == "2.0" and "NextSteps" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "NextSteps"
    events = item_events(calendar)
    assert sorted(events) == [2, 3, 4, 5, 6, 7]  # #1 is done
    for event in calendar.walk("VEVENT"):
        assert event["DTSTART"].params["VALUE"] == "DATE"
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and (end - start).days == 1
        assert isinstance(event.decoded("DTSTAMP"), datetime)
    raw = ics_bytes(db)
    assert b"DTSTART;VALUE=DATE:20230426" in raw
    meeting = [e for e in calendar.walk("VEVENT") if not str(e["SUMMARY"]).startswith("#")]
    assert len(meeting) == 1 and str(meeting[0]["SUMMARY"]) == "33rd Senior Officials Meeting"
    assert meeting[0].decoded("DTSTART") == date(2023, 5, 10)


def ics_bytes(db: Database) -> bytes:
    with db.session() as session:
        return to_ics(
            rows=export_rows(session=session, actor=None),
            next_meeting=None,
            bot_username=BOT,
            calendar_name="x",
        )


def test_ics_event_says_what_who_by_when_and_links_to_the_item(db: Database) -> None:
    event = item_events(ics(db))[5]
    summary = str(event["SUMMARY"])
    assert summary.startswith("#5 The Chairmanship will convene") and summary.endswith("…")
    assert len(summary) <= 3 + calendar_export.SUMMARY_TEXT_CHARS
    description = str(event["DESCRIPTION"])
    assert "Reference Group Chair — Sweden" in description
    assert "Deadline as agreed: before the next meeting" in description
    assert f"https://t.me/{BOT}?start=i5" in description
    assert str(event["URL"]) == f"https://t.me/{BOT}?start=i5"


def test_ics_uids_are_stored_and_stable_across_exports(db: Database) -> None:
    first, second = item_events(ics(db)), item_events(ics(db))
    assert {n: str(e["UID"]) for n, e in first.items()} == {n: str(e["UID"]) for n, e in second.items()}
    with db.session() as session:
        stored = {i.id: i.ical_uid for i in session.exec(select(Item)).all()}
    assert all(str(e["UID"]) == stored[n] for n, e in first.items())
    assert len(set(stored.values())) == len(stored)
    meetings_uids = {
        str(e["UID"]) for c in (ics(db), ics(db)) for e in c.walk("VEVENT") if "meeting-" in str(e["UID"])
    }
    assert len(meetings_uids) == 1


def test_ics_sequence_rises_after_set_due(db: Database) -> None:
    ada = secretariat(db)
    assert sequence(item_events(ics(db))[3]) == 0
    with db.session() as session:
        items.set_due(
            session=session,
            actor=ada,
            item_id=3,
            phrase="end of June 2023",
            today=date(2023, 2, 1),
            meeting_margin_days=14,
        )
    event = item_events(ics(db))[3]
    assert sequence(event) == 1 and event.decoded("DTSTART") == date(2023, 6, 30)
    with db.session() as session:  # the same deadline again is no new version
        items.set_due(
            session=session,
            actor=ada,
            item_id=3,
            phrase="end of June 2023",
            today=date(2023, 2, 1),
            meeting_margin_days=14,
        )
    assert sequence(item_events(ics(db))[3]) == 1


def test_a_closed_item_stays_in_the_calendar_as_cancelled_so_calendars_remove_it(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = secretariat(db)
    before = item_events(ics(db))[3]
    assert str(before["STATUS"]) == "CONFIRMED"
    # #1 was closed as the fixture ran: cancelled from the first export on
    assert sorted(item_events(ics(db), "CANCELLED")) == [1]
    with db.session() as session:
        items.set_status(session=session, actor=ada, item_id=3, status=Status.DROPPED)
    calendar = ics(db)
    assert 3 not in item_events(calendar)
    cancelled = item_events(calendar, "CANCELLED")[3]
    assert str(cancelled["UID"]) == str(before["UID"])
    assert sequence(cancelled) == sequence(before) + 1  # a new version: importing it removes the event
    assert cancelled.decoded("DTSTART") == before.decoded("DTSTART")
    with db.session() as session:  # a note on a closed item is no new version
        items.add_note(session=session, actor=ada, item_id=3, text="Dropped at the chair's request")
    assert sequence(item_events(ics(db), "CANCELLED")[3]) == sequence(cancelled)
    with db.session() as session:  # reopened: the event is back, newer than the cancellation
        items.set_status(session=session, actor=ada, item_id=3, status=Status.OPEN)
    reopened = item_events(ics(db))[3]
    assert str(reopened["STATUS"]) == "CONFIRMED" and sequence(reopened) == sequence(cancelled) + 1
    assert sum(1 for e in ics(db).walk("VEVENT") if str(e["UID"]) == str(before["UID"])) == 1
    # long after: a closed item's cancellation has done its work and leaves the file
    later = clock.now() + timedelta(days=calendar_export.CANCELLED_FOR_DAYS + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert item_events(ics(db), "CANCELLED") == {}
    assert 1 not in item_events(ics(db))


def test_moving_the_next_meeting_raises_the_sequence_of_linked_items_only(db: Database) -> None:
    with db.session() as session:
        meetings.set_next_meeting(
            session=session, actor=SYSTEM, held_on=date(2023, 6, 1), name="33rd Senior Officials Meeting"
        )
    events = item_events(ics(db))
    assert {n: sequence(e) for n, e in events.items()} == {2: 1, 3: 0, 4: 1, 5: 1, 6: 0, 7: 0}
    assert events[5].decoded("DTSTART") == date(2023, 5, 18)
    with db.session() as session:  # set again on the same day: nothing moved
        meetings.set_next_meeting(
            session=session, actor=SYSTEM, held_on=date(2023, 6, 1), name="33rd Senior Officials Meeting"
        )
    assert sequence(item_events(ics(db))[5]) == 1


def test_imported_steps_get_their_own_uids(db: Database) -> None:
    with db.session() as session:
        draft = parse_report(
            session=session,
            text="35th SOM, Vienna, 2 March 2024\n\nNext steps\n"
            "1. Sweden will circulate the draft by May 2024.\n"
            "2. Pakistan will host the workshop by June 2024.\n",
        )
        result = store_report(session=session, draft=draft, meeting_margin_days=14)
        uids = [session.get(Item, i).ical_uid for i in result.created]  # type: ignore[union-attr]
    assert len(uids) == len(set(uids)) >= 1 and all(u.endswith("@nextsteps") for u in uids)


def test_dtstamp_comes_from_the_clock(db: Database) -> None:
    clock.run_from(datetime(2023, 2, 13, 8, 30, tzinfo=UTC))
    try:
        event = next(iter(item_events(ics(db)).values()))
        assert event.decoded("DTSTAMP").date() == date(2023, 2, 13)
    finally:
        clock._offset = clock.timedelta(0)  # type: ignore[attr-defined]


def test_ics_times_are_utc_whatever_the_readers_timezone(db: Database) -> None:
    vienna = actor(db, 900, "Secretariat", Role.SECRETARIAT, "Europe/Vienna")
    with db.session() as session:
        data = to_ics(
            rows=export_rows(session=session, actor=vienna),
            next_meeting=None,
            bot_username=BOT,
            calendar_name="x",
        )
    assert b"TZID" not in data  # no VTIMEZONE needed: dates, and UTC stamps
    event = item_events(Calendar.from_ical(data))[2]
    assert event.decoded("LAST-MODIFIED").utcoffset().total_seconds() == 0


def test_xlsx_sheet_takes_any_title(db: Database) -> None:
    workbook = load_workbook(
        io.BytesIO(to_xlsx(rows_for(db)[:1], title="Istanbul [32nd SOM]: next steps / 2022-12"))
    )
    assert workbook.sheetnames == ["Istanbul  32nd SOM   next steps"]
