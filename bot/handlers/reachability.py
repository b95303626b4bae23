"""Telegram tells the bot when a person blocks or unblocks it: keep members' reachability true."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot.context import app_context
from bot.jobs import replan
from core import members
from core.schedule import PlanScope


async def private_chat_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A my_chat_member update in a private chat: blocked -> unreachable, unblocked -> reachable."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    reachable = change.new_chat_member.status not in (ChatMember.BANNED, ChatMember.LEFT)
    ctx = app_context(context)
    with ctx.db.session() as session:
        members.set_reachable(session=session, user_id=change.chat.id, reachable=reachable)
        member = members.member_by_user(session=session, user_id=change.chat.id)
    if member is not None and member.id is not None:
        replan(ctx, PlanScope.members([member.id]))
