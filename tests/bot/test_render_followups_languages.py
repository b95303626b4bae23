"""Every follow-up text in Russian and Turkish with long data: within Telegram's limits, valid HTML,
no English but the agreed steps and names; the "I was offline" lines in the reader's language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.emulator.html_entities import parse_html
from bot.limits import CALLBACK_DATA_MAX_BYTES, MESSAGE_TEXT_LIMIT
from bot.render import LIST_TEXT_CHARS, shorten, visible_length
from bot.render_followups import (
    away_reason,
    away_text,
    digest_messages,
    escalation_text,
    premeeting_keyboard,
    premeeting_report_text,
    premeeting_text,
    reminder_text,
)
from core.items import ItemCard
from core.outreach import Content, Digest, PartyProgress
from storage.models import Followup, FollowupKind, Item, ItemEvent, Meeting, Party, Precision, Status
from tests.english import assert_no_english

BOT = "nextsteps_bot"
TODAY = date(2027, 1, 6)
# the longest texts people write: a step as agreed, its deadline phrase (200), long names
STEP = "The Chairmanship will convene a meeting with the Reference Group Chairs & <Sweden>. " * 24
DUE = ("before the thirty-third meeting of senior officials, in Istanbul, " * 4)[:200]
PARTY = "Reference Group of the Budapest Process on Migration " * 3
PERSON = "Ivan Alexandrovich Konstantinopolsky-Rimsky-Korsakov"
MEETING = Meeting(
    id=1, name="33rd Senior Officials Meeting of the Budapest Process " * 3, held_on=date(2027, 1, 20)
)
NOTE = "Agreed with the Chairs & partners. " * 20
# what is never translated, whole or cut short ("…") as the lists show it
VERBATIM = [
    *(shorten(text, n).removesuffix("…") for text in (STEP, NOTE) for n in (LIST_TEXT_CHARS, 300)),
    DUE,
    PERSON,
    MEETING.name,
    *(f"{PARTY}{n}".strip() for n in range(100)),
]


def _card(number: int, status: Status = Status.OPEN, due: date = date(2027, 1, 4)) -> ItemCard:
    item = Item(
        id=number, text=STEP, status=status, due_text=DUE, due_date=due, due_precision=Precision.MEETING
    )
    event = ItemEvent(
        item_id=number, kind="status", old_value="open", new_value="in_progress", actor_name=PERSON,
        at=datetime(2027, 1, 5, 9, 30, tzinfo=UTC), note=NOTE,
    )  # fmt: skip
    return ItemCard(item=item, owners=[Party(id=n, name=f"{PARTY}{n}") for n in range(6)], events=[event])


def _checked(messages: list[str], lang: str) -> str:
    """Each message fits Telegram's limit and parses as HTML; the plain text of all of them."""
    plains = []
    for html_text in messages:
        assert visible_length(html_text) <= MESSAGE_TEXT_LIMIT, (lang, visible_length(html_text))
        plain, _ = parse_html(html_text)
        assert len(plain) <= MESSAGE_TEXT_LIMIT
        if lang != "en":
            assert_no_english(html_text, VERBATIM)
        plains.append(plain)
    return "\n\n".join(plains)


LANGS = ["ru", "tr", "en"]


@pytest.mark.parametrize("lang", LANGS)
def test_reminders_fit_and_read_the_language(lang: str) -> None:
    for kind, due in ((FollowupKind.DEADLINE, date(2027, 1, 8)), (FollowupKind.OVERDUE, date(2027, 1, 4))):
        for status in (Status.OPEN, Status.BLOCKED):
            text = reminder_text(Content(kind, card=_card(12345, status, due)), TODAY, BOT, lang)
            plain = _checked([text], lang)
            assert STEP[:200] in plain  # the step as agreed
    russian = reminder_text(
        Content(FollowupKind.DEADLINE, card=_card(5, due=date(2027, 1, 8))), TODAY, BOT, "ru"
    )
    if lang == "ru":
        assert "Срок через 2 дня" in russian and "8 января 2027" in russian


@pytest.mark.parametrize("lang", LANGS)
def test_premeeting_request_report_and_keyboard_fit(lang: str) -> None:
    cards = [_card(n, Status.IN_PROGRESS if n % 2 else Status.OPEN) for n in range(100, 160)]
    progress = [
        PartyProgress(
            Party(id=n, name=f"{PARTY}{n}"), open_items=n + 1, updates=n % 3, updated_by=[PERSON] * 40
        )
        for n in range(60)
    ]
    content = Content(FollowupKind.PREMEETING, cards=cards, meeting=MEETING, progress=progress)
    request = premeeting_text(content, TODAY, BOT, lang)
    assert len(request) > 1
    plain = _checked(request, lang)
    for n in range(100, 160):
        assert plain.count(f"#{n} ") == 1
    report = premeeting_report_text(content, TODAY, lang)
    _checked(report, lang)
    keyboard = premeeting_keyboard(cards)
    assert keyboard is not None
    for row in keyboard.inline_keyboard:
        for button in row:
            assert len(str(button.callback_data).encode()) <= CALLBACK_DATA_MAX_BYTES
            assert not any(c.isalpha() for c in button.text)  # "#5 ✅": nothing to translate


@pytest.mark.parametrize("lang", LANGS)
def test_escalation_of_many_items_is_split_by_party(lang: str) -> None:
    by_party = [
        (Party(id=1, name=f"{PARTY}1"), [_card(n) for n in range(1, 80)]),
        (Party(id=2, name=f"{PARTY}2"), [_card(n) for n in range(80, 90)]),
    ]
    messages = escalation_text(Content(FollowupKind.ESCALATION, by_party=by_party), TODAY, BOT, lang)
    assert len(messages) > 2
    plain = _checked(messages, lang)
    assert plain.count(f"{PARTY}1".strip()) > 1  # a long party's name again on its next part
    for n in range(1, 90):
        assert plain.count(f"#{n} ") == 1


@pytest.mark.parametrize("lang", LANGS)
def test_digest_with_many_items_and_names_fits(lang: str) -> None:
    digest = Digest(
        today=date(2027, 1, 11),
        since=datetime(2027, 1, 4, 9, 0, tzinfo=UTC),
        counts={s: 999 for s in Status},
        overdue=[_card(n) for n in range(1, 60)],
        due_soon=[_card(n, due=date(2027, 1, 20)) for n in range(60, 100)],
        changes=[(_card(n).events[0], n) for n in range(1, 80)],
        meeting=MEETING,
        unreachable=[PERSON] * 300,
    )
    messages = digest_messages(digest, "Europe/Istanbul", BOT, lang)
    plain = _checked(messages, lang)
    if lang == "ru":
        assert plain.startswith("Еженедельная сводка — 11 января 2027")
        assert "⏰ Срок в ближайшие 14 дней (40)" in plain and "⚠️ Просрочено (59)" in plain
    if lang == "tr":
        assert plain.startswith("Haftalık özet — 11 Ocak 2027") and "Önümüzdeki 14 gün içinde (40)" in plain


def _row(kind: FollowupKind, key: str, reason: str = "") -> Followup:
    return Followup(key=key, kind=kind, chat_id=1, due_at=datetime(2027, 1, 4, tzinfo=UTC), reason=reason)


ROWS = [
    _row(FollowupKind.DEADLINE, "deadline:5:2:1:2027-01-06", "#5 due in 1 day (2027-01-06)"),
    _row(FollowupKind.DEADLINE, "deadline:5:2:3:2027-01-06"),
    _row(FollowupKind.DEADLINE, "deadline:5:2:7:2027-01-06"),
    _row(FollowupKind.DEADLINE, "deadline:5:2:0:2027-01-06"),
    _row(FollowupKind.OVERDUE, "overdue:5:2:2:2027-01-06"),
    _row(FollowupKind.ESCALATION, "escalation:2:2027-01-07", "overdue after repeated nudges: #4, #5"),
    _row(FollowupKind.PREMEETING, "premeeting:1:2027-01-20:14:2"),
    _row(FollowupKind.PREMEETING_REPORT, "premeeting_report:1:2027-01-20:2:1"),
    _row(FollowupKind.DIGEST, "digest:-100:2027-01-11"),
]


def test_offline_summary_lines_in_russian_turkish_and_english() -> None:
    russian = [away_reason(r, "ru") for r in ROWS]
    assert russian == [
        "#5: срок через 1 день (6 января 2027\u202fг.)",
        "#5: срок через 3 дня (6 января 2027\u202fг.)",
        "#5: срок через 7 дней (6 января 2027\u202fг.)",
        "#5: срок сегодня (6 января 2027\u202fг.)",
        "#5: просрочен с 6 января 2027\u202fг. (напоминание 2)",
        "всё ещё просрочены после повторных напоминаний: #4, #5",
        "за 14 дней до совещания 20 января 2027\u202fг.",
        "за 2 дня до совещания 20 января 2027\u202fг.",
        "еженедельная сводка за 11 января 2027\u202fг.",
    ]
    turkish = [away_reason(r, "tr") for r in ROWS]
    assert turkish[0] == "#5: son tarihe 1 gün kaldı (6 Ocak 2027)"
    assert turkish[2] == "#5: son tarihe 7 gün kaldı (6 Ocak 2027)"  # the noun stays singular
    assert turkish[6] == "20 Ocak 2027 tarihli toplantıdan 14 gün önce"
    english = [away_reason(r) for r in ROWS]
    assert english[0] == "#5 due in 1 day (6 Jan 2027)" and english[5].endswith("#4, #5")
    for lang, lines in (("ru", russian), ("tr", turkish)):
        text = away_text(lines * 12, lang)  # more than shown: "… and N more"
        _checked([text], lang)
    assert "… и ещё 78" in away_text(russian * 12, "ru")
    assert "• #5: срок сегодня (6 января 2027\u202fг.)\n" in away_text(
        russian, "ru"
    )  # the no-break space kept
    # a key this version didn't write: its stored reason in English, a plain "reminder" otherwise
    assert away_reason(_row(FollowupKind.DEADLINE, "deadline:odd", "#9 due"), "en") == "#9 due"
    assert away_reason(_row(FollowupKind.DEADLINE, "deadline:odd", "#9 due"), "ru") == "напоминание"


def test_offline_summary_of_long_reasons_fits() -> None:
    escalation = _row(
        FollowupKind.ESCALATION, "escalation:2:2027-01-07", ", ".join(f"#{n}" for n in range(900))
    )
    for lang in ("ru", "tr"):
        lines = [away_reason(escalation, lang)] * 40
        _checked([away_text(lines, lang)], lang)


def test_an_unreadable_key_reads_as_a_plain_reminder_not_english() -> None:
    row = _row(FollowupKind.DEADLINE, "from-a-newer-version:9", "#9 something in English")
    assert away_reason(row, "en") == "#9 something in English"
    assert away_reason(row, "ru") == "напоминание"
    assert away_reason(row, "tr") == "bir hatırlatma"
