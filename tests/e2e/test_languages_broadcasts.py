"""Broadcasts in each reader's language: every chair gets the secretariat's text exactly as written
inside a frame in their own language (Russian, Turkish, English), even the longest broadcast; a
Russian-speaking secretariat composes, sends and follows it in Russian, plural forms and all."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlmodel import select

from bot.emulator import Sent
from bot.limits import MESSAGE_TEXT_LIMIT
from core import limits, members
from storage.models import Delivery, DeliveryState
from tests.e2e.harness import BotWorld
from tests.e2e.test_languages import _join
from tests.english import assert_no_english

SWEDEN = "Reference Group Chair — Sweden"
PAKISTAN = "Reference Group Chair — Pakistan"
CHAIRMANSHIP = "Chairmanship"
SENTENCE = "The drafting group meets on 14 March; please send your comments on the annex by Friday. "


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _longest_text() -> str:
    """A broadcast as long as the bot accepts: English prose, to be delivered untranslated."""
    text = (SENTENCE * (limits.BROADCAST_TEXT.most // len(SENTENCE) + 1))[: limits.BROADCAST_TEXT.most]
    return text.rstrip() + "!" * (limits.BROADCAST_TEXT.most - len(text.rstrip()))


async def _wait_for(world: BotWorld, chat_id: int, phrase: str, seconds: float = 30) -> Sent:
    """The bot's latest message (sent or edited) in ``chat_id`` that holds ``phrase``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        found = [
            e for e in await world.client.events(after=0, chat_id=chat_id, timeout=0.3) if phrase in e.text
        ]
        if found:
            return found[-1]
    raise AssertionError(f"nothing with {phrase!r} in chat {chat_id}")


async def test_each_chair_reads_the_frame_in_their_language_and_the_text_as_written(world: BotWorld) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    ayse = await _join(world, "Ayşe", "Chairmanship", "tr")
    noor = await _join(world, "Noor", "Pakistan", "en")
    text = _longest_text()
    assert _units(text) == limits.BROADCAST_TEXT.most

    preview, controls = await world.client.say(world.admin, f"/broadcast {text}", expect=2)
    assert preview.text == f"📣 From the secretariat\n\n{text}"  # the English secretariat's preview
    _, (confirm,) = await world.client.press(world.admin, controls, "Chairs only", expect=1)
    assert "3 recipients." in confirm.text
    await world.client.press(world.admin, confirm, "📤 Send")

    (got_ivan,) = await world.client.replies(ivan, 1)
    (got_ayse,) = await world.client.replies(ayse, 1)
    (got_noor,) = await world.client.replies(noor, 1)
    assert got_ivan.text == f"📣 От секретариата\n\n{text}"
    assert got_ayse.text == f"📣 Sekretaryadan\n\n{text}"
    assert got_noor.text == f"📣 From the secretariat\n\n{text}"
    assert got_ivan.buttons == ["✅ Принято"] and got_ayse.buttons == ["✅ Anlaşıldı"]
    assert got_noor.buttons == ["✅ Got it"]
    for got in (got_ivan, got_ayse, got_noor):
        assert _units(got.text) <= MESSAGE_TEXT_LIMIT
    for got in (got_ivan, got_ayse):
        assert_no_english(got.text, verbatim=[text])
        assert_no_english(" ".join(got.buttons))

    answer, _ = await world.client.press(ivan, got_ivan, "✅ Принято")
    assert answer["text"] == "Спасибо, отмечено. 👍"
    answer, _ = await world.client.press(ayse, got_ayse, "✅ Anlaşıldı")
    assert answer["text"] == "Teşekkürler, kaydedildi. 👍"
    answer, _ = await world.client.press(noor, got_noor, "Got it")
    assert answer["text"] == "Thanks — noted. 👍"
    forged, _ = await world.client.press(ivan, got_ivan, data="ack:99")
    assert forged["text"] == "Эта кнопка больше не действует."

    done = await _wait_for(world, world.admin, "Broadcast 1: ✅ done")
    assert "Sent 3 · pending 0 · failed 0 of 3" in done.text  # the English sender reads English


async def test_a_russian_secretariat_composes_sends_and_follows_in_russian(world: BotWorld) -> None:
    chairs = [
        await _join(world, "Ivan", "Sweden", "ru"),
        await _join(world, "Ayşe", "Chairmanship", "tr"),
        await _join(world, "Noor", "Pakistan", None),
    ]
    gone = await _join(world, "Greta", "Hungary", "de")
    with world.db.session() as session:  # a chair who blocked the bot since
        members.set_reachable(session=session, user_id=gone, reachable=False)
    switched = await world.client.ask(world.admin, "/lang ru")
    assert switched.text.startswith("✅ Язык: Русский.")

    nothing = await world.client.ask(world.admin, "/broadcast")
    assert nothing.text == "Что отправить? /broadcast ваше сообщение — или ответьте /broadcast на сообщение."
    missing = await world.client.ask(world.admin, "/broadcast 99")
    assert missing.text == "Рассылки 99 нет. Список: /broadcasts."
    assert (await world.client.ask(world.admin, "/broadcasts")).text.startswith("Рассылок пока нет.")

    text = "Draft conclusions attached — comments by Friday, please."
    preview, controls = await world.client.say(world.admin, f"/broadcast {text}", expect=2)
    assert preview.text == f"📣 От секретариата\n\n{text}"
    assert controls.text == "📣 Рассылка 1: предпросмотр выше. Кому её отправить?"
    assert controls.buttons == [
        "Всем",
        "Только председателям",
        "Выбрать стороны…",
        "В групповые чаты",
        "✖️ Отмена",
    ]
    for message in (preview, controls):
        assert_no_english(message.text + "\n" + " ".join(message.buttons), verbatim=[text])

    _, (parties,) = await world.client.press(world.admin, controls, "Выбрать стороны…", expect=1)
    assert parties.text == "📣 Рассылка 1: отметьте стороны, которым её отправить."
    assert parties.buttons[-2:] == ["Готово ✅", "Назад"]
    refused, _ = await world.client.press(world.admin, parties, "Готово ✅")
    assert refused["show_alert"] and refused["text"] == "Сначала отметьте хотя бы одну сторону."
    _, (ticked,) = await world.client.press(world.admin, parties, f"⬜ {SWEDEN}", expect=1)
    _, (one,) = await world.client.press(world.admin, ticked, "Готово ✅", expect=1)
    assert one.text.startswith("📣 Рассылка 1 для выбранных сторон: 1 получатель.\n")
    _, (back,) = await world.client.press(world.admin, one, "Изменить получателей", expect=1)

    _, (confirm,) = await world.client.press(world.admin, back, "Только председателям", expect=1)
    assert confirm.text == (
        "📣 Рассылка 1 для только председателей: 3 получателя.\n"
        "Ещё 1 получатель заблокировал бота или не запускал его и не получит рассылку.\n"
        "Выше — то, что они получат (заголовок — на языке каждого получателя). Отправить?"
    )
    assert confirm.buttons == ["📤 Отправить", "Изменить получателей", "✖️ Отмена"]
    assert_no_english(confirm.text + "\n" + " ".join(confirm.buttons))

    answer, (sending,) = await world.client.press(world.admin, confirm, "📤 Отправить", expect=1)
    assert answer["text"] == "Отправляю…"
    assert sending.text == "📣 Рассылка 1: отправляю 3 получателям…"
    headings = ("📣 От секретариата", "📣 Sekretaryadan", "📣 From the secretariat")
    for chair, heading in zip(chairs, headings, strict=True):
        (got,) = await world.client.replies(chair, 1)
        assert got.text == f"{heading}\n\n{text}"

    done = await _wait_for(world, world.admin, "✅ завершена")
    assert done.text == (
        "📣 Рассылка 1: ✅ завершена\n"
        "Отправлено 3 · в очереди 0 · не доставлено 1 из 4\n"
        "Подробнее: /broadcast 1"
    )
    again, _ = await world.client.press(world.admin, confirm, data="bc:1:ok")  # Send pressed twice
    assert again["show_alert"] and again["text"] == "Рассылка 1 уже отправлена."

    listing = await world.client.ask(world.admin, "/broadcasts")
    assert listing.text.startswith("Последние рассылки\n1 · ")
    assert " · завершена — отправлено 3/4, не доставлено 1, 👍 0" in listing.text
    assert_no_english(listing.text, verbatim=[text])
    (report,) = await world.client.say(world.admin, "/broadcast 1")
    assert report.text.startswith("📣 Рассылка 1 (✅ завершена) для только председателей\n")
    assert "Создана " in report.text and " · отправлена " in report.text and " · завершена " in report.text
    assert "Не доставлено\n\n❌ Greta (Co-Chair (Hungary)) — недоступен:" in report.text
    assert_no_english(report.text, verbatim=[text, "Greta", "Co-Chair (Hungary)"])
    with world.db.session() as session:
        states = Counter(d.state for d in session.exec(select(Delivery)).all())
    assert states == {DeliveryState.SENT: 3, DeliveryState.FAILED: 1}


async def test_a_turkish_secretariat_cancels_in_turkish(world: BotWorld) -> None:
    await world.client.ask(world.admin, "/lang tr")
    _, controls = await world.client.say(world.admin, "/broadcast Never mind", expect=2)
    assert controls.text == "📣 Duyuru 1: önizleme yukarıda. Kimlere gönderilsin?"
    _, (cancelled,) = await world.client.press(world.admin, controls, "✖️ İptal", expect=1)
    assert cancelled.text == "📣 Duyuru 1 iptal edildi. Hiçbir şey gönderilmedi."
    late, _ = await world.client.press(world.admin, controls, data="bc:1:all")  # a stale button
    assert late["text"] == "Duyuru 1 iptal edildi."
