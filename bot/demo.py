"""``nextsteps demo``: the emulator, the real bot and a terminal chat — no token, no internet.

Preloads the Istanbul meeting (32nd SOM) with its five next steps and a few people, then lets
you type as any of them and press the bot's buttons by number.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from bot.app import build_application, running
from bot.emulator import Emulator, EmulatorClient, Sent
from core import clock, members
from core.config import DatabaseURL, Settings
from core.permissions import Actor
from core.seed import DEMO_NEXT_MEETING, DEMO_NOW, DEMO_SEEDED_AT, seed_demo_history, seed_istanbul
from storage.db import Database
from storage.models import Role

DEMO_TOKEN = "4242:nextsteps-local-demo"
SETTLE_SECONDS = 1.3  # the bot paces a private chat to 1 message/s; wait for split replies


@dataclass(frozen=True)
class Persona:
    key: str
    user_id: int
    name: str
    party: str | None
    role: Role | None
    about: str


PERSONAS = [
    Persona("ada", 100, "Ada", None, Role.SECRETARIAT, "secretariat (admin)"),
    Persona("tarik", 101, "Tarık", "Chairmanship", Role.CHAIR, "chair, Chairmanship (Türkiye)"),
    Persona("sven", 102, "Sven", "Sweden", Role.CHAIR, "chair, Reference Group — Sweden"),
    Persona("parveen", 103, "Parveen", "Pakistan", Role.CHAIR, "chair, Reference Group — Pakistan"),
    Persona("olga", 104, "Olga", "Hungary", Role.OBSERVER, "observer, Co-Chair (Hungary)"),
    Persona("sam", 105, "Sam", None, None, "a stranger, not invited"),
]
HELP = """Type as in Telegram: /help, /items, /item 4, /status 5 done, or plain text.
  1, 2, …        press button N under the last message that has buttons
  :reply TEXT    reply to the bot's last message (a note; or a status word like done)
  :as NAME       act as someone else: {names}
  :who           who is who
  :quit          leave (Ctrl-D works too)"""


def _prepare(db: Database, settings: Settings) -> None:
    """Seed the Istanbul next steps, bind the demo people to their parties, and play the weeks
    after the meeting: the demo's clock then runs from a Monday in February 2023."""
    clock.run_from(DEMO_SEEDED_AT)
    zone = settings.secretariat.timezone
    system = Actor(0, 0, Role.SECRETARIAT, None, "demo", zone)
    with db.session() as session:
        item_ids = seed_istanbul(
            session=session,
            next_meeting_on=DEMO_NEXT_MEETING,
            meeting_margin_days=settings.deadlines.meeting_margin_days,
            system_actor=system,
        )
        actors: dict[str, Actor] = {}
        for person in PERSONAS:
            if person.party is None or person.role is None:
                continue
            member = members.enroll(
                session=session,
                user_id=person.user_id,
                display_name=person.name,
                party_name=person.party,
                role=person.role,
            )
            assert member.id is not None
            actors[person.party] = Actor(
                member.id, person.user_id, person.role, member.party_id, person.name, zone
            )
        seed_demo_history(session=session, item_ids=item_ids, actors=actors)
    clock.run_from(DEMO_NOW)


def _show(sent: Sent, label: str) -> None:
    marker = "✏️  (edited)" if sent.kind == "edit" else "🤖"
    print(f"\n{marker} NextSteps → {label}:")
    if sent.document is not None:  # a terminal can't open it; say what it is
        print(f"   📎 {sent.document['file_name']} ({sent.document['file_size'] / 1024:.0f} KB)")
    if sent.photo is not None:
        print(f"   🖼  a picture, {sent.photo['width']}×{sent.photo['height']} px")
    for line in sent.text.splitlines():
        print(f"   {line}")
    if sent.buttons:
        print("   " + "   ".join(f"[{n}] {text}" for n, text in enumerate(sent.buttons, start=1)))
    if sent.reply_markup and sent.reply_markup.get("force_reply"):
        print("   (your next line is sent as a reply to this message)")


class TerminalChat:
    def __init__(self, client: EmulatorClient) -> None:
        self.client = client
        self.persona = PERSONAS[0]
        self.last: Sent | None = None
        self.last_with_buttons: Sent | None = None

    async def collect(self, first_wait: float = 5.0) -> None:
        """Print what the bot sends to the current person until it goes quiet."""
        chat = self.persona.user_id
        wait = first_wait
        while True:
            events = await self.client.events(chat_id=chat, timeout=wait)
            if not events:
                return
            for sent in events:
                _show(sent, self.persona.name)
                self.last = sent
                if sent.buttons:
                    self.last_with_buttons = sent
            self.client.cursor = max(self.client.cursor, events[-1].seq)
            wait = SETTLE_SECONDS

    async def handle(self, line: str) -> bool:
        """Act on one input line; False to quit."""
        line = line.strip()
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        if line == ":who":
            for p in PERSONAS:
                print(f"   {p.key:8} {p.name:8} {p.about}")
            return True
        if line.startswith(":as"):
            key = line[3:].strip().lower()
            match = next((p for p in PERSONAS if p.key == key or p.name.lower() == key), None)
            if match is None:
                print(f"   Nobody called {key!r}. Try: {', '.join(p.key for p in PERSONAS)}")
            else:
                self.persona, self.last, self.last_with_buttons = match, None, None
                print(f"   You are now {match.name}, {match.about}.")
            return True
        await self.client.skip()
        if line.isdigit():
            await self.press(int(line))
            return True
        reply_to = None
        if line.startswith(":reply"):
            line = line[len(":reply") :].strip()
            if self.last is None:
                print("   Nothing to reply to yet.")
                return True
            reply_to = self.last.message_id
        elif self.last is not None and self.last.reply_markup and self.last.reply_markup.get("force_reply"):
            reply_to = self.last.message_id
        await self.client.send(self.persona.user_id, line, reply_to=reply_to)
        await self.collect()
        return True

    async def press(self, number: int) -> None:
        message = self.last_with_buttons
        if message is None or not 1 <= number <= len(message.buttons):
            print("   No such button. Buttons are numbered [1], [2] … under the last message.")
            return
        answer, _ = await self.client.press(self.persona.user_id, message, number - 1)
        if answer.get("text"):
            print(f"\n   💬 {answer['text']}")
        await self.collect(first_wait=2.0)


async def _read_line(prompt: str) -> str | None:
    loop = asyncio.get_running_loop()
    if sys.stdin.isatty():
        print(prompt, end="", flush=True)
    line = await loop.run_in_executor(None, sys.stdin.readline)
    return line if line else None


async def _demo(settings: Settings, db_path: Path) -> int:
    async with Emulator(DEMO_TOKEN) as emulator:
        demo_settings = settings.model_copy(
            update={
                "telegram": settings.telegram.model_copy(
                    update={
                        "token": SecretStr(DEMO_TOKEN),
                        "api_base_url": emulator.base_url,
                        "api_file_url": emulator.file_url,
                        "poll_timeout_seconds": 2,
                    }
                ),
                "database": settings.database.model_copy(update={"url": DatabaseURL(f"sqlite:///{db_path}")}),
                "secretariat": settings.secretariat.model_copy(update={"admins": [PERSONAS[0].user_id]}),
            }
        )
        db = Database(demo_settings.database.url.get_secret_value())
        db.migrate()
        _prepare(db, demo_settings)
        for person in PERSONAS:
            emulator.add_user(person.name, user_id=person.user_id, started=True)
        app = build_application(demo_settings, db)
        async with running(app), EmulatorClient(emulator.control_url) as client:
            chat = TerminalChat(client)
            names = ", ".join(p.key for p in PERSONAS)
            print("NextSteps demo — the real bot talking to a local Telegram emulator")
            print(f"(Bot API at {emulator.base_url}<token>/…, data in {db_path}).")
            print("Preloaded: the 32nd SOM in Istanbul (1 Dec 2022), its five next steps (§13) and the")
            print(f"weeks after it: the demo's clock reads {clock.now():%A %d %B %Y}, the 33rd SOM is on")
            print(f"{DEMO_NEXT_MEETING:%d %B %Y}.")
            print(HELP.format(names=names))
            print(f"\nYou are {chat.persona.name}, {chat.persona.about}. Try /items all")
            while True:
                line = await _read_line(f"\n[{chat.persona.name}] › ")
                if line is None or not await chat.handle(line):
                    break
        db.dispose()
    print("\nBye. Run `nextsteps run` with a token to use the bot for real (see README).")
    return 0


def run_demo(settings: Settings, db_path: str | None) -> int:
    """Run the demo until the user quits; keep data in ``db_path`` if given."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    if db_path:
        return asyncio.run(_demo(settings, Path(db_path)))
    with tempfile.TemporaryDirectory(prefix="nextsteps-demo-") as tmp:
        return asyncio.run(_demo(settings, Path(tmp) / "demo.db"))
