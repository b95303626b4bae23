"""Shared handler plumbing: who is asking, friendly errors, replies that respect Telegram."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from telegram import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.context import app_context
from bot.jobs import replan_after
from bot.keyboards import card_keyboard
from bot.render import esc, item_card, stranger_text
from core import clock, groups, members
from core.errors import UserError
from core.i18n import N_, SOURCE_LANGUAGE, Translator, pick_language, translator
from core.items import ItemCard
from core.permissions import Actor, can_note
from core.schedule import PlanScope

log = logging.getLogger(__name__)

MAX_ERROR_TEXT = 500  # an error quoting what was typed must stay short, whatever was typed


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters: long quoted input is cut in the middle with an ellipsis."""
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return text[:keep] + "…" + text[-keep:]


GROUP_OFF = N_("NextSteps isn't switched on in this group. The secretariat can do it with /group on.")
NOT_REGISTERED = N_("You are not registered. Ask the secretariat for an invite.")
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


async def ask_for_reply(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, *, placeholder: str | None = None
) -> Message:
    """A prompt that forces a reply from the person who asked, and only them.

    ``ForceReply(selective=True)`` targets the users mentioned in the text and the sender of the
    message replied to; a prompt sent after a button press in a group does neither by itself, so
    there it mentions the presser (and replies to their message when there is one).
    """
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    reply_to = None
    if not is_private(update) and user is not None:
        text = f"{user.mention_html()} {text}"
        if update.message is not None:
            reply_to = ReplyParameters(update.message.message_id, allow_sending_without_reply=True)
    return await context.bot.send_message(
        chat.id,
        text,
        reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder),
        reply_parameters=reply_to,
    )


def display_name(update: Update) -> str:
    user = update.effective_user
    return user.full_name if user else ""


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == "private"


async def current_actor(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Actor | None:
    """The member behind this update, or None for a stranger."""
    user = update.effective_user
    if user is None:
        return None
    ctx = app_context(context)
    in_private_chat = is_private(update)
    # a first contact may create or update the member: incidental, not the update's own change
    actor = await ctx.db.run(
        lambda session: members.find_actor(
            session=session,
            user_id=user.id,
            display_name=user.full_name,
            admins=ctx.admins,
            default_timezone=ctx.default_timezone,
            in_private_chat=in_private_chat,
            language_code=user.language_code,
        ),
        completes_work=False,
    )
    if actor is not None and actor.joined_now:
        await replan_after(ctx, PlanScope.members([actor.member_id]))
    return actor


def _in_group(update: Update) -> bool:
    return update.effective_chat is not None and not is_private(update)


def telegram_translator(update: Update) -> Translator:
    """The language Telegram says this user reads: for strangers, and when the database can't be asked."""
    user = update.effective_user
    return translator(pick_language(user.language_code if user else None))


async def chat_translator(
    update: Update, context: ContextTypes.DEFAULT_TYPE, actor: Actor | None
) -> Translator:
    """The language to write in here: a group's is the one the secretariat set there (English until
    then), since everyone there reads it; a private chat's is the member's own."""
    if _in_group(update):
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        language = await app_context(context).db.run(
            lambda session: groups.language_of(session=session, chat_id=chat_id), completes_work=False
        )
        return translator(language or SOURCE_LANGUAGE)
    return translator(actor.language) if actor is not None else telegram_translator(update)


async def reader_translator(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, as_presser: bool = False
) -> Translator:
    """The language of whoever reads the reply, when the handler's actor isn't at hand (errors):
    the group's for a message in a group, else the member's own (Telegram's for a stranger)."""
    if _in_group(update) and not as_presser:
        return await chat_translator(update, context, None)
    user = update.effective_user
    if user is None:
        return translator(SOURCE_LANGUAGE)
    user_id = user.id
    language = await app_context(context).db.run(
        lambda session: members.language_of(session=session, user_id=user_id), completes_work=False
    )
    return translator(language) if language else telegram_translator(update)


def _quiet_in_group(update: Update) -> bool:
    """A plain reply in a group that isn't for us to answer: ignored silently, not with an error."""
    message = update.effective_message
    return (
        _in_group(update)
        and update.callback_query is None
        and message is not None
        and message.reply_to_message is not None
        and not (message.text or "").startswith("/")
    )


async def require_actor(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, in_disabled_group: bool = False
) -> Actor | None:
    """The member behind this update, or None after telling them why not.

    A stranger gets the how-to-join text in a private chat and nothing in a group. In a group
    the secretariat hasn't enabled (``/group on``), item commands get a one-line hint, unless
    ``in_disabled_group`` (commands that show no item data)."""
    actor = await current_actor(update, context)
    query = update.callback_query
    message = update.effective_message
    if actor is None:
        tr = telegram_translator(update)
        if query is not None:
            await query.answer(tr.gettext(NOT_REGISTERED))
        elif message is not None and not _in_group(update):
            await message.reply_text(stranger_text(tr))
        return None
    if _in_group(update) and not in_disabled_group:
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        enabled = await app_context(context).db.run(
            lambda session: groups.is_enabled(session=session, chat_id=chat_id), completes_work=False
        )
        if not enabled:
            if query is not None:  # an alert only the presser sees
                await query.answer(translator(actor.language).gettext(GROUP_OFF), show_alert=True)
            elif message is not None and not _quiet_in_group(update):
                tr = await chat_translator(update, context, actor)
                await message.reply_text(tr.gettext(GROUP_OFF))
            return None
    return actor


def friendly_errors(handler: Handler) -> Handler:
    """Turn a UserError into a short reply (or callback alert); nothing was changed."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await handler(update, context)
        except UserError as exc:
            if _quiet_in_group(update):
                log.info("ignored a reply in a group: %s", exc)
            elif update.callback_query is not None:  # an alert only the presser sees: their language
                tr = await reader_translator(update, context, as_presser=True)
                await update.callback_query.answer(exc.translated(tr)[:200], show_alert=True)
            elif update.effective_message is not None:
                tr = await reader_translator(update, context)
                text = shorten(exc.translated(tr), MAX_ERROR_TEXT)
                await update.effective_message.reply_text(esc(text))

    return wrapper


async def reply_chunks(update: Update, chunks: Sequence[str]) -> list[Message]:
    """Send each chunk as its own message, the first as a reply to the user's message."""
    message = update.effective_message
    assert message is not None
    sent = []
    for chunk in chunks:
        sent.append(await message.reply_text(chunk))
    return sent


async def send_card(
    update: Update, context: ContextTypes.DEFAULT_TYPE, actor: Actor, card: ItemCard, prefix: str = ""
) -> None:
    """Reply with an item's full card and the buttons this user may press."""
    message = update.effective_message
    assert message is not None
    today = clock.today_in(actor.timezone)
    lang = (await chat_translator(update, context, actor)).lang
    notes = can_note(actor, card.owner_ids)
    card_text = item_card(card, today, actor.timezone, context.bot.username, lang, notes=notes)
    text = (prefix + "\n\n" if prefix else "") + card_text
    await message.reply_text(text, reply_markup=card_keyboard(card, actor, lang))


_GONE = ("message can't be edited", "message to edit not found", "message_id_invalid")


async def show_in_place(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit the message a button was pressed on; once Telegram no longer lets the bot edit it
    (an ``InaccessibleMessage`` older than 48 h, or deleted), send the text as a new message."""
    query = update.callback_query
    assert query is not None
    message = query.message
    # PTB parses a callback's message as a Message even when Telegram sent an inaccessible one
    if isinstance(message, Message) and message.is_accessible:
        try:
            await query.edit_message_text(text, reply_markup=reply_markup)
            return
        except BadRequest as exc:
            reason = exc.message.lower()
            if "message is not modified" in reason:
                return
            if not any(gone in reason for gone in _GONE):
                raise
            log.info("could not edit the message (%s); sending a new one", exc.message)
    chat_id = message.chat.id if message is not None else query.from_user.id
    await context.bot.send_message(chat_id, text, reply_markup=reply_markup)


async def edit_card(update: Update, context: ContextTypes.DEFAULT_TYPE, actor: Actor, card: ItemCard) -> None:
    """Refresh the card a button was pressed on; send a fresh one if it can't be edited."""
    today = clock.today_in(actor.timezone)
    lang = (await chat_translator(update, context, actor)).lang
    notes = can_note(actor, card.owner_ids)
    text = item_card(card, today, actor.timezone, context.bot.username, lang, notes=notes)
    await show_in_place(update, context, text, reply_markup=card_keyboard(card, actor, lang))


async def drop_item_buttons(query: CallbackQuery, item_id: int) -> None:
    """Remove one item's status buttons from a list message after it was updated."""
    message = query.message
    if not isinstance(message, Message) or not message.is_accessible or message.reply_markup is None:
        return
    prefixes = (f"st:{item_id}:", f"nt:{item_id}")
    rows = [
        [b for b in row if not (b.callback_data and str(b.callback_data).startswith(prefixes))]
        for row in message.reply_markup.inline_keyboard
    ]
    rows = [row for row in rows if row]
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
    except BadRequest as exc:
        reason = exc.message.lower()
        if "message is not modified" not in reason and not any(gone in reason for gone in _GONE):
            raise
