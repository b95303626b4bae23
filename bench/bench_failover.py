"""Fail-over time: the leader SIGKILLed mid-tick → the first follow-up sent by the other instance.

Two `nextsteps run` processes in webhook mode on one PostgreSQL database (a scratch database made
on the ``--postgres`` server and dropped), behind the emulator's load-balancing route, with
Telegram's flood limits on and the default leadership check (``cluster.leader_check_seconds``).
Each round makes ``--reminded`` deadline reminders due at once (an item of their party due
today); once the leader has sent ``--kill-after`` of them it is SIGKILLed, and the round measures
the time from the kill to the other instance's first reminder and to its /readyz role flip. The
killed instance is restarted (it must come back as standby) before the next round. At the end,
every reminder must have arrived (what the dead leaders held comes back through its leases);
duplicates are counted. Prints each kill and min/median/max.

``--tick-seconds`` is ``followups.tick_seconds`` (default 30, the setting's default): a standby
that takes over ticks at once, so it bounds only when the leader starts each round's reminders.

    python bench/bench_failover.py [--kills 10] [--reminded 100] [--tick-seconds 30] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench_webhook import drop_database, fresh_database

from bot.emulator import Emulator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from storage.db import Database
from tests.e2e.cluster_kit import (
    Cluster,
    Followups,
    add_users,
    due_now,
    first_sent_after,
    in_doubt,
    is_reminder,
    reminders_by_text,
    reminders_sent,
    role_of,
    seed,
    wait_for,
    wait_role,
)

DEFAULT_POSTGRES = "postgresql+psycopg://nextsteps:nextsteps@127.0.0.1:5432/postgres"


async def one_kill(
    cluster: Cluster, db: Database, followups: Followups, item_id: int, kill_after: int
) -> tuple[str, str, int, float, float]:
    """Make the item's reminders due, kill the leader once it sent ``kill_after`` of them,
    restart it as standby. Returns (killed, new leader, sent before the kill, seconds to the
    first reminder from the new leader, seconds to its role flip)."""
    emu = cluster.emu
    leader = await cluster.leader()
    (other,) = [i for i in cluster.instances if i is not leader]
    before = sum(reminders_sent(emu).values())
    due_now(db, followups, item_id)
    await wait_for(
        lambda: sum(reminders_sent(emu).values()) - before >= kill_after, 60, f"{kill_after} reminders"
    )
    dead_at = await cluster.kill(leader)
    sent = sum(reminders_sent(emu).values()) - before
    flipped_at = await wait_role(other.port, "leader", 120)
    await wait_for(
        lambda: first_sent_after(emu, dead_at, is_reminder) is not None, 120, "a reminder from the new leader"
    )
    first = first_sent_after(emu, dead_at, is_reminder)
    assert first is not None
    await cluster.start(leader)
    role = await role_of(leader.port)
    assert role == "standby", f"{leader.name} came back as {role}"
    return leader.name, other.name, sent, first - dead_at, flipped_at - dead_at


def spread(values: list[float]) -> str:
    return f"min {min(values):.2f} s, median {statistics.median(values):.2f} s, max {max(values):.2f} s"


async def run(kills: int, reminded: int, kill_after: int, postgres: str, tick_seconds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_failover_") as tmp:
        url = fresh_database(Path(tmp), postgres, "failover")
        db = Database(url)
        db.migrate()
        followups = Followups.around_now()
        users, reminded_users, item_ids = seed(
            db, followups, recipients=reminded, reminded=reminded, items_due=kills
        )
        take_overs: list[float] = []
        flips: list[float] = []
        try:
            async with Emulator() as emu:  # Telegram's flood limits on
                add_users(emu, users)
                env = {**followups.env, "NEXTSTEPS_FOLLOWUPS__TICK_SECONDS": str(tick_seconds)}
                cluster = Cluster.of(emu, Path(tmp), url, env)
                try:
                    await cluster.start(cluster.instances[0], role="leader")
                    await cluster.start(cluster.instances[1], role="standby")
                    for round_no, item_id in enumerate(item_ids, start=1):
                        killed, leader, sent, take_over, flip = await one_kill(
                            cluster, db, followups, item_id, kill_after
                        )
                        take_overs.append(take_over)
                        flips.append(flip)
                        print(
                            f"[failover bench] kill {round_no:2d}: {killed} killed after {sent} reminders; "
                            f"{leader} leads after {flip:5.2f} s, first reminder after {take_over:5.2f} s",
                            flush=True,
                        )
                    expected = len(reminded_users) * len(item_ids)
                    settle_from = time.monotonic()
                    await wait_for(
                        lambda: len(reminders_by_text(emu)) >= expected and in_doubt(db) == 0,
                        180,
                        "every reminder, none left in doubt",
                    )
                    settled = time.monotonic() - settle_from
                    await asyncio.sleep(3)
                finally:
                    await cluster.stop()
                by_text = reminders_by_text(emu)
        finally:
            db.dispose()
            drop_database(postgres, url)
    duplicates = sum(by_text.values()) - len(by_text)
    per_kill = Counter[str]()  # each round's reminders name their own item
    for (_, text), count in by_text.items():
        per_kill[text] += count - 1
    print(f"[failover bench] {kills} kills: first reminder from the other instance {spread(take_overs)}")
    print(f"[failover bench] {kills} kills: role flip (/readyz) {spread(flips)}")
    print(
        f"[failover bench] {len(by_text)} of {expected} reminders arrived (the last, and nothing left "
        f"'sending', {settled:.0f} s after the last kill: the dead leaders' claims come back when their "
        "leases end), "
        f"{duplicates} duplicate(s) over {kills} kills, at most {max(per_kill.values())} per kill"
    )
    assert len(by_text) == expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--reminded", type=int, default=100, help="reminders made due per round")
    parser.add_argument(
        "--kill-after",
        type=int,
        default=25,
        help="reminders sent before the kill (mid-claim: not a multiple of 10)",
    )
    parser.add_argument("--tick-seconds", type=int, default=30, help="followups.tick_seconds")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("NEXTSTEPS_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        help="a PostgreSQL server URL (default: $NEXTSTEPS_TEST_POSTGRES_URL or the local one)",
    )
    args = parser.parse_args()
    print(
        f"{args.kills} kills of the leader mid-tick, {args.reminded} reminders due per round, "
        f"two instances in webhook mode on PostgreSQL, flood limits on, tick_seconds {args.tick_seconds}"
    )
    asyncio.run(run(args.kills, args.reminded, args.kill_after, args.postgres, args.tick_seconds))


if __name__ == "__main__":
    main()
