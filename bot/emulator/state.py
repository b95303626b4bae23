"""The emulator's world: users, chats, messages, updates, callback queries, flood counters."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any


class ApiError(Exception):
    """An error answered in Telegram's envelope: {"ok": false, "error_code", "description"}."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad_request(description: str, parameters: dict[str, Any] | None = None) -> ApiError:
    return ApiError(400, f"Bad Request: {description}", parameters)


@dataclass
class User:
    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "en"  # None: Telegram sends no language_code for this user
    started: bool = False  # has opened a private chat with the bot
    blocked: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code is not None:
            data["language_code"] = self.language_code
        return data


@dataclass
class Chat:
    id: int
    type: str  # private | group | supergroup
    title: str | None = None
    member_ids: set[int] = field(default_factory=set)
    migrated_to: int | None = None
    next_message_id: int = 1

    def to_api(self, users: dict[int, User]) -> dict[str, Any]:
        if self.type == "private":
            user = users[self.id]
            data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": user.first_name}
            if user.username:
                data["username"] = user.username
            return data
        return {"id": self.id, "type": self.type, "title": self.title or ""}


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    date: int
    from_bot: bool
    from_user_id: int | None
    text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    document: dict[str, Any] | None = None
    photo: list[dict[str, Any]] | None = None  # PhotoSize objects, smallest first
    media_group_id: str | None = None  # an album sent with sendMediaGroup
    caption: str | None = None
    edit_date: int | None = None
    inaccessible: bool = False  # too old for the bot to see or edit (Bot API's InaccessibleMessage)


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False


@dataclass
class SentEvent:
    """Something the bot did that a user would see: a new message or an edit."""

    seq: int
    kind: str  # send | edit
    chat_id: int
    message_id: int
    text: str
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    reply_to_message_id: int | None
    document: dict[str, Any] | None = None
    photo: dict[str, Any] | None = None  # the largest PhotoSize (file_id, width, height, file_size)
    at: float = 0.0  # time.monotonic() when the emulator accepted it

    def to_api(self) -> dict[str, Any]:
        data = self.__dict__.copy()
        data.pop("at")
        return data


@dataclass
class FloodPolicy:
    """Telegram's flood limits; ``None`` disables one."""

    global_per_second: int | None = 30
    group_per_minute: int | None = 20
    private_per_second: float | None = 1.0
    # "avoid more than one message per second — short bursts are allowed"
    private_burst: float = 3.0
    # A bot answering what a person just wrote is not flooding them: each message or button
    # press in a private chat lets the bot send one message within this many seconds, unpaced
    # (any message to that chat uses such an answer first, then the burst/1 s allowance).
    reply_window_seconds: float = 5.0
    max_pending_replies: int | None = None
    tolerance_seconds: float = 0.05

    @classmethod
    def off(cls) -> FloodPolicy:
        return cls(None, None, None)


class FloodControl:
    """Counts what the bot sends and answers 429 with ``retry_after`` above the limits."""

    def __init__(self, policy: FloodPolicy) -> None:
        self.policy = policy
        self._global: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}
        self._private: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)
        self._replies_due: dict[int, deque[float]] = {}  # private chat -> when the person wrote
        self.rejected = 0

    def person_wrote(self, chat: Chat, now: float | None = None) -> None:
        """A person wrote in (or pressed a button in) a private chat: one answer is not paced."""
        if chat.type != "private":
            return
        now = time.monotonic() if now is None else now
        due = self._replies_due.setdefault(chat.id, deque())
        due.append(now)
        limit = self.policy.max_pending_replies
        while limit is not None and len(due) > limit:
            due.popleft()

    def _take_reply(self, chat: Chat, now: float) -> bool:
        due = self._replies_due.get(chat.id)
        while due and due[0] < now - self.policy.reply_window_seconds:
            due.popleft()
        if due:
            due.popleft()
            return True
        return False

    def check(self, chat: Chat, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        p = self.policy
        tol = p.tolerance_seconds
        if p.global_per_second:
            window = self._global
            while window and window[0] <= now - 1 + tol:
                window.popleft()
            if len(window) >= p.global_per_second:
                self._reject(window[0] + 1 - now)
        if chat.type != "private" and p.group_per_minute:
            window = self._groups.setdefault(chat.id, deque())
            while window and window[0] <= now - 60 + tol:
                window.popleft()
            if len(window) >= p.group_per_minute:
                self._reject(window[0] + 60 - now)
        tokens = 0.0
        replying = chat.type == "private" and p.private_per_second and self._take_reply(chat, now)
        if chat.type == "private" and p.private_per_second and not replying:
            tokens, at = self._private.get(chat.id, (p.private_burst, now))
            tokens = min(p.private_burst, tokens + (now - at) * p.private_per_second)
            if tokens < 1 - tol * p.private_per_second:
                self._reject((1 - tokens) / p.private_per_second)
        # accepted: count it everywhere
        if p.global_per_second:
            self._global.append(now)
        if chat.type != "private" and p.group_per_minute:
            self._groups[chat.id].append(now)
        if chat.type == "private" and p.private_per_second and not replying:
            self._private[chat.id] = (max(tokens - 1, 0.0), now)

    def _reject(self, wait: float) -> None:
        self.rejected += 1
        retry_after = max(1, int(wait + 0.999))
        raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


@dataclass
class World:
    bot_id: int
    bot_username: str
    bot_name: str
    users: dict[int, User] = field(default_factory=dict)
    chats: dict[int, Chat] = field(default_factory=dict)
    messages: dict[tuple[int, int], StoredMessage] = field(default_factory=dict)
    callbacks: dict[str, CallbackQuery] = field(default_factory=dict)
    files: dict[str, tuple[dict[str, Any], bytes]] = field(default_factory=dict)  # id -> (meta, bytes)
    file_kinds: dict[str, str] = field(default_factory=dict)  # id -> "document" | "photo"
    photos: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # any size's id -> sizes
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    events: list[SentEvent] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    webhook_url: str = ""

    def chat(self, chat_id: Any) -> Chat:
        try:
            key = int(chat_id)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        chat = self.chats.get(key)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def store(self, message: StoredMessage) -> StoredMessage:
        self.messages[(message.chat_id, message.message_id)] = message
        return message

    def new_message_id(self, chat: Chat) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def message_to_api(self, message: StoredMessage, *, with_reply: bool = True) -> dict[str, Any]:
        chat = self.chats[message.chat_id]
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": chat.to_api(self.users),
        }
        if message.from_bot:
            data["from"] = {
                "id": self.bot_id,
                "is_bot": True,
                "first_name": self.bot_name,
                "username": self.bot_username,
            }
        elif message.from_user_id is not None:
            data["from"] = self.users[message.from_user_id].to_api()
        media = message.document is not None or message.photo is not None
        if message.document is not None:
            data["document"] = message.document
        if message.photo is not None:
            data["photo"] = message.photo
        if message.media_group_id is not None:
            data["media_group_id"] = message.media_group_id
        if media:
            if message.caption:
                data["caption"] = message.caption
        else:
            data["text"] = message.text
        if message.entities:
            data["caption_entities" if media else "entities"] = message.entities
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.edit_date:
            data["edit_date"] = message.edit_date
        if with_reply and message.reply_to_message_id is not None:
            replied = self.messages.get((message.chat_id, message.reply_to_message_id))
            if replied is not None:
                data["reply_to_message"] = self.message_to_api(replied, with_reply=False)
        return data
