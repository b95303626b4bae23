"""Items in the reader's language: a Russian chair's /items, card, buttons and /meeting; the steps'
own text and deadline phrases stay as agreed; Russian plural forms and dates; HTML and lengths valid."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.limits import MESSAGE_TEXT_LIMIT
from storage.models import Item
from tests.e2e.harness import BotWorld, FakeClock
from tests.e2e.test_languages import _join

# Babel writes "2027\u202fг." (a narrow no-break space before the year mark), as CLDR says
ENGLISH_WORDS = ("Tap a number", "overdue", "no owner", "History", "Reply to this message", "(by ")


def _text_of(world: BotWorld, number: int) -> str:
    with world.db.session() as session:
        item = session.get(Item, number)
        assert item is not None
        return item.text


def _within_limits(text: str) -> None:
    assert len(text.encode("utf-16-le")) // 2 <= MESSAGE_TEXT_LIMIT


async def test_russian_chair_reads_items_and_card_in_russian(world: BotWorld) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    listing = await world.client.ask(ivan, "/items")
    assert listing.text.startswith("Открытые пункты вашей стороны (1)")
    # the default deadline is the bot's own words, in Russian; other phrases stay as agreed (below)
    assert "⏰ до следующего совещания (до 6 января 2027\u202fг.)" in listing.text
    assert "Нажмите на номер или отправьте /item N, чтобы открыть пункт." in listing.text
    assert not any(word in listing.text for word in ENGLISH_WORDS)

    card = await world.card(ivan, 5)
    assert card.text.startswith("#5 · ⚪ открыт\n")
    assert _text_of(world, 5) in card.text  # the Istanbul step, verbatim
    assert "\nИстория\n" in card.text and "создан (NextSteps)" in card.text
    assert card.text.endswith("Ответьте на это сообщение, чтобы добавить заметку.")
    assert card.buttons == ["🔵 В работе", "✅ Выполнен", "⛔ Заблокирован", "📝 Добавить заметку"]
    assert not any(word in card.text for word in ENGLISH_WORDS)

    answer, (edited,) = await world.client.press(ivan, card, "✅ Выполнен", expect=1)
    assert answer["text"] == "#5 теперь выполнен."
    assert edited.text.startswith("#5 · ✅ выполнен\n")
    assert "Ivan: ⚪ открыт → ✅ выполнен" in edited.text
    assert "⚪ Открыть снова" in edited.buttons

    meeting = await world.client.ask(ivan, "/meeting")
    assert meeting.text.startswith("📅 Следующее совещание: 33rd Senior Officials Meeting")

    # /lang en: the same card in English again
    await world.client.ask(ivan, "/lang en")
    english = await world.card(ivan, 5)
    assert (
        english.text.startswith("#5 · ✅ done\n") and "Reply to this message to add a note." in english.text
    )
    assert "⚪ Reopen" in english.buttons


async def test_russian_plural_forms_and_dates(world: BotWorld, fake_clock: FakeClock) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    # #1 "until early 2023" resolves to 30 April 2023
    for day, phrase in [(1, "просрочен на 1 день"), (3, "просрочен на 3 дня"), (6, "просрочен на 6 дней")]:
        fake_clock.set(datetime(2023, 5, day, 12, 0, tzinfo=UTC))
        overdue = await world.client.ask(ivan, "/items overdue")
        assert overdue.text.startswith("Просроченные пункты (1)")
        assert f"⏰ until early 2023 (до 30 апреля 2023\u202fг.) · ⚠️ {phrase}" in overdue.text
        assert _text_of(world, 1)[:40] in overdue.text
    for day, countdown in [(19, "завтра"), (18, "через 2 дня"), (9, "через 11 дней")]:
        fake_clock.set(datetime(2027, 1, day, 12, 0, tzinfo=UTC))
        meeting = await world.client.ask(ivan, "/meeting")
        assert meeting.text.endswith(f"\nСреда, 20 января 2027\u202fг. — {countdown}"), meeting.text
    fake_clock.set(datetime(2026, 12, 30, 12, 0, tzinfo=UTC))
    assert (await world.client.ask(ivan, "/meeting")).text.endswith("— через 21 день")


async def test_turkish_card_and_every_item_within_limits(world: BotWorld) -> None:
    ayse = await _join(world, "Ayşe", "Chairmanship", "tr")
    card = await world.card(ayse, 3)
    assert card.text.startswith("#3 · ⚪ açık\n")
    assert "⏰ in 2023 (31 Aralık 2023 tarihine kadar) · ⚠️" in card.text and " gün gecikti" in card.text
    assert "✅ Tamamlandı" in card.buttons and "📝 Not ekle" in card.buttons
    for number in range(1, 6):
        card = await world.card(ayse, number)
        assert _text_of(world, number) in card.text
        _within_limits(card.text)
    for message in await world.client.say(ayse, "/items all"):
        assert message.text.startswith("Tüm maddeler (5)") or "#" in message.text
        _within_limits(message.text)


async def test_digest_for_a_russian_chair_and_a_turkish_group(world: BotWorld, fake_clock: FakeClock) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    fake_clock.set(datetime(2027, 1, 11, 12, 0, tzinfo=UTC))
    parts = await world.client.say(ivan, "/digest")
    russian = "\n\n".join(p.text for p in parts)
    assert russian.startswith("Еженедельная сводка — 11 января 2027\u202fг.\n")
    assert "📅 Следующее совещание: 33rd Senior Officials Meeting" in russian
    assert "Среда, 20 января 2027\u202fг. — через 9 дней" in russian
    assert "📝 Изменения с 4 января 2027\u202fг." in russian
    assert not any(word in russian for word in (*ENGLISH_WORDS, "Weekly digest", "Changes since"))
    for part in parts:
        _within_limits(part.text)

    group = await world.client.group("Budapest Process", [world.admin, ivan])
    await world.client.ask(world.admin, "/group on", chat_id=group)
    await world.client.ask(world.admin, "/lang tr", chat_id=group)
    parts = await world.client.say(ivan, "/digest", chat_id=group)
    turkish = "\n\n".join(p.text for p in parts)
    assert turkish.startswith("Haftalık özet — 11 Ocak 2027\n")
    assert "Çarşamba, 20 Ocak 2027 — 9 gün sonra" in turkish
    assert "Weekly digest" not in turkish and "Changes since" not in turkish


async def test_item_command_errors_in_the_readers_language(world: BotWorld) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    assert (await world.client.ask(ivan, "/items someday")).text == (
        "Отправьте /items мои, /items открытые, /items просроченные или /items все."
    )
    assert (await world.client.ask(ivan, "/item")).text == "Какой пункт? /item N — список покажет /items."
    refused = await world.client.ask(ivan, "/status 5 finished")
    assert refused.text.startswith(
        "«finished» — не статус. Допустимые статусы: открыт, в работе, выполнен, заблокирован, снят."
    )
    done = await world.client.ask(ivan, "/status 5 done")
    assert done.text.startswith("✅ #5 теперь выполнен.\n")
    noted = await world.client.ask(ivan, "/note 5 Сроки согласованы с Пакистаном")
    assert noted.text.startswith("📝 Заметка к #5 добавлена.")


async def test_parties_and_meeting_set_in_the_readers_language(world: BotWorld) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    parties = "\n\n".join(m.text for m in await world.client.say(ivan, "/parties"))
    assert parties.startswith("Стороны (")
    assert "• Reference Group Chair — Sweden — 1 участник" in parties  # names as registered
    await world.client.ask(world.admin, "/lang tr")
    moved = await world.client.ask(
        world.admin, "/meeting set 2027-02-22 33rd Senior Officials Meeting | Istanbul"
    )
    assert moved.text.startswith(
        "✅ 📅 Bir sonraki toplantı: 33rd Senior Officials Meeting, Istanbul\nPazartesi, 22 Şubat 2027"
    )
    assert "Buna bağlı 3 maddenin son tarihi artık 8 Şubat 2027." in moved.text
    refused = await world.client.ask(world.admin, "/meeting set soon SOM")
    assert refused.text.startswith("“soon” bir tarih değil. Kullanım: /meeting set")


async def test_timezone_and_party_replies_in_the_readers_language(world: BotWorld) -> None:
    ayse = await _join(world, "Ayşe", "Chairmanship", "tr")
    assert (await world.client.ask(ayse, "/tz")).text.startswith("Saat diliminiz: ")
    assert (
        await world.client.ask(ayse, "/tz Europe/Istanbul")
    ).text == "🕘 Saat dilimi Europe/Istanbul olarak ayarlandı."
    refused = await world.client.ask(ayse, "/party add Georgia")
    assert refused.text == "Taraf eklemeyi yalnızca sekretarya yapabilir."
    await world.client.ask(world.admin, "/lang ru")
    added = await world.client.ask(world.admin, "/party add Georgia | Грузия, Sakartvelo")
    assert added.text == "✅ Сторона Georgia добавлена (также: Грузия, Sakartvelo)."


async def test_digest_and_reminder_settings_in_the_readers_language(world: BotWorld) -> None:
    # on the real clock: a jump of the fake one would let the re-plan send an "I was offline" note
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    subscribed = await world.client.ask(ivan, "/digest on")
    assert subscribed.text.startswith("📰 Этот чат получает еженедельную сводку (день: понедельник, 09:00, ")
    assert (await world.client.ask(ivan, "/reminders off")).text.startswith(
        "🔕 Напоминания о сроках выключены."
    )
