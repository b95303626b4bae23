"""A report import in the sender's language: the preview, its buttons, cards, prompts, alerts,
confirmations and errors in Russian or Turkish; the report's own words (steps, parties, the
headings and phrases quoted from it) as written."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from bot.emulator.client import Sent
from bot.limits import CALLBACK_DATA_MAX_BYTES, MESSAGE_TEXT_LIMIT
from bot.render import shorten
from storage.models import ImportPreview, Item
from tests.e2e.harness import BotWorld, assert_clean, bot_world
from tests.english import assert_no_english

ISTANBUL = Path(__file__).parents[1] / "data" / "bp-som32-istanbul-2022.txt"
PARTIES = (
    "Chairmanship (Türkiye) | Chairmanship",
    "Reference Group Chair — Sweden | Sweden",
    "Reference Group Chair — Pakistan | Pakistan",
)
# names never translated: the parties (with their aliases) and the meeting as the report names it
NAMES = [
    "Chairmanship (Türkiye)",
    "Chairmanship",
    "Reference Group Chair — Sweden",
    "Reference Group Chair — Pakistan",
    "Sweden",
    "Pakistan",
    "Istanbul, Türkiye",
]


async def _secretariat(world: BotWorld, name: str, language_code: str) -> int:
    """A secretariat member whose Telegram is set to ``language_code``."""
    invite = await world.client.ask(world.admin, "/invite Sweden secretariat")
    code = invite.text.split("?start=")[1].split()[0]
    user = await world.client.user(name, language_code=language_code)
    await world.client.ask(user, f"/start {code}")
    return user


async def _upload(world: BotWorld, user: int) -> tuple[Sent, Sent]:
    await world.client.skip()
    await world.client.send_document(user, ISTANBUL.name, ISTANBUL.read_bytes())
    summary, steps = await world.client.replies(user, 2, timeout=20)
    return summary, steps


def _verbatim(world: BotWorld) -> list[str]:
    """What the preview quotes from the report (and may shorten): never translated."""
    with world.db.session() as session:
        drafts = [row.draft for row in session.exec(select(ImportPreview)).all()]
    kept: list[str] = [*NAMES]
    for draft in drafts:
        kept += [draft.get("meeting_name") or "", draft.get("place") or ""]
        for step in draft["steps"]:
            texts = [step["text"], step["ref"], step["deadline_phrase"] or "", *step["unknown_owners"]]
            if step["deadline"]:
                texts.append(step["deadline"]["text"])
            texts += [str(v) for _, params in step.get("reasons", []) for v in params.values()]
            kept += texts + [shorten(t, width) for t in texts for width in (30, 40, 60, 80, 120, 160, 300)]
    return [k for k in kept if k]


def _within_limits(message: Sent) -> None:
    assert len(message.text.encode("utf-16-le")) // 2 <= MESSAGE_TEXT_LIMIT, (
        message.text
    )  # as Telegram counts
    assert all(len(d.encode()) <= CALLBACK_DATA_MAX_BYTES for d in message.callback_data), (
        message.callback_data
    )


def _translated(verbatim: list[str], *messages: Sent | str) -> None:
    """Nothing English left but the report's own words; every message within Telegram's limits."""
    for message in messages:
        if isinstance(message, Sent):
            _within_limits(message)
            assert_no_english("\n".join([message.text, *message.buttons]), verbatim)
        else:
            assert len(message) <= 200  # a callback answer
            assert_no_english(message, verbatim)


def _stored(world: BotWorld) -> list[Item]:
    with world.db.session() as session:
        return list(session.exec(select(Item).order_by(col(Item.id))).all())


async def _sent_since(world: BotWorld, chat_id: int, first: Sent) -> list[Sent]:
    """Every message and edit the bot sent in the chat from ``first`` on."""
    return [m for m in await world.client.events(after=0, chat_id=chat_id) if m.seq >= first.seq]


async def test_a_russian_secretariat_member_reviews_and_imports_in_russian(tmp_path: Path) -> None:
    async with bot_world(tmp_path, seed=False) as world:
        client = world.client
        for party in PARTIES:
            await client.ask(world.admin, f"/party add {party}")
        olga = await _secretariat(world, "Olga", "ru")
        summary, steps = await _upload(world, olga)
        quoted = _verbatim(world)  # read before the import ends the preview
        assert summary.text.startswith(
            "📄 32nd Senior Officials Meeting\n📅 1 декабря 2022\u202fг. · Istanbul, Türkiye"
        )
        assert "5 шагов к импорту, 1 без ответственного." in summary.text
        assert "Ничего не сохраняется, пока вы не нажмёте «Импортировать»" in summary.text
        assert "«3 срок: март 2024»" in summary.text  # the reply keywords in Russian too
        assert summary.buttons == ["✅ Импортировать 5", "✖ Отмена", "📅 Дата", "📝 Название"]
        assert "1 · §13.1\nThe Chairmanship will provide time until early 2023" in steps.text  # as written
        assert "⏰ 30 апреля 2023\u202fг. («until early 2023»)" in steps.text
        assert "⏰ до следующего совещания (по умолчанию)" in steps.text
        assert "3 · §13.3" in steps.text and "👥 ⚠️ нет ответственного" in steps.text
        _translated(quoted, summary, steps)

        # Import before step 3 has an owner: the alert, in Russian, with the right plural
        answer, _ = await client.press(olga, summary, "Импортировать")
        assert answer["show_alert"] and answer["text"].startswith("1 шаг без ответственного: 3.")
        _translated(quoted, answer["text"])

        _, (card3,) = await client.press(olga, steps, "✏️ 3", expect=1)
        assert card3.text.startswith("Шаг 3 · §13.3\nThe thematic related queries")
        assert "Найден по признакам: в разделе «Report» (уверенность 90%)" in card3.text
        assert card3.buttons == ["👥 Ответственные", "⏰ Срок", "✖ Исключить"]
        _translated(quoted, card3)

        # drop step 3 with the Russian button: the card, the page and the summary follow
        answer, edits = await client.press(olga, card3, "✖ Исключить", expect=3)
        assert answer["text"] == "Шаг исключён."
        by_id = {e.message_id: e for e in edits}
        assert "4 шага к импорту, 1 исключён." in by_id[summary.message_id].text
        assert "— исключён" in by_id[steps.message_id].text and "↩ 3" in by_id[steps.message_id].buttons
        assert by_id[card3.message_id].text.startswith("Шаг 3 · §13.3 — исключён")
        assert by_id[card3.message_id].buttons == ["👥 Ответственные", "⏰ Срок", "↩ Вернуть"]
        again, _ = await client.press(olga, card3, data=card3.callback_data[2])  # the stale ✖ button
        assert again["text"] == "Шаг 3 уже исключён."
        _translated(quoted, *edits, answer["text"], again["text"])

        # a deadline typed in Russian, through the ⏰ question
        _, (card2,) = await client.press(olga, steps, "✏️ 2", expect=1)
        _, (question,) = await client.press(olga, card2, "⏰ Срок", expect=1)
        assert question.text.startswith(
            "⏰ Какой срок у шага 2? Ответьте фразой, например: до конца марта 2024."
        )
        ok, *edits = await client.say(olga, "до конца марта 2027", reply_to=question.message_id, expect=3)
        assert ok.text.startswith("⏰ Шаг 2: до конца марта 2027 → 31 марта 2027\u202fг.")
        page = next(e for e in edits if e.message_id == steps.message_id)
        assert "⏰ 31 марта 2027\u202fг. («до конца марта 2027»)" in page.text
        # and one in a reply to the summary, with the Russian keyword its hint shows
        done, page = await client.say(
            olga, "1 срок: до конца июня 2027", reply_to=summary.message_id, expect=2
        )
        assert done.text.startswith("⏰ Шаг 1: до конца июня 2027 → 30 июня 2027\u202fг.")
        assert page.message_id == steps.message_id and "⏰ 30 июня 2027\u202fг." in page.text
        _translated(quoted, card2, question, ok, *edits, done, page)

        _, (imported,) = await client.press(olga, summary, "Импортировать", expect=1)
        assert imported.text == (
            "✅ 32nd Senior Officials Meeting: импортировано 4 шага: #1, #2, #3, #4.\nСписок: /items all."
        )
        rows = _stored(world)
        assert [r.paragraph_ref for r in rows] == ["§13.1", "§13.2", "§13.4", "§13.5"]
        assert rows[1].due_text == "до конца марта 2027" and str(rows[1].due_date) == "2027-03-31"
        late, _ = await client.press(olga, summary, data=summary.callback_data[0])
        assert late["text"] == "Этот отчёт уже импортирован: его шаги — в /items all."

        everything = await _sent_since(world, olga, summary)
        assert len(everything) >= 12
        _translated(quoted, *everything, late["text"])
        await assert_clean(world)


async def test_a_turkish_sender_gets_a_turkish_preview(tmp_path: Path) -> None:
    async with bot_world(tmp_path, seed=False) as world:
        client, admin = world.client, world.admin
        for party in PARTIES:
            await client.ask(admin, f"/party add {party}")
        await client.ask(admin, "/lang tr")  # the secretariat's own language
        summary, steps = await _upload(world, admin)
        quoted = _verbatim(world)
        assert summary.text.startswith(
            "📄 32nd Senior Officials Meeting\n📅 1 Aralık 2022 · Istanbul, Türkiye"
        )
        assert "içe aktarılacak 5 adım, 1 sorumlusuz." in summary.text
        assert summary.buttons == ["✅ 5 adımı içe aktar", "✖ İptal", "📅 Tarih", "📝 Ad"]
        assert "⏰ 30 Nisan 2023 (“until early 2023”)" in steps.text and "⚠️ sorumlu yok" in steps.text
        _, (card,) = await client.press(admin, steps, "✏️ 1", expect=1)
        assert "Bulunma nedeni: “Report” bölümünde; sorumlu (güven %90)" in card.text
        assert card.buttons == ["👥 Sorumlular", "⏰ Son tarih", "✖ Çıkar"]

        ok, *edits = await client.say(admin, "3: Chairmanship", reply_to=summary.message_id, expect=3)
        assert ok.text == "👥 Adım 3: Chairmanship (Türkiye)."
        assert {e.message_id for e in edits} == {summary.message_id, steps.message_id}
        moved, edited = await client.say(admin, "tarih: 2 Aralık 2022", reply_to=summary.message_id, expect=2)
        assert moved.text == "📅 Toplantı tarihi: 2 Aralık 2022."
        assert edited.text.startswith(
            "📄 32nd Senior Officials Meeting\n📅 2 Aralık 2022 · Istanbul, Türkiye"
        )
        assert "içe aktarılacak 5 adım." in edited.text
        unknown, *_ = await client.say(admin, "2: Narnia", reply_to=summary.message_id, expect=1)
        assert unknown.text.startswith("Bilinmeyen taraflar: Narnia.")
        _, (cancelled,) = await client.press(admin, summary, "İptal", expect=1)
        assert cancelled.text == "İçe aktarma iptal edildi. Hiçbir şey kaydedilmedi."
        assert _stored(world) == []

        everything = await _sent_since(world, admin, summary)
        _translated(quoted, *[m for m in everything if m.message_id != unknown.message_id])
        assert_no_english(unknown.text, [*quoted, "Narnia"])
        await assert_clean(world)


async def test_a_bad_file_is_explained_in_the_senders_language(tmp_path: Path) -> None:
    async with bot_world(tmp_path, seed=False, reports={"max_size_mb": 1}) as world:
        await world.client.ask(world.admin, "/party add Sweden")
        olga = await _secretariat(world, "Olga", "ru")
        for name, content, expected in [
            ("empty.txt", b"  ", "Файл пуст."),
            (
                "photo.txt",
                b"\x00\x01\x02",
                "Это не похоже на текстовый отчёт. Пришлите .txt, .md, .docx или .pdf.",
            ),
            ("minutes.txt", b"Minutes\n\nWe talked about the weather.\n", "В этом отчёте не нашлось"),
            ("huge.txt", b"x" * (1024 * 1024 + 1), "Файл слишком большой (не более 1 МБ)."),
            ("broken.docx", b"not a zip at all", "Не удаётся открыть этот файл DOCX."),
        ]:
            await world.client.skip()
            await world.client.send_document(olga, name, content)
            (reply,) = await world.client.replies(olga, 1, timeout=20)
            assert reply.text.startswith(expected), (name, reply.text)
            assert_no_english(reply.text)
        await assert_clean(world)
