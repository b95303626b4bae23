"""Unknown commands and stray text get a short pointer to /help; other bots' commands are ignored."""

from __future__ import annotations

from telegram import MessageEntity, Update
from telegram.ext import ContextTypes

from bot.handlers.common import chat_translator, current_actor, is_private, telegram_translator
from bot.render import esc, stranger_text


def _addressed_to_other_bot(update: Update, bot_username: str) -> bool:
    message = update.effective_message
    assert message is not None
    for entity, text in message.parse_entities([MessageEntity.BOT_COMMAND]).items():
        if entity.offset == 0 and "@" in text:
            return text.split("@", 1)[1].lower() != bot_username.lower()
    return False


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command we don't have."""
    message = update.effective_message
    assert message is not None and message.text is not None
    if _addressed_to_other_bot(update, context.bot.username):
        return
    if not is_private(update) and "@" not in message.text.split()[0]:
        return  # in groups, stay quiet unless addressed to us: it may be another bot's command
    actor = await current_actor(update, context)
    if actor is None:
        await message.reply_text(stranger_text(telegram_translator(update)))
        return
    command = message.text.split()[0].split("@")[0]
    tr = await chat_translator(update, context, actor)  # addressed to us in a group: the group's language
    await message.reply_text(
        tr.gettext("I don't know {command}. /help lists what you can do.").format(command=esc(command))
    )


async def stray_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Private text that is neither a command nor a reply to an item."""
    message = update.effective_message
    assert message is not None
    if not is_private(update):
        return
    actor = await current_actor(update, context)
    if actor is None:
        await message.reply_text(stranger_text(telegram_translator(update)))
        return
    tr = await chat_translator(update, context, actor)
    await message.reply_text(
        tr.gettext(
            "To add a note, reply to an item's message (or use /note N text). /help lists what you can do."
        )
    )
