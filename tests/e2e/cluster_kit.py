"""Two `nextsteps run` instances in webhook mode on one PostgreSQL database, for the fail-over
tests and bench/bench_failover.py: recipients who started the bot, follow-ups made due at a
moment the test picks, each instance's role, and what the emulator saw sent.

Follow-ups are real ones: an item owned by the reminded party with its deadline today, and a
deadline reminder on the day (``reminder_offsets_days = [0]``) at a send time a minute ago, in a
timezone where it is around noon (no midnight to cross during a test). The instances would never
send that reminder by themselves (newly wanted follow-ups already past are skipped); the test
stores it with ``due_now`` exactly as a re-plan made a minute earlier would have, and from then
on the instances' re-plans keep it.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func
from sqlmodel import col, select

from bot.emulator import Emulator, EmulatorClient
from core import items, members, schedule
from core.config import FollowupSettings
from core.followups import Rules
from core.schedule import PlanScope
from core.seed import seed_istanbul
from storage.db import Database
from storage.models import Delivery, DeliveryState, Followup, FollowupState, Role
from tests.conftest import SYSTEM
from tests.e2e.webhook_harness import PUBLIC, free_port, start_instance

ADMIN = 4242
MEMBER_BASE = 60_000
REMINDED_PARTY = "Pakistan"
BROADCAST_TEXT = "Fail-over drill: please confirm receipt."


def noon_timezone(now: datetime) -> str:
    """A fixed-offset zone where it is now between 12:00 and 13:00."""
    offset = 12 - now.hour  # -11 … +12, all valid Etc/GMT zones
    if offset == 0:
        return "Etc/GMT"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"  # POSIX signs: Etc/GMT-3 is UTC+3


@dataclass
class Followups:
    """The follow-up settings the instances run with, and the test's own plan under them."""

    timezone: str
    due_at: datetime  # UTC, a whole minute in the past

    @classmethod
    def around_now(cls) -> Followups:
        now = datetime.now(UTC)
        due_at = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
        return cls(timezone=noon_timezone(now), due_at=due_at)

    @property
    def local_due(self) -> datetime:
        return self.due_at.astimezone(ZoneInfo(self.timezone))

    @property
    def deadline(self) -> date:
        return self.local_due.date()

    @property
    def settings(self) -> FollowupSettings:
        return FollowupSettings(
            reminder_offsets_days=[0],
            send_time=f"{self.local_due:%H:%M}",
            skip_weekends=False,
            tick_seconds=1,
        )

    @property
    def env(self) -> dict[str, str]:
        settings = self.settings
        return {
            "NEXTSTEPS_FOLLOWUPS__TICK_SECONDS": str(settings.tick_seconds),
            "NEXTSTEPS_FOLLOWUPS__SEND_TIME": settings.send_time,
            "NEXTSTEPS_FOLLOWUPS__SKIP_WEEKENDS": "false",
            "NEXTSTEPS_FOLLOWUPS__REMINDER_OFFSETS_DAYS": "[0]",
            "NEXTSTEPS_SECRETARIAT__TIMEZONE": self.timezone,
        }

    @property
    def rules(self) -> Rules:
        return Rules.from_settings(self.settings, self.timezone)


def seed(
    db: Database, followups: Followups, *, recipients: int, reminded: int, items_due: int = 1
) -> tuple[list[int], list[int], list[int]]:
    """The Istanbul data, ``recipients`` members (observers) of whom the first ``reminded`` are in
    the party owning ``items_due`` new items due today. Returns (members, reminded members, the
    items' ids)."""
    users = [MEMBER_BASE + n for n in range(recipients)]
    item_ids = []
    with db.session() as session:
        seed_istanbul(
            session=session,
            next_meeting_on=followups.deadline + timedelta(days=75),  # no meeting follow-up today
            meeting_margin_days=14,
            system_actor=SYSTEM,
        )
        for n, user_id in enumerate(users):
            members.enroll(
                session=session,
                user_id=user_id,
                display_name=f"Member {n}",
                party_name=REMINDED_PARTY if n < reminded else "Sweden",
                role=Role.OBSERVER,
            )
        for n in range(items_due):
            card = items.create_item(
                session=session,
                actor=None,
                text=f"Circulate the minutes of fail-over drill {n + 1}",
                owner_names=[REMINDED_PARTY],
                due_phrase=followups.deadline.isoformat(),
                today=followups.deadline,
                meeting_margin_days=14,
            )
            assert card.item.due_date == followups.deadline, card.item.due_date
            assert card.item.id is not None
            item_ids.append(card.item.id)
    return users, users[:reminded], item_ids


def due_now(db: Database, followups: Followups, item_id: int) -> int:
    """Store the item's reminders as planned a minute before they fell due: due now."""
    with db.session() as session:
        result = schedule.sync_plan(
            session=session,
            rules=followups.rules,
            now=followups.due_at - timedelta(minutes=1),
            horizon_days=2,
            grace_hours=24,
            scope=PlanScope.items([item_id]),
        )
    return result.added


def in_doubt(db: Database) -> int:
    """Follow-ups and broadcast deliveries left 'sending' (by a sender that may be dead: they
    come back when their leases end, and one a dead sender got out is sent twice)."""
    with db.session(completes_work=False) as session:
        followups = session.exec(
            select(func.count()).select_from(Followup).where(col(Followup.state) == FollowupState.SENDING)
        ).one()
        deliveries = session.exec(
            select(func.count()).select_from(Delivery).where(col(Delivery.state) == DeliveryState.SENDING)
        ).one()
    return int(followups) + int(deliveries)


def broadcasts_sent(emu: Emulator, after: float = 0.0) -> Counter[int]:
    """Broadcast messages per chat (with their ✅ Got it button: not the sender's preview)."""
    return Counter(
        e.chat_id
        for e in emu.world.events
        if e.kind == "send" and e.at > after and e.text.startswith("📣 From") and e.reply_markup
    )


def reminders_sent(emu: Emulator, after: float = 0.0) -> Counter[int]:
    """Reminders (of any item) per chat."""
    return Counter(
        e.chat_id for e in emu.world.events if e.kind == "send" and e.at > after and "Due today" in e.text
    )


def reminders_by_text(emu: Emulator) -> Counter[tuple[int, str]]:
    """Each reminder (chat, text: it names its item) and how often it was sent."""
    return Counter(
        (e.chat_id, e.text) for e in emu.world.events if e.kind == "send" and "Due today" in e.text
    )


def first_sent_after(emu: Emulator, after: float, kind: Callable[[str], bool]) -> float | None:
    return min(
        (e.at for e in emu.world.events if e.kind == "send" and e.at > after and kind(e.text)), default=None
    )


def is_broadcast(text: str) -> bool:
    return text.startswith("📣 From")


def is_reminder(text: str) -> bool:
    return "Due today" in text


async def role_of(port: int) -> str | None:
    """The role /readyz reports, None while the instance doesn't answer or isn't ready."""
    async with httpx.AsyncClient(timeout=5) as http:
        try:
            response = await http.get(f"http://127.0.0.1:{port}/readyz")
        except httpx.HTTPError:
            return None
    if response.status_code != 200:
        return None
    role = response.json().get("role")
    return str(role) if role else None


async def wait_for(predicate: Callable[[], bool], seconds: float, what: str) -> float:
    """Poll until ``predicate()``; returns the monotonic time it held."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")
        await asyncio.sleep(0.02)
    return time.monotonic()


async def wait_role(port: int, role: str, seconds: float) -> float:
    deadline = time.monotonic() + seconds
    while (await role_of(port)) != role:
        if time.monotonic() > deadline:
            raise AssertionError(f"the instance on port {port} is not {role} after {seconds:.0f} s")
        await asyncio.sleep(0.1)
    return time.monotonic()


@dataclass
class Instance:
    name: str
    port: int
    proc: asyncio.subprocess.Process | None = None
    starts: int = 0


@dataclass
class Cluster:
    """Instances of `nextsteps run` behind the emulator's load-balancing route."""

    emu: Emulator
    tmp_path: Path
    db_url: str
    env: dict[str, str]
    instances: list[Instance] = field(default_factory=list)

    @classmethod
    def of(cls, emu: Emulator, tmp_path: Path, db_url: str, env: dict[str, str], count: int = 2) -> Cluster:
        cluster = cls(emu, tmp_path, db_url, env, [Instance(f"bot{n}", free_port()) for n in range(count)])
        emu.webhook.route(PUBLIC, [f"http://127.0.0.1:{i.port}" for i in cluster.instances])
        return cluster

    async def start(self, instance: Instance, *, role: str | None = None, seconds: float = 90) -> None:
        """Start ``instance`` and wait until it is ready (in ``role``, if given)."""
        instance.starts += 1
        instance.proc = await start_instance(
            self.emu,
            self.tmp_path,
            self.db_url,
            instance.port,
            admins=[ADMIN],
            name=f"{instance.name}-{instance.starts}",
            env=self.env,
        )
        deadline = time.monotonic() + seconds
        while True:
            current = await role_of(instance.port)
            if current is not None and (role is None or current == role):
                return
            if instance.proc.returncode is not None:
                raise AssertionError(f"{instance.name} exited with {instance.proc.returncode}")
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{instance.name} not ready as {role or 'any role'} after {seconds:.0f} s"
                )
            await asyncio.sleep(0.1)

    async def kill(self, instance: Instance) -> float:
        """SIGKILL; returns the monotonic time the process was gone."""
        assert instance.proc is not None
        instance.proc.send_signal(signal.SIGKILL)
        await instance.proc.wait()
        instance.proc = None
        return time.monotonic()

    async def leader(self) -> Instance:
        for instance in self.instances:
            if instance.proc is not None and await role_of(instance.port) == "leader":
                return instance
        raise AssertionError("no instance leads")

    async def stop(self) -> list[int]:
        """SIGTERM every running instance; their exit codes."""
        running = [i.proc for i in self.instances if i.proc is not None]
        for proc in running:
            proc.send_signal(signal.SIGTERM)
        codes = []
        for proc in running:
            try:
                codes.append(await asyncio.wait_for(proc.wait(), 30))
            except TimeoutError:
                proc.kill()
                codes.append(await proc.wait())
        for instance in self.instances:
            instance.proc = None
        return codes


async def start_broadcast(client: EmulatorClient, text: str = BROADCAST_TEXT) -> None:
    """The secretariat sends ``text`` to everyone, through whichever instance takes each update."""
    _, controls = await client.say(ADMIN, f"/broadcast {text}", expect=2, timeout=60)
    _, (confirm,) = await client.press(ADMIN, controls, "Everyone", expect=1, timeout=60)
    await client.press(ADMIN, confirm, "Send", timeout=60)


def add_users(emu: Emulator, users: list[int]) -> None:
    for user_id in (ADMIN, *users):
        emu.add_user(f"U{user_id}", user_id=user_id, started=True)
