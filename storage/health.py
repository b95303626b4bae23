"""What the health and metrics endpoints read from the database: cheap queries, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage.db import alembic_config
from storage.models import Followup, FollowupState


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str | None

    @property
    def up_to_date(self) -> bool:
        return self.current is not None and self.current == self.head


def head_revision(engine: Engine) -> str | None:
    """The newest migration this code knows (read from the migration scripts, not the database)."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def schema_state(engine: Engine, head: str | None) -> SchemaState:
    """Reach the database (SELECT 1) and read its migration revision; raises if it can't."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        current = MigrationContext.configure(conn).get_current_revision()
    return SchemaState(current=current, head=head)


def followups_waiting(*, session: Session, now: datetime) -> int:
    """Follow-ups due by ``now`` and not sent yet (planned or being sent): index on (state, due_at)."""
    waiting = [FollowupState.PLANNED, FollowupState.SENDING]
    statement = select(func.count()).where(col(Followup.state).in_(waiting), col(Followup.due_at) <= now)
    return int(session.exec(statement).one())
