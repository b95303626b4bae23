"""Broadcasts in each reader's language: the frame per recipient (the secretariat's text as written,
the longest broadcast still within Telegram's limit), the sender's controls, progress and reports
with Russian plural forms, valid HTML, English unchanged by default."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import render_broadcasts
from bot.emulator.html_entities import parse_html
from bot.limits import CALLBACK_DATA_MAX_BYTES, MESSAGE_TEXT_LIMIT
from bot.render import visible_length
from bot.render_broadcasts import (
    broadcast_heading,
    broadcast_progress,
    broadcast_report,
    broadcast_text,
    broadcasts_list,
    cancelled_text,
    confirm_controls,
    failure_reason,
    got_it_keyboard,
    sending_text,
)
from core import limits
from core.broadcasts import UNREACHABLE, Progress, Recipient
from core.i18n import LANGUAGES, Translator, translator
from storage.models import Audience, Broadcast, BroadcastState, Delivery
from tests.english import assert_no_english

TEXT = "Comments on the <b>Declaration</b> &amp; annex by Friday, please."
PLAIN_TEXT = "Comments on the Declaration & annex by Friday, please."


def _broadcast(
    state: BroadcastState = BroadcastState.DONE, audience: Audience = Audience.CHAIRS
) -> Broadcast:
    return Broadcast(
        id=7,
        text_html=TEXT,
        chat_id=1,
        audience=audience,
        state=state,
        created_at=datetime(2027, 3, 5, 8, 0, tzinfo=UTC),
        started_at=datetime(2027, 3, 5, 8, 30, tzinfo=UTC),
        finished_at=datetime(2027, 3, 5, 8, 31, tzinfo=UTC),
    )


def _targets(reachable: int, unreachable: int = 0) -> list[Recipient]:
    return [Recipient(100 + n, n, f"Chair {n}", n < reachable) for n in range(reachable + unreachable)]


def _valid(text: str) -> str:
    plain, _ = parse_html(text)  # Telegram would refuse malformed HTML
    assert len(plain.encode("utf-16-le")) // 2 <= MESSAGE_TEXT_LIMIT
    return plain


def test_english_frame_and_controls_unchanged() -> None:
    assert broadcast_text("hi") == "📣 <b>From the secretariat</b>\n\nhi"
    assert got_it_keyboard(3).inline_keyboard[0][0].text == "✅ Got it"
    text, _ = confirm_controls(_broadcast(state=BroadcastState.DRAFT), _targets(5, 2))
    assert text.startswith("📣 Broadcast 7 to <b>chairs only</b>: 5 recipients.\n")
    assert "2 more have blocked the bot or never started it" in text
    listing = broadcasts_list([(_broadcast(), Progress(3, 2, 1, 0, 1))], "UTC")
    assert "<b>7</b> · 5 Mar 2027 08:30 · done — sent 2/3, failed 1, 👍 1\n   Comments on the" in listing
    assert broadcast_progress(7, Progress(3, 3, 0, 0, 1), done=True) == (
        "📣 Broadcast 7: ✅ done\nSent 3 · pending 0 · failed 0 of 3 · 👍 1 got it\nDetails: /broadcast 7"
    )


@pytest.mark.parametrize(
    ("lang", "heading"), [("ru", "📣 <b>От секретариата</b>"), ("tr", "📣 <b>Sekretaryadan</b>")]
)
def test_frame_in_the_recipients_language_text_as_written(lang: str, heading: str) -> None:
    text = broadcast_text(TEXT, lang)
    assert text == f"{heading}\n\n{TEXT}"  # the secretariat's words untouched, markup and all
    assert_no_english(_valid(text), verbatim=[PLAIN_TEXT])
    button = got_it_keyboard(12345678901234567890, lang).inline_keyboard[0][0]
    assert button.text != "✅ Got it" and button.text.startswith("✅ ")
    assert len(str(button.callback_data).encode()) <= CALLBACK_DATA_MAX_BYTES


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("char", ["я", "ş", "😀", "&"])
def test_the_longest_broadcast_fits_in_every_language(lang: str, char: str) -> None:
    """What create_draft lets through (limits.BROADCAST_TEXT, counted as Telegram counts) plus the
    frame in any language stays within one message."""
    units = len(char.encode("utf-16-le")) // 2
    longest = (char if char != "&" else "&amp;") * (limits.BROADCAST_TEXT.most // units)
    limits.check_html_length(limits.BROADCAST_TEXT, longest)  # accepted as a broadcast
    text = broadcast_text(f"<i>{longest}</i>", lang)
    assert visible_length(text) <= MESSAGE_TEXT_LIMIT
    _valid(text)


def test_a_translated_heading_too_long_for_the_longest_broadcast_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Wordy(Translator):
        def gettext(self, message: str) -> str:
            return "📣 " + "очень " * 30 if message == render_broadcasts.HEADING else message

    monkeypatch.setattr(render_broadcasts, "translator", lambda lang: Wordy(lang, translator("ru")._catalog))
    assert broadcast_heading("ru") == "📣 <b>From the secretariat</b>"
    assert visible_length(broadcast_text("я" * limits.BROADCAST_TEXT.most, "ru")) <= MESSAGE_TEXT_LIMIT


@pytest.mark.parametrize(
    ("reachable", "count"),
    [(1, "1 получатель."), (3, "3 получателя."), (5, "5 получателей."), (21, "21 получатель.")],
)
def test_russian_confirmation_plural_forms(reachable: int, count: str) -> None:
    text, markup = confirm_controls(_broadcast(state=BroadcastState.DRAFT), _targets(reachable), "ru")
    assert text.startswith(f"📣 Рассылка 7 для <b>только председателей</b>: {count}\n")
    assert text.endswith("Отправить?")
    assert_no_english(_valid(text))
    buttons = [b.text for row in markup.inline_keyboard for b in row]
    assert buttons == ["📤 Отправить", "Изменить получателей", "✖️ Отмена"]


@pytest.mark.parametrize(
    ("unreachable", "phrase"),
    [
        (1, "Ещё 1 получатель заблокировал бота"),
        (2, "Ещё 2 получателя заблокировали бота"),
        (11, "Ещё 11 получателей заблокировали бота"),
    ],
)
def test_russian_unreachable_recipients_in_a_whole_sentence(unreachable: int, phrase: str) -> None:
    text, _ = confirm_controls(_broadcast(state=BroadcastState.DRAFT), _targets(2, unreachable), "ru")
    assert "2 получателя." in text and phrase in text
    assert_no_english(_valid(text))


def test_turkish_confirmation_and_sending() -> None:
    text, markup = confirm_controls(
        _broadcast(state=BroadcastState.DRAFT, audience=Audience.ALL), _targets(5, 1), "tr"
    )
    assert "5 kişi." in text and "1 kişi daha botu engelledi" in text
    assert_no_english(_valid(text))
    assert markup.inline_keyboard[0][0].text == "📤 Gönder"
    assert sending_text(7, 5, "tr") == "📣 Duyuru 7: 5 alıcıya gönderiliyor…"


def test_russian_sending_progress_and_final_counts() -> None:
    assert sending_text(7, 1, "ru") == "📣 Рассылка 7: отправляю 1 получателю…"
    assert sending_text(7, 5, "ru") == "📣 Рассылка 7: отправляю 5 получателям…"
    assert cancelled_text(7, "ru") == "📣 Рассылка 7 отменена. Ничего не отправлено."
    running = broadcast_progress(7, Progress(10, 4, 1, 5, 0), done=False, lang="ru")
    assert running == "📣 Рассылка 7: отправляется…\nОтправлено 4 · в очереди 5 · не доставлено 1 из 10"
    for acked, phrase in [(1, "👍 1 подтвердил"), (3, "👍 3 подтвердили"), (5, "👍 5 подтвердили")]:
        final = broadcast_progress(7, Progress(10, 9, 1, 0, acked), done=True, lang="ru")
        assert final.startswith(
            "📣 Рассылка 7: ✅ завершена\nОтправлено 9 · в очереди 0 · не доставлено 1 из 10"
        )
        assert phrase in final and final.endswith("Подробнее: /broadcast 7")
        assert_no_english(final)


def test_russian_list_and_report_with_dates_states_and_reasons() -> None:
    done = _broadcast()
    listing = broadcasts_list([(done, Progress(3, 2, 1, 0, 1))], "Europe/Moscow", "ru")
    assert listing.startswith(
        "<b>Последние рассылки</b>\n<b>7</b> · 5 марта 2027\u202fг. 11:30 · завершена — "
    )
    assert "отправлено 2/3, не доставлено 1" in listing
    assert_no_english(_valid(listing), verbatim=[PLAIN_TEXT])
    assert broadcasts_list([], "UTC", "ru").startswith("Рассылок пока нет.")

    failed = [
        Delivery(broadcast_id=7, chat_id=1, label="Ivan (Sweden)", reason="blocked the bot"),
        Delivery(broadcast_id=7, chat_id=2, label="Noor (Pakistan)", reason=UNREACHABLE),
        Delivery(
            broadcast_id=7, chat_id=3, label="Ayşe (Türkiye)", reason="gave up after 8 tries: chat not found"
        ),
        Delivery(broadcast_id=7, chat_id=4, label="Group", reason=None),
    ]
    (report,) = broadcast_report(done, Progress(5, 1, 4, 0, 0), failed, "Europe/Moscow", "ru")
    assert report.startswith("📣 <b>Рассылка 7</b> (✅ завершена) для только председателей\n")
    assert "Создана 5 марта 2027\u202fг. 11:00 · отправлена 5 марта 2027\u202fг. 11:30" in report
    assert "❌ Ivan (Sweden) — бот заблокирован" in report
    assert "❌ Noor (Pakistan) — недоступен: бот заблокирован или не был запущен" in report
    assert "не удалось после 8 попыток: чат не найден" in report
    assert "👍 0 подтвердили" in report
    assert_no_english(_valid(report), verbatim=[PLAIN_TEXT, "Ivan (Sweden)", "Noor (Pakistan)", "Group"])


def test_telegrams_own_words_for_a_rare_failure_stay_as_they_are() -> None:
    assert failure_reason("Bad Request: message is too long", "ru") == "Bad Request: message is too long"
    assert failure_reason("the account was deleted", "tr") == "hesap silindi"
