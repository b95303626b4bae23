"""Python side of the emulator's control API: act as users and read what the bot sent."""

from __future__ import annotations

import asyncio
import base64
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_WAIT = 10.0


@dataclass
class Sent:
    """A message the bot sent (or an edit of one), as a user sees it."""

    seq: int
    kind: str
    chat_id: int
    message_id: int
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    # a sent file: Document (file_id, file_name, mime_type, file_size) or the largest PhotoSize
    # (file_id, width, height, file_size); ``EmulatorClient.download`` fetches the bytes
    document: dict[str, Any] | None = None
    photo: dict[str, Any] | None = None

    @property
    def file_id(self) -> str | None:
        media = self.document or self.photo
        return str(media["file_id"]) if media else None

    @property
    def buttons(self) -> list[str]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button["text"] for row in rows for button in row]

    @property
    def callback_data(self) -> list[str]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button.get("callback_data", "") for row in rows for button in row]


class ControlError(RuntimeError):
    pass


class EmulatorClient:
    """Drives an emulator over HTTP. Keeps a cursor so each call returns only new bot output."""

    def __init__(self, control_url: str) -> None:
        self.control_url = control_url.rstrip("/")
        self._http = httpx.AsyncClient(timeout=60)
        self.cursor = 0

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def call(self, action: str, **params: Any) -> Any:
        response = await self._http.post(f"{self.control_url}/{action}", json=params)
        body = response.json()
        if not body.get("ok"):
            raise ControlError(body.get("description", "control API error"))
        return body["result"]

    # -- the world ---------------------------------------------------------------------------
    async def user(
        self,
        first_name: str,
        *,
        username: str | None = None,
        started: bool = False,
        user_id: int | None = None,
        language_code: str | None = "en",
    ) -> int:
        """A new user; ``language_code=None``: Telegram sends none for them."""
        result = await self.call(
            "users",
            first_name=first_name,
            username=username,
            started=started,
            id=user_id,
            language_code=language_code,
        )
        return int(result["id"])

    async def group(self, title: str, member_ids: list[int], *, supergroup: bool = False) -> int:
        result = await self.call("groups", title=title, member_ids=member_ids, supergroup=supergroup)
        return int(result["id"])

    async def block(self, user_id: int, blocked: bool = True) -> None:
        await self.call("block", user_id=user_id, blocked=blocked)

    async def migrate(self, chat_id: int) -> int:
        return int((await self.call("migrate", chat_id=chat_id))["new_chat_id"])

    async def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("stats")
        return result

    # -- acting --------------------------------------------------------------------------------
    async def send(
        self, user_id: int, text: str, *, chat_id: int | None = None, reply_to: int | None = None
    ) -> int:
        """Send a message as a user (without waiting); return its message id."""
        result = await self.call(
            "messages", user_id=user_id, text=text, chat_id=chat_id, reply_to_message_id=reply_to
        )
        return int(result["message_id"])

    async def send_document(
        self,
        user_id: int,
        file_name: str,
        content: bytes,
        *,
        caption: str = "",
        chat_id: int | None = None,
        mime_type: str | None = None,
    ) -> int:
        result = await self.call(
            "documents",
            user_id=user_id,
            file_name=file_name,
            content_b64=base64.b64encode(content).decode(),
            caption=caption,
            chat_id=chat_id,
            mime_type=mime_type,
        )
        return int(result["message_id"])

    async def download(self, sent: Sent | str) -> bytes:
        """The bytes of a document or photo the bot sent (a ``Sent`` or a file_id)."""
        file_id = sent if isinstance(sent, str) else sent.file_id
        if file_id is None:
            raise ControlError("that message has no file")
        result = await self.call("files", file_id=file_id)
        return base64.b64decode(result["content_b64"])

    async def events(
        self, *, after: int | None = None, timeout: float = 0.0, chat_id: int | None = None
    ) -> list[Sent]:
        raw = await self.call(
            "events", after=self.cursor if after is None else after, timeout=timeout, chat_id=chat_id
        )
        return [Sent(**e) for e in raw]

    async def replies(self, chat_id: int, count: int = 1, timeout: float = DEFAULT_WAIT) -> list[Sent]:
        """Wait for ``count`` new bot outputs in ``chat_id`` and advance the cursor past them."""
        deadline = time.monotonic() + timeout
        found: list[Sent] = []
        after = self.cursor
        while len(found) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            new = await self.events(after=after, chat_id=chat_id, timeout=remaining)
            if new:
                found += new
                after = new[-1].seq
        if len(found) < count:
            seen = [s.text[:80] for s in found]
            raise AssertionError(
                f"expected {count} bot message(s) in chat {chat_id}, got {len(found)}: {seen}"
            )
        self.cursor = max(self.cursor, found[count - 1].seq)
        return found[:count]

    async def say(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to: int | None = None,
        expect: int = 1,
        timeout: float = DEFAULT_WAIT,
    ) -> list[Sent]:
        """Send as a user and return the bot's next ``expect`` outputs in that chat."""
        await self.skip()
        await self.send(user_id, text, chat_id=chat_id, reply_to=reply_to)
        return await self.replies(chat_id if chat_id is not None else user_id, expect, timeout)

    async def ask(self, user_id: int, text: str, **kwargs: Any) -> Sent:
        """Send as a user and return the bot's single reply."""
        return (await self.say(user_id, text, **kwargs))[0]

    async def press(
        self,
        user_id: int,
        message: Sent,
        button: str | int | None = None,
        *,
        data: str | None = None,
        expect: int = 0,
        timeout: float = DEFAULT_WAIT,
        inaccessible: bool = False,
    ) -> tuple[dict[str, Any], list[Sent]]:
        """Press a button (by text or index) or send forged callback ``data``; ``inaccessible``
        presses it as if the message were too old for the bot to see (over 48 h).

        Returns the callback answer (waits until the bot answered) and ``expect`` outputs.
        """
        await self.skip()
        result = await self.call(
            "press",
            user_id=user_id,
            chat_id=message.chat_id,
            message_id=message.message_id,
            button=button,
            data=data,
            inaccessible=inaccessible,
        )
        deadline = time.monotonic() + timeout
        answer: dict[str, Any] = {}
        while time.monotonic() < deadline:
            answer = await self.call("callback", id=result["callback_query_id"])
            if answer["answered"]:
                break
            await asyncio.sleep(0.02)
        if not answer.get("answered"):
            raise AssertionError("the bot did not answer the callback query")
        outputs = await self.replies(message.chat_id, expect, timeout) if expect else []
        return answer, outputs

    async def skip(self) -> None:
        """Move the cursor past everything the bot has sent so far."""
        stats = await self.call("stats")
        self.cursor = max(self.cursor, int(stats["events"]))

    async def quiet(self, chat_id: int | None = None, seconds: float = 0.3) -> list[Sent]:
        """What the bot sent (to ``chat_id``) within ``seconds``; normally asserted empty."""
        await asyncio.sleep(seconds)
        return await self.events(chat_id=chat_id)
