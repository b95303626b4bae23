"""Webhook throughput vs long polling, on the same emulator and the same kind of database.

`nextsteps run` as its own process (configured by environment, flood limits off on both sides so
the bot is measured, not Telegram's pacing) handles ``--updates`` notes (`/note 5 …`) sent by
``--chats`` chairs at once. Long polling: the bot fetches them with getUpdates. Webhook: the
emulator POSTs each one to the bot's aiohttp server through its load-balancing route (as the
reverse proxy would), a chat's next update after the previous one was accepted. With
``--postgres URL`` (a server URL; a scratch database is made and dropped) the runs use
PostgreSQL, and a third run has two instances behind the route. Prints updates/s per run.

    python bench/bench_webhook.py [--updates 1000] [--chats 50] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
from benchkit import bot_env, enroll, nextsteps_command, stop_bot

from bot.emulator import Emulator, FloodPolicy
from core.seed import seed_istanbul
from storage.db import Database
from storage.models import Role

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.conftest import SYSTEM
from tests.e2e.webhook_harness import PUBLIC, WEBHOOK_URL, free_port
from tests.scratch_databases import create_database, drop_database

ADMIN = 4242
CHAIR_BASE = 95_000


def fresh_database(workdir: Path, postgres: str | None, name: str) -> str:
    if postgres is None:
        return f"sqlite:///{workdir / name}.db"
    return create_database(postgres, prefix="nextsteps_bench")


def drop_scratch(postgres: str | None, url: str) -> None:
    if postgres is not None:
        drop_database(postgres, url)


def prepare(url: str, chairs: list[int]) -> None:
    db = Database(url)
    db.migrate()
    with db.session() as session:
        seed_istanbul(
            session=session, next_meeting_on=date(2027, 1, 20), meeting_margin_days=14, system_actor=SYSTEM
        )
    db.dispose()
    enroll(url, [(c, f"Chair {c}", "Sweden", Role.CHAIR) for c in chairs])


async def wait_ready(emu: Emulator, ports: list[int]) -> None:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient() as http:
        for port in ports:
            while True:
                try:
                    if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError("the bot did not become ready within 60 s")
                await asyncio.sleep(0.05)
    if not ports:
        while not emu.world.calls.get("getupdates"):
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not start polling within 60 s")
            await asyncio.sleep(0.02)


async def run(mode: str, instances: int, updates: int, chats: int, postgres: str | None) -> float:
    chair_ids = [CHAIR_BASE + n for n in range(chats)]
    with tempfile.TemporaryDirectory(prefix="bench_webhook_") as tmp:
        workdir = Path(tmp)
        url = fresh_database(workdir, postgres, mode)
        prepare(url, chair_ids)
        async with Emulator(flood=FloodPolicy.off()) as emu:
            for user_id in (ADMIN, *chair_ids):
                emu.add_user(f"U{user_id}", user_id=user_id, started=True)
            ports = [free_port() for _ in range(instances)] if mode == "webhook" else []
            if ports:
                emu.webhook.route(PUBLIC, [f"http://127.0.0.1:{port}" for port in ports])
            procs = []
            for port in ports or [0]:
                extra = {"NEXTSTEPS_TELEGRAM__FLOOD_LIMITS": "false"}
                if mode == "webhook":
                    extra |= {"NEXTSTEPS_WEBHOOK__URL": WEBHOOK_URL, "NEXTSTEPS_WEBHOOK__PORT": str(port)}
                env = bot_env(emu, url, [ADMIN], **extra)
                procs.append(await asyncio.create_subprocess_exec(*nextsteps_command(), env=env, cwd=tmp))
            try:
                await wait_ready(emu, ports)
                before = len(emu.world.events)
                started = time.perf_counter()
                for n in range(updates):
                    emu.user_message(chair_ids[n % chats], f"/note 5 bench {n}")
                while len(emu.world.events) - before < updates:
                    if time.perf_counter() - started > 300:
                        raise TimeoutError(f"{mode}: only {len(emu.world.events) - before} answers")
                    await asyncio.sleep(0.005)
                elapsed = time.perf_counter() - started
                if mode == "webhook":
                    assert "getupdates" not in emu.world.calls
            finally:
                for proc in procs:
                    await stop_bot(proc)
        drop_scratch(postgres, url)
    return updates / elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: SQLite)")
    args = parser.parse_args()
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{args.updates} notes from {args.chats} chats, {database}, flood limits off")
    runs = [("polling", 1), ("webhook", 1)] + ([("webhook", 2)] if args.postgres else [])
    figures = {}
    for mode, instances in runs:
        label = f"{mode} x{instances}"
        figures[label] = await run(mode, instances, args.updates, args.chats, args.postgres)
        print(f"[webhook bench] {label:<12} {figures[label]:8.1f} updates/s")
    ratio = figures["webhook x1"] / figures["polling x1"]
    print(f"[webhook bench] one instance, webhook / polling: {ratio:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
