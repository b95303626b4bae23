"""Flood control for the whole bot: Telegram's limits, paced so that people never wait for bulk.

Telegram allows about 30 messages a second overall, 20 a minute per group, and in one private
chat asks bots to "avoid more than one message per second — short bursts are allowed". So:

- **A person's own reply goes out at once.** Each message or button press in a private chat
  owes the person one answer, sent without pacing within ``REPLY_WINDOW`` seconds (at most
  ``MAX_PENDING_REPLIES`` owed at a time: twelve taps in a burst get three answers at once, then
  paced ones). Any message to the chat uses an owed answer first, then a burst allowance of
  ``PRIVATE_BURST`` refilled at one a second.
- **Bulk traffic** (reminders, digests, broadcasts) is paced strictly: one a second per private
  chat, 19 a minute per group, and it leaves ``BULK_RESERVE`` of the overall 30 per 1.1 s
  free and spreads itself evenly over the second, so an interactive reply never waits behind a
  broadcast.
- **Interactive first**: wherever both wait for the same window, interactive sends go first.

Which lane a send is in is a context variable: the update processor marks everything a handler
does as interactive (``handling_update``); background tasks call ``bulk_traffic()``.
PTB's AIORateLimiter is kept for what it does well: retrying after a 429's ``retry_after``
(its own buckets are off: they allow bursts the sliding windows here would refuse).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import contextvars
import math
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

JSONDict = dict[str, Any]
# 30 messages per 1.1 s: Telegram counts when a message arrives, and a message can arrive later
# than it was let go (the connection pool, the network): a tenth of a second of slack keeps
# bunched arrivals under 30 in any second Telegram measures. About 27 a second.
OVERALL_LIMIT, OVERALL_PERIOD = 30, 1.1
BULK_RESERVE = 1  # overall slots bulk traffic leaves free for people's replies
GROUP_PER_MINUTE = 19
GROUP_BULK_RESERVE = 2
PRIVATE_INTERVAL = 1.0
PRIVATE_BURST = 3
REPLY_WINDOW = 3.0
MAX_PENDING_REPLIES = 3
MAX_TRACKED_CHATS = 4096
# Methods that put a message into a chat (and so count against its limits).
_PACED_PREFIXES = ("send", "copy", "forward", "edit")


class SetAside(Protocol):
    """A handling slot the update holds; set aside while its sends wait for the flood limits,
    so a handler waiting out a group's 20 a minute doesn't keep other chats waiting."""

    def set_aside(self) -> AbstractAsyncContextManager[None]: ...


@dataclass(frozen=True)
class Interactive:
    """The update being handled: its chat, and the handling slot it holds."""

    chat_id: int | None
    slot: SetAside | None = None


_lane: contextvars.ContextVar[Interactive | None] = contextvars.ContextVar("lane", default=None)


def handling_update(
    chat_id: int | None, slot: SetAside | None = None
) -> contextvars.Token[Interactive | None]:
    """Mark what follows (in this task) as the answer to a person's own update."""
    return _lane.set(Interactive(chat_id, slot))


def done_handling(token: contextvars.Token[Interactive | None]) -> None:
    _lane.reset(token)


def bulk_traffic() -> None:
    """Mark what follows in this task as bulk (a broadcast started from a button is still bulk)."""
    _lane.set(None)


class SlidingWindow:
    """At most ``limit`` sends in any ``period`` seconds. Interactive sends go first and may use
    the whole window; bulk sends queue in order, leave ``reserve`` slots free and are spread
    evenly over the period (a burst of bulk would make a reply wait for the window to roll).

    Telegram counts a message when it arrives, which on a busy machine can be seconds after it
    was let go, and several let go apart can arrive together. So a send counts while it is in
    flight, however long (429 retries included), and from its answer on (always after its
    arrival) until the period has passed: ``acquire`` then ``release`` when answered."""

    def __init__(
        self, limit: int, period: float, reserve: int = 0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self.limit = limit
        self.period = period
        self.reserve = reserve
        self._bulk_spacing = period / max(limit - reserve, 1)
        self._last_bulk = -math.inf
        self._times: list[float] = []  # sorted: when each answered send in the window was answered
        self._in_flight = 0
        self._bulk_lock = asyncio.Lock()
        self._interactive_waiting = 0

    def _used(self, now: float) -> int:
        del self._times[: bisect.bisect_right(self._times, now - self.period)]
        return len(self._times) + self._in_flight

    def _wait(self, now: float) -> float:
        return self._times[0] + self.period - now + 0.001 if self._times else 0.005

    def release(self, *, sent: bool = True) -> None:
        """The send is answered (``sent``: it counts from now), or was never made."""
        self._in_flight -= 1
        if sent:
            bisect.insort(self._times, self._clock())

    async def acquire(self, *, interactive: bool) -> None:
        """Wait for a slot; the caller ``release``s it when the send is answered."""
        if interactive:
            self._interactive_waiting += 1
            try:
                while True:
                    now = self._clock()
                    if self._used(now) < self.limit:
                        self._in_flight += 1
                        return
                    await asyncio.sleep(self._wait(now))
            finally:
                self._interactive_waiting -= 1
        async with self._bulk_lock:
            while True:
                now = self._clock()
                used = self._used(now)
                spacing = self._last_bulk + self._bulk_spacing - now
                if spacing > 0:
                    await asyncio.sleep(spacing)
                    continue
                if used < self.limit - self.reserve and not self._interactive_waiting:
                    self._in_flight += 1
                    self._last_bulk = now
                    return
                full = used >= self.limit - self.reserve
                await asyncio.sleep(self._wait(now) if full else 0.005)

    def idle(self) -> bool:
        return not self._in_flight and (not self._times or self._times[-1] <= self._clock() - self.period)


class PrivateChatPacer:
    """One private chat. Each message or press of the person's owes them one answer, unpaced,
    within ``REPLY_WINDOW`` (at most ``MAX_PENDING_REPLIES`` owed at a time); any message to the
    chat uses an owed answer first, then a token of a bucket of ``PRIVATE_BURST`` refilled at one
    a second. Bulk traffic also keeps ``PRIVATE_INTERVAL`` after the chat's last message."""

    def __init__(self) -> None:
        now = time.monotonic()
        self._tokens = float(PRIVATE_BURST)
        self._at = now
        self._last = -math.inf
        self._bulk_lock = asyncio.Lock()
        self._replies_waiting = 0
        self._owed: deque[float] = deque()  # when the person wrote, for answers not yet sent

    def person_wrote(self) -> None:
        self._owed.append(time.monotonic())
        while len(self._owed) > MAX_PENDING_REPLIES:
            self._owed.popleft()

    def _refill(self, now: float) -> None:
        self._tokens = min(PRIVATE_BURST, self._tokens + (now - self._at) / PRIVATE_INTERVAL)
        self._at = now
        while self._owed and self._owed[0] < now - REPLY_WINDOW:
            self._owed.popleft()

    async def acquire(self, *, bulk: bool) -> None:
        if not bulk:  # a person's reply never queues behind bulk waiting out its interval
            self._replies_waiting += 1
            try:
                await self._take(bulk=False)
            finally:
                self._replies_waiting -= 1
            return
        async with self._bulk_lock:
            await self._take(bulk=True)

    async def _take(self, *, bulk: bool) -> None:
        while True:
            now = time.monotonic()
            self._refill(now)
            spacing = max(0.0, self._last + PRIVATE_INTERVAL - now) if bulk else 0.0
            if bulk and self._replies_waiting:
                spacing = max(spacing, 0.01)  # replies first
            if spacing <= 0 and self._owed:
                self._owed.popleft()
                self._last = now
                return
            wait = max(spacing, (1 - self._tokens) * PRIVATE_INTERVAL)
            if wait <= 0:
                self._tokens -= 1
                self._last = now
                return
            await asyncio.sleep(wait + 0.001)

    def idle(self) -> bool:
        return not self._owed and time.monotonic() - self._last > PRIVATE_BURST * PRIVATE_INTERVAL


class PacedRateLimiter(AIORateLimiter):
    def __init__(self, *, max_retries: int = 5) -> None:
        # PTB's own buckets off: ours below are stricter; PTB keeps the 429 retries.
        super().__init__(overall_max_rate=0, group_max_rate=0, max_retries=max_retries)
        self._overall = SlidingWindow(OVERALL_LIMIT, OVERALL_PERIOD, reserve=BULK_RESERVE)
        # A process that just started can't know what the one before it sent in its last
        # second (a restart after a crash takes well under a second): bulk waits that out.
        self._bulk_from = time.monotonic() + OVERALL_PERIOD
        self._groups: dict[int, SlidingWindow] = {}
        self._private: dict[int, PrivateChatPacer] = {}

    def _forget_idle(self) -> None:
        if len(self._groups) + len(self._private) <= MAX_TRACKED_CHATS:
            return
        for key, window in list(self._groups.items()):
            if window.idle():
                del self._groups[key]
        for key, pacer in list(self._private.items()):
            if pacer.idle():
                del self._private[key]

    def person_wrote(self, chat_id: int | None) -> None:
        """An update arrived from ``chat_id``: the bot owes the person an answer."""
        if chat_id is not None and chat_id > 0:
            self._forget_idle()
            self._private.setdefault(chat_id, PrivateChatPacer()).person_wrote()

    async def _pace(self, chat_id: int) -> list[SlidingWindow]:
        lane = _lane.get()
        aside = lane.slot.set_aside() if lane is not None and lane.slot is not None else nullcontext()
        async with aside:
            return await self._wait_for_windows(chat_id, lane)

    async def _wait_for_windows(self, chat_id: int, lane: Interactive | None) -> list[SlidingWindow]:
        """Wait until ``chat_id`` may receive a message; the windows whose slots it took (to be
        released when the message is answered)."""
        self._forget_idle()
        interactive = lane is not None
        if not interactive and time.monotonic() < self._bulk_from:
            await asyncio.sleep(self._bulk_from - time.monotonic())
        taken: list[SlidingWindow] = []
        if chat_id > 0:
            pacer = self._private.setdefault(chat_id, PrivateChatPacer())
            await pacer.acquire(bulk=not interactive)
        else:
            if chat_id not in self._groups:
                self._groups[chat_id] = SlidingWindow(GROUP_PER_MINUTE, 60.0, reserve=GROUP_BULK_RESERVE)
            window = self._groups[chat_id]
            await window.acquire(interactive=interactive)
            taken.append(window)
        try:
            await self._overall.acquire(interactive=interactive)
        except BaseException:  # cancelled while waiting: the group's slot was never used
            for window in taken:
                window.release(sent=False)
            raise
        taken.append(self._overall)
        return taken

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
        if endpoint.startswith(_PACED_PREFIXES):
            with contextlib.suppress(TypeError, ValueError):
                chat_id = int(data.get("chat_id"))  # type: ignore[arg-type]
        taken = await self._pace(chat_id) if chat_id is not None else []
        try:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        finally:
            for window in taken:
                window.release()


def retry_after(exc: RetryAfter) -> timedelta:
    """How long Telegram asked us to wait (PTB is moving this attribute from int to timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=value)
