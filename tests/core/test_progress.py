"""The progress report: statuses replayed as of a date, the period's changes, quiet owners,
a chair's share."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import NotFound
from core.progress import build_progress_report, find_source_meeting
from core.progress.text import summary_line
from storage.db import Database
from storage.models import Status
from tests.core.progress_data import FOLLOWUP_SENT, MEETING, NEXT, TZ, History, build_history


@pytest.fixture
def history(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> History:
    return build_history(sqlite_database, monkeypatch)


def statuses(history: History, as_of: date, timezone: str = TZ) -> dict[str, Status]:
    with history.db.session() as session:
        report = build_progress_report(
            session=session, actor=None, as_of=as_of, timezone=timezone, prepared_by="Ada"
        )
    return {row.ref: row.status for row in report.rows}


def test_report_as_of_a_past_date_shows_that_days_statuses_not_todays(history: History) -> None:
    assert statuses(history, date(2023, 1, 15)) == {
        "§13.1": Status.IN_PROGRESS,
        "§13.2": Status.OPEN,
        "§13.3": Status.OPEN,
        "§13.4": Status.OPEN,
    }
    assert statuses(history, date(2023, 2, 20))["§13.3"] is Status.OPEN  # blocked only on 5 March
    today = statuses(history, date(2023, 4, 3))
    assert today["§13.1"] is Status.DONE and today["§13.3"] is Status.BLOCKED


def test_the_day_ends_in_the_reports_timezone(history: History) -> None:
    # done at 23:30 UTC on 31 January: already 1 February in Vienna
    assert statuses(history, date(2023, 1, 31), TZ)["§13.1"] is Status.IN_PROGRESS
    assert statuses(history, date(2023, 1, 31), "UTC")["§13.1"] is Status.DONE


def test_before_any_change_every_step_is_as_created(history: History) -> None:
    assert set(statuses(history, date(2022, 12, 1)).values()) == {Status.OPEN}
    assert statuses(history, date(2022, 11, 30)) == {}  # nothing agreed yet


def test_steps_created_after_the_date_are_left_out(history: History) -> None:
    assert "§13.5" not in statuses(history, date(2023, 2, 28))
    assert "§13.5" in statuses(history, date(2023, 3, 1))


def test_summary_counts_overdue_and_changes_since_the_premeeting_followup(history: History) -> None:
    with history.db.session() as session:
        report = build_progress_report(
            session=session, actor=None, as_of=date(2023, 2, 20), timezone=TZ, prepared_by="Ada"
        )
    assert report.title == f"Progress on the next steps of the {MEETING} → {NEXT}"
    assert report.counts == {"open": 2, "in_progress": 1, "blocked": 0, "done": 1, "dropped": 0}
    assert report.percent_done == 25
    assert report.overdue == 1 and [r.ref for r in report.overdue_rows] == ["§13.2"]
    assert report.since == FOLLOWUP_SENT
    assert report.since_label == "the pre-meeting follow-up of 15 Feb 2023"
    assert [(c.ref, c.kind, c.new_status, c.note) for c in report.changes] == [
        ("§13.4", "status", Status.IN_PROGRESS, "Date set.")
    ]
    assert (report.changed, report.updated) == (1, 1)
    assert summary_line(report) == (
        "4 steps: 2 open, 1 in progress, 1 done. 25% done, 1 overdue. "
        "1 changed status and 1 were updated since the pre-meeting follow-up of 15 Feb 2023."
    )


def test_without_a_followup_the_period_starts_at_the_meeting(history: History) -> None:
    with history.db.session() as session:
        report = build_progress_report(
            session=session, actor=None, as_of=date(2023, 2, 10), timezone=TZ, prepared_by="Ada"
        )
    assert report.since_on == date(2022, 12, 1)
    assert report.since_label == f"the {MEETING} (1 Dec 2022)"
    assert [(c.ref, c.kind, c.on) for c in report.changes] == [
        ("§13.1", "status", date(2023, 1, 10)),
        ("§13.2", "note", date(2023, 1, 20)),
        ("§13.1", "status", date(2023, 2, 1)),
    ]
    assert (report.changed, report.updated) == (1, 2)


def test_rows_carry_the_last_update_and_latest_note_as_of_the_date(history: History) -> None:
    with history.db.session() as session:
        past = build_progress_report(
            session=session, actor=None, as_of=date(2023, 1, 15), timezone=TZ, prepared_by="Ada"
        )
        now = build_progress_report(
            session=session, actor=None, as_of=date(2023, 4, 3), timezone=TZ, prepared_by="Ada"
        )
    first = {r.ref: r for r in past.rows}
    assert first["§13.1"].latest_note == "Drafting." and first["§13.1"].last_update == date(2023, 1, 10)
    assert first["§13.2"].latest_note is None and first["§13.2"].last_update == date(2022, 12, 1)
    latest = {r.ref: r for r in now.rows}
    assert latest["§13.3"].latest_note == "No venue." and latest["§13.3"].owners == ("Türkiye", "Україна")
    assert latest["§13.1"].last_update == date(2023, 2, 1)
    assert latest["§13.2"].due_text == "by 15 February 2023" and latest["§13.2"].due_date == date(2023, 2, 15)


def test_quiet_owners_have_open_steps_and_no_change_in_the_period(history: History) -> None:
    with history.db.session() as session:
        report = build_progress_report(
            session=session, actor=None, as_of=date(2023, 2, 20), timezone=TZ, prepared_by="Ada"
        )
    quiet = {q.name: (q.open_items, q.last_update) for q in report.quiet}
    assert quiet == {
        "Magyarország": (1, date(2023, 1, 20)),
        "Türkiye": (1, date(2023, 2, 1)),
        "Україна": (1, None),  # its step was only ever created: it has never updated it
    }


def test_a_change_counts_for_the_party_of_the_person_who_made_it(history: History) -> None:
    # on 5 March the secretariat's Ada blocked §13.3, which Україна and Türkiye own together:
    # neither of them has updated anything since the follow-up of 15 February
    with history.db.session() as session:
        report = build_progress_report(
            session=session, actor=None, as_of=date(2023, 4, 3), timezone=TZ, prepared_by="Ada"
        )
    assert [(c.ref, c.actor_name) for c in report.changes][-1] == ("§13.3", "Ada")
    quiet = {q.name: (q.open_items, q.last_update) for q in report.quiet}
    assert quiet == {
        "Magyarország": (1, date(2023, 1, 20)),
        "Türkiye": (1, date(2023, 2, 1)),
        "Україна": (1, None),
    }


def test_chair_report_has_only_their_partys_steps(history: History) -> None:
    with history.db.session() as session:
        report = build_progress_report(
            session=session,
            actor=history.chairs["Türkiye"],
            as_of=date(2023, 4, 3),
            timezone=TZ,
            prepared_by="Chair of Türkiye",
        )
    assert [r.ref for r in report.rows] == ["§13.1", "§13.3"]
    assert report.party == "Türkiye"
    assert all(c.ref in ("§13.1", "§13.3") for c in report.changes)
    # the follow-up was sent to Sweden's chair only: Türkiye's period starts at the meeting
    assert report.since_on == date(2022, 12, 1)


def test_secretariat_report_has_every_step(history: History) -> None:
    with history.db.session() as session:
        report = build_progress_report(
            session=session,
            actor=history.chairs["Secretariat"],
            as_of=date(2023, 4, 3),
            timezone=TZ,
            prepared_by="Ada",
        )
    assert len(report.rows) == 5 and report.party is None


def test_by_party_counts_for_the_chart(history: History) -> None:
    with history.db.session() as session:
        report = build_progress_report(
            session=session, actor=None, as_of=date(2023, 2, 20), timezone=TZ, prepared_by="Ada"
        )
    assert list(report.by_party) == ["Magyarország", "Sweden", "Türkiye", "Україна"]
    assert report.by_party["Türkiye"] == {"open": 1, "in_progress": 0, "blocked": 0, "done": 1, "dropped": 0}
    assert report.overdue_by_party == {"Magyarország": 1, "Sweden": 0, "Türkiye": 0, "Україна": 0}


def test_one_meeting_or_an_unknown_one(history: History) -> None:
    with history.db.session() as session:
        found = find_source_meeting(session=session, name="32nd senior officials meeting")
        assert found is not None and found.id == history.meeting_id
        report = build_progress_report(
            session=session,
            actor=None,
            as_of=date(2023, 4, 3),
            timezone=TZ,
            meeting_id=history.meeting_id,
            prepared_by="Ada",
        )
        assert [s.meeting_name for s in report.sections] == [MEETING]
        with pytest.raises(NotFound):
            build_progress_report(
                session=session,
                actor=None,
                as_of=date(2023, 4, 3),
                timezone=TZ,
                meeting_id=999,
                prepared_by="Ada",
            )
