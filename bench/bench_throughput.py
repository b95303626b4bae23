"""Throughput and latency: NextSteps with 10,000 items vs a bare PTB echo bot, same emulator.

Both bots run as their own processes (NextSteps exactly as `nextsteps run`, configured by
environment) against the local emulator in this process, with flood limits off on both sides
so that what is measured is the bot, not Telegram's pacing. Prints updates/s for both, their
ratio, each bot's CPU time per update (from /proc), and p50/p99 latency of `/status N done`.
Targets: ratio >= 0.8, p99 < 50 ms.

    python bench/bench_throughput.py [--updates 2000] [--samples 300] [--items 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from bot.emulator import Emulator, FloodPolicy
from core.seed import PARTIES
from storage.db import Database
from storage.models import Item, ItemEvent, ItemOwner, Party, Precision, Status

HERE = Path(__file__).resolve().parent
USERS = 50
FIRST_USER = 10_000


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
    name: str, command: list[str], env: dict[str, str], emu: Emulator, texts: list[str], samples: list[str]
) -> dict[str, float]:
    users = [emu.add_user(f"U{i}", user_id=FIRST_USER + i, started=True).id for i in range(USERS)]
    proc = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
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
        proc.send_signal(signal.SIGINT)
        await proc.communicate()
    errors = [e for e in emu.world.errors if "not modified" not in e["description"]]
    if errors:
        print(f"{name}: the emulator refused {len(errors)} calls, e.g. {errors[0]}", file=sys.stderr)
    latencies.sort()
    return {
        "updates_per_s": rate,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "seconds": elapsed,
        "cpu_ms_per_update": cpu_ms,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()

    rng = random.Random(42)
    statuses = ["done", "in_progress", "open", "blocked"]
    texts = [f"/status {rng.randint(1, args.items)} {rng.choice(statuses)}" for _ in range(args.updates)]
    samples = [f"/status {rng.randint(1, args.items)} done" for _ in range(args.samples)]
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTSTEPS_")}

    with tempfile.TemporaryDirectory(prefix="nextsteps-bench-") as tmp:
        t0 = time.perf_counter()
        db_url = build_database(Path(tmp) / "bench.db", args.items)
        print(f"built {args.items} items in SQLite in {time.perf_counter() - t0:.1f}s")

        async with Emulator("1111:echo-bench", flood=FloodPolicy.off()) as emu:
            echo = await measure(
                "echo",
                [sys.executable, str(HERE / "echo_bot.py"), "--token", emu.token, "--base-url", emu.base_url],
                base_env,
                emu,
                texts,
                samples,
            )
        async with Emulator("2222:nextsteps-bench", flood=FloodPolicy.off()) as emu:
            env = dict(base_env)
            env.update(
                {
                    "NEXTSTEPS_TELEGRAM__TOKEN": emu.token,
                    "NEXTSTEPS_TELEGRAM__API_BASE_URL": emu.base_url,
                    "NEXTSTEPS_TELEGRAM__FLOOD_LIMITS": "false",
                    "NEXTSTEPS_TELEGRAM__POLL_TIMEOUT_SECONDS": "1",
                    "NEXTSTEPS_DATABASE__URL": db_url,
                    "NEXTSTEPS_SECRETARIAT__ADMINS": json.dumps(list(range(FIRST_USER, FIRST_USER + USERS))),
                    "NEXTSTEPS_LOGGING__LEVEL": "WARNING",
                }
            )
            command = [str(Path(sys.executable).parent / "nextsteps"), "run"]
            if os.environ.get("BENCH_PROFILE"):  # write a cProfile of the bot process there
                command = [
                    sys.executable,
                    "-m",
                    "cProfile",
                    "-o",
                    os.environ["BENCH_PROFILE"],
                    "-m",
                    "bot",
                    "run",
                ]
            nextsteps = await measure("nextsteps", command, env, emu, texts, samples)

    ratio = nextsteps["updates_per_s"] / echo["updates_per_s"]
    print(f"updates per bot: {args.updates}; latency samples: {args.samples}; items: {args.items}")
    for label, figures in (("echo bot ", echo), ("NextSteps", nextsteps)):
        print(
            f"{label}: {figures['updates_per_s']:8.1f} updates/s   "
            f"p50 {figures['p50_ms']:.1f} ms   p99 {figures['p99_ms']:.1f} ms   "
            f"bot CPU {figures['cpu_ms_per_update']:.2f} ms/update"
        )
    p99_verdict = "met" if nextsteps["p99_ms"] < 50 else "NOT met"
    print(f"ratio NextSteps/echo: {ratio:.2f} (target >= 0.80); NextSteps p99 < 50 ms: {p99_verdict}")
    print(json.dumps({"echo": echo, "nextsteps": nextsteps, "ratio": ratio}))


if __name__ == "__main__":
    asyncio.run(main())
