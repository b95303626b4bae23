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
    try:
        await asyncio.wait_for(window.acquire(interactive=True), 0.05)
    except TimeoutError:
        return True
    return False


async def test_a_slot_counts_from_when_its_message_landed(clock: Clock) -> None:
    """Telegram counts a group's minute from when a message arrives: a message let go at 100 s
    that landed at 103 s still fills the window at 160.5 s."""
    window = SlidingWindow(1, 60.0, clock=clock)
    stamp = await window.acquire(interactive=True)
    clock.now = 103.0
    window.landed(stamp)
    clock.now = 160.5
    assert await _blocked(window)
    clock.now = 163.01
    assert not await _blocked(window)


async def test_a_slot_not_marked_landed_counts_from_when_it_was_let_go(clock: Clock) -> None:
    window = SlidingWindow(1, 60.0, clock=clock)
    await window.acquire(interactive=True)
    clock.now = 160.5
    assert not await _blocked(window)


async def test_landing_one_slot_keeps_the_others_in_order(clock: Clock) -> None:
    window = SlidingWindow(3, 60.0, clock=clock)
    first = await window.acquire(interactive=True)
    clock.now = 101.0
    await window.acquire(interactive=True)
    clock.now = 102.0
    await window.acquire(interactive=True)
    clock.now = 110.0
    window.landed(first)  # now counts from 110: the 101 and 102 slots expire first
    clock.now = 161.5
    assert not await _blocked(window)  # the 101 slot has gone
    assert await _blocked(window)  # 102, 110 and the new one: full until 162
    clock.now = 162.01
    assert not await _blocked(window)


async def test_a_message_that_lands_after_its_slot_rolled_out_is_counted_again(clock: Clock) -> None:
    """A send that waited out 429s for over a minute still counts when it finally lands."""
    window = SlidingWindow(1, 60.0, clock=clock)
    stamp = await window.acquire(interactive=True)
    clock.now = 175.0  # its slot left the window at 160
    window.landed(stamp)
    clock.now = 200.0
    assert await _blocked(window)
    clock.now = 235.01
    assert not await _blocked(window)
