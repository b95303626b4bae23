"""The follow-up planner: offsets, working days, quiet hours, timezones across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.config import FollowupSettings
from core.followups import (
    ItemFacts,
    MeetingFacts,
    Recipient,
    Rules,
    local_moment,
    outside_quiet_hours,
    plan,
)
from storage.models import FollowupKind, Role, Status

RULES = Rules.from_settings(FollowupSettings(), "Europe/Vienna")
START = datetime(2023, 1, 1, tzinfo=UTC)
END = datetime(2024, 1, 1, tzinfo=UTC)


def person(
    member_id: int, tz: str, party: int | None = 1, role: Role = Role.CHAIR, **kw: object
) -> Recipient:
    return Recipient(
        member_id=member_id, chat_id=1000 + member_id, party_id=party, role=role, timezone=tz, **kw
    )  # type: ignore[arg-type]


def item(
    item_id: int, due: date | None, owners: tuple[int, ...] = (1,), status: Status = Status.OPEN
) -> ItemFacts:
    return ItemFacts(item_id=item_id, status=status, due_date=due, owner_party_ids=frozenset(owners))


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


@pytest.mark.parametrize(
    ("tz", "day", "utc_hour"),
    [
        ("Europe/Stockholm", date(2023, 3, 24), 8),  # CET, before the March change
        ("Europe/Stockholm", date(2023, 3, 27), 7),  # CEST, after it
        ("Europe/Vienna", date(2023, 10, 27), 7),  # CEST, before the October change
        ("Europe/Vienna", date(2023, 10, 30), 8),  # CET, after it
        ("Europe/Istanbul", date(2023, 3, 27), 6),  # no DST
        ("Europe/Istanbul", date(2023, 10, 30), 6),
        ("Asia/Karachi", date(2023, 3, 27), 4),  # no DST
        ("Asia/Karachi", date(2023, 10, 30), 4),
    ],
)
def test_nine_oclock_is_local_on_both_sides_of_dst(tz: str, day: date, utc_hour: int) -> None:
    moment = local_moment(day, time(9), tz)
    assert moment.tzinfo is UTC and moment.hour == utc_hour
    assert local(moment, tz).hour == 9


def test_nonexistent_local_time_moves_forward_by_the_gap() -> None:
    moment = local_moment(date(2023, 3, 26), time(2, 30), "Europe/Vienna")  # 02:00-03:00 doesn't exist
    assert moment == datetime(2023, 3, 26, 1, 30, tzinfo=UTC)
    assert local(moment, "Europe/Vienna").time() == time(3, 30)


def test_repeated_local_time_means_its_first_occurrence() -> None:
    moment = local_moment(date(2023, 10, 29), time(2, 30), "Europe/Vienna")  # 02:00-03:00 happens twice
    assert moment == datetime(2023, 10, 29, 0, 30, tzinfo=UTC)


def test_deadline_reminders_at_offsets_moved_off_weekends() -> None:
    sven = person(1, "Europe/Stockholm")
    planned = plan(
        items=[item(5, date(2023, 5, 15))],
        recipients=[sven],
        meeting=None,
        digest_chats=[],
        rules=RULES,
        start=START,
        end=END,
        kinds=frozenset({FollowupKind.DEADLINE}),
    )
    days = sorted(local(p.due_at, sven.timezone).date() for p in planned)
    # 14 and 7 days before are Mondays; the day before is a Sunday, so Friday
    assert days == [date(2023, 5, 1), date(2023, 5, 8), date(2023, 5, 12), date(2023, 5, 15)]
    assert all(local(p.due_at, sven.timezone).time() == time(9) for p in planned)
    assert len({p.key for p in planned}) == 4


def test_reminders_falling_on_the_same_working_day_are_sent_once() -> None:
    planned = plan(
        items=[item(1, date(2023, 4, 30))],
        recipients=[person(1, "Europe/Istanbul")],
        meeting=None,
        digest_chats=[],
        rules=RULES,
        start=START,
        end=END,
        kinds=frozenset({FollowupKind.DEADLINE}),
    )
    days = sorted(local(p.due_at, "Europe/Istanbul").date() for p in planned)
    assert days == [date(2023, 4, 14), date(2023, 4, 21), date(2023, 4, 28)]


def test_weekend_shift_can_be_turned_off() -> None:
    rules = Rules.from_settings(FollowupSettings(skip_weekends=False), "Europe/Vienna")
    planned = plan(
        items=[item(1, date(2023, 4, 30))],
        recipients=[person(1, "Europe/Istanbul")],
        meeting=None,
        digest_chats=[],
        rules=rules,
        start=START,
        end=END,
        kinds=frozenset({FollowupKind.DEADLINE}),
    )
    assert date(2023, 4, 30) in {local(p.due_at, "Europe/Istanbul").date() for p in planned}


def test_quiet_hours_delay_until_they_end() -> None:
    late_riser = person(1, "Asia/Karachi", quiet=(time(22), time(9, 30)))
    moment = local_moment(date(2023, 5, 15), time(9), "Asia/Karachi")
    assert local(outside_quiet_hours(moment, late_riser), "Asia/Karachi").time() == time(9, 30)
    evening = local_moment(date(2023, 5, 15), time(23), "Asia/Karachi")
    moved = local(outside_quiet_hours(evening, late_riser), "Asia/Karachi")
    assert (moved.date(), moved.time()) == (date(2023, 5, 16), time(9, 30))
    outside = local_moment(date(2023, 5, 15), time(12), "Asia/Karachi")
    assert outside_quiet_hours(outside, late_riser) == outside


def test_closed_items_and_unknown_deadlines_get_no_reminders() -> None:
    everyone = [person(1, "Europe/Vienna")]
    for facts in (
        item(1, date(2023, 6, 1), status=Status.DONE),
        item(2, date(2023, 6, 1), status=Status.DROPPED),
        item(3, None),
    ):
        assert (
            plan(
                items=[facts],
                recipients=everyone,
                meeting=None,
                digest_chats=[],
                rules=RULES,
                start=START,
                end=END,
                kinds=frozenset({FollowupKind.DEADLINE, FollowupKind.OVERDUE}),
            )
            == []
        )


def test_reminders_off_keeps_premeeting_followups() -> None:
    quiet_chair = person(1, "Europe/Vienna", reminders_enabled=False)
    planned = plan(
        items=[item(1, date(2023, 6, 1))],
        recipients=[quiet_chair],
        meeting=MeetingFacts(1, date(2023, 12, 5)),
        digest_chats=[],
        rules=RULES,
        start=START,
        end=END,
    )
    assert {p.kind for p in planned} == {FollowupKind.PREMEETING}
    assert len(planned) == 4


def test_unreachable_people_are_not_planned() -> None:
    gone = person(1, "Europe/Vienna", reachable=False)
    assert (
        plan(
            items=[item(1, date(2023, 6, 1))],
            recipients=[gone],
            meeting=MeetingFacts(1, date(2023, 12, 5)),
            digest_chats=[],
            rules=RULES,
            start=START,
            end=END,
        )
        == []
    )


def test_overdue_nudges_weekly_from_the_first_working_day_then_stop() -> None:
    planned = plan(
        items=[item(1, date(2023, 4, 30))],
        recipients=[person(1, "Europe/Istanbul")],
        meeting=None,
        digest_chats=[],
        rules=RULES,
        start=START,
        end=END,
        kinds=frozenset({FollowupKind.OVERDUE}),
    )
    days = sorted(local(p.due_at, "Europe/Istanbul").date() for p in planned)
    assert days == [date(2023, 5, 1) + timedelta(weeks=n) for n in range(6)]  # max_overdue_nudges = 6


def test_escalation_to_the_secretariat_on_the_nth_nudge_day() -> None:
    people = [person(1, "Europe/Istanbul"), person(2, "Europe/Vienna", party=None, role=Role.SECRETARIAT)]
    planned = plan(
        items=[item(1, date(2023, 4, 30)), item(2, date(2023, 4, 30))],
        recipients=people,
        meeting=None,
        digest_chats=[],
        rules=RULES,
        start=START,
        end=END,
        kinds=frozenset({FollowupKind.ESCALATION}),
    )
    assert [(p.chat_id, local(p.due_at, "Europe/Vienna").date()) for p in planned] == [
        (1002, date(2023, 5, 15))
    ]
    assert "#1, #2" in planned[0].reason


def test_premeeting_followups_to_chairs_with_open_items_and_report_to_secretariat() -> None:
    people = [
        person(1, "Europe/Istanbul", party=1),
        person(2, "Europe/Stockholm", party=2),  # party 2 owns nothing open
        person(3, "Europe/Vienna", party=None, role=Role.SECRETARIAT),
        person(4, "Europe/Vienna", party=1, role=Role.OBSERVER),
    ]
    planned = plan(
        items=[item(1, None, owners=(1,))],
        recipients=people,
        meeting=MeetingFacts(9, date(2023, 12, 5)),
        digest_chats=[],
        rules=RULES,
        start=START,
        end=END,
    )
    chairs = sorted(
        local(p.due_at, "Europe/Istanbul").date() for p in planned if p.kind is FollowupKind.PREMEETING
    )
    assert chairs == [date(2023, 10, 6), date(2023, 11, 3), date(2023, 11, 21), date(2023, 11, 28)]
    assert sum(p.kind is FollowupKind.PREMEETING_REPORT for p in planned) == 4
    assert {p.member_id for p in planned} == {1, 3}


def test_weekly_digest_on_monday_at_nine_secretariat_time() -> None:
    planned = plan(
        items=[],
        recipients=[],
        meeting=None,
        digest_chats=[-100],
        rules=RULES,
        start=datetime(2023, 3, 1, tzinfo=UTC),
        end=datetime(2023, 4, 15, tzinfo=UTC),
    )
    moments = [local(p.due_at, "Europe/Vienna") for p in planned]
    assert [m.date() for m in moments] == [date(2023, 3, d) for d in (6, 13, 20, 27)] + [
        date(2023, 4, d) for d in (3, 10)
    ]
    assert all(m.time() == time(9) and m.weekday() == 0 for m in moments)


def test_plan_keys_are_stable_across_replanning() -> None:
    args = dict(
        items=[item(1, date(2023, 6, 1))],
        recipients=[person(1, "Europe/Vienna")],
        meeting=MeetingFacts(1, date(2023, 12, 5)),
        digest_chats=[-5],
        rules=RULES,
        start=START,
        end=END,
    )
    assert plan(**args) == plan(**args)  # type: ignore[arg-type]
