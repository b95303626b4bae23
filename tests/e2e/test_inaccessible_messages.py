"""Buttons under messages Telegram no longer shows the bot (``InaccessibleMessage``, > 48 h old).

The change behind the button is committed and confirmed; a card that can't be edited is sent
again; nothing raises after the commit.
"""

from __future__ import annotations

from sqlmodel import select

from storage.models import Item, ItemEvent, Role, Status
from tests.e2e.harness import BotWorld, assert_clean
from tests.e2e.test_invites_and_groups import invite_code, member


async def test_status_button_on_an_old_card_commits_and_sends_a_fresh_card(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    card = await world.card(sven, 5)
    answer, (fresh,) = await world.client.press(sven, card, "Done", expect=1, inaccessible=True)
    assert "#5 is now done" in answer["text"]
    assert fresh.message_id != card.message_id and "#5 · ✅ done" in fresh.text
    with world.db.session() as session:
        item = session.get(Item, 5)
        assert item is not None and item.status is Status.DONE
    await assert_clean(world)


async def test_note_button_on_an_old_card_still_prompts(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    card = await world.card(sven, 5)
    _, (prompt,) = await world.client.press(sven, card, "Add note", expect=1, inaccessible=True)
    reply = await world.client.ask(sven, "Drafted, in review", reply_to=prompt.message_id)
    assert "Note added to #5" in reply.text
    with world.db.session() as session:
        notes = session.exec(select(ItemEvent.note).where(ItemEvent.kind == "note")).all()
        assert "Drafted, in review" in notes
    await assert_clean(world)


async def test_invite_confirmation_on_an_old_question_still_changes_the_role(world: BotWorld) -> None:
    olga = await world.join("Olga", "Hungary", "observer")
    code = await invite_code(world, "Sweden", "chair")
    question = await world.client.ask(olga, f"/start {code}")
    answer, _ = await world.client.press(olga, question, "Yes, change", inaccessible=True)
    assert not answer.get("show_alert")
    assert member(world, olga).role is Role.CHAIR
    await assert_clean(world)
