"""The one error handler: log the failure, tell the user briefly, never crash the bot."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes

from bot.handlers.common import reader_translator
from core.i18n import N_, Translator, pick_language, translator
from storage.db import current_work

log = logging.getLogger(__name__)

SORRY = N_("Sorry, something went wrong on my side and nothing was changed. Please try again.")
READ_LANGUAGE_SECONDS = 2.0  # the reader's language is worth a quick look, not a wait


async def _reader(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Translator:
    """The language of whoever reads the apology: the member's (or the group's) when the database
    answers quickly, else Telegram's language_code, since the database may be what failed."""
    user = update.effective_user
    telegram = translator(pick_language(user.language_code if user else None))
    try:
        return await asyncio.wait_for(
            reader_translator(update, context, as_presser=update.callback_query is not None),
            READ_LANGUAGE_SECONDS,
        )
    except Exception:  # never fail while apologising for a failure (or wait long)
        log.debug("could not read the reader's language; using Telegram's", exc_info=True)
        return telegram


SAVED_BUT = N_(
    "Your change was saved, but something went wrong after it on my side "
    "(reminders will be brought up to date shortly). No need to send it again."
)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log a handler failure; tell the user honestly whether their change was saved."""
    error = context.error
    if isinstance(error, TimedOut | NetworkError | RetryAfter) and not isinstance(update, Update):
        log.warning("network trouble while polling: %s", error)
        return
    log.error("handler failed for update %s", getattr(update, "update_id", "?"), exc_info=error)
    if not isinstance(update, Update):
        return
    if isinstance(error, BadRequest) and "query is too old" in error.message.lower():
        # a button pressed long ago (e.g. handled again after a restart): it can't be answered
        # any more; what it changed was saved, and there is nobody waiting for an answer
        log.info("update %s: the button press is too old to answer", update.update_id)
        return
    mark = current_work.get()
    saved = mark is not None and mark.done
    try:
        text = (await _reader(update, context)).gettext(SAVED_BUT if saved else SORRY)
        if update.callback_query is not None:
            await update.callback_query.answer(text[:200], show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(text)
    except Exception:  # the reply is best effort; the failure is already logged
        log.debug("could not tell the user about the failure", exc_info=True)
