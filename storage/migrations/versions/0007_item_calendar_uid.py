"""items' calendar events: a stored UID and a SEQUENCE

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00

Existing items get a fresh UID each, made here in Python as ``storage.models.new_ical_uid``
makes them (databases have no portable UUID function). The columns are added in place, never by
a SQLite table copy: copying ``item`` drops the original table, and with foreign keys on that
deletes its owners (ON DELETE CASCADE). SQLite adds a NOT NULL column only with a default, so
``ical_uid`` keeps an empty default there; every row is filled before the unique index is built,
and the ORM always sets a UID.
"""

from uuid import uuid4

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    op.add_column(
        "item",
        sa.Column("ical_uid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=""),
    )
    op.add_column("item", sa.Column("ical_sequence", sa.Integer(), nullable=False, server_default="0"))

    bind = op.get_bind()
    item = sa.table("item", sa.column("id", sa.Integer()), sa.column("ical_uid", sa.String()))
    ids = [row[0] for row in bind.execute(sa.select(item.c.id).order_by(item.c.id))]
    fill = item.update().where(item.c.id == sa.bindparam("item_id")).values(ical_uid=sa.bindparam("uid"))
    for start in range(0, len(ids), BATCH):
        bind.execute(
            fill, [{"item_id": i, "uid": f"{uuid4()}@nextsteps"} for i in ids[start : start + BATCH]]
        )

    if bind.dialect.name != "sqlite":
        op.alter_column("item", "ical_uid", server_default=None)
    op.create_index(op.f("ix_item_ical_uid"), "item", ["ical_uid"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_item_ical_uid"), table_name="item")
    if op.get_bind().dialect.name == "sqlite":
        # in place (SQLite 3.35+), for the same reason as above: no table copy
        op.execute("ALTER TABLE item DROP COLUMN ical_sequence")
        op.execute("ALTER TABLE item DROP COLUMN ical_uid")
    else:
        op.drop_column("item", "ical_sequence")
        op.drop_column("item", "ical_uid")
