"""Group chats: item commands work in a group only after the secretariat enabled it.

A group sees what each person may see (permissions are always the person's), but the bot
answers item commands there only once the secretariat said ``/group on``: an invite or a stray
add to a group then can't expose the agreed steps to whoever else is in it.
"""

from __future__ import annotations

from sqlmodel import Session, select

from core import clock, members
from core.errors import BadInput, PermissionDenied
from core.i18n import LANGUAGES, SOURCE_LANGUAGE
from core.permissions import Actor, can_manage
from storage.models import GroupChat, Member


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


def language_of(*, session: Session, chat_id: int) -> str | None:
    """The language the secretariat set for this group, or None (English)."""
    return session.exec(select(GroupChat.language).where(GroupChat.chat_id == chat_id)).first()


def chat_language(*, session: Session, chat_id: int, member: Member | None = None) -> str:
    """The language the bot writes in a chat: a group's as the secretariat set it (/lang there),
    in a private chat the person's own (``member``, when the caller has it loaded); English when
    not known."""
    if chat_id < 0:
        found = language_of(session=session, chat_id=chat_id)
    elif member is not None:
        found = member.language
    else:
        found = members.language_of(session=session, user_id=chat_id)
    return found or SOURCE_LANGUAGE


def set_language(*, session: Session, actor: Actor, chat_id: int, title: str, language: str) -> str:
    """/lang in a group (secretariat): what the bot writes there from now on."""
    if not can_manage(actor):
        raise PermissionDenied("Only the secretariat can set the language of a group.")
    if language not in LANGUAGES:
        raise BadInput("Use /lang {choices}.", choices="|".join(LANGUAGES))
    group = session.exec(select(GroupChat).where(GroupChat.chat_id == chat_id)).first()
    if group is None:  # a language alone doesn't switch item commands on
        group = GroupChat(chat_id=chat_id, title=title[:200])
        session.add(group)
    group.language = language
    group.changed_by_member_id, group.changed_at = actor.member_id, clock.now()
    session.flush()
    return language
