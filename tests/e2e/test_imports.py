"""The secretariat sends a meeting report, reviews every step found, fixes it, imports it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import col, select

from bot.emulator import Emulator, FloodPolicy
from bot.emulator.client import Sent
from storage.models import ImportPreview, Item, ItemOwner, Party
from tests.e2e.harness import BotWorld, assert_clean, bot_world

ISTANBUL = Path(__file__).parents[1] / "data" / "bp-som32-istanbul-2022.txt"
PARTIES = (
    "Chairmanship (Türkiye) | Chairmanship",
    "Reference Group Chair — Sweden | Sweden",
    "Reference Group Chair — Pakistan | Pakistan",
)


async def upload(world: BotWorld, name: str, content: bytes, pages: int = 1) -> tuple[Sent, list[Sent]]:
    """Send a report; return the summary (the reply) and the page messages after it."""
    await world.client.skip()
    await world.client.send_document(world.admin, name, content)
    summary, *shown = await world.client.replies(world.admin, 1 + pages, timeout=20)
    return summary, shown


async def add_parties(world: BotWorld, names: tuple[str, ...] = PARTIES) -> None:
    for name in names:
        await world.client.ask(world.admin, f"/party add {name}")


def stored_items(world: BotWorld) -> list[Item]:
    with world.db.session() as session:
        return list(session.exec(select(Item).order_by(Item.id)).all())


async def test_upload_preview_fix_and_import_the_istanbul_report(tmp_path: Path) -> None:
    async with bot_world(tmp_path, seed=False) as world:
        client, admin = world.client, world.admin
        await add_parties(world)
        summary, (steps,) = await upload(world, ISTANBUL.name, ISTANBUL.read_bytes())
        assert "32nd Senior Officials Meeting" in summary.text
        assert "📅 1 Dec 2022 · Istanbul, Türkiye" in summary.text
        assert "5 steps to import, 1 without an owner" in summary.text
        assert (
            "1 · §13.1" in steps.text and "The Chairmanship will provide time until early 2023" in steps.text
        )
        assert "3 · §13.3" in steps.text and "⚠️ no owner" in steps.text
        assert steps.buttons == ["✏️ 1", "✏️ 2", "✏️ 3", "✏️ 4", "✏️ 5"]
        assert stored_items(world) == []

        answer, _ = await client.press(admin, summary, "Import")
        assert answer["show_alert"] and "1 step has no owner: 3" in answer["text"]

        ok, *edits = await client.say(admin, "3: Chairmanship", reply_to=summary.message_id, expect=3)
        assert ok.text == "👥 Step 3: Chairmanship (Türkiye)."
        assert {e.message_id for e in edits} == {summary.message_id, steps.message_id}
        page = next(e for e in edits if e.message_id == steps.message_id)
        assert "⚠️ no owner" not in page.text
        _, (done,) = await client.press(admin, summary, "Import", expect=1)
        assert "Imported 5 steps from 32nd Senior Officials Meeting: #1, #2, #3, #4, #5." in done.text

        rows = stored_items(world)
        assert [r.paragraph_ref for r in rows] == ["§13.1", "§13.2", "§13.3", "§13.4", "§13.5"]
        assert rows[0].due_text == "until early 2023" and rows[3].due_precision == "meeting"
        with world.db.session() as session:
            assert len(session.exec(select(ItemOwner).where(ItemOwner.item_id == rows[4].id)).all()) == 3
            (ended,) = session.exec(select(ImportPreview)).all()  # remembered a while, without its draft
            assert ended.draft == {"steps": []} and ended.messages["ended"] == "imported"
        import_data = summary.callback_data[0]
        again, _ = await client.press(admin, summary, data=import_data)  # a second tap on a stale summary
        assert again["show_alert"] and "already imported" in again["text"]
        (late,) = await client.say(admin, "3: Sweden", reply_to=steps.message_id, expect=1)
        assert "already imported" in late.text and len(stored_items(world)) == 5

        # the same report again adds nothing
        summary, _ = await upload(world, ISTANBUL.name, ISTANBUL.read_bytes())
        await client.say(admin, "3: Chairmanship", reply_to=summary.message_id, expect=3)
        _, (second,) = await client.press(admin, summary, "Import", expect=1)
        assert "Imported 0 steps" in second.text and "5 were already imported" in second.text
        await assert_clean(world)


REPORT = (
    "Working Group Meeting\nDate: 14 March 2024\n\nAction points\n"
    "1. Sweden will draft the concept note by May 2024.\n"
    "2. Pakistan will share the draft with partners in 2025.\n"
    "3. Sweden will circulate the agenda by 1 June 2024.\n"
    "4. Pakistan will book the venue by 1 July 2024.\n"
)


async def test_steps_keep_their_numbers_and_a_double_tap_drops_one(tmp_path: Path) -> None:
    async with bot_world(tmp_path, seed=False) as world:
        client, admin = world.client, world.admin
        await add_parties(world)
        summary, (steps,) = await upload(world, "wg.md", REPORT.encode())
        assert "4 steps to import" in summary.text
        _, (card3,) = await client.press(admin, steps, "✏️ 3", expect=1)
        assert card3.text.startswith("Step 3") and "circulate the agenda" in card3.text
        _, (prompt,) = await client.press(admin, card3, "Deadline", expect=1)
        assert "deadline of step 3" in prompt.text

        # step 1 is dropped while the prompt for step 3 is open: 3 stays 3
        _, (card1,) = await client.press(admin, steps, "✏️ 1", expect=1)
        answer, _ = await client.press(admin, card1, "Drop", expect=3)
        assert answer["text"] == "Dropped."
        again, _ = await client.press(admin, card1, data=card1.callback_data[2])  # the stale Drop button
        assert again["text"] == "Step 1 is already dropped."
        ok, *edits = await client.say(admin, "end of June 2024", reply_to=prompt.message_id, expect=3)
        assert ok.text.startswith("⏰ Step 3: end of June 2024 → 30 Jun 2024")
        page = next(e for e in edits if e.message_id == steps.message_id)
        assert "30 Jun 2024 (“end of June 2024”)" in page.text
        card = next(e for e in edits if e.message_id == card3.message_id)  # the open card follows too
        assert "30 Jun 2024" in card.text

        summary_now = await client.events(after=0, chat_id=admin)
        latest = [m for m in summary_now if m.message_id == summary.message_id][-1]
        assert "3 steps to import" in latest.text and "1 dropped" in latest.text
        _, (done,) = await client.press(admin, summary, "Import", expect=1)
        assert "Imported 3 steps" in done.text
        rows = stored_items(world)
        assert [r.text for r in rows] == [
            "Pakistan will share the draft with partners in 2025.",
            "Sweden will circulate the agenda by 1 June 2024.",
            "Pakistan will book the venue by 1 July 2024.",
        ]
        assert rows[1].due_text == "end of June 2024" and rows[1].due_date is not None
        assert rows[1].due_date.isoformat() == "2024-06-30"
        await assert_clean(world)


async def test_a_pending_preview_survives_a_restart(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'kept.db'}"
    async with Emulator(flood=FloodPolicy.off()) as emu:
        async with bot_world(tmp_path, emulator=emu, db_url=db_url, seed=False) as world:
            await add_parties(world)
            summary, (steps,) = await upload(world, "wg.md", REPORT.encode())
            await world.client.press(world.admin, steps, "✏️ 2", expect=1)
        async with bot_world(tmp_path, emulator=emu, db_url=db_url, seed=False) as world:
            _, (card,) = await world.client.press(world.admin, steps, "✏️ 4", expect=1)
            await world.client.press(world.admin, card, "Drop", expect=3)
            await world.client.say(world.admin, "1: Pakistan", reply_to=summary.message_id, expect=2)
            _, (done,) = await world.client.press(world.admin, summary, "Import", expect=1)
            assert "Imported 3 steps" in done.text
            rows = stored_items(world)
            assert len(rows) == 3 and "book the venue" not in " ".join(r.text for r in rows)
            await assert_clean(world)


async def test_a_150_step_list_shows_every_step_over_several_messages(tmp_path: Path) -> None:
    lines = [f"{n}. Sweden will prepare background paper number {n} by May 2024." for n in range(1, 151)]
    report = "Working Group Meeting\nDate: 14 March 2024\n\nAction points\n" + "\n".join(lines)
    async with bot_world(tmp_path, seed=False) as world:
        await add_parties(world)
        summary, pages = await upload(world, "plan.md", report.encode(), pages=8)
        assert "150 steps to import" in summary.text
        shown = "\n".join(p.text for p in pages)
        for n in range(1, 151):
            assert f"background paper number {n} by" in shown
        assert all(len(p.text) <= 4096 and len(p.buttons) <= 100 for p in pages)
        _, (done,) = await world.client.press(world.admin, summary, "Import", expect=1)
        assert "Imported 150 steps" in done.text
        assert len(stored_items(world)) == 150
        await assert_clean(world)


async def test_a_report_without_a_date_asks_for_it(tmp_path: Path) -> None:
    report = (
        "Working Group Meeting\n\nAction points\n"
        "1. Sweden will send comments within 30 days.\n"
        "2. The Ministry of Magic will host the next meeting in 2025.\n"
        "3. The Wizarding Council will consult widely by June 2024.\n"
    )
    async with bot_world(tmp_path, seed=False) as world:
        client, admin = world.client, world.admin
        await add_parties(world)
        summary, _ = await upload(world, "wg.md", report.encode())
        assert "No meeting date found" in summary.text and "📅 Set date" in summary.buttons
        assert "New parties named in the report: Ministry of Magic" in summary.text
        answer, _ = await client.press(admin, summary, "Import")
        assert answer["show_alert"] and "Set the meeting's date first" in answer["text"]
        assert stored_items(world) == []

        _, (question,) = await client.press(admin, summary, "Set date", expect=1)
        ok, *_ = await client.say(admin, "12 March 2024", reply_to=question.message_id, expect=3)
        assert ok.text == "📅 Meeting date set to 2024-03-12."
        # each guessed owner is added only when chosen: a guess can be a phrase, not a body
        _, (chooser,) = await client.press(admin, summary, "New parties (2)", expect=1)
        assert "1. “Ministry of Magic” — step 2" in chooser.text and "2. “Wizarding Council”" in chooser.text
        assert chooser.buttons == ["➕ 1", "➕ 2", "➕ Add all"]
        answer, edits = await client.press(admin, chooser, "➕ 1", expect=3)
        assert answer["text"] == "Added Ministry of Magic."
        by_id = {e.message_id: e for e in edits}
        assert "✅ Ministry of Magic" in by_id[chooser.message_id].text
        assert by_id[chooser.message_id].buttons == ["➕ 2", "➕ Add all"]
        assert "➕ New parties (1)" in by_id[summary.message_id].buttons
        page = next(e for e in edits if e.message_id not in (chooser.message_id, summary.message_id))
        assert "👥 Ministry of Magic" in page.text and "Wizarding Council" in page.text
        stale, _ = await client.press(admin, chooser, data=chooser.callback_data[0])  # a double tap
        assert stale["text"] == "Nothing new to add."
        _, (card,) = await client.press(admin, page, "✏️ 3", expect=1)
        _, edits = await client.press(admin, card, "Drop", expect=4)
        listed = next(e for e in edits if e.message_id == chooser.message_id)
        assert "only in dropped steps" in listed.text and listed.buttons == []
        _, (done,) = await client.press(admin, summary, "Import", expect=1)
        assert "Imported 2 steps" in done.text
        rows = stored_items(world)
        assert rows[0].due_date is not None and rows[0].due_date.isoformat() == "2024-04-11"
        with world.db.session() as session:
            assert session.exec(select(Party).where(Party.name == "Ministry of Magic")).first() is not None
            assert session.exec(select(Party).where(Party.name == "Wizarding Council")).first() is None
        await assert_clean(world)


async def test_only_the_secretariat_in_the_same_chat_can_touch_a_preview(tmp_path: Path) -> None:
    async with bot_world(tmp_path) as world:
        client, admin = world.client, world.admin
        summary, (steps,) = await upload(world, "wg.md", REPORT.encode())
        sven = await world.join("Sven", "Sweden")
        data = summary.callback_data[0]
        # Sven forges the Import button of the admin's preview in his own chat
        mine = await client.ask(sven, "/items")
        answer, _ = await client.press(sven, mine, data=data)
        assert answer["show_alert"]
        assert stored_items(world)[-1].text != "Sweden will book the venue by 1 July 2024."
        before = len(stored_items(world))
        await client.send_document(sven, "wg.md", REPORT.encode())
        (refused,) = await client.replies(sven, 1)
        assert "Only the secretariat can import" in refused.text
        for forged in (
            "im:zzzzzzzz:ok",
            "im:00000000:ok",
            "im:" + data[3:11] + ":d99999",
            "im:" + data[3:11] + ":e0",
        ):
            answer, _ = await client.press(admin, steps, data=forged)
            assert answer["show_alert"], forged
        assert len(stored_items(world)) == before
        await assert_clean(world)


async def test_bad_files_get_a_clear_reply(tmp_path: Path) -> None:
    async with bot_world(tmp_path, reports={"max_size_mb": 1}) as world:
        for name, content, message in [
            ("empty.txt", b"  ", "That file is empty."),
            ("photo.txt", b"\x00\x01\x02", "doesn't look like a text report"),
            ("minutes.txt", b"Minutes\n\nWe talked about the weather.\n", "couldn't find"),
            ("huge.txt", b"x" * (1024 * 1024 + 1), "too big (max 1 MB)"),
        ]:
            await world.client.skip()
            await world.client.send_document(world.admin, name, content)
            (reply,) = await world.client.replies(world.admin, 1)
            assert message in reply.text, name
        await assert_clean(world)


async def test_a_pdf_with_lines_broken_mid_sentence_and_page_headers(tmp_path: Path) -> None:
    from core.report_files import read_report
    from tests.report_files import pdf_with_page_furniture

    filler = [
        f"{n}. The delegates discussed item {n} of the agenda at length; views were exchanged on the "
        "methodology, the sources of data and the timeliness of national statistics."
        for n in range(1, 41)
    ]
    tasks = [
        "circulate the revised questionnaire to all members of the network",
        "publish the compendium of national practices on the website",
        "convene an online workshop for the national focal points",
        "prepare a concept note on the pilot data exchange",
        "report on the progress of the regional data portal",
    ]
    steps = [
        f"{41 + n}. The Secretariat will {task}, together with the guidance notes agreed in plenary, "
        "by 15 April 2024."
        for n, task in enumerate(tasks)
    ]
    pdf = pdf_with_page_furniture(
        "Report of the Working Group on Migration Data, second meeting\nVienna, 12-13 March 2024",
        [*filler, "Next steps", *steps],
        furniture="WG/MIG/2024/2 - Working Group on Migration Data",
    )
    text = read_report("report.pdf", pdf)
    assert "WG/MIG/2024/2" in text  # the page furniture really is in the text the parser gets
    async with bot_world(tmp_path) as world:
        summary, (page,) = await upload(world, "report.pdf", pdf)
        assert "5 steps to import" in summary.text, summary.text
        assert "Working Group on Migration Data, second meeting" in summary.text
        assert "📅 12 Mar 2024 · Vienna" in summary.text
        for task in tasks:
            assert (
                f"{task}, together with the guidance notes agreed in plenary, by 15 April 2024." in page.text
            )
        assert "WG/MIG" not in page.text
        await assert_clean(world)


async def test_a_step_card_takes_replies_and_follows_every_fix(tmp_path: Path) -> None:
    async with bot_world(tmp_path, seed=False) as world:
        client, admin = world.client, world.admin
        await add_parties(world)
        summary, (steps,) = await upload(world, "wg.md", REPORT.encode())
        _, (card,) = await client.press(admin, steps, "✏️ 2", expect=1)
        ok, *edits = await client.say(admin, "Sweden and Pakistan", reply_to=card.message_id, expect=3)
        assert ok.text.startswith(
            "👥 Step 2: Reference Group Chair — Sweden, Reference Group Chair — Pakistan"
        )
        shown = next(e for e in edits if e.message_id == card.message_id)
        assert "👥 Reference Group Chair — Sweden, Reference Group Chair — Pakistan" in shown.text
        ok, *_ = await client.say(admin, "due: 15 April 2024", reply_to=card.message_id, expect=3)
        assert ok.text.startswith("⏰ Step 2: 15 April 2024 → 15 Apr 2024")
        # a date before the meeting (14 March 2024) is taken, with a warning
        ok, *_ = await client.say(admin, "due: 1 March 2024", reply_to=card.message_id, expect=3)
        assert "before the meeting (14 Mar 2024)" in ok.text
        (bad,) = await client.say(admin, "Narnia", reply_to=card.message_id, expect=1)
        assert "I don't know: Narnia" in bad.text
        # a bare date replied to a step reads as its deadline, not as a party
        ok, *_ = await client.say(admin, "by end of May 2024", reply_to=card.message_id, expect=3)
        assert ok.text.startswith("⏰ Step 2: by end of May 2024 → 31 May 2024")

        # the header can be corrected even when it was read: 📝 and a "name:" reply
        assert "📝 Name" in summary.buttons and "📅 Date" in summary.buttons
        _, (question,) = await client.press(admin, summary, "📅 Date", expect=1)
        (wrong,) = await client.say(admin, "sometime soon", reply_to=question.message_id, expect=1)
        assert "couldn't read that as a day" in wrong.text
        ok, *_ = await client.say(
            admin, "name: Working Group, 3rd meeting", reply_to=summary.message_id, expect=2
        )
        assert ok.text == "📝 Meeting name set to Working Group, 3rd meeting."

        # Cancel takes every button away; a late reply or tap is told the import ended
        _, (cancelled, *retired) = await client.press(admin, summary, "Cancel", expect=3)
        assert "Import cancelled" in cancelled.text
        assert {m.message_id for m in retired} == {steps.message_id, card.message_id}
        assert all(m.buttons == [] for m in retired)
        (late,) = await client.say(admin, "Sweden", reply_to=card.message_id, expect=1)
        assert "cancelled" in late.text
        assert stored_items(world) == []
        await assert_clean(world)


async def test_a_report_shared_in_a_group_is_left_alone(tmp_path: Path) -> None:
    async with bot_world(tmp_path) as world:
        client, admin = world.client, world.admin
        sven = await world.join("Sven", "Sweden")
        group = await client.group("BP chairs", [admin, sven])
        await client.ask(admin, "/group on", chat_id=group)
        await client.send_document(admin, "wg.md", REPORT.encode(), chat_id=group)
        await client.send_document(sven, "wg.md", REPORT.encode(), chat_id=group)
        assert await client.quiet(group) == []
        with world.db.session() as session:
            assert session.exec(select(ImportPreview)).all() == []
        await assert_clean(world)


PARTY_REPORT = (
    "Working Group Meeting\nDate: 14 March 2024\n\nAction points\n"
    "1. The Ministry of Magic will host the next meeting in 2025.\n"
    "2. The Wizarding Council will consult widely by June 2024.\n"
    "3. The Goblin Bank will fund the study by May 2024.\n"
)


async def test_a_party_list_opened_twice_never_adds_the_wrong_party(tmp_path: Path) -> None:
    async with bot_world(tmp_path, seed=False) as world:
        client, admin = world.client, world.admin
        await add_parties(world)
        summary, (steps,) = await upload(world, "wg.md", PARTY_REPORT.encode())
        _, (first,) = await client.press(admin, summary, "New parties (3)", expect=1)
        await client.press(admin, first, "➕ 1", expect=3)
        _, (second,) = await client.press(admin, summary, "New parties (2)", expect=1)
        assert second.buttons == ["➕ 2", "➕ 3", "➕ Add all"]  # the same numbers as the first list
        # "➕ 2" on the first list still means the Wizarding Council
        answer, edits = await client.press(admin, first, data=first.callback_data[1], expect=4)
        assert answer["text"] == "Added Wizarding Council."
        assert {first.message_id, second.message_id} <= {e.message_id for e in edits}
        # owners set by reply: the name is no longer waiting, but it was never added
        await client.say(admin, "3: Sweden", reply_to=summary.message_id, expect=5)
        latest = [
            m for m in await client.events(after=0, chat_id=admin) if m.message_id == second.message_id
        ][-1]
        assert "✅ Ministry of Magic" in latest.text and "✅ Wizarding Council" in latest.text
        assert "3. Goblin Bank — owners set another way" in latest.text
        with world.db.session() as session:
            assert session.exec(select(Party).where(Party.name == "Goblin Bank")).first() is None
        assert latest.buttons == []  # nothing left to add: no buttons
        _, (done, page) = await client.press(admin, summary, "Import", expect=2)
        assert "Imported 3 steps" in done.text and page.message_id == steps.message_id and page.buttons == []
        await assert_clean(world)


async def test_a_step_card_offers_one_button_per_new_party(tmp_path: Path) -> None:
    report = (
        "Working Group Meeting\nDate: 14 March 2024\n\nAction points\n"
        "1. UNFPA and other interested entities will report on progress by June 2024.\n"
    )
    async with bot_world(tmp_path, seed=False) as world:
        client, admin = world.client, world.admin
        _, (steps,) = await upload(world, "wg.md", report.encode())
        _, (card,) = await client.press(admin, steps, "✏️ 1", expect=1)
        adds = [b for b in card.buttons if b.startswith("➕")]
        assert len(adds) >= 2 and any("UNFPA" in b for b in adds)
        unfpa = next(b for b in adds if "UNFPA" in b)
        answer, _ = await client.press(admin, card, unfpa, expect=3)
        assert answer["text"] == "Added UNFPA."
        with world.db.session() as session:
            assert [p.name for p in session.exec(select(Party)).all()] == ["UNFPA"]
        await assert_clean(world)


UNOWNED = (
    "Working Group Meeting\nDate: 14 March 2024\n\nAction points\n"
    "1. A concept note will be drafted by May 2024.\n"
    "2. The agenda will be circulated by 1 June 2024.\n"
    "3. A venue will be booked by 1 July 2024.\n"
)


async def test_all_colon_sets_the_owners_of_every_kept_step_in_any_language(tmp_path: Path) -> None:
    async with bot_world(tmp_path, seed=False) as world:
        client, admin = world.client, world.admin
        await add_parties(world)
        summary, (steps,) = await upload(world, "wg.md", UNOWNED.encode())
        assert "3 steps to import, 3 without an owner" in summary.text
        _, (card,) = await client.press(admin, steps, "✏️ 3", expect=1)
        await client.press(admin, card, "Drop", expect=3)
        ok, *_ = await client.say(admin, "all: Sweden", reply_to=summary.message_id, expect=3)
        assert ok.text == "👥 Steps 1, 2: Reference Group Chair — Sweden."  # not the dropped 3
        # the summary already says every kept step has an owner: only the steps page changes
        ok, _ = await client.say(admin, "Все: Pakistan", reply_to=summary.message_id, expect=2)
        assert ok.text == "👥 Steps 1, 2: Reference Group Chair — Pakistan."
        _, (done,) = await client.press(admin, summary, "Import", expect=1)
        assert "Imported 2 steps" in done.text
        with world.db.session() as session:
            owners = session.exec(
                select(Item.id, Party.name)
                .join(ItemOwner, col(ItemOwner.item_id) == Item.id)
                .join(Party, col(Party.id) == ItemOwner.party_id)
            ).all()
        assert [name for _, name in owners] == ["Reference Group Chair — Pakistan"] * 2
        await assert_clean(world)


FIXES_NEXT = (
    "33rd Senior Officials Meeting\nDate: 14 March 2029\n\nNext steps\n"
    "1. Sweden will draft the concept note ahead of the next Senior Officials Meeting.\n"
    "2. Pakistan will share the draft with partners by 1 June 2029.\n\n"
    "Closing\nThe 34th Senior Officials Meeting will be held in Vienna from 12 to 13 March 2030.\n"
)


async def test_the_next_meeting_the_report_fixes_is_set_on_import(tmp_path: Path) -> None:
    async with bot_world(tmp_path, seed=False) as world:
        client, admin = world.client, world.admin
        await add_parties(world)
        summary, _ = await upload(world, "som33.md", FIXES_NEXT.encode())
        assert (
            "⏭ Next meeting, as the report fixes it: 34th Senior Officials Meeting, 12 Mar 2030"
            in summary.text
        )
        _, (done,) = await client.press(admin, summary, "Import", expect=1)
        assert "⏭ Next meeting set from the report: 34th Senior Officials Meeting, 12 Mar 2030" in done.text
        rows = stored_items(world)
        assert [r.due_date for r in rows] == [date(2030, 2, 26), date(2029, 6, 1)]  # 14 days before it
        assert "34th Senior Officials Meeting" in (await client.ask(admin, "/meeting")).text
        await assert_clean(world)


async def test_a_next_meeting_the_secretariat_set_is_kept(tmp_path: Path) -> None:
    async with bot_world(tmp_path, seed=False) as world:
        client, admin = world.client, world.admin
        await add_parties(world)
        await client.ask(admin, "/meeting set 2030-04-02 34th SOM | Geneva")
        summary, _ = await upload(world, "som33.md", FIXES_NEXT.encode())
        assert "⏭" not in summary.text
        _, (done,) = await client.press(admin, summary, "Import", expect=1)
        assert "⏭" not in done.text
        assert stored_items(world)[0].due_date == date(2030, 3, 19)
        assert "34th SOM" in (await client.ask(admin, "/meeting")).text
        await assert_clean(world)
