"""webhook mode: shared settings (the generated secret token) and per-chat leases

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-12 10:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sharedsetting",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "chatlease",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("expires_at", storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )


def downgrade() -> None:
    op.drop_table("chatlease")
    op.drop_table("sharedsetting")
