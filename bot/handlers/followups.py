"""/digest, /quiet and /reminders: the per-person and per-chat controls of follow-ups."""

from __future__ import annotations

from datetime import timedelta

from babel import Locale
from telegram import Update
from telegram.ext import ContextTypes

from bot.context import app_context
from bot.handlers.common import chat_translator, friendly_errors, reply_chunks, require_actor
from bot.jobs import replan_after
from bot.render import esc
from bot.render_followups import digest_messages
from core import clock, members, outreach, subscriptions
from core.config import WEEKDAYS
from core.errors import BadInput, PermissionDenied
from core.i18n import SOURCE_LANGUAGE, Translator
from core.schedule import PlanScope
from storage.models import Role


def _weekday_name(weekday: str, tr: Translator) -> str:
    """The settings' weekday ("monday") as the reader reads it: "Monday", "понедельник", "Pazartesi"."""
    if tr.lang == SOURCE_LANGUAGE:
        return weekday.title()
    index = WEEKDAYS.index(weekday.lower())
    return str(Locale.parse(tr.lang).days["stand-alone"]["wide"][index])


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
    tr = await chat_translator(update, context, actor)
    arg = (context.args or [""])[0].lower()
    if arg in ("on", "off"):
        if chat.type != "private" and actor.role is not Role.SECRETARIAT:
            raise PermissionDenied(tr.gettext("Only the secretariat can subscribe a group to the digest."))
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
        followups = ctx.settings.followups
        if arg == "on":
            zone = actor.timezone if chat.type == "private" else ctx.default_timezone
            text = tr.gettext("📰 This chat gets the weekly digest ({weekday}s at {time}, {zone}).").format(
                weekday=esc(_weekday_name(followups.digest_weekday, tr)),
                time=esc(followups.digest_time),
                zone=esc(zone),
            )
            if not changed:
                text = tr.gettext("This chat already gets the weekly digest.")
        elif changed:
            text = tr.gettext("This chat no longer gets the weekly digest.")
        else:
            text = tr.gettext("This chat wasn't subscribed.")
        await message.reply_text(text)
        return
    if arg:
        raise BadInput(
            tr.gettext("Use /digest for the digest now, or /digest on / /digest off for the weekly one.")
        )
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
    chunks = digest_messages(built, actor.timezone, context.bot.username, tr.lang)
    await reply_chunks(update, chunks)


@friendly_errors
async def quiet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/quiet HH:MM-HH:MM or /quiet off: no follow-ups inside that local window (they wait)."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    message = update.effective_message
    assert message is not None
    tr = await chat_translator(update, context, actor)
    if not context.args:
        raise BadInput(tr.gettext("Use /quiet 22:00-07:00 (your local time), or /quiet off."))
    ctx = app_context(context)
    asked = "".join(context.args)
    window = await ctx.db.run(
        lambda session: members.set_quiet_hours(session=session, actor=actor, window=asked)
    )
    await replan_after(ctx, PlanScope.members([actor.member_id]))
    if window is None:
        await message.reply_text(tr.gettext("🔔 Quiet hours are off."))
    else:
        await message.reply_text(
            tr.gettext("🌙 Quiet hours {start}–{end} ({timezone}): follow-ups wait until they end.").format(
                start=window[0], end=window[1], timezone=esc(actor.timezone)
            )
        )


@friendly_errors
async def reminders(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reminders off|on: deadline reminders and nudges; pre-meeting follow-ups stay on."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    message = update.effective_message
    assert message is not None
    tr = await chat_translator(update, context, actor)
    arg = (context.args or [""])[0].lower()
    if arg not in ("on", "off"):
        raise BadInput(tr.gettext("Use /reminders off or /reminders on."))
    ctx = app_context(context)
    enabled = arg == "on"
    await ctx.db.run(lambda session: members.set_reminders(session=session, actor=actor, enabled=enabled))
    await replan_after(ctx, PlanScope.members([actor.member_id]))
    if arg == "on":
        await message.reply_text(tr.gettext("🔔 Deadline reminders are on."))
    else:
        await message.reply_text(
            tr.gettext(
                "🔕 Deadline reminders are off. You will still get the follow-ups before each meeting."
            )
        )
