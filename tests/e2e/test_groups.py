"""Group chats: /cmd@botname, other bots' commands ignored, permissions still per user."""

from __future__ import annotations

from storage.models import Item, Status
from tests.e2e.harness import BotWorld


async def test_commands_with_bot_username_work_in_groups(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    group = await world.client.group("BP chairs", [world.admin, sven])
    await world.client.ask(world.admin, "/group on", chat_id=group)
    reply = await world.client.ask(sven, "/items@nextsteps_demo_bot", chat_id=group)
    assert "Your party's open items (1)" in reply.text
    reply = await world.client.ask(world.admin, "/meeting", chat_id=group)
    assert "33rd Senior Officials Meeting" in reply.text


async def test_other_bots_commands_and_chatter_are_ignored(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    group = await world.client.group("BP chairs", [world.admin, sven])
    await world.client.ask(world.admin, "/group on", chat_id=group)
    await world.client.skip()
    await world.client.send(sven, "/items@some_other_bot", chat_id=group)
    await world.client.send(sven, "/poll what time?", chat_id=group)
    await world.client.send(sven, "good morning all", chat_id=group)
    assert await world.client.quiet(group) == []


async def test_group_buttons_check_the_presser_not_the_requester(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    olga = await world.join("Olga", "Hungary", "observer")
    group = await world.client.group("BP chairs", [world.admin, sven, olga])
    await world.client.ask(world.admin, "/group on", chat_id=group)
    card = await world.card(sven, 5, chat_id=group)
    answer, _ = await world.client.press(olga, card, "Done")
    assert answer["show_alert"] and "You can't change #5" in answer["text"]
    answer, (edited,) = await world.client.press(sven, card, "Done", expect=1)
    assert "#5 · ✅ done" in edited.text
    with world.db.session() as session:
        item = session.get(Item, 5)
        assert item is not None and item.status is Status.DONE


async def test_reply_in_group_adds_note(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    group = await world.client.group("BP chairs", [world.admin, sven])
    await world.client.ask(world.admin, "/group on", chat_id=group)
    card = await world.card(sven, 5, chat_id=group)
    reply = await world.client.ask(sven, "Meeting set for 3 Feb", chat_id=group, reply_to=card.message_id)
    assert "Note added to #5" in reply.text


async def test_unknown_command_addressed_to_us_in_group_gets_help(world: BotWorld) -> None:
    group = await world.client.group("Secretariat", [world.admin])
    await world.client.ask(world.admin, "/group on", chat_id=group)
    reply = await world.client.ask(world.admin, "/frobnicate@nextsteps_demo_bot", chat_id=group)
    assert "I don't know /frobnicate" in reply.text


async def test_note_prompt_in_group_forces_only_the_presser(world: BotWorld) -> None:
    """ForceReply(selective) targets mentioned users: in a group the prompt mentions the presser."""
    sven = await world.join("Sven", "Sweden")
    group = await world.client.group("BP chairs", [world.admin, sven])
    await world.client.ask(world.admin, "/group on", chat_id=group)
    card = await world.card(sven, 5, chat_id=group)
    _, (prompt,) = await world.client.press(sven, card, "📝 Add note", expect=1)
    assert prompt.reply_markup == {
        "force_reply": True,
        "selective": True,
        "input_field_placeholder": "Note for #5",
    }
    mentions = [e for e in prompt.entities if e["type"] == "text_mention"]
    assert [m["user"]["id"] for m in mentions] == [sven]
    assert prompt.text.startswith("Sven ")
    reply = await world.client.ask(sven, "Call on Friday", chat_id=group, reply_to=prompt.message_id)
    assert "Note added to #5" in reply.text


async def test_note_prompt_in_private_chat_mentions_nobody(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    card = await world.card(sven, 5)
    _, (prompt,) = await world.client.press(sven, card, "📝 Add note", expect=1)
    assert prompt.reply_markup is not None and prompt.reply_markup["selective"] is True
    assert not prompt.entities or all(e["type"] != "text_mention" for e in prompt.entities)
    assert prompt.text.startswith("📝")
