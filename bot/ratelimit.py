"""Flood control for the whole bot: PTB's AIORateLimiter plus per-private-chat pacing.

AIORateLimiter limits the bot overall (30/s) and each group (20/min) but not private chats,
where Telegram allows about one message per second; this adds that, and retries on 429.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

JSONDict = dict[str, Any]
MAX_TRACKED_CHATS = 4096


class PacedRateLimiter(AIORateLimiter):
    def __init__(self, *, private_chat_rate: float = 1.0, max_retries: int = 5, **kwargs: Any) -> None:
        super().__init__(max_retries=max_retries, **kwargs)
        self._private_rate = private_chat_rate
        self._private: dict[int, AsyncLimiter] = {}

    def _private_limiter(self, chat_id: int) -> AsyncLimiter:
        if len(self._private) > MAX_TRACKED_CHATS:
            for key, limiter in list(self._private.items()):
                if limiter.has_capacity():
                    del self._private[key]
        if chat_id not in self._private:
            self._private[chat_id] = AsyncLimiter(max_rate=1, time_period=1 / self._private_rate)
        return self._private[chat_id]

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
        if chat_id is not None and chat_id > 0:
            async with self._private_limiter(chat_id):
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
