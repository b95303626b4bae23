"""A corpus of bad input: each gets a short clear reply and changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from storage.models import Invite, Item, ItemEvent, Meeting, Party
from tests.e2e.harness import BotWorld

ADMIN_CASES = [
    ("/frobnicate", "I don't know /frobnicate"),
    ("/item", "Which item?"),
    ("/item abc", "is not an item number"),
    ("/item 999", "There is no item #999"),
    ("/item 99999999999999999999", "is not an item number"),
    ("/status", "Usage: /status N STATUS"),
    ("/status 1", "Usage: /status N STATUS"),
    ("/status 1 finished-ish", "is not a status"),
    ("/status 999 done", "There is no item #999"),
    ("/note", "Usage: /note N"),
    ("/note 1", "The note is empty"),
    ("/note 1 " + "x" * 1001, "too long"),
    ("/items everything", "Use /items mine"),
    ("/items mine", "nothing is “mine”"),
    ("/add", "Usage: /add"),
    ("/add Do it", "Who owns it?"),
    ("/add Do it | owner: Sweden | due: soonish", "can't read “soonish”"),
    ("/add Do it | owner: Sweden | due: 31 February 2027", "not a real date"),
    ("/add Do it | owner: Sweden | when: tomorrow", "I don't understand"),
    ("/add " + "y" * 1501 + " | owner: Sweden", "too long"),
    ("/add <b>x</b> | owner: <i>Nobody</i>", "I don't know: <i>Nobody</i>"),
    ("/meeting set", "Usage: /meeting set"),
    ("/meeting set 2027-02-30 SOM", "is not a date"),
    ("/meeting set tomorrow SOM", "is not a date"),
    ("/meeting cancel", "Usage: /meeting set"),
    ("/party", "Usage: /party add"),
    ("/party remove Sweden", "Usage: /party add"),
    ("/party add " + "z" * 101, "too long"),
    ("/invite", "Usage: /invite"),
    ("/invite Sweden chair uses=0", "uses must be between"),
    ("/invite Sweden overlord", "don't know the party"),
    ("/tz", "Your timezone is"),
    ("/tz Nowhere/Land", "don't know the timezone"),
    ("hello there", "To add a note, reply to an item"),
]


@pytest.fixture
def world(world_on_both: BotWorld) -> BotWorld:
    """Bad input is answered the same on SQLite and PostgreSQL."""
    return world_on_both


def counts(world: BotWorld) -> tuple[int, ...]:
    with world.db.session() as session:
        return tuple(
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Item, ItemEvent, Meeting, Party, Invite)
        )


@pytest.mark.parametrize(("text", "expected"), ADMIN_CASES)
async def test_bad_input_gets_a_clear_reply_and_changes_nothing(
    world: BotWorld, text: str, expected: str
) -> None:
    before = counts(world)
    reply = await world.client.ask(world.admin, text)
    assert expected in reply.text
    assert len(reply.text) < 600, "error replies stay short"
    assert counts(world) == before


async def test_statuses_stay_put_after_the_whole_corpus(world: BotWorld) -> None:
    for text, _ in ADMIN_CASES:
        await world.client.ask(world.admin, text)
    with world.db.session() as session:
        assert {i.status for i in session.exec(select(Item)).all()} == {"open"}
