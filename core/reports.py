"""Meeting reports -> next steps: find the agreed-actions section, its steps, owners, deadlines.

Reads plain text and Markdown (files are turned into text first by ``core.report_files``).
Owners are only the known parties and aliases named in a step; a step naming none is flagged
for the secretariat, never guessed. Deadlines come from the grammar in ``core.deadlines``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from dateutil import parser as dateutil_parser
from sqlmodel import Session, select

from core import clock, items, limits
from core.deadlines import Deadline, find_deadline
from core.errors import BadInput
from core.items import DEFAULT_DUE
from core.parties import normalise_name, sorted_parties
from core.report_files import MAX_REPORT_BYTES, read_report, too_big
from storage.models import Item, Meeting, Party

__all__ = [
    "MAX_REPORT_BYTES",
    "ReportDraft",
    "StepDraft",
    "parse_report",
    "read_report",
    "store_report",
    "too_big",
]
SECTION_WORDS = re.compile(
    r"next steps|action points?|actions agreed|agreed actions|follow[- ]up|the way forward|decisions",
    re.IGNORECASE,
)
_PARAGRAPH = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")
_DASH = re.compile(r"^\s*[-*•–]\s+(.*)$")
_BULLET = re.compile(r"^\s*(?:[-*•–]|\(?(?:\d{1,2}|[a-z])[.)])\s+(.*)$", re.IGNORECASE)
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+|\*\*)?(.+?)(?:\*\*)?\s*:?\s*$")
_TABLE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
_OWNER_IN_PARENS = re.compile(r"\(([^()]{2,80})\)\s*[.;]?\s*$")


@dataclass
class StepDraft:
    ref: str
    text: str
    owners: list[Party] = field(default_factory=list)
    unknown_owner: str | None = None  # an owner written in the report that is no known party
    deadline: Deadline | None = None

    @property
    def needs_owner(self) -> bool:
        return not self.owners


@dataclass
class ReportDraft:
    meeting_name: str | None
    meeting_date: date | None
    place: str | None
    steps: list[StepDraft]


def _clean(text: str) -> str:
    text = re.sub(r"\*\*|__", "", text)
    return " ".join(text.split())


def _header(lines: list[str]) -> tuple[str | None, date | None, str | None]:
    name = place = None
    when: date | None = None
    for line in lines[:25]:
        plain = _clean(line)
        if not plain:
            continue
        lower = plain.lower()
        if lower.startswith("date:"):
            try:
                when = dateutil_parser.parse(plain[5:], fuzzy=True, dayfirst=True).date()
            except (ValueError, OverflowError):
                when = None
        elif lower.startswith(("location:", "place:", "venue:")):
            place = plain.split(":", 1)[1].strip() or None
        elif name is None and re.search(r"meeting|conference|session|som\b", lower) and len(plain) < 120:
            name = plain.lstrip("# ").strip()
    return name, when, place


def _match_parties(text: str, parties: list[Party]) -> list[Party]:
    haystack = f" {normalise_name(text)} "
    found = []
    for party in parties:
        labels = [party.name, *party.aliases]
        if any(f" {normalise_name(label)} " in haystack for label in labels if normalise_name(label)):
            found.append(party)
    return found


def _is_heading(line: str) -> bool:
    plain = _clean(line)
    return bool(re.match(r"^\s*#{1,6}\s", line)) or (
        0 < len(plain) <= 60
        and not _BULLET.match(line)
        and not _TABLE_ROW.match(line)
        and not plain.endswith(".")
    )


def _section(lines: list[str]) -> tuple[str, list[str]]:
    """The paragraph number (or "") and the lines of the agreed-actions section."""
    for index, line in enumerate(lines):
        plain = _clean(line)
        if not plain or not SECTION_WORDS.search(plain) or _DASH.match(line):
            continue
        para = _PARAGRAPH.match(plain)
        number = para[1] if para and len(para[2]) > 0 else ""
        if not (para or _is_heading(line) or plain.endswith(":")):
            continue
        body: list[str] = []
        for following in lines[index + 1 :]:
            next_para = _PARAGRAPH.match(_clean(following))
            if number and next_para and int(next_para[1]) == int(number) + 1:
                break  # the next numbered paragraph of the report
            if any(b.strip() for b in body) and _is_heading(following) and not _BULLET.match(following):
                break  # the next heading
            body.append(following)
        return number, body
    raise BadInput(
        "I couldn't find a section of agreed actions (next steps, action points, follow-up, the way "
        "forward, decisions) in that report."
    )


@dataclass
class _RawStep:
    ref: str
    text: str
    owner: str | None = None  # as written in a table column or in parentheses
    due: str | None = None  # as written in a table column


def _ref(number: str, index: int) -> str:
    return f"§{number}.{index}" if number else f"#{index}"


def _steps_from(number: str, body: list[str]) -> list[_RawStep]:
    rows = [m[1] for line in body if (m := _TABLE_ROW.match(line))]
    if rows:
        header = [c.strip().lower() for c in rows[0].split("|")]
        steps: list[_RawStep] = []
        for row in rows[1:]:
            cells = [c.strip() for c in row.split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue  # the |---|---| line
            record = dict(zip(header, cells, strict=False))

            def column(pattern: str, record: dict[str, str] = record) -> str | None:
                return next((v for k, v in record.items() if re.search(pattern, k) and v), None)

            text = column(r"action|step|what") or cells[0]
            if text:
                steps.append(
                    _RawStep(
                        _ref(number, len(steps) + 1),
                        _clean(text),
                        column(r"owner|who|responsib"),
                        column(r"due|deadline|when"),
                    )
                )
        return steps
    steps = []
    current: list[str] = []
    for line in [*body, ""]:
        bullet = _BULLET.match(line)
        if bullet or not line.strip():
            if current:
                steps.append(_RawStep(_ref(number, len(steps) + 1), _clean(" ".join(current))))
                current = []
            if bullet:
                current = [bullet[1]]
        elif current:
            current.append(line.strip())
    for step in steps:
        if in_parens := _OWNER_IN_PARENS.search(step.text):
            step.owner = in_parens[1]
            step.text = step.text[: in_parens.start()].rstrip()
    return steps


def parse_report(
    *, session: Session, text: str, today: date | None = None, meeting_margin_days: int = 14
) -> ReportDraft:
    """Everything an import would store, for the secretariat to review first."""
    text = unicodedata.normalize("NFC", text)
    lines = text.splitlines()
    name, when, place = _header(lines)
    number, body = _section(lines)
    raw_steps = _steps_from(number, body)
    if not raw_steps:
        raise BadInput("I found the agreed-actions section but no steps in it.")
    if len(raw_steps) > limits.REPORT_STEPS.most:
        raise BadInput(
            f"That report has {len(raw_steps)} next steps; I import at most {limits.REPORT_STEPS.most} "
            "at a time. Send the steps in parts."
        )
    _check_lengths(name, place, raw_steps)
    known = sorted_parties(session.exec(select(Party)).all())
    reference = when or today or clock.today_in("UTC")
    steps = []
    for raw in raw_steps:
        owners = _match_parties(raw.owner or raw.text, known)
        deadline = find_deadline(
            raw.due or raw.text, today=reference, meeting_margin_days=meeting_margin_days
        )
        unknown = raw.owner if raw.owner and not owners else None
        steps.append(
            StepDraft(ref=raw.ref, text=raw.text, owners=owners, unknown_owner=unknown, deadline=deadline)
        )
    return ReportDraft(meeting_name=name, meeting_date=when, place=place, steps=steps)


def _check_lengths(name: str | None, place: str | None, steps: list[_RawStep]) -> None:
    """Everything an import would store fits its column, on every database; else say which part."""
    try:
        limits.check_length(limits.MEETING_NAME, name or "")
        limits.check_length(limits.PLACE, place or "")
    except BadInput as exc:
        raise BadInput(f"In the report's header: {exc}") from None
    for step in steps:
        try:
            limits.check_length(limits.REF, step.ref)
            limits.check_length(limits.ITEM_TEXT, step.text)
        except BadInput as exc:
            raise BadInput(f"Step {step.ref}: {exc}") from None


@dataclass
class ImportResult:
    meeting: Meeting
    created: list[int]
    skipped: list[str]  # refs already imported


def store_report(
    *,
    session: Session,
    draft: ReportDraft,
    meeting_margin_days: int,
    meeting_name: str | None = None,
    meeting_date: date | None = None,
    today: date | None = None,
) -> ImportResult:
    """Create the meeting (once) and its steps; a step already imported is skipped, not doubled."""
    name = meeting_name or draft.meeting_name
    held_on = meeting_date or draft.meeting_date
    if not name:
        raise BadInput("The report doesn't say which meeting it is: give --meeting NAME --date YYYY-MM-DD.")
    limits.check_length(limits.MEETING_NAME, name)
    limits.check_length(limits.PLACE, draft.place or "")
    meeting = session.exec(select(Meeting).where(Meeting.name == name)).first()
    if meeting is None:
        meeting = Meeting(name=name, held_on=held_on, place=draft.place, created_at=clock.now())
        session.add(meeting)
        session.flush()
    existing = {
        (ref, text)
        for ref, text in session.exec(
            select(Item.paragraph_ref, Item.text).where(Item.meeting_id == meeting.id)
        ).all()
    }
    created, skipped = [], []
    for step in draft.steps:
        if (step.ref, step.text) in existing:
            skipped.append(step.ref)
            continue
        if step.needs_owner:
            raise BadInput(f"{step.ref} has no owner: assign one before importing.")
        try:
            card = items.create_item(
                session=session,
                actor=None,
                text=step.text,
                owner_names=[p.name for p in step.owners],
                due_phrase=step.deadline.text if step.deadline else DEFAULT_DUE,
                today=held_on or today or clock.today_in("UTC"),
                meeting_margin_days=meeting_margin_days,
                meeting_id=meeting.id,
                paragraph_ref=step.ref,
            )
        except BadInput as exc:  # e.g. more owners than an item takes: say which step
            raise BadInput(f"Step {step.ref}: {exc}") from None
        created.append(card.number)
    return ImportResult(meeting=meeting, created=created, skipped=skipped)
