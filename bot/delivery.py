"""The one way out to Telegram for bulk traffic: send, and say what happened.

Reminders, digests and broadcasts all send through ``send_chunks``, which never raises (except
on cancellation): it returns an ``Outcome`` that says whether the message was sent, should be
retried later (429, network, 5xx, anything unexpected), or failed for good (blocked, never
started, chat not found, refused), or the group moved to a new chat id. The callers keep
their own books (follow-up ledger, broadcast deliveries).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum

from sqlmodel import Session
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.metrics import send_kind
from bot.ratelimit import retry_after
from core.i18n import N_
from storage.db import Database

log = logging.getLogger(__name__)
SETTLE_TRIES = 6  # about 30 s of a database that doesn't answer


class Result(Enum):
    SENT = "sent"
    RETRY = "retry"  # try again after ``wait``
    UNREACHABLE = "unreachable"  # the person blocked the bot, never started it, or the chat is gone
    FAILED = "failed"  # Telegram refused this message; sending it again won't help
    MIGRATED = "migrated"  # the group became a supergroup: send to ``new_chat_id``


@dataclass(frozen=True)
class Outcome:
    result: Result
    reason: str = ""
    wait: timedelta = timedelta(0)
    new_chat_id: int | None = None
    message_ids: list[int] = field(default_factory=list)


# why a chat can't be reached (403, 400), recorded in English and shown in the reader's language
BLOCKED = N_("blocked the bot")
NEVER_STARTED = N_("never started the bot")
REMOVED = N_("the bot was removed from the group")
DELETED = N_("the account was deleted")
CHAT_NOT_FOUND = N_("chat not found")
UNREACHABLE_REASONS = (BLOCKED, NEVER_STARTED, REMOVED, DELETED, CHAT_NOT_FOUND)


def forbidden_reason(message: str) -> str:
    text = message.lower()
    if "blocked" in text:
        return BLOCKED
    if "initiate" in text:
        return NEVER_STARTED
    if "kicked" in text or "not a member" in text:
        return REMOVED
    if "deactivated" in text:
        return DELETED
    return message


async def send_chunks(
    bot: Bot,
    chat_id: int,
    chunks: list[str],
    markup: InlineKeyboardMarkup | None = None,
    *,
    what: str,
    retry_wait: timedelta = timedelta(minutes=2),
) -> Outcome:
    """Send ``chunks`` in order (the markup under the last); classify any failure."""
    sent: list[int] = []
    kind = send_kind.set(what.split()[0].replace("-", ""))  # "follow-up 12:…" -> followup (metrics)
    try:
        for n, chunk in enumerate(chunks):
            message = await bot.send_message(
                chat_id, chunk, reply_markup=markup if n == len(chunks) - 1 else None
            )
            sent.append(message.message_id)
    except ChatMigrated as exc:
        return Outcome(Result.MIGRATED, "group migrated", new_chat_id=exc.new_chat_id, message_ids=sent)
    except Forbidden as exc:
        log.info("%s: recipient unreachable (%s)", what, exc.message)
        return Outcome(Result.UNREACHABLE, forbidden_reason(exc.message), message_ids=sent)
    except BadRequest as exc:
        if "chat not found" in exc.message.lower():
            return Outcome(Result.UNREACHABLE, CHAT_NOT_FOUND, message_ids=sent)
        log.warning("%s refused: %s", what, exc.message)
        return Outcome(Result.FAILED, exc.message, message_ids=sent)
    except RetryAfter as exc:
        return Outcome(Result.RETRY, str(exc), wait=max(retry_wait, retry_after(exc)), message_ids=sent)
    except (TimedOut, NetworkError) as exc:
        return Outcome(Result.RETRY, str(exc) or type(exc).__name__, wait=retry_wait, message_ids=sent)
    except Exception as exc:  # anything PTB doesn't classify: log once, retry later, go on
        log.exception("%s: unexpected error while sending; will retry", what)
        return Outcome(Result.RETRY, f"unexpected error: {exc!r}"[:300], wait=retry_wait, message_ids=sent)
    finally:
        send_kind.reset(kind)
    return Outcome(Result.SENT, message_ids=sent)


async def settle(db: Database, record: Callable[[Session], None], *, what: str) -> bool:
    """Record a send's outcome, retrying through a database hiccup: the message went out (or
    not), so recording it must not be given up lightly; if it is, the row's lease brings it back."""
    for attempt in range(SETTLE_TRIES):
        try:
            await db.run(record, completes_work=False)
            return True
        except Exception:
            log.warning("%s: could not record the outcome (try %d)", what, attempt + 1, exc_info=True)
            await asyncio.sleep(min(0.5 * 2**attempt, 10))
    log.error("%s: outcome not recorded; the lease will retry it (a duplicate is possible)", what)
    return False
