"""Chats subscribed to the weekly digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from core import clock
from core.permissions import Actor
from storage.models import Subscription


def find(*, session: Session, chat_id: int) -> Subscription | None:
    return session.exec(select(Subscription).where(Subscription.chat_id == chat_id)).first()


def subscribe(*, session: Session, actor: Actor, chat_id: int, title: str) -> bool:
    """Subscribe a chat; False if it already was."""
    if find(session=session, chat_id=chat_id) is not None:
        return False
    session.add(
        Subscription(chat_id=chat_id, title=title[:200], member_id=actor.member_id, created_at=clock.now())
    )
    session.flush()
    return True


def unsubscribe(*, session: Session, chat_id: int) -> bool:
    subscription = find(session=session, chat_id=chat_id)
    if subscription is None:
        return False
    session.delete(subscription)
    return True


def mark_digest_sent(*, session: Session, chat_id: int, now: datetime) -> None:
    subscription = find(session=session, chat_id=chat_id)
    if subscription is not None:
        subscription.last_digest_at = now


def move_chat(*, session: Session, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: its subscription and planned digests follow it."""
    from storage.models import Followup, FollowupState

    session.execute(
        update(Subscription).where(col(Subscription.chat_id) == old_chat_id).values(chat_id=new_chat_id)
    )
    session.execute(
        update(Followup)
        .where(
            col(Followup.chat_id) == old_chat_id,
            col(Followup.state).in_([FollowupState.PLANNED, FollowupState.SENDING]),
        )
        .values(chat_id=new_chat_id)
    )
