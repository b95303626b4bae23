"""The deadline grammar: what each phrase resolves to, and what is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil import parser as dateutil_parser

from core.deadlines import parse_deadline, resolve_linked
from core.errors import BadInput
from storage.models import Precision

TODAY = date(2022, 12, 1)

CASES = [
    ("2023-03-31", date(2023, 3, 31), Precision.DAY),
    ("31 March 2023", date(2023, 3, 31), Precision.DAY),
    ("31st of March 2023", date(2023, 3, 31), Precision.DAY),
    ("March 31, 2023", date(2023, 3, 31), Precision.DAY),
    ("31.03.2023", date(2023, 3, 31), Precision.DAY),
    ("by 31/03/2023", date(2023, 3, 31), Precision.DAY),
    ("no later than 5 Dec 2023", date(2023, 12, 5), Precision.DAY),
    ("March 2023", date(2023, 3, 31), Precision.MONTH),
    ("Sept 2023", date(2023, 9, 30), Precision.MONTH),
    ("February 2024", date(2024, 2, 29), Precision.MONTH),
    ("2023", date(2023, 12, 31), Precision.YEAR),
    ("in 2023", date(2023, 12, 31), Precision.YEAR),
    ("during 2023", date(2023, 12, 31), Precision.YEAR),
    ("until early 2023", date(2023, 4, 30), Precision.PERIOD),
    ("mid-2023", date(2023, 8, 31), Precision.PERIOD),
    ("end of 2023", date(2023, 12, 31), Precision.PERIOD),
    ("early March 2023", date(2023, 3, 10), Precision.PERIOD),
    ("end of March", date(2023, 3, 31), Precision.PERIOD),
    ("Q3 2024", date(2024, 9, 30), Precision.QUARTER),
    ("first quarter of 2023", date(2023, 3, 31), Precision.QUARTER),
    ("second half of 2023", date(2023, 12, 31), Precision.HALF),
    ("H1 2024", date(2024, 6, 30), Precision.HALF),
    ("the end of the year", date(2022, 12, 31), Precision.YEAR),
    ("TBD", None, Precision.NONE),
]


@pytest.mark.parametrize(("phrase", "expected", "precision"), CASES)
def test_phrase_resolves_to_latest_date(phrase: str, expected: date | None, precision: Precision) -> None:
    deadline = parse_deadline(phrase, today=TODAY)
    assert (deadline.due_date, deadline.precision) == (expected, precision)
    assert deadline.text == phrase


@pytest.mark.parametrize(
    ("phrase", "offset"),
    [
        ("before the next meeting", 14),
        ("ahead of the next Senior Officials Meeting", 14),
        ("at the next SOM", 0),
        ("prior to the next ministerial conference", 14),
    ],
)
def test_meeting_linked_phrases(phrase: str, offset: int) -> None:
    deadline = parse_deadline(phrase, today=TODAY, meeting_margin_days=14)
    assert deadline.meeting_linked and deadline.due_date is None and deadline.offset_days == offset
    assert resolve_linked(date(2023, 12, 5), deadline.offset_days) == date(2023, 12, 5) - timedelta(
        days=offset
    )
    assert resolve_linked(None, deadline.offset_days) is None


@pytest.mark.parametrize("phrase", ["early 2023", "Q3 2024"])
def test_phrases_dateutil_gets_wrong_are_read_by_the_grammar(phrase: str) -> None:
    misread = dateutil_parser.parse(phrase, fuzzy=True, default=dateutil_parser.parse("2000-01-01")).date()
    assert parse_deadline(phrase, today=TODAY).due_date != misread


@pytest.mark.parametrize(
    "phrase",
    [
        "soonish",
        "next tuesday",
        "30 February 2023",
        "31.13.2023",
        "March",
        "the 5th",
        "2023-02-29",
        "whenever",
    ],
)
def test_nonsense_and_incomplete_dates_are_refused(phrase: str) -> None:
    if phrase == "March":  # a month alone is fine: the next March
        assert parse_deadline(phrase, today=TODAY).due_date == date(2023, 3, 31)
        return
    with pytest.raises(BadInput):
        parse_deadline(phrase, today=TODAY)


@pytest.mark.parametrize(
    ("phrase", "expected", "precision"),
    [
        ("within 2 weeks", date(2022, 12, 15), Precision.DAY),
        ("in 2 weeks", date(2022, 12, 15), Precision.DAY),
        ("within ten days", date(2022, 12, 11), Precision.DAY),
        ("within the next 30 days", date(2022, 12, 31), Precision.DAY),
        ("in 3 months", date(2023, 3, 1), Precision.MONTH),
        ("as soon as possible", date(2022, 12, 15), Precision.PERIOD),
        ("ASAP", date(2022, 12, 15), Precision.PERIOD),
    ],
)
def test_relative_phrases_count_from_the_reference_date(
    phrase: str, expected: date, precision: Precision
) -> None:
    deadline = parse_deadline(phrase, today=TODAY)
    assert (deadline.due_date, deadline.precision) == (expected, precision)


@pytest.mark.parametrize(
    ("phrase", "offset"),
    [
        ("6 weeks before the next meeting", 42),
        ("two weeks after the next SOM", -14),
        ("10 days ahead of the next meeting", 10),
    ],
)
def test_offsets_from_the_next_meeting(phrase: str, offset: int) -> None:
    deadline = parse_deadline(phrase, today=TODAY)
    assert deadline.meeting_linked and deadline.offset_days == offset


def test_phrases_are_found_inside_sentences() -> None:
    from core.deadlines import find_deadline

    found = find_deadline(
        "The Chairmanship will provide time until early 2023 for partner countries", today=TODAY
    )
    assert found and (found.text, found.due_date) == ("until early 2023", date(2023, 4, 30))
    assert find_deadline("The Chairmanship will reach out to specific countries;", today=TODAY) is None


MEETING_DAY = date(2026, 1, 15)  # a Thursday


@pytest.mark.parametrize(
    ("phrase", "today", "expected"),
    [
        ("this week", MEETING_DAY, date(2026, 1, 18)),  # to Sunday
        ("Next week", MEETING_DAY, date(2026, 1, 25)),
        ("by end of March", MEETING_DAY, date(2026, 3, 31)),
        ("before 1st September, 1950", date(1950, 5, 15), date(1950, 8, 31)),
        ("by 1st September", date(1950, 5, 15), date(1950, 9, 1)),
        ("not later than 15th July, 1950", date(1950, 5, 15), date(1950, 7, 15)),
        ("early in September", date(1950, 5, 15), date(1950, 9, 10)),
        ("in the Autumn of 1950", date(1950, 5, 15), date(1950, 11, 30)),
        ("winter of 2024", MEETING_DAY, date(2025, 2, 28)),
        ("before the middle of November", date(1950, 5, 15), date(1950, 11, 14)),
        ("towards the end of September", date(1950, 5, 15), date(1950, 9, 30)),
        ("before 1 January 1983", date(1982, 4, 14), date(1982, 12, 31)),
        ("before March 2024", MEETING_DAY, date(2024, 2, 29)),
        ("in the second half of 2022", MEETING_DAY, date(2022, 12, 31)),
    ],
)
def test_phrases_of_real_reports(phrase: str, today: date, expected: date) -> None:
    assert parse_deadline(phrase, today=today).due_date == expected


TUESDAY = date(2025, 3, 4)


@pytest.mark.parametrize(
    ("sentence", "phrase", "expected", "precision"),
    [
        (
            "The Working Group will meet before the end of the year.",
            "before the end of the year",
            date(2025, 12, 31),
            Precision.YEAR,
        ),
        (
            "The Secretariat will report by the end of the month.",
            "by the end of the month",
            date(2025, 3, 31),
            Precision.MONTH,
        ),
        (
            "The Secretariat will circulate the minutes by the end of next month.",
            "by the end of next month",
            date(2025, 4, 30),
            Precision.MONTH,
        ),
        (
            "The plan will be ready by the end of next year.",
            "by the end of next year",
            date(2026, 12, 31),
            Precision.YEAR,
        ),
        (
            "The Secretariat will circulate the minutes by Friday.",
            "by Friday",
            date(2025, 3, 7),
            Precision.DAY,
        ),
        (
            "The Chair will reply by Tuesday.",
            "by Tuesday",
            date(2025, 3, 11),
            Precision.DAY,
        ),  # said on a Tuesday
        ("Comments will be sent before Friday.", "before Friday", date(2025, 3, 6), Precision.DAY),
        # a date written with the weekday wins over the weekday alone, as "next week" does
        ("The Secretariat will report by Friday, 14 March.", "14 March", date(2025, 3, 14), Precision.DAY),
        ("Comments will be sent by Friday of next week.", "next week", date(2025, 3, 16), Precision.PERIOD),
        (
            "The Secretariat will report by the end of the year 2026.",
            "by the end of the year 2026",
            date(2026, 12, 31),
            Precision.YEAR,
        ),
        (
            "The Secretariat will report by the end of the year (2026).",
            "by the end of the year (2026)",
            date(2026, 12, 31),
            Precision.YEAR,
        ),
        (
            "The report will be presented at the end of March.",
            "the end of March",
            date(2025, 3, 31),
            Precision.PERIOD,
        ),
    ],
)
def test_periods_and_weekdays_of_minutes(
    sentence: str, phrase: str, expected: date, precision: Precision
) -> None:
    from core.deadlines import find_deadline

    found = find_deadline(sentence, today=TUESDAY)
    assert found and (found.text, found.due_date, found.precision) == (phrase, expected, precision)


@pytest.mark.parametrize(
    "sentence",
    [
        "On Monday, the meeting discussed the plan.",  # when something happened, not a deadline
        "The Secretariat will report by next Friday.",  # this week's or next week's: not guessed
        "The session was suspended until Monday.",
        "At the end of the year, the Committee reviewed the plan.",  # when, not by when
        "At the end of the month, the Chair reported.",
    ],
)
def test_narrative_weekdays_and_period_ends_are_no_deadline(sentence: str) -> None:
    from core.deadlines import find_deadline

    assert find_deadline(sentence, today=TUESDAY) is None


@pytest.mark.parametrize(
    "phrase",
    ["Next subgroup meeting", "at the next meeting of the Committee", "at its fifty -seventh session"],
)
def test_the_bodys_next_meeting_in_other_words(phrase: str) -> None:
    deadline = parse_deadline(phrase, today=MEETING_DAY)
    assert deadline.meeting_linked and deadline.due_date is None


def test_what_is_done_is_not_a_deadline() -> None:
    from core.deadlines import find_deadline

    assert find_deadline("Pakistan will host the next expert meeting", today=MEETING_DAY) is None
    assert find_deadline("the programme budget for 2026", today=MEETING_DAY) is None
    found = find_deadline("Austria will organise a visit before the next meeting", today=MEETING_DAY)
    assert found and found.meeting_linked


# Russian and Turkish forms of the common phrases, typed in chat by people who read the bot in
# those languages: the same dates and precisions as the English phrase with the same meaning.
OTHER_LANGUAGES = [
    ("до конца марта 2027", date(2027, 3, 31), Precision.PERIOD),
    ("До конца марта 2027 г.", date(2027, 3, 31), Precision.PERIOD),
    ("к середине апреля", date(2023, 4, 20), Precision.PERIOD),
    ("до конца 2027 года", date(2027, 12, 31), Precision.PERIOD),
    ("в начале 2027 года", date(2027, 4, 30), Precision.PERIOD),
    ("до конца года", date(2022, 12, 31), Precision.YEAR),
    ("до 31 марта 2027 г.", date(2027, 3, 31), Precision.DAY),
    ("не позднее 5 декабря 2027 года", date(2027, 12, 5), Precision.DAY),
    ("до 15 января", date(2023, 1, 15), Precision.DAY),
    ("в марте 2027", date(2027, 3, 31), Precision.MONTH),
    ("в 2027 году", date(2027, 12, 31), Precision.YEAR),
    ("в первом квартале 2027 года", date(2027, 3, 31), Precision.QUARTER),
    ("III квартал 2027", date(2027, 9, 30), Precision.QUARTER),
    ("в течение 2 недель", date(2022, 12, 15), Precision.DAY),
    ("в течение трёх дней", date(2022, 12, 4), Precision.DAY),
    ("в течение месяца", date(2023, 1, 1), Precision.MONTH),
    ("как можно скорее", date(2022, 12, 15), Precision.PERIOD),
    ("2027 sonuna kadar", date(2027, 12, 31), Precision.PERIOD),
    ("2027 yılı sonuna kadar", date(2027, 12, 31), Precision.PERIOD),
    ("2027'nin ortasına kadar", date(2027, 8, 31), Precision.PERIOD),
    ("mart 2027 sonuna kadar", date(2027, 3, 31), Precision.PERIOD),
    ("Mart ayı sonuna kadar", date(2023, 3, 31), Precision.PERIOD),
    ("Aralık başına kadar", date(2022, 12, 10), Precision.PERIOD),
    ("yıl sonuna kadar", date(2022, 12, 31), Precision.YEAR),
    ("31 Mart 2027'ye kadar", date(2027, 3, 31), Precision.DAY),
    ("15 Ocak'a kadar", date(2023, 1, 15), Precision.DAY),
    ("Mart 2027'de", date(2027, 3, 31), Precision.MONTH),
    ("2027 yılında", date(2027, 12, 31), Precision.YEAR),
    ("2027'de", date(2027, 12, 31), Precision.YEAR),
    ("2027 yılının ilk çeyreği", date(2027, 3, 31), Precision.QUARTER),
    ("İlk çeyrek 2027", date(2027, 3, 31), Precision.QUARTER),
    ("2 hafta içinde", date(2022, 12, 15), Precision.DAY),
    ("en kısa sürede", date(2022, 12, 15), Precision.PERIOD),
]


@pytest.mark.parametrize(("phrase", "expected", "precision"), OTHER_LANGUAGES)
def test_russian_and_turkish_phrases(phrase: str, expected: date, precision: Precision) -> None:
    deadline = parse_deadline(phrase, today=TODAY)
    assert (deadline.due_date, deadline.precision) == (expected, precision)
    assert deadline.text == phrase  # shown as typed, never translated


@pytest.mark.parametrize(
    ("phrase", "offset"),
    [
        ("до следующего совещания", 14),
        ("к следующему заседанию СДЛ", 14),
        ("перед очередной встречей", 14),
        ("на следующем совещании", 0),
        ("bir sonraki toplantıdan önce", 14),
        ("sonraki toplantıya kadar", 14),
        ("bir sonraki üst düzey yetkililer toplantısından önce", 14),
        ("bir sonraki toplantıda", 0),
    ],
)
def test_russian_and_turkish_meeting_phrases(phrase: str, offset: int) -> None:
    deadline = parse_deadline(phrase, today=TODAY)
    assert (deadline.due_date, deadline.precision, deadline.offset_days) == (None, Precision.MEETING, offset)


@pytest.mark.parametrize(
    "phrase", ["до 31 февраля 2027", "когда-нибудь", "до марта", "bir gün", "31 Şubat 2027'ye kadar"]
)
def test_unreadable_russian_and_turkish_phrases_are_refused(phrase: str) -> None:
    with pytest.raises(BadInput):
        parse_deadline(phrase, today=TODAY)
