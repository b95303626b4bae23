"""The message catalogs: the template matches the code, every language translates every message
with the same placeholders and markup, and plural messages have each language's plural forms."""

from __future__ import annotations

import gettext
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from core.i18n import LANGUAGES, LOCALES_DIR, SOURCE_LANGUAGE, catalog_path, translator

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[sd]|%[sd]")
TAG = re.compile(r"</?[a-z]+[^>]*>")


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple | list) else [message.id]


def _strings(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def _catalog(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=lang)


def _messages(catalog: Catalog) -> dict[str, Message]:
    return {_ids(m)[0]: m for m in catalog if m.id}


def _in_code() -> set[str]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)

    def outside_tests(dirname: str) -> bool:  # the mapping names bot/ and core/ only
        return Path(dirname).name not in {"tests", "bench", "deploy", "node_modules"}

    # the errors raised in core/ carry their message id as the first argument (Makefile: ERROR_KEYWORDS)
    errors = ("UserError", "BadInput", "PermissionDenied", "NotFound")
    keywords = {**DEFAULT_KEYWORDS, **dict.fromkeys(errors)}
    found = extract_from_dir(ROOT, method_map, options_map, keywords=keywords, directory_filter=outside_tests)
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def test_template_lists_exactly_the_messages_in_the_code() -> None:
    template = set(_messages(_catalog(LOCALES_DIR / "messages.pot")))
    in_code = _in_code()
    assert in_code - template == set(), "run `make messages` and translate the new messages"
    assert template - in_code == set(), "run `make messages`: the template lists messages no longer used"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang: str) -> None:
    template = _messages(_catalog(LOCALES_DIR / "messages.pot"))
    catalog = _messages(_catalog(catalog_path(lang), lang))
    missing = [msgid for msgid in template if msgid not in catalog]
    untranslated = [
        msgid
        for msgid, m in catalog.items()
        if msgid in template and (m.fuzzy or not all(s.strip() for s in _strings(m)))
    ]
    assert missing == [], f"{lang}: not in the catalog (make messages)"
    assert untranslated == [], f"{lang}: no translation (or a fuzzy one)"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_placeholders_and_markup(lang: str) -> None:
    for msgid, message in _messages(_catalog(catalog_path(lang), lang)).items():
        source = _ids(message)
        for text in _strings(message):
            # a plural form may drop the count ("один день"), never invent or rename a placeholder
            wanted = {p for s in source for p in PLACEHOLDER.findall(s)}
            got = set(PLACEHOLDER.findall(text))
            if len(source) == 1:
                assert got == wanted, f"{lang}: placeholders of {msgid!r}"
            else:
                assert got <= wanted, f"{lang}: placeholders of {msgid!r}"
            assert Counter(TAG.findall(text)) == Counter(TAG.findall(source[0])), f"{lang}: tags of {msgid!r}"
            assert text.count("\n") == source[0].count("\n"), f"{lang}: line breaks of {msgid!r}"
        if len(source) > 1:  # only a form used for n == 1 alone may leave the count out
            for index, text in enumerate(_strings(message)):
                numbers = [n for n in range(1, 200) if _form_index(lang, n) == index]
                if numbers != [1]:
                    dropped = set(PLACEHOLDER.findall(source[1])) - set(PLACEHOLDER.findall(text))
                    assert not dropped, f"{lang}: form {index} of {msgid!r} is used for {numbers[:3]} …"


def _form_index(lang: str, n: int) -> int:
    """Which of the catalog's plural forms gettext picks for ``n``."""
    return int(gettext.c2py(get_plural(lang).plural_expr)(n))


# strings a translation rightly keeps as they are: names of formats, symbols, placeholders alone
SAME_IN_EVERY_LANGUAGE = re.compile(
    r"^[\W\d_]*(?:\{\w+\}|CSV|XLSX|ICS|PDF|DOCX|Excel|Word|No\.)?[\W\d_]*$|^📄 CSV$|Excel \(XLSX\)"
)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_message_is_left_in_english(lang: str) -> None:
    """A translation copied from the English would pass the completeness test and leak English."""
    for msgid, message in _messages(_catalog(catalog_path(lang), lang)).items():
        for source, text in zip(_ids(message), _strings(message), strict=False):
            if text == source and re.search(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}|/\w+", "", text)):
                assert SAME_IN_EVERY_LANGUAGE.search(text), f"{lang}: {msgid!r} is not translated"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_plural_messages_have_the_languages_forms(lang: str) -> None:
    catalog = _catalog(catalog_path(lang), lang)
    assert catalog.num_plurals == get_plural(lang).num_plurals
    for message in catalog:
        if message.id and message.pluralizable:
            assert len(_strings(message)) == catalog.num_plurals, _ids(message)[0]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalog_loads_and_translates(lang: str) -> None:
    tr = translator(lang)
    assert tr.gettext("What you can do here") != "What you can do here"
    assert tr.gettext("a message no catalog has") == "a message no catalog has"
