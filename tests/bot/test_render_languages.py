"""Cards, reminders and digests rendered in Russian and Turkish: plural forms, dates, valid HTML,
the item's own text as agreed, English unchanged by default."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.emulator.html_entities import parse_html
from bot.limits import MESSAGE_TEXT_LIMIT
from bot.render import due_text, item_card, items_messages, meeting_text, visible_length
from bot.render_followups import (
    away_text,
    digest_messages,
    premeeting_report_text,
    premeeting_text,
    reminder_text,
)
from core.items import ItemCard
from core.outreach import Content, Digest, PartyProgress
from storage.models import FollowupKind, Item, ItemEvent, Meeting, Party, Precision, Status
from tests.english import assert_no_english

BOT = "nextsteps_bot"
STEP = "The Chairmanship will convene a meeting with the Reference Group Chairs, Sweden & Pakistan."
MEETING = Meeting(id=1, name="33rd Senior Officials Meeting", held_on=date(2027, 1, 20), place="Istanbul")


def _card(due: date = date(2027, 1, 6)) -> ItemCard:
    item = Item(
        id=5,
        text=STEP,
        status=Status.IN_PROGRESS,
        due_text="before the next meeting",
        due_date=due,
        due_precision=Precision.MEETING,
    )
    event = ItemEvent(
        item_id=5, kind="status", old_value="open", new_value="in_progress", actor_name="Ivan",
        at=datetime(2027, 1, 4, 9, 30, tzinfo=UTC),
    )  # fmt: skip
    return ItemCard(item=item, owners=[Party(id=1, name="Sweden")], events=[event])


def _plain(html: str) -> str:
    assert visible_length(html) <= MESSAGE_TEXT_LIMIT
    plain, _ = parse_html(html)  # Telegram would refuse malformed HTML
    return plain


@pytest.mark.parametrize(
    ("today", "russian"),
    [
        (date(2027, 1, 5), "Срок через 1 день"),
        (date(2027, 1, 3), "Срок через 3 дня"),
        (date(2026, 12, 31), "Срок через 6 дней"),
    ],
)
def test_reminder_in_russian_with_plural_forms(today: date, russian: str) -> None:
    text = _plain(reminder_text(Content(FollowupKind.DEADLINE, card=_card()), today, BOT, "ru"))
    assert text.startswith(f"⏰ {russian}: #5\n{STEP}\n")
    assert "⏰ до следующего совещания (до 6 января 2027\u202fг.)" in text  # the bot's default, translated
    assert "Статус: 🔵 в работе" in text and "Нажмите на статус ниже" in text


def test_overdue_reminder_in_turkish_and_english_unchanged() -> None:
    content = Content(FollowupKind.OVERDUE, card=_card())
    turkish = _plain(reminder_text(content, date(2027, 1, 8), BOT, "tr"))
    assert turkish.startswith("⚠️ Süresi geçti: #5 için son tarih 6 Ocak 2027 idi.")
    assert "· ⚠️ 2 gün gecikti" in turkish and "Durum: 🔵 devam ediyor" in turkish
    english = _plain(reminder_text(content, date(2027, 1, 8), BOT))
    assert english.startswith("⚠️ Overdue: #5 was due 6 Jan 2027.")
    assert "before the next meeting (by 6 Jan 2027) · ⚠️ overdue 2 days\nStatus: 🔵 in progress" in english


def test_card_and_list_in_russian_keep_the_step_verbatim() -> None:
    card = _plain(item_card(_card(), date(2027, 1, 4), "Europe/Istanbul", BOT, "ru"))
    assert card.startswith(f"#5 · 🔵 в работе\n{STEP}\n")
    assert "4 января 2027\u202fг. 12:30 · Ivan: ⚪ открыт → 🔵 в работе" in card
    (listing,) = items_messages([_card()], "Открытые пункты", date(2027, 1, 4), BOT, "ru")
    assert STEP[:80] in _plain(listing)


def test_meeting_countdown_in_turkish() -> None:
    assert meeting_text(MEETING, date(2027, 1, 4), "tr").endswith("\nÇarşamba, 20 Ocak 2027 — 16 gün sonra")
    assert meeting_text(MEETING, date(2027, 1, 4)).endswith("\nWednesday, 20 Jan 2027 — in 16 days")


def test_premeeting_request_and_report_in_russian() -> None:
    content = Content(
        FollowupKind.PREMEETING,
        cards=[_card()],
        meeting=MEETING,
        progress=[
            PartyProgress(Party(id=1, name="Sweden"), open_items=2, updates=2, updated_by=["Ivan"]),
            PartyProgress(Party(id=2, name="Pakistan"), open_items=1, updates=0, updated_by=[]),
        ],
    )
    (request,) = premeeting_text(content, date(2027, 1, 6), BOT, "ru")
    assert _plain(request).startswith(
        "📅 33rd Senior Officials Meeting — через 14 дней (20 января 2027\u202fг.)."
    )
    (report,) = premeeting_report_text(content, date(2027, 1, 6), "ru")
    assert "✅ Sweden — 2 обновления от Ivan\n\n⏳ Pakistan — нет обновлений (открыто: 1)" in _plain(report)
    assert "4 reminders fell due" in away_text(["a", "b", "c", "d"])
    assert "подошло 4 напоминания:" in away_text(["a", "b", "c", "d"], "ru")


def test_digest_in_russian_and_turkish() -> None:
    digest = Digest(
        today=date(2027, 1, 11),
        since=datetime(2027, 1, 4, 9, 0, tzinfo=UTC),
        counts={Status.OPEN: 3, Status.IN_PROGRESS: 1},
        overdue=[_card()],
        due_soon=[],
        changes=[(_card().events[0], 5)],
        meeting=MEETING,
        unreachable=["Noor"],
    )
    russian = "\n\n".join(_plain(m) for m in digest_messages(digest, "Europe/Istanbul", BOT, "ru"))
    assert russian.startswith("Еженедельная сводка — 11 января 2027\u202fг.\n⚪ 3 · 🔵 1")
    assert "⚠️ Просрочено (1)" in russian and "просрочен на 5 дней" in russian
    assert "📝 Изменения с 4 января 2027\u202fг. (1)" in russian and STEP[:80] in russian
    assert "📵 Недоступны (заблокировали бота или не запускали его): Noor" in russian
    turkish = "\n\n".join(_plain(m) for m in digest_messages(digest, "Europe/Istanbul", BOT, "tr"))
    assert (
        turkish.startswith("Haftalık özet — 11 Ocak 2027")
        and "Çarşamba, 20 Ocak 2027 — 9 gün sonra" in turkish
    )
    english = "\n\n".join(_plain(m) for m in digest_messages(digest, "Europe/Istanbul", BOT))
    assert english.startswith("Weekly digest — 11 Jan 2027\n") and "Changes since 4 Jan 2027 (1)" in english


def _due(text: str, due: date | None, precision: Precision, lang: str) -> str:
    item = Item(id=7, text=STEP, due_text=text, due_date=due, due_precision=precision)
    return _plain(due_text(ItemCard(item=item, owners=[]), date(2027, 1, 4), lang))


# (phrase, date, precision, English, Russian, Turkish): the phrase as written, the bot's words in
# the reader's language; English as it always was
DEADLINES = [
    ("31 March 2027", date(2027, 3, 31), Precision.DAY, "31 March 2027",
     "31 March 2027 (до 31 марта 2027\u202fг.)", "31 March 2027 (31 Mart 2027 tarihine kadar)"),
    ("31 марта 2027", date(2027, 3, 31), Precision.DAY, "31 марта 2027",
     "31 марта 2027", "31 марта 2027 (31 Mart 2027 tarihine kadar)"),
    ("March 2027", date(2027, 3, 31), Precision.MONTH, "March 2027 (by 31 Mar 2027)",
     "March 2027 (до 31 марта 2027\u202fг.)", "March 2027 (31 Mart 2027 tarihine kadar)"),
    ("early 2027", date(2027, 4, 30), Precision.PERIOD, "early 2027 (by 30 Apr 2027)",
     "early 2027 (до 30 апреля 2027\u202fг.)", "early 2027 (30 Nisan 2027 tarihine kadar)"),
    ("Q3 2027", date(2027, 9, 30), Precision.QUARTER, "Q3 2027 (by 30 Sep 2027)",
     "Q3 2027 (до 30 сентября 2027\u202fг.)", "Q3 2027 (30 Eylül 2027 tarihine kadar)"),
    ("in 2027", date(2027, 12, 31), Precision.YEAR, "in 2027 (by 31 Dec 2027)",
     "in 2027 (до 31 декабря 2027\u202fг.)", "in 2027 (31 Aralık 2027 tarihine kadar)"),
    ("before the next meeting", date(2027, 1, 6), Precision.MEETING,
     "before the next meeting (by 6 Jan 2027)", "до следующего совещания (до 6 января 2027\u202fг.)",
     "bir sonraki toplantıdan önce (6 Ocak 2027 tarihine kadar)"),
    ("before the next meeting", None, Precision.MEETING,
     "before the next meeting (meeting date not set yet)",
     "до следующего совещания (дата совещания пока не назначена)",
     "bir sonraki toplantıdan önce (toplantı tarihi henüz belirlenmedi)"),
    ("TBD", None, Precision.NONE, "TBD", "TBD (без срока)", "TBD (son tarih yok)"),
    ("", None, Precision.NONE, "no deadline", "без срока", "son tarih yok"),
]  # fmt: skip


@pytest.mark.parametrize(("phrase", "due", "precision", "english", "russian", "turkish"), DEADLINES)
def test_the_deadline_line_per_precision_and_language(
    phrase: str, due: date | None, precision: Precision, english: str, russian: str, turkish: str
) -> None:
    assert _due(phrase, due, precision, "en") == english
    assert _due(phrase, due, precision, "ru") == russian
    assert _due(phrase, due, precision, "tr") == turkish
    for lang in ("ru", "tr"):
        assert_no_english(_due(phrase, due, precision, lang), verbatim=[phrase])
