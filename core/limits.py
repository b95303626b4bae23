"""The maxima of everything a user can type or send, checked here before the database.

SQLite accepts any length and any integer; PostgreSQL refuses a string longer than its column
and a number past INTEGER. Checking in one place, in Python, gives the same clear reply on both.
README's "Limits" table lists these values; keep the two in step.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from core.errors import BadInput, Term
from core.i18n import N_

T = TypeVar("T")

# PostgreSQL's INTEGER, the type of every id a user can name (items, broadcasts, deliveries,
# parties); a larger number can't be a row, so it is refused before any query.
MAX_ID = 2**31 - 1
_TAG = re.compile(r"<[^>]*>")
_DIGITS = re.compile(r"[0-9]{1,30}")  # ASCII only: str.isdigit() also accepts "²" and "٣"


@dataclass(frozen=True)
class Limit:
    """The most characters (or entries) a field takes, and how to name it in a reply (a message
    id: the name is translated with the reply)."""

    what: str
    most: int


ITEM_TEXT = Limit(N_("An item's text"), 1500)
NOTE = Limit(N_("A note"), 1000)
REF = Limit(N_("A paragraph reference"), 50)
DUE_PHRASE = Limit(N_("A deadline"), 200)
PARTY_NAME = Limit(N_("A party name"), 100)
ALIAS = Limit(N_("An alias"), 100)
MEETING_NAME = Limit(N_("A meeting name"), 150)
PLACE = Limit(N_("A meeting place"), 200)
BROADCAST_TEXT = Limit(N_("A broadcast"), 4000)  # visible characters; the header fills the rest of 4096
# lists
ALIASES = Limit(N_("aliases"), 20)
OWNERS = Limit(N_("owners"), 20)
REPORT_STEPS = Limit(N_("next steps"), 20_000)  # a sanity cap per import, not a layout limit
# report files (the byte size is the setting ``reports.max_size_mb``)
REPORT_CHARS = 1_000_000  # text read from one report
REPORT_PAGES = 300  # pages of a PDF
REPORT_UNZIPPED_BYTES = 20 * 1024 * 1024  # what a DOCX (a zip) may unpack to
REPORT_SECONDS = 20.0  # reading one DOCX or PDF
REPORT_PREVIEW_TTL = timedelta(days=1)  # an import preview nobody finished is forgotten after this
REPORT_PREVIEW_KEPT_ENDED = timedelta(
    days=3
)  # an ended preview is remembered this long: replies to it are answered
REPORT_PREVIEWS_PER_CHAT = 5  # pending previews per chat; a sixth replaces the oldest


def check_length(limit: Limit, text: str) -> str:
    """``text`` if it fits ``limit``, else BadInput naming the field, its maximum and its length."""
    if len(text) > limit.most:
        raise BadInput(
            "{what} is too long: {length} characters (at most {most}).",
            what=Term(limit.what),
            length=len(text),
            most=limit.most,
        )
    return text


def check_html_length(limit: Limit, text_html: str) -> str:
    """Like ``check_length`` for Telegram HTML: counts what Telegram counts, the text after
    entity parsing in UTF-16 code units."""
    plain = html.unescape(_TAG.sub("", text_html))
    length = len(plain.encode("utf-16-le")) // 2
    if length > limit.most:
        raise BadInput(
            "{what} is too long: {length} characters (at most {most}).",
            what=Term(limit.what),
            length=length,
            most=limit.most,
        )
    return text_html


def check_count(limit: Limit, entries: Sequence[T]) -> Sequence[T]:
    """``entries`` if there are at most ``limit.most`` of them, else BadInput."""
    if len(entries) > limit.most:
        raise BadInput(
            "Too many {what}: {count} (at most {most}).",
            what=Term(limit.what),
            count=len(entries),
            most=limit.most,
        )
    return entries


def is_id(number: int) -> bool:
    """Could ``number`` be a row's id? (1 … PostgreSQL's INTEGER maximum)"""
    return 1 <= number <= MAX_ID


def parse_id(text: str) -> int | None:
    """The id ``text`` names (ASCII digits, in range), or None: a forged or overflowing number."""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if is_id(number) else None
