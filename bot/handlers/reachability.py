"""Telegram tells the bot when a person blocks or unblocks it: keep members' reachability true."""

from __future__ import annotations

from sqlmodel import Session
from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot.context import app_context
from bot.jobs import replan_after
from core import members
from core.schedule import PlanScope
from storage.models import Member


async def private_chat_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A my_chat_member update in a private chat: blocked -> unreachable, unblocked -> reachable."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    reachable = change.new_chat_member.status not in (ChatMember.BANNED, ChatMember.LEFT)
    ctx = app_context(context)
    user_id = change.chat.id

    def mark(session: Session) -> Member | None:
        members.set_reachable(session=session, user_id=user_id, reachable=reachable)
        return members.member_by_user(session=session, user_id=user_id)

    member = await ctx.db.run(mark)
    if member is not None and member.id is not None:
        await replan_after(ctx, PlanScope.members([member.id]))
