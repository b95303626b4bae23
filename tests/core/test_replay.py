"""A year of follow-ups for the Istanbul next steps, replayed in virtual time."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, func, select

from core import members, outreach, schedule, subscriptions
from core.config import FollowupSettings
from core.followups import Rules
from core.schedule import PlanScope
from core.seed import seed_istanbul
from storage.db import Database
from storage.models import Followup, FollowupKind, FollowupState, Member, Role
from tests.conftest import SYSTEM

SETTINGS = FollowupSettings()
RULES = Rules.from_settings(SETTINGS, "Europe/Vienna")
PEOPLE = [  # user id, name, party, role, timezone
    (11, "Tarık", "Chairmanship", Role.CHAIR, "Europe/Istanbul"),
    (12, "Sven", "Sweden", Role.CHAIR, "Europe/Stockholm"),
    (13, "Parveen", "Pakistan", Role.CHAIR, "Asia/Karachi"),
    (14, "Ada", "Secretariat", Role.SECRETARIAT, "Europe/Vienna"),
]
START = datetime(2022, 12, 1, tzinfo=UTC)
END = datetime(2023, 12, 7, tzinfo=UTC)  # through 6 December 2023


def replay(db: Database) -> list[Followup]:
    with db.session() as session:
        seed_istanbul(
            session=session, next_meeting_on=date(2023, 12, 5), meeting_margin_days=14, system_actor=SYSTEM
        )
        for user_id, name, party, role, tz in PEOPLE:
            member = members.enroll(
                session=session, user_id=user_id, display_name=name, party_name=party, role=role
            )
            member.timezone = tz
        ada = members.find_actor(
            session=session, user_id=14, display_name="Ada", admins=[], default_timezone="UTC"
        )
        assert ada is not None
        subscriptions.subscribe(session=session, actor=ada, chat_id=14, title="Ada")

    sent: list[Followup] = []
    now, next_sync = START, START
    while now < END:
        if now >= next_sync:
            with db.session() as session:
                schedule.sync_plan(
                    session=session,
                    rules=RULES,
                    now=now,
                    horizon_days=SETTINGS.horizon_days,
                    grace_hours=SETTINGS.grace_hours,
                    scope=PlanScope.everything(),
                )
            next_sync = now + timedelta(hours=6)
        with db.session() as session:
            claimed = schedule.claim_due(session=session, now=now, grace_hours=SETTINGS.grace_hours)
            assert not claimed.folded, "the bot was up all year: nothing may be folded"
            for row in claimed.send:
                assert row.id is not None
                today = now.astimezone(ZoneInfo("Europe/Vienna")).date()
                wanted = row.kind is FollowupKind.DIGEST or outreach.content_for(
                    session=session,
                    row=row,
                    today=today,
                    escalate_after=SETTINGS.escalate_after_nudges,
                    premeeting_days=tuple(SETTINGS.premeeting_days),
                )
                if wanted:
                    schedule.mark_sent(session=session, followup_id=row.id, now=now)
                    sent.append(row)
                else:
                    schedule.mark_cancelled(session=session, followup_id=row.id, reason="nothing to say")
            upcoming = session.exec(
                select(func.min(Followup.due_at)).where(col(Followup.state) == FollowupState.PLANNED)
            ).one()
        # jump to the next thing that happens: a due follow-up or the next re-plan
        now = max(now + timedelta(seconds=1), min(t for t in (upcoming, next_sync, END) if t is not None))
    return sent


def test_a_year_of_followups_for_the_istanbul_next_steps(sqlite_database: Database) -> None:
    sent = replay(sqlite_database)
    counts = Counter(row.kind for row in sent)
    assert counts == {
        # item 1 (until early 2023 = 30 Apr, a Sunday): 14/7/1/0 days before fall on 3 Fridays;
        # items 2, 4 (Chairmanship) and 5 (+ Sweden, Pakistan) due 21 Nov: 4 each per person
        FollowupKind.DEADLINE: 3 + 4 + 4 + 4 * 3,
        # item 1: six weekly nudges from Mon 1 May; items 2, 4, 5: 22 and 29 Nov and 6 Dec
        FollowupKind.OVERDUE: 6 + 3 * (1 + 1 + 3),
        # to the secretariat when an item gets its 3rd nudge: 15 May, and 6 Dec for 2, 4, 5 together
        FollowupKind.ESCALATION: 2,
        # 60, 30, 14, 7 days before 5 Dec: three chairs with open items, and the secretariat's report
        FollowupKind.PREMEETING: 4 * 3,
        FollowupKind.PREMEETING_REPORT: 4,
        # every Monday from 5 Dec 2022 to 4 Dec 2023
        FollowupKind.DIGEST: 53,
    }
    assert len({row.key for row in sent}) == len(sent), "nothing was sent twice"

    with sqlite_database.session() as session:
        zones = {m.id: m.timezone for m in session.exec(select(Member)).all()}
    for row in sent:
        zone = ZoneInfo(zones[row.member_id] if row.member_id else "Europe/Vienna")
        local = row.due_at.astimezone(zone)
        assert local.time() == time(9), (row.key, local)
        assert local.weekday() < 5, (row.key, local)
        assert row.sent_at is None or row.sent_at >= row.due_at
    digests = [r.due_at.astimezone(ZoneInfo("Europe/Vienna")) for r in sent if r.kind is FollowupKind.DIGEST]
    assert all(d.weekday() == 0 for d in digests)
    # the DST changes of 2023 don't move anyone's 09:00
    stockholm = sorted(r.due_at for r in sent if r.member_id and zones[r.member_id] == "Europe/Stockholm")
    assert {d.astimezone(UTC).hour for d in stockholm} <= {7, 8}
    karachi = [r.due_at for r in sent if r.member_id and zones[r.member_id] == "Asia/Karachi"]
    assert {d.astimezone(UTC).hour for d in karachi} == {4}
