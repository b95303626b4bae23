"""What the benchmarks share: a seeded SQLite database, NextSteps started exactly as `nextsteps run`
(configured by environment) against the in-process emulator, a person who sends a command and
waits for the whole answer, and percentiles and verdict lines.

Latencies are measured on one clock: from just before the emulator receives the person's message
to the moment the emulator accepted the bot's answer (``SentEvent.at``), so how quickly this
process notices the answer does not count.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.emulator import Emulator
from bot.emulator.state import SentEvent
from core import items, members, parties
from core.config import DeadlineSettings
from core.permissions import Actor
from core.seed import seed_istanbul
from storage.db import Database
from storage.models import Role

SYSTEM = Actor(
    member_id=0, user_id=0, role=Role.SECRETARIAT, party_id=None, name="Secretariat", timezone="UTC"
)
CHAIR_PARTY = "Sweden"
OWNERS = ["Chairmanship", "Co-Chair", "Pakistan", "Secretariat"]  # and every `mine_every`-th: Sweden
LIST_FOOTER = "Tap a number, or /item N, to open one."
BROADCAST_PREFIX = "📣"  # broadcasts and their controls; never an answer to a chair's command


# -- figures ------------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def spread(values_ms: Sequence[float]) -> str:
    return (
        f"p50 {percentile(values_ms, 50):.1f} ms, p95 {percentile(values_ms, 95):.1f} ms, "
        f"p99 {percentile(values_ms, 99):.1f} ms, max {max(values_ms):.1f} ms"
    )


# -- data ---------------------------------------------------------------------------------------
def seed_database(url: str, extra_items: int, *, mine_every: int = 10) -> list[int]:
    """The Istanbul meeting plus ``extra_items`` open items (every ``mine_every``-th owned by
    Sweden, the rest by the other parties); the next meeting half a year away, so that nothing
    falls due while a benchmark runs. Returns the numbers of the items Sweden owns."""
    db = Database(url)
    db.migrate()
    today = date.today()
    margin = DeadlineSettings().meeting_margin_days  # the default
    with db.session() as session:
        seed_istanbul(
            session=session,
            next_meeting_on=today + timedelta(days=180),
            meeting_margin_days=margin,
            system_actor=SYSTEM,
        )
        for n in range(extra_items):
            owner = CHAIR_PARTY if n % mine_every == 0 else OWNERS[n % len(OWNERS)]
            items.create_item(
                session=session,
                actor=None,
                text=(
                    f"Step {n + 1}: the partners will share their comments on the draft "
                    f"declaration, annex {n % 7 + 1}, with the secretariat."
                ),
                owner_names=[owner],
                due_phrase=str(today.year + 1),
                today=today,
                meeting_margin_days=margin,
            )
    with db.session() as session:
        sweden = parties.find_party(session=session, name=CHAIR_PARTY)
        assert sweden is not None
        mine = items.list_items(
            session=session,
            actor=Actor(
                member_id=0,
                user_id=0,
                role=Role.CHAIR,
                party_id=sweden.id,
                name="bench",
                timezone="UTC",
            ),
            scope=items.Scope.MINE,
            today=today,
        )
        numbers = [card.number for card in mine]
    db.dispose()
    return numbers


def enroll(url: str, people: Sequence[tuple[int, str, str, Role]]) -> None:
    """Members bound to a party without an invite (user id, name, party, role)."""
    db = Database(url)
    with db.session() as session:
        for user_id, name, party, role in people:
            members.enroll(session=session, user_id=user_id, display_name=name, party_name=party, role=role)
    db.dispose()


# -- the bot ------------------------------------------------------------------------------------
def bot_env(emu: Emulator, db_url: str, admins: Sequence[int], **extra: str) -> dict[str, str]:
    """`nextsteps run`'s configuration by environment; everything not given is the default."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXTSTEPS_")}
    env.update(
        {
            "NEXTSTEPS_TELEGRAM__TOKEN": emu.token,
            "NEXTSTEPS_TELEGRAM__API_BASE_URL": emu.base_url,
            "NEXTSTEPS_TELEGRAM__API_FILE_URL": emu.file_url,
            "NEXTSTEPS_TELEGRAM__POLL_TIMEOUT_SECONDS": "1",
            "NEXTSTEPS_DATABASE__URL": db_url,
            "NEXTSTEPS_SECRETARIAT__ADMINS": "[" + ",".join(str(a) for a in admins) + "]",
            "NEXTSTEPS_LOGGING__LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def nextsteps_command() -> list[str]:
    return [str(Path(sys.executable).parent / "nextsteps"), "run"]


async def start_bot(emu: Emulator, env: dict[str, str], cwd: str) -> asyncio.subprocess.Process:
    """`nextsteps run` as its own process; returns once it polls the emulator."""
    calls_before = emu.world.calls.get("getupdates", 0)
    proc = await asyncio.create_subprocess_exec(*nextsteps_command(), env=env, cwd=cwd)
    deadline = time.monotonic() + 60
    while emu.world.calls.get("getupdates", 0) <= calls_before:
        if proc.returncode is not None:
            raise RuntimeError(f"nextsteps run exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError("nextsteps run did not start polling within 60 s")
        await asyncio.sleep(0.02)
    return proc


async def stop_bot(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            proc.kill()
            await proc.wait()


def refused_calls(emu: Emulator) -> list[dict[str, object]]:
    """Bot API calls the emulator refused, other than 429s and 'not modified' (harmless)."""
    return [e for e in emu.world.errors if e["code"] != 429 and "not modified" not in str(e["description"])]


# -- people -------------------------------------------------------------------------------------
@dataclass
class Answer:
    first_ms: float  # the answer starts: its first message
    whole_ms: float  # the answer is complete: its last message
    parts: list[SentEvent]


def is_answer(event: SentEvent) -> bool:
    """Broadcast messages and controls also land in people's chats; they answer no command."""
    return event.kind == "send" and not event.text.startswith(BROADCAST_PREFIX)


class Person:
    """Someone in a private chat with the bot, typing a command and waiting for the answer."""

    def __init__(self, emu: Emulator, user_id: int) -> None:
        self.emu = emu
        self.user_id = user_id

    async def wait(
        self, after: int, done: Callable[[list[SentEvent]], bool], seconds: float
    ) -> tuple[list[SentEvent], int]:
        """Answers in this chat after event ``after`` until ``done(parts)``; also the new cursor."""
        deadline = time.monotonic() + seconds
        parts: list[SentEvent] = []
        cursor = after
        while not (parts and done(parts)):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [p.text[:60] for p in parts]
                raise TimeoutError(f"no complete answer in {seconds:.0f} s (chat {self.user_id}): {seen}")
            new = await self.emu.wait_events(cursor, remaining, chat_id=self.user_id)
            if new:
                cursor = new[-1].seq
                parts += [e for e in new if is_answer(e)]
        return parts, cursor

    async def ask(
        self,
        text: str,
        done: Callable[[list[SentEvent]], bool] = lambda parts: True,
        seconds: float = 60,
    ) -> Answer:
        after = len(self.emu.world.events)
        t0 = time.monotonic()
        self.emu.user_message(self.user_id, text)
        parts, _ = await self.wait(after, done, seconds)
        return Answer(
            first_ms=(parts[0].at - t0) * 1000,
            whole_ms=(parts[-1].at - t0) * 1000,
            parts=parts,
        )


def list_complete(parts: list[SentEvent]) -> bool:
    """A list (/items …) ends with its footer, in its last part."""
    return LIST_FOOTER in parts[-1].text


async def join_by_invite(emu: Emulator, admin: Person, name: str, party: str, role: str) -> Person:
    """A new person joins through a real invite link created by the secretariat."""
    invite = await admin.ask(f"/invite {party} {role}", lambda parts: "?start=" in parts[-1].text)
    code = invite.parts[-1].text.split("?start=")[1].split()[0]
    user = emu.add_user(name)
    person = Person(emu, user.id)
    welcome = await person.ask(f"/start {code}", lambda parts: any("Welcome" in p.text for p in parts))
    if not any("Welcome" in p.text for p in welcome.parts):
        raise RuntimeError(f"joining failed: {[p.text[:80] for p in welcome.parts]}")
    return person


async def settle(emu: Emulator, quiet_seconds: float = 1.5, limit: float = 30) -> None:
    """Wait until the bot has sent nothing for ``quiet_seconds`` (start-up follow-ups, welcomes)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = len(emu.world.events)
        await asyncio.sleep(quiet_seconds)
        if len(emu.world.events) == before:
            return
