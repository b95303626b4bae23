"""The flood windows, on a clock the test moves (the end-to-end pacing is in tests/e2e)."""

from __future__ import annotations

import asyncio

import pytest

from bot.ratelimit import SlidingWindow


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def _blocked(window: SlidingWindow) -> bool:
    """True when no slot is free now; a slot taken is released as answered at once."""
    try:
        await asyncio.wait_for(window.acquire(interactive=True), 0.05)
    except TimeoutError:
        return True
    window.release()
    return False


async def test_a_message_counts_from_when_it_was_answered(clock: Clock) -> None:
    """Telegram counts a group's minute from when a message arrives: a message let go at 100 s
    and answered at 103 s still fills the window at 160.5 s."""
    window = SlidingWindow(1, 60.0, clock=clock)
    await window.acquire(interactive=True)
    clock.now = 103.0
    window.release()
    clock.now = 160.5
    assert await _blocked(window)
    clock.now = 163.01
    assert not await _blocked(window)


async def test_a_message_in_flight_counts_however_long_it_takes(clock: Clock) -> None:
    """A send waiting out 429s for over a minute (or stuck on a busy machine) still fills its
    slot: it may arrive any moment, together with the next ones."""
    window = SlidingWindow(1, 60.0, clock=clock)
    await window.acquire(interactive=True)
    clock.now = 175.0
    assert await _blocked(window)
    window.release()
    clock.now = 235.01
    assert not await _blocked(window)


async def test_a_slot_never_used_is_given_back(clock: Clock) -> None:
    window = SlidingWindow(1, 60.0, clock=clock)
    await window.acquire(interactive=True)
    window.release(sent=False)
    assert not await _blocked(window)


async def test_answered_slots_roll_out_in_the_order_they_were_answered(clock: Clock) -> None:
    window = SlidingWindow(3, 60.0, clock=clock)
    for _ in range(3):
        await window.acquire(interactive=True)
    clock.now = 110.0
    window.release()  # the first answered late
    clock.now = 101.0
    window.release()
    clock.now = 102.0
    window.release()
    clock.now = 161.5
    assert not await _blocked(window)  # the one answered at 101 has gone
    clock.now = 161.6
    assert await _blocked(window)  # 102, 110 and the one just answered: full until 162
    clock.now = 162.01
    assert not await _blocked(window)
