"""Broadcasts through the emulator with Telegram's flood limits on."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlmodel import select

from bot.emulator import FloodPolicy, Sent
from core import members
from storage.models import Delivery, DeliveryState, Role, Subscription
from tests.e2e.harness import BotWorld, assert_clean, bot_world


async def wait_done(world: BotWorld, broadcast_id: int, seconds: float = 60) -> Sent:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        for sent in await world.client.events(after=0, chat_id=world.admin, timeout=0.5):
            if f"Broadcast {broadcast_id}: ✅ done" in sent.text:
                return sent
    raise AssertionError("the broadcast did not finish")


async def compose(world: BotWorld, text: str) -> tuple[Sent, Sent]:
    preview, controls = await world.client.say(world.admin, f"/broadcast {text}", expect=2)
    return preview, controls


async def test_broadcast_to_300_reaches_every_reachable_recipient_once(tmp_path: Path) -> None:
    async with bot_world(tmp_path, flood=FloodPolicy(), telegram={"flood_limits": True}) as world:
        await world.client.ask(world.admin, "/start")
        users = []
        with world.db.session() as session:
            for n in range(300):
                user_id = 50_000 + n
                members.enroll(
                    session=session,
                    user_id=user_id,
                    display_name=f"Member {n}",
                    party_name="Sweden",
                    role=Role.CHAIR,
                )
                users.append(user_id)
        started = [u for u in users if u % 10 != 0]
        for u in users:
            await world.client.user(f"Member {u}", user_id=u, started=u in started)
        blocked = started[:5]
        for u in blocked:
            world.emulator.world.users[u].blocked = True  # without telling the bot
        group = await world.client.group("Chairs", [world.admin])
        with world.db.session() as session:
            session.add(Subscription(chat_id=group, title="Chairs"))
        new_group = await world.client.migrate(group)

        text = "The drafting group meets on 14 March; comments on the <Declaration> & annex by Friday."
        preview, controls = await compose(world, text)
        assert preview.text == f"📣 From the secretariat\n\n{text}"  # typed text stays text, safely escaped
        _, (confirm,) = await world.client.press(world.admin, controls, "Everyone", expect=1)
        assert "302 recipients" in confirm.text  # 300 members, the secretariat, the group
        _, _ = await world.client.press(world.admin, confirm, "Send", expect=1)
        done = await wait_done(world, 1, seconds=90)

        reachable = set(started) - set(blocked) | {world.admin, new_group}
        received: dict[int, int] = {}
        for event in world.emulator.world.events:
            if event.kind == "send" and event.text.startswith("📣 From the secretariat"):
                received[event.chat_id] = received.get(event.chat_id, 0) + 1
        assert set(received) >= reachable
        # the secretariat saw the preview too; everyone else got it exactly once
        assert all(count == 2 if chat == world.admin else count == 1 for chat, count in received.items())
        stats = await world.client.stats()
        assert stats["flood_rejections"] == 0
        with world.db.session() as session:
            rows = session.exec(select(Delivery)).all()
            sent = [r for r in rows if r.state is DeliveryState.SENT]
            failed = {r.chat_id: r.reason for r in rows if r.state is DeliveryState.FAILED}
        assert len(sent) == len(reachable) == len(received)
        assert all(failed[u] == "blocked the bot" for u in blocked)
        assert all("never started" in (failed[u] or "") for u in users if u not in started)
        assert f"Sent {len(sent)} " in done.text and f"failed {len(failed)} " in done.text

        report = (await world.client.say(world.admin, "/broadcast 1", expect=1))[0]
        assert "blocked the bot" in report.text and "never started" in report.text
        # the group digest subscription followed the migration
        with world.db.session() as session:
            assert session.exec(select(Subscription.chat_id)).all() == [new_group]
        await assert_clean(
            world,
            allowed_errors=(
                "message is not modified",
                "blocked by the user",
                "can't initiate",
                "upgraded to a supergroup",
            ),
        )


async def test_got_it_and_reports(tmp_path: Path) -> None:
    async with bot_world(tmp_path) as world:
        sven = await world.join("Sven", "Sweden")
        _, controls = await compose(world, "Please send comments by Friday")
        _, (parties,) = await world.client.press(world.admin, controls, "Choose parties", expect=1)
        _, (ticked,) = await world.client.press(
            world.admin, parties, "Reference Group Chair — Sweden", expect=1
        )
        assert "☑️ Reference Group Chair — Sweden" in ticked.buttons
        _, (confirm,) = await world.client.press(world.admin, ticked, "Done", expect=1)
        assert "1 recipient" in confirm.text
        await world.client.press(world.admin, confirm, "Send")
        got = await world.client.replies(sven, 1)
        assert got[0].text == "📣 From the secretariat\n\nPlease send comments by Friday"
        answer, _ = await world.client.press(sven, got[0], "Got it")
        assert "noted" in answer["text"]
        await wait_done(world, 1)
        listing = await world.client.ask(world.admin, "/broadcasts")
        assert "sent 1/1" in listing.text and "👍 1" in listing.text
        await assert_clean(world)


async def test_cancel_sends_nothing(tmp_path: Path) -> None:
    async with bot_world(tmp_path) as world:
        sven = await world.join("Sven", "Sweden")
        _, controls = await compose(world, "Never mind")
        _, (cancelled,) = await world.client.press(world.admin, controls, "Cancel", expect=1)
        assert "cancelled. Nothing was sent." in cancelled.text
        assert await world.client.quiet(sven, 0.5) == []
        await assert_clean(world)


async def test_only_the_secretariat_can_broadcast(tmp_path: Path) -> None:
    async with bot_world(tmp_path) as world:
        sven = await world.join("Sven", "Sweden")
        stranger = await world.client.user("Eve")
        _, controls = await compose(world, "For chairs")
        for person in (sven, stranger):
            reply = await world.client.ask(person, "/broadcast hello all")
            assert "Only the secretariat" in reply.text or "not registered" in reply.text
            assert (
                "not registered" in (await world.client.ask(person, "/broadcasts")).text
                or "Only the secretariat" in (await world.client.ask(person, "/broadcasts")).text
            )
            assert "Only the secretariat" in (await world.client.ask(sven, "/broadcast 1")).text
            answer, _ = await world.client.press(person, controls, data="bc:1:ok")
            assert answer["show_alert"] or "not registered" in answer["text"]
        with world.db.session() as session:
            assert session.exec(select(Delivery)).all() == []
        await assert_clean(world)


async def test_faults_are_retried_without_loss_or_duplicates(tmp_path: Path) -> None:
    async with bot_world(tmp_path, flood=FloodPolicy(), telegram={"flood_limits": True}) as world:
        await world.client.ask(world.admin, "/start")
        users = [60_000 + n for n in range(40)]
        with world.db.session() as session:
            for u in users:
                members.enroll(
                    session=session, user_id=u, display_name=f"M{u}", party_name="Sweden", role=Role.CHAIR
                )
        for u in users:
            await world.client.user(f"M{u}", user_id=u, started=True)
        _, controls = await compose(world, "Fault-tolerant hello")
        _, (confirm,) = await world.client.press(world.admin, controls, "Everyone", expect=1)
        for kind, count in (("429", 3), ("500", 3), ("timeout", 2)):
            await world.client.call("faults", method="sendMessage", kind=kind, count=count, seconds=6)
        await world.client.press(world.admin, confirm, "Send")
        await wait_done(world, 1, seconds=120)
        received = [
            e.chat_id for e in world.emulator.world.events if e.kind == "send" and e.text.startswith("📣")
        ]
        assert sorted(c for c in received if c != world.admin) == users  # each exactly once
        with world.db.session() as session:
            states = {r.state for r in session.exec(select(Delivery)).all()}
        assert states == {DeliveryState.SENT}
