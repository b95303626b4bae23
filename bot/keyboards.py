"""Inline keyboards and the callback-data codec: ``st:<item>:<code>`` and ``nt:<item>``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.limits import CALLBACK_DATA_MAX_BYTES
from bot.render import status_button
from core import limits
from core.i18n import LANGUAGE_NAMES, LANGUAGES, SOURCE_LANGUAGE, translator
from core.items import ItemCard
from core.permissions import Actor, can_note, settable_statuses
from storage.models import Status

STATUS_CODES = {
    Status.OPEN: "o",
    Status.IN_PROGRESS: "p",
    Status.DONE: "d",
    Status.BLOCKED: "b",
    Status.DROPPED: "x",
}
_CODE_STATUS = {code: status for status, code in STATUS_CODES.items()}
_PATTERN = re.compile(r"(?P<kind>st|nt):(?P<item>[1-9]\d{0,29})(?::(?P<code>[opdbx]))?")


@dataclass(frozen=True)
class ButtonAction:
    kind: str  # "status" | "note"
    item_id: int
    status: Status | None = None


def _checked(data: str) -> str:
    if not 1 <= len(data.encode()) <= CALLBACK_DATA_MAX_BYTES:
        raise ValueError(f"callback data out of Telegram's 1-64 byte range: {data!r}")
    return data


def encode_status(item_id: int, status: Status) -> str:
    return _checked(f"st:{item_id}:{STATUS_CODES[status]}")


def encode_note(item_id: int) -> str:
    return _checked(f"nt:{item_id}")


def decode(data: str | None) -> ButtonAction | None:
    """The action a button stands for, or None for anything forged or malformed."""
    match = _PATTERN.fullmatch(data or "")
    item_id = limits.parse_id(match["item"]) if match else None
    if match is None or item_id is None:  # forged, or a number no item can have
        return None
    if match["kind"] == "st":
        if match["code"] is None:
            return None
        return ButtonAction("status", item_id, _CODE_STATUS[match["code"]])
    if match["code"] is not None:
        return None
    return ButtonAction("note", item_id)


def item_keyboard(
    item_id: int,
    statuses: Sequence[Status],
    current: Status,
    *,
    can_note: bool,
    lang: str = SOURCE_LANGUAGE,
) -> InlineKeyboardMarkup | None:
    """Buttons for each status the user may set (but the current one) and "Add note"."""
    buttons = [
        InlineKeyboardButton(status_button(s, lang), callback_data=encode_status(item_id, s))
        for s in statuses
        if s is not current
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if can_note:
        label = "📝 " + translator(lang).gettext("Add note")
        rows.append([InlineKeyboardButton(label, callback_data=encode_note(item_id))])
    return InlineKeyboardMarkup(rows) if rows else None


def card_keyboard(card: ItemCard, actor: Actor, lang: str = SOURCE_LANGUAGE) -> InlineKeyboardMarkup | None:
    """The buttons this person may press under an item's card or reminder, in ``lang``."""
    owner_ids = card.owner_ids
    return item_keyboard(
        card.number,
        settable_statuses(actor, owner_ids),
        card.item.status,
        can_note=can_note(actor, owner_ids),
        lang=lang,
    )


LANGUAGE_PREFIX = "lg:"


def language_keyboard() -> InlineKeyboardMarkup:
    """One button per language, each named in its own language: ``lg:<code>``."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(LANGUAGE_NAMES[lang], callback_data=_checked(LANGUAGE_PREFIX + lang))
                for lang in LANGUAGES
            ]
        ]
    )


def decode_language(data: str | None) -> str | None:
    """The language a ``lg:`` button stands for, or None for anything forged or no longer offered."""
    lang = (data or "").removeprefix(LANGUAGE_PREFIX)
    return lang if (data or "").startswith(LANGUAGE_PREFIX) and lang in LANGUAGES else None
