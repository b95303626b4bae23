"""Joining and the secretariat's invites in the reader's language: the welcome after an invite, the
"change your party or role?" question and its buttons, /invite, /invites and /invite revoke, the
secretariat's notice of a change (in each secretariat member's own language), unknown commands,
refusals and the apology for a failure. Party and people's names stay as they are."""

from __future__ import annotations

import pytest

from bot.limits import MESSAGE_TEXT_LIMIT
from core import members
from storage.models import Role
from tests.e2e.harness import BotWorld
from tests.e2e.test_languages import _join
from tests.english import assert_no_english

SWEDEN = "Reference Group Chair — Sweden"
PAKISTAN = "Reference Group Chair — Pakistan"
ADMIN = "Ada Secretariat"


def _within_limits(text: str) -> None:
    assert len(text.encode("utf-16-le")) // 2 <= MESSAGE_TEXT_LIMIT


def _code(text: str) -> str:
    return text.split("?start=")[1].split()[0]


async def test_a_russian_speaker_opening_an_invite_is_welcomed_in_russian(world: BotWorld) -> None:
    invite = await world.client.ask(world.admin, "/invite Sweden chair")
    oleg = await world.client.user("Oleg", language_code="ru")
    welcome = await world.client.ask(oleg, f"/start {_code(invite.text)}")
    assert welcome.text == (
        f"✅ Добро пожаловать, Oleg! Теперь ваша роль — председатель стороны {SWEDEN}.\n\n"
        "Отправьте /items, чтобы увидеть ваши следующие шаги, или /help."
    )
    assert_no_english(welcome.text, [SWEDEN, "Oleg"])
    # the used-up link, opened again by another Russian speaker: refused in Russian
    late = await world.client.user("Lena", language_code="ru")
    refused = await world.client.ask(late, f"/start {_code(invite.text)}")
    assert refused.text.startswith("Эта ссылка-приглашение больше не действует")
    assert_no_english(refused.text)
    # and in a group, a code is never used: told in the group's language (English until set)
    group = await world.client.group("Delegates", [world.admin, late])
    await world.client.send(world.admin, "/lang ru", chat_id=group)
    await world.client.replies(group, 1)
    await world.client.send(late, f"/start {_code(invite.text)}", chat_id=group)
    (hint,) = await world.client.replies(group, 1)
    assert hint.text == "Откройте ссылку-приглашение в личном чате со мной."


async def test_a_turkish_secretariat_member_invites_lists_and_revokes_in_turkish(world: BotWorld) -> None:
    await world.client.ask(world.admin, "/lang tr")
    created = await world.client.ask(world.admin, "/invite Pakistan gözlemci uses=2")  # a Turkish role word
    assert created.text.startswith(f"🔗 Davet: {PAKISTAN} — gözlemci\nhttps://t.me/")
    assert created.text.endswith("\n14 gün geçerli, 2 kullanım. Bağlantıyı kişiye özel olarak gönderin.")
    assert_no_english(created.text, [PAKISTAN])
    single = await world.client.ask(world.admin, "/invite Sweden")
    assert single.text.startswith(f"🔗 Davet: {SWEDEN} — başkan\n")
    assert "14 gün geçerli, 1 kullanım." in single.text
    used, unused = _code(created.text), _code(single.text)
    nadia = await world.client.user("Nadia", language_code="en")
    await world.client.ask(nadia, f"/start {used}")

    listing = await world.client.ask(world.admin, "/invites")
    assert listing.text.startswith("Geçerli davetler (2) — iptal için: /invite revoke KOD")
    assert f"{used[:8]} {PAKISTAN} — gözlemci — 1 kullanım kaldı, 1 kez kullanıldı, " in listing.text
    assert f"{unused[:8]} {SWEDEN} — başkan — 1 kullanım kaldı, 0 kez kullanıldı, " in listing.text
    assert "tarihine kadar, oluşturan: Ada Secretariat" in listing.text
    assert any(
        month in listing.text
        for month in (
            "Ocak",
            "Şubat",
            "Mart",
            "Nisan",
            "Mayıs",
            "Haziran",
            "Temmuz",
            "Ağustos",
            "Eylül",
            "Ekim",
            "Kasım",
            "Aralık",
        )
    )
    assert_no_english(listing.text, [PAKISTAN, SWEDEN, ADMIN, used[:8], unused[:8]])

    revoked = await world.client.ask(world.admin, f"/invite revoke {unused[:8]}")
    assert revoked.text == f"🚫 {unused[:8]}… daveti iptal edildi: artık kullanılamaz."
    for command, expected in [
        ("/invite revoke zzzzzzzz", "Bu koda sahip bir davet yok."),
        (
            "/invite revoke abc",
            "Davet kodunu yazın (en az ilk 6 karakterini); kodlar /invites ile listelenir.",
        ),
        ("/invite revoke", "Kullanım: /invite revoke KOD (kodlar /invites ile listelenir)"),
        ("/invite", "Kullanım: /invite TARAF [başkan|gözlemci|sekretarya] [uses=N]"),
        ("/invite Atlantis", "“Atlantis” adında bir taraf bilmiyorum. Taraflar: /parties."),
        ("/invite Sweden uses=0", "uses değeri 1 ile 1000 arasında olmalıdır."),
    ]:
        reply = await world.client.ask(world.admin, command)
        assert reply.text == expected, command
        assert_no_english(reply.text, ["Atlantis"])
    listing = await world.client.ask(world.admin, "/invites")
    assert listing.text.startswith("Geçerli davetler (1)") and unused[:8] not in listing.text
    await world.client.ask(world.admin, f"/invite revoke {used[:8]}")
    empty = await world.client.ask(world.admin, "/invites")
    assert empty.text.startswith("Geçerli davet yok. Oluşturmak için: /invite TARAF")
    assert_no_english(empty.text)

    # asked in a group: the link goes privately, the group reads its own language
    group = await world.client.group("Sekretarya", [world.admin])
    await world.client.send(world.admin, "/lang tr", chat_id=group)
    await world.client.replies(group, 1)
    await world.client.send(world.admin, "/invite Pakistan", chat_id=group)
    (in_group,) = await world.client.replies(group, 1)
    assert in_group.text == "🔗 Davet bağlantısını size özel mesajla gönderdim."


async def test_a_russian_member_confirms_a_change_and_each_secretariat_member_is_told_in_theirs(
    world: BotWorld,
) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    aylin = await _join(world, "Aylin", "Chairmanship", "tr")
    with world.db.session() as session:  # a second secretariat member, who reads Turkish
        members.enroll(
            session=session,
            user_id=aylin,
            display_name="Aylin",
            party_name="Chairmanship",
            role=Role.SECRETARIAT,
        )
    invite = await world.client.ask(world.admin, "/invite Pakistan observer")
    question = await world.client.ask(ivan, f"/start {_code(invite.text)}")
    assert question.text == (
        f"Сейчас ваша роль: председатель стороны {SWEDEN}. "
        f"По этому приглашению она станет: наблюдатель стороны {PAKISTAN}.\nИзменить?"
    )
    assert question.buttons == ["✅ Да, изменить", "✖ Нет, оставить"]
    assert_no_english(question.text, [SWEDEN, PAKISTAN])

    _, (kept,) = await world.client.press(ivan, question, "✖ Нет, оставить", expect=1)
    assert kept.text == "Хорошо, ничего не изменилось."
    question = await world.client.ask(ivan, f"/start {_code(invite.text)}")
    _, (done,) = await world.client.press(ivan, question, "✅ Да, изменить", expect=1)
    assert done.text == (
        f"✅ Готово: теперь ваша роль — наблюдатель стороны {PAKISTAN}. /help покажет, что вы можете сделать."
    )
    assert_no_english(done.text, [PAKISTAN])

    (note,) = await world.client.replies(world.admin, 1)  # the admin reads English
    assert note.text == (
        f"👤 Ivan changed from chair of {SWEDEN} to observer of {PAKISTAN} (invite by {ADMIN})."
    )
    told = [m for m in await world.client.events(after=0, chat_id=aylin) if m.text.startswith("👤")]
    assert [m.text for m in told] == [
        f"👤 Ivan: rol değişti, önceki: {SWEDEN} — başkan, yeni: {PAKISTAN} — gözlemci "
        f"(daveti gönderen: {ADMIN})."
    ]
    assert_no_english(told[0].text, [SWEDEN, PAKISTAN, ADMIN, "Ivan"])

    # the same invite again, now nothing would change: said in Russian
    again = await world.client.ask(world.admin, "/invite Pakistan observer")
    same = await world.client.ask(ivan, f"/start {_code(again.text)}")
    assert same.text == f"Ваша роль уже: наблюдатель стороны {PAKISTAN}. Ничего не изменилось."
    stale, _ = await world.client.press(ivan, question, data="iv:x:y")
    assert stale["text"] == "Эта кнопка больше не действует."


async def test_unknown_commands_and_stray_text_point_to_help_in_russian(world: BotWorld) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    unknown = await world.client.ask(ivan, "/frobnicate")
    assert unknown.text == "Команда /frobnicate мне неизвестна. /help покажет, что вы можете сделать."
    stray = await world.client.ask(ivan, "hello there")
    assert stray.text.startswith("Чтобы добавить заметку, ответьте на сообщение о пункте")
    for reply in (unknown, stray):
        assert_no_english(reply.text)
    # /lang en: the same pointer in English
    await world.client.ask(ivan, "/lang en")
    assert (await world.client.ask(ivan, "/frobnicate")).text.startswith("I don't know /frobnicate.")


async def test_a_russian_chairs_refusals_and_mistakes_are_in_russian(world: BotWorld) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    for command, expected in [
        ("/party add Atlantis", "Добавлять стороны может только секретариат."),
        ("/invite Pakistan", "Создавать приглашения может только секретариат."),
        ("/invites", "Просматривать приглашения может только секретариат."),
        ("/invite revoke abcdefgh", "Отзывать приглашения может только секретариат."),
        ("/meeting set 2027-03-01 Extra Session", "Назначать следующее совещание может только секретариат."),
        ("/tz Atlantis/Nowhere", "Часовой пояс «Atlantis/Nowhere» мне неизвестен."),
    ]:
        reply = await world.client.ask(ivan, command)
        assert reply.text.startswith(expected), (command, reply.text)
        assert_no_english(reply.text, ["Atlantis/Nowhere"])
    group = await world.client.group("Delegates", [world.admin, ivan])
    await world.client.send(world.admin, "/lang ru", chat_id=group)
    await world.client.replies(group, 1)
    await world.client.send(ivan, "/group on", chat_id=group)
    (refused,) = await world.client.replies(group, 1)
    assert refused.text == "Включать и выключать NextSteps в группе может только секретариат."


async def test_the_secretariat_manages_parties_and_groups_in_russian(world: BotWorld) -> None:
    await world.client.ask(world.admin, "/lang ru")
    for command, expected in [
        ("/party add ***", "В «***» нет ни букв, ни цифр: дайте стороне название, которое можно набрать."),
        ("/party add Atlantis | !!", "В другом названии «!!» нет ни букв, ни цифр."),
        ("/party add Sverige | Sweden", f"Название «Sweden» уже занято стороной «{SWEDEN}»."),
        ("/group on", "Отправьте /group on в той группе, где нужно включить бота."),
    ]:
        reply = await world.client.ask(world.admin, command)
        assert reply.text == expected, command
        assert_no_english(reply.text, [SWEDEN, "Atlantis", "Sweden"])
    group = await world.client.group("Delegates", [world.admin])
    await world.client.send(world.admin, "/lang ru", chat_id=group)
    await world.client.replies(group, 1)
    for command, start in [
        ("/group maybe", "Формат: /group on (команды пунктов работают здесь) или /group off"),
        ("/group on", "✅ Теперь участники могут пользоваться NextSteps здесь"),
        ("/group off", "Команды пунктов NextSteps в этой группе отключены."),
    ]:
        await world.client.send(world.admin, command, chat_id=group)
        (reply,) = await world.client.replies(group, 1)
        assert reply.text.startswith(start), command
        assert_no_english(reply.text)
        _within_limits(reply.text)


async def test_the_apology_for_a_failure_reads_the_members_language(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")

    def broken(**_: object) -> None:
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(members, "member_party", broken)
    sorry = await world.client.ask(ivan, "/whoami")
    assert sorry.text == "Извините, у меня что-то пошло не так, и ничего не изменилось. Попробуйте ещё раз."
    # a member who chose English reads English, whatever Telegram says
    monkeypatch.undo()
    await world.client.ask(ivan, "/lang en")
    monkeypatch.setattr(members, "member_party", broken)
    sorry = await world.client.ask(ivan, "/whoami")
    assert sorry.text.startswith("Sorry, something went wrong on my side")
    world.app.bot_data["test_errors"].clear()  # the failures were the point
