"""A report's header: the meeting's name, place and (first) date, in the forms reports use.

"Date: 1st December, 2022", "Vienna, 12–13 March 2024", "12 and 13 March 2024",
"(12 May–13 June 2025)", "29 June to 1 July 2022, Bonn, Germany", "2024-03-12", "14-15 April 1982",
"met at Sydney from 15th to 19th May, 1950", and a date at the end of the document. A date range
(a meeting) beats a single date (often the document's issue date); the first day is the date.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

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
# what a meeting is called: a body or a gathering
_BODY_WORDS = re.compile(
    r"\b(?:meetings?|conference|sessions?|som|summit|workshop|dialogue|committee|commission|board|"
    r"council|assembly|forum|consultations?|working group|expert (?:team|group)|group|task force|"
    r"symposium|seminar|round ?table|panel|bureau|plenary|heads|ministers|officials|webinar|retreat|"
    r"conventions?|congress|colloquium|roundtable)\b",
    re.IGNORECASE,
)
_NAME_WORDS = _BODY_WORDS
_CAP = r"[A-Z](?:[\w’'-]|\.(?=\w))*"
_PLACE_NAME = _CAP + r"(?:\s+(?:" + _CAP + r"|(?:of|des|del|de|du|di|la|le|am|upon)\b))*"
_PLACE = re.compile(_PLACE_NAME + r"(?:,\s*" + _PLACE_NAME + r"){0,2}")
# "… held its fifty-sixth session at Headquarters from …", "met at Sydney from …"
_HELD_AT = re.compile(
    r"\b(?:held (?:its|their)|met|(?:was|were) (?:held|convened)|took place)\b[^.;,]{0,140}?\b(?:at|in)\s+"
    r"(?:the\s+)?(?P<place>" + _PLACE_NAME + r"(?:,\s*" + _PLACE_NAME + r")?)"
)
# letterhead and page furniture above a title: symbols, distribution, classification, records
_SYMBOL = re.compile(
    r"^[A-Z][A-Za-z]{0,11}(?:/[\w.()-]+)+(?:\s*[-–]\s*[A-Z][A-Za-z]{0,11}(?:/[\w.()-]+)+)*$"
)  # A/80/16, E/2025/24-E/CN.3/2025/37, TPNW/MSP/2025/11/Rev.1
_LETTERHEAD = re.compile(
    r"^(?:united nations|nations unies|naciones unidas|distr\.?\s*:.*|distribution\s*:.*|original\s*:.*|"
    r"(?:english|french|spanish|arabic|russian|chinese)(?:\s+only)?|general|limited|restricted|secret|"
    r"confidential|unclassified|for (?:official|internal) use only|draft|"
    r"advance (?:unedited )?(?:copy|version)|"
    r"agenda item.*|item \d+.*|page \d+.*|annex(?:\s+[\w.]+)?|(?:chapter|section|part)\s+[ivxlc\d]+)$",
    re.IGNORECASE,
)
_RECORDS = re.compile(r"^(?:official records\b.*|supplement no\.?\s*\d+.*)$", re.IGNORECASE)
_TITLE_MARKER = re.compile(
    r"^(?:(?:final|draft|provisional|interim|summary|full|agreed)\s+)?(?:report|minutes|summary|"
    r"summary record|record|proceedings|outcome(?: document)?|notes?|"
    r"meeting (?:summary|minutes|notes|report))$",
    re.IGNORECASE,
)
_REPORT_PREFIX = re.compile(
    r"^(?:(?:final|draft|provisional|interim|summary|full|agreed|official)\s+)*(?:report|minutes|summary|"
    r"summary record|record|records|proceedings|notes?|outcome(?: document)?|conclusions)"
    r"\s+(?:of|on|from|for)\s+(?:the\s+)?|^(?P<meeting>meeting\s+)?(?:summary|minutes|notes|report|record)\s*[:—–-]\s*",
    re.IGNORECASE,
)
_ORD = (
    r"(?:\d{1,3}(?:st|nd|rd|th)|(?:\w+[- ])?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|"
    r"ninth|tenth|eleventh|twelfth|\w+teenth|\w+tieth|hundredth))"
)
_QUALIFIER = (
    r"(?:regular|ordinary|special|annual|extraordinary|resumed|plenary|substantive|organi[sz]ational)"
)
# "Sixty-fifth session", "second regular session",
# "first and second regular sessions and annual session of 2024"
_SESSION = re.compile(
    r"^(?:the\s+)?" + _ORD + r"(?:(?:\s*,\s*|\s+and\s+)" + _ORD + r")*(?:\s+" + _QUALIFIER + r")*"
    r"\s+(?:session|meeting)s?(?:\s+and\s+(?:the\s+)?(?:" + _ORD + r"\s+)?" + _QUALIFIER + r"?\s*sessions?)?"
    r"(?:,?\s+(?:of\s+|in\s+)?\d{4})?$",
    re.IGNORECASE,
)
_AT_ITS = re.compile(r",?\s+(?:at|on|of) its\s+(?P<session>[\w -]{3,60}?\bsessions?)\b", re.IGNORECASE)
_CONTINUES = re.compile(
    r"(?:\b(?:of|the|for|and|or|at|its|on|to|in|with|a|an|by|from|de|des|du|la|le|et|sur|pour|y)|[,&—–-])$",
    re.IGNORECASE,
)
_SECTION_START = re.compile(
    r"^(?:#{2,}|={2,})\s|^(?:[IVXLC]{1,5}|\d{1,3}|[A-Z])\.\s+[A-Z]|^(?:chapter|part)\s+[IVXLC\d]+\b",
    re.IGNORECASE,
)
_NAME_MAX = 150
_NEXT_WORD = r"next|following|forthcoming|subsequent"
_NEXT_ONE = re.compile(
    r"\b(?:" + _NEXT_WORD + r")\s+(?:[\w-]+\s+){0,3}?(?:meeting|session|conference|SOM)\b", re.IGNORECASE
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


def _place_around(line: str) -> str | None:
    """The place of a "City, date" / "(Place, Country, date)" / "date, City, Country" line."""
    found = _dates_in(line)
    if not found:
        return None
    _, _, start, _ = min(found, key=lambda entry: entry[2])
    before = line[:start].rstrip()
    before = before.lstrip(" (").rstrip(",").strip() if before.endswith(",") else ""
    after = line[max(e for _, _, _, e in found) :].strip().rstrip(").").strip()
    for candidate in (before, after.lstrip(",").strip() if after.startswith(",") else ""):
        if (
            candidate
            and _PLACE.fullmatch(candidate)
            and len(candidate.split()) <= 8
            and not _BODY_WORDS.search(candidate)
            and not re.search(r"\d", candidate)
            and candidate.split()[0].lower().rstrip(".") not in _MONTHS
        ):
            return candidate
    return None


def _read_place(head: list[str], body: list[str]) -> str | None:
    """A labelled place ("Location: …"), else a "City, date" line, else "held … at/in Place"."""
    for line in head:
        if m := _PLACE_LABEL.match(line):
            return m["place"].strip() or None
    for line in head[:40]:
        if len(line) <= 120 and (place := _place_around(line)):
            return place
    for m in _HELD_AT.finditer(" ".join(body)):
        place = m["place"].strip()
        first = place.split()[0].lower().rstrip(".,")
        if first not in _MONTHS and not _BODY_WORDS.search(place) and not re.search(r"\d", place):
            return place
    return None


def _without_dates(line: str) -> str:
    """The line with its dates (and the brackets or dashes around them) taken out."""
    for _, _, start, end in sorted(_dates_in(line), key=lambda entry: -entry[2]):
        line = line[:start] + line[end:]
    line = re.sub(r"\(\s*[,;–—-]?\s*\)", "", line)
    return " ".join(line.split()).strip(" ,;:–—-(")


_MINOR = {"of", "the", "and", "for", "on", "in", "to", "at", "a", "an", "de", "des", "du", "la", "le", "et"}


def _title_case(line: str) -> bool:
    """ "Statistics and Hydrology": a name wrapped in a title, not a subtitle in sentence case."""
    words = re.findall(r"[^\W\d_][\w’'-]*", line)
    return bool(words) and all(w[0].isupper() for w in words if w.lower() not in _MINOR)


def _opens_phrase(line: str) -> bool:
    """A line that starts a title phrase of its own: "Report on …", "Sixty-fifth session"."""
    return bool(
        _TITLE_MARKER.fullmatch(line.rstrip(":")) or _REPORT_PREFIX.match(line) or _SESSION.match(line)
    )


def _title_lines(lines: list[str]) -> list[tuple[list[str], bool]]:
    """The title blocks at the top of a report: (phrases, letterhead?) where each phrase is a title
    line with the lines it wraps onto joined (a line ending in "of", "the", "for", "at its" … or a
    next line starting lower-case continues), and letterhead, symbol and date lines end a block."""
    found: list[tuple[list[str], bool]] = []
    phrases: list[str] = []
    records = False
    blanks = 0
    seen = 0

    def close() -> None:
        nonlocal phrases, records
        if phrases:
            found.append((phrases, records))
        phrases, records = [], False

    for raw in lines:
        line = raw.strip()
        if not line:
            blanks += 1
            continue
        seen += 1
        long_title = bool(_REPORT_PREFIX.match(line)) and not re.search(r"[.;]\s+[A-Z]|[.;]$", line)
        if seen > 40 or (len(line) > 160 and not long_title) or (_SECTION_START.match(line) and seen > 1):
            break
        line = re.sub(r"^(?:#|=)\s+", "", line).strip(" *_")
        if _RECORDS.match(line):
            records = True
            continue
        if (
            _SYMBOL.match(line)
            or _LETTERHEAD.match(line)
            or _LABEL.match(line)
            or _PLACE_LABEL.match(line)
            or line.startswith(("|", ":", "[", "//"))
        ):
            close()
            blanks = 0
            continue
        if _dates_in(line):
            rest = _without_dates(line)
            if _place_around(line) or (len(rest.split()) <= 3 and not _BODY_WORDS.search(rest)):
                close()  # "(12 May–13 June 2025)", "Rome, 18–21 November 2024"
                blanks = 0
                continue
            line = rest  # "Meeting Summary: Sub-group 1 - 2026-01-15"
        if phrases:
            previous = phrases[-1]
            if (
                (blanks <= 2 and _CONTINUES.search(previous))
                or (blanks <= 1 and line[0].islower())
                or (blanks == 0 and _title_case(previous) and _title_case(line) and not _opens_phrase(line))
            ):
                phrases[-1] = f"{previous} {line}"
                blanks = 0
                continue
            if blanks:
                close()
        phrases.append(line)
        blanks = 0
    close()
    return found


def _compose(phrases: list[str]) -> tuple[str | None, int]:
    """(name, strength) of one title block: "Report of the X" / "X at its Nth session" / "X" +
    "Report on the Nth session" all give "X, Nth session"."""
    main: str | None = None
    session: str | None = None
    strength = 0
    by_body = False  # main came from "Report of the <body>": the body that met, stronger than a subject
    for phrase in phrases:
        if _TITLE_MARKER.fullmatch(phrase.rstrip(":")):
            strength = max(strength, 3)
            continue
        rest = phrase
        if m := _REPORT_PREFIX.match(phrase):
            strength = max(strength, 3)
            rest = phrase[m.end() :].strip()
            if m["meeting"] and not re.search(r"\b(?:meeting|session)s?\b", rest, re.IGNORECASE):
                rest = f"{rest} meeting"
        if not rest:
            continue
        if _SESSION.match(rest):
            session = session or rest
            continue
        if at := _AT_ITS.search(rest):
            session = session or at["session"]
            rest = rest[: at.start()] + rest[at.end() :]
        of_body = bool(m and re.match(r"\w+(?:\s+\w+)?\s+of\b", phrase) and _BODY_WORDS.search(rest))
        if (
            main is None
            or (_BODY_WORDS.search(rest) and not _BODY_WORDS.search(main))
            or (of_body and not by_body)
        ):
            main = rest.strip(" ,;:")
            by_body = of_body
    if main is None:
        if session is None:
            return None, 0
        return session[0].upper() + session[1:], strength + 1
    if _BODY_WORDS.search(main):
        strength += 2
    if session and session.lower() not in main.lower():
        first = session.split()[0]
        if re.fullmatch(r"[A-Z][a-z]+(?:-[a-z]+)?", first) and first.lower().split("-")[-1] in _ORDINAL_WORDS:
            session = session[0].lower() + session[1:]
        main = f"{main}, {session}"
        strength += 1
    return main[0].upper() + main[1:], strength


_ORDINAL_WORDS = {
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth",
    "seventieth", "eightieth", "ninetieth", "hundredth",
}  # fmt: skip


def _cap(name: str) -> str:
    """At most MEETING_NAME characters, cut on a word boundary, no dangling "of the"."""
    name = " ".join(name.split())
    if len(name) > _NAME_MAX:
        name = name[: _NAME_MAX + 1].rsplit(" ", 1)[0]
        while (cut := _CONTINUES.search(name)) and cut.start() > 0:
            name = name[: cut.start()].rstrip()
    return name.strip(" ,;:–—-")


def read_title(lines: list[str], place: str | None = None) -> str | None:
    """The meeting's name from the title block at the top of the report, or None."""
    best: tuple[int, int, str] | None = None
    for position, (phrases, records) in enumerate(_title_lines(lines)):
        if records:
            continue  # "General Assembly / Official Records / Supplement No. 16"
        name, strength = _compose(phrases)
        if not name or strength < 2:
            continue
        if place and not name.endswith(f", {place}"):
            town = re.escape(place.split(",")[0])
            name = re.sub(rf"(?<=\w)\s+({town})$", r", \1", name)
        if best is None or strength > best[0]:
            best = (strength, -position, name)
    return _cap(best[2]) if best else None


def read_header(lines: list[str]) -> tuple[str | None, date | None, str | None]:
    """(name, first day, place) from the first lines, the opening paragraphs and the last lines."""
    plain = [" ".join(line.replace("**", "").split()) for line in lines]
    plain = ["" if line.startswith("|") else line for line in plain]  # a table's dates are its tasks' dates
    head = [line for line in plain if line][:60]
    tail = [line for line in plain if line][-6:]
    best: tuple[int, int, date] | None = None
    for position, line in enumerate(head + tail):
        labelled = bool(_LABEL.match(line))
        issued = _ISSUED.search(line) or (position > 0 and _ISSUED.search((head + tail)[position - 1]))
        for strength, when, _, _ in _dates_in(line):
            score = strength + (3 if labelled else 0) - (2 if issued else 0)
            score += 1 if re.search(r"\b(?:met|held|session|meeting)\b", line, re.IGNORECASE) else 0
            score -= 4 if _NEXT_ONE.search(line) else 0  # "the next meeting will be held on …"
            score += 2 if position < 8 else 0
            if best is None or score > best[0]:
                best = (score, -position, when)
    place = _read_place(head, [line for line in plain if line][:200])
    name = read_title(plain, place)
    return name, best[2] if best else None, place


# --- the next meeting, as the report fixes it ---------------------------------------------------
# "Decides that the fifty-seventh session of the Commission shall be held in New York from 3 to
# 6 March 2026", "decided to hold the first Review Conference during the week of 30 November to
# 4 December 2026", "The next meeting will take place in Vienna on 5 May 2026": a meeting named by
# "next"/an ordinal, a verb of holding it and a date after this meeting, in one sentence.
_COMING = r"(?i:" + _NEXT_WORD + "|" + _ORD[3:-1] + r")"
_COMING_MEETING = re.compile(
    r"\b(?P<name>" + _COMING + r"(?:\s+[\w-]+){0,3}?\s+"
    r"(?i:review\s+conference|conference|session|meeting|summit|plenary|SOM)\b"
    r"(?:\s+of\s+the\s+[A-Z][\w-]*(?:\s+(?:of\s+)?[A-Z][\w-]*){0,4})?)"
)
_HOLDING = re.compile(
    r"\b(?:held|hold|holding|take place|takes place|convene[sd]?|will meet|scheduled|dates?\s+(?:and|of))\b",
    re.IGNORECASE,
)
# "at its 2nd meeting, held on 11 March": a plenary meeting of this session, not the next meeting
_SITTING = re.compile(r"^(?:the\s+|its\s+)?" + _ORD + r"\s+(?:plenary\s+)?meetings?$", re.IGNORECASE)
# a date said after these is a deadline ("to report at its next session, and no later than 1 May")
_NOT_WHEN_HELD = re.compile(r"\b(?:by|before|until|no later than|not later than|deadline)\b", re.IGNORECASE)
# what else may be held on a date: "hold a workshop before the next session, on 12 September"
_OTHER_EVENT = re.compile(
    r"\b(?:workshops?|seminars?|webinars?|trainings?|side[- ]events?|retreats?|briefings?|consultations?)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.;])\s+|\n")
_NEXT_MEETING_NAME_MAX = 100
_HOLDING_TO_DATE_MAX = 120  # characters from "held" to its date


def read_next_meeting(lines: list[str], held_on: date | None) -> tuple[str, date] | None:
    """(name, first day) of the next meeting when the report says when it is held, else None.

    A sentence names a coming meeting ("next", or an ordinal session, conference …, not a
    plenary "2nd meeting" of this session), a verb of holding it and, soon after that verb, a
    date after this meeting (not one said as a deadline, "by 1 May"); no workshop or other event
    in it. The first such sentence wins, as a report fixes its next meeting once."""
    if held_on is None:
        return None
    latest = held_on + timedelta(days=5 * 366)
    text = "\n".join(" ".join(line.replace("**", "").split()) for line in lines)
    for sentence in _SENTENCE_END.split(text):
        named = next((m for m in _COMING_MEETING.finditer(sentence) if not _SITTING.match(m["name"])), None)
        holding = _HOLDING.search(sentence)
        if named is None or holding is None or _OTHER_EVENT.search(sentence):
            continue
        for _, when, start, _ in sorted(_dates_in(sentence), key=lambda found: found[2]):
            gap = sentence[holding.end() : start]
            if start < holding.end() or len(gap) > _HOLDING_TO_DATE_MAX or _NOT_WHEN_HELD.search(gap):
                continue
            if held_on < when <= latest:
                name = re.sub(r"^(?:the|its)\s+", "", named["name"], flags=re.IGNORECASE)
                return name[0].upper() + name[1:][: _NEXT_MEETING_NAME_MAX - 1], when
            break  # the date it is held on is not after this meeting: a past session
    return None
