"""A 1,000-recipient broadcast at Telegram's limits, and a chair's /items while it goes out.

Default settings on both sides: the emulator (in this process) enforces Telegram's flood limits
(`FloodPolicy()`), NextSteps runs as its own process exactly as `nextsteps run` with
`telegram.flood_limits = true` (the default), SQLite in a temporary directory, seeded with the
Istanbul meeting and a few hundred items. 1,000 private-chat recipients are enrolled and have
started the bot; the secretariat composes `/broadcast …`, presses "Everyone", then "Send". While
it goes out, a chair sends `/items mine` again and again (one at a time, a pause between) and
the latency of each answer is measured.

Prints the /items latency (p50, p99, max: its first message and the whole list), the broadcast's
messages/s, 429s, duplicates, losses, and how many broadcast messages went out before and after
the measurements (so that they were taken while it ran). Targets: /items p99 < 500 ms,
>= 28.5 broadcast messages/s, 0 429s, 0 duplicates, 0 losses. Prints figures; asserts nothing.

    python bench/bench_broadcast.py [--recipients 1000] [--probes 30] [--probe-gap 0.3]
                                    [--items 300] [--no-wait]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchkit import (
    CHAIR_PARTY,
    Person,
    bot_env,
    enroll,
    list_complete,
    percentile,
    refused_calls,
    seed_database,
    settle,
    start_bot,
    stop_bot,
    verdict,
)

from bot.emulator import Emulator, FloodPolicy
from bot.emulator.state import SentEvent
from storage.models import Role

ADMIN = 7
CHAIR = 8
FIRST = 100_000
DELIVERY = "📣 From the secretariat"
P99_TARGET_MS = 500
RATE_TARGET = 28.5


def is_delivery(event: SentEvent) -> bool:
    """A broadcast as a recipient gets it (with "Got it"); the sender's preview has no buttons."""
    return event.kind == "send" and event.text.startswith(DELIVERY) and bool(event.reply_markup)


def buttons(event: SentEvent) -> list[str]:
    rows = (event.reply_markup or {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


async def admin_event(
    emu: Emulator, after: int, wanted: str, seconds: float = 30, *, button: bool = True
) -> SentEvent:
    """The first message (or edit) in the secretariat's chat after ``after`` with that button/text."""
    deadline = time.monotonic() + seconds
    cursor = after
    while (remaining := deadline - time.monotonic()) > 0:
        for event in await emu.wait_events(cursor, remaining, chat_id=ADMIN):
            cursor = event.seq
            if (wanted in " ".join(buttons(event))) if button else (wanted in event.text):
                return event
    raise TimeoutError(f"the secretariat never saw {wanted!r}")


class Deliveries:
    """Counts broadcast messages as they arrive, without rescanning everything."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.scanned = 0
        self.events: list[SentEvent] = []

    def count(self) -> int:
        events = self.emu.world.events
        self.events += [e for e in events[self.scanned :] if is_delivery(e)]
        self.scanned = len(events)
        return len(self.events)


async def broadcast_bench(
    *,
    recipients: int = 1000,
    probes: int = 30,
    probe_gap: float = 0.3,
    extra_items: int = 300,
    wait_for_end: bool = True,
) -> dict[str, Any]:
    """Run the benchmark, print its figures, return them (and the target lines)."""
    with tempfile.TemporaryDirectory(prefix="nextsteps-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'broadcast.db'}"
        t0 = time.perf_counter()
        mine = seed_database(url, extra_items)
        enroll(
            url,
            [(CHAIR, "Chair Sweden", CHAIR_PARTY, Role.CHAIR)]
            + [(FIRST + n, f"R{n}", "Pakistan", Role.OBSERVER) for n in range(recipients)],
        )
        print(
            f"[broadcast] seeded Istanbul + {extra_items} items (the chair's party owns {len(mine)}), "
            f"{recipients} recipients, in {time.perf_counter() - t0:.1f} s"
        )
        async with Emulator(flood=FloodPolicy()) as emu:
            for user_id in (ADMIN, CHAIR, *range(FIRST, FIRST + recipients)):
                emu.add_user(f"U{user_id}", user_id=user_id, started=True)
            proc = await start_bot(emu, bot_env(emu, url, [ADMIN]), tmp)
            try:
                return await _run(emu, recipients, probes, probe_gap, wait_for_end)
            finally:
                await stop_bot(proc)


async def _run(
    emu: Emulator, recipients: int, probes: int, probe_gap: float, wait_for_end: bool
) -> dict[str, Any]:
    chair, admin = Person(emu, CHAIR), Person(emu, ADMIN)
    await admin.ask("/start", seconds=30)
    warm = await chair.ask("/items mine", list_complete, seconds=30)  # warm-up, and the list's size
    await settle(emu)

    after = len(emu.world.events)
    emu.user_message(ADMIN, "/broadcast Benchmark: please ignore.")
    controls = await admin_event(emu, after, "Everyone")
    after = len(emu.world.events)
    emu.press(ADMIN, ADMIN, controls.message_id, button="Everyone")
    confirm = await admin_event(emu, after, "Send")
    found = re.search(r"(\d+) recipients?", confirm.text)
    audience = int(found[1]) if found else recipients
    deliveries = Deliveries(emu)
    rejected_before = emu.flood.rejected
    after = len(emu.world.events)
    sent_at = time.monotonic()
    emu.press(ADMIN, ADMIN, confirm.message_id, button="Send")

    # measure once the broadcast is at full speed
    while deliveries.count() < 30:
        if time.monotonic() - sent_at > 60:
            raise TimeoutError("the broadcast did not start within 60 s")
        await asyncio.sleep(0.05)
    before = deliveries.count()
    first_ms: list[float] = []
    whole_ms: list[float] = []
    for n in range(probes):
        answer = await chair.ask("/items mine", list_complete, seconds=60)
        first_ms.append(answer.first_ms)
        whole_ms.append(answer.whole_ms)
        if n < probes - 1:
            await asyncio.sleep(probe_gap)
    during = deliveries.count()

    finished = None
    if wait_for_end:
        done = await admin_event(emu, after, "✅ done", 60 + audience / 10, button=False)
        finished = done.at - sent_at
        await asyncio.sleep(0.5)  # a duplicate would show up now
    total = deliveries.count()
    stamps = sorted(e.at for e in deliveries.events)
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    counts = Counter(e.chat_id for e in deliveries.events)
    targets = [FIRST + n for n in range(recipients)]
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    lost = sum(1 for t in targets if counts[t] == 0) if wait_for_end else None
    rejections = emu.flood.rejected - rejected_before
    refused = refused_calls(emu)
    running = before > 0 and during < audience

    p99 = percentile(first_ms, 99)
    p99_whole = percentile(whole_ms, 99)
    lines = [
        f"/items mine during a {recipients:,}-recipient broadcast, first message: p99 {p99:.0f} ms "
        f"(target < {P99_TARGET_MS} ms): {verdict(p99 < P99_TARGET_MS and running)}",
        f"/items mine during a {recipients:,}-recipient broadcast, whole list:    p99 {p99_whole:.0f} ms "
        f"(target < {P99_TARGET_MS} ms): {verdict(p99_whole < P99_TARGET_MS and running)}",
        f"broadcast rate: {rate:.1f} messages/s (target >= {RATE_TARGET}): {verdict(rate >= RATE_TARGET)}",
        f"429s during the broadcast: {rejections} (target 0): {verdict(rejections == 0)}",
    ]
    parts = len(warm.parts)
    print(
        f"[broadcast] a chair's /items mine ({parts} message{'s' * (parts != 1)}) "
        f"while it runs, {probes} tries:"
    )
    print(
        f"  first message: p50 {percentile(first_ms, 50):.0f} ms, p99 {p99:.0f} ms, "
        f"max {max(first_ms):.0f} ms"
    )
    print(
        f"  whole list:    p50 {percentile(whole_ms, 50):.0f} ms, p99 {p99_whole:.0f} ms, "
        f"max {max(whole_ms):.0f} ms"
    )
    state = "it ran throughout" if running else "NOT running throughout: the figures don't count"
    print(
        f"  broadcast messages delivered when the tries began: {before}, when they ended: {during} "
        f"of {audience} ({state})"
    )
    print(
        f"[broadcast] {rate:.1f} messages/s over {len(stamps)} delivered "
        f"({audience} recipients: the {recipients:,}, the chair, the secretariat); 429s: {rejections}"
    )
    if len(stamps) > 1:
        everything = [e.at for e in emu.world.events if stamps[0] <= e.at <= stamps[-1]]
        print(
            "[broadcast] all the bot's messages and edits in that time (replies, progress): "
            f"{(len(everything) - 1) / (stamps[-1] - stamps[0]):.1f}/s (Telegram's limit: 30)"
        )
    if wait_for_end:
        print(
            f"[broadcast] Send to '✅ done': {finished:.1f} s; duplicates: {duplicates}; "
            f"losses: {lost} of {recipients}"
        )
        lines += [
            f"broadcast duplicates: {duplicates} (target 0): {verdict(duplicates == 0)}",
            f"broadcast losses: {lost} (target 0): {verdict(lost == 0)}",
        ]
    else:
        print(f"[broadcast] not waited for: {total} of {audience} delivered when measuring stopped")
    if refused:
        print(f"[broadcast] the emulator refused {len(refused)} calls, e.g. {refused[0]}")
    return {
        "audience": audience,
        "list_parts": parts,
        "first_ms": {"p50": percentile(first_ms, 50), "p99": p99, "max": max(first_ms)},
        "whole_ms": {"p50": percentile(whole_ms, 50), "p99": p99_whole, "max": max(whole_ms)},
        "first_ms_each": [round(v, 1) for v in first_ms],
        "whole_ms_each": [round(v, 1) for v in whole_ms],
        "delivered_before": before,
        "delivered_after": during,
        "ran_throughout": running,
        "messages_per_s": rate,
        "rejections_429": rejections,
        "duplicates": duplicates,
        "losses": lost,
        "send_to_done_s": finished,
        "refused_calls": len(refused),
        "targets": lines,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--probes", type=int, default=30, help="how many /items mine while it runs")
    parser.add_argument("--probe-gap", type=float, default=0.3, help="seconds between two tries")
    parser.add_argument("--items", type=int, default=300, help="items besides Istanbul's five")
    parser.add_argument("--no-wait", action="store_true", help="stop after the tries, not at the end")
    args = parser.parse_args()
    figures = await broadcast_bench(
        recipients=args.recipients,
        probes=args.probes,
        probe_gap=args.probe_gap,
        extra_items=args.items,
        wait_for_end=not args.no_wait,
    )
    print()
    for line in figures["targets"]:
        print(line)


if __name__ == "__main__":
    asyncio.run(main())
