"""A Russian or Turkish chair types the words of their own language: a status word replied to a
card, /status N with a two-word status and a note, /items scopes, and owners joined by "и"/"ve";
errors name the words in the reader's language; English as before."""

from __future__ import annotations

from sqlmodel import col, select

from storage.models import Item, ItemEvent, ItemOwner, Party, Status
from tests.e2e.harness import BotWorld, assert_clean
from tests.e2e.test_languages import _join
from tests.english import assert_no_english


def _item(world: BotWorld, number: int) -> Item:
    with world.db.session() as session:
        item = session.get(Item, number)
        assert item is not None
        return item


def _notes(world: BotWorld, number: int) -> list[str]:
    with world.db.session() as session:
        events = session.exec(select(ItemEvent).where(ItemEvent.item_id == number)).all()
        return [e.note for e in events if e.note]


def _owners(world: BotWorld, number: int) -> list[str]:
    with world.db.session() as session:
        rows = session.exec(
            select(Party.name)
            .join(ItemOwner, col(ItemOwner.party_id) == Party.id)
            .where(ItemOwner.item_id == number)
        ).all()
        return sorted(rows)


async def test_russian_chair_types_russian_words(world: BotWorld) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    verbatim = [_item(world, 5).text, "Reference Group Chair — Sweden"]

    # a reply "готово" to the card closes the item: it is not a note
    card = await world.card(ivan, 5)
    done = await world.client.ask(ivan, "готово", reply_to=card.message_id)
    assert done.text.startswith("✅ #5 теперь выполнен.\n"), done.text
    assert _item(world, 5).status is Status.DONE and _notes(world, 5) == []
    assert_no_english(done.text, verbatim)

    # the word the card shows, typed back, in any case
    card = await world.card(ivan, 5)
    again = await world.client.ask(ivan, "В работе", reply_to=card.message_id)
    assert again.text.startswith("🔵 #5 теперь в работе.\n"), again.text
    assert _item(world, 5).status is Status.IN_PROGRESS

    # a note that merely starts with a status word stays a note, as in English
    noted = await world.client.ask(ivan, "Готово, повестка согласована", reply_to=card.message_id)
    assert noted.text.startswith("📝 Заметка к #5 добавлена."), noted.text
    assert _item(world, 5).status is Status.IN_PROGRESS
    assert _notes(world, 5) == ["Готово, повестка согласована"]

    # /status N with a two-word Russian status and a note
    status = await world.client.ask(ivan, "/status 5 выполнен")
    assert status.text.startswith("✅ #5 теперь выполнен."), status.text
    status = await world.client.ask(ivan, "/status 5 в работе Обсудили с Пакистаном")
    assert status.text.startswith("🔵 #5 теперь в работе."), status.text
    assert _item(world, 5).status is Status.IN_PROGRESS
    assert _notes(world, 5)[-1] == "Обсудили с Пакистаном"
    assert_no_english(status.text, verbatim)

    # a wrong word: the statuses as the Russian cards name them
    refused = await world.client.ask(ivan, "/status 5 когда-нибудь")
    assert refused.text == (
        "«когда-нибудь» — не статус. Допустимые статусы: открыт, в работе, выполнен, заблокирован, снят."
    )
    usage = await world.client.ask(ivan, "/status 5")
    assert "открыт, в работе, выполнен, заблокирован, снят" in usage.text
    for text in (refused.text, usage.text):
        assert_no_english(text)

    # /items scopes in Russian
    mine = await world.client.say(ivan, "/items мои")
    assert mine[0].text.startswith("Открытые пункты вашей стороны ("), mine[0].text
    assert "#5" in mine[0].text
    everything = await world.client.say(ivan, "/items все")
    assert everything[0].text.startswith("Все пункты ("), everything[0].text
    wrong = await world.client.ask(ivan, "/items когда-нибудь")
    assert wrong.text == "Отправьте /items мои, /items открытые, /items просроченные или /items все."
    assert_no_english(wrong.text)

    # the reply tip and the menu name Russian words the bot takes
    help_ru = (await world.client.ask(ivan, "/help")).text
    assert "ответьте «готово», чтобы закрыть его" in help_ru
    assert "/status N готово [заметка]" in help_ru and "мои, открытые, просроченные или все" in help_ru
    assert "/lang — Ваш язык: /lang en|ru|tr" in help_ru
    assert_no_english(help_ru, ["Reference Group Chair — Sweden"])
    await assert_clean(world)


async def test_russian_secretariat_adds_owners_joined_by_i(world: BotWorld) -> None:
    await world.client.ask(world.admin, "/lang ru")
    for name in ("Швеция", "Пакистан"):
        await world.client.ask(world.admin, f"/party add {name}")
    parts = await world.client.say(world.admin, "/add Обменяться проектами | owner: Швеция и Пакистан")
    added = parts[0]
    assert added.text.startswith("➕ Добавлен пункт #"), added.text
    number = int(added.text.split("#", 1)[1].split(".", 1)[0])
    assert _owners(world, number) == ["Пакистан", "Швеция"]
    assert_no_english(added.text, ["Ada Secretariat"])
    # Turkish "ve" too, and a party whose name holds the word stays whole
    await world.client.ask(world.admin, "/party add Bosna ve Hersek")
    parts = await world.client.say(world.admin, "/add Karşılıklı ziyaret | owner: Bosna ve Hersek ve Sweden")
    number = int(parts[0].text.split("#", 1)[1].split(".", 1)[0])
    assert _owners(world, number) == ["Bosna ve Hersek", "Reference Group Chair — Sweden"]
    await assert_clean(world)


async def test_turkish_chair_types_turkish_words(world: BotWorld) -> None:
    ayse = await _join(world, "Ayşe", "Sweden", "tr")
    verbatim = [_item(world, 5).text, "Reference Group Chair — Sweden"]
    card = await world.card(ayse, 5)
    done = await world.client.ask(ayse, "tamamlandı", reply_to=card.message_id)
    assert _item(world, 5).status is Status.DONE and _notes(world, 5) == []
    assert "tamamlandı" in done.text
    assert_no_english(done.text, verbatim)

    status = await world.client.ask(ayse, "/status 5 devam ediyor Görüşüldü")
    assert _item(world, 5).status is Status.IN_PROGRESS, status.text
    assert _notes(world, 5)[-1] == "Görüşüldü"
    assert "devam ediyor" in status.text

    refused = await world.client.ask(ayse, "/status 5 belki")
    assert "açık, devam ediyor, tamamlandı, engellendi, bırakıldı" in refused.text
    assert_no_english(refused.text)

    mine = await world.client.say(ayse, "/items benim")
    assert "#5" in mine[0].text
    wrong = await world.client.ask(ayse, "/items belki")
    assert wrong.text == "/items benim, /items açık, /items gecikmiş veya /items tümü yazın."
    await assert_clean(world)


async def test_english_unchanged(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    card = await world.card(sven, 5)
    noted = await world.client.ask(sven, "done, agenda agreed", reply_to=card.message_id)
    assert noted.text.startswith("📝 Note added to #5.")
    done = await world.client.ask(sven, "Done", reply_to=card.message_id)
    assert done.text.startswith("✅ #5 is now done.")
    status = await world.client.ask(sven, "/status 5 in progress talks held")
    assert status.text.startswith("🔵 #5 is now in progress.") and _notes(world, 5)[-1] == "talks held"
    refused = await world.client.ask(sven, "/status 5 maybe")
    assert (
        refused.text
        == "“maybe” is not a status. Status is one of: open, in progress, done, blocked, dropped."
    )
    # the other languages' words work for an English reader too
    await world.client.ask(sven, "/status 5 готово")
    assert _item(world, 5).status is Status.DONE
    assert (await world.client.say(sven, "/items tümü"))[0].text.startswith("All items (")
    await assert_clean(world)
