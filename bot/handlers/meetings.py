"""/meeting and /meeting set."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session
from telegram import Update
from telegram.ext import ContextTypes

from bot.context import app_context
from bot.handlers.common import chat_translator, friendly_errors, require_actor
from bot.jobs import replan_after
from bot.render import esc, meeting_text
from core import clock, meetings
from core.errors import BadInput
from core.i18n import N_
from core.schedule import PlanScope
from storage.models import Meeting

USAGE = N_(
    "Usage: /meeting set YYYY-MM-DD Name [| Place], "
    "e.g. /meeting set 2023-12-05 33rd Senior Officials Meeting | Vienna"
)


@friendly_errors
async def meeting(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the next meeting with a countdown; ``/meeting set DATE NAME`` sets it."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    message = update.effective_message
    assert message is not None
    args = context.args or []
    ctx = app_context(context)
    today = clock.today_in(actor.timezone)
    tr = await chat_translator(update, context, actor)
    if not args:
        upcoming = await ctx.db.run(lambda session: meetings.next_meeting(session=session))
        await message.reply_text(meeting_text(upcoming, today, tr.lang))
        return
    if args[0].lower() != "set" or len(args) < 3:
        raise BadInput(tr.gettext(USAGE))
    try:
        held_on = date.fromisoformat(args[1])
    except ValueError:
        not_a_date = tr.gettext("“{text}” is not a date.").format(text=args[1])
        raise BadInput(f"{not_a_date} {tr.gettext(USAGE)}") from None
    name, _, place = " ".join(args[2:]).partition("|")

    def set_meeting(session: Session) -> tuple[Meeting, int, list[int]]:
        found, moved = meetings.set_next_meeting(
            session=session, actor=actor, held_on=held_on, name=name, place=place.strip() or None
        )
        assert found.id is not None
        return found, moved, meetings.linked_item_ids(session=session, meeting_id=found.id)

    found, moved, linked = await ctx.db.run(set_meeting)
    await replan_after(ctx, PlanScope.meeting(linked))
    text = meeting_text(found, today, tr.lang)
    if moved:
        margin = ctx.settings.deadlines.meeting_margin_days
        due = tr.format_day(meetings.resolve_linked(held_on, margin) or held_on)
        text += "\n\n" + tr.ngettext(
            "{count} item tied to it now due by {date}.", "{count} items tied to it now due by {date}.", moved
        ).format(count=moved, date=esc(due))
    await message.reply_text("✅ " + text)
