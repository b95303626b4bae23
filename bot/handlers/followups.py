"""/digest, /quiet and /reminders: the per-person and per-chat controls of follow-ups."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import app_context
from bot.handlers.common import friendly_errors, reply_chunks, require_actor
from bot.jobs import replan_after
from bot.render import esc
from bot.render_followups import digest_messages
from core import clock, members, outreach, subscriptions
from core.errors import BadInput, PermissionDenied
from core.schedule import PlanScope
from storage.models import Role


@friendly_errors
async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/digest: the digest now; /digest on|off subscribes this chat to the weekly one."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    chat = update.effective_chat
    message = update.effective_message
    assert chat is not None and message is not None
    ctx = app_context(context)
    arg = (context.args or [""])[0].lower()
    if arg in ("on", "off"):
        if chat.type != "private" and actor.role is not Role.SECRETARIAT:
            raise PermissionDenied("Only the secretariat can subscribe a group to the digest.")
        if arg == "on":
            title = chat.title or actor.name
            changed = await ctx.db.run(
                lambda session: subscriptions.subscribe(
                    session=session, actor=actor, chat_id=chat.id, title=title
                )
            )
        else:
            changed = await ctx.db.run(
                lambda session: subscriptions.unsubscribe(session=session, chat_id=chat.id)
            )
        await replan_after(ctx, PlanScope.digests())
        when = f"{ctx.settings.followups.digest_weekday.title()}s at {ctx.settings.followups.digest_time}"
        if arg == "on":
            zone = actor.timezone if chat.type == "private" else ctx.default_timezone
            text = f"📰 This chat gets the weekly digest ({esc(when)}, {esc(zone)})."
            if not changed:
                text = "This chat already gets the weekly digest."
        else:
            text = (
                "This chat no longer gets the weekly digest." if changed else "This chat wasn't subscribed."
            )
        await message.reply_text(text)
        return
    if arg:
        raise BadInput("Use /digest for the digest now, or /digest on / /digest off for the weekly one.")
    today, since = clock.today_in(actor.timezone), clock.now() - timedelta(days=7)
    in_private = update.effective_chat is None or update.effective_chat.type == "private"
    built = await ctx.db.run(
        lambda session: outreach.build_digest(
            session=session,
            today=today,
            since=since,
            party_id=actor.party_id,
            # secretariat-only details never go to a group, whoever asks there
            secretariat=in_private and actor.role is Role.SECRETARIAT,
        )
    )
    chunks = digest_messages(built, actor.timezone, context.bot.username)
    await reply_chunks(update, chunks)


@friendly_errors
async def quiet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/quiet HH:MM-HH:MM or /quiet off: no follow-ups inside that local window (they wait)."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    message = update.effective_message
    assert message is not None
    if not context.args:
        raise BadInput("Use /quiet 22:00-07:00 (your local time), or /quiet off.")
    ctx = app_context(context)
    asked = "".join(context.args)
    window = await ctx.db.run(
        lambda session: members.set_quiet_hours(session=session, actor=actor, window=asked)
    )
    await replan_after(ctx, PlanScope.members([actor.member_id]))
    if window is None:
        await message.reply_text("🔔 Quiet hours are off.")
    else:
        await message.reply_text(
            f"🌙 Quiet hours {window[0]}–{window[1]} ({esc(actor.timezone)}): follow-ups wait until they end."
        )


@friendly_errors
async def reminders(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reminders off|on: deadline reminders and nudges; pre-meeting follow-ups stay on."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    message = update.effective_message
    assert message is not None
    arg = (context.args or [""])[0].lower()
    if arg not in ("on", "off"):
        raise BadInput("Use /reminders off or /reminders on.")
    ctx = app_context(context)
    enabled = arg == "on"
    await ctx.db.run(lambda session: members.set_reminders(session=session, actor=actor, enabled=enabled))
    await replan_after(ctx, PlanScope.members([actor.member_id]))
    if arg == "on":
        await message.reply_text("🔔 Deadline reminders are on.")
    else:
        await message.reply_text(
            "🔕 Deadline reminders are off. You will still get the follow-ups before each meeting."
        )
