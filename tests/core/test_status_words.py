"""Words people type: statuses, /items scopes and "A и B" owners in English, Russian and Turkish,
accepted whatever the reader's language, and the words the cards and buttons show typed back."""

from __future__ import annotations

import pytest

from bot.render import status_button, status_word
from core import parties
from core.i18n import LANGUAGES, translator
from core.items import (
    Scope,
    parse_scope,
    parse_status,
    parse_status_prefix,
    status_help,
)
from storage.db import Database
from storage.models import Status

TYPED = {
    Status.OPEN: ["open", "reopen", "Открыт", "открыто", "open", "açık", "AÇIK", "Açık."],
    Status.IN_PROGRESS: [
        "in progress",
        "In_Progress",
        "в работе",
        "В  работе!",
        "в процессе",
        "выполняется",
        "devam ediyor",
        "Devam Ediyor",
        "sürüyor",
        "devam",
    ],
    Status.DONE: [
        "done",
        "Done.",
        "готово",
        "Готово!",
        "выполнено",
        "выполнен",
        "сделано",
        "bitti",
        "tamamlandı",
        "TAMAMLANDI",
        "tamam",
        "yapıldı",
    ],
    Status.BLOCKED: ["blocked", "заблокировано", "заблокирован", "блок", "engellendi", "engelli", "bloke"],
    Status.DROPPED: [
        "dropped",
        "снято",
        "снят",
        "отменено",
        "отменён",
        "отменен",
        "bırakıldı",
        "iptal",
        "vazgeçildi",
    ],
}


@pytest.mark.parametrize("status", list(Status))
def test_every_languages_words_for_every_status(status: Status) -> None:
    for word in TYPED[status]:
        assert parse_status(word) is status, word


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_words_cards_and_buttons_show_are_accepted_typed_back(lang: str) -> None:
    for status in Status:
        assert parse_status(status_word(status, lang)) is status, status_word(status, lang)
        button = status_button(status, lang).split(" ", 1)[1]  # without the emoji
        assert parse_status(button) is status, button
    if lang == "ru":
        assert [status_word(s, lang) for s in Status] == [
            "открыт",
            "в работе",
            "выполнен",
            "заблокирован",
            "снят",
        ]
    if lang == "tr":
        assert status_word(Status.IN_PROGRESS, lang) == "devam ediyor"


def test_a_note_that_starts_with_a_status_word_is_not_a_status() -> None:
    for text in ("done, agenda agreed", "готово, повестка согласована", "tamamlandı, gündem kabul edildi"):
        assert parse_status(text) is None, text
    for text in ("finished", "готов ли?", "devam edecek", ""):
        assert parse_status(text) is None, text


def test_status_then_note_longest_match_first() -> None:
    assert parse_status_prefix(["в", "работе", "Обсудили"]) == (Status.IN_PROGRESS, 2)
    assert parse_status_prefix(["devam", "ediyor"]) == (Status.IN_PROGRESS, 2)
    assert parse_status_prefix(["devam", "Görüşüldü"]) == (Status.IN_PROGRESS, 1)
    assert parse_status_prefix(["in", "progress", "talks"]) == (Status.IN_PROGRESS, 2)
    assert parse_status_prefix(["done", "agenda", "agreed"]) == (Status.DONE, 1)
    assert parse_status_prefix(["готово"]) == (Status.DONE, 1)
    assert parse_status_prefix(["в"]) is None
    assert parse_status_prefix(["maybe", "done"]) is None


def test_status_help_names_the_cards_words_in_the_readers_language() -> None:
    assert (
        status_help(translator("ru")) == "Допустимые статусы: открыт, в работе, выполнен, заблокирован, снят."
    )
    assert status_help(translator("en")) == "Status is one of: open, in progress, done, blocked, dropped."
    turkish = status_help(translator("tr"))
    assert "açık, devam ediyor, tamamlandı, engellendi, bırakıldı" in turkish
    for lang in LANGUAGES:  # every word it names is one the bot takes
        named = status_help(translator(lang)).split(": ", 1)[1].rstrip(".").split(", ")
        assert [parse_status(word) for word in named] == list(Status)


def test_scopes_in_every_language() -> None:
    words = {
        Scope.MINE: ["mine", "MINE", "мои", "Мои", "benim"],
        Scope.OPEN: ["open", "открытые", "açık", "Açık"],
        Scope.OVERDUE: ["overdue", "просроченные", "gecikmiş"],
        Scope.ALL: ["all", "все", "всё", "tümü", "hepsi"],
    }
    for scope, typed in words.items():
        for word in typed:
            assert parse_scope(word) is scope, word
    assert parse_scope("someday") is None and parse_scope("") is None


def test_the_usage_text_names_scopes_the_bot_takes() -> None:
    for lang in LANGUAGES:
        usage = translator(lang).gettext("Use /items mine, /items open, /items overdue or /items all.")
        named = [part.split()[0].rstrip(".,") for part in usage.split("/items ")[1:]]
        assert [parse_scope(word) for word in named] == list(Scope), usage
    assert "/items мои" in translator("ru").gettext(
        "Use /items mine, /items open, /items overdue or /items all."
    )
    assert "/items tümü" in translator("tr").gettext(
        "Use /items mine, /items open, /items overdue or /items all."
    )


@pytest.fixture
def db(sqlite_database: Database) -> Database:
    with sqlite_database.session() as session:
        for name in ("Trinidad and Tobago", "Bosna ve Hersek", "Sweden", "Pakistan", "Швеция"):
            parties.add_party(session=session, name=name, aliases=[])
    return sqlite_database


def test_owners_joined_by_and_in_each_language(db: Database) -> None:
    with db.session() as session:

        def names(*pieces: str) -> list[str]:
            return parties.party_names_in(session=session, pieces=list(pieces))

        assert names("Швеция и Пакистан") == ["Швеция", "Пакистан"]
        assert names("Sweden ve Pakistan") == ["Sweden", "Pakistan"]
        assert names("Sweden AND Pakistan", "Швеция И Sweden") == ["Sweden", "Pakistan", "Швеция", "Sweden"]
        # a party whose name has the word keeps it, also next to another party
        assert names("Trinidad and Tobago") == ["Trinidad and Tobago"]
        assert names("Trinidad and Tobago и Швеция") == ["Trinidad and Tobago", "Швеция"]
        assert names("Bosna ve Hersek ve Sweden") == ["Bosna ve Hersek", "Sweden"]
        # "и" and "ve" only as words
        assert names("Иран") == ["Иран"] and names("Slovenia") == ["Slovenia"]
        assert names("Unknown and Other") == ["Unknown", "Other"]
        assert len(names(" и ".join(["X"] * 2000))) == 2000  # a long line stays cheap
