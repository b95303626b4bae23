"""Flood control for the whole bot: Telegram's limits as sliding windows, plus retries on 429.

Telegram allows about 30 messages a second overall, 20 a minute per group and one a second per
private chat. PTB's AIORateLimiter uses leaky buckets that allow bursts a strict sliding-window
count would refuse, and does not pace private chats; so the windows here are our own, and
AIORateLimiter is kept for what it does well: retrying after a 429's ``retry_after``.
All of the bot's traffic passes through one limiter: replies, reminders and broadcasts alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

JSONDict = dict[str, Any]
# 30 messages per 1.01 s: never more than 30 in any second Telegram measures, even with a few
# milliseconds of network jitter, and still about 29 a second.
OVERALL_LIMIT, OVERALL_PERIOD = 30, 1.01
GROUP_PER_MINUTE = 19
PRIVATE_INTERVAL = 1.0
MAX_TRACKED_CHATS = 4096


class SlidingWindow:
    """At most ``limit`` acquisitions in any ``period`` seconds; waiters go in order."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self._times: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._times and self._times[0] <= now - self.period:
                    self._times.popleft()
                if len(self._times) < self.limit:
                    self._times.append(now)
                    return
                await asyncio.sleep(self._times[0] + self.period - now + 0.001)

    def idle(self) -> bool:
        return not self._times or self._times[-1] <= time.monotonic() - self.period


class PacedRateLimiter(AIORateLimiter):
    def __init__(self, *, max_retries: int = 5) -> None:
        # PTB's own buckets off: ours below are stricter; PTB keeps the 429 retries.
        super().__init__(overall_max_rate=0, group_max_rate=0, max_retries=max_retries)
        self._overall = SlidingWindow(OVERALL_LIMIT, OVERALL_PERIOD)
        self._chats: dict[int, SlidingWindow] = {}

    def _chat_window(self, chat_id: int) -> SlidingWindow:
        if len(self._chats) > MAX_TRACKED_CHATS:
            for key, window in list(self._chats.items()):
                if window.idle():
                    del self._chats[key]
        if chat_id not in self._chats:
            self._chats[chat_id] = (
                SlidingWindow(1, PRIVATE_INTERVAL) if chat_id > 0 else SlidingWindow(GROUP_PER_MINUTE, 60.0)
            )
        return self._chats[chat_id]

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat_id: int | None = None
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(data.get("chat_id"))  # type: ignore[arg-type]
        if chat_id is not None:
            await self._chat_window(chat_id).acquire()
            await self._overall.acquire()
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)


def retry_after(exc: RetryAfter) -> timedelta:
    """How long Telegram asked us to wait (PTB is moving this attribute from int to timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=value)
