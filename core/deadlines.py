"""Deadline phrases -> a latest due date and a precision, by a small grammar first.

dateutil's fuzzy parser silently misreads "early 2023" or "Q3 2024", so it is only a fallback,
used when it skipped nothing and the phrase named a full date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date
from dateutil import parser as dateutil_parser

from core import limits
from core.errors import BadInput
from core.i18n import N_, Translator
from storage.models import Precision

MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
}
MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>\d{4})"

_PREFIX = re.compile(
    r"^(?:by|until|till|til|before|no later than|not later than|latest by|at the latest by|"
    r"on|in|during|for|within|due)\s+"
)
_NONE_WORDS = {"", "tbd", "tba", "tbc", "to be determined", "to be decided", "none", "n/a", "-"}
_MEETING_KIND = r"(?:meeting|som|senior officials'? meeting|ministerial conference|conference|session)"
_MEETING = re.compile(
    r"^(?P<rel>before|ahead of|prior to|by|until|at|during|for)?\s*(?:the\s+|its\s+)?next\s+"
    r"(?:[a-z-]+\s+){0,2}?" + _MEETING_KIND + r"(?:\s+of\s+the\s+[a-z-]+)?$"
)
# "at its fifty-seventh session", "for consideration at its intersessional meeting": the body's own
# coming meeting, linked like "the next meeting" (its date is not in the phrase)
_ITS_MEETING = re.compile(
    r"^(?:.{0,40}\s)?(?P<rel>at|by|before|for|until|to)\s+its\s+(?:[a-z]+\s*-\s*)?[a-z0-9-]+\s+"
    r"(?:(?:plenary|regular|special|formal|substantive|intersessional|annual)\s+)?(?:meeting|session)$"
)
_WEEK = re.compile(r"^(?P<which>this|next|the following|following)\s+week$")
_SEASONS = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}
_SEASON = re.compile(
    r"^(?:the\s+)?(?:(?:early|late|mid)\s+)?(?P<season>spring|summer|autumn|fall|winter)"
    r"(?:\s+(?:of\s+)?" + _YEAR + ")?$"
)
_DAY_MONTH = re.compile(r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + "$")
_MONTH_DAY = re.compile("^" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?$")
_PART_IN_MONTH = re.compile(r"^(?P<part>early|late)\s+in\s+" + _MONTH + r"(?:,?\s+" + _YEAR + ")?$")
_ISO = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")
_DOTTED = re.compile(r"^(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4})$")
_DAY_MONTH_YEAR = re.compile(
    r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + "$"
)
_MONTH_DAY_YEAR = re.compile("^" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR + "$")
_MONTH_YEAR = re.compile("^" + _MONTH + r",?\s+" + _YEAR + "$")
_MONTH_ONLY = re.compile("^" + _MONTH + "$")
_YEAR_ONLY = re.compile("^" + _YEAR + "$")
_PART = r"(?:towards?\s+)?(?:the\s+)?(?P<part>early|beginning of|start of|mid|middle of|late|end of)[\s-]+"
_PART_MONTH = re.compile("^" + _PART + _MONTH + r"(?:,?\s+" + _YEAR + ")?$")
_PART_YEAR = re.compile("^" + _PART + _YEAR + "$")
_QUARTER = re.compile(
    r"^(?:q(?P<q>[1-4])|(?:the\s+)?(?P<ordinal>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter"
    r"(?:\s+of)?)\s*" + _YEAR + "$"
)
_HALF = re.compile(
    r"^(?:h(?P<h>[12])|(?:the\s+)?(?P<ordinal>first|second|1st|2nd)\s+half(?:\s+of)?)\s*" + _YEAR + "$"
)
# "the end of the year", "the end of the year 2026", "end of this year (2026)"
_END_OF_YEAR = re.compile(r"^(?:the\s+)?end of (?:the|this) year(?:\s+\(?(?P<year>\d{4})\)?)?$")
# "the end of next year", "end of the month", "the end of next month"
_END_OF_NEXT_YEAR = re.compile(r"^(?:the\s+)?end of (?:the\s+)?(?:next|following) year$")
_END_OF_MONTH = re.compile(r"^(?:the\s+)?end of (?:the\s+)?(?P<which>the|this|next|following) month$")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "by Friday", "by this Tuesday": the first such day after the reference date ("next Friday" is
# read two ways, so it is left alone)
_WEEKDAY = re.compile(r"^(?:(?:this|the coming|coming)\s+)?(?P<weekday>" + "|".join(_WEEKDAYS) + r")$")
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "a": 1,
    "an": 1,
}
_N = r"(?P<n>\d{1,3}|" + "|".join(_NUMBER_WORDS) + ")"
_UNIT = r"(?P<unit>day|week|month)s?"
_WITHIN = re.compile(r"^(?:within|in)\s+(?:the\s+next\s+)?" + _N + r"\s+" + _UNIT + "$")
_RELATIVE_MEETING = re.compile(
    "^" + _N + r"\s+" + _UNIT + r"\s+(?P<rel>before|prior to|ahead of|after)\s+(?:the\s+)?next\s+"
    r"(?:meeting|som|senior officials'? meeting|ministerial conference|conference|session)$"
)
_ASAP = {"asap", "as soon as possible", "at the earliest convenience", "immediately", "without delay"}
ASAP_DAYS = 14
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
}

# an item added without a deadline gets this one: the bot's own words, shown in the reader's language
DEFAULT_DUE = N_("before the next meeting")
NO_DEADLINE = N_("no deadline")
NO_PHRASE = "none"  # what a deadline change records as the old phrase when there was none
# the refusal of a phrase no grammar reads, with examples a reader can type in their language
UNREADABLE = N_(
    "I can't read “{phrase}” as a deadline. Try a date like 2023-03-31, 31 March 2023, March 2023, "
    "2023, Q3 2024, early 2023, or “before the next meeting”."
)


@dataclass(frozen=True)
class Deadline:
    """A parsed deadline: the phrase as written, the latest date it allows, its precision.

    A meeting-linked deadline has no date of its own: it is the meeting's date minus
    ``offset_days``, resolved by :func:`resolve_linked`.
    """

    text: str
    due_date: date | None
    precision: Precision
    offset_days: int | None = None

    @property
    def meeting_linked(self) -> bool:
        return self.precision is Precision.MEETING


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadInput("“{phrase}” is not a real date.", phrase=text) from None


def _month_end_after(today: date, months: int) -> date:
    """The last day of this month (``months`` 0) or of a later one."""
    year, month = divmod(today.year * 12 + today.month - 1 + months, 12)
    return _month_end(year, month + 1)


def _coming_weekday(today: date, index: int) -> date:
    """The first day after ``today`` that is weekday ``index`` (0 Monday): "by Friday"."""
    return today + timedelta(days=(index - today.weekday() - 1) % 7 + 1)


def _upcoming_month_end(month: int, today: date) -> date:
    end = _month_end(today.year, month)
    return end if end >= today else _month_end(today.year + 1, month)


def _part_of_month(part: str, year: int, month: int) -> date:
    if part in ("early", "beginning of", "start of"):
        return date(year, month, 10)
    if part in ("mid", "middle of"):
        return date(year, month, 20)
    return _month_end(year, month)


def _part_of_year(part: str, year: int) -> date:
    if part in ("early", "beginning of", "start of"):
        return date(year, 4, 30)
    if part in ("mid", "middle of"):
        return date(year, 8, 31)
    return date(year, 12, 31)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _add(start: date, n: int, unit: str) -> date:
    if unit == "day":
        return start + timedelta(days=n)
    if unit == "week":
        return start + timedelta(weeks=n)
    month_index = start.month - 1 + n
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def parse_deadline(text: str, *, today: date, meeting_margin_days: int = 14) -> Deadline:
    """Parse a deadline phrase; raise BadInput with a friendly message when it can't be read.

    Relative phrases ("within 2 weeks", "as soon as possible") count from ``today``: for an
    imported report, pass the meeting's date.
    """
    original = limits.check_length(limits.DUE_PHRASE, " ".join(text.split()))
    phrase = original.lower().strip(" .;,")

    if phrase in _NONE_WORDS:
        return Deadline(original, None, Precision.NONE)
    if phrase in _ASAP:
        return Deadline(original, today + timedelta(days=ASAP_DAYS), Precision.PERIOD)
    if m := _WITHIN.match(phrase):
        unit = m["unit"]
        return Deadline(
            original, _add(today, _count(m["n"]), unit), Precision.MONTH if unit == "month" else Precision.DAY
        )
    if m := _RELATIVE_MEETING.match(phrase):
        if m["unit"] == "month":
            raise BadInput(
                "Say “{phrase}” in weeks or days, e.g. “6 weeks before the next meeting”.", phrase=original
            )
        days = _count(m["n"]) * (7 if m["unit"] == "week" else 1)
        return Deadline(original, None, Precision.MEETING, offset_days=-days if m["rel"] == "after" else days)

    if m := _MEETING.match(phrase):
        offset = 0 if m["rel"] in ("at", "during", "for") else meeting_margin_days
        return Deadline(original, None, Precision.MEETING, offset_days=offset)

    if m := _ITS_MEETING.match(phrase):
        offset = meeting_margin_days if m["rel"] == "before" else 0
        return Deadline(original, None, Precision.MEETING, offset_days=offset)
    if m := _WEEK.match(phrase):
        sunday = today + timedelta(days=6 - today.weekday())
        end = sunday if m["which"] == "this" else sunday + timedelta(weeks=1)
        return Deadline(original, end, Precision.PERIOD)
    if (found := _other_language(phrase, original, today, meeting_margin_days)) is not None:
        return found
    if phrase.startswith("before "):
        return _before(phrase[len("before ") :], original, today)
    return _absolute(_PREFIX.sub("", phrase, count=1), original, today)


def _before(rest: str, original: str, today: date) -> Deadline:
    """ "before X": the last day before X begins ("before 1 May" -> 30 April)."""
    rest = rest.removeprefix("the ").strip()
    if _END_OF_YEAR.match(rest) or _END_OF_NEXT_YEAR.match(rest) or _END_OF_MONTH.match(rest):
        return _absolute(rest, original, today)  # before the end of a period: by its end
    if m := re.match(r"^middle of\s+" + _MONTH + r"(?:,?\s+" + _YEAR + ")?$", rest):
        month = MONTHS[m["month"]]
        year = int(m["year"]) if m["year"] else _upcoming_month_end(month, today).year
        return Deadline(original, date(year, month, 14), Precision.DAY)
    inner = _absolute(rest, original, today)
    if inner.due_date is None:
        return inner
    if inner.precision is Precision.DAY:
        return Deadline(original, inner.due_date - timedelta(days=1), Precision.DAY)
    if inner.precision is Precision.MONTH:
        return Deadline(original, inner.due_date.replace(day=1) - timedelta(days=1), Precision.MONTH)
    if inner.precision is Precision.YEAR:
        return Deadline(original, date(inner.due_date.year - 1, 12, 31), Precision.YEAR)
    return inner


def _absolute(phrase: str, original: str, today: date) -> Deadline:
    """A date, month, year or part of one (the prefix "by", "in", … already dropped)."""
    if m := _END_OF_YEAR.match(phrase):
        return Deadline(original, date(int(m["year"] or today.year), 12, 31), Precision.YEAR)
    if _END_OF_NEXT_YEAR.match(phrase):
        return Deadline(original, date(today.year + 1, 12, 31), Precision.YEAR)
    if m := _END_OF_MONTH.match(phrase):
        later = 1 if m["which"] in ("next", "following") else 0
        return Deadline(original, _month_end_after(today, later), Precision.MONTH)
    if m := _WEEKDAY.match(phrase):
        return Deadline(original, _coming_weekday(today, _WEEKDAYS.index(m["weekday"])), Precision.DAY)
    if m := _ISO.match(phrase):
        day = _safe_date(int(m["year"]), int(m["month"]), int(m["day"]), original)
        return Deadline(original, day, Precision.DAY)
    if m := _DOTTED.match(phrase):
        day = _safe_date(int(m["year"]), int(m["month"]), int(m["day"]), original)
        return Deadline(original, day, Precision.DAY)
    if m := (_DAY_MONTH_YEAR.match(phrase) or _MONTH_DAY_YEAR.match(phrase)):
        day = _safe_date(int(m["year"]), MONTHS[m["month"]], int(m["day"]), original)
        return Deadline(original, day, Precision.DAY)
    if m := _MONTH_YEAR.match(phrase):
        return Deadline(original, _month_end(int(m["year"]), MONTHS[m["month"]]), Precision.MONTH)
    if m := _MONTH_ONLY.match(phrase):
        return Deadline(original, _upcoming_month_end(MONTHS[m["month"]], today), Precision.MONTH)
    if m := _YEAR_ONLY.match(phrase):
        return Deadline(original, date(int(m["year"]), 12, 31), Precision.YEAR)
    if m := _PART_MONTH.match(phrase):
        month = MONTHS[m["month"]]
        year = int(m["year"]) if m["year"] else _upcoming_month_end(month, today).year
        return Deadline(original, _part_of_month(m["part"], year, month), Precision.PERIOD)
    if m := _PART_YEAR.match(phrase):
        return Deadline(original, _part_of_year(m["part"], int(m["year"])), Precision.PERIOD)
    if m := _QUARTER.match(phrase):
        quarter = int(m["q"]) if m["q"] else _ORDINALS[m["ordinal"]]
        return Deadline(original, _month_end(int(m["year"]), quarter * 3), Precision.QUARTER)
    if m := _HALF.match(phrase):
        half = int(m["h"]) if m["h"] else _ORDINALS[m["ordinal"]]
        return Deadline(original, _month_end(int(m["year"]), half * 6), Precision.HALF)

    if m := (_DAY_MONTH.match(phrase) or _MONTH_DAY.match(phrase)):
        month_number, day_number = MONTHS[m["month"]], int(m["day"])
        upcoming = (month_number, day_number) >= (today.month, today.day)
        year = today.year if upcoming else today.year + 1
        return Deadline(original, _safe_date(year, month_number, day_number, original), Precision.DAY)
    if m := _PART_IN_MONTH.match(phrase):
        month = MONTHS[m["month"]]
        year = int(m["year"]) if m["year"] else _upcoming_month_end(month, today).year
        return Deadline(original, _part_of_month(m["part"], year, month), Precision.PERIOD)
    if m := _SEASON.match(phrase):
        end_month = _SEASONS[m["season"]]
        if m["year"]:
            year = int(m["year"]) + (1 if end_month == 2 else 0)
        else:
            year = _upcoming_month_end(end_month, today).year
        return Deadline(original, _month_end(year, end_month), Precision.PERIOD)
    return Deadline(original, _dateutil_fallback(phrase, original), Precision.DAY)


def _dateutil_fallback(phrase: str, original: str) -> date:
    """Accept dateutil's reading only if it skipped nothing and needed no default part."""
    try:
        first, skipped = dateutil_parser.parse(
            phrase,
            dayfirst=True,
            fuzzy_with_tokens=True,
            default=dateutil_parser.parse("2000-01-01"),
        )
        second = dateutil_parser.parse(phrase, dayfirst=True, default=dateutil_parser.parse("2004-02-02"))
    except (ValueError, OverflowError):
        raise BadInput(UNREADABLE, phrase=original) from None
    if any(token.strip(" ,.-/") for token in skipped) or first.date() != second.date():
        raise BadInput(UNREADABLE, phrase=original)
    result: date = first.date()
    return result


# --- Russian and Turkish forms of the common phrases --------------------------------------------
# Typed in chat by people who read the bot in Russian or Turkish: the same meanings as the English
# grammar (end of a month or year, parts of a year, a day, a month, a quarter, the next meeting,
# within N days), in the forms such phrases usually take. Anything else falls back to the English
# grammar's refusal.

_RU_MONTHS = {
    stem + ending: number
    for number, (stem, endings) in enumerate(
        [
            ("январ", ("ь", "я", "е")),
            ("феврал", ("ь", "я", "е")),
            ("март", ("", "а", "е")),
            ("апрел", ("ь", "я", "е")),
            ("ма", ("й", "я", "е")),
            ("июн", ("ь", "я", "е")),
            ("июл", ("ь", "я", "е")),
            ("август", ("", "а", "е")),
            ("сентябр", ("ь", "я", "е")),
            ("октябр", ("ь", "я", "е")),
            ("ноябр", ("ь", "я", "е")),
            ("декабр", ("ь", "я", "е")),
        ],
        start=1,
    )
    for ending in endings
}
_TR_MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "ocak",
            "şubat",
            "mart",
            "nisan",
            "mayıs",
            "haziran",
            "temmuz",
            "ağustos",
            "eylül",
            "ekim",
            "kasım",
            "aralık",
        ],
        start=1,
    )
}
_RU_MONTH = r"(?P<month>" + "|".join(sorted(_RU_MONTHS, key=len, reverse=True)) + r")"
_TR_MONTH = r"(?P<month>" + "|".join(sorted(_TR_MONTHS, key=len, reverse=True)) + r")"
_RU_YEAR = r"(?P<year>\d{4})(?:\s*(?:г|года|году|год)\b\.?)?"
_RU_BY = r"(?:(?:до|к|не позднее|не позже|в срок до)\s+)?"
_RU_PARTS = {"начал": "early", "середин": "mid", "конц": "end of", "конец": "end of"}
_RU_PART = r"(?P<part>начал[оеа]|середин[аеуы]|конц[ауе]|конец)\s+"
_RU_QUARTERS = {
    "1": 1,
    "i": 1,
    "перв": 1,
    "2": 2,
    "ii": 2,
    "втор": 2,
    "3": 3,
    "iii": 3,
    "трет": 3,
    "4": 4,
    "iv": 4,
}
_RU_MEETING_KIND = r"(?:(?:совещани|заседани)(?:ем|[яюеи])|(?:встреч|конференци|сесси)(?:ей|[иеую]))"
_RU_NUMBERS = {
    "один": 1,
    "одного": 1,
    "двух": 2,
    "два": 2,
    "две": 2,
    "трех": 3,
    "три": 3,
    "четырех": 4,
    # "через одну неделю", "через пять дней", "в течение шести месяцев"
    "одну": 1,
    "четыре": 4,
    "пять": 5,
    "пяти": 5,
    "шесть": 6,
    "шести": 6,
    "семь": 7,
    "семи": 7,
    "восемь": 8,
    "восьми": 8,
    "девять": 9,
    "девяти": 9,
    "десять": 10,
    "десяти": 10,
    "двенадцать": 12,
    "двенадцати": 12,
}
_RU_N = r"(?P<n>\d{1,3}|" + "|".join(sorted(_RU_NUMBERS, key=len, reverse=True)) + ")"
# a date in figures, as the English grammar reads it ("15.05.2027", "15/05/2027", "2027-05-15")
_NUMERIC = r"(?P<numeric>\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}-\d{1,2}-\d{1,2})"

_RU_PATTERNS = [
    # "до конца марта 2027", "в конце марта", "к середине апреля 2027 года"
    ("part_month", re.compile(r"^(?:(?:до|к|в)\s+)?" + _RU_PART + _RU_MONTH + r"(?:\s+" + _RU_YEAR + ")?$")),
    # "до конца 2027 года", "в начале 2027", "к середине 2027 г."
    ("part_year", re.compile(r"^(?:(?:до|к|в)\s+)?" + _RU_PART + _RU_YEAR + "$")),
    (
        "end_of_this_year",
        re.compile(r"^(?:(?:до|к|в)\s+)?(?:конц[ауе]|конец)\s+(?:этого\s+|текущего\s+)?года$"),
    ),
    (
        "end_of_next_year",
        re.compile(r"^(?:(?:до|к|в)\s+)?(?:конц[ауе]|конец)\s+(?:следующего|будущего)\s+года$"),
    ),
    # "до конца месяца", "к концу следующего месяца"
    (
        "end_of_month",
        re.compile(
            r"^(?:(?:до|к|в)\s+)?(?:конц[ауе]|конец)\s+(?:(?P<next>следующего|будущего)\s+|этого\s+|текущего\s+)?"
            r"месяца$"
        ),
    ),
    # "до пятницы", "к понедельнику", "не позднее среды"
    (
        "weekday",
        re.compile(
            r"^(?:до|к|не позднее)\s+(?P<weekday>понедельник[ауа]?|вторник[ау]?|сред[ыуе]|четверг[ау]?|"
            r"пятниц[ыеу]|суббот[ыеу]|воскресень[яюе])$"
        ),
    ),
    # "до 31 марта 2027 г.", "31 марта 2027", "не позднее 5 декабря 2027 года"
    (
        "day_month_year",
        re.compile("^" + _RU_BY + r"(?P<day>\d{1,2})\s+" + _RU_MONTH + r"\s+" + _RU_YEAR + "$"),
    ),
    ("day_month", re.compile("^" + _RU_BY + r"(?P<day>\d{1,2})\s+" + _RU_MONTH + "$")),
    # "в марте 2027", "март 2027 г."
    ("month_year", re.compile(r"^(?:в\s+)?" + _RU_MONTH + r"\s+" + _RU_YEAR + "$")),
    # "в 2027 году", "2027 г."
    ("year", re.compile(r"^(?:в\s+(?:течение\s+)?)?" + _RU_YEAR + "$")),
    # "в первом квартале 2027 года", "I квартал 2027", "до конца 3 квартала 2027"
    (
        "quarter",
        re.compile(
            r"^(?:(?:в|во|до конца|к концу)\s+)?(?P<q>[1-4]|iv|iii|ii|i|перв|втор|трет)[а-яё-]*"
            + r"\s+квартал[аеу]?\s+"
            + _RU_YEAR
            + "$"
        ),
    ),
    # "во втором полугодии 2027", "в первой половине 2027 года", "II полугодие 2027": "H2 2027"
    (
        "half",
        re.compile(
            r"^(?:(?:в|во|до конца|к концу)\s+)?(?P<h>[12]|ii|i|перв|втор)[а-яё-]*"
            + r"\s+(?:полугоди[еяюи]|половин[аеуы])\s+"
            + _RU_YEAR
            + "$"
        ),
    ),
    # "до 15.05.2027", "к 2027-05-15", "не позднее 15.05.2027 г.": "by 15.05.2027"
    ("numeric", re.compile("^" + _RU_BY + _NUMERIC + r"(?:\s*г\.?|\s+года)?$")),
    # "до следующего совещания", "к следующему заседанию", "на следующем совещании"
    (
        "meeting",
        re.compile(
            r"^(?P<rel>до|к|перед|на|в ходе)\s+(?:следующ|очередн|ближайш)[а-яё]+\s+(?:[а-яё-]+\s+){0,2}?"
            + _RU_MEETING_KIND
            + r"(?:\s+.{0,30})?$"
        ),
    ),
    # "за 6 недель до следующего совещания", "за 10 дней до следующей встречи"
    (
        "relative_meeting",
        re.compile(
            r"^за\s+"
            + _RU_N
            + r"\s+(?P<unit>дн|день|дней|дня|недел)[а-яё]*\s+до\s+(?:следующ|очередн|ближайш)[а-яё]+\s+"
            r"(?:[а-яё-]+\s+){0,2}?" + _RU_MEETING_KIND + "$"
        ),
    ),
    # "в течение 2 недель", "в течение месяца", "в течение 10 дней"; "через 2 недели", "через месяц"
    # (the bot's own reminders say "через N дней"): "in 2 weeks", "in a month"
    (
        "within",
        re.compile(
            r"^(?:в течение|за|через)\s+(?:" + _RU_N + r"\s+)?(?P<unit>дн|день|дней|дня|недел|месяц)[а-яё]*$"
        ),
    ),
    ("asap", re.compile(r"^(?:как можно (?:скорее|быстрее)|в кратчайшие сроки|незамедлительно|срочно)$")),
]

_TR_SUFFIX = r"(?:['’]?[a-zçğıöşü]+)?"  # 2027'ye, Mart'ta, 31 Mart 2027'de
_TR_YEAR = r"(?P<year>\d{4})" + _TR_SUFFIX
_TR_KADAR = r"(?:\s+(?:kadar|dek|itibarıyla))?"
_TR_PARTS = {"baş": "early", "ort": "mid", "son": "end of"}
_TR_NUMBERS = {
    "bir": 1,
    "iki": 2,
    "üç": 3,
    "dört": 4,
    "beş": 5,
    "altı": 6,
    "yedi": 7,
    "sekiz": 8,
    "dokuz": 9,
    "on": 10,
    "on iki": 12,
}
_TR_N = r"(?P<n>\d{1,3}|" + "|".join(sorted(_TR_NUMBERS, key=len, reverse=True)) + ")"
_TR_HALVES = {"1.": 1, "ilk": 1, "birinci": 1, "2.": 2, "ikinci": 2}
_TR_PATTERNS = [
    # "mart 2027 sonuna kadar", "mart sonuna kadar", "mart ayı sonuna kadar", "mart 2027 sonu"
    (
        "part_month",
        re.compile(
            "^"
            + _TR_MONTH
            + _TR_SUFFIX
            + r"(?:\s+(?P<year>\d{4}))?(?:\s+ayı(?:nın)?)?\s+(?P<part>baş|ort|son)[a-zçğıöşü]*"
            + _TR_KADAR
            + "$"
        ),
    ),
    # "2027 sonuna kadar", "2027 yılı sonuna kadar", "2027 yılının ortasına kadar", "2027 başında"
    (
        "part_year",
        re.compile(
            r"^(?P<year>\d{4})"
            + _TR_SUFFIX
            + r"(?:\s+yılı(?:nın)?)?\s+(?P<part>baş|ort|son)[a-zçğıöşü]*"
            + _TR_KADAR
            + "$"
        ),
    ),
    ("end_of_this_year", re.compile(r"^(?:bu\s+)?yıl(?:ın)?\s+son[a-zçğıöşü]*" + _TR_KADAR + "$")),
    (
        "end_of_next_year",
        re.compile(r"^(?:gelecek|önümüzdeki)\s+yıl(?:ın)?\s+son[a-zçğıöşü]*" + _TR_KADAR + "$"),
    ),
    # "ay sonuna kadar", "gelecek ayın sonuna kadar"
    (
        "end_of_month",
        re.compile(
            r"^(?:bu\s+)?(?:(?P<next>gelecek|önümüzdeki)\s+)?ay(?:ın)?\s+son[a-zçğıöşü]*" + _TR_KADAR + "$"
        ),
    ),
    # "cumaya kadar", "cuma gününe kadar", "pazartesiye dek"
    (
        "weekday",
        re.compile(
            r"^(?P<weekday>pazartesi|salı|çarşamba|perşembe|cumartesi|cuma|pazar)"
            r"(?:\s+gününe|['’]?y?[ae])\s+(?:kadar|dek)$"
        ),
    ),
    # "31 mart 2027'ye kadar", "31 mart 2027", "en geç 31 mart 2027"
    (
        "day_month_year",
        re.compile(r"^(?:en geç\s+)?(?P<day>\d{1,2})\s+" + _TR_MONTH + r"\s+" + _TR_YEAR + _TR_KADAR + "$"),
    ),
    (
        "day_month",
        re.compile(r"^(?:en geç\s+)?(?P<day>\d{1,2})\s+" + _TR_MONTH + _TR_SUFFIX + _TR_KADAR + "$"),
    ),
    # "mart 2027'de", "mart 2027'ye kadar"
    ("month_year", re.compile("^" + _TR_MONTH + r"\s+" + _TR_YEAR + _TR_KADAR + "$")),
    # "2027'de", "2027 yılında", "2027 yılı içinde"
    ("year", re.compile(r"^" + _TR_YEAR + r"(?:\s+yılı(?:nda)?)?(?:\s+içinde)?$")),
    # "2027 ilk çeyreği", "2027'nin üçüncü çeyreğinde", "2027 1. çeyrek"
    (
        "quarter",
        re.compile(
            r"^(?P<year>\d{4})"
            + _TR_SUFFIX
            + r"(?:\s+yılının)?\s+(?P<q>[1-4]\.|ilk|birinci|ikinci|üçüncü|dördüncü|son)"
            r"\s+çeyre[kğ][a-zçğıöşü]*" + _TR_KADAR + "$"
        ),
    ),
    (
        "quarter",
        re.compile(
            r"^(?P<q>[1-4]\.|ilk|birinci|ikinci|üçüncü|dördüncü|son)\s+çeyre[kğ][a-zçğıöşü]*\s+"
            + _TR_YEAR
            + _TR_KADAR
            + "$"
        ),
    ),
    # "bir sonraki toplantıdan önce", "sonraki toplantıya kadar", "bir sonraki toplantıda"
    (
        "meeting",
        re.compile(
            r"^(?:bir\s+)?(?:sonraki|gelecek|bir sonraki|müteakip)\s+(?:[a-zçğıöşü]+\s+){0,3}?"
            r"(?:toplantı|oturum|konferans)(?:s[ıi])?"
            r"(?P<rel>n?[dt]an (?:önce|evvel)|n?y?[ae] kadar|n?[dt][ae]|n?y?[ae])$"
        ),
    ),
    # "bir sonraki toplantıdan 6 hafta önce", "sonraki toplantıdan 10 gün önce"
    (
        "relative_meeting",
        re.compile(
            r"^(?:bir\s+)?(?:sonraki|gelecek|bir sonraki|müteakip)\s+(?:[a-zçğıöşü]+\s+){0,3}?"
            r"(?:toplantı|oturum|konferans)(?:s[ıi])?n?[dt]an\s+"
            + _TR_N
            + r"\s+(?P<unit>gün|hafta)\s+(?:önce|evvel)$"
        ),
    ),
    # "2 hafta içinde", "10 gün içinde", "bir ay içinde"; "2 hafta sonra", "bir ay sonra" (the bot's own
    # reminders say "N gün sonra"): "in 2 weeks", "in a month"
    (
        "within",
        re.compile("^" + _TR_N + r"\s+(?P<unit>gün|hafta|ay)\s+(?:içinde|içerisinde|zarfında|sonra)$"),
    ),
    # "2027'nin ikinci yarısında", "2027 yılının ilk yarısı", "ikinci yarı 2027": "H2 2027"
    (
        "half",
        re.compile(
            r"^(?P<year>\d{4})"
            + _TR_SUFFIX
            + r"(?:\s+yılının)?\s+(?P<h>[12]\.|ilk|birinci|ikinci)\s+yarı[a-zçğıöşü]*"
            + _TR_KADAR
            + "$"
        ),
    ),
    (
        "half",
        re.compile(r"^(?P<h>[12]\.|ilk|birinci|ikinci)\s+yarı[a-zçğıöşü]*\s+" + _TR_YEAR + _TR_KADAR + "$"),
    ),
    # "15.05.2027'e kadar", "2027-05-15’ye kadar", "15.05.2027 tarihine kadar", "15.05.2027'de":
    # "by 15.05.2027"
    (
        "numeric",
        re.compile(
            r"^(?:en geç\s+)?"
            + _NUMERIC
            + r"(?:['’](?:[yn]?[ae]|n?[dt][ae])|\s+tarih(?:ine|inde|e|te))?"
            + _TR_KADAR
            + "$"
        ),
    ),
    ("asap", re.compile(r"^(?:mümkün olan\s+)?en kısa (?:sürede|zamanda)$|^derhal$|^acilen$")),
]
_TR_QUARTERS = {
    "1.": 1,
    "ilk": 1,
    "birinci": 1,
    "2.": 2,
    "ikinci": 2,
    "3.": 3,
    "üçüncü": 3,
    "4.": 4,
    "dördüncü": 4,
    "son": 4,
}
_TR_UNITS = {"gün": "day", "hafta": "week", "ay": "month"}
# the start of each weekday's name, Monday first, in Russian and Turkish
_WEEKDAY_STEMS = (
    ("понедельн", "pazartesi"),
    ("вторн", "salı"),
    ("сред", "çarşamba"),
    ("четверг", "perşembe"),
    ("пятниц", "cuma"),
    ("суббот", "cumartesi"),
    ("воскрес", "pazar"),
)


# a phrase is read as Turkish when it has a Turkish letter, a suffix after a figure ("30'una")
# or a Turkish word a deadline uses
_TURKISH = re.compile(
    r"[çğıöşü]|\d['’][a-z]|\b(?:kadar|dek|sonu|sonra|hafta|tarih|içinde|yılı|toplantı|"
    + "|".join(_TR_MONTHS)
    + ")"
)


def _other_language(phrase: str, original: str, today: date, meeting_margin_days: int) -> Deadline | None:
    """A Russian or Turkish deadline phrase, or None when the phrase is neither.

    A phrase in Cyrillic or with Turkish words or suffixes that no pattern reads is refused here:
    dateutil's fuzzy fallback would skip the words it doesn't know and might misread the rest.
    """
    phrase = phrase.replace("i̇", "i").replace("ё", "е")  # "İ".lower() keeps a combining dot
    if re.search(r"[а-я]", phrase):
        patterns, months = _RU_PATTERNS, _RU_MONTHS
    elif _TURKISH.search(phrase):
        patterns, months = _TR_PATTERNS, _TR_MONTHS
    else:
        return None
    turkish = patterns is _TR_PATTERNS
    for kind, pattern in patterns:
        m = pattern.match(phrase)
        if m is None:
            continue
        groups = m.groupdict()
        year = int(groups["year"]) if groups.get("year") else None
        month = months[groups["month"]] if groups.get("month") else None
        if kind in ("part_month", "part_year"):
            part_word = groups["part"]
            table = _TR_PARTS if turkish else _RU_PARTS
            part = next(v for k, v in table.items() if part_word.startswith(k))
            if kind == "part_year":
                assert year is not None
                return Deadline(original, _part_of_year(part, year), Precision.PERIOD)
            assert month is not None
            year = year or _upcoming_month_end(month, today).year
            return Deadline(original, _part_of_month(part, year, month), Precision.PERIOD)
        if kind == "end_of_this_year":
            return Deadline(original, date(today.year, 12, 31), Precision.YEAR)
        if kind == "end_of_next_year":
            return Deadline(original, date(today.year + 1, 12, 31), Precision.YEAR)
        if kind == "end_of_month":
            return Deadline(
                original, _month_end_after(today, 1 if groups.get("next") else 0), Precision.MONTH
            )
        if kind == "weekday":
            word = groups["weekday"]
            # the longest name it starts with: "cumartesi" (Saturday) starts with "cuma" (Friday)
            _, index = max(
                (len(stem), i)
                for i, stems in enumerate(_WEEKDAY_STEMS)
                for stem in stems
                if word.startswith(stem)
            )
            return Deadline(original, _coming_weekday(today, index), Precision.DAY)
        if kind == "day_month_year":
            assert year is not None and month is not None
            return Deadline(original, _safe_date(year, month, int(groups["day"]), original), Precision.DAY)
        if kind == "day_month":
            assert month is not None
            day_number = int(groups["day"])
            year = today.year if (month, day_number) >= (today.month, today.day) else today.year + 1
            return Deadline(original, _safe_date(year, month, day_number, original), Precision.DAY)
        if kind == "month_year":
            assert year is not None and month is not None
            return Deadline(original, _month_end(year, month), Precision.MONTH)
        if kind == "year":
            assert year is not None
            return Deadline(original, date(year, 12, 31), Precision.YEAR)
        if kind == "quarter":
            assert year is not None
            word = groups["q"]
            quarter = _TR_QUARTERS[word] if turkish else _RU_QUARTERS[word]
            return Deadline(original, _month_end(year, quarter * 3), Precision.QUARTER)
        if kind == "half":
            assert year is not None
            word = groups["h"]
            half = _TR_HALVES[word] if turkish else 2 if word in ("2", "ii", "втор") else 1
            return Deadline(original, _month_end(year, half * 6), Precision.HALF)
        if kind == "numeric":  # read as the English grammar reads the figures: a day
            return Deadline(original, _absolute(groups["numeric"], original, today).due_date, Precision.DAY)
        if kind == "meeting":
            rel = groups["rel"]
            at = not re.search("önce|evvel|kadar", rel) if turkish else rel in ("на", "в ходе")
            return Deadline(original, None, Precision.MEETING, offset_days=0 if at else meeting_margin_days)
        if kind == "relative_meeting":
            word, unit_word = groups["n"], groups["unit"]
            if turkish:
                n = int(word) if word.isdigit() else _TR_NUMBERS[word]
            else:
                n = int(word) if word.isdigit() else _RU_NUMBERS[word]
            weeks = unit_word in ("hafta",) or unit_word.startswith("недел")
            return Deadline(original, None, Precision.MEETING, offset_days=n * (7 if weeks else 1))
        if kind == "within":
            if turkish:
                n = int(groups["n"]) if groups["n"].isdigit() else _TR_NUMBERS[groups["n"]]
                unit = _TR_UNITS[groups["unit"]]
            else:
                word = groups["n"] or "1"
                n = int(word) if word.isdigit() else _RU_NUMBERS[word]
                unit = (
                    "week"
                    if groups["unit"].startswith("недел")
                    else "month"
                    if groups["unit"] == "месяц"
                    else "day"
                )
            return Deadline(
                original, _add(today, n, unit), Precision.MONTH if unit == "month" else Precision.DAY
            )
        return Deadline(original, today + timedelta(days=ASAP_DAYS), Precision.PERIOD)  # asap
    raise BadInput(UNREADABLE, phrase=original)


def resolve_linked(meeting_date: date | None, offset_days: int | None) -> date | None:
    """The due date of a meeting-linked deadline, or None while the meeting has no date."""
    if meeting_date is None:
        return None
    return meeting_date - timedelta(days=offset_days or 0)


_ANCHOR = re.compile(
    r"\b(?:by|until|till|before|no later than|not later than|in|during|within|ahead of|prior to|at|"
    r"this|next|towards?|"
    r"end of|the end of|early|mid|late|first|second|q[1-4]|h[12]|as soon as possible|asap|tbd|"
    r"\d{1,3}|one|two|three|four|six|eight|ten|twelve)\b",
    re.IGNORECASE,
)
_HAS_TIME = re.compile(
    r"\b(?:\d{4}|next|asap|as soon as possible|tbd|days?|weeks?|months?|year|session|meeting|"
    r"spring|summer|autumn|fall|winter|"
    + "|".join((*sorted(MONTHS, key=len, reverse=True), *_WEEKDAYS))
    + r")\b",
    re.IGNORECASE,
)
# "the budget for 2026", "performance in 2024 and plans for 2025": a period the text is about, not a
# deadline
_NOT_A_DEADLINE = re.compile(r"^for\s+(?:the\s+(?:year|period)\s+)?\d{4}\b", re.IGNORECASE)


# a weekday is a deadline in a sentence only after "by", "until" …: "on Monday" tells what happened
# "by", "before" …: the words that make a period's end a deadline ("at the end of the year" is when)
_BY = re.compile(r"^(?:by|before|until|till|no later than|not later than|towards?)\s", re.IGNORECASE)
_END_OF_PERIOD = re.compile(r"\bend of (?:the\s+)?(?:the|this|next|following) (?:year|month)$", re.IGNORECASE)
_BY_WEEKDAY = re.compile(
    r"^(?:by|before|no later than|not later than)\s+(?:this\s+|the coming\s+)?(?:"
    + "|".join(_WEEKDAYS)
    + r")$",
    re.IGNORECASE,
)


def find_deadline(sentence: str, *, today: date, meeting_margin_days: int = 14) -> Deadline | None:
    """The longest deadline phrase inside a sentence ("… until early 2023 for partner …"), if any."""
    words = re.findall(r"\S+", sentence)
    starts = [m.start() for m in _ANCHOR.finditer(sentence)]
    best: Deadline | None = None
    for start in starts:
        prefix_words = len(re.findall(r"\S+", sentence[:start]))
        for length in range(min(9, len(words) - prefix_words), 0, -1):
            candidate = " ".join(words[prefix_words : prefix_words + length]).strip(" .;,:()")
            if candidate.count("(") > candidate.count(")"):
                candidate += ")"  # "by the end of the year (2026)" keeps its closing bracket
            if not _HAS_TIME.search(candidate) or _NOT_A_DEADLINE.match(candidate):
                continue
            try:
                found = parse_deadline(candidate, today=today, meeting_margin_days=meeting_margin_days)
            except BadInput:
                continue
            if (
                found.precision is Precision.DAY
                and not re.search(r"\d|middle of|\b(?:days?|weeks?)\b", candidate, re.I)
                and not _BY_WEEKDAY.match(candidate)
            ):
                # a weekday without "by" ("on Monday, the meeting …"); "within two weeks" is a day
                continue
            if found.meeting_linked and re.match(r"(?:the\s+)?next\b", candidate, re.IGNORECASE):
                continue  # "host the next expert meeting": what is done, not by when
            if _END_OF_PERIOD.search(candidate) and not _BY.match(candidate):
                continue  # "At the end of the year, the Committee reviewed …": when, not by when
            if best is None or _preferred(found, best):
                best = found
            break
    return best


def _preferred(found: Deadline, best: Deadline) -> bool:
    """A phrase with a date in it beats a bare weekday ("by Friday, 14 March"); else the longer."""
    weekday, best_weekday = bool(_BY_WEEKDAY.match(found.text)), bool(_BY_WEEKDAY.match(best.text))
    if weekday != best_weekday:
        return best_weekday
    return len(found.text) > len(best.text)


def phrase_shown(text: str | None, tr: Translator) -> str:
    """A deadline phrase as a reader sees it (plain text): as written, since the agreed words are
    never translated, except the bot's own words (the default deadline, and none at all)."""
    if not text or text == NO_PHRASE:
        return tr.gettext(NO_DEADLINE)
    if text == DEFAULT_DUE:
        return tr.gettext(DEFAULT_DUE)
    return text


def names_day(text: str, day: date, lang: str) -> bool:
    """Does the phrase already name ``day`` as the reader's language writes it ("31 марта 2027",
    "31 Mart'a kadar")? Then the card needn't repeat the date."""
    words = " ".join(text.lower().split())
    return format_date(day, "d MMMM", locale=lang).lower() in words
