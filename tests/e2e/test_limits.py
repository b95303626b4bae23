"""Every string and list a person types has a maximum, checked before the database: the same
clear reply on SQLite and PostgreSQL, nothing stored; and the maximum itself is accepted by both."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import func, select

from core import items as item_service
from core import limits
from storage.models import Broadcast, Invite, Item, ItemEvent, Meeting, Party
from tests.e2e.databases import db_url
from tests.e2e.harness import BotWorld, assert_clean, bot_world

__all__ = ["db_url"]

TOO_LONG = [
    (
        "/add Do it | owner: Sweden | ref: " + "r" * 51,
        "A paragraph reference is too long: 51 characters (at most 50).",
    ),
    (
        "/meeting set 2027-03-01 SOM | " + "p" * 201,
        "A meeting place is too long: 201 characters (at most 200).",
    ),
    ("/meeting set 2027-03-01 " + "m" * 151, "A meeting name is too long: 151 characters (at most 150)."),
    ("/party add " + "z" * 101, "A party name is too long: 101 characters (at most 100)."),
    ("/party add Zed | " + "a" * 101, "An alias is too long: 101 characters (at most 100)."),
    ("/party add Zed | " + ", ".join(f"z{n}" for n in range(21)), "Too many aliases: 21 (at most 20)."),
    ("/note 1 " + "x" * 1001, "A note is too long: 1001 characters (at most 1000)."),
    ("/status 1 blocked " + "x" * 1001, "A note is too long: 1001 characters (at most 1000)."),
    (
        "/add " + "y" * 1501 + " | owner: Sweden",
        "An item's text is too long: 1501 characters (at most 1500).",
    ),
    ("/due 1 31 March 2027" + "," * 188, "A deadline is too long: 201 characters (at most 200)."),
    ("/add Do it | owner: " + ", ".join(["Sweden"] * 21), "Too many owners: 21 (at most 20)."),
    ("/broadcast " + "b" * 4001, "A broadcast is too long: 4001 characters (at most 4000)."),
]
AT_THE_MAXIMUM = [
    ("/add Do it | owner: Sweden | ref: " + "r" * 50, "➕ Added #6."),
    ("/meeting set 2027-03-01 " + "m" * 150 + " | " + "p" * 200, "✅ 📅 Next meeting: " + "m" * 150),
    (
        "/party add " + "z" * 100 + " | " + ", ".join(f"{n:02d}" + "a" * 98 for n in range(20)),
        "✅ Added party",
    ),
    ("/note 1 " + "x" * 1000, "📝 Note added to #1."),
    ("/add " + "y" * 1500 + " | owner: " + ", ".join(["Sweden"] * 20), "➕ Added #7."),
    ("/due 1 31 March 2027" + "," * 187, "⏰ New deadline for #1."),
    ("/broadcast " + "b" * 4000, "📣 From the secretariat"),
]


def counts(world: BotWorld) -> tuple[int, ...]:
    with world.db.session() as session:
        return tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Item, ItemEvent, Meeting, Party, Invite, Broadcast)
        )


async def test_too_long_or_too_many_gets_the_same_clear_reply_on_every_database(
    tmp_path: Path, db_url: str
) -> None:
    async with bot_world(tmp_path, db_url=db_url) as world:
        client, admin = world.client, world.admin
        before = counts(world)
        for text, expected in TOO_LONG:
            reply = await client.ask(admin, text)
            assert reply.text == expected, (text[:40], reply.text)
        card = await world.card(admin, 1)
        reply = await client.ask(admin, "x" * 1001, reply_to=card.message_id)
        assert reply.text == "A note is too long: 1001 characters (at most 1000)."
        report = "Working Group Meeting\nLocation: " + "v" * 201 + "\n\nAction points\n1. Do it (Sweden)\n"
        await client.skip()
        await client.send_document(admin, "report.md", report.encode())
        # a header field too long to be one is left unread (the preview shows no place), not the
        # whole report refused; nothing is stored before Import
        summary, _ = await client.replies(admin, 2)
        assert summary.text.startswith("📄 Working Group Meeting") and "vvvv" not in summary.text
        assert counts(world) == before
        await assert_clean(world)


async def test_the_maximum_itself_is_stored_on_every_database(tmp_path: Path, db_url: str) -> None:
    async with bot_world(tmp_path, db_url=db_url) as world:
        client, admin = world.client, world.admin
        for text, expected in AT_THE_MAXIMUM:
            (reply, *_) = await client.say(admin, text, expect=2 if text.startswith("/broadcast") else 1)
            assert reply.text.startswith(expected), (text[:40], reply.text[:200])
        with world.db.session() as session:
            party = session.exec(select(Party).where(Party.name == "z" * 100)).one()
            assert len(party.aliases) == limits.ALIASES.most
            meeting = session.exec(select(Meeting).where(Meeting.is_next == True)).one()  # noqa: E712
            assert meeting.place == "p" * 200
            assert session.get(Item, 6).paragraph_ref == "r" * 50  # type: ignore[union-attr]
            assert len(session.get(Item, 1).due_text) == 200  # type: ignore[union-attr, arg-type]
        await assert_clean(world)


async def test_items_all_is_split_into_messages_telegram_accepts(tmp_path: Path) -> None:
    async with bot_world(tmp_path) as world:
        with world.db.session() as session:
            for n in range(150):
                item_service.create_item(
                    session=session,
                    actor=None,
                    text=f"Step {n:03d} " + "ж" * 1400,
                    owner_names=["Sweden", "Pakistan"],
                    due_phrase="end of 2027",
                    today=date(2027, 1, 1),
                    meeting_margin_days=14,
                )
        await world.client.skip()
        await world.client.send(world.admin, "/items all")
        parts = []
        while not parts or "Tap a number" not in parts[-1].text:
            parts += await world.client.replies(world.admin, 1)
        assert len(parts) > 1
        text = "\n".join(p.text for p in parts)
        assert all(text.count(f"Step {n:03d} ") == 1 for n in range(150))
        assert all(len(p.text) <= 4096 for p in parts)
        await assert_clean(world)
