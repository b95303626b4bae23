"""Pending report imports: the draft the secretariat reviews, kept in the database for a day.

A step is addressed by the key it got when the report was read, never by its position: dropping
step 2 leaves step 3 as "3" under every open prompt and button, and dropping it twice drops it
once. Handlers open the session and pass it in; nothing here talks to Telegram.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, delete, select

from core import clock, limits, parties
from core.deadlines import Deadline, parse_deadline
from core.errors import BadInput, UserError
from core.extract.reasons import Reason
from core.i18n import ENGLISH, N_
from core.reports import ImportResult, ReportDraft, StepDraft, store_report
from storage.models import ImportPreview, Party, Precision

GONE = N_("This import is no longer pending: send the file again.")
ENDED = {
    "imported": N_("This report is already imported: /items all lists its steps."),
    "cancelled": N_("This import was cancelled: send the file again to start over."),
}
ALL_STEPS = frozenset({"all", "все", "всё", "tümü", "hepsi"})  # "all: Sweden" in any reader's language


def _without_owner(tr: Any, count: int) -> str:
    return str(
        tr.ngettext(
            "{count} step has no owner: {keys}. Set it (✏️, or reply “{first}: Party”), "
            "add the report's new parties (➕), or drop it.",
            "{count} steps have no owner: {keys}. Set them (✏️, or reply “{first}: Party”), "
            "add the report's new parties (➕), or drop them.",
            count,
        )
    )


class StepsWithoutOwner(BadInput):
    """Import refused: kept steps have no owner (a plural message, translated with ngettext)."""

    def __init__(self, count: int, keys: str, first: str) -> None:
        super().__init__(_without_owner(ENGLISH, count), count=count, keys=keys, first=first)

    def translated(self, tr: Any) -> str:
        if not hasattr(tr, "ngettext"):
            return UserError.translated(self, tr)
        try:
            return _without_owner(tr, int(str(self.params["count"]))).format(**self.params)
        except (KeyError, IndexError, ValueError):
            return str(self)


@dataclass
class Preview:
    """A pending import as loaded: its row, the draft, which steps were dropped."""

    row: ImportPreview
    draft: ReportDraft
    dropped: set[str] = field(default_factory=set)

    @property
    def token(self) -> str:
        return self.row.token

    @property
    def kept(self) -> list[StepDraft]:
        return [s for s in self.draft.steps if s.key not in self.dropped]

    def step(self, key: str) -> StepDraft:
        for step in self.draft.steps:
            if step.key == key:
                return step
        raise BadInput("There is no step {key} in this import.", key=key)

    def without_owner(self) -> list[StepDraft]:
        return [s for s in self.kept if not s.owners]

    def unknown_owners(self) -> list[str]:
        """Owners written in the report that are no known party, once each, in report order."""
        seen: dict[str, str] = {}
        for step in self.kept:
            for name in step.unknown_owners:
                seen.setdefault(parties.normalise_name(name), name)
        return list(seen.values())


# -- (de)serialisation: the draft as JSON, parties by id -------------------------------------------


def _deadline_json(deadline: Deadline | None) -> dict[str, Any] | None:
    if deadline is None:
        return None
    return {
        "text": deadline.text,
        "due": deadline.due_date.isoformat() if deadline.due_date else None,
        "precision": deadline.precision.value,
        "offset_days": deadline.offset_days,
    }


def _deadline_from(data: dict[str, Any] | None) -> Deadline | None:
    if data is None:
        return None
    return Deadline(
        text=data["text"],
        due_date=date.fromisoformat(data["due"]) if data["due"] else None,
        precision=Precision(data["precision"]),
        offset_days=data["offset_days"],
    )


def to_json(draft: ReportDraft, dropped: set[str]) -> dict[str, Any]:
    return {
        "meeting_name": draft.meeting_name,
        "meeting_date": draft.meeting_date.isoformat() if draft.meeting_date else None,
        "place": draft.place,
        "next_meeting_name": draft.next_meeting_name,
        "next_meeting_on": draft.next_meeting_on.isoformat() if draft.next_meeting_on else None,
        "steps": [
            {
                "key": s.key,
                "ref": s.ref,
                "text": s.text,
                "owners": [p.id for p in s.owners],
                "unknown_owners": list(s.unknown_owners),
                "deadline": _deadline_json(s.deadline),
                "deadline_phrase": s.deadline_phrase,
                "confidence": s.confidence,
                "why": s.why,
                "reasons": [r.to_json() for r in s.reasons],
                "dropped": s.key in dropped,
            }
            for s in draft.steps
        ],
    }


def from_json(data: dict[str, Any], known: dict[int, Party]) -> tuple[ReportDraft, set[str]]:
    """The draft back; a party deleted since simply leaves its step without that owner."""
    steps = [
        StepDraft(
            key=s["key"],
            ref=s["ref"],
            text=s["text"],
            owners=[known[i] for i in s["owners"] if i in known],
            unknown_owners=list(s["unknown_owners"]),
            deadline=_deadline_from(s["deadline"]),
            deadline_phrase=s["deadline_phrase"],
            confidence=s["confidence"],
            why=s["why"],
            reasons=[Reason.from_json(r) for r in s.get("reasons", [])],  # none in an older preview
        )
        for s in data["steps"]
    ]
    held, coming = data["meeting_date"], data.get("next_meeting_on")  # none in an older preview
    draft = ReportDraft(
        meeting_name=data["meeting_name"],
        meeting_date=date.fromisoformat(held) if held else None,
        place=data["place"],
        steps=steps,
        next_meeting_name=data.get("next_meeting_name"),
        next_meeting_on=date.fromisoformat(coming) if coming else None,
    )
    return draft, {s["key"] for s in data["steps"] if s["dropped"]}


# -- the rows ----------------------------------------------------------------------------------------


def create(
    *, session: Session, draft: ReportDraft, chat_id: int, member_id: int | None, now: datetime | None = None
) -> Preview:
    """Keep a new preview; a chat's oldest goes when it has too many, and expired ones everywhere."""
    now = now or clock.now()
    prune_expired(session=session, now=now)
    open_here = session.exec(
        select(ImportPreview)
        .where(ImportPreview.chat_id == chat_id, ImportPreview.expires_at > now)
        .order_by(col(ImportPreview.created_at))
    ).all()
    for old in open_here[: max(0, len(open_here) - limits.REPORT_PREVIEWS_PER_CHAT + 1)]:
        session.delete(old)
    row = ImportPreview(
        token=secrets.token_hex(4),
        chat_id=chat_id,
        member_id=member_id,
        draft=to_json(draft, set()),
        messages={},
        created_at=now,
        expires_at=now + limits.REPORT_PREVIEW_TTL,
    )
    session.add(row)
    session.flush()
    return Preview(row=row, draft=draft)


def load(*, session: Session, token: str, chat_id: int, now: datetime | None = None) -> Preview:
    """The pending preview behind a button or reply in this chat (locked for the change), or BadInput."""
    now = now or clock.now()
    row = session.exec(
        select(ImportPreview)
        .where(ImportPreview.token == token, ImportPreview.chat_id == chat_id)
        .with_for_update()
    ).first()
    if row is not None and row.messages.get("ended") in ENDED:
        raise BadInput(ENDED[row.messages["ended"]])
    if row is None or row.expires_at <= now:
        raise BadInput(GONE)
    ids = {i for s in row.draft["steps"] for i in s["owners"]}
    known = {p.id: p for p in session.exec(select(Party).where(col(Party.id).in_(ids))).all()} if ids else {}
    draft, dropped = from_json(row.draft, {k: v for k, v in known.items() if k is not None})
    return Preview(row=row, draft=draft, dropped=dropped)


def save(*, session: Session, preview: Preview) -> None:
    # a new dict: SQLAlchemy notices a replaced JSON value, not one changed in place
    preview.row.draft = to_json(preview.draft, preview.dropped)
    session.add(preview.row)


def remember_messages(*, session: Session, preview: Preview, messages: dict[str, Any]) -> None:
    preview.row.messages = dict(messages)
    session.add(preview.row)


def by_message(*, session: Session, chat_id: int, message_id: int) -> str | None:
    """The token of the preview that sent ``message_id`` in this chat (summary, page, step card,
    prompt), pending or recently ended: a reply to an ended one is told so by ``load``."""
    rows = session.exec(select(ImportPreview).where(ImportPreview.chat_id == chat_id)).all()
    wanted = str(message_id)
    for row in rows:
        shown = row.messages
        if shown.get("summary") == message_id or any(
            wanted in shown.get(kind, {}) for kind in ("pages", "prompts", "cards")
        ):
            return row.token
    return None


def add_candidates(messages: dict[str, Any], names: list[str]) -> list[str]:
    """The preview's list of new party names that buttons point into, with ``names`` appended
    where missing: it only grows, so a button's index always means the same name."""
    candidates: list[str] = list(messages.get("candidates", []))
    candidates += [n for n in dict.fromkeys(names) if n not in candidates]
    messages["candidates"] = candidates
    return candidates


def prune_expired(*, session: Session, now: datetime | None = None) -> int:
    """Forget previews that ended or expired a while ago; returns how many."""
    cutoff = (now or clock.now()) - limits.REPORT_PREVIEW_KEPT_ENDED
    result = session.exec(delete(ImportPreview).where(col(ImportPreview.expires_at) <= cutoff))
    return int(result.rowcount or 0)


def _end(*, session: Session, preview: Preview, outcome: str) -> None:
    """Keep the row a few days without its draft, so a late tap or reply is told what happened."""
    row = preview.row
    row.draft = {"steps": []}
    row.messages = {**row.messages, "ended": outcome}
    row.expires_at = min(row.expires_at, clock.now())
    session.add(row)


def discard(*, session: Session, preview: Preview) -> None:
    _end(session=session, preview=preview, outcome="cancelled")


# -- changes -------------------------------------------------------------------------------------


def drop(preview: Preview, key: str) -> bool:
    """Drop a step; False when it was already dropped (a double tap drops one step)."""
    preview.step(key)
    if key in preview.dropped:
        return False
    preview.dropped.add(key)
    return True


def restore(preview: Preview, key: str) -> bool:
    preview.step(key)
    if key not in preview.dropped:
        return False
    preview.dropped.discard(key)
    return True


def _keys(preview: Preview, text: str) -> list[str]:
    """ "3", "2, 5 9", "all" -> step keys; unknown keys are an error naming them."""
    words = [w for w in re.split(r"[,;\s]+", text.strip()) if w]
    if len(words) == 1 and words[0].lower() in ALL_STEPS:
        return [s.key for s in preview.kept]
    missing = [w for w in words if all(s.key != w for s in preview.draft.steps)]
    if missing or not words:
        raise BadInput("There is no step {key} in this import.", key=", ".join(missing) or text.strip())
    return words


def set_owners(*, session: Session, preview: Preview, keys: str, names_text: str) -> list[str]:
    """Owners for one or more steps ("2, 5: Chairmanship, Sweden"); every name must be a party."""
    chosen = _keys(preview, keys)
    names = _party_names(session=session, text=names_text)
    if not names:
        raise BadInput("Name at least one party, e.g. Chairmanship, Sweden.")
    found, unknown = parties.resolve_parties(session=session, names=names)
    if unknown:
        raise BadInput(
            "I don't know: {names}. /parties lists them; ➕ adds the report's.", names=", ".join(unknown)
        )
    for key in chosen:
        step = preview.step(key)
        step.owners, step.unknown_owners = list(found), []
    return chosen


def _party_names(*, session: Session, text: str) -> list[str]:
    """ "Sweden and Pakistan; Trinidad and Tobago", "Швеция и Пакистан" -> names: words joined by
    and/и/ve stay together where they name a party, as in /add (``core.parties.party_names_in``)."""
    pieces = [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    return parties.party_names_in(session=session, pieces=pieces)


def set_deadline(*, preview: Preview, key: str, phrase: str, today: date, margin_days: int) -> Deadline:
    """A step's deadline as typed (read from the meeting's date); the caller warns if it has passed."""
    step = preview.step(key)
    deadline = parse_deadline(
        phrase, today=preview.draft.meeting_date or today, meeting_margin_days=margin_days
    )
    step.deadline, step.deadline_phrase = deadline, phrase.strip()
    return deadline


NOT_A_DAY = N_(
    "I couldn't read that as a day: give the meeting's first day, e.g. 12 March 2024 or 2024-03-12."
)


def set_meeting_date(*, preview: Preview, text: str, margin_days: int) -> date:
    """The meeting's date, typed by the secretariat; deadlines counted from it are read again."""
    try:
        deadline = parse_deadline(text, today=clock.today_in("UTC"), meeting_margin_days=margin_days)
    except BadInput:  # its wording is about deadlines; this is a meeting's date
        raise BadInput(NOT_A_DAY) from None
    if deadline.due_date is None or deadline.precision is not Precision.DAY:
        raise BadInput(NOT_A_DAY)
    held = deadline.due_date
    preview.draft.meeting_date = held
    for step in preview.draft.steps:
        if step.deadline_phrase:
            try:
                step.deadline = parse_deadline(
                    step.deadline_phrase, today=held, meeting_margin_days=margin_days
                )
            except BadInput:
                step.deadline = None
    return held


def set_meeting_name(*, preview: Preview, text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise BadInput("Give the meeting's name, e.g. 33rd Senior Officials Meeting.")
    limits.check_length(limits.MEETING_NAME, name)
    preview.draft.meeting_name = name
    return name


def add_unknown_parties(
    *, session: Session, preview: Preview, key: str | None = None, names: list[str] | None = None
) -> list[Party]:
    """Add owners the report names but nobody knows as parties: one step's, the ``names`` chosen,
    or all of them."""
    steps = [preview.step(key)] if key else preview.kept
    chosen = None if names is None else {parties.normalise_name(n) for n in names}
    wanted = {parties.normalise_name(n): n for s in steps for n in s.unknown_owners}
    if chosen is not None:
        wanted = {k: n for k, n in wanted.items() if k in chosen}
    if not wanted:
        return []
    found, unknown = parties.resolve_parties(session=session, names=list(wanted.values()))
    added = [parties.add_party(session=session, name=name, aliases=[]) for name in unknown]
    by_key = {parties.normalise_name(label): p for p in [*found, *added] for label in parties.labels(p)}
    for step in preview.kept:
        resolved = [by_key[k] for n in step.unknown_owners if (k := parties.normalise_name(n)) in by_key]
        if resolved:
            step.owners = [*step.owners, *[p for p in resolved if p not in step.owners]]
            step.unknown_owners = [n for n in step.unknown_owners if parties.normalise_name(n) not in by_key]
    return added


def finish(*, session: Session, preview: Preview, margin_days: int, today: date) -> ImportResult:
    """Store the kept steps and forget the preview; every kept step needs an owner and the meeting a
    name and a date."""
    if not preview.kept:
        raise BadInput("Every step was dropped: nothing to import.")
    missing = preview.draft.missing
    if "name" in missing and "date" in missing:
        raise BadInput("Set the meeting's name and date first (📅 / 📝 in the preview).")
    if "name" in missing:
        raise BadInput("Set the meeting's name first (📅 / 📝 in the preview).")
    if "date" in missing:
        raise BadInput("Set the meeting's date first (📅 / 📝 in the preview).")
    lacking = preview.without_owner()
    if lacking:
        keys = ", ".join(s.key for s in lacking[:10]) + (" …" if len(lacking) > 10 else "")
        raise StepsWithoutOwner(len(lacking), keys, lacking[0].key)
    kept = dataclasses.replace(preview.draft, steps=preview.kept)
    result = store_report(session=session, draft=kept, meeting_margin_days=margin_days, today=today)
    _end(session=session, preview=preview, outcome="imported")
    return result
