"""Deadlines for readers of each language: the bot's own words translated, the agreed phrase as
written, refusals in the reader's language whose examples the parser reads, and the Russian and
Turkish "N weeks before the next meeting"."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core import limits
from core.deadlines import DEFAULT_DUE, names_day, parse_deadline, phrase_shown
from core.errors import BadInput
from core.i18n import translator
from storage.models import Precision
from tests.english import assert_no_english

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("lang", "default", "none"),
    [
        ("en", "before the next meeting", "no deadline"),
        ("ru", "до следующего совещания", "без срока"),
        ("tr", "bir sonraki toplantıdan önce", "son tarih yok"),
    ],
)
def test_the_bots_own_words_are_translated_the_agreed_phrase_is_not(
    lang: str, default: str, none: str
) -> None:
    tr = translator(lang)
    assert phrase_shown(DEFAULT_DUE, tr) == default
    assert phrase_shown(None, tr) == phrase_shown("", tr) == phrase_shown("none", tr) == none
    for agreed in ["until early 2023", "ahead of the next Senior Officials Meeting", "до конца марта 2027"]:
        assert phrase_shown(agreed, tr) == agreed


def test_a_phrase_names_the_day_as_the_readers_language_writes_it() -> None:
    day = date(2027, 3, 31)
    assert names_day("до 31 марта 2027 г.", day, "ru") and names_day("31 Mart 2027'ye kadar", day, "tr")
    assert not names_day("31 March 2027", day, "ru") and not names_day("2027-03-31", day, "tr")
    assert not names_day("до 30 марта 2027", day, "ru")


def _refusal(phrase: str, lang: str) -> str:
    with pytest.raises(BadInput) as raised:
        parse_deadline(phrase, today=TODAY)
    return raised.value.translated(translator(lang))


@pytest.mark.parametrize(
    ("lang", "start"),
    [
        ("en", "I can't read “someday soon” as a deadline. Try a date like 2023-03-31,"),
        ("ru", "Не удалось понять «someday soon» как срок. Попробуйте, например: 2023-03-31,"),
        ("tr", "“someday soon” bir son tarih olarak okunamadı. Örneğin şöyle yazın: 2023-03-31,"),
    ],
)
def test_an_unreadable_phrase_is_refused_with_examples_the_parser_reads(lang: str, start: str) -> None:
    text = _refusal("someday soon", lang)
    assert text.startswith(start)
    if lang == "en":
        return
    assert_no_english(text, verbatim=["someday soon"])
    offered = text.split(":", 1)[1].strip(" .")
    examples = [e.strip(" «»“”") for e in re.split(r",\s+|\s+(?:или|veya)\s+", offered)]
    assert len(examples) == 7, examples
    for example in examples:  # every example the translation offers is a deadline
        parsed = parse_deadline(example, today=TODAY)
        assert parsed.due_date is not None or parsed.meeting_linked, example


@pytest.mark.parametrize(
    ("lang", "unreal", "months"),
    [
        ("ru", "«31 February 2027» — несуществующая дата.", "«за 6 недель до следующего совещания»"),
        ("tr", "“31 February 2027” geçerli bir tarih değil.", "“bir sonraki toplantıdan 6 hafta önce”"),
    ],
)
def test_other_refusals_in_the_readers_language(lang: str, unreal: str, months: str) -> None:
    assert _refusal("31 February 2027", lang) == unreal
    weeks = _refusal("2 months before the next meeting", lang)
    assert "«2 months before the next meeting»" in weeks or "“2 months before the next meeting”" in weeks
    assert weeks.rstrip(".").endswith(months)
    example = parse_deadline(months.strip("«»“”"), today=TODAY)  # the example given is read
    assert example.precision is Precision.MEETING and example.offset_days == 42


@pytest.mark.parametrize(
    ("phrase", "days"),
    [
        ("за 6 недель до следующего совещания", 42),
        ("за две недели до очередного заседания", 14),
        ("за 10 дней до следующей встречи", 10),
        ("bir sonraki toplantıdan 6 hafta önce", 42),
        ("sonraki toplantıdan 10 gün önce", 10),
    ],
)
def test_weeks_or_days_before_the_next_meeting_in_russian_and_turkish(phrase: str, days: int) -> None:
    deadline = parse_deadline(phrase, today=TODAY)
    assert deadline.meeting_linked and deadline.offset_days == days and deadline.text == phrase


@pytest.mark.parametrize(
    ("lang", "too_long", "too_many"),
    [
        ("en", "A note is too long: 1001 characters (at most 1000).", "Too many owners: 21 (at most 20)."),
        (
            "ru",
            "Заметка: слишком длинный текст — 1001 зн. (не более 1000).",
            "Слишком много ответственных сторон: 21 (не более 20).",
        ),
        ("tr", "Not çok uzun: 1001 karakter (en fazla 1000).", "Çok fazla sorumlu taraf: 21 (en fazla 20)."),
    ],
)
def test_limits_name_the_field_in_the_readers_language(lang: str, too_long: str, too_many: str) -> None:
    tr = translator(lang)
    with pytest.raises(BadInput) as long_note:
        limits.check_length(limits.NOTE, "x" * 1001)
    assert long_note.value.translated(tr) == too_long
    with pytest.raises(BadInput) as many:
        limits.check_count(limits.OWNERS, ["Sweden"] * 21)
    assert many.value.translated(tr) == too_many
    with pytest.raises(BadInput) as long_phrase:
        parse_deadline("31 March 2027" + "," * 188, today=TODAY)
    assert str(long_phrase.value) == "A deadline is too long: 201 characters (at most 200)."
