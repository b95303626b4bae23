"""Report upload in chat: a preview of the next steps, fixes by reply and buttons, then import.

The pending import lives in the chat's memory until Import or Cancel (nothing is stored before);
if the bot restarts meanwhile, or nobody finishes it within a day, the secretariat sends the file
again. A chat keeps at most a few pending previews.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import MutableMapping
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.context import app_context
from bot.handlers.common import ask_for_reply, friendly_errors, require_actor
from bot.jobs import replan_after
from bot.render import esc, shorten, split_messages
from core import clock, limits, parties
from core.deadlines import parse_deadline
from core.errors import BadInput, PermissionDenied
from core.permissions import can_manage
from core.reports import ReportDraft, StepDraft, parse_report, read_report, store_report, too_big
from core.schedule import PlanScope

_CALLBACK = re.compile(r"im:([0-9a-f]{6}):(ok|x|[dnou]\d{1,3})")
_OWNER_FIX = re.compile(r"^\s*(\d{1,3})\s*:\s*(.+)$")
_DUE_FIX = re.compile(r"^\s*(\d{1,3})\s+due\s*:\s*(.+)$", re.IGNORECASE)
KEY = "imports"
MAX_BUTTONS = 100  # Telegram refuses an inline keyboard with more
STEP_TEXT_WIDTHS = (160, 80, 40)


def _pending(context: ContextTypes.DEFAULT_TYPE) -> dict[str, dict[str, Any]]:
    """This chat's pending imports, without those nobody finished in time."""
    assert context.chat_data is not None
    pending: dict[str, dict[str, Any]] = context.chat_data.setdefault(KEY, {})
    _expire(pending)
    return pending


def _expire(pending: MutableMapping[str, dict[str, Any]]) -> None:
    cutoff = clock.now() - limits.REPORT_PREVIEW_TTL
    for token in [t for t, p in pending.items() if p["created_at"] < cutoff]:
        del pending[token]


def _expire_everywhere(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forget abandoned previews in every chat, not only in chats that come back."""
    for chat_data in context.application.chat_data.values():
        if chat_data.get(KEY):
            _expire(chat_data[KEY])


def _preview(token: str, draft: ReportDraft) -> tuple[str, InlineKeyboardMarkup]:
    header = (
        f"📄 <b>{esc(draft.meeting_name or 'Meeting ?')}</b> — "
        f"{esc(draft.meeting_date.isoformat() if draft.meeting_date else 'date unknown')}"
        f"{', ' + esc(draft.place) if draft.place else ''}\n"
        f"{len(draft.steps)} next step(s). Nothing is stored yet."
    )
    footer = (
        "<i>👥 N sets step N's owners, ⏰ N its deadline (or reply to this message with “3: Chairmanship” "
        "or “3 due: March 2024”); ✖ drops a step.</i>"
    )
    for width in STEP_TEXT_WIDTHS:  # every step in one message: shorter step texts when there are many
        parts = split_messages(
            [*(_step_block(n, step, width) for n, step in enumerate(draft.steps, 1)), footer], header=header
        )
        if len(parts) == 1:
            break
    text = parts[0]
    rows = [
        [
            InlineKeyboardButton(f"👥 {n}", callback_data=f"im:{token}:o{n}"),
            InlineKeyboardButton(f"⏰ {n}", callback_data=f"im:{token}:u{n}"),
            InlineKeyboardButton(f"✖ Drop {n}", callback_data=f"im:{token}:d{n}"),
        ]
        for n in range(1, len(draft.steps) + 1)
    ]
    room = MAX_BUTTONS - 3 * len(draft.steps) - 2
    for n, step in enumerate(draft.steps, start=1):
        if step.unknown_owner and room > 0:
            room -= 1
            rows.append(
                [
                    InlineKeyboardButton(
                        f"➕ Add party “{step.unknown_owner[:30]}” for {n}", callback_data=f"im:{token}:n{n}"
                    )
                ]
            )
    rows.append(
        [
            InlineKeyboardButton("✅ Import", callback_data=f"im:{token}:ok"),
            InlineKeyboardButton("Cancel", callback_data=f"im:{token}:x"),
        ]
    )
    return text, InlineKeyboardMarkup(rows)


def _step_block(n: int, step: StepDraft, width: int) -> str:
    owners = ", ".join(esc(p.name) for p in step.owners) or "⚠️ <b>no owner</b>"
    if step.unknown_owner:
        owners += f" (report: {esc(shorten(step.unknown_owner, width))})"
    due = esc(shorten(step.deadline.text, width)) if step.deadline else "before the next meeting (default)"
    return f"<b>{n}.</b> [{esc(step.ref)}] {esc(shorten(step.text, width))}\n👥 {owners}\n⏰ {due}"


@friendly_errors
async def report_upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document from the secretariat: read it as a meeting report and preview its next steps."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    message = update.effective_message
    assert message is not None and message.document is not None
    if not can_manage(actor):
        raise PermissionDenied("Only the secretariat can import meeting reports.")
    document = message.document
    ctx = app_context(context)
    max_bytes = ctx.settings.reports.max_bytes
    if document.file_size and document.file_size > max_bytes:
        raise too_big(max_bytes)  # don't even download it
    content = bytes(await (await context.bot.get_file(document.file_id)).download_as_bytearray())
    # off the event loop: a DOCX or PDF takes a while to read; the parse looks up parties
    report = await asyncio.to_thread(read_report, document.file_name or "report.txt", content, max_bytes)
    today = clock.today_in(actor.timezone)
    draft = await ctx.db.run(
        lambda session: parse_report(
            session=session,
            text=report,
            today=today,
            meeting_margin_days=ctx.settings.deadlines.meeting_margin_days,
        )
    )
    token = secrets.token_hex(3)
    text, markup = _preview(token, draft)
    sent = await message.reply_text(text, reply_markup=markup)
    _expire_everywhere(context)
    pending = _pending(context)
    while len(pending) >= limits.REPORT_PREVIEWS_PER_CHAT:
        del pending[min(pending, key=lambda t: pending[t]["created_at"])]
    pending[token] = {"draft": draft, "message_id": sent.message_id, "created_at": clock.now()}


def pending_for_reply(context: ContextTypes.DEFAULT_TYPE, replied: Message) -> str | None:
    """The import token if ``replied`` is a pending import's preview or one of its prompts."""
    if context.chat_data is None or not context.chat_data.get(KEY):
        return None
    for token, pending in _pending(context).items():
        if pending["message_id"] == replied.message_id or replied.message_id in pending.get("prompts", {}):
            return token
    return None


async def fix_by_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, token: str) -> None:
    """“3: Party, Party” sets owners; “3 due: phrase” sets a deadline; the preview is refreshed."""
    message = update.effective_message
    assert message is not None and message.text is not None
    actor = await require_actor(update, context)
    if actor is None:
        return
    if not can_manage(actor):
        raise PermissionDenied("Only the secretariat can import meeting reports.")
    pending = _pending(context)[token]
    draft: ReportDraft = pending["draft"]
    ctx = app_context(context)
    replied = message.reply_to_message
    prompt = pending.get("prompts", {}).get(replied.message_id) if replied else None
    text = message.text
    if prompt is not None:  # an answer to "Who owns step 3?" or "What is the deadline of step 3?"
        what, number = prompt
        text = f"{number} due: {text}" if what == "u" else f"{number}: {text}"
    if m := _DUE_FIX.match(text):
        step = _step(draft, int(m[1]))
        step.deadline = parse_deadline(
            m[2],
            today=draft.meeting_date or clock.today_in(actor.timezone),
            meeting_margin_days=ctx.settings.deadlines.meeting_margin_days,
        )
    elif m := _OWNER_FIX.match(text):
        step = _step(draft, int(m[1]))
        names = re.split(r",|;|\band\b", m[2])
        found, unknown = await ctx.db.run(
            lambda session: parties.resolve_parties(session=session, names=names)
        )
        if unknown:
            raise BadInput(f"I don't know: {', '.join(u.strip() for u in unknown)}. /parties lists them.")
        step.owners, step.unknown_owner = found, None
    else:
        raise BadInput(
            "Reply “3: Chairmanship, Sweden” to set owners, or “3 due: March 2024” for a deadline."
        )
    text, markup = _preview(token, draft)
    await context.bot.edit_message_text(
        text, chat_id=message.chat_id, message_id=pending["message_id"], reply_markup=markup
    )
    await message.reply_text("✏️ Updated the preview.")


def _step(draft: ReportDraft, number: int) -> StepDraft:
    if not 1 <= number <= len(draft.steps):
        raise BadInput(f"There is no step {number} in this import.")
    return draft.steps[number - 1]


@friendly_errors
async def import_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drop a step, add an unknown owner as a party, Import or Cancel."""
    query = update.callback_query
    assert query is not None
    match = _CALLBACK.fullmatch(query.data or "")
    pending = _pending(context).get(match[1]) if match else None
    if match is None or pending is None:
        await query.answer("This import is no longer pending: send the file again.", show_alert=True)
        return
    actor = await require_actor(update, context)
    if actor is None:
        return
    if not can_manage(actor):
        raise PermissionDenied("Only the secretariat can import meeting reports.")
    token, action = match[1], match[2]
    draft: ReportDraft = pending["draft"]
    ctx = app_context(context)
    if action == "x":
        _pending(context).pop(token, None)
        await query.answer()
        await query.edit_message_text("Import cancelled. Nothing was stored.")
        return
    if action == "ok":
        today = clock.today_in(actor.timezone)
        result = await ctx.db.run(
            lambda session: store_report(
                session=session,
                draft=draft,
                meeting_margin_days=ctx.settings.deadlines.meeting_margin_days,
                today=today,
            )
        )
        _pending(context).pop(token, None)
        await replan_after(ctx, PlanScope.items(result.created))
        created = ", ".join(f"#{i}" for i in result.created) or "none"
        text = f"✅ Imported {len(result.created)} step(s) from {esc(result.meeting.name)}: {created}."
        if result.skipped:
            text += f"\n{len(result.skipped)} were already imported."
        await query.answer()
        await query.edit_message_text(text + "\n/items all lists them.")
        return
    number = int(action[1:])
    step = _step(draft, number)
    if action[0] in "ou":
        question = (
            f"👥 Who owns step {number}? Reply with party names, e.g. Chairmanship, Sweden."
            if action[0] == "o"
            else f"⏰ What is the deadline of step {number}? Reply with a phrase, e.g. end of March 2024."
        )
        await query.answer()
        prompt = await ask_for_reply(update, context, question)
        pending.setdefault("prompts", {})[prompt.message_id] = (action[0], number)
        return
    if action.startswith("d"):
        draft.steps.remove(step)
        if not draft.steps:
            _pending(context).pop(token, None)
            await query.answer()
            await query.edit_message_text("All steps dropped. Nothing was stored.")
            return
    else:
        name = step.unknown_owner or ""
        party = await ctx.db.run(lambda session: parties.add_party(session=session, name=name, aliases=[]))
        step.owners, step.unknown_owner = [party], None
    await query.answer()
    text, markup = _preview(token, draft)
    await query.edit_message_text(text, reply_markup=markup)
