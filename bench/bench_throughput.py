"""Throughput and latency of NextSteps, as people feel it.

Three parts, each printed as figures and target lines ("met" / "NOT met"; nothing is asserted):

1. Throughput vs a bare PTB echo bot, pacing off. Both bots run as their own processes
   (NextSteps exactly as `nextsteps run`, configured by environment, 10,000 items in SQLite)
   against the local emulator in this process, with flood limits off on both sides so that what
   is measured is the bot, not Telegram's pacing. Prints updates/s for both, their ratio, each
   bot's CPU time per update (from /proc), and p50/p99 latency of `/status N done`.
   Targets: ratio >= 0.8, p99 < 50 ms.
2. Sequential round-trip latency of one chat with the default settings: `telegram.flood_limits
   = true` and the emulator enforcing Telegram's limits (`FloodPolicy()`), SQLite, the Istanbul
   meeting and a few hundred items. A chair who joined by a real invite sends `/status N
   open|in_progress`, `/item N` and `/items mine` in turn, each after the previous answer
   arrived. Prints p50/p95/p99/max of the first message of each answer and of the whole answer
   (a long list comes in parts), and the 429s. Targets: p50 < 100 ms, p99 < 300 ms.
3. A chair's `/items mine` while a 1,000-recipient broadcast goes out, default settings
   (bench_broadcast.py; also runnable alone). Target: p99 < 500 ms.

    python bench/bench_throughput.py [--quick] [--only throughput,latency,broadcast]
        [--updates 2000] [--samples 300] [--items 10000]           # 1
        [--commands 200] [--seed-items 300]                        # 2 (and 3's items)
        [--recipients 1000] [--probes 30] [--probe-gap 0.3]        # 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_broadcast import broadcast_bench
from benchkit import (
    CHAIR_PARTY,
    Person,
    bot_env,
    join_by_invite,
    list_complete,
    nextsteps_command,
    percentile,
    refused_calls,
    seed_database,
    settle,
    spread,
    start_bot,
    stop_bot,
    verdict,
)
from sqlalchemy import insert

from bot.emulator import Emulator, FloodPolicy
from bot.emulator.state import SentEvent
from core.seed import PARTIES
from storage.db import Database
from storage.models import Item, ItemEvent, ItemOwner, Party, Precision, Status

HERE = Path(__file__).resolve().parent
USERS = 50
FIRST_USER = 10_000
RATIO_TARGET = 0.8
SEQ_P50_TARGET = 100
SEQ_P99_TARGET = 300
PROFILE_TO = Path(os.environ["BENCH_PROFILE"]).resolve() if os.environ.get("BENCH_PROFILE") else None


# -- 1. throughput vs the echo bot, pacing off ----------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def build_database(path: Path, items: int) -> str:
    url = f"sqlite:///{path}"
    db = Database(url)
    db.migrate()
    now = datetime.now(UTC)
    with db.session() as session:
        for name, aliases in PARTIES:
            session.add(Party(name=name, aliases=aliases))
        session.flush()
        rng = random.Random(7)
        session.execute(
            insert(Item),
            [
                {
                    "text": f"Next step number {n}: follow up on the agreed action with partners.",
                    "status": Status.OPEN,
                    "due_text": "2027",
                    "due_date": datetime(2027, 12, 31).date(),
                    "due_precision": Precision.YEAR,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(1, items + 1)
            ],
        )
        session.execute(
            insert(ItemOwner),
            [{"item_id": n, "party_id": rng.randint(1, len(PARTIES))} for n in range(1, items + 1)],
        )
        session.execute(
            insert(ItemEvent),
            [{"item_id": n, "kind": "created", "new_value": "open", "at": now} for n in range(1, items + 1)],
        )
    db.dispose()
    return url


async def wait_for(predicate: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the bot did not answer in time")
        await asyncio.sleep(0.002)


async def measure(
    name: str,
    command: list[str],
    env: dict[str, str],
    emu: Emulator,
    texts: list[str],
    samples: list[str],
    cwd: str,
) -> dict[str, float]:
    users = [emu.add_user(f"U{i}", user_id=FIRST_USER + i, started=True).id for i in range(USERS)]
    # in an empty directory: a config.toml where the bench was started must not apply
    proc = await asyncio.create_subprocess_exec(*command, env=env, cwd=cwd, stdout=asyncio.subprocess.DEVNULL)
    try:
        await wait_for(lambda: emu.world.calls.get("getupdates", 0) > 0, 60)
        # warm-up
        base = len(emu.world.events)
        for i, user in enumerate(users):
            emu.user_message(user, samples[i % len(samples)])
        await wait_for(lambda: len(emu.world.events) >= base + len(users))

        # throughput: every update queued at once, time until the last reply
        base = len(emu.world.events)
        cpu_before = cpu_seconds(proc.pid)
        start = time.perf_counter()
        for i, text in enumerate(texts):
            emu.user_message(users[i % USERS], text)
        await wait_for(lambda: len(emu.world.events) >= base + len(texts), 600)
        elapsed = time.perf_counter() - start
        cpu_ms = (cpu_seconds(proc.pid) - cpu_before) * 1000 / len(texts)
        rate = len(texts) / elapsed

        # latency: one `/status N done` at a time, bot otherwise idle
        latencies = []
        for i, text in enumerate(samples):
            before = len(emu.world.events)
            t0 = time.perf_counter()
            emu.user_message(users[i % USERS], text)
            await wait_for(lambda before=before: len(emu.world.events) > before, 30)  # type: ignore[misc]
            latencies.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(0.005)
    finally:
        await stop_bot(proc)
    errors = refused_calls(emu)
    if errors:
        print(f"{name}: the emulator refused {len(errors)} calls, e.g. {errors[0]}", file=sys.stderr)
    return {
        "updates_per_s": rate,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "seconds": elapsed,
        "cpu_ms_per_update": cpu_ms,
    }


def throughput_lines(echo: dict[str, float], nextsteps: dict[str, float]) -> list[str]:
    ratio = nextsteps["updates_per_s"] / echo["updates_per_s"]
    return [
        f"throughput NextSteps/echo, pacing off: {ratio:.2f}x (target >= {RATIO_TARGET:.1f}x): "
        f"{verdict(ratio >= RATIO_TARGET)}",
        f"`/status N done` p99 with pacing off: {nextsteps['p99_ms']:.1f} ms (target < 50 ms): "
        f"{verdict(nextsteps['p99_ms'] < 50)}",
    ]


async def throughput_bench(updates: int, sample_count: int, items: int) -> dict[str, Any]:
    rng = random.Random(42)
    statuses = ["done", "in_progress", "open", "blocked"]
    texts = [f"/status {rng.randint(1, items)} {rng.choice(statuses)}" for _ in range(updates)]
    samples = [f"/status {rng.randint(1, items)} done" for _ in range(sample_count)]
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTSTEPS_")}

    with tempfile.TemporaryDirectory(prefix="nextsteps-bench-") as tmp:
        t0 = time.perf_counter()
        db_url = build_database(Path(tmp) / "bench.db", items)
        print(f"[throughput] built {items} items in SQLite in {time.perf_counter() - t0:.1f}s")

        async with Emulator("1111:echo-bench", flood=FloodPolicy.off()) as emu:
            echo = await measure(
                "echo",
                [sys.executable, str(HERE / "echo_bot.py"), "--token", emu.token, "--base-url", emu.base_url],
                base_env,
                emu,
                texts,
                samples,
                tmp,
            )
        async with Emulator("2222:nextsteps-bench", flood=FloodPolicy.off()) as emu:
            env = bot_env(
                emu,
                db_url,
                list(range(FIRST_USER, FIRST_USER + USERS)),
                NEXTSTEPS_TELEGRAM__FLOOD_LIMITS="false",
            )
            command = nextsteps_command()
            if PROFILE_TO is not None:  # BENCH_PROFILE: write a cProfile of the bot process there
                command = [
                    sys.executable,
                    "-m",
                    "cProfile",
                    "-o",
                    str(PROFILE_TO),
                    "-m",
                    "bot",
                    "run",
                ]
            nextsteps = await measure("nextsteps", command, env, emu, texts, samples, tmp)

    ratio = nextsteps["updates_per_s"] / echo["updates_per_s"]
    print(f"[throughput] updates per bot: {updates}; latency samples: {sample_count}; items: {items}")
    for label, figures in (("echo bot ", echo), ("NextSteps", nextsteps)):
        print(
            f"[throughput] {label}: {figures['updates_per_s']:8.1f} updates/s   "
            f"p50 {figures['p50_ms']:.1f} ms   p99 {figures['p99_ms']:.1f} ms   "
            f"bot CPU {figures['cpu_ms_per_update']:.2f} ms/update"
        )
    print(f"[throughput] ratio NextSteps/echo: {ratio:.2f}")
    return {
        "echo": echo,
        "nextsteps": nextsteps,
        "ratio": ratio,
        "targets": throughput_lines(echo, nextsteps),
    }


# -- 2. sequential latency, default settings ---------------------------------------------------
ADMIN = 7


def status_answer(number: int) -> Callable[[list[SentEvent]], bool]:
    def ok(parts: list[SentEvent]) -> bool:
        text = parts[0].text
        return len(parts) == 1 and f"#{number}" in text and ("is now" in text or "was already" in text)

    return ok


def card_answer(number: int) -> Callable[[list[SentEvent]], bool]:
    def ok(parts: list[SentEvent]) -> bool:
        return len(parts) == 1 and f"#{number}" in parts[0].text and bool(parts[0].reply_markup)

    return ok


def one(parts: list[SentEvent]) -> bool:
    return True


Step = tuple[str, str, Callable[[list[SentEvent]], bool], Callable[[list[SentEvent]], bool]]


def script(mine: list[int], count: int) -> list[Step]:
    """(kind, text, answer complete?, answer as expected?): status, card and list in turn."""
    status = {n: "open" for n in mine}
    steps: list[Step] = []
    for i in range(count):
        turn = i // 3
        if i % 3 == 0:
            n = mine[turn % len(mine)]
            status[n] = "in_progress" if status[n] == "open" else "open"
            steps.append(("/status", f"/status {n} {status[n]}", one, status_answer(n)))
        elif i % 3 == 1:
            n = mine[(turn * 7 + 3) % len(mine)]
            steps.append(("/item", f"/item {n}", one, card_answer(n)))
        else:
            steps.append(("/items mine", "/items mine", list_complete, list_complete))
    return steps


async def latency_bench(commands: int, extra_items: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="nextsteps-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'latency.db'}"
        mine = seed_database(url, extra_items)
        async with Emulator("3333:latency-bench", flood=FloodPolicy()) as emu:
            emu.add_user("Ada Secretariat", user_id=ADMIN, started=True)
            proc = await start_bot(emu, bot_env(emu, url, [ADMIN]), tmp)  # flood limits: the default
            try:
                return await sequential(emu, mine, commands, extra_items)
            finally:
                await stop_bot(proc)


async def sequential(emu: Emulator, mine: list[int], commands: int, extra_items: int) -> dict[str, Any]:
    admin = Person(emu, ADMIN)
    await admin.ask("/start", seconds=30)
    chair = await join_by_invite(emu, admin, "Sven Chair", CHAIR_PARTY, "chair")
    for _, text, done, _ in script(mine, 6):  # warm-up
        await chair.ask(text, done)
    await settle(emu)

    steps = script(mine, commands)
    rejected_before = emu.flood.rejected
    start_seq = len(emu.world.events)
    first: dict[str, list[float]] = {kind: [] for kind, *_ in steps[:3]}
    whole: dict[str, list[float]] = {kind: [] for kind, *_ in steps[:3]}
    parts: dict[str, int] = {}
    answered: set[int] = set()
    unexpected: list[str] = []
    started = time.perf_counter()
    for kind, text, done, expected in steps:
        answer = await chair.ask(text, done)
        first[kind].append(answer.first_ms)
        whole[kind].append(answer.whole_ms)
        parts[kind] = max(parts.get(kind, 0), len(answer.parts))
        answered.update(p.seq for p in answer.parts)
        if not expected(answer.parts):
            unexpected.append(f"{text} -> {[p.text[:60] for p in answer.parts]}")
    elapsed = time.perf_counter() - started
    rejections = emu.flood.rejected - rejected_before
    await asyncio.sleep(1.0)  # anything more in the chat now answered nothing
    strays = [
        e
        for e in emu.world.events[start_seq:]
        if e.chat_id == chair.user_id and e.kind == "send" and e.seq not in answered
    ]
    refused = refused_calls(emu)

    all_first = [v for values in first.values() for v in values]
    all_whole = [v for values in whole.values() for v in values]
    print(
        f"[latency] default settings (flood limits on in the bot and the emulator), SQLite, "
        f"Istanbul + {extra_items} items; the chair's party owns {len(mine)} "
        f"(/items mine: {parts.get('/items mine', 0)} messages)"
    )
    print(f"[latency] {commands} commands one after another in {elapsed:.1f} s; 429s: {rejections}")
    print(f"[latency] first message of the answer: {spread(all_first)}")
    print(f"[latency] whole answer:                {spread(all_whole)}")
    for kind in first:
        print(
            f"[latency]   {kind:<12} first p50 {percentile(first[kind], 50):6.1f} ms  "
            f"p99 {percentile(first[kind], 99):6.1f} ms   whole p50 {percentile(whole[kind], 50):6.1f} ms  "
            f"p99 {percentile(whole[kind], 99):6.1f} ms   ({len(first[kind])} commands)"
        )
    if parts.get("/items mine", 0) > 1:
        print(
            "[latency] note: only the first message of an answer is a reply Telegram doesn't pace; "
            "a list's later parts count against one a second per chat (bursts of 3)"
        )
    if unexpected:
        print(f"[latency] {len(unexpected)} answers were not as expected, e.g. {unexpected[0]}")
    if strays:
        print(
            f"[latency] {len(strays)} messages in the chair's chat answered no command, "
            f"e.g. {strays[0].text[:80]!r}"
        )
    if refused:
        print(f"[latency] the emulator refused {len(refused)} calls, e.g. {refused[0]}")

    p50, p99 = percentile(all_first, 50), percentile(all_first, 99)
    w50, w99 = percentile(all_whole, 50), percentile(all_whole, 99)
    lines = [
        f"sequential latency, first message: p50 {p50:.0f} ms (target < {SEQ_P50_TARGET} ms): "
        f"{verdict(p50 < SEQ_P50_TARGET)}; p99 {p99:.0f} ms (target < {SEQ_P99_TARGET} ms): "
        f"{verdict(p99 < SEQ_P99_TARGET)}",
        f"sequential latency, whole answer:  p50 {w50:.0f} ms (target < {SEQ_P50_TARGET} ms): "
        f"{verdict(w50 < SEQ_P50_TARGET)}; p99 {w99:.0f} ms (target < {SEQ_P99_TARGET} ms): "
        f"{verdict(w99 < SEQ_P99_TARGET)}",
        f"429s in the sequential run: {rejections} (target 0): {verdict(rejections == 0)}",
    ]
    return {
        "commands": commands,
        "seconds": elapsed,
        "first_ms": {q: percentile(all_first, q) for q in (50, 95, 99, 100)},
        "whole_ms": {q: percentile(all_whole, q) for q in (50, 95, 99, 100)},
        "by_command": {
            kind: {
                "first_p50": percentile(first[kind], 50),
                "first_p99": percentile(first[kind], 99),
                "whole_p50": percentile(whole[kind], 50),
                "whole_p99": percentile(whole[kind], 99),
            }
            for kind in first
        },
        "list_parts": parts.get("/items mine", 0),
        "rejections_429": rejections,
        "unexpected_answers": len(unexpected),
        "strays": len(strays),
        "refused_calls": len(refused),
        "targets": lines,
    }


# -- all of it ------------------------------------------------------------------------------------
SECTIONS = ("throughput", "latency", "broadcast")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer updates, commands and tries (~1 min)")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated: " + ", ".join(SECTIONS))
    parser.add_argument("--updates", type=int, help="throughput: updates per bot (2000; quick 1000)")
    parser.add_argument("--samples", type=int, help="throughput: latency samples (300; quick 100)")
    parser.add_argument("--items", type=int, default=10_000, help="throughput: items in the database")
    parser.add_argument("--commands", type=int, help="latency: sequential commands (200; quick 60)")
    parser.add_argument(
        "--seed-items", type=int, default=300, help="latency, broadcast: items besides Istanbul's"
    )
    parser.add_argument("--recipients", type=int, default=1000, help="broadcast: private-chat recipients")
    parser.add_argument(
        "--probes", type=int, help="broadcast: /items mine tries while it runs (30; quick 15)"
    )
    parser.add_argument("--probe-gap", type=float, default=0.3, help="broadcast: seconds between two tries")
    args = parser.parse_args()
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"--only: unknown {sorted(unknown)}; choose from {', '.join(SECTIONS)}")

    def pick(value: int | None, normal: int, quick: int) -> int:
        return value if value is not None else (quick if args.quick else normal)

    results: dict[str, Any] = {}
    started = time.perf_counter()
    if "throughput" in sections:
        results["throughput"] = await throughput_bench(
            pick(args.updates, 2000, 1000), pick(args.samples, 300, 100), args.items
        )
    if "latency" in sections:
        results["latency"] = await latency_bench(pick(args.commands, 200, 60), args.seed_items)
    if "broadcast" in sections:
        results["broadcast"] = await broadcast_bench(
            recipients=args.recipients,
            probes=pick(args.probes, 30, 15),
            probe_gap=args.probe_gap,
            extra_items=args.seed_items,
            wait_for_end=not args.quick,
        )
    print(f"\n== targets ({time.perf_counter() - started:.0f} s in all) ==")
    for section in sections:
        for line in results[section].pop("targets"):
            print(line)
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main())
