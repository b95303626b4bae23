"""Numbers past PostgreSQL's INTEGER in commands, deep links and buttons: the same clear answer
on SQLite and PostgreSQL, before any query, and nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select

from core.limits import MAX_ID, parse_id
from storage.models import Broadcast, Delivery, Invite, Item, ItemEvent, Meeting, Party
from tests.e2e.databases import db_url
from tests.e2e.harness import BotWorld, assert_clean, bot_world

__all__ = ["db_url"]

HUGE = "99999999999"
NOT_A_NUMBER = f"“{HUGE}” is not an item number. /items lists them."
COMMANDS = [
    (f"/item {HUGE}", NOT_A_NUMBER),
    (f"/item #{HUGE}", f"“#{HUGE}” is not an item number. /items lists them."),
    ("/item 2147483648", "“2147483648” is not an item number. /items lists them."),
    ("/item 99999999999999999999999999999999999", "is not an item number"),
    ("/item 2147483647", "There is no item #2147483647. /items lists them."),
    (f"/status {HUGE} done", NOT_A_NUMBER),
    (f"/status {HUGE} done with a note", NOT_A_NUMBER),
    (f"/note {HUGE} progress", NOT_A_NUMBER),
    (f"/due {HUGE} end of 2027", NOT_A_NUMBER),
    (f"/broadcast {HUGE}", f"There is no broadcast {HUGE}. /broadcasts lists them."),
    ("/broadcast 2147483647", "There is no broadcast 2147483647. /broadcasts lists them."),
    (f"/start i{HUGE}", f"There is no item #{HUGE}. /items lists them."),
    ("/start i2147483648", "There is no item #2147483648. /items lists them."),
]
INVALID = "This button is no longer valid."
BUTTONS = [
    ("st:99999999999999:d", INVALID),
    (f"st:{HUGE}:o", INVALID),
    ("st:2147483648:d", INVALID),
    (f"nt:{HUGE}", INVALID),
    (f"bc:{HUGE}:all", INVALID),
    (f"bc:{HUGE}:ok", INVALID),
    (f"bc:{HUGE}:x", INVALID),
    (f"bc:1:p{HUGE}", INVALID),
    ("bc:2147483647:all", "There is no broadcast 2147483647. /broadcasts lists them."),
    ("ack:99999999999999", INVALID),
    ("ack:2147483648", INVALID),
    ("ack:2147483647", INVALID),
    (f"im:abcdef:d{HUGE}", "This import is no longer pending: send the file again."),
    ("im:abcdef:d999", "This import is no longer pending: send the file again."),
    ("st:2147483647:d", "There is no item #2147483647. /items lists them."),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("2147483647", MAX_ID),
        ("0", None),
        ("2147483648", None),
        ("-1", None),
        ("٣", None),
        ("", None),
    ],
)
def test_ids_are_parsed_in_range_only(text: str, expected: int | None) -> None:
    assert parse_id(text) == expected


def counts(world: BotWorld) -> tuple[int, ...]:
    with world.db.session() as session:
        return tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Item, ItemEvent, Meeting, Party, Invite, Broadcast, Delivery)
        )


async def test_overflowing_numbers_get_the_same_clear_answer_on_every_database(
    tmp_path: Path, db_url: str
) -> None:
    async with bot_world(tmp_path, db_url=db_url) as world:
        client, admin = world.client, world.admin
        sven = await world.join("Sven", "Sweden")
        # a real draft, so "bc:1:p…" reaches the party check
        await client.say(admin, "/broadcast Agenda attached", expect=2)
        card = await world.card(admin, 5)
        before = counts(world)
        for text, expected in COMMANDS:
            reply = await client.ask(admin, text)
            assert expected in reply.text, (text, reply.text)
        for data, expected in BUTTONS:
            answer, _ = await client.press(admin, card, data=data)
            assert answer["text"] == expected, (data, answer)
        # a chair's forged buttons and links get the same answers
        chair_card = await world.card(sven, 5)
        answer, _ = await client.press(sven, chair_card, data="st:99999999999999:d")
        assert answer["text"] == INVALID
        assert NOT_A_NUMBER in (await client.ask(sven, f"/item {HUGE}")).text
        assert counts(world) == before
        await assert_clean(world)
