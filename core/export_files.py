"""The files people take away: which export formats there are, what each file is called, and its
bytes. Shared by ``/export``, ``/calendar``, ``/report`` and ``nextsteps export | report``.

Reading (``read_export``, in the caller's session) and writing (``render_export``, pure and
CPU-bound, for a worker thread) are apart, so a bot never holds a database thread while an XLSX
is being written.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from core.calendar_export import to_ics
from core.exports import ExportRow, export_rows, to_csv, to_json, to_xlsx
from core.i18n import SOURCE_LANGUAGE
from core.meetings import next_meeting
from core.permissions import Actor
from storage.models import Meeting, Party

EXPORT_FORMATS = ("csv", "xlsx", "ics", "json")
REPORT_FORMATS = ("docx", "pdf", "md")
MIME_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown",
    "png": "image/png",
}
# what the file holds, in its name: nextsteps-items-2023-02-13.xlsx, nextsteps-deadlines-….ics
FILE_KIND = {"csv": "items", "xlsx": "items", "json": "items", "ics": "deadlines"}
PARTY_SLUG_CHARS = 32
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _table(pairs: str) -> dict[int, str]:
    """ "а a б b …": each lower-case letter and its Latin spelling (an empty one: "ь -")."""
    words = pairs.split()
    return {ord(letter): latin.strip("-") for letter, latin in zip(words[::2], words[1::2], strict=True)}


# Lower-case letters of the scripts of the region's party names, spelt in Latin letters, one
# letter at a time: Cyrillic (Ukrainian national system, with the Russian, Belarusian, Serbian,
# Macedonian letters), Greek (ELOT 743, simplified), Georgian (national system), Armenian; and
# the Latin letters NFKD does not take apart (Turkish dotless ı, ø, ł, …). Enough for a file name
# that says whose it is; another script falls back to "party-" and a short hash of the name.
_TRANSLITERATION = _table(
    "а a б b в v г h ґ g д d е e є ie ж zh з z и y і i ї i й i к k л l м m н n о o п p р r "
    "с s т t у u ф f х kh ц ts ч ch ш sh щ shch ь - ю iu я ia ы y э e ё e ъ - ў u "
    "ђ dj ј j љ lj њ nj ћ c џ dz ѓ gj ќ kj ѕ dz "
    "α a β v γ g δ d ε e ζ z η i θ th ι i κ k λ l μ m ν n ξ x ο o π p ρ r σ s ς s τ t υ y "
    "φ f χ ch ψ ps ω o "
    "ა a ბ b გ g დ d ე e ვ v ზ z თ t ი i კ k ლ l მ m ნ n ო o პ p ჟ zh რ r ს s ტ t უ u ფ p "
    "ქ k ღ gh ყ q შ sh ჩ ch ც ts ძ dz წ ts ჭ ch ხ kh ჯ j ჰ h "
    "ա a բ b գ g դ d ե e զ z է e ը y թ t ժ zh ի i լ l խ kh ծ ts կ k հ h ձ dz ղ gh ճ ch մ m "
    "յ y ն n շ sh ո o չ ch պ p ջ j ռ r ս s վ v տ t ր r ց ts ւ v փ p ք k օ o ֆ f և ev "
    "ı i ø o æ ae œ oe đ d ł l þ th ð d ħ h"
)


@dataclass(frozen=True)
class ExportSource:
    """What an export is made of: the rows an actor may see, the next meeting, whose items."""

    rows: list[ExportRow]
    next_meeting: Meeting | None
    party: str | None  # a chair's (or observer's) party; None: everyone's items


def read_export(*, session: Session, actor: Actor | None, observers: bool = False) -> ExportSource:
    """The rows ``actor`` may export (``core.exports.export_rows``: PermissionDenied for an
    observer unless ``observers``), the next meeting, and the party they are limited to."""
    rows = export_rows(session=session, actor=actor, observers=observers)
    party = None
    if actor is not None and not actor.is_secretariat and actor.party_id is not None:
        found = session.get(Party, actor.party_id)
        party = found.name if found is not None else None
    return ExportSource(rows=rows, next_meeting=next_meeting(session=session), party=party)


def render_export(
    source: ExportSource, fmt: str, *, bot_username: str, title: str, lang: str = SOURCE_LANGUAGE
) -> bytes:
    """The file's bytes in ``fmt`` (one of ``EXPORT_FORMATS``); ValueError for any other. The
    files' own words (header rows, status words, the calendar's descriptions) in ``lang``; JSON,
    for scripts, keeps its English keys and status values."""
    if fmt == "csv":
        return to_csv(source.rows, lang=lang)
    if fmt == "xlsx":
        return to_xlsx(source.rows, title=title, lang=lang)
    if fmt == "json":
        return to_json(source.rows)
    if fmt == "ics":
        return to_ics(
            rows=source.rows,
            next_meeting=source.next_meeting,
            bot_username=bot_username,
            calendar_name=title,
            lang=lang,
        )
    raise ValueError(f"unknown export format {fmt!r}")


def export_title(party: str | None) -> str:
    """The sheet or calendar name: "NextSteps" or "NextSteps — Sweden"."""
    return f"NextSteps — {party}" if party else "NextSteps"


def slug(text: str, limit: int = PARTY_SLUG_CHARS) -> str:
    """``text`` as a file-name part: ASCII letters and digits joined by "-" ("Türkiye" ->
    "turkiye", "Україна" -> "ukraina", "Ελλάδα" -> "ellada"); "" when nothing is left."""
    # decomposed first, so accented letters of any script lose their accents ("ά" -> "α")
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_TRANSLITERATION)
    ascii_text = decomposed.encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text).strip("-")[:limit].strip("-")


def party_slug(party: str) -> str:
    """A party's name in a file name: its slug, or "party-" and a short hash of the name when
    its script has no Latin spelling here (never nothing: the file would look like everyone's)."""
    return slug(party) or f"party-{hashlib.sha256(party.encode()).hexdigest()[:8]}"


def file_name(kind: str, day: date, ext: str, *, party: str | None = None) -> str:
    """ "nextsteps-progress-2023-02-13.docx", with the party when the file holds one party's items:
    "nextsteps-items-sweden-2023-02-13.csv"."""
    parts = ["nextsteps", kind]
    if party is not None and party.strip():
        parts.append(party_slug(party))
    return f"{'-'.join(parts)}-{day.isoformat()}.{ext}"


def count_events(rows: Sequence[ExportRow]) -> int:
    """How many item events a calendar of these rows holds (open items with a resolved deadline)."""
    return sum(1 for row in rows if row.is_active and row.due_date is not None)
