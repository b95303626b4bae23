"""The reader's language: Telegram's language codes, dates per locale, plural forms."""

from __future__ import annotations

from datetime import date

from core.i18n import ENGLISH, LANGUAGES, format_day, pick_language, translator


def test_pick_language_takes_the_base_of_telegrams_code() -> None:
    assert pick_language("ru") == "ru"
    assert pick_language("ru-RU") == "ru"
    assert pick_language("TR") == "tr"
    assert pick_language("tr_TR") == "tr"


def test_pick_language_falls_back_to_english() -> None:
    for code in (None, "", "de", "en-GB", "uk", "russian"):
        assert pick_language(code) == "en"


def test_english_dates_are_written_as_before() -> None:
    assert format_day(date(2027, 3, 31), "en") == "31 Mar 2027"
    assert format_day(date(2027, 1, 5), "en") == "5 Jan 2027"


def test_russian_and_turkish_dates_follow_the_locale() -> None:
    # CLDR puts a narrow no-break space before "г."
    assert format_day(date(2027, 3, 31), "ru") == "31 марта 2027\u202fг."
    assert format_day(date(2027, 3, 31), "tr") == "31 Mart 2027"
    assert translator("ru").format_day(date(2027, 1, 5)) == "5 января 2027\u202fг."


def test_english_text_is_the_message_id() -> None:
    assert ENGLISH.gettext("What you can do here") == "What you can do here"
    assert ENGLISH.ngettext("{n} day", "{n} days", 1) == "{n} day"
    assert ENGLISH.ngettext("{n} day", "{n} days", 5) == "{n} days"


def test_an_unsupported_language_reads_english() -> None:
    assert translator("de") == ENGLISH
    assert set(LANGUAGES) == {"en", "ru", "tr"}
