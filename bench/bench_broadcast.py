"""Broadcast throughput at Telegram's limits: 1,000 private-chat recipients.

The emulator (in this process) enforces Telegram's flood limits; NextSteps runs as its own
process exactly as `nextsteps run`. Prints messages/s, 429s, duplicates, losses, wall time,
and how fast a chair's /items is answered while the broadcast goes out.
Targets: >= 28.5 messages/s, 0 flood errors, 0 duplicates, 0 losses, /items < 1 s.

    python bench/bench_broadcast.py [--recipients 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bot.emulator import Emulator, EmulatorClient, FloodPolicy
from core import members
from core.seed import PARTIES
from storage.db import Database
from storage.models import Party, Role

ADMIN = 7
CHAIR = 8
FIRST = 100_000


def prepare(url: str, recipients: int) -> None:
    db = Database(url)
    db.migrate()
    with db.session() as session:
        for name, aliases in PARTIES:
            session.add(Party(name=name, aliases=aliases))
        session.flush()
        members.enroll(
            session=session, user_id=CHAIR, display_name="Chair", party_name="Sweden", role=Role.CHAIR
        )
        for n in range(recipients):
            members.enroll(
                session=session,
                user_id=FIRST + n,
                display_name=f"R{n}",
                party_name="Pakistan",
                role=Role.OBSERVER,
            )
    db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nextsteps-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'b.db'}"
        prepare(url, args.recipients)
        async with Emulator(flood=FloodPolicy()) as emu, EmulatorClient(emu.control_url) as client:
            for user_id in (ADMIN, CHAIR, *range(FIRST, FIRST + args.recipients)):
                emu.add_user(f"U{user_id}", user_id=user_id, started=True)
            env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTSTEPS_")}
            env.update(
                {
                    "NEXTSTEPS_TELEGRAM__TOKEN": emu.token,
                    "NEXTSTEPS_TELEGRAM__API_BASE_URL": emu.base_url,
                    "NEXTSTEPS_TELEGRAM__POLL_TIMEOUT_SECONDS": "1",
                    "NEXTSTEPS_DATABASE__URL": url,
                    "NEXTSTEPS_SECRETARIAT__ADMINS": f"[{ADMIN}]",
                    "NEXTSTEPS_LOGGING__LEVEL": "WARNING",
                }
            )
            proc = await asyncio.create_subprocess_exec(
                str(Path(sys.executable).parent / "nextsteps"), "run", env=env, cwd=tmp
            )
            try:
                _, controls = await client.say(
                    ADMIN, "/broadcast Benchmark: please ignore.", expect=2, timeout=60
                )
                _, (confirm,) = await client.press(ADMIN, controls, "Everyone", expect=1)
                rejected_before = emu.flood.rejected
                start = time.perf_counter()
                await client.press(ADMIN, confirm, "Send")
                first = last = None
                latencies: list[float] = []
                next_probe = time.perf_counter() + float(os.environ.get("PROBE_START", "1"))
                while True:
                    got = [e for e in emu.world.events if e.kind == "send" and e.text.startswith("📣 From")]
                    if got and first is None:
                        first = time.perf_counter()
                    if len(got) >= args.recipients + 2:  # + the preview to the admin + the chair
                        last = time.perf_counter()
                        break
                    if time.perf_counter() >= next_probe:
                        t0 = time.perf_counter()
                        await client.ask(CHAIR, "/items", timeout=30)
                        latencies.append(time.perf_counter() - t0)
                        next_probe = time.perf_counter() + 5
                    await asyncio.sleep(0.05)
                wall = time.perf_counter() - start
            finally:
                proc.send_signal(signal.SIGINT)
                await proc.wait()
            counts = Counter(
                e.chat_id for e in emu.world.events if e.kind == "send" and e.text.startswith("📣 From")
            )
            targets = [FIRST + n for n in range(args.recipients)]
            duplicates = sum(counts[t] - 1 for t in targets if counts[t] > 1)
            lost = sum(1 for t in targets if counts[t] == 0)
            assert first is not None and last is not None
            stamps = sorted(  # deliveries carry the "Got it" button; the sender's preview doesn't
                e.at
                for e in emu.world.events
                if e.kind == "send" and e.text.startswith("📣 From") and e.reply_markup
            )
            rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])  # as Telegram (the emulator) saw them
            everything = sorted(e.at for e in emu.world.events if stamps[0] <= e.at <= stamps[-1])
            print(f"throughput: {rate:.1f} broadcast messages/s (target >= 28.5)")
            print(
                f"all the bot's messages and edits in that time (replies, progress): "
                f"{(len(everything) - 1) / (everything[-1] - everything[0]):.1f}/s (Telegram's limit: 30)"
            )
            print(
                f"429 responses: {emu.flood.rejected - rejected_before}; "
                f"duplicates: {duplicates}; losses: {lost}"
            )
            print(f"wall time from Send to the last message: {wall:.1f} s")
            if latencies:
                print(
                    "a chair's /items during the broadcast: "
                    f"median {statistics.median(latencies) * 1000:.0f} ms, "
                    f"max {max(latencies) * 1000:.0f} ms over {len(latencies)} tries (target < 1 s)"
                )


if __name__ == "__main__":
    asyncio.run(main())
