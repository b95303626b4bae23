"""Who may do what. Pure functions over an Actor and an item's owner parties."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from storage.models import Role, Status

CHAIR_STATUSES = (Status.OPEN, Status.IN_PROGRESS, Status.DONE, Status.BLOCKED)


@dataclass(frozen=True)
class Actor:
    """The person behind an update, as the rules see them."""

    member_id: int
    user_id: int
    role: Role
    party_id: int | None
    name: str
    timezone: str
    joined_now: bool = False  # became a member with this very update (config admins)
    language: str = "en"  # what they read: core.i18n.LANGUAGES

    @property
    def is_secretariat(self) -> bool:
        return self.role is Role.SECRETARIAT


def owns(actor: Actor, owner_party_ids: Collection[int]) -> bool:
    return actor.party_id is not None and actor.party_id in owner_party_ids


def settable_statuses(actor: Actor, owner_party_ids: Collection[int]) -> tuple[Status, ...]:
    """Statuses this actor may set on an item: all for the secretariat, chairs of an owner
    party everything but 'dropped' (dropping a step is the secretariat's call), others none."""
    if actor.is_secretariat:
        return tuple(Status)
    if actor.role is Role.CHAIR and owns(actor, owner_party_ids):
        return CHAIR_STATUSES
    return ()


def can_note(actor: Actor, owner_party_ids: Collection[int]) -> bool:
    return actor.is_secretariat or (actor.role is Role.CHAIR and owns(actor, owner_party_ids))


def can_manage(actor: Actor) -> bool:
    """Create items and invites, set meetings, add parties."""
    return actor.is_secretariat
