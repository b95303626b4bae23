"""The issue's "done when": a chair (and a secretariat member) whose Telegram is set to Russian or
Turkish goes through everything they can do and never reads an English sentence from the bot,
except the agreed texts (steps, deadlines as agreed, notes) and names; nothing exceeds Telegram's
limits and no API call is refused (HTML valid) in any language."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import select

from bot.emulator import Sent
from storage.models import Item, ItemEvent, Meeting, Member, Party
from tests.e2e.harness import BotWorld, assert_clean, bot_world
from tests.english import english_in

TEXT_LIMIT, CAPTION_LIMIT, ALERT_LIMIT = 4096, 1024, 200

# What a chair can do, typed as people type it: every command of their menu, with and without
# arguments, wrong arguments, and free text.
CHAIR_SCRIPT = [
    "/start",
    "/help",
    "/whoami",
    "/items",
    "/items mine",
    "/items open",
    "/items overdue",
    "/items all",
    "/items nonsense",
    "/item",
    "/item 5",
    "/item 999",
    "/item abc",
    "/status",
    "/status 5 in_progress Talked to the partners",
    "/status 5 maybe",
    "/status 1 done",
    "/note",
    "/note 5 Draft agenda circulated",
    "/note 1 Not mine",
    "/due 5 end of March 2027",
    "/meeting",
    "/parties",
    "/report",
    "/chart",
    "/export",
    "/export csv",
    "/export pdf",
    "/calendar",
    "/digest",
    "/digest on",
    "/digest off",
    "/quiet",
    "/quiet 22:00-07:00",
    "/quiet 25:00-99:00",
    "/quiet off",
    "/reminders",
    "/reminders off",
    "/reminders on",
    "/tz",
    "/tz Mars/Olympus",
    "/tz Europe/Istanbul",
    "/lang",
    "/broadcast hello",
    "/invite Sweden chair",
    "/nonsense",
    "hello there",
]

SECRETARIAT_SCRIPT = [
    "/help",
    "/items all",
    "/status 2 blocked Waiting for the partners",
    "/due 2 in 3 weeks",
    "/due 2 sometime soonish",
    "/add Organise a webinar | owner: Sweden | due: Q3 2027",
    "/add Organise a webinar | owner: Atlantis",
    "/parties",
    "/party add",
    "/invite Sweden chair",
    "/invites",
    "/invite revoke zzzzzzzz",
    "/meeting",
    "/broadcasts",
    "/report 2026-01-01",
    "/export xlsx",
]


async def _settle(world: BotWorld, chat_id: int, quiet: float = 0.6, limit: float = 15) -> None:
    """Wait until the bot has sent nothing new to this chat for ``quiet`` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    last = -1
    while loop.time() < end:
        seen = await world.client.events(after=0, chat_id=chat_id)
        if len(seen) == last:
            return
        last = len(seen)
        await asyncio.sleep(quiet)


def _verbatim(world: BotWorld) -> list[str]:
    """The texts the bot never translates: steps, deadlines and notes as agreed, names."""
    with world.db.session() as session:
        texts: list[str] = []
        for item in session.exec(select(Item)).all():
            texts += [item.text, item.due_text, item.paragraph_ref or ""]
        for party in session.exec(select(Party)).all():
            texts += [party.name, *party.aliases]
        texts += [m.display_name for m in session.exec(select(Member)).all()]
        for meeting in session.exec(select(Meeting)).all():
            texts += [meeting.name, meeting.kind, meeting.place or ""]
        for event in session.exec(select(ItemEvent)).all():
            texts += [event.note or "", event.actor_name]
    # what the people typed and the bot quotes back ("“maybe” is not a status")
    typed = [word for line in CHAIR_SCRIPT + SECRETARIAT_SCRIPT for word in line.split()[1:]]
    return [t for t in texts + typed + ["NextSteps", "Telegram"] if t]


def _check(sent: list[Sent], answers: list[str], verbatim: list[str]) -> list[str]:
    problems = []
    for message in sent:
        limit = CAPTION_LIMIT if (message.document or message.photo) else TEXT_LIMIT
        if len(message.text) > limit:
            problems.append(f"{len(message.text)} characters: {message.text[:60]!r}")
        for text in [message.text, *message.buttons]:
            leaked = english_in(text, verbatim)
            if leaked:
                problems.append(f"English {sorted(leaked)} in: {text[:300]!r}")
    for answer in answers:
        if len(answer) > ALERT_LIMIT:
            problems.append(f"alert of {len(answer)} characters")
        leaked = english_in(answer, verbatim)
        if leaked:
            problems.append(f"English {sorted(leaked)} in the alert: {answer!r}")
    return problems


async def _walk(world: BotWorld, user: int, script: list[str]) -> list[str]:
    """Type every line, press the buttons of what came back; the callback answers' texts."""
    answers: list[str] = []
    for line in script:
        await world.client.send(user, line)
        await _settle(world, user)
    card = await world.client.ask(user, "/item 5")
    for button in card.buttons:
        answer, _ = await world.client.press(user, card, button)
        answers.append(str(answer.get("text") or ""))
        await _settle(world, user)
        card = await world.client.ask(user, "/item 5")
    reply = await world.client.say(user, "Agenda agreed with the partners", reply_to=card.message_id)
    assert reply
    await _settle(world, user)
    return answers


@pytest.mark.parametrize("language_code", ["ru", "tr-TR"])
async def test_a_chair_reading_russian_or_turkish_reads_no_english(
    tmp_path: Path, language_code: str
) -> None:
    async with bot_world(tmp_path) as world:
        invite = await world.client.ask(world.admin, "/invite Sweden chair")
        code = invite.text.split("?start=")[1].split()[0]
        chair = await world.client.user("Sven", language_code=language_code)
        await world.client.send(chair, f"/start {code}")
        await _settle(world, chair)
        answers = await _walk(world, chair, CHAIR_SCRIPT)
        sent = await world.client.events(after=0, chat_id=chair)
        assert len(sent) > len(CHAIR_SCRIPT)  # every line got an answer, some several
        problems = _check(sent, answers, _verbatim(world))
        assert not problems, "\n".join(problems)
        await assert_clean(world)


@pytest.mark.parametrize("language", ["ru", "tr"])
async def test_the_secretariat_in_russian_or_turkish_reads_no_english(tmp_path: Path, language: str) -> None:
    async with bot_world(tmp_path) as world:
        await world.client.ask(world.admin, f"/lang {language}")
        answers = await _walk(world, world.admin, SECRETARIAT_SCRIPT)
        sent = [s for s in await world.client.events(after=0, chat_id=world.admin)][1:]  # after /lang
        problems = _check(sent, answers, _verbatim(world))
        assert not problems, "\n".join(problems)
        await assert_clean(world)
