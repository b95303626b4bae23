"""Two senders claiming at once (two instances, or two ticks) never take the same row: follow-ups
and broadcast deliveries, on SQLite (conditional update) and PostgreSQL (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from core import broadcasts, schedule
from storage.db import Database
from storage.models import (
    Broadcast,
    BroadcastState,
    Delivery,
    DeliveryState,
    Followup,
    FollowupKind,
    FollowupState,
)

ROWS = 300
BATCH = 7
NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def claim_concurrently(db: Database, claim: Callable[[Session], list[int]]) -> list[list[int]]:
    """Two claimers, each in its own sessions on its own thread, until nothing is left."""
    start = threading.Barrier(2)
    taken: list[list[int]] = [[], []]
    errors: list[BaseException] = []

    def claimer(n: int) -> None:
        try:
            start.wait()
            while True:
                with db.session(completes_work=False) as session:
                    ids = claim(session)
                if not ids:
                    return
                taken[n].extend(ids)
        except BaseException as exc:  # surfaced below: a thread's assertion is not the test's
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return taken


def test_two_claimers_take_each_due_followup_exactly_once(database: Database) -> None:
    with database.session() as session:
        session.add_all(
            Followup(
                key=f"deadline:{n}:0:2026-05-04",
                kind=FollowupKind.DEADLINE,
                chat_id=1000 + n,
                due_at=NOW - timedelta(minutes=n % 30),
            )
            for n in range(ROWS)
        )

    def claim(session: Session) -> list[int]:
        claimed = schedule.claim_due(session=session, now=NOW, grace_hours=24, limit=BATCH)
        assert not claimed.folded
        return [row.id for row in claimed.send if row.id is not None]

    first, second = claim_concurrently(database, claim)
    assert len(first) + len(second) == ROWS
    assert len(set(first) | set(second)) == ROWS  # nobody's row was taken twice
    with database.session() as session:
        rows = session.exec(select(Followup)).all()
    assert {row.state for row in rows} == {FollowupState.SENDING}
    assert {row.attempts for row in rows} == {1}


def test_two_senders_take_each_delivery_exactly_once(database: Database) -> None:
    with database.session() as session:
        broadcast = Broadcast(text_html="Hello", chat_id=1, state=BroadcastState.SENDING, created_at=NOW)
        session.add(broadcast)
        session.flush()
        broadcast_id = broadcast.id
        assert broadcast_id is not None
        session.add_all(Delivery(broadcast_id=broadcast_id, chat_id=2000 + n) for n in range(ROWS))

    def claim(session: Session) -> list[int]:
        taken = broadcasts.claim(session=session, broadcast_id=broadcast_id, now=NOW, limit=BATCH)
        return [d.id for d in taken if d.id is not None]

    first, second = claim_concurrently(database, claim)
    assert len(first) + len(second) == ROWS
    assert len(set(first) | set(second)) == ROWS
    with database.session() as session:
        states = session.exec(select(Delivery.state, Delivery.attempts)).all()
    assert set(states) == {(DeliveryState.SENDING, 1)}


def test_renewed_leases_are_not_released(database: Database) -> None:
    with database.session() as session:
        session.add_all(
            Followup(key=f"deadline:{n}:0:2026-05-04", kind=FollowupKind.DEADLINE, chat_id=n, due_at=NOW)
            for n in range(3)
        )
    with database.session() as session:
        claimed = [r.id for r in schedule.claim_due(session=session, now=NOW, grace_hours=24).send]
    later = NOW + schedule.LEASE - timedelta(seconds=1)
    kept = [i for i in claimed[:2] if i is not None]
    with database.session() as session:  # a live sender renews what it is still sending
        schedule.renew_leases(session=session, followup_ids=kept, now=later)
    with database.session() as session:  # another instance, after the first lease ended
        assert schedule.release_expired(session=session, now=NOW + schedule.LEASE + timedelta(seconds=1)) == 1
    with database.session() as session:
        sending = session.exec(select(Followup.id).where(col(Followup.state) == FollowupState.SENDING)).all()
    assert sorted(sending) == sorted(kept)


def test_a_claim_takes_few_fresh_followups_and_folds_every_stale_one(database: Database) -> None:
    """A sender holds at most ``send_limit`` fresh rows (what a dead leader strands until the
    leases end); the rows past the grace in the same read are all folded, whatever their number."""
    with database.session() as session:
        session.add_all(
            Followup(
                key=f"deadline:{n}:0:2026-05-04",
                kind=FollowupKind.DEADLINE,
                chat_id=1000 + n % 5,
                due_at=NOW - timedelta(hours=30 if n < 20 else 1, minutes=n),
            )
            for n in range(50)
        )
    with database.session() as session:
        first = schedule.claim_due(session=session, now=NOW, grace_hours=24, limit=100, send_limit=10)
    assert sum(len(rows) for rows in first.folded.values()) == 20 and len(first.folded) == 5
    assert len(first.send) == 10 and first.more
    taken = [row.id for row in first.send]
    while True:
        with database.session() as session:
            claimed = schedule.claim_due(session=session, now=NOW, grace_hours=24, limit=100, send_limit=10)
        assert not claimed.folded and len(claimed.send) <= 10
        taken += [row.id for row in claimed.send]
        if not claimed.more:
            break
    assert len(taken) == len(set(taken)) == 30
    with database.session() as session:
        assert not session.exec(select(Followup).where(col(Followup.state) == FollowupState.PLANNED)).all()
