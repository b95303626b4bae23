"""Migration 0007 gives every existing item its own calendar UID and keeps everything else."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from core import items
from storage.db import Database, alembic_config
from storage.models import Party


def _downgrade_to_0006_with_items(database: Database, count: int) -> None:
    command.downgrade(alembic_config(database.engine), "0006")
    with database.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO party (id, name, aliases, created_at) VALUES (1, 'Sweden', '[]', :t)"),
            {"t": "2023-01-01 00:00:00"},
        )
        for i in range(1, count + 1):
            conn.execute(
                text(
                    "INSERT INTO item (id, text, status, due_text, due_precision, created_at, updated_at) "
                    "VALUES (:id, :text, 'open', '', 'none', :t, :t)"
                ),
                {"id": i, "text": f"Step {i}", "t": "2023-01-01 00:00:00"},
            )
            conn.execute(text("INSERT INTO itemowner (item_id, party_id) VALUES (:id, 1)"), {"id": i})


def test_existing_items_get_unique_uids_and_keep_their_owners(database: Database) -> None:
    _downgrade_to_0006_with_items(database, 1205)  # more than one batch
    database.migrate()
    with database.engine.connect() as conn:
        uids = [row[0] for row in conn.execute(text("SELECT ical_uid FROM item"))]
        sequences = {row[0] for row in conn.execute(text("SELECT ical_sequence FROM item"))}
        owners = conn.execute(text("SELECT count(*) FROM itemowner")).scalar_one()
    assert len(uids) == len(set(uids)) == 1205
    assert all(uid.endswith("@nextsteps") and len(uid) == len("@nextsteps") + 36 for uid in uids)
    assert sequences == {0}
    assert owners == 1205  # no table copy cascaded the owners away


def test_item_uids_are_unique_in_the_database(database: Database) -> None:
    with database.engine.begin() as conn:
        for i in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO item (id, text, status, due_text, due_precision, created_at, updated_at, "
                    "ical_uid, ical_sequence) VALUES (:id, 'x', 'open', '', 'none', :t, :t, :uid, 0)"
                ),
                {"id": i, "t": "2023-01-01 00:00:00", "uid": f"{i}@nextsteps"},
            )
    with pytest.raises(IntegrityError), database.engine.begin() as conn:
        conn.execute(text("UPDATE item SET ical_uid = '1@nextsteps' WHERE id = 2"))


def test_0007_downgrades_in_place_keeping_owners(database: Database) -> None:
    with database.session() as session:
        session.add(Party(name="Sweden"))
        items.create_item(
            session=session,
            actor=None,
            text="Step",
            owner_names=["Sweden"],
            due_phrase="2023",
            today=date(2022, 12, 1),
            meeting_margin_days=14,
        )
    command.downgrade(alembic_config(database.engine), "0006")
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM itemowner")).scalar_one() == 1
        columns = {c["name"] for c in inspect(conn).get_columns("item")}
    assert not columns & {"ical_uid", "ical_sequence"}
    database.migrate()
