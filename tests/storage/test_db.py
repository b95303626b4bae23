"""Storage on SQLite and PostgreSQL: UTC round trips, constraints, migrations, pragmas."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import SQLModel, select

from core import items, meetings
from core.members import actor_for
from storage.db import SQLITE_BUSY_TIMEOUT_MS, Database
from storage.models import Item, ItemEvent, Meeting, Member, Party, Precision, Role, Status
from tests.conftest import SYSTEM


def test_datetimes_come_back_aware_utc(database: Database) -> None:
    istanbul = timezone(timedelta(hours=3))
    moment = datetime(2023, 3, 26, 2, 30, tzinfo=istanbul)
    with database.session() as session:
        party = Party(name="Sweden", created_at=moment)
        session.add(party)
    with database.session() as session:
        loaded = session.exec(select(Party)).one()
        assert loaded.created_at.tzinfo is not None and loaded.created_at.utcoffset() == timedelta(0)
        assert loaded.created_at == moment
        assert loaded.created_at.hour == 23 and loaded.created_at.day == 25


def test_naive_datetimes_are_refused(database: Database) -> None:
    with pytest.raises(StatementError), database.session() as session:
        session.add(Party(name="Naive", created_at=datetime(2023, 1, 1)))
        session.flush()


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(ItemEvent(item_id=424242, kind="note", at=datetime.now(UTC)))
        session.flush()


def test_statuses_are_stored_as_plain_words(database: Database) -> None:
    with database.session() as session:
        session.add(Item(text="x", status=Status.IN_PROGRESS, due_precision=Precision.MONTH))
    with database.session() as session:
        raw = session.execute(text("SELECT status, due_precision FROM item")).one()
        assert tuple(raw) == ("in_progress", "month")
        assert session.exec(select(Item)).one().status is Status.IN_PROGRESS


def test_migrations_match_the_models(database: Database) -> None:
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_moving_the_meeting_reresolves_linked_items(database: Database) -> None:
    with database.session() as session:
        session.add(Party(name="Chairmanship", aliases=["Chair"]))
        meetings.set_next_meeting(session=session, actor=SYSTEM, held_on=date(2023, 12, 5), name="33rd SOM")
        linked = items.create_item(
            session=session,
            actor=None,
            text="Prepare",
            owner_names=["Chair"],
            due_phrase="ahead of the next Senior Officials Meeting",
            today=date(2022, 12, 1),
            meeting_margin_days=14,
        )
        fixed = items.create_item(
            session=session,
            actor=None,
            text="Other",
            owner_names=["Chair"],
            due_phrase="2023",
            today=date(2022, 12, 1),
            meeting_margin_days=14,
        )
        assert linked.item.due_date == date(2023, 11, 21)
    with database.session() as session:
        _, moved = meetings.set_next_meeting(
            session=session, actor=SYSTEM, held_on=date(2024, 1, 20), name="33rd SOM"
        )
        assert moved == 1
    with database.session() as session:
        assert session.get(Item, linked.number).due_date == date(2024, 1, 6)  # type: ignore[union-attr]
        assert session.get(Item, fixed.number).due_date == date(2023, 12, 31)  # type: ignore[union-attr]
        assert len(session.exec(select(Meeting)).all()) == 1


def test_history_is_append_only_and_ordered(database: Database) -> None:
    with database.session() as session:
        session.add(Party(name="Sweden"))
        member = Member(telegram_user_id=5_000_000_000, role=Role.SECRETARIAT, display_name="Ada")
        session.add(member)
        session.flush()
        ada = actor_for(member, "UTC")
        card = items.create_item(
            session=session,
            actor=None,
            text="Step",
            owner_names=["Sweden"],
            due_phrase="2023",
            today=date(2022, 12, 1),
            meeting_margin_days=14,
        )
        items.set_status(session=session, actor=ada, item_id=card.number, status=Status.DONE, note="ok")
        items.add_note(session=session, actor=ada, item_id=card.number, text="later")
    with database.session() as session:
        events = session.exec(select(ItemEvent).order_by(ItemEvent.id)).all()
        assert [(e.kind, e.actor_name) for e in events] == [
            ("created", "NextSteps"),
            ("status", "Ada"),
            ("note", "Ada"),
        ]
        assert events[1].old_value == "open" and events[1].new_value == "done" and events[1].note == "ok"


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(sqlite_database: Database) -> None:
    with sqlite_database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS


def test_the_inbox_tells_a_new_update_from_a_redelivered_one(database: Database) -> None:
    from storage import inbox

    with database.session() as session:
        assert inbox.store(session=session, update_id=7, chat_id=501, payload="{}") is True
    with database.session() as session:
        assert inbox.store(session=session, update_id=7, chat_id=501, payload="{}") is False
        assert [row.update_id for row in inbox.pending(session=session)] == [7]
