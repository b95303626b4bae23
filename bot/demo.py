"""``nextsteps demo``: the emulator, the real bot and a terminal chat — no token, no internet.

Preloads the Istanbul meeting (32nd SOM) with its five next steps and a few people, then lets
you type as any of them and press the bot's buttons by number. ``--lang ru|tr`` (or the
environment's ``NEXTSTEPS_DEMO_LANG``) runs it in Russian or Turkish: the demo people's Telegram is
set to that language, and the demo's own lines are translated too.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.dates import format_date
from pydantic import SecretStr

from bot.app import build_application, running
from bot.emulator import Emulator, EmulatorClient, Sent
from core import clock, members
from core.config import DatabaseURL, Settings
from core.i18n import N_, SOURCE_LANGUAGE, Translator, pick_language, translator
from core.permissions import Actor
from core.seed import DEMO_NEXT_MEETING, DEMO_NOW, DEMO_SEEDED_AT, seed_demo_history, seed_istanbul
from storage import inbox
from storage.db import Database
from storage.models import Role

DEMO_TOKEN = "4242:nextsteps-local-demo"
SETTLE_SECONDS = 1.3  # the bot paces a private chat to 1 message/s; wait for split replies
LANG_ENV = "NEXTSTEPS_DEMO_LANG"  # the demo's language when --lang isn't given


@dataclass(frozen=True)
class Persona:
    key: str
    user_id: int
    name: str
    party: str | None
    role: Role | None
    about: str  # a message id; {party} is the party as the demo names it (never translated)
    party_shown: str = ""

    def describe(self, tr: Translator) -> str:
        return tr.gettext(self.about).format(party=self.party_shown)


_CHAIR_OF = N_("chair, {party}")
PERSONAS = [
    Persona("ada", 100, "Ada", None, Role.SECRETARIAT, N_("secretariat (admin)")),
    Persona("tarik", 101, "Tarık", "Chairmanship", Role.CHAIR, _CHAIR_OF, "Chairmanship (Türkiye)"),
    Persona("sven", 102, "Sven", "Sweden", Role.CHAIR, _CHAIR_OF, "Reference Group — Sweden"),
    Persona("parveen", 103, "Parveen", "Pakistan", Role.CHAIR, _CHAIR_OF, "Reference Group — Pakistan"),
    Persona("olga", 104, "Olga", "Hungary", Role.OBSERVER, N_("observer, {party}"), "Co-Chair (Hungary)"),
    Persona("sam", 105, "Sam", None, None, N_("a stranger, not invited")),
]
HELP = N_(
    "Type as in Telegram: /help, /items, /item 4, /status 5 done, or plain text.\n"
    "  1, 2, …        press button N under the last message that has buttons\n"
    "  :reply TEXT    reply to the bot's last message (a note; or a status word like done)\n"
    "  :as NAME       act as someone else: {names}\n"
    "  :who           who is who\n"
    "  :quit          leave (Ctrl-D works too)"
)


def _long_day(day: date, lang: str) -> str:
    """'Monday 13 February 2023', 'понедельник, 13 февраля 2023 г.', '13 Şubat 2023 Pazartesi'."""
    if lang == SOURCE_LANGUAGE:
        return f"{day:%A %d %B %Y}"
    return format_date(day, format="full", locale=lang)


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


def _show(sent: Sent, label: str, tr: Translator) -> None:
    marker = "✏️  " + tr.gettext("(edited)") if sent.kind == "edit" else "🤖"
    print(f"\n{marker} NextSteps → {label}:")
    if sent.document is not None:  # a terminal can't open it; say what it is
        size = tr.gettext("{size} KB").format(size=f"{sent.document['file_size'] / 1024:.0f}")
        print(f"   📎 {sent.document['file_name']} ({size})")
    if sent.photo is not None:
        picture = tr.gettext("a picture, {width}×{height} px")
        print("   🖼  " + picture.format(width=sent.photo["width"], height=sent.photo["height"]))
    for line in sent.text.splitlines():
        print(f"   {line}")
    if sent.buttons:
        print("   " + "   ".join(f"[{n}] {text}" for n, text in enumerate(sent.buttons, start=1)))
    if sent.reply_markup and sent.reply_markup.get("force_reply"):
        print("   " + tr.gettext("(your next line is sent as a reply to this message)"))


class TerminalChat:
    def __init__(self, client: EmulatorClient, tr: Translator) -> None:
        self.client = client
        self.tr = tr
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
                _show(sent, self.persona.name, self.tr)
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
                print(f"   {p.key:8} {p.name:8} {p.describe(self.tr)}")
            return True
        if line.startswith(":as"):
            key = line[3:].strip().lower()
            match = next((p for p in PERSONAS if p.key == key or p.name.lower() == key), None)
            if match is None:
                nobody = self.tr.gettext("Nobody called “{name}”. Try: {names}")
                print("   " + nobody.format(name=key, names=", ".join(p.key for p in PERSONAS)))
            else:
                self.persona, self.last, self.last_with_buttons = match, None, None
                now = self.tr.gettext("You are now {name}, {about}.")
                print("   " + now.format(name=match.name, about=match.describe(self.tr)))
            return True
        await self.client.skip()
        if line.isdigit():
            await self.press(int(line))
            return True
        reply_to = None
        if line.startswith(":reply"):
            line = line[len(":reply") :].strip()
            if self.last is None:
                print("   " + self.tr.gettext("Nothing to reply to yet."))
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
            print(
                "   "
                + self.tr.gettext("No such button. Buttons are numbered [1], [2] … under the last message.")
            )
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


async def _demo(settings: Settings, db_path: Path, lang: str) -> int:
    tr = translator(lang)
    db_url = f"sqlite:///{db_path}"
    db = Database(db_url)
    db.migrate()
    with db.session() as session:
        # past the updates a kept demo database has seen: the bot drops an update id it has
        # stored as a redelivery, and a fresh emulator would start again at 1
        first_update_id = (inbox.highest_update_id(session=session) or 0) + 1
    try:
        async with Emulator(DEMO_TOKEN, first_update_id=first_update_id) as emulator:
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
                    "database": settings.database.model_copy(update={"url": DatabaseURL(db_url)}),
                    "secretariat": settings.secretariat.model_copy(update={"admins": [PERSONAS[0].user_id]}),
                }
            )
            _prepare(db, demo_settings)
            for person in PERSONAS:
                emulator.add_user(person.name, user_id=person.user_id, started=True, language_code=lang)
            app = build_application(demo_settings, db)
            async with running(app), EmulatorClient(emulator.control_url) as client:
                chat = TerminalChat(client, tr)
                names = ", ".join(p.key for p in PERSONAS)
                print(tr.gettext("NextSteps demo — the real bot talking to a local Telegram emulator"))
                where = tr.gettext("(Bot API at {url}<token>/…, data in {path}).")
                print(where.format(url=emulator.base_url, path=db_path))
                preloaded = tr.gettext(
                    "Preloaded: the 32nd SOM in Istanbul (1 Dec 2022), its five next steps (§13) and the\n"
                    "weeks after it: the demo's clock reads {now}, the 33rd SOM is on\n"
                    "{next_meeting}."
                )
                now, next_meeting = _long_day(clock.now().date(), tr.lang), tr.format_day(DEMO_NEXT_MEETING)
                print(preloaded.format(now=now, next_meeting=next_meeting))
                print(tr.gettext(HELP).format(names=names))
                you = tr.gettext("You are {name}, {about}. Try /items all")
                print("\n" + you.format(name=chat.persona.name, about=chat.persona.describe(tr)))
                while True:
                    line = await _read_line(f"\n[{chat.persona.name}] › ")
                    if line is None or not await chat.handle(line):
                        break
    finally:
        db.dispose()
    print("\n" + tr.gettext("Bye. Run `nextsteps run` with a token to use the bot for real (see README)."))
    return 0


def demo_language(lang: str | None = None) -> str:
    """The demo's language: ``lang`` (--lang), else ``NEXTSTEPS_DEMO_LANG``, else English;
    "ru-RU" reads as "ru", a language the bot doesn't speak as English."""
    return pick_language(lang or os.environ.get(LANG_ENV))


def run_demo(settings: Settings, db_path: str | None, lang: str | None = None) -> int:
    """Run the demo until the user quits; keep data in ``db_path`` if given."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    language = demo_language(lang)
    if db_path:
        return asyncio.run(_demo(settings, Path(db_path), language))
    with tempfile.TemporaryDirectory(prefix="nextsteps-demo-") as tmp:
        return asyncio.run(_demo(settings, Path(tmp) / "demo.db", language))
