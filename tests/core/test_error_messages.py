"""Refusals raised in core/ read in the reader's language: message id, terms and quantities."""

from __future__ import annotations

from core.errors import Amount, BadInput, Term
from core.i18n import N_, translator
from core.report_files import too_long
from core.reports import MAX_STEPS

DONE = N_("done")


def test_quantities_in_the_readers_locale_item_numbers_plain() -> None:
    error = too_long()
    assert "over 1,000,000 characters" in str(error)
    assert "1\xa0000\xa0000" in error.translated(translator("ru"))
    assert "1.000.000" in error.translated(translator("tr"))
    item = BadInput("There is no item #{number}. /items lists them.", number=12345)
    assert str(item) == "There is no item #12345. /items lists them."
    assert "12345" in item.translated(translator("ru"))
    assert MAX_STEPS >= 1000  # the steps limit is a quantity the reader sees with separators
    assert str(BadInput("{n}", n=Amount(MAX_STEPS))) == f"{MAX_STEPS:,}"


def test_a_term_is_translated_with_its_message() -> None:
    error = BadInput("Only the secretariat can mark an item {status}.", status=Term(DONE))
    assert str(error) == "Only the secretariat can mark an item done."
    russian = error.translated(translator("ru"))
    assert "done" not in russian and translator("ru").gettext(DONE) in russian


def test_a_broken_translation_falls_back_to_english() -> None:
    class Broken:
        lang = "ru"

        def gettext(self, message: str) -> str:
            return "Сломано {missing}"

    error = BadInput("There is no item #{number}. /items lists them.", number=3)
    assert error.translated(Broken()) == "There is no item #3. /items lists them."
