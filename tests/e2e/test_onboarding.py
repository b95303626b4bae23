"""Joining through invite links, /help by role, the per-role command menu, strangers."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from core import clock
from tests.e2e.harness import BotWorld


async def test_invite_link_binds_chair_to_party_and_role(world: BotWorld) -> None:
    reply = await world.client.ask(world.admin, "/invite Sweden chair")
    assert "https://t.me/nextsteps_demo_bot?start=" in reply.text
    assert "Reference Group Chair — Sweden" in reply.text
    code = reply.text.split("?start=")[1].split()[0]
    assert 16 <= len(code) <= 64

    sven = await world.client.user("Sven")
    welcome = await world.client.ask(sven, f"/start {code}")
    assert "You are now chair for Reference Group Chair — Sweden" in welcome.text
    who = await world.client.ask(sven, "/whoami")
    assert "chair of Reference Group Chair — Sweden" in who.text


async def test_member_menu_matches_role(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden", "chair")
    olga = await world.join("Olga", "Hungary", "observer")
    menus = world.emulator.world.commands

    def menu(chat_id: int) -> set[str]:
        key = json.dumps({"chat_id": chat_id, "type": "chat"}, sort_keys=True) + "|"
        return {c["command"] for c in menus[key]}

    assert {"status", "note", "items"} <= menu(sven)
    assert "invite" not in menu(sven)
    assert "status" not in menu(olga) and "items" in menu(olga)
    default = menus[json.dumps({"type": "default"}) + "|"]
    assert {c["command"] for c in default} == {"start", "help"}


async def test_invite_is_single_use_by_default(world: BotWorld) -> None:
    reply = await world.client.ask(world.admin, "/invite Pakistan")
    code = reply.text.split("?start=")[1].split()[0]
    first, second = await world.client.user("Pia"), await world.client.user("Paul")
    assert "Welcome" in (await world.client.ask(first, f"/start {code}")).text
    refused = await world.client.ask(second, f"/start {code}")
    assert "not valid any more" in refused.text
    assert "not registered" in (await world.client.ask(second, "/whoami")).text


async def test_invite_with_several_uses(world: BotWorld) -> None:
    reply = await world.client.ask(world.admin, "/invite Chairmanship observer uses=2")
    assert "2 uses" in reply.text
    code = reply.text.split("?start=")[1].split()[0]
    for name in ("A", "B"):
        user = await world.client.user(name)
        assert "observer for Chairmanship (Türkiye)" in (await world.client.ask(user, f"/start {code}")).text
    late = await world.client.user("C")
    assert "not valid any more" in (await world.client.ask(late, f"/start {code}")).text


async def test_expired_invite_is_refused(world: BotWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    reply = await world.client.ask(world.admin, "/invite Sweden")
    code = reply.text.split("?start=")[1].split()[0]
    later = clock.now() + timedelta(days=world.settings.invites.ttl_days, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    user = await world.client.user("Late")
    assert "not valid any more" in (await world.client.ask(user, f"/start {code}")).text


async def test_forged_invite_code_is_refused(world: BotWorld) -> None:
    user = await world.client.user("Mallory")
    assert "not valid any more" in (await world.client.ask(user, "/start AAAAAAAAAAAAAAAAAAAAAA")).text


async def test_stranger_sees_no_item_data(world: BotWorld) -> None:
    stranger = await world.client.user("Stranger")
    for command in (
        "/start",
        "/help",
        "/items",
        "/item 1",
        "/status 1 done",
        "/note 1 hi",
        "/meeting",
        "/parties",
    ):
        reply = await world.client.ask(stranger, command)
        assert "not registered" in reply.text, command
        assert "Chairmanship" not in reply.text and "#1" not in reply.text
    with world.db.session() as session:
        from storage.models import Item

        assert session.get(Item, 1).status == "open"  # type: ignore[union-attr]


async def test_only_secretariat_can_invite(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    reply = await world.client.ask(sven, "/invite Sweden chair")
    assert "Only the secretariat" in reply.text
    assert "t.me" not in reply.text


async def test_help_lists_commands_by_role(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden", "chair")
    olga = await world.join("Olga", "Hungary", "observer")
    chair_help = (await world.client.ask(sven, "/help")).text
    observer_help = (await world.client.ask(olga, "/help")).text
    admin_help = (await world.client.ask(world.admin, "/help")).text
    assert "/status" in chair_help and "/invite" not in chair_help
    assert "/status" not in observer_help and "/items" in observer_help
    assert "/invite" in admin_help and "/add" in admin_help


async def test_invite_for_unknown_party_lists_nothing_secret(world: BotWorld) -> None:
    reply = await world.client.ask(world.admin, "/invite Atlantis chair")
    assert "don't know the party" in reply.text


async def test_blocking_the_bot_marks_the_member_unreachable(world: BotWorld) -> None:
    import asyncio

    from sqlmodel import select

    from storage.models import Member

    sven = await world.join("Sven", "Sweden")

    def reachable() -> bool:
        with world.db.session() as session:
            return session.exec(select(Member).where(Member.telegram_user_id == sven)).one().reachable

    assert reachable()
    await world.client.block(sven)
    for _ in range(100):
        if not reachable():
            break
        await asyncio.sleep(0.02)
    assert not reachable()
    await world.client.block(sven, blocked=False)
    await world.client.ask(sven, "/whoami")
    assert reachable()
