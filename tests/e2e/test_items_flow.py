"""Listing, viewing and updating items from chat: commands, buttons, replies, notes, /add."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from core import items as item_service
from storage.models import Item, ItemEvent, Status
from tests.e2e.harness import BotWorld, assert_clean


def status_of(world: BotWorld, item_id: int) -> Status:
    with world.db.session() as session:
        item = session.get(Item, item_id)
        assert item is not None
        return item.status


def events_of(world: BotWorld, item_id: int) -> list[ItemEvent]:
    with world.db.session() as session:
        return list(
            session.exec(select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.id)).all()
        )


async def test_chair_sees_own_party_items_by_default(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    reply = await world.client.ask(sven, "/items")
    assert "Your party's open items (1)" in reply.text
    assert "#5" in reply.text and "#1 " not in reply.text
    assert "Reference Group Chair — Sweden" in reply.text


async def test_item_scopes(world: BotWorld) -> None:
    all_items = await world.client.ask(world.admin, "/items all")
    assert "All items (5)" in all_items.text
    overdue = await world.client.ask(world.admin, "/items overdue")
    # "until early 2023" and "in 2023" are long past; the meeting-linked ones are not
    assert "Overdue items (2)" in overdue.text and "#1" in overdue.text and "#3" in overdue.text
    assert "⚠️ overdue" in overdue.text


async def test_list_shows_deadline_as_written_and_resolved(world: BotWorld) -> None:
    reply = await world.client.ask(world.admin, "/items all")
    assert "until early 2023 (by 30 Apr 2023)" in reply.text
    assert "ahead of the next Senior Officials Meeting (by 6 Jan 2027)" in reply.text


async def test_status_by_button_edits_card_and_records_history(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    card = await world.card(sven, 5)
    assert "✅ Done" in card.buttons and "📝 Add note" in card.buttons
    assert "✖️ Drop" not in card.buttons  # dropping is the secretariat's call
    answer, (edited,) = await world.client.press(sven, card, "Done", expect=1)
    assert answer["text"] == "#5 is now done."
    assert edited.kind == "edit" and edited.message_id == card.message_id
    assert "#5 · ✅ done" in edited.text
    assert "✅ Done" not in edited.buttons and "⚪ Reopen" in edited.buttons
    assert status_of(world, 5) is Status.DONE
    last = events_of(world, 5)[-1]
    assert (last.kind, last.old_value, last.new_value, last.actor_name) == ("status", "open", "done", "Sven")


async def test_pressing_the_same_status_twice_is_harmless(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    card = await world.card(sven, 5)
    await world.client.press(sven, card, "In progress", expect=1)
    answer, _ = await world.client.press(sven, card, data="st:5:p")  # a stale button
    assert answer["text"] == "#5 is already in progress."
    assert [e.kind for e in events_of(world, 5)].count("status") == 1


async def test_status_by_command_with_note(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    reply = await world.client.ask(sven, "/status 5 blocked waiting for Pakistan's dates")
    assert reply.text.startswith("⛔ #5 is now blocked.")
    assert "The Chairmanship will convene a meeting" in reply.text  # says which item
    assert status_of(world, 5) is Status.BLOCKED
    assert events_of(world, 5)[-1].note == "waiting for Pakistan's dates"


async def test_status_words_with_spaces(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    reply = await world.client.ask(sven, "/status 5 in progress")
    assert "in progress" in reply.text
    assert status_of(world, 5) is Status.IN_PROGRESS


async def test_reply_with_text_adds_note(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    card = await world.card(sven, 5)
    reply = await world.client.ask(sven, "Dates proposed: <14 March> & 15 March", reply_to=card.message_id)
    assert "📝 Note added to #5." in reply.text
    assert events_of(world, 5)[-1].note == "Dates proposed: <14 March> & 15 March"
    assert status_of(world, 5) is Status.OPEN


async def test_reply_with_status_word_sets_status(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    card = await world.card(sven, 5)
    reply = await world.client.ask(sven, "Done", reply_to=card.message_id)
    assert "✅ #5 is now done." in reply.text
    # the confirmation is about #5 too: replying to it adds a note there
    again = await world.client.ask(sven, "Report sent to all partners", reply_to=reply.message_id)
    assert "Note added to #5" in again.text
    assert status_of(world, 5) is Status.DONE


async def test_reply_to_a_list_is_explained_not_guessed(world: BotWorld) -> None:
    listing = await world.client.ask(world.admin, "/items all")
    reply = await world.client.ask(world.admin, "done", reply_to=listing.message_id)
    assert "isn't about a single item" in reply.text
    with world.db.session() as session:
        assert {i.status for i in session.exec(select(Item)).all()} == {Status.OPEN}


async def test_add_note_button_asks_for_a_reply(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    card = await world.card(sven, 5)
    _, (prompt,) = await world.client.press(sven, card, "Add note", expect=1)
    assert "Reply to this message with your note for #5" in prompt.text
    assert prompt.reply_markup and prompt.reply_markup.get("force_reply") is True
    reply = await world.client.ask(sven, "Call scheduled", reply_to=prompt.message_id)
    assert "Note added to #5" in reply.text
    assert events_of(world, 5)[-1].note == "Call scheduled"


async def test_note_command(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    reply = await world.client.ask(sven, "/note 5 Spoke to Islamabad")
    assert "Note added to #5" in reply.text
    assert events_of(world, 5)[-1].note == "Spoke to Islamabad"
    card = await world.card(sven, 5)
    assert "Sven: 📝 “Spoke to Islamabad”" in card.text


async def test_card_shows_history_and_source(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    await world.client.ask(sven, "/status 5 in_progress first call held")
    card = await world.card(sven, 5)
    assert "32nd Senior Officials Meeting, §13.5" in card.text
    assert "History" in card.text and "Sven: ⚪ open → 🔵 in progress “first call held”" in card.text


async def test_add_item_with_owners_and_deadline(world: BotWorld) -> None:
    reply = await world.client.ask(
        world.admin, "/add Circulate the draft ToR | owner: Sweden, Pakistan | due: 31 March 2027"
    )
    assert "➕ Added #6." in reply.text
    assert "Reference Group Chair — Pakistan, Reference Group Chair — Sweden" in reply.text
    with world.db.session() as session:
        item = session.get(Item, 6)
        assert item is not None and item.due_date == date(2027, 3, 31) and item.due_text == "31 March 2027"


async def test_add_accepts_the_foundation_deadline_forms(world: BotWorld) -> None:
    cases = {
        "2027-03-31": date(2027, 3, 31),
        "31 March 2027": date(2027, 3, 31),
        "March 2027": date(2027, 3, 31),
        "2027": date(2027, 12, 31),
        "before the next meeting": date(2027, 1, 6),
    }
    for phrase, expected in cases.items():
        reply = await world.client.ask(
            world.admin, f"/add Step for {phrase} | owner: Secretariat | due: {phrase}"
        )
        number = int(reply.text.split("#")[1].split(".")[0])
        with world.db.session() as session:
            item = session.get(Item, number)
            assert item is not None and item.due_date == expected, phrase


async def test_add_with_unknown_owner_lists_known_parties(world: BotWorld) -> None:
    reply = await world.client.ask(world.admin, "/add Something | owner: Atlantis | due: 2027")
    assert "I don't know: Atlantis" in reply.text and "Reference Group Chair — Sweden" in reply.text
    with world.db.session() as session:
        assert len(session.exec(select(Item)).all()) == 5


async def test_meeting_countdown_and_set_relinks_deadlines(world: BotWorld) -> None:
    reply = await world.client.ask(world.admin, "/meeting")
    assert "33rd Senior Officials Meeting" in reply.text and "20 Jan 2027" in reply.text
    moved = await world.client.ask(
        world.admin, "/meeting set 2027-03-01 33rd Senior Officials Meeting | Vienna"
    )
    assert "33rd Senior Officials Meeting, Vienna" in moved.text
    assert "3 items tied to it now due by 15 Feb 2027" in moved.text
    with world.db.session() as session:
        item = session.get(Item, 4)
        assert item is not None and item.due_date == date(2027, 2, 15)


async def test_parties_and_party_add(world: BotWorld) -> None:
    added = await world.client.ask(world.admin, "/party add Austria | AT, Vienna")
    assert "Added party <b>" not in added.text and "Added party Austria" in added.text
    listing = await world.client.ask(world.admin, "/parties")
    assert "Austria" in listing.text and "aka AT, Vienna" in listing.text
    dup = await world.client.ask(world.admin, "/party add Sweden")
    assert "already used" in dup.text


async def test_timezone_setting(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    assert "Europe/Stockholm" in (await world.client.ask(sven, "/tz europe/stockholm")).text
    assert "Timezone: Europe/Stockholm" in (await world.client.ask(sven, "/whoami")).text
    assert "don't know the timezone" in (await world.client.ask(sven, "/tz Mars/Olympus")).text


async def test_long_lists_split_at_item_boundaries(world: BotWorld) -> None:
    with world.db.session() as session:
        for n in range(120):
            item_service.create_item(
                session=session,
                actor=None,
                text=f"Step {n:03d} " + "with a long description of what was agreed " * 3,
                owner_names=["Secretariat"],
                due_phrase="2027",
                today=date(2026, 11, 27),
                meeting_margin_days=14,
            )
    world.client.cursor = 0
    await world.client.skip()
    await world.client.send(world.admin, "/items all")
    # 125 items do not fit in one message; wait until the footer arrives
    messages = []
    while not messages or "Tap a number, or /item N, to open one." not in messages[-1].text:
        messages += await world.client.replies(world.admin, 1)
    assert len(messages) >= 3
    text = "\n".join(m.text for m in messages)
    for n in range(120):
        assert text.count(f"Step {n:03d} ") == 1
    for message in messages:
        assert len(message.text) <= 4096
        assert message.text.split("\n")[0].startswith(("All items", "⚪", "✅", "🔵", "⛔", "✖️"))


async def test_tapping_an_item_number_opens_the_item(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    listing = await world.client.ask(sven, "/items")
    links = [e["url"] for e in listing.entities if e["type"] == "text_link"]
    assert links == ["https://t.me/nextsteps_demo_bot?start=i5"]
    # Telegram turns the tap into "/start i5" in the private chat
    card = await world.client.ask(sven, "/start i5")
    assert card.text.startswith("#5 · ⚪ open") and "✅ Done" in card.buttons


async def test_status_reply_names_the_item(world: BotWorld) -> None:
    reply = await world.client.ask(world.admin, "/status 2 in progress")
    assert reply.text.startswith("🔵 #2 is now in progress.")
    assert "reach out to specific countries" in reply.text


async def test_due_changes_a_deadline_with_history(world: BotWorld) -> None:
    reply = await world.client.ask(world.admin, "/due 3 Q1 2027")
    assert "New deadline for #3" in reply.text and "Q1 2027 (by 31 Mar 2027)" in reply.text
    assert "⏰ in 2023 → Q1 2027" in reply.text
    with world.db.session() as session:
        item = session.get(Item, 3)
        assert item is not None and item.due_date == date(2027, 3, 31)
    assert "can't read “someday”" in (await world.client.ask(world.admin, "/due 3 someday")).text
    sven = await world.join("Sven", "Sweden")
    assert "Only the secretariat can change a deadline" in (await world.client.ask(sven, "/due 5 2028")).text


async def test_only_who_may_add_a_note_is_told_to_reply_with_one(world: BotWorld) -> None:
    olga = await world.join("Olga", "Sweden", role="observer")
    sven = await world.join("Sven", "Sweden")
    hint = "Reply to this message to add a note."
    assert hint not in (await world.card(olga, 5)).text
    assert hint in (await world.card(sven, 5)).text  # Sweden owns #5
    assert hint in (await world.card(world.admin, 5)).text
    await assert_clean(world)
