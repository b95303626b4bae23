"""The secretariat sends a meeting report to the bot, reviews the preview, fixes it, imports it."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from storage.models import Item, ItemOwner, Party
from tests.e2e.harness import assert_clean, bot_world

ISTANBUL = Path(__file__).parents[1] / "data" / "bp-som32-istanbul-2022.txt"


async def test_upload_preview_fix_and_import_the_istanbul_report(tmp_path: Path) -> None:
    async with bot_world(tmp_path, seed=False) as world:
        client, admin = world.client, world.admin
        for name in (
            "Chairmanship (Türkiye) | Chairmanship",
            "Reference Group Chair — Sweden | Sweden",
            "Reference Group Chair — Pakistan | Pakistan",
        ):
            await client.ask(admin, f"/party add {name}")
        await client.skip()
        await client.send_document(admin, ISTANBUL.name, ISTANBUL.read_bytes())
        (preview,) = await client.replies(admin, 1)
        assert "32nd Senior Officials Meeting — 2022-12-01, Istanbul, Türkiye" in preview.text
        assert "5 next step(s). Nothing is stored yet." in preview.text
        assert "1. [§13.1] The Chairmanship will provide time until early 2023" in preview.text
        assert "3. [§13.3]" in preview.text and "⚠️ no owner" in preview.text
        assert "✅ Import" in preview.buttons
        with world.db.session() as session:
            assert session.exec(select(Item)).all() == []

        edited, ok = await client.say(admin, "3: Chairmanship", reply_to=preview.message_id, expect=2)
        assert edited.kind == "edit" and edited.message_id == preview.message_id
        assert "⚠️ no owner" not in edited.text and "Updated the preview" in ok.text
        _, (done,) = await client.press(admin, preview, "Import", expect=1)
        assert "Imported 5 step(s) from 32nd Senior Officials Meeting: #1, #2, #3, #4, #5." in done.text

        with world.db.session() as session:
            rows = session.exec(select(Item).order_by(Item.id)).all()
            assert [r.paragraph_ref for r in rows] == ["§13.1", "§13.2", "§13.3", "§13.4", "§13.5"]
            assert rows[0].due_text == "until early 2023" and rows[3].due_precision == "meeting"
            assert len(session.exec(select(ItemOwner).where(ItemOwner.item_id == rows[4].id)).all()) == 3

        # the same report again adds nothing
        await client.send_document(admin, ISTANBUL.name, ISTANBUL.read_bytes())
        (again,) = await client.replies(admin, 1)
        await client.say(admin, "3: Chairmanship", reply_to=again.message_id, expect=2)
        _, (second,) = await client.press(admin, again, "Import", expect=1)
        assert "Imported 0 step(s)" in second.text and "5 were already imported" in second.text
        await assert_clean(world)


async def test_drop_steps_add_unknown_party_and_bad_files(tmp_path: Path) -> None:
    report = (
        "Working Group Meeting\nDate: 14 March 2024\n\nAction points\n"
        "1. Draft the concept note by May 2024 (Ministry of Magic)\n"
        "2. Nobody in particular does this in 2025\n"
    )
    async with bot_world(tmp_path, reports={"max_size_mb": 1}) as world:
        client, admin = world.client, world.admin
        await client.skip()
        await client.send_document(admin, "wg.md", report.encode())
        (preview,) = await client.replies(admin, 1)
        _, (question,) = await client.press(admin, preview, "⏰ 1", expect=1)
        assert "What is the deadline of step 1?" in question.text
        assert question.reply_markup and question.reply_markup.get("force_reply") is True
        edited, _ = await client.say(admin, "end of June 2024", reply_to=question.message_id, expect=2)
        assert "⏰ end of June 2024" in edited.text
        preview = edited
        _, (after_drop,) = await client.press(admin, preview, "Drop 2", expect=1)
        assert "Nobody in particular" not in after_drop.text
        _, (after_add,) = await client.press(admin, after_drop, "Add party", expect=1)
        assert "👥 Ministry of Magic" in after_add.text
        _, (done,) = await client.press(admin, after_add, "Import", expect=1)
        assert "Imported 1 step(s)" in done.text
        with world.db.session() as session:
            assert session.exec(select(Party).where(Party.name == "Ministry of Magic")).first() is not None

        for name, content, message in [
            ("empty.txt", b"  ", "That file is empty."),
            ("photo.txt", b"\x00\x01\x02", "doesn't look like a text report"),
            ("minutes.txt", b"Minutes\n\nWe talked.\n", "couldn't find a section of agreed actions"),
            ("huge.txt", b"x" * (1024 * 1024 + 1), "too big (max 1 MB)"),
        ]:
            await client.skip()
            await client.send_document(admin, name, content)
            (reply,) = await client.replies(admin, 1)
            assert message in reply.text
        sven = await world.join("Sven", "Sweden")
        await client.skip()
        await client.send_document(sven, "wg.md", report.encode())
        (refused,) = await client.replies(sven, 1)
        assert "Only the secretariat can import" in refused.text
        await assert_clean(world)
