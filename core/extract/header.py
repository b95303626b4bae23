"""A report's header: the meeting's name, place and (first) date, in the forms reports use.

"Date: 1st December, 2022", "Vienna, 12–13 March 2024", "12 and 13 March 2024",
"(12 May–13 June 2025)", "29 June to 1 July 2022, Bonn, Germany", "2024-03-12", "14-15 April 1982",
"met at Sydney from 15th to 19th May, 1950", and a date at the end of the document. A date range
(a meeting) beats a single date (often the document's issue date); the first day is the date.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS["sept"] = 9
_M = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_D = r"\d{1,2}(?:st|nd|rd|th)?"
_Y = r"\d{4}"
_DASH = r"\s*(?:[-–—]|to|and|until)\s*"
# "12–13 March 2024", "12 and 13 March 2024", "15th to 19th May, 1950", "14-15 and 21-22 April 1982"
_RANGE_SAME_MONTH = re.compile(
    r"\b(?:from\s+)?(?P<d1>"
    + _D
    + r")(?:"
    + _DASH
    + _D
    + r")+\s+(?:of\s+)?(?P<m>"
    + _M
    + r"),?\s+(?P<y>"
    + _Y
    + r")\b",
    re.IGNORECASE,
)
# "12 May–13 June 2025", "29 June to 1 July 2022", "30 November to 4 December 2026"
_RANGE_TWO_MONTHS = re.compile(
    r"\b(?:from\s+)?(?P<d1>"
    + _D
    + r")\s+(?P<m1>"
    + _M
    + r")"
    + _DASH
    + _D
    + r"\s+"
    + _M
    + r",?\s+(?P<y>"
    + _Y
    + r")\b",
    re.IGNORECASE,
)
_SINGLE = re.compile(
    r"\b(?P<d>" + _D + r")\s+(?:of\s+)?(?P<m>" + _M + r"),?\s+(?P<y>" + _Y + r")\b", re.IGNORECASE
)
_SINGLE_US = re.compile(
    r"\b(?P<m>" + _M + r")\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,\s*(?P<y>" + _Y + r")\b", re.IGNORECASE
)
_ISO = re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_LABEL = re.compile(r"^\s*(?:date|dates|meeting date|held on|when)\s*:", re.IGNORECASE)
_PLACE_LABEL = re.compile(r"^\s*(?:location|place|venue|where)\s*:\s*(?P<place>.+)$", re.IGNORECASE)
_ISSUED = re.compile(r"distr\.|distribution|issued|original:|date of issue|published", re.IGNORECASE)
_NAME_WORDS = re.compile(
    r"\b(?:meeting|conference|session|som|summit|workshop|dialogue|committee|commission|board|council|"
    r"assembly|forum|minutes|consultation|working group|expert group|symposium|seminar|call)\b",
    re.IGNORECASE,
)
_PLACE_BEFORE = re.compile(
    r"(?P<place>(?:[A-Z][\w’'.-]+(?:\s+(?:[A-Z][\w’'.-]+|of|de|the))*,\s*)*[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+)*),\s*$"
)
_PLACE_AFTER = re.compile(
    r"^,\s*(?P<place>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+)*(?:,\s*[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+)*)?)"
)


def _day(text: str) -> int:
    return int(re.match(r"\d+", text)[0])  # type: ignore[index]


def _make(year: str, month: str, day: str) -> date | None:
    try:
        number = _MONTHS[month.lower().rstrip(".")] if not month.isdigit() else int(month)
        return date(int(year), number, _day(day))
    except (ValueError, KeyError):
        return None


def _dates_in(line: str) -> list[tuple[int, date, int, int]]:
    """(strength, date, start, end) of each date written in the line."""
    found: list[tuple[int, date, int, int]] = []
    taken: list[tuple[int, int]] = []
    for strength, pattern in ((3, _RANGE_TWO_MONTHS), (3, _RANGE_SAME_MONTH)):
        for m in pattern.finditer(line):
            if any(a <= m.start() < b for a, b in taken):
                continue
            month = m["m1"] if "m1" in m.groupdict() else m["m"]
            if when := _make(m["y"], month, m["d1"]):
                found.append((strength, when, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    for pattern in (_SINGLE, _SINGLE_US, _ISO):
        for m in pattern.finditer(line):
            if any(a <= m.start() < b for a, b in taken):
                continue
            if when := _make(m["y"], m["m"], m["d"]):
                found.append((1, when, m.start(), m.end()))
    return found


def read_header(lines: list[str]) -> tuple[str | None, date | None, str | None]:
    """(name, first day, place) from the first lines, the opening paragraphs and the last lines."""
    plain = [" ".join(line.replace("**", "").split()) for line in lines]
    head = [line for line in plain if line][:60]
    tail = [line for line in plain if line][-6:]
    name = place = None
    best: tuple[int, int, date] | None = None
    for position, line in enumerate(head + tail):
        if m := _PLACE_LABEL.match(line):
            place = place or m["place"].strip() or None
        labelled = bool(_LABEL.match(line))
        issued = _ISSUED.search(line) or (position > 0 and _ISSUED.search((head + tail)[position - 1]))
        for strength, when, start, end in _dates_in(line):
            score = strength + (3 if labelled else 0) - (2 if issued else 0)
            score += 1 if re.search(r"\b(?:met|held|session|meeting)\b", line, re.IGNORECASE) else 0
            score += 2 if position < 8 else 0
            if best is None or score > best[0]:
                best = (score, -position, when)
            if (place is None and strength == 3) or (place is None and labelled is False and len(line) < 80):
                before, after = line[:start].rstrip("(, "), line[end:]
                if pm := _PLACE_BEFORE.search(before + ","):
                    candidate = pm["place"].strip()
                    if not _NAME_WORDS.search(candidate) and not re.search(r"\d", candidate):
                        place = place or candidate
                if place is None and (am := _PLACE_AFTER.match(after)):
                    place = am["place"]
    for line in head[:15]:
        if (
            _NAME_WORDS.search(line)
            and len(line) < 150
            and not _LABEL.match(line)
            and not _PLACE_LABEL.match(line)
            and not line.startswith("|")
        ):
            name = re.sub(r"^[#=]+\s*", "", line).strip().rstrip(":")
            break
    return name, best[2] if best else None, place
