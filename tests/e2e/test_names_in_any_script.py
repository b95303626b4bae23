"""Party names in any script: added, listed, matched in commands, invites, imports and buttons,
the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from core.parties import normalise_name
from storage.models import Item, ItemOwner, Party
from tests.e2e.databases import db_url
from tests.e2e.harness import assert_clean, bot_world

__all__ = ["db_url"]

NEW_PARTIES = ["Україна", "Ελλάδα", "Magyarország", "Азербайджан", "საქართველო"]
# (as typed, the party it means): other case, no accents, capitals in each script
TYPED = [
    ("україна", "Україна"),
    ("УКРАЇНА", "Україна"),
    ("ΕΛΛΑΔΑ", "Ελλάδα"),
    ("ελλάδα", "Ελλάδα"),
    ("MAGYARORSZAG", "Magyarország"),
    ("magyarország", "Magyarország"),
    ("азербайджан", "Азербайджан"),
    ("ᲡᲐᲥᲐᲠᲗᲕᲔᲚᲝ", "საქართველო"),  # Georgian capitals (Mtavruli)
    ("TÜRKİYE", "Chairmanship (Türkiye)"),
    ("turkiye", "Chairmanship (Türkiye)"),
]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Türkiye", "TÜRKİYE"),
        ("Türkiye", "turkiye"),
        ("Україна", "УКРАЇНА"),
        ("Ελλάδα", "ΕΛΛΑΔΑ"),
        ("Magyarország", "MAGYARORSZÁG"),
        ("Азербайджан", "АЗЕРБАЙДЖАН"),
        ("საქართველო", "ᲡᲐᲥᲐᲠᲗᲕᲔᲚᲝ"),
        ("Reference Group Chair — Sweden", "reference group chair sweden"),
        ("The Chairmanship", "chairmanship"),
    ],
)
def test_names_match_across_case_and_accents(one: str, other: str) -> None:
    assert normalise_name(one) == normalise_name(other) != ""


def test_letters_of_other_scripts_are_kept() -> None:
    assert normalise_name("Україна") == "україна"
    assert normalise_name("Україна") != normalise_name("Украина")  # a different word
    assert normalise_name("Азербайджан") != normalise_name("Азербаиджан")  # й is not и
    assert normalise_name("🇺🇦 !!") == ""


async def test_parties_in_any_script_work_in_every_command(tmp_path: Path, db_url: str) -> None:
    async with bot_world(tmp_path, db_url=db_url) as world:
        client, admin = world.client, world.admin
        for name in NEW_PARTIES:
            added = await client.ask(admin, f"/party add {name}")
            assert added.text == f"✅ Added party {name}.", added.text
        listed = await client.ask(admin, "/parties")
        for name in NEW_PARTIES:
            assert f"• {name} — 0 members" in listed.text
        # the same party, typed otherwise, is a duplicate, not a new party
        for typed, meant in [("УКРАЇНА", "Україна"), ("TÜRKİYE", "Chairmanship (Türkiye)")]:
            refused = await client.ask(admin, f"/party add {typed}")
            assert refused.text == f"“{typed}” is already used by the party “{meant}”."
        refused = await client.ask(admin, "/party add Hellas | ελλαδα")
        assert refused.text == "“ελλαδα” is already used by the party “Ελλάδα”."

        for typed, meant in TYPED:
            card = await client.ask(admin, f"/add A step for {typed} | owner: {typed}")
            assert card.text.startswith("➕ Added #"), card.text
            assert f"👥 {meant}\n" in card.text, card.text

        # invites, by any spelling; the new chair sees their party's items
        invite = await client.ask(admin, "/invite УКРАЇНА chair")
        assert "chair of Україна" in invite.text, invite.text
        olena = await world.join("Olena", "україна")
        mine = await client.ask(olena, "/items")
        assert mine.text.count("A step for") == 2 and "👥 Україна" in mine.text
        whoami = await client.ask(olena, "/whoami")
        assert "chair of Україна" in whoami.text

        with world.db.session() as session:
            ukraine = session.exec(select(Party).where(Party.name == "Україна")).one()
            owned = session.exec(select(ItemOwner).where(ItemOwner.party_id == ukraine.id)).all()
            assert len(owned) == 2
            assert len(session.exec(select(Party)).all()) == 5 + len(NEW_PARTIES)
        await assert_clean(world)


async def test_report_owners_and_party_buttons_in_any_script(tmp_path: Path, db_url: str) -> None:
    report = (
        "Working Group Meeting\nDate: 14 March 2024\n\nAction points\n"
        "1. Share the draft with partners by May 2024 (УКРАЇНА)\n"
        "2. Host the next technical meeting in 2025 (Ελλάδα, Азербайджан)\n"
        "3. Translate the declaration by end of 2024 (ᲡᲐᲥᲐᲠᲗᲕᲔᲚᲝ)\n"
    )
    async with bot_world(tmp_path, db_url=db_url, seed=False) as world:
        client, admin = world.client, world.admin
        for name in NEW_PARTIES:
            await client.ask(admin, f"/party add {name}")
        await client.skip()
        await client.send_document(admin, "report.md", report.encode())
        summary, steps = await client.replies(admin, 2)
        assert "👥 Україна\n" in steps.text
        assert "👥 Ελλάδα, Азербайджан\n" in steps.text  # by name, in code point order: Greek first
        assert "👥 საქართველო\n" in steps.text
        assert "no owner" not in steps.text and "New parties" not in summary.text
        _, (done,) = await client.press(admin, summary, "Import", expect=1)
        assert "Imported 3 steps" in done.text
        with world.db.session() as session:
            assert len(session.exec(select(ItemOwner)).all()) == 4
            assert len(session.exec(select(Item)).all()) == 3

        # button labels: the broadcast's party picker shows each name and picks it
        await client.say(admin, "/broadcast Привіт, колеги", expect=2)
        controls = (await client.events(after=0, chat_id=admin))[-1]
        _, (picker,) = await client.press(admin, controls, "Choose parties…", expect=1)
        labels = [label.removeprefix("⬜ ") for label in picker.buttons[:-2]]
        assert labels == sorted(NEW_PARTIES, key=normalise_name)
        _, (picked,) = await client.press(admin, picker, "⬜ Україна", expect=1)
        assert "☑️ Україна" in picked.buttons
        await assert_clean(world)
