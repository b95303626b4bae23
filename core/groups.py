"""Group chats: item commands work in a group only after the secretariat enabled it.

A group sees what each person may see (permissions are always the person's), but the bot
answers item commands there only once the secretariat said ``/group on``: an invite or a stray
add to a group then can't expose the agreed steps to whoever else is in it.
"""

from __future__ import annotations

from sqlmodel import Session, select

from core import clock
from core.errors import PermissionDenied
from core.permissions import Actor, can_manage
from storage.models import GroupChat


def is_enabled(*, session: Session, chat_id: int) -> bool:
    group = session.exec(select(GroupChat).where(GroupChat.chat_id == chat_id)).first()
    return group is not None and group.enabled


def set_enabled(*, session: Session, actor: Actor, chat_id: int, title: str, enabled: bool) -> GroupChat:
    if not can_manage(actor):
        raise PermissionDenied("Only the secretariat can switch NextSteps on or off in a group.")
    group = session.exec(select(GroupChat).where(GroupChat.chat_id == chat_id)).first()
    if group is None:
        group = GroupChat(chat_id=chat_id)
        session.add(group)
    group.title, group.enabled = title[:200], enabled
    group.changed_by_member_id, group.changed_at = actor.member_id, clock.now()
    session.flush()
    return group


def move_chat(*, session: Session, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: it keeps its setting under the new id."""
    group = session.exec(select(GroupChat).where(GroupChat.chat_id == old_chat_id)).first()
    if (
        group is not None
        and session.exec(select(GroupChat).where(GroupChat.chat_id == new_chat_id)).first() is None
    ):
        group.chat_id = new_chat_id
