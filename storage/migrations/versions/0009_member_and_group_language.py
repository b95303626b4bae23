"""the reader's language: member.language and groupchat.language (issue 13)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-14 10:00:00

Both nullable: an existing member's language is taken from Telegram's language_code at their
next message, and a group reads English until the secretariat sets its language with /lang.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("member", sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))
    op.add_column(
        "groupchat", sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # in place (SQLite 3.35+), as 0007 does: a table copy of member would cascade-delete its rows' owners
        op.execute("ALTER TABLE groupchat DROP COLUMN language")
        op.execute("ALTER TABLE member DROP COLUMN language")
    else:
        op.drop_column("groupchat", "language")
        op.drop_column("member", "language")
