"""Pending imports: owners typed by the secretariat, names that contain "and"."""

from __future__ import annotations

import pytest

from core import clock, import_previews, parties
from core.errors import BadInput
from core.import_previews import Preview
from core.reports import ReportDraft, StepDraft
from storage.db import Database
from storage.models import ImportPreview


@pytest.fixture
def db(sqlite_database: Database) -> Database:
    with sqlite_database.session() as session:
        for name in ("Trinidad and Tobago", "Sweden", "Pakistan", "Chairmanship"):
            parties.add_party(session=session, name=name, aliases=["Швеция"] if name == "Sweden" else [])
    return sqlite_database


def preview() -> Preview:
    steps = [StepDraft(key=str(n), ref=f"#{n}", text=f"Step {n}") for n in (1, 2, 3)]
    draft = ReportDraft(meeting_name="M", meeting_date=None, place=None, steps=steps)
    return Preview(row=ImportPreview(token="t", chat_id=1, expires_at=clock.now()), draft=draft)


def owner_names(p: Preview, key: str) -> list[str]:
    return [party.name for party in p.step(key).owners]


def test_a_party_whose_name_contains_and_is_kept_whole(db: Database) -> None:
    p = preview()
    with db.session() as session:
        import_previews.set_owners(session=session, preview=p, keys="1", names_text="Trinidad and Tobago")
        import_previews.set_owners(session=session, preview=p, keys="2 3", names_text="Sweden and Pakistan")
    assert owner_names(p, "1") == ["Trinidad and Tobago"]
    assert owner_names(p, "2") == owner_names(p, "3") == ["Sweden", "Pakistan"]


def test_owners_joined_in_russian_or_turkish(db: Database) -> None:
    p = preview()
    with db.session() as session:
        import_previews.set_owners(session=session, preview=p, keys="1", names_text="Швеция и Pakistan")
        import_previews.set_owners(
            session=session, preview=p, keys="2", names_text="Trinidad and Tobago ve Sweden"
        )
    assert owner_names(p, "1") == ["Sweden", "Pakistan"]
    assert owner_names(p, "2") == ["Trinidad and Tobago", "Sweden"]


def test_an_unknown_owner_is_refused_and_changes_nothing(db: Database) -> None:
    p = preview()
    with db.session() as session, pytest.raises(BadInput, match="I don't know: Narnia"):
        import_previews.set_owners(session=session, preview=p, keys="1", names_text="Sweden, Narnia")
    assert owner_names(p, "1") == []


def test_owners_for_a_step_that_is_not_there_name_it(db: Database) -> None:
    p = preview()
    with db.session() as session, pytest.raises(BadInput, match="no step 9"):
        import_previews.set_owners(session=session, preview=p, keys="9", names_text="Sweden")
