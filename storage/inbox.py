"""The update inbox: every update is stored before Telegram is told it arrived.

An update is confirmed to Telegram (the next getUpdates offset, or a webhook's 200) only after
``store`` committed it, handled, then marked done — in the same transaction as the change it
made, when it made one (``storage.db.WorkMark``). After a crash, pending updates are handled at
start in update_id order; a redelivered update that is already stored is not handled again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, func, select

from storage.db import insert_ignoring_conflicts, utcnow
from storage.models import InboxState, InboxUpdate

KEEP_DONE_FOR_DAYS = 2  # Telegram redelivers unconfirmed updates; two days covers any restart


def store(*, session: Session, update_id: int, chat_id: int | None, payload: str) -> bool:
    """Record an update; False when it was already stored (a redelivery: don't handle it again)."""
    table = InboxUpdate.__table__  # type: ignore[attr-defined]
    row = {
        "update_id": update_id,
        "chat_id": chat_id,
        "payload": payload,
        "state": InboxState.PENDING,
        "received_at": utcnow(),
    }
    return insert_ignoring_conflicts(session, table, [row], keys=["update_id"]) == 1


def pending(*, session: Session) -> list[InboxUpdate]:
    """Updates stored but not handled (a crash interrupted them), oldest first."""
    return list(
        session.exec(
            select(InboxUpdate)
            .where(col(InboxUpdate.state) == InboxState.PENDING)
            .order_by(col(InboxUpdate.update_id))
        ).all()
    )


def highest_update_id(*, session: Session) -> int | None:
    """The newest update stored (Telegram's update ids only grow), None when there is none."""
    return session.exec(select(func.max(InboxUpdate.update_id))).one()


def mark_done(*, session: Session, update_id: int) -> None:
    session.execute(
        update(InboxUpdate)
        .where(col(InboxUpdate.update_id) == update_id, col(InboxUpdate.state) == InboxState.PENDING)
        .values(state=InboxState.DONE, done_at=utcnow())
    )


def prune(*, session: Session, before: datetime) -> int:
    """Forget handled updates received before ``before``."""
    result = session.execute(
        delete(InboxUpdate).where(
            col(InboxUpdate.state) == InboxState.DONE, col(InboxUpdate.received_at) < before
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def pending_for_chat(*, session: Session, chat_id: int | None, limit: int = 50) -> list[InboxUpdate]:
    """One chat's stored, unhandled updates, oldest first (``None``: updates without a chat)."""
    chat = col(InboxUpdate.chat_id).is_(None) if chat_id is None else col(InboxUpdate.chat_id) == chat_id
    return list(
        session.exec(
            select(InboxUpdate)
            .where(col(InboxUpdate.state) == InboxState.PENDING, chat)
            .order_by(col(InboxUpdate.update_id))
            .limit(limit)
        ).all()
    )


def chats_waiting(*, session: Session, waiting_for: timedelta = timedelta(0)) -> list[int | None]:
    """Chats with an update stored at least ``waiting_for`` ago and still not handled (the inbox's
    own clock: ``received_at`` is stamped by ``utcnow``, not by the bot's clock)."""
    received_before = utcnow() - waiting_for
    return list(
        session.exec(
            select(InboxUpdate.chat_id)
            .where(
                col(InboxUpdate.state) == InboxState.PENDING,
                col(InboxUpdate.received_at) < received_before,
            )
            .distinct()
        ).all()
    )
