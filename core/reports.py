"""Meeting reports -> next steps: the actions a meeting agreed, their owners and deadlines.

Reads plain text and Markdown (files are turned into text first by ``core.report_files``); the
finding itself is pure and lives in ``core.extract`` (sections, scattered decisions, tables,
header). Here the owners as written are matched to known parties (names and aliases, any script);
an owner that is no known party is kept in ``unknown_owners`` for the secretariat to add, and a
step naming none is flagged, never guessed. Deadlines come from the grammar in ``core.deadlines``;
without a meeting date, a phrase that needs one stays unresolved and the draft says the date is
missing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, select

from core import clock, limits
from core.deadlines import Deadline, parse_deadline, resolve_linked
from core.errors import Amount, BadInput, UserError
from core.extract import extract
from core.extract.actions import without_titles
from core.extract.reasons import Reason, why_line
from core.i18n import N_
from core.items import DEFAULT_DUE
from core.meetings import make_next_meeting, next_meeting
from core.parties import normalise_name, sorted_parties
from core.report_files import MAX_REPORT_BYTES, read_report, too_big
from storage.models import Item, ItemEvent, ItemOwner, Meeting, Party, Precision

__all__ = [
    "MAX_REPORT_BYTES",
    "MAX_STEPS",
    "ReportDraft",
    "StepDraft",
    "parse_report",
    "read_report",
    "store_report",
    "too_big",
]
MAX_STEPS = limits.REPORT_STEPS.most  # a sanity cap: a 10,000-step work plan parses; a runaway file doesn't
DOUBTFUL_BELOW = 0.6
IN_STEP = N_("Step {ref}: {error}")


class StepError(BadInput):
    """A step that can't be stored as it is: the reason, naming the step (translated as a whole)."""

    def __init__(self, ref: str, error: UserError) -> None:
        super().__init__(IN_STEP, ref=ref, error=str(error))
        self.error = error

    def translated(self, tr: Any) -> str:
        try:
            return str(tr.gettext(IN_STEP)).format(ref=self.params["ref"], error=self.error.translated(tr))
        except (KeyError, IndexError, ValueError):
            return str(self)


@dataclass
class StepDraft:
    key: str  # stable id within the draft ("1", "2", … in document order at parse time)
    ref: str  # the document's own reference ("§13.2", "56/101 (c)", "¶98"), or "#3"
    text: str
    owners: list[Party] = field(default_factory=list)
    unknown_owners: list[str] = field(default_factory=list)  # owners as written that are no known party
    deadline: Deadline | None = None
    deadline_phrase: str | None = None  # as written, if any
    confidence: float = 1.0  # 0..1
    why: str = ""  # a short reason the step was taken, in English (the CLI, older previews)
    reasons: list[Reason] = field(default_factory=list)  # the same, translated where shown

    @property
    def needs_owner(self) -> bool:
        return not self.owners and not self.unknown_owners

    @property
    def unknown_owner(self) -> str | None:
        """The first owner as written that is no known party (older callers use one)."""
        return self.unknown_owners[0] if self.unknown_owners else None

    @unknown_owner.setter
    def unknown_owner(self, value: str | None) -> None:
        self.unknown_owners = [value, *self.unknown_owners[1:]] if value else []

    @property
    def doubtful(self) -> bool:
        """Worth a second look: a weak match, or a deadline phrase that resolved to nothing."""
        unresolved = bool(self.deadline_phrase) and (
            self.deadline is None
            or (
                self.deadline.due_date is None
                and not self.deadline.meeting_linked
                and normalise_name(self.deadline_phrase) not in ("tbd", "tba", "tbc", "to be determined")
            )
        )
        return self.confidence < DOUBTFUL_BELOW or unresolved


@dataclass
class ReportDraft:
    meeting_name: str | None
    meeting_date: date | None
    place: str | None
    steps: list[StepDraft]
    # the next meeting the report fixes ("the fifty-seventh session … shall be held from 3 to
    # 6 March 2026"), kept only while no next meeting is set and it is still ahead: the import sets it
    next_meeting_name: str | None = None
    next_meeting_on: date | None = None

    @property
    def missing(self) -> list[str]:
        """What the header didn't say: "name", "date" (the preview asks for them)."""
        return [
            what for what, value in (("name", self.meeting_name), ("date", self.meeting_date)) if not value
        ]


def _match_parties(text: str, parties: list[Party]) -> list[Party]:
    haystack = f" {normalise_name(text)} "
    found = []
    for party in parties:
        labels = [party.name, *party.aliases]
        if any(f" {normalise_name(label)} " in haystack for label in labels if normalise_name(label)):
            found.append(party)
    return found


def _owners(written: list[str], text: str, known: list[Party]) -> tuple[list[Party], list[str]]:
    """Known parties named as owners (or, with no owner written, in the step's text), and the
    owners as written that are no known party."""
    owners: list[Party] = []
    unknown: list[str] = []
    for name in written:
        matched = _match_parties(name, known)
        if matched:
            owners += [p for p in matched if p not in owners]
        elif name not in unknown:
            unknown.append(name)
    owners += [p for p in _match_parties(without_titles(text), known) if p not in owners]
    return owners, unknown


def parse_report(
    *, session: Session, text: str, today: date | None = None, meeting_margin_days: int = 14
) -> ReportDraft:
    """Everything an import would store, for the secretariat to review first."""
    found = extract(unicodedata.normalize("NFC", text), meeting_margin_days=meeting_margin_days)
    if not found.actions:
        raise BadInput(
            "I couldn't find a section of agreed actions (next steps, action points, decisions, "
            "conclusions, follow-up) or any sentence that reads like one in that report."
        )
    if len(found.actions) > MAX_STEPS:
        raise BadInput(
            "That report has {count} steps; I import at most {most} at a time. Send it in parts.",
            count=Amount(len(found.actions)),
            most=Amount(MAX_STEPS),
        )
    known = sorted_parties(session.exec(select(Party)).all())
    steps = []
    for number, action in enumerate(found.actions, start=1):
        owners, unknown = _owners(action.owners, action.text, known)
        step = StepDraft(
            key=str(number),
            ref=_shortened(limits.REF, action.ref),
            text=_shortened(limits.ITEM_TEXT, action.text),
            owners=owners,
            unknown_owners=unknown,
            deadline=action.deadline,
            deadline_phrase=action.deadline_phrase,
            confidence=action.confidence,
            why=action.why,
            reasons=list(action.reasons),
        )
        if step.text != action.text:  # one overlong step never costs the whole report
            step.confidence = min(step.confidence, DOUBTFUL_BELOW / 2)
            step.reasons = [Reason("shortened", {"chars": len(action.text)})]
            step.why = why_line(step.reasons)
        steps.append(step)
    upcoming = found.next_meeting
    if upcoming is not None and not _report_sets_next(upcoming[1], next_meeting(session=session)):
        upcoming = None  # a meeting long past, or the secretariat's own next meeting: left alone
    return ReportDraft(
        meeting_name=_fits(limits.MEETING_NAME, found.name),
        meeting_date=found.meeting_date,
        place=_fits(limits.PLACE, found.place),
        steps=steps,
        next_meeting_name=_fits(limits.MEETING_NAME, upcoming[0]) if upcoming else None,
        next_meeting_on=upcoming[1] if upcoming else None,
    )


def _report_sets_next(held_on: date, current: Meeting | None) -> bool:
    """Whether the next meeting a report fixes becomes the next meeting: only while none is set
    (the secretariat's own is never changed) and it is still ahead."""
    return current is None and held_on >= clock.today_in("UTC")


def _fits(limit: limits.Limit, text: str | None) -> str | None:
    """``text`` if it fits ``limit``; a header field that doesn't is treated as unread (then asked)."""
    return text if text is not None and len(text) <= limit.most else None


def _shortened(limit: limits.Limit, text: str) -> str:
    """``text`` cut at a word boundary to fit ``limit``, ending with "…"."""
    if len(text) <= limit.most:
        return text
    cut = text[: limit.most - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


@dataclass
class ImportResult:
    meeting: Meeting
    created: list[int]
    skipped: list[str]  # refs already imported
    next_meeting: Meeting | None = None  # set by this import, as the report fixes it


def store_report(
    *,
    session: Session,
    draft: ReportDraft,
    meeting_margin_days: int,
    meeting_name: str | None = None,
    meeting_date: date | None = None,
    today: date | None = None,
) -> ImportResult:
    """Create the meeting (once) and its steps; a step already imported is skipped, not doubled.

    The same rows as ``core.items.create_item`` makes for each step (the item, its owners, its
    "created" event), written in bulk: parties and the next meeting are looked up once.
    """
    name = meeting_name or draft.meeting_name
    held_on = meeting_date or draft.meeting_date
    if not name:
        raise BadInput("The report doesn't say which meeting it is: give --meeting NAME --date YYYY-MM-DD.")
    limits.check_length(limits.MEETING_NAME, name)
    limits.check_length(limits.PLACE, draft.place or "")
    reference = held_on or today or clock.today_in("UTC")
    parties = sorted_parties(session.exec(select(Party)).all())
    by_key = {normalise_name(label): party for party in parties for label in (party.name, *party.aliases)}
    plans: list[tuple[StepDraft, list[Party], Deadline]] = []
    for step in draft.steps:
        owners = [p for p in step.owners if p.id is not None]
        for written in step.unknown_owners:  # added as a party since the preview?
            party = by_key.get(normalise_name(written))
            if party is not None and party not in owners:
                owners.append(party)
        if not owners:
            raise BadInput("{ref} has no owner: assign one before importing.", ref=step.ref)
        try:
            limits.check_length(limits.ITEM_TEXT, step.text.strip())
            limits.check_length(limits.REF, " ".join(step.ref.split()))
            limits.check_count(limits.OWNERS, owners)
            deadline = step.deadline
            if deadline is None or (deadline.precision is Precision.NONE and not deadline.text.strip()):
                deadline = parse_deadline(
                    DEFAULT_DUE, today=reference, meeting_margin_days=meeting_margin_days
                )
            limits.check_length(limits.DUE_PHRASE, deadline.text)
        except BadInput as exc:  # e.g. more owners than an item takes: say which step
            raise StepError(step.ref, exc) from None
        plans.append((step, owners, deadline))
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
    linked_to = next_meeting(session=session)
    set_by_report = None
    if (
        draft.next_meeting_name
        and draft.next_meeting_on
        and _report_sets_next(draft.next_meeting_on, linked_to)
    ):
        linked_to, _ = make_next_meeting(
            session=session, held_on=draft.next_meeting_on, name=draft.next_meeting_name
        )
        set_by_report = linked_to
    now = clock.now()
    new: list[tuple[Item, list[Party]]] = []
    skipped: list[str] = []
    for step, owners, deadline in plans:
        ref = " ".join(step.ref.split()) or None
        if (ref, step.text.strip()) in existing:
            skipped.append(step.ref)
            continue
        existing.add((ref, step.text.strip()))
        item = Item(
            text=step.text.strip(),
            created_at=now,
            updated_at=now,
            meeting_id=meeting.id,
            paragraph_ref=ref,
            due_text=deadline.text,
            due_date=deadline.due_date,
            due_precision=deadline.precision,
            due_meeting_id=linked_to.id if deadline.meeting_linked and linked_to else None,
            due_offset_days=deadline.offset_days,
        )
        if deadline.meeting_linked and linked_to is not None:
            item.due_date = resolve_linked(linked_to.held_on, deadline.offset_days)
        new.append((item, owners))
    session.add_all([item for item, _ in new])
    session.flush()
    rows: list[ItemOwner | ItemEvent] = []
    for item, owners in new:
        assert item.id is not None
        rows += [ItemOwner(item_id=item.id, party_id=p.id) for p in owners if p.id is not None]
        rows.append(
            ItemEvent(
                item_id=item.id,
                at=now,
                actor_member_id=None,
                actor_name="NextSteps",
                kind="created",
                new_value=item.status.value,
            )
        )
    session.add_all(rows)
    session.flush()
    return ImportResult(
        meeting=meeting,
        created=[item.id for item, _ in new if item.id],
        skipped=skipped,
        next_meeting=set_by_report,
    )
