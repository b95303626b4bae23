"""The emulator's webhook delivery: POST each update to the webhook URL, as Telegram does.

While a webhook is set, every new update is POSTed as JSON with the
``X-Telegram-Bot-Api-Secret-Token`` header; a non-2xx answer or a connection error is retried
with backoff (and shown by getWebhookInfo's ``last_error_message``). At most ``max_connections``
requests are in flight, and a chat's next update waits until its previous one was accepted.

Telegram only calls HTTPS URLs; in production a reverse proxy terminates TLS and forwards to the
instances. ``route`` plays that proxy: requests to a public ``https://`` prefix go to local
``http://`` backends in turn (a load balancer), and a backend that refuses the connection is
skipped for the next one (a proxy's health check).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
REQUEST_TIMEOUT_SECONDS = 30.0
FIRST_RETRY_SECONDS = 0.05
MAX_RETRY_SECONDS = 2.0


def chat_of(update: dict[str, Any]) -> int:
    """The chat an update belongs to (its sender for updates without a chat)."""
    for value in update.values():
        if not isinstance(value, dict):
            continue
        chat = value.get("chat") or (value.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return int(chat["id"])
        sender = value.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return int(sender["id"])
    return 0


@dataclass
class Route:
    backends: list[str]
    turn: itertools.count[int] = field(default_factory=itertools.count)


@dataclass
class WebhookDelivery:
    """Delivers ``pending()`` updates, removing each with ``accepted(update_id)`` once answered 2xx."""

    pending: Callable[[], list[dict[str, Any]]]
    accepted: Callable[[int], None]
    url: str = ""
    secret_token: str = ""
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str = ""
    posts: int = 0  # every POST made, retries included
    delivered: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    _wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    _in_flight: dict[int, int] = field(default_factory=dict)  # update_id -> chat
    _task: asyncio.Task[None] | None = None
    _http: aiohttp.ClientSession | None = None

    def route(self, prefix: str, backends: list[str]) -> None:
        """Send requests for ``prefix`` (e.g. https://bot.example) to these http:// backends."""
        self.routes[prefix.rstrip("/")] = Route([b.rstrip("/") for b in backends])

    def set(self, url: str, *, secret_token: str, max_connections: int, allowed: list[str] | None) -> None:
        self.url, self.secret_token = url, secret_token
        self.max_connections, self.allowed_updates = max_connections, allowed
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="emulator webhook delivery")
        self.wake()

    async def delete(self) -> None:
        self.url = ""
        await self.stop()

    def wake(self) -> None:
        self._wakeup.set()

    @property
    def pending_count(self) -> int:
        return len(self.pending())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._http is not None:
            await self._http.close()
            self._http = None
        self._in_flight.clear()

    async def _run(self) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS))
        tasks: set[asyncio.Task[None]] = set()
        try:
            while self.url:
                self._wakeup.clear()
                busy_chats = set(self._in_flight.values())
                for update in self.pending():
                    if len(self._in_flight) >= self.max_connections:
                        break
                    update_id, chat = update["update_id"], chat_of(update)
                    if update_id in self._in_flight or chat in busy_chats:
                        continue  # a chat's updates go one after another
                    busy_chats.add(chat)
                    self._in_flight[update_id] = chat
                    task = asyncio.create_task(self._deliver(update))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                await self._wakeup.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _deliver(self, update: dict[str, Any]) -> None:
        update_id = update["update_id"]
        body = json.dumps(update)
        wait = FIRST_RETRY_SECONDS
        try:
            while self.url:
                error = await self._post(body)
                if error is None:
                    self.delivered += 1
                    self.accepted(update_id)
                    return
                self.last_error_date, self.last_error_message = int(time.time()), error
                await asyncio.sleep(wait)
                wait = min(wait * 2, MAX_RETRY_SECONDS)
        finally:
            self._in_flight.pop(update_id, None)
            self.wake()

    def _targets(self, url: str) -> list[str]:
        for prefix, route in self.routes.items():
            if url == prefix or url.startswith(prefix + "/"):
                rest = url[len(prefix) :]
                first = next(route.turn) % len(route.backends)
                order = route.backends[first:] + route.backends[:first]
                return [backend + rest for backend in order]
        return [url]

    async def _post(self, body: str) -> str | None:
        """One delivery attempt (over every backend a connection fails to); None when accepted."""
        assert self._http is not None
        headers = {"Content-Type": "application/json"}
        if self.secret_token:
            headers[SECRET_HEADER] = self.secret_token
        error = "Connection refused"
        for target in self._targets(self.url):
            self.posts += 1
            try:
                async with self._http.post(target, data=body, headers=headers) as response:
                    await response.read()
                    if 200 <= response.status < 300:
                        return None
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
            except (aiohttp.ClientConnectionError, TimeoutError) as exc:
                error = f"Connection failed: {type(exc).__name__}"
        return error
