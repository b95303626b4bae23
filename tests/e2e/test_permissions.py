"""Chairs act only on their party's items; observers read; forged buttons change nothing."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from storage.models import Item, ItemEvent, Status
from tests.e2e.harness import BotWorld


@pytest.fixture
def world(world_on_both: BotWorld) -> BotWorld:
    """Permissions are checked the same on SQLite and PostgreSQL."""
    return world_on_both


def snapshot(world: BotWorld) -> tuple[list[tuple[int | None, Status]], int]:
    with world.db.session() as session:
        statuses = [(i.id, i.status) for i in session.exec(select(Item).order_by(Item.id)).all()]
        events = session.exec(select(func.count()).select_from(ItemEvent)).one()
        return statuses, events


async def test_chair_of_another_party_is_refused_everywhere(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    before = snapshot(world)

    reply = await world.client.ask(sven, "/status 1 done")
    assert "You can't change #1: it belongs to Chairmanship (Türkiye)." in reply.text
    assert "can't add notes to #1" in (await world.client.ask(sven, "/note 1 hello")).text

    card = await world.card(sven, 1)
    assert card.buttons == []  # nothing Sven may press on the Chairmanship's item
    answer, _ = await world.client.press(sven, card, data="st:1:d")  # forged
    assert answer["show_alert"] and "You can't change #1" in answer["text"]
    answer, _ = await world.client.press(sven, card, data="nt:1")
    assert answer["show_alert"] and "can't add notes" in answer["text"]

    reply = await world.client.ask(sven, "done", reply_to=card.message_id)
    assert "You can't change #1" in reply.text
    assert snapshot(world) == before


async def test_observer_reads_but_cannot_change(world: BotWorld) -> None:
    olga = await world.join("Olga", "Chairmanship", "observer")
    listing = await world.client.ask(olga, "/items")
    assert "Open items (5)" in listing.text
    before = snapshot(world)
    card = await world.card(olga, 1)
    assert card.buttons == []
    assert "You can't change #1" in (await world.client.ask(olga, "/status 1 done")).text
    assert snapshot(world) == before


async def test_chair_cannot_drop_an_item(world: BotWorld) -> None:
    tarik = await world.join("Tarik", "Chairmanship")
    before = snapshot(world)
    assert (
        "Only the secretariat can mark an item dropped"
        in (await world.client.ask(tarik, "/status 2 dropped")).text
    )
    card = await world.card(tarik, 2)
    answer, _ = await world.client.press(tarik, card, data="st:2:x")
    assert "Only the secretariat" in answer["text"]
    assert snapshot(world) == before


async def test_chair_cannot_use_secretariat_commands(world: BotWorld) -> None:
    tarik = await world.join("Tarik", "Chairmanship")
    before = snapshot(world)
    assert (
        "Only the secretariat can add items" in (await world.client.ask(tarik, "/add X | owner: Sweden")).text
    )
    assert (
        "Only the secretariat can set" in (await world.client.ask(tarik, "/meeting set 2027-05-05 SOM")).text
    )
    assert "Only the secretariat can add parties" in (await world.client.ask(tarik, "/party add Narnia")).text
    assert snapshot(world) == before


async def test_forged_and_malformed_buttons_change_nothing(world: BotWorld) -> None:
    tarik = await world.join("Tarik", "Chairmanship")
    card = await world.card(tarik, 1)
    before = snapshot(world)
    for data in ("st:1:z", "st:1", "xx:1:d", "st:999999:d", "st:-1:d", "nt:1:d", "💥", "st:01:d"):
        answer, _ = await world.client.press(tarik, card, data=data)
        assert answer["answered"]
        assert answer["text"] and (
            "no longer valid" in answer["text"] or "no item #999999" in answer["text"]
        ), data
    assert snapshot(world) == before


async def test_stranger_pressing_a_button_gets_an_answer_and_changes_nothing(world: BotWorld) -> None:
    card = await world.card(world.admin, 1)
    stranger = await world.client.user("Eve")
    before = snapshot(world)
    # Eve somehow got a forwarded card: her press is still answered, and refused.
    answer, _ = await world.client.press(stranger, card, data="st:1:d")
    assert "not registered" in answer["text"]
    assert snapshot(world) == before


async def test_secretariat_can_update_any_item(world: BotWorld) -> None:
    reply = await world.client.ask(world.admin, "/status 1 dropped superseded by the new proposal")
    assert "✖️ #1 is now dropped." in reply.text
