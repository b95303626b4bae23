from __future__ import annotations

from core.permissions import Actor, can_manage, can_note, settable_statuses
from storage.models import Role, Status


def actor(role: Role, party: int | None = 1) -> Actor:
    return Actor(member_id=1, user_id=10, role=role, party_id=party, name="x", timezone="UTC")


def test_secretariat_may_set_every_status_on_any_item() -> None:
    assert settable_statuses(actor(Role.SECRETARIAT, None), [7]) == tuple(Status)
    assert can_note(actor(Role.SECRETARIAT, None), [7]) and can_manage(actor(Role.SECRETARIAT))


def test_chair_may_update_own_party_items_but_not_drop_them() -> None:
    chair = actor(Role.CHAIR, 1)
    assert Status.DONE in settable_statuses(chair, [1, 2])
    assert Status.DROPPED not in settable_statuses(chair, [1, 2])
    assert can_note(chair, [1])


def test_chair_cannot_update_item_of_other_party() -> None:
    chair = actor(Role.CHAIR, 1)
    assert settable_statuses(chair, [2]) == ()
    assert not can_note(chair, [2]) and not can_manage(chair)


def test_observer_only_reads_even_own_party_items() -> None:
    observer = actor(Role.OBSERVER, 1)
    assert settable_statuses(observer, [1]) == () and not can_note(observer, [1])


def test_chair_without_party_owns_nothing() -> None:
    assert settable_statuses(actor(Role.CHAIR, None), [1]) == ()
