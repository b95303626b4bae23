"""The stored plan and ledger: re-planning on changes, exactly-once claiming, crash recovery."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete
from sqlmodel import select

from core import items, meetings, members, schedule
from core.config import FollowupSettings
from core.followups import Rules
from core.schedule import PlanScope
from storage.db import Database
from storage.models import Followup, FollowupKind, FollowupState, Party, Role, Status
from tests.conftest import SYSTEM

RULES = Rules.from_settings(FollowupSettings(), "Europe/Vienna")
NOW = datetime(2023, 9, 1, 12, tzinfo=UTC)


def setup(db: Database) -> int:
    with db.session() as session:
        session.add(Party(name="Sweden"))
        session.flush()
        members.enroll(
            session=session, user_id=501, display_name="Sven", party_name="Sweden", role=Role.CHAIR
        )
        meetings.set_next_meeting(session=session, actor=SYSTEM, held_on=date(2023, 12, 5), name="33rd SOM")
        card = items.create_item(
            session=session,
            actor=None,
            text="Prepare",
            owner_names=["Sweden"],
            due_phrase="ahead of the next meeting",
            today=NOW.date(),
            meeting_margin_days=14,
        )
        return card.number


def sync(db: Database, scope: PlanScope, now: datetime = NOW) -> schedule.SyncResult:
    with db.session() as session:
        return schedule.sync_plan(
            session=session, rules=RULES, now=now, horizon_days=120, grace_hours=24, scope=scope
        )


def rows(db: Database, state: FollowupState | None = None) -> list[Followup]:
    with db.session() as session:
        query = select(Followup)
        if state is not None:
            query = query.where(Followup.state == state)
        return list(session.exec(query.order_by(Followup.due_at)).all())


def kinds(db: Database) -> dict[FollowupKind, int]:
    counts: dict[FollowupKind, int] = {}
    for row in rows(db, FollowupState.PLANNED):
        counts[row.kind] = counts.get(row.kind, 0) + 1
    return counts


def test_sync_is_idempotent(database: Database) -> None:
    setup(database)
    first = sync(database, PlanScope.everything())
    # 4 deadline reminders, 6 weekly nudges planned ahead (within the horizon), 4 pre-meeting
    assert first.added == 14
    assert kinds(database) == {FollowupKind.DEADLINE: 4, FollowupKind.OVERDUE: 6, FollowupKind.PREMEETING: 4}
    again = sync(database, PlanScope.everything())
    assert (again.added, again.moved, again.cancelled) == (0, 0, 0)


def test_moving_the_meeting_replans_linked_items(database: Database) -> None:
    item_id = setup(database)
    sync(database, PlanScope.everything())
    with database.session() as session:
        meeting, _ = meetings.set_next_meeting(
            session=session, actor=SYSTEM, held_on=date(2023, 12, 19), name="33rd SOM"
        )
        assert meeting.id is not None
        linked = meetings.linked_item_ids(session=session, meeting_id=meeting.id)
    assert linked == [item_id]
    result = sync(database, PlanScope.meeting(linked))
    assert result.cancelled == 14  # everything tied to the old date
    assert kinds(database) == {FollowupKind.DEADLINE: 4, FollowupKind.OVERDUE: 4, FollowupKind.PREMEETING: 4}
    planned = rows(database, FollowupState.PLANNED)
    deadline_days = sorted(r.due_at.date() for r in planned if r.kind is FollowupKind.DEADLINE)
    assert deadline_days == [date(2023, 11, 21), date(2023, 11, 28), date(2023, 12, 4), date(2023, 12, 5)]


def test_done_item_drops_its_pending_followups(database: Database) -> None:
    item_id = setup(database)
    sync(database, PlanScope.everything())
    with database.session() as session:
        sven = members.find_actor(
            session=session, user_id=501, display_name="Sven", admins=[], default_timezone="UTC"
        )
        assert sven is not None
        items.set_status(session=session, actor=sven, item_id=item_id, status=Status.DONE)
    result = sync(database, PlanScope.items([item_id]))
    assert result.cancelled == 10
    assert all(r.kind is FollowupKind.PREMEETING for r in rows(database, FollowupState.PLANNED))


def test_claiming_is_exactly_once(database: Database) -> None:
    setup(database)
    sync(database, PlanScope.everything())
    due = rows(database, FollowupState.PLANNED)[0].due_at
    with database.session() as first:
        a = schedule.claim_due(session=first, now=due, grace_hours=24)
    with database.session() as second:  # a second tick (or process) right after
        b = schedule.claim_due(session=second, now=due, grace_hours=24)
    assert len(a.send) == 1 and b.send == []
    with database.session() as session:
        assert schedule.claim_due(session=session, now=due + timedelta(hours=1), grace_hours=24).send == []


def test_interrupted_sends_are_retried_once_after_a_crash(database: Database) -> None:
    setup(database)
    sync(database, PlanScope.everything())
    due = rows(database, FollowupState.PLANNED)[0].due_at
    with database.session() as session:
        (claimed,) = schedule.claim_due(session=session, now=due, grace_hours=24).send
    # the process dies here, before mark_sent
    with database.session() as session:
        assert schedule.reset_interrupted(session=session) == 1
        (again,) = schedule.claim_due(session=session, now=due, grace_hours=24).send
        assert again.id == claimed.id and again.attempts == 2
        assert again.id is not None
        schedule.mark_sent(session=session, followup_id=again.id, now=due)
    assert len(rows(database, FollowupState.SENT)) == 1


def test_followups_older_than_the_grace_are_folded(database: Database) -> None:
    setup(database)
    sync(database, PlanScope.everything())
    planned = rows(database, FollowupState.PLANNED)
    later = planned[1].due_at + timedelta(hours=30)  # first two are > 24 h late
    with database.session() as session:
        claimed = schedule.claim_due(session=session, now=later, grace_hours=24)
    assert sum(len(v) for v in claimed.folded.values()) >= 1
    assert all(r.due_at >= later - timedelta(hours=24) for r in claimed.send)


def test_sent_followups_are_never_replanned(database: Database) -> None:
    setup(database)
    sync(database, PlanScope.everything())
    first = rows(database, FollowupState.PLANNED)[0]
    with database.session() as session:
        (claimed,) = schedule.claim_due(session=session, now=first.due_at, grace_hours=24).send
        assert claimed.id is not None
        schedule.mark_sent(session=session, followup_id=claimed.id, now=first.due_at)
    result = sync(database, PlanScope.everything(), now=first.due_at - timedelta(hours=1))
    assert result.added == 0 and result.revived == 0


def test_rows_another_tick_is_claiming_are_skipped(postgresql_database: Database) -> None:
    """Two ticks (or instances) at once: the rows one is claiming, locked and not yet committed,
    are skipped by the other rather than waited for or taken twice.

    (PostgreSQL only: on SQLite every transaction takes the write lock at BEGIN IMMEDIATE, so two
    ticks can't interleave at all.)"""
    from sqlalchemy import text

    database = postgresql_database
    setup(database)
    sync(database, PlanScope.everything())
    due = rows(database, FollowupState.PLANNED)[1].due_at
    with database.session() as first:
        (a,) = schedule.claim_due(session=first, now=due, grace_hours=24 * 365, limit=1).send
        with database.session() as second:  # while the first hasn't committed
            second.execute(text("SET LOCAL lock_timeout = '5s'"))  # waiting would be the bug
            (b,) = schedule.claim_due(session=second, now=due, grace_hours=24 * 365, limit=1).send
    assert a.id != b.id
    assert {r.id for r in rows(database, FollowupState.SENDING)} == {a.id, b.id}


def test_two_replans_at_once_never_collide(database: Database) -> None:
    """Two re-plans of the same scope in parallel transactions (two threads, or two processes)
    both find the same keys missing; the second insert must not fail on the unique key."""
    import threading

    setup(database)
    errors: list[BaseException] = []
    for _ in range(5):
        with database.session() as session:
            session.execute(delete(Followup))
        barrier = threading.Barrier(2)

        def replan(barrier: threading.Barrier = barrier) -> None:
            try:
                with database.session() as session:
                    barrier.wait(timeout=10)
                    schedule.sync_plan(
                        session=session,
                        rules=RULES,
                        now=NOW,
                        horizon_days=120,
                        grace_hours=24,
                        scope=PlanScope.everything(),
                    )
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=replan) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        assert kinds(database) == {
            FollowupKind.DEADLINE: 4,
            FollowupKind.OVERDUE: 6,
            FollowupKind.PREMEETING: 4,
        }


def test_a_replan_keeps_a_retry_backoff(database: Database) -> None:
    setup(database)
    sync(database, PlanScope.everything())
    first = rows(database, FollowupState.PLANNED)[0]
    assert first.id is not None
    with database.session() as session:
        claimed = schedule.claim_due(session=session, now=first.due_at, grace_hours=24)
        assert [r.id for r in claimed.send] == [first.id]
        later = first.due_at + timedelta(minutes=30)
        schedule.mark_retry(session=session, followup_id=first.id, at=later, error="429", attempts=1)
    sync(database, PlanScope.everything(), now=first.due_at + timedelta(minutes=1))
    with database.session() as session:
        # not due again before its backoff ended, even though a re-plan ran meanwhile
        early = schedule.claim_due(session=session, now=first.due_at + timedelta(minutes=29), grace_hours=24)
        assert early.send == []
        due = schedule.claim_due(session=session, now=later, grace_hours=24)
        assert [r.id for r in due.send] == [first.id]


def test_an_expired_lease_is_released_unless_still_in_flight(database: Database) -> None:
    setup(database)
    sync(database, PlanScope.everything())
    planned = rows(database, FollowupState.PLANNED)
    a, b = planned[0], planned[1]
    with database.session() as session:
        claimed = schedule.claim_due(session=session, now=b.due_at, grace_hours=24 * 365)
        assert {r.id for r in claimed.send} >= {a.id, b.id}
    with database.session() as session:  # the lease still runs: nothing is released
        assert schedule.release_expired(session=session, now=b.due_at + timedelta(minutes=1)) == 0
    after_lease = b.due_at + schedule.LEASE + timedelta(seconds=1)
    with database.session() as session:  # ended: released, except what this process still sends
        assert a.id is not None
        released = schedule.release_expired(session=session, now=after_lease, in_flight={a.id})
        assert released == len(claimed.send) - 1
    states = {r.id: r.state for r in rows(database)}
    assert states[a.id] is FollowupState.SENDING and states[b.id] is FollowupState.PLANNED


def test_a_change_replanned_during_a_full_replan_is_not_undone(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person turns reminders off while the 6-hourly re-plan is between two chunks: the
    chunks after it must plan from the new setting, not from members read before it began."""
    import threading

    from sqlalchemy import update

    from storage.models import Member

    setup(database)
    with database.session() as session:
        for text in ("Second", "Third"):
            items.create_item(
                session=session,
                actor=None,
                text=text,
                owner_names=["Sweden"],
                due_phrase="ahead of the next meeting",
                today=NOW.date(),
                meeting_margin_days=14,
            )

    def reminders_off_and_replan() -> None:
        with database.session() as session:
            session.execute(
                update(Member).where(Member.telegram_user_id == 501).values(reminders_enabled=False)
            )
        schedule.sync_in_chunks(
            db=database, rules=RULES, now=NOW, horizon_days=120, grace_hours=24, scope=PlanScope.members([1])
        )

    class ChangeAfterFirstChunk:
        def __init__(self) -> None:
            self.inner = threading.Lock()
            self.released = 0

        def __enter__(self) -> None:
            self.inner.acquire()

        def __exit__(self, *exc: object) -> None:
            self.inner.release()
            self.released += 1
            if self.released == 1:
                reminders_off_and_replan()

    monkeypatch.setattr(schedule, "CHUNK", 1)
    monkeypatch.setattr(schedule, "_REPLAN_LOCK", ChangeAfterFirstChunk())
    schedule.sync_in_chunks(
        db=database, rules=RULES, now=NOW, horizon_days=120, grace_hours=24, scope=PlanScope.everything()
    )
    reminders = [r for r in rows(database, FollowupState.PLANNED) if r.kind in schedule.ITEM_KINDS]
    assert reminders == [], f"{len(reminders)} reminders planned for someone who turned them off"
