"""Russian and Turkish deadline phrases people type (and copy from the bot's own reminders, which
say "через N дней" / "N gün sonra"): each reads exactly as its English counterpart does, and a
phrase in Cyrillic or with Turkish words that no pattern reads is refused, never guessed by
dateutil's fuzzy fallback."""

from __future__ import annotations

from datetime import date

import pytest

from core import deadlines
from core.deadlines import UNREADABLE, parse_deadline, resolve_linked
from core.errors import BadInput
from core.i18n import translator
from storage.models import Precision

TODAY = date(2026, 12, 2)
MONTH_END = date(2027, 1, 31)  # "in a month" from here is 28 February: the month's last day, not 3 March
NEXT_MEETING = date(2027, 3, 18)

# (Russian or Turkish phrase, its English counterpart)
SAME_AS_ENGLISH = [
    # relative: "in N weeks/days/months"
    ("через 2 недели", "in 2 weeks"),
    ("через две недели", "in two weeks"),
    ("через неделю", "in a week"),
    ("через месяц", "in a month"),
    ("через 10 дней", "in 10 days"),
    ("через пять дней", "in five days"),
    ("через 3 месяца", "in 3 months"),
    ("через шесть месяцев", "in six months"),
    ("через двенадцать месяцев", "in twelve months"),
    ("в течение пяти дней", "within five days"),
    ("в течение месяца", "within a month"),
    ("в течение 2 недель", "within 2 weeks"),
    ("2 hafta sonra", "in 2 weeks"),
    ("iki hafta sonra", "in two weeks"),
    ("10 gün sonra", "in 10 days"),
    ("beş gün sonra", "in five days"),
    ("1 ay sonra", "in 1 month"),
    ("bir ay sonra", "in a month"),
    ("on iki ay sonra", "in twelve months"),
    ("2 hafta zarfında", "within 2 weeks"),
    ("3 ay içinde", "within 3 months"),
    # a date in figures after a preposition or with a Turkish suffix: "by 15.05.2027"
    ("до 15.05.2027", "by 15.05.2027"),
    ("к 15.05.2027", "by 15.05.2027"),
    ("до 2027-05-15", "by 2027-05-15"),
    ("не позднее 15.05.2027 г.", "no later than 15.05.2027"),
    ("в срок до 15/05/2027", "by 15/05/2027"),
    ("к 15 мая 2027", "by 15 May 2027"),
    ("15.05.2027'e kadar", "by 15.05.2027"),
    ("15.05.2027’e kadar", "by 15.05.2027"),
    ("15.05.2027'ye kadar", "by 15.05.2027"),
    ("15.05.2027'a kadar", "by 15.05.2027"),
    ("15.05.2027'ya kadar", "by 15.05.2027"),
    ("15.05.2027'ne kadar", "by 15.05.2027"),
    ("15.05.2027'na dek", "by 15.05.2027"),
    ("2027-05-15'e kadar", "by 2027-05-15"),
    ("2027-05-15’ye kadar", "by 2027-05-15"),
    ("15.05.2027 tarihine kadar", "by 15.05.2027"),
    ("en geç 15.05.2027 tarihinde", "no later than 15.05.2027"),
    ("15.05.2027'de", "on 15.05.2027"),
    # parts of a year or a month, quarters and halves
    ("до конца года", "by the end of the year"),
    ("до конца 2027 года", "by the end of 2027"),
    ("в начале 2028", "early 2028"),
    ("в конце марта", "end of March"),
    ("к концу апреля", "by the end of April"),
    ("во втором квартале 2027", "in the second quarter of 2027"),
    ("в первом квартале 2027 года", "first quarter of 2027"),
    ("во втором полугодии 2027", "second half of 2027"),
    ("в первой половине 2027 года", "first half of 2027"),
    ("II полугодие 2027", "H2 2027"),
    ("yıl sonuna kadar", "by the end of the year"),
    ("2027 yılı sonuna kadar", "by the end of 2027"),
    ("2028 başında", "early 2028"),
    ("Mart sonunda", "end of March"),
    ("Nisan sonuna kadar", "by the end of April"),
    ("2027'nin ikinci çeyreğinde", "in the second quarter of 2027"),
    ("2027'nin ikinci yarısında", "in the second half of 2027"),
    ("2027 yılının ilk yarısı", "first half of 2027"),
    ("ikinci yarı 2027", "H2 2027"),
    # the end of a month or year, a weekday
    ("до конца месяца", "by the end of the month"),
    ("к концу следующего месяца", "by the end of next month"),
    ("до конца следующего года", "by the end of next year"),
    ("до пятницы", "by Friday"),
    ("к понедельнику", "by Monday"),
    ("не позднее среды", "by Wednesday"),
    ("ay sonuna kadar", "by the end of the month"),
    ("gelecek ayın sonuna kadar", "by the end of next month"),
    ("gelecek yılın sonuna kadar", "by the end of next year"),
    ("cumaya kadar", "by Friday"),
    ("cuma gününe kadar", "by Friday"),
    ("cumartesiye kadar", "by Saturday"),  # not Friday ("cuma"), which its name starts with
    ("pazartesiye dek", "by Monday"),
    ("pazara kadar", "by Sunday"),
    # linked to the next meeting
    ("за пять дней до следующего совещания", "five days before the next meeting"),
    ("sonraki toplantıdan beş gün önce", "five days before the next meeting"),
]


def _reading(phrase: str, today: date) -> tuple[date | None, Precision, date | None]:
    found = parse_deadline(phrase, today=today)
    return found.due_date, found.precision, resolve_linked(NEXT_MEETING, found.offset_days)


@pytest.mark.parametrize("today", [TODAY, MONTH_END])
@pytest.mark.parametrize(("phrase", "english"), SAME_AS_ENGLISH)
def test_a_russian_or_turkish_phrase_reads_as_its_english_counterpart(
    phrase: str, english: str, today: date
) -> None:
    expected = _reading(english, today)
    assert expected[0] is not None or expected[2] is not None, english  # the counterpart is read
    assert _reading(phrase, today) == expected
    assert parse_deadline(phrase, today=today).text == phrase  # kept as written


@pytest.mark.parametrize(
    ("phrase", "due", "precision"),
    [
        ("через 2 недели", date(2026, 12, 16), Precision.DAY),
        ("через месяц", date(2027, 1, 2), Precision.MONTH),
        ("10 gün sonra", date(2026, 12, 12), Precision.DAY),
        ("bir ay sonra", date(2027, 1, 2), Precision.MONTH),
        ("до 15.05.2027", date(2027, 5, 15), Precision.DAY),
        ("2027-05-15'e kadar", date(2027, 5, 15), Precision.DAY),
        ("во втором квартале 2027", date(2027, 6, 30), Precision.QUARTER),
        ("2027'nin ikinci yarısında", date(2027, 12, 31), Precision.HALF),
    ],
)
def test_the_dates_themselves(phrase: str, due: date, precision: Precision) -> None:
    found = parse_deadline(phrase, today=TODAY)
    assert (found.due_date, found.precision) == (due, precision)


def test_a_month_from_the_last_day_of_january_is_the_last_day_of_february() -> None:
    for phrase in ("через месяц", "bir ay sonra", "in a month"):
        assert parse_deadline(phrase, today=MONTH_END).due_date == date(2027, 2, 28), phrase


NONSENSE = [
    "через когда-нибудь",
    "через 2 года",  # "in 2 years" isn't read either
    "до 15.05",
    "после 15.05.2027",
    "bir gün belki",
    "2 hafta önce",
    "15.05.2027'den sonra",  # after, not by
    "15.05.2027'den",
    "15.05.2027 tarihinden sonra",
]


@pytest.mark.parametrize("phrase", NONSENSE)
def test_nonsense_is_refused_with_the_friendly_error_never_guessed(
    phrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fallback(*_args: object) -> date:
        raise AssertionError(f"dateutil asked to read {phrase!r}")

    monkeypatch.setattr(deadlines, "_dateutil_fallback", no_fallback)
    with pytest.raises(BadInput) as raised:
        parse_deadline(phrase, today=TODAY)
    assert raised.value.message == UNREADABLE
    russian = raised.value.translated(translator("ru"))
    assert russian.startswith(f"Не удалось понять «{phrase}» как срок.")


@pytest.mark.parametrize("phrase", ["до 31.02.2027", "31.02.2027'e kadar", "к 2027-02-31"])
def test_an_unreal_date_in_figures_is_named_as_such(phrase: str) -> None:
    with pytest.raises(BadInput) as raised:
        parse_deadline(phrase, today=TODAY)
    assert str(raised.value) == f"“{phrase}” is not a real date."
