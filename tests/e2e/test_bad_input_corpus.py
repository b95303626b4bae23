"""Over 300 bad inputs — commands, replies, forged buttons — from an observer, a stranger and the
secretariat, on SQLite and on PostgreSQL: each is answered (or, in a group, deliberately ignored),
no handler fails, Telegram refuses no call, and the database is exactly as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import SQLModel, func, select

from storage.db import Database
from storage.models import (
    Broadcast,
    GroupChat,
    Invite,
    Item,
    ItemEvent,
    Meeting,
    Member,
    MemberEvent,
    Party,
    Subscription,
)
from tests.e2e.harness import BotWorld, assert_clean, bot_world

COMMANDS = [
    "item",
    "status",
    "note",
    "add",
    "due",
    "meeting",
    "party",
    "invite",
    "invites",
    "items",
    "tz",
    "quiet",
    "reminders",
    "broadcast",
    "broadcasts",
    "group",
    "whoami",
    "report",
    "chart",
    "export",
    "calendar",
]
NASTY = [
    "",
    "abc",
    "-1",
    "0",
    "99999999999",
    "99999999999999999999",
    "1 " + "x" * 5000,
    "<b>bold</b> & <script>",
    "\u202e\u200b",
    "Україна Ελλάδα საქართველო",
    "' OR 1=1 --",
    "%s%s%n {0} ${x}",
    "set 2027-02-30 x | owner: | due: ",
]
# what an observer may not do whatever the arguments (they only read)
OBSERVER_FORBIDDEN = [
    "status",
    "note",
    "add",
    "due",
    "party",
    "invite",
    "invites",
    "broadcast",
    "broadcasts",
    "report",  # the report, chart and exports: unless reports.progress_for_observers
    "chart",
    "export",
]
ADMIN_INVALID = [
    "/item 99999999999",
    "/item 99999999999999999999",
    "/item -5",
    "/status 99999999999 done",
    "/status 2147483648 done",
    "/note 99999999999 hello",
    "/due 99999999999 March 2027",
    "/due 1",
    "/due 1 whenever",
    "/invite revoke",
    "/invite revoke x",
    "/invite revoke 0000000000000000000000",
    "/group on",  # in a private chat
    "/party add",
    "/party add | a, b",
    "/party add Sweden",  # exists
    "/meeting set 99999-01-01 x",
    "/quiet 25:00-07:00",
    "/quiet soon",
    "/reminders maybe",
    "/digest sometimes",
    "/items 99999999999",
    "/start i99999999999",
    "/start i0",
    "/start not-a-real-invite-code",
    "/start " + "A" * 64,
    "/report 2027-13-01",
    "/report 99999-01-01",
    "/report 2027-01-01 2027-02-01",
    "/report 0001-01-01",
    "/export pdf",
    "/export csv xlsx",
]
FORGED = [
    "st:1:d",
    "st:99999999999999:d",
    "st:2147483648:d",
    "st:abc:d",
    "st:1:zz",
    "st::",
    "nt:1",
    "nt:99999999999",
    "bc:1:send",
    "bc:99999999999:all",
    "ack:1",
    "ack:99999999999",
    "im:1:ok",
    "im:x",
    "iv:1:y",
    "iv:99999999999:y",
    "ex:csv",
    "ex:../../etc/passwd",
    "x" * 64,
    "🙂",
]
TABLES: list[type[SQLModel]] = [
    Item,
    ItemEvent,
    Meeting,
    Party,
    Invite,
    Member,
    MemberEvent,
    Subscription,
    Broadcast,
    GroupChat,
]


def inputs() -> list[tuple[str, str]]:
    """(who, text) for every command input of the corpus."""
    cases = [("observer", f"/{c} {a}".strip()) for c in OBSERVER_FORBIDDEN for a in NASTY]
    cases += [
        ("observer", f"/{c} {a}".strip())
        for c in ("item", "items", "tz", "quiet", "reminders")
        for a in NASTY[1:]
    ]
    cases += [("stranger", f"/{c} {a}".strip()) for c in COMMANDS for a in NASTY[:4]]
    cases += [("admin", text) for text in ADMIN_INVALID]
    return cases


def snapshot(db: Database) -> tuple[Any, ...]:
    with db.session() as session:
        counts = tuple(session.exec(select(func.count()).select_from(t)).one() for t in TABLES)
        items = tuple(session.exec(select(Item.id, Item.status, Item.due_text, Item.text)).all())
        people = tuple(
            session.exec(
                select(
                    Member.telegram_user_id, Member.role, Member.party_id, Member.timezone, Member.quiet_start
                )
            ).all()
        )
        parties = tuple(session.exec(select(Party.name, Party.aliases)).all())
    return counts, items, people, parties


async def run_corpus(world: BotWorld) -> int:
    olga = await world.join("Olga", "Hungary", "observer")
    stranger = await world.client.user("Passer-by")
    group = await world.client.group("Chairs", [world.admin, olga, stranger])
    card = await world.card(olga, 5)
    await world.client.ask(world.admin, "/start")
    before = snapshot(world.db)
    who = {"observer": olga, "stranger": stranger, "admin": world.admin}
    count = 0
    for role, text in inputs():
        reply = await world.client.ask(who[role], text, timeout=10)
        assert reply.text, f"{role} {text[:40]!r} got an empty answer"
        count += 1
    for person in (olga, stranger):
        for data in FORGED:
            answer, _ = await world.client.press(person, card, data=data)
            assert answer["answered"]
            count += 1
    for text in ("done", "dropped", "<b>x</b>", "x" * 5000):  # replies an observer may not make
        reply = await world.client.ask(olga, text, reply_to=card.message_id, timeout=10)
        assert reply.text
        count += 1
    await world.client.skip()
    for person in (olga, stranger):  # a disabled group: hints or silence, never data
        for text in (
            "/items all",
            "/item 5",
            "/status 5 done",
            "done",
            "/group on",
            "/invite Sweden",
            "/report",
        ):
            await world.client.send(person, text, chat_id=group)
            count += 1
    for sent in await world.client.quiet(group, seconds=1.0):
        assert "#5" not in sent.text and "?start=" not in sent.text
    assert snapshot(world.db) == before, "a bad input changed the database"
    await assert_clean(world)
    return count


async def test_bad_input_corpus_on_sqlite(tmp_path: Path) -> None:
    async with bot_world(tmp_path) as world:
        assert await run_corpus(world) >= 300


async def test_bad_input_corpus_on_postgresql(tmp_path: Path, postgresql_database: Database) -> None:
    async with bot_world(tmp_path, db_url=postgresql_database.url) as world:
        assert await run_corpus(world) >= 300


@pytest.mark.parametrize("text", ["/item 99999999999", "/status 99999999999 done"])
async def test_numbers_past_the_database_integer_get_the_same_reply_on_both(
    tmp_path: Path, postgresql_database: Database, text: str
) -> None:
    replies = []
    for url in (f"sqlite:///{tmp_path / 'same.db'}", postgresql_database.url):
        async with bot_world(tmp_path, db_url=url) as world:
            replies.append((await world.client.ask(world.admin, text)).text)
    assert replies[0] == replies[1]
