"""/broadcast (compose, choose the audience, preview, send), /broadcasts, and "Got it" presses."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlmodel import Session
from telegram import Update
from telegram.ext import ContextTypes

from bot.broadcaster import broadcaster
from bot.context import app_context
from bot.handlers.common import (
    chat_translator,
    friendly_errors,
    reader_translator,
    reply_chunks,
    require_actor,
    show_in_place,
)
from bot.render_broadcasts import (
    audience_controls,
    broadcast_report,
    broadcast_text,
    broadcasts_list,
    cancelled_text,
    confirm_controls,
    sending_text,
)
from core import broadcasts, clock, limits, parties
from core.broadcasts import Progress, Recipient
from core.errors import BadInput, NotFound
from core.i18n import translator
from core.permissions import Actor
from storage.models import Audience, Broadcast, Delivery, Party

_CALLBACK = re.compile(r"bc:([1-9]\d{0,29}):(all|ch|pt|gr|pd|au|ok|x|p[1-9]\d{0,29})")
_ACK = re.compile(r"ack:([1-9]\d{0,29})")
AUDIENCES = {"all": Audience.ALL, "ch": Audience.CHAIRS, "gr": Audience.GROUPS}


def _message_html(update: Update) -> str:
    """The text to broadcast, formatting kept as Telegram HTML: the replied-to message, or
    what follows /broadcast."""
    message = update.effective_message
    assert message is not None
    source = message.reply_to_message
    if source is not None and (source.text or source.caption):
        return (source.text_html if source.text else source.caption_html) or ""
    parts = (message.text_html or "").split(None, 1)
    return parts[1].strip() if len(parts) > 1 else ""


@friendly_errors
async def broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/broadcast text (or as a reply) starts a draft; /broadcast N shows broadcast N."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    message = update.effective_message
    assert message is not None
    ctx = app_context(context)
    lang = (await chat_translator(update, context, actor)).lang
    args = context.args or []
    if len(args) == 1 and args[0].isdecimal() and message.reply_to_message is None:
        broadcast_id = limits.parse_id(args[0])
        if broadcast_id is None:
            raise NotFound("There is no broadcast {number}. /broadcasts lists them.", number=args[0])

        def report(session: Session) -> tuple[Broadcast, Progress, Sequence[Delivery]]:
            found = broadcasts.get(session=session, actor=actor, broadcast_id=broadcast_id)
            assert found.id is not None
            return (
                found,
                broadcasts.progress(session=session, broadcast_id=found.id),
                broadcasts.failures(session=session, broadcast_id=found.id),
            )

        await reply_chunks(update, broadcast_report(*await ctx.db.run(report), actor.timezone, lang))
        return
    text_html = _message_html(update)
    draft = await ctx.db.run(
        lambda session: broadcasts.create_draft(
            session=session, actor=actor, text_html=text_html, chat_id=message.chat_id
        )
    )
    # the preview, as recipients see it (each with the heading in their own language)
    await message.reply_text(broadcast_text(text_html, lang))
    text, markup = audience_controls(draft, [], lang)
    controls = await message.reply_text(text, reply_markup=markup)

    def remember_controls(session: Session) -> None:
        stored = broadcasts.get(session=session, actor=actor, broadcast_id=draft.id or 0)
        stored.progress_message_id = controls.message_id

    await ctx.db.run(remember_controls)


def _decode(data: str | None) -> tuple[int, str] | None:
    """(broadcast id, action) of a draft's button, or None for anything forged or out of range."""
    match = _CALLBACK.fullmatch(data or "")
    if match is None:
        return None
    broadcast_id, action = limits.parse_id(match[1]), match[2]
    if broadcast_id is None or (
        action[0] == "p" and action[1:].isdecimal() and limits.parse_id(action[1:]) is None
    ):
        return None
    return broadcast_id, action


@friendly_errors
async def broadcast_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Audience, party, Send and Cancel buttons under a draft; permissions checked again."""
    query = update.callback_query
    assert query is not None
    decoded = _decode(query.data)
    if decoded is None:
        tr = await reader_translator(update, context, as_presser=True)
        await query.answer(tr.gettext("This button is no longer valid."), show_alert=True)
        return
    actor = await require_actor(update, context)
    if actor is None:
        return
    broadcast_id, action = decoded
    ctx = app_context(context)
    lang = (await chat_translator(update, context, actor)).lang
    if action == "x":
        await ctx.db.run(
            lambda session: broadcasts.cancel(session=session, actor=actor, broadcast_id=broadcast_id)
        )
        text, markup = cancelled_text(broadcast_id, lang), None
    elif action == "ok":
        now = clock.now()
        count = await ctx.db.run(
            lambda session: broadcasts.start(session=session, actor=actor, broadcast_id=broadcast_id, now=now)
        )
        text, markup = sending_text(broadcast_id, count, lang), None
    else:
        draft, choices, targets = await ctx.db.run(
            lambda session: _choose(session, actor, broadcast_id, action)
        )
        if targets is None:
            text, markup = audience_controls(draft, choices, lang)
        else:
            text, markup = confirm_controls(draft, targets, lang)
    # an answer only the presser sees: their own language
    await query.answer(translator(actor.language).gettext("Sending…") if action == "ok" else None)
    await show_in_place(update, context, text, reply_markup=markup)
    if action == "ok":
        broadcaster(context.application).ensure_running(broadcast_id)


def _choose(
    session: Session, actor: Actor, broadcast_id: int, action: str
) -> tuple[Broadcast, list[Party], list[Recipient] | None]:
    """An audience or party button on a draft: the draft, the parties to pick from (while
    picking parties) and, once the audience is complete, its recipients for the confirmation."""
    if action in AUDIENCES:
        draft = broadcasts.choose_audience(
            session=session, actor=actor, broadcast_id=broadcast_id, audience=AUDIENCES[action]
        )
    elif action.startswith("p") and action not in ("pt", "pd"):
        draft = broadcasts.toggle_party(
            session=session, actor=actor, broadcast_id=broadcast_id, party_id=int(action[1:])
        )
    elif action == "pt":
        draft = broadcasts.choose_audience(
            session=session, actor=actor, broadcast_id=broadcast_id, audience=Audience.PARTIES
        )
    else:  # "pd" done choosing parties, "au" back to the audience choice
        draft = broadcasts.get(session=session, actor=actor, broadcast_id=broadcast_id)
        if action == "au":
            draft = broadcasts.choose_audience(
                session=session, actor=actor, broadcast_id=broadcast_id, audience=Audience.ALL
            )
            draft.audience = None
    if draft.audience is Audience.PARTIES and action != "pd":
        return draft, [p for p, _ in parties.list_parties(session=session)], None
    if draft.audience is None:
        return draft, [], None
    if action == "pd" and not draft.party_ids:
        raise BadInput("Tap at least one party first.")
    return draft, [], broadcasts.recipients(session=session, broadcast=draft)


@friendly_errors
async def list_broadcasts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/broadcasts: recent broadcasts with their counts (secretariat)."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    rows = await app_context(context).db.run(lambda session: broadcasts.recent(session=session, actor=actor))
    lang = (await chat_translator(update, context, actor)).lang
    text = broadcasts_list(rows, actor.timezone, lang)
    assert update.effective_message is not None
    await update.effective_message.reply_text(text)


async def got_it(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A recipient acknowledges a broadcast."""
    query = update.callback_query
    assert query is not None
    match = _ACK.fullmatch(query.data or "")
    delivery_id = limits.parse_id(match[1]) if match else None
    chat = update.effective_chat
    tr = await reader_translator(update, context, as_presser=True)  # an answer only the presser sees
    if delivery_id is None or chat is None:
        await query.answer(tr.gettext("This button is no longer valid."))
        return
    now = clock.now()
    ok = await app_context(context).db.run(
        lambda session: broadcasts.acknowledge(
            session=session, delivery_id=delivery_id, chat_id=chat.id, now=now
        )
    )
    await query.answer(
        tr.gettext("Thanks — noted. 👍") if ok else tr.gettext("This button is no longer valid.")
    )
