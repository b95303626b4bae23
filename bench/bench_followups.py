"""Follow-up engine at scale: 100,000 items, 500 parties, 2,000 members (SQLite).

Prints the time of one tick with nothing due and with 1,000 due (sent to the local emulator
through the real bot), the time to re-plan after moving the next meeting (10,000 items tied to
it), the size of the plan, and peak RSS of this process (bot + emulator + data generation).
Targets: tick < 50 ms with nothing due, re-plan of 10,000 linked items < 1 s, RSS < 150 MB.

    python bench/bench_followups.py [--items 100000] [--parties 500] [--members 2000] [--linked 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from bot import jobs
from bot.app import build_application, running
from bot.emulator import Emulator, FloodPolicy
from core import clock, meetings
from core.config import load_settings
from core.permissions import Actor
from core.schedule import PlanScope
from storage.db import Database
from storage.models import (
    Followup,
    FollowupState,
    Item,
    ItemOwner,
    Meeting,
    Member,
    Party,
    Precision,
    Role,
    Status,
)

ZONES = ["Europe/Istanbul", "Europe/Stockholm", "Asia/Karachi", "Europe/Vienna"]
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


@dataclass
class FakeContext:
    """What jobs.tick reads from a CallbackContext."""

    bot: Any
    bot_data: dict[str, Any]


def build(db: Database, args: argparse.Namespace) -> None:
    rng = random.Random(3)
    today = NOW.date()
    with db.session() as session:
        session.execute(
            insert(Party),
            [{"name": f"Party {p:03d}", "aliases": [], "created_at": NOW} for p in range(args.parties)],
        )
        session.execute(
            insert(Member),
            [
                {
                    "telegram_user_id": 100_000 + m,
                    "party_id": 1 + m % args.parties,
                    "role": Role.CHAIR if m % 4 else Role.OBSERVER,
                    "display_name": f"Member {m}",
                    "timezone": ZONES[m % len(ZONES)],
                    "reachable": True,
                    "reminders_enabled": True,
                    "joined_at": NOW,
                }
                for m in range(args.members)
            ],
        )
        session.add(Meeting(name="Next SOM", held_on=today + timedelta(days=40), is_next=True))
        session.flush()
        rows = []
        for n in range(args.items):
            linked = n < args.linked
            rows.append(
                {
                    "text": f"Next step {n}",
                    "status": Status.OPEN if rng.random() < 0.7 else Status.DONE,
                    "due_text": "ahead of the next meeting" if linked else "a date",
                    "due_date": today + timedelta(days=26)
                    if linked
                    else today + timedelta(days=rng.randint(-200, 400)),
                    "due_precision": Precision.MEETING if linked else Precision.DAY,
                    "due_meeting_id": 1 if linked else None,
                    "due_offset_days": 14 if linked else None,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
        session.execute(insert(Item), rows)
        session.execute(
            insert(ItemOwner),
            [{"item_id": n + 1, "party_id": 1 + rng.randrange(args.parties)} for n in range(args.items)],
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--parties", type=int, default=500)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--linked", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--generate-into", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_into:  # child process: build the data set, so its memory isn't counted
        db = Database(args.generate_into)
        db.migrate()
        build(db, args)
        return
    clock.now = lambda: NOW  # type: ignore[assignment]

    with tempfile.TemporaryDirectory(prefix="nextsteps-bench-") as tmp:
        async with Emulator(flood=FloodPolicy.off()) as emu:
            settings = load_settings(
                None,
                telegram={
                    "token": emu.token,
                    "api_base_url": emu.base_url,
                    "flood_limits": False,
                    "poll_timeout_seconds": 1,
                },
                database={"url": f"sqlite:///{Path(tmp) / 'bench.db'}"},
                followups={"tick_seconds": 3600},
            )
            t0 = time.perf_counter()
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                __file__,
                "--generate-into",
                settings.database.url.get_secret_value(),
                *sys.argv[1:],
            )
            assert await child.wait() == 0
            t = time.perf_counter() - t0
            db = Database(settings.database.url.get_secret_value())
            print(f"generated {args.items} items, {args.parties} parties, {args.members} members in {t:.1f}s")
            for m in range(args.members):
                emu.add_user(f"Member {m}", user_id=100_000 + m, started=True)

            app = build_application(settings, db)
            start = time.perf_counter()
            async with running(app):  # post_init re-plans everything
                print(f"start-up with full plan: {time.perf_counter() - start:.2f}s")
                with db.session() as session:
                    planned = session.execute(
                        select(func.count())
                        .select_from(Followup)
                        .where(Followup.state == FollowupState.PLANNED)
                    ).scalar_one()
                print(f"plan: {planned} follow-ups over the next {settings.followups.horizon_days} days")
                context = FakeContext(bot=app.bot, bot_data=app.bot_data)

                idle = []
                for _ in range(30):
                    t0 = time.perf_counter()
                    await jobs.tick(context)  # type: ignore[arg-type]
                    idle.append((time.perf_counter() - t0) * 1000)
                print(
                    f"tick, nothing due: median {statistics.median(idle):.2f} ms, "
                    f"max {max(idle):.2f} ms (target < 50 ms)"
                )

                with db.session() as session:
                    ids = (
                        session.execute(
                            select(Followup.id)
                            .where(Followup.state == FollowupState.PLANNED)
                            .order_by(Followup.due_at)
                            .limit(args.due)
                        )
                        .scalars()
                        .all()
                    )
                    session.execute(
                        update(Followup).where(Followup.id.in_(ids)).values(due_at=NOW - timedelta(minutes=1))
                    )
                sent_before = len(emu.world.events)
                t0 = time.perf_counter()
                await jobs.tick(context)  # type: ignore[arg-type]
                busy = time.perf_counter() - t0
                sent = len(emu.world.events) - sent_before
                print(f"tick, {len(ids)} due: {busy:.2f} s, {sent} messages sent ({sent / busy:.0f}/s)")

                system = Actor(0, 0, Role.SECRETARIAT, None, "bench", "UTC")
                t0 = time.perf_counter()
                with db.session() as session:
                    meeting, moved = meetings.set_next_meeting(
                        session=session,
                        actor=system,
                        held_on=NOW.date() + timedelta(days=25),
                        name="Next SOM",
                    )
                    assert meeting.id is not None
                    linked = meetings.linked_item_ids(session=session, meeting_id=meeting.id)
                result = jobs.replan(app.bot_data["nextsteps"], PlanScope.meeting(linked))
                replan_s = time.perf_counter() - t0
                print(
                    f"move the meeting: {moved} linked items re-resolved and re-planned in {replan_s:.2f} s "
                    f"(added {result.added}, moved {result.moved}, cancelled {result.cancelled}; "
                    "target < 1 s)"
                )
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"peak RSS of the bot (with the emulator in the same process): {rss_mb:.0f} MB (target < 150 MB)"
        )


if __name__ == "__main__":
    asyncio.run(main())
