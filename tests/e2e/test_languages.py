"""Each reader's language: Telegram's language_code at first contact, /lang, a group's language."""

from __future__ import annotations

import json

from tests.e2e.harness import BotWorld


async def _join(world: BotWorld, name: str, party: str, language_code: str | None) -> int:
    invite = await world.client.ask(world.admin, f"/invite {party} chair")
    code = invite.text.split("?start=")[1].split()[0]
    user = await world.client.user(name, language_code=language_code)
    await world.client.ask(user, f"/start {code}")
    return user


async def test_russian_chair_gets_help_in_russian_and_lang_switches(world: BotWorld) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    help_ru = (await world.client.ask(ivan, "/help")).text
    assert "Ваша роль: председатель. Что вы можете сделать:" in help_ru
    assert "/status — Задать статус: /status N готово [заметка]" in help_ru
    assert "/lang — Ваш язык: /lang en|ru|tr" in help_ru
    assert "What you can do" not in help_ru
    who = (await world.client.ask(ivan, "/whoami")).text
    assert "председатель, Reference Group Chair — Sweden" in who  # a party's name is never translated

    switched = await world.client.ask(ivan, "/lang en")
    assert switched.text == "✅ Language: English. /help shows what you can do."
    help_en = (await world.client.ask(ivan, "/help")).text
    assert help_en.startswith("You are chair. What you can do:")

    await world.client.ask(ivan, "/lang tr")
    help_tr = (await world.client.ask(ivan, "/help")).text
    assert help_tr.startswith("Rolünüz: başkan. Yapabilecekleriniz:")


async def test_lang_alone_offers_buttons_checked_on_press(world: BotWorld) -> None:
    ayse = await _join(world, "Ayşe", "Chairmanship", "tr-TR")
    offer = await world.client.ask(ayse, "/lang")
    assert offer.text == "Diliniz: Türkçe. Birini seçin:"
    assert offer.buttons == ["English", "Русский", "Türkçe"]
    _, edited = await world.client.press(ayse, offer, "Русский", expect=1)
    assert edited[0].text == "✅ Язык: Русский. /help покажет, что вы можете сделать."
    assert "Ваша роль" in (await world.client.ask(ayse, "/help")).text
    forged, _ = await world.client.press(ayse, offer, data="lg:xx")
    assert forged["text"] == "Эта кнопка больше не действует."


async def test_user_without_language_code_reads_english(world: BotWorld) -> None:
    nobody = await _join(world, "Noor", "Pakistan", None)
    assert (await world.client.ask(nobody, "/help")).text.startswith("You are chair. What you can do:")
    german = await _join(world, "Greta", "Hungary", "de")
    assert (await world.client.ask(german, "/help")).text.startswith("You are chair. What you can do:")


async def test_stranger_reads_the_how_to_join_text_in_telegrams_language(world: BotWorld) -> None:
    stranger = await world.client.user("Oleg", language_code="ru")
    reply = await world.client.ask(stranger, "/help")
    assert reply.text.startswith("👋 Это NextSteps")
    assert "Попросите у секретариата ссылку-приглашение" in reply.text


async def test_command_menus_per_language(world: BotWorld) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    menus = world.emulator.world.commands

    def menu(scope: dict[str, object], language_code: str = "") -> dict[str, str]:
        key = json.dumps(scope, sort_keys=True) + "|" + language_code
        return {c["command"]: c["description"] for c in menus[key]}

    assert menu({"type": "default"})["start"] == "Join with an invite link"
    assert menu({"type": "default"}, "ru")["start"] == "Присоединиться по ссылке-приглашению"
    assert menu({"type": "default"}, "tr")["help"] == "Nasıl erişim alınır"
    assert menu({"type": "all_group_chats"}, "tr")["items"].startswith("Sonraki adımları listele")
    assert menu({"chat_id": ivan, "type": "chat"})["lang"] == "Ваш язык: /lang en|ru|tr"
    await world.client.ask(ivan, "/lang en")
    assert menu({"chat_id": ivan, "type": "chat"})["lang"] == "Your language: /lang en|ru|tr"


async def test_secretariat_sets_a_groups_language(world: BotWorld) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    group = await world.client.group("Budapest Process", [world.admin, ivan])
    assert (await world.client.ask(ivan, "/help", chat_id=group)).text.startswith("You are chair.")
    refused = await world.client.ask(ivan, "/lang ru", chat_id=group)
    assert refused.text == "Only the secretariat can set the language of a group."
    done = await world.client.ask(world.admin, "/lang tr", chat_id=group)
    assert done.text == "✅ Bu grubun dili: Türkçe."
    # the group's own command menu is in its language too, for everyone in it
    key = json.dumps({"chat_id": group, "type": "chat"}, sort_keys=True) + "|"
    group_menu = {c["command"]: c["description"] for c in world.emulator.world.commands[key]}
    assert group_menu["items"].startswith("Sonraki adımları listele")
    # everyone there reads the group's language, whatever their own
    assert (await world.client.ask(ivan, "/help", chat_id=group)).text.startswith("Rolünüz: başkan.")
    off = await world.client.ask(ivan, "/items", chat_id=group)
    assert off.text == "NextSteps bu grupta açık değil. Sekretarya /group on ile açabilir."
    # and privately their own
    assert (await world.client.ask(ivan, "/help")).text.startswith("Ваша роль: председатель.")
