"""Values every instance must agree on, made by whichever instance asks first."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from storage.db import insert_ignoring_conflicts
from storage.models import SharedSetting


def get_or_create(*, session: Session, key: str, make: Callable[[], str]) -> str:
    """The stored value of ``key``; if there is none yet, ``make()`` is stored (first one wins)."""
    table = SharedSetting.__table__  # type: ignore[attr-defined]
    insert_ignoring_conflicts(session, table, [{"key": key, "value": make()}], keys=["key"])
    row = session.get(SharedSetting, key)
    assert row is not None
    return row.value
