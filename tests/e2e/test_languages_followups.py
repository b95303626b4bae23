"""Follow-ups in each recipient's language, through the emulator on the fake clock: a Russian chair's
deadline reminders (plural forms, Babel dates, buttons), the pre-meeting follow-up and its buttons,
the weekly digest; /lang en switches the next reminder to English; a Turkish group's digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from bot.emulator import Emulator, FloodPolicy, Sent
from bot.limits import MESSAGE_TEXT_LIMIT
from bot.render import LIST_TEXT_CHARS, shorten
from storage.models import Item, Meeting, Party
from tests.e2e.harness import BotWorld, FakeClock, assert_clean, bot_world
from tests.e2e.test_followups import wait_for_message
from tests.e2e.test_languages import _join
from tests.english import assert_no_english

# Seeded: next meeting 20 Jan 2027; #5 (Sweden) is due 6 Jan 2027. Vienna: 09:00 local is 08:00 UTC.
NINE = timedelta(hours=8, seconds=30)
FOLLOWUPS = {"tick_seconds": 1, "reminder_offsets_days": [7, 2, 1, 0]}
STEP = "Sweden will circulate the draft terms of reference for the thematic working group"
RUSSIAN_BUTTONS = ["🔵 В работе", "✅ Выполнен", "⛔ Заблокирован", "📝 Добавить заметку"]
# the admin only wrote in the group in the group test: their own follow-ups can't reach them
ALLOWED = ("message is not modified", "can't initiate conversation")


def at_nine(day: int) -> datetime:
    return datetime(2027, 1, day, tzinfo=UTC) + NINE


def verbatim(world: BotWorld) -> list[str]:
    """What is never translated: the steps (whole, or cut short in lists) and their deadline
    phrases as agreed, names."""
    with world.db.session() as session:
        items = session.exec(select(Item)).all()
        names = [p.name for p in session.exec(select(Party)).all()]
        names += [m.name for m in session.exec(select(Meeting)).all()]
        steps = [i.text for i in items] + [shorten(i.text, LIST_TEXT_CHARS).removesuffix("…") for i in items]
        return steps + [i.due_text for i in items] + names + ["Ivan", "Ada Secretariat"]


def within_limits(message: Sent) -> None:
    assert len(message.text.encode("utf-16-le")) // 2 <= MESSAGE_TEXT_LIMIT


async def test_russian_chairs_reminders_premeeting_and_lang_en(tmp_path: Path, fake_clock: FakeClock) -> None:
    async with bot_world(tmp_path, followups=FOLLOWUPS) as world:
        ivan = await _join(world, "Ivan", "Sweden", "ru")
        added = await world.client.ask(world.admin, f"/add {STEP} | owner: Sweden | due: 15 January 2027")
        number = int(added.text.split("#", 1)[1].split(".", 1)[0])
        await world.client.skip()
        first = (await world.client.events(after=0, chat_id=ivan))[-1].seq  # what follows is follow-ups

        # 5 Jan: #5 is due tomorrow
        fake_clock.set(at_nine(5))
        reminder = await wait_for_message(world, ivan, "Срок через 1 день: #5")
        assert "6 января 2027\u202fг." in reminder.text  # a Babel date
        assert "Статус: ⚪ открыт" in reminder.text and "Нажмите на статус ниже" in reminder.text
        assert reminder.buttons == RUSSIAN_BUTTONS
        answer, _ = await world.client.press(ivan, reminder, "🔵 В работе", expect=1)
        assert answer["text"] == "#5 теперь в работе."

        # 6 Jan: due today, and 14 days before the meeting the pre-meeting follow-up with buttons
        fake_clock.set(at_nine(6))
        await wait_for_message(world, ivan, "Срок сегодня: #5")
        followup = await wait_for_message(world, ivan, "Обновите, пожалуйста, ваши открытые пункты")
        assert "33rd Senior Officials Meeting — через 14 дней (20 января 2027\u202fг.)." in followup.text
        assert f"#{number} " in followup.text and "#5 " in followup.text
        assert "#5 ✅" in followup.buttons
        answer, (edited,) = await world.client.press(ivan, followup, "#5 ✅", expect=1)
        assert answer["text"] == "#5 теперь выполнен."
        assert edited.text == followup.text and not any(b.startswith("#5 ") for b in edited.buttons)

        # 8 Jan: the new step is due in 7 days; 13 Jan: in 2 days (Russian plural forms)
        fake_clock.set(at_nine(8))
        week = await wait_for_message(world, ivan, f"Срок через 7 дней: #{number}")
        assert STEP in week.text  # the step as agreed
        assert "⏰ 15 January 2027 (до 15 января 2027\u202fг.)" in week.text  # the deadline as agreed
        fake_clock.set(at_nine(13))
        two = await wait_for_message(world, ivan, f"Срок через 2 дня: #{number}")
        assert two.buttons == RUSSIAN_BUTTONS
        await wait_for_message(world, ivan, "33rd Senior Officials Meeting — через 7 дней")  # and again

        # everything the follow-ups said to Ivan: Russian but the steps and names, within limits
        said = [s for s in await world.client.events(after=first, chat_id=ivan) if s.kind != "edit" or s.text]
        assert len(said) >= 6
        for sent in said:
            within_limits(sent)
            assert_no_english(sent.text, verbatim(world))
            assert all(not b.isascii() or b.startswith("#") for b in sent.buttons)

        # /lang en: the next reminder is English
        await world.client.skip()
        assert (await world.client.ask(ivan, "/lang en")).text.startswith("✅ Language: English.")
        fake_clock.set(at_nine(14))
        english = await wait_for_message(world, ivan, f"Due in 1 day: #{number}")
        assert "Tap a status below" in english.text and "✅ Done" in english.buttons
        await assert_clean(world, allowed_errors=ALLOWED)


async def test_russian_chairs_weekly_digest(tmp_path: Path, fake_clock: FakeClock) -> None:
    async with bot_world(tmp_path, followups={"tick_seconds": 1}) as world:
        ivan = await _join(world, "Ivan", "Sweden", "ru")
        subscribed = await world.client.ask(ivan, "/digest on")
        assert subscribed.text.startswith("📰 Этот чат получает еженедельную сводку (день: понедельник")
        fake_clock.set(at_nine(11))  # Monday
        digest = await wait_for_message(world, ivan, "Еженедельная сводка")
        assert digest.text.startswith("Еженедельная сводка — 11 января 2027\u202fг.")
        assert "Следующее совещание" in digest.text and "через 9 дней" in digest.text
        assert "Просрочено (" in digest.text and "Изменения с 4 января 2027\u202fг." in digest.text
        within_limits(digest)
        for sent in await world.client.events(after=0, chat_id=ivan):
            if sent.seq >= digest.seq:  # the digest and anything the jump brought with it
                assert_no_english(sent.text, verbatim(world))
        await assert_clean(world, allowed_errors=ALLOWED)


async def test_turkish_groups_weekly_digest(tmp_path: Path, fake_clock: FakeClock) -> None:
    async with bot_world(tmp_path, followups={"tick_seconds": 1}) as world:
        group = await world.client.group("Budapest Process", [world.admin])
        await world.client.ask(world.admin, "/group on", chat_id=group)
        on = await world.client.ask(world.admin, "/digest on", chat_id=group)
        assert "weekly digest (Mondays at 09:00" in on.text  # English until the group has a language
        assert (await world.client.ask(world.admin, "/lang tr", chat_id=group)).text == (
            "✅ Bu grubun dili: Türkçe."
        )
        now = await world.client.ask(world.admin, "/digest", chat_id=group)
        assert now.text.startswith("Haftalık özet — 4 Ocak 2027")
        fake_clock.set(at_nine(11))  # Monday
        digest = await wait_for_message(world, group, "Haftalık özet — 11 Ocak 2027")
        assert digest.text.startswith("Haftalık özet — 11 Ocak 2027")
        assert "Çarşamba, 20 Ocak 2027 — 9 gün sonra" in digest.text
        assert "Süresi geçmiş (" in digest.text and "4 Ocak 2027 tarihinden beri" in digest.text
        for sent in (now, digest):
            within_limits(sent)
            assert_no_english(sent.text, verbatim(world))
        await assert_clean(world, allowed_errors=ALLOWED)


async def test_offline_summary_in_russian(tmp_path: Path, fake_clock: FakeClock) -> None:
    db_url = f"sqlite:///{tmp_path / 'kept.db'}"
    async with Emulator(flood=FloodPolicy.off()) as emu:
        async with bot_world(tmp_path, emulator=emu, db_url=db_url, followups={"tick_seconds": 1}) as world:
            ivan = await _join(world, "Ivan", "Sweden", "ru")
        fake_clock.set(at_nine(9))  # down until then: the reminders of 5, 6 and 7 Jan are > 24 h old
        async with bot_world(
            tmp_path, emulator=emu, db_url=db_url, seed=False, followups={"tick_seconds": 1}
        ) as world:
            summary = await wait_for_message(world, ivan, "Я был какое-то время недоступен")
            assert "#5: срок через 1 день (6 января 2027\u202fг.)" in summary.text
            assert "#5: срок сегодня (6 января 2027\u202fг.)" in summary.text
            assert "за 14 дней до совещания 20 января 2027\u202fг." in summary.text
            within_limits(summary)
            assert_no_english(summary.text, verbatim(world))
            await assert_clean(world, allowed_errors=ALLOWED)
