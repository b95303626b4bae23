"""Action items: create, list, view, set status, add notes; every change goes to history."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache

from sqlmodel import Session, col, select

from core import clock, limits
from core.deadlines import DEFAULT_DUE as DEFAULT_DUE  # the reports import it from here
from core.deadlines import NO_PHRASE, Deadline, parse_deadline, resolve_linked
from core.errors import BadInput, NotFound, PermissionDenied, Term
from core.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, Translator, translator
from core.meetings import next_meeting
from core.parties import party_sort_key, resolve_parties, sorted_parties
from core.permissions import Actor, can_manage, can_note, settable_statuses
from storage.models import (
    ACTIVE_STATUSES,
    Item,
    ItemEvent,
    ItemOwner,
    Meeting,
    Party,
    Status,
)

MAX_ITEM_TEXT = limits.ITEM_TEXT.most
MAX_NOTE = limits.NOTE.most
HISTORY_SHOWN = 6

# the words a user may type for a status, in every language whatever the reader's (a word is
# unambiguous), besides the words the cards show in each language (see _status_words); matched
# as _word_key leaves them: any case, "ё" as "е", Turkish "ı" and "i" alike.
_STATUS_WORDS = {
    # English
    "open": Status.OPEN,
    "reopen": Status.OPEN,
    "todo": Status.OPEN,
    "in_progress": Status.IN_PROGRESS,
    "in progress": Status.IN_PROGRESS,
    "in-progress": Status.IN_PROGRESS,
    "inprogress": Status.IN_PROGRESS,
    "progress": Status.IN_PROGRESS,
    "started": Status.IN_PROGRESS,
    "done": Status.DONE,
    "complete": Status.DONE,
    "completed": Status.DONE,
    "blocked": Status.BLOCKED,
    "stuck": Status.BLOCKED,
    "dropped": Status.DROPPED,
    "drop": Status.DROPPED,
    # Russian
    "открыт": Status.OPEN,
    "открыто": Status.OPEN,
    "открыта": Status.OPEN,
    "открыть снова": Status.OPEN,
    "переоткрыть": Status.OPEN,
    "в работе": Status.IN_PROGRESS,
    "в процессе": Status.IN_PROGRESS,
    "выполняется": Status.IN_PROGRESS,
    "готово": Status.DONE,
    "выполнено": Status.DONE,
    "выполнен": Status.DONE,
    "выполнена": Status.DONE,
    "сделано": Status.DONE,
    "заблокировано": Status.BLOCKED,
    "заблокирован": Status.BLOCKED,
    "заблокирована": Status.BLOCKED,
    "блок": Status.BLOCKED,
    "снято": Status.DROPPED,
    "снят": Status.DROPPED,
    "снята": Status.DROPPED,
    "снять": Status.DROPPED,
    "отменено": Status.DROPPED,
    "отменён": Status.DROPPED,
    "отменена": Status.DROPPED,
    # Turkish
    "acik": Status.OPEN,
    "açık": Status.OPEN,
    "yeniden aç": Status.OPEN,
    "devam ediyor": Status.IN_PROGRESS,
    "sürüyor": Status.IN_PROGRESS,
    "devam": Status.IN_PROGRESS,
    "bitti": Status.DONE,
    "tamamlandı": Status.DONE,
    "tamam": Status.DONE,
    "yapıldı": Status.DONE,
    "engellendi": Status.BLOCKED,
    "engelli": Status.BLOCKED,
    "bloke": Status.BLOCKED,
    "bırakıldı": Status.DROPPED,
    "bırak": Status.DROPPED,
    "iptal": Status.DROPPED,
    "vazgeçildi": Status.DROPPED,
}
STATUS_HELP = N_("Status is one of: {statuses}.")
# the word of each status, as a message id: cards, sentences, reports and exports all read it
STATUS_WORD: dict[Status, str] = {
    Status.OPEN: N_("open"),
    Status.IN_PROGRESS: N_("in progress"),
    Status.DONE: N_("done"),
    Status.BLOCKED: N_("blocked"),
    Status.DROPPED: N_("dropped"),
}


def status_word(status: Status, lang: str = SOURCE_LANGUAGE) -> str:
    """ "in progress", "в работе", "devam ediyor"."""
    return translator(lang).gettext(STATUS_WORD[status])


# /items scopes, in every language whatever the reader's
_SCOPE_WORDS = {
    "mine": "mine",
    "my": "mine",
    "open": "open",
    "overdue": "overdue",
    "late": "overdue",
    "all": "all",
    "мои": "mine",
    "мой": "mine",
    "моё": "mine",
    "открытые": "open",
    "открытых": "open",
    "открыто": "open",
    "открытые пункты": "open",
    "просроченные": "overdue",
    "просроченных": "overdue",
    "просрочено": "overdue",
    "все": "all",
    "всё": "all",
    "benim": "mine",
    "benimkiler": "mine",
    "açık": "open",
    "açıklar": "open",
    "gecikmiş": "overdue",
    "gecikmişler": "overdue",
    "geciken": "overdue",
    "gecikenler": "overdue",
    "tümü": "all",
    "hepsi": "all",
    "tüm": "all",
}
NO_PARTY = N_("no party")
NONE_YET = N_("none yet")


class Scope(StrEnum):
    MINE = "mine"
    OPEN = "open"
    OVERDUE = "overdue"
    ALL = "all"


def _word_key(text: str) -> str:
    """'  В  работе! ' -> 'в работе'; 'AÇIK' and 'açık' alike; 'отменён' as 'отменен'."""
    text = unicodedata.normalize("NFC", text).strip(" .!").lower().replace("\u0307", "")
    return " ".join(text.replace("ı", "i").replace("ё", "е").split())


@cache
def _status_words() -> dict[str, Status]:
    """Every word for every status: the typed ones and each language's word on the cards."""
    words = {_word_key(word): status for word, status in _STATUS_WORDS.items()}
    for lang in LANGUAGES:
        tr = translator(lang)
        for status, term in STATUS_WORD.items():
            words.setdefault(_word_key(tr.gettext(term)), status)
    return words


@cache
def _longest_status_words() -> int:
    return max(len(key.split()) for key in _status_words())


@cache
def _scope_words() -> dict[str, Scope]:
    return {_word_key(word): Scope(scope) for word, scope in _SCOPE_WORDS.items()}


def parse_status(word: str) -> Status | None:
    """The status a user meant ('in progress', 'Done.', 'в работе', 'Tamamlandı'), or None."""
    return _status_words().get(_word_key(word))


def parse_status_prefix(words: Sequence[str]) -> tuple[Status, int] | None:
    """The status the first words name and how many words it took ('в работе Обсудили' -> 2),
    the longest match first; None if they don't start with a status."""
    for count in range(min(_longest_status_words(), len(words)), 0, -1):
        status = parse_status(" ".join(words[:count]))
        if status is not None:
            return status, count
    return None


def status_help(tr: Translator) -> str:
    """'Status is one of: open, in progress, …' with the words the reader's cards show."""
    statuses = ", ".join(tr.gettext(STATUS_WORD[status]) for status in Status)
    return tr.gettext(STATUS_HELP).format(statuses=statuses)


def parse_scope(word: str) -> Scope | None:
    """The /items scope a user meant ('mine', 'Мои', 'tümü'), or None."""
    return _scope_words().get(_word_key(word))


def parse_item_number(text: str) -> int:
    """The item number a user typed ("7" or "#7"); anything else, or too big to be an item, is refused."""
    item_id = limits.parse_id(text.strip().removeprefix("#"))
    if item_id is None:
        raise BadInput("“{text}” is not an item number. /items lists them.", text=text)
    return item_id


@dataclass
class ItemCard:
    """An item with what is needed to show it."""

    item: Item
    owners: list[Party]
    meeting: Meeting | None = None
    events: list[ItemEvent] = field(default_factory=list)
    previous_status: Status | None = None  # set by set_status

    @property
    def follow_ups_affected(self) -> bool:
        """Did the last status change open or close the item (the only thing the plan sees)?"""
        if self.previous_status is None:
            return False
        return (self.previous_status in ACTIVE_STATUSES) != (self.item.status in ACTIVE_STATUSES)

    @property
    def number(self) -> int:
        assert self.item.id is not None
        return self.item.id

    @property
    def owner_ids(self) -> list[int]:
        return [p.id for p in self.owners if p.id is not None]


def _owners_by_item(session: Session, item_ids: Sequence[int]) -> dict[int, list[Party]]:
    owners: dict[int, list[Party]] = defaultdict(list)
    if not item_ids:
        return owners
    rows = session.exec(
        select(ItemOwner.item_id, Party)
        .join(Party, col(Party.id) == ItemOwner.party_id)
        .where(col(ItemOwner.item_id).in_(item_ids))
    ).all()
    for item_id, party in sorted(rows, key=lambda row: party_sort_key(row[1])):
        owners[item_id].append(party)
    return owners


def get_card(*, session: Session, item_id: int, history: bool = True) -> ItemCard:
    # a number past the id range (a forged link or button) is no item, on every database
    item = session.get(Item, item_id) if limits.is_id(item_id) else None
    if item is None:
        raise NotFound("There is no item #{number}. /items lists them.", number=item_id)
    card = ItemCard(item=item, owners=_owners_by_item(session, [item_id])[item_id])
    if item.meeting_id is not None:
        card.meeting = session.get(Meeting, item.meeting_id)
    if history:
        _load_history(session, card)
    return card


def _load_history(session: Session, card: ItemCard) -> ItemCard:
    """Attach the latest events to a card (after a change, the card itself is still current)."""
    session.flush()
    card.events = list(
        session.exec(
            select(ItemEvent)
            .where(ItemEvent.item_id == card.number)
            .order_by(col(ItemEvent.at).desc(), col(ItemEvent.id).desc())
            .limit(HISTORY_SHOWN)
        ).all()
    )
    return card


def list_items(*, session: Session, actor: Actor, scope: Scope, today: date) -> list[ItemCard]:
    """Items in ``scope`` for this actor, soonest deadline first, undated last."""
    query = select(Item)
    if scope is Scope.MINE:
        if actor.party_id is None:
            return []
        query = query.join(ItemOwner, col(ItemOwner.item_id) == Item.id).where(
            ItemOwner.party_id == actor.party_id, col(Item.status).in_(ACTIVE_STATUSES)
        )
    elif scope is Scope.OPEN:
        query = query.where(col(Item.status).in_(ACTIVE_STATUSES))
    elif scope is Scope.OVERDUE:
        query = query.where(col(Item.status).in_(ACTIVE_STATUSES), col(Item.due_date) < today)
    items = session.exec(query.order_by(col(Item.due_date).is_(None), col(Item.due_date), col(Item.id))).all()
    owners = _owners_by_item(session, [i.id for i in items if i.id is not None])
    return [ItemCard(item=i, owners=owners[i.id]) for i in items if i.id is not None]


def _record(
    session: Session,
    item: Item,
    actor: Actor | None,
    kind: str,
    *,
    old_value: str | None = None,
    new_value: str | None = None,
    note: str | None = None,
) -> None:
    assert item.id is not None
    session.add(
        ItemEvent(
            item_id=item.id,
            at=clock.now(),
            actor_member_id=actor.member_id if actor else None,
            actor_name=actor.name if actor else "NextSteps",
            kind=kind,
            old_value=old_value,
            new_value=new_value,
            note=note,
        )
    )


def deadline_for(
    *, session: Session, phrase: str, today: date, meeting_margin_days: int
) -> tuple[Deadline, Meeting | None]:
    """Parse a deadline phrase; tie meeting-linked ones to the next meeting when there is one."""
    deadline = parse_deadline(phrase, today=today, meeting_margin_days=meeting_margin_days)
    meeting = next_meeting(session=session) if deadline.meeting_linked else None
    return deadline, meeting


def create_item(
    *,
    session: Session,
    actor: Actor | None,
    text: str,
    owner_names: Sequence[str],
    due_phrase: str | None,
    today: date,
    meeting_margin_days: int,
    meeting_id: int | None = None,
    paragraph_ref: str | None = None,
) -> ItemCard:
    """Create an item (secretariat only; ``actor=None`` is the system, e.g. a seed or import)."""
    if actor is not None and not can_manage(actor):
        raise PermissionDenied("Only the secretariat can add items.")
    text = text.strip()
    if not text:
        raise BadInput("What is the next step? /add text | owner: Party | due: March 2023")
    limits.check_length(limits.ITEM_TEXT, text)
    if paragraph_ref is not None:
        paragraph_ref = " ".join(paragraph_ref.split()) or None
        limits.check_length(limits.REF, paragraph_ref or "")
    names = [n.strip() for n in owner_names if n.strip()]
    if not names:
        raise BadInput("Who owns it? Add “| owner: Party, Party”. /parties lists them.")
    owners, unknown = resolve_parties(session=session, names=names)
    if unknown:
        known = ", ".join(p.name for p in sorted_parties(session.exec(select(Party)).all()))
        raise BadInput(
            "I don't know: {unknown}. Known parties: {known}. "
            "The secretariat can add one with /party add NAME.",
            unknown=", ".join(unknown),
            known=known or Term(NONE_YET),
        )
    deadline, due_meeting = deadline_for(
        session=session,
        phrase=due_phrase if due_phrase and due_phrase.strip() else DEFAULT_DUE,
        today=today,
        meeting_margin_days=meeting_margin_days,
    )
    now = clock.now()
    item = Item(
        text=text,
        created_at=now,
        updated_at=now,
        meeting_id=meeting_id,
        paragraph_ref=paragraph_ref,
        due_text=deadline.text,
        due_date=deadline.due_date,
        due_precision=deadline.precision,
        due_meeting_id=due_meeting.id if due_meeting else None,
        due_offset_days=deadline.offset_days,
    )
    if due_meeting is not None:
        item.due_date = resolve_linked(due_meeting.held_on, deadline.offset_days)
    session.add(item)
    session.flush()
    assert item.id is not None
    for party in owners:
        assert party.id is not None
        session.add(ItemOwner(item_id=item.id, party_id=party.id))
    _record(session, item, actor, "created", new_value=item.status.value)
    session.flush()
    return get_card(session=session, item_id=item.id)


def set_status(
    *,
    session: Session,
    actor: Actor,
    item_id: int,
    status: Status,
    note: str | None = None,
    history: bool = True,
) -> tuple[ItemCard, bool]:
    """Set the status; return the card (with its latest history if asked) and whether it changed."""
    card = get_card(session=session, item_id=item_id, history=False)
    allowed = settable_statuses(actor, card.owner_ids)
    if not allowed:
        raise PermissionDenied(
            "You can't change #{number}: it belongs to {owners}.", number=item_id, owners=_owner_names(card)
        )
    if status not in allowed:
        raise PermissionDenied(
            "Only the secretariat can mark an item {status}.", status=Term(STATUS_WORD[status])
        )
    note = _clean_note(note) if note else None
    if card.item.status is status and not note:
        return (_load_history(session, card) if history else card), False
    old = card.item.status
    card.previous_status = old
    card.item.status = status
    card.item.updated_at = clock.now()
    if card.follow_ups_affected:
        # closed: calendars take the export's cancelled event; reopened: the event back
        card.item.ical_sequence += 1
    _record(session, card.item, actor, "status", old_value=old.value, new_value=status.value, note=note)
    return (_load_history(session, card) if history else card), old is not status


def set_due(
    *, session: Session, actor: Actor, item_id: int, phrase: str, today: date, meeting_margin_days: int
) -> ItemCard:
    """Change an item's deadline (secretariat); the phrase as written is kept, and resolved."""
    if not can_manage(actor):
        raise PermissionDenied("Only the secretariat can change a deadline.")
    if not phrase.strip():
        raise BadInput("Usage: /due N phrase, e.g. /due 3 end of March 2027")
    card = get_card(session=session, item_id=item_id, history=False)
    deadline, due_meeting = deadline_for(
        session=session, phrase=phrase, today=today, meeting_margin_days=meeting_margin_days
    )
    item = card.item
    old = item.due_text or NO_PHRASE
    before = (item.due_text, item.due_date)
    item.due_text, item.due_precision, item.due_offset_days = (
        deadline.text,
        deadline.precision,
        deadline.offset_days,
    )
    item.due_meeting_id = due_meeting.id if due_meeting else None
    item.due_date = (
        resolve_linked(due_meeting.held_on, deadline.offset_days) if due_meeting else deadline.due_date
    )
    if (item.due_text, item.due_date) != before:
        item.ical_sequence += 1  # calendars that imported the event take the new version
    item.updated_at = clock.now()
    _record(session, item, actor, "due", old_value=old, new_value=deadline.text)
    return _load_history(session, card)


def check_can_note(*, session: Session, actor: Actor, item_id: int) -> ItemCard:
    card = get_card(session=session, item_id=item_id, history=False)
    if not can_note(actor, card.owner_ids):
        raise PermissionDenied(
            "You can't add notes to #{number}: it belongs to {owners}.",
            number=item_id,
            owners=_owner_names(card),
        )
    return card


def add_note(*, session: Session, actor: Actor, item_id: int, text: str, history: bool = True) -> ItemCard:
    card = check_can_note(session=session, actor=actor, item_id=item_id)
    note = _clean_note(text)
    card.item.updated_at = clock.now()
    _record(session, card.item, actor, "note", note=note)
    return _load_history(session, card) if history else card


def _clean_note(text: str) -> str:
    note = text.strip()
    if not note:
        raise BadInput("The note is empty. /note N your text")
    return limits.check_length(limits.NOTE, note)


def _owner_names(card: ItemCard) -> str:
    """The owners' names (never translated), or the words "no party" (translated where shown)."""
    return ", ".join(p.name for p in card.owners) or Term(NO_PARTY)


def is_overdue(item: Item, today: date) -> bool:
    return item.status in ACTIVE_STATUSES and item.due_date is not None and item.due_date < today
