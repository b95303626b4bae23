"""Message catalogs: each reader's language (English source, Russian, Turkish), plural forms, dates.

The English text in the code is the message id; a language is one ``core/locales/<lang>/
LC_MESSAGES/messages.po`` catalog, read with Babel when first needed (no build step, no ``.mo``
files to keep in step). Placeholders are ``str.format`` names: ``tr.gettext("Hi {name}").format(
name=...)``, so a translation may put them in any order.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "ru", "tr")  # the order /lang offers them
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "tr": "Türkçe"}  # each in its own language
LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"


def N_(message: str) -> str:  # the name pybabel extract looks for
    """Mark a constant for extraction; it is translated where it is shown."""
    return message


def catalog_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def pick_language(language_code: str | None) -> str:
    """A supported language for Telegram's ``language_code`` ("ru", "tr-TR", …); English otherwise."""
    base = (language_code or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in LANGUAGES else SOURCE_LANGUAGE


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    with catalog_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    # gettext reads the plural rule from the catalog's header, as a compiled .mo carries it
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@dataclass(frozen=True)
class Translator:
    """One reader's language: ``gettext``/``ngettext`` and locale-aware dates."""

    lang: str
    _catalog: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def format_day(self, day: date) -> str:
        return format_day(day, self.lang)


@cache
def translator(lang: str) -> Translator:
    """The translator for a supported language (anything else reads English)."""
    lang = lang if lang in LANGUAGES else SOURCE_LANGUAGE
    return Translator(lang, _translations(lang))


ENGLISH = translator(SOURCE_LANGUAGE)


def format_day(day: date, lang: str) -> str:
    """'31 Mar 2027' in English (as the bot always wrote it), '31 марта 2027 г.', '31 Mart 2027'."""
    if lang not in LANGUAGES or lang == SOURCE_LANGUAGE:
        return f"{day.day} {day:%b %Y}"
    return format_date(day, format="long", locale=Locale.parse(lang))
