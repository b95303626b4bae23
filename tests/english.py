"""Finds English the bot wrote to a reader of another language.

The vocabulary is the source catalog's own: every word of three or more letters in the English
message ids, less the words the translations keep (command names, "NextSteps", "Telegram", …).
A message for a Russian or Turkish reader that still holds one of those words, once the texts that
are never translated (the steps as agreed, notes, names of parties and people) are taken out,
leaked English. Built from the catalogs, so it grows with them and needs no word list kept by hand.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import cache

from babel.messages.pofile import read_po

from core.i18n import LANGUAGES, LOCALES_DIR, SOURCE_LANGUAGE, catalog_path

_WORD = re.compile(r"[A-Za-z]{3,}")
# the words a command takes, which stay English in every language: "/status 5 done", "/digest on|off"
_ARG = (
    r"(?:mine|open|overdue|all|done|in_progress|blocked|dropped|on|off|revoke|chair|observer"
    r"|secretariat|set|add|alias|csv|xlsx|ics|json|pdf|docx|md|en|ru|tr)"
)
_ARGS = rf"(?:[ \t]+(?:\d+|N|[A-Z][A-Z_]*|\{{[^}}]*\}}|{_ARG}(?:\|{_ARG})*|uses=\S+))*"
_LINK = r"https?://\S+|t\.me/\S+"
_NOISE = re.compile(
    r"<[^>]+>"  # HTML tags
    rf"|{_LINK}"  # links
    rf"|/[a-z_]+(?:@\w+)?{_ARGS}"  # commands with their arguments (/items, /status@bot N done)
    r"|\{[^{}]*\}"  # placeholders
    r"|\b[a-z]{2,}:\S*"  # callback-data-like codes
    r"|--[a-z-]+|(?<!\w):[a-z]+"  # command-line options, the demo's :who and :reply
)
# words a translation may keep in an example (a party or meeting name) that must still count as
# English anywhere else: the statuses, the roles and the words of the bot's own sentences
_ALWAYS_ENGLISH = frozenset(
    "open done blocked dropped overdue progress chair observer secretariat "  # noqa: SIM905
    "meeting group date all add set reply who mine".split()
)


# words any English sentence is likely to hold, for text that never reached the catalogs
_COMMON = frozenset(
    [
        "the",
        "and",
        "you",
        "your",
        "for",
        "with",
        "this",
        "that",
        "not",
        "are",
        "was",
        "were",
        "has",
        "have",
        "will",
        "from",
        "all",
        "any",
        "can",
        "item",
        "items",
        "due",
        "open",
        "done",
        "overdue",
        "meeting",
        "note",
        "notes",
        "deadline",
        "status",
        "party",
        "parties",
        "nothing",
        "reminder",
        "digest",
        "week",
        "today",
        "tomorrow",
        "days",
        "day",
        "sent",
        "here",
        "there",
        "what",
        "when",
        "who",
        "which",
    ]
)


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, tuple | list) else [str(value or "")]


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(_NOISE.sub(" ", text))}


@cache
def english_words() -> frozenset[str]:
    with (LOCALES_DIR / "messages.pot").open("rb") as pot:
        template = read_po(pot)
    source: set[str] = set()
    for message in template:
        if message.id:
            for text in _strings(message.id):
                source |= _words(text)
    kept: set[str] = set()  # words a translation keeps as they are: not English prose
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        with catalog_path(lang).open("rb") as po:
            for message in read_po(po, locale=lang):
                if message.id:
                    for text in _strings(message.string):
                        kept |= _words(text)
    return frozenset((source | _COMMON) - (kept - _ALWAYS_ENGLISH))


def english_in(text: str, verbatim: Iterable[str] = ()) -> set[str]:
    """The English words in ``text`` after taking out the ``verbatim`` texts (never translated)."""
    # spaces and line breaks alike: a name may be wrapped over two lines (a chart's title)
    plain = " ".join(html.unescape(text).split())
    # links first: a verbatim text taken out of the middle of one ("…Sweden" in a random invite
    # code) would leave a piece of it ("_WHo2A") that no longer reads as a link
    plain = re.sub(_LINK, " ", plain)
    for keep in sorted({" ".join(html.unescape(v).split()) for v in verbatim if v}, key=len, reverse=True):
        plain = _without(plain, keep)
    return _words(plain) & english_words()


def _without(text: str, keep: str, anchor: int = 16) -> str:
    """``text`` with ``keep`` taken out, also where the bot shortened it ("The Chairmanship will
    provide…", or "…" in the middle): a span that starts like it and runs on as it does up to a
    cut ("…" or the message's end) goes, and so does one that ends like it."""
    text = text.replace(keep, " ")
    if len(keep) <= anchor:
        return text
    head, tail = keep[:anchor], keep[-anchor:]
    at = 0
    while (start := text.find(head, at)) >= 0:
        end = start
        while end < len(text) and end - start < len(keep) and text[end] == keep[end - start]:
            end += 1
        if end == len(text) or text[end] == "…":
            text = text[:start] + " " + text[end:]
        else:  # another text that starts the same way
            at = start + 1
    at = 0
    while (found := text.find(tail, at)) >= 0:
        end = start = found + anchor
        while (
            start > 0 and end - start < len(keep) and text[start - 1] == keep[len(keep) - (end - start) - 1]
        ):
            start -= 1
        if start == 0 or text[start - 1] == "…":
            text = text[:start] + " " + text[end:]
        else:
            at = found + 1
    return text


def assert_no_english(text: str, verbatim: Iterable[str] = ()) -> None:
    leaked = english_in(text, verbatim)
    assert not leaked, f"English {sorted(leaked)} in a translated message:\n{text}"
