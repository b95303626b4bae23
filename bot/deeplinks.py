"""Item links: ``https://t.me/<bot>?start=i<N>`` on every "#N" the bot writes.

Tapping one opens the item in the bot; and because Telegram hands the bot the entities of
the message a user replies to, the link tells which item a reply is about — no lookup table.
"""

from __future__ import annotations

import re

from telegram import MaybeInaccessibleMessage, Message, MessageEntity
from telegram.helpers import create_deep_linked_url

ITEM_PAYLOAD = re.compile(r"i([1-9]\d{0,11})")
_ITEM_URL = re.compile(r"^https://t\.me/[A-Za-z0-9_]+\?start=i([1-9]\d{0,11})$")


def item_payload(item_id: int) -> str:
    return f"i{item_id}"


def item_url(bot_username: str, item_id: int) -> str:
    return create_deep_linked_url(bot_username, item_payload(item_id))


def parse_item_payload(payload: str) -> int | None:
    match = ITEM_PAYLOAD.fullmatch(payload)
    return int(match[1]) if match else None


def items_linked(message: MaybeInaccessibleMessage) -> set[int]:
    """The items a bot message links to (one for an item card, many for a list); none for a
    message Telegram no longer lets the bot see (``InaccessibleMessage``, e.g. older than 48 h)."""
    if not isinstance(message, Message) or not message.is_accessible:
        return set()
    found = set()
    for entity in message.entities or message.caption_entities or ():
        if entity.type == MessageEntity.TEXT_LINK and entity.url:
            match = _ITEM_URL.match(entity.url)
            if match:
                found.add(int(match[1]))
    return found
