"""Per-chat leases: which instance handles a chat's stored updates right now.

``take`` succeeds when nobody holds the chat, its lease expired (the holder died), or the caller
already holds it (then it is renewed). A row per chat ever taken, released by expiring it at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.db import utcnow
from storage.models import ChatLease

NO_CHAT = 0  # the lease key for updates without a chat


def take(
    *, session: Session, chat_id: int, holder: str, lease: timedelta, now: datetime | None = None
) -> bool:
    """Take or renew the chat's lease for ``lease``; False when another live holder has it."""
    now = now or utcnow()
    table = ChatLease.__table__  # type: ignore[attr-defined]
    factory = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = factory(table).values(chat_id=chat_id, holder=holder, expires_at=now + lease)
    statement = statement.on_conflict_do_update(
        index_elements=["chat_id"],
        set_={"holder": statement.excluded.holder, "expires_at": statement.excluded.expires_at},
        where=(table.c.expires_at < now) | (table.c.holder == holder),
    )
    return session.execute(statement.returning(table.c.chat_id)).first() is not None


def release(*, session: Session, chat_id: int, holder: str) -> None:
    session.execute(
        update(ChatLease)
        .where(col(ChatLease.chat_id) == chat_id, col(ChatLease.holder) == holder)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
