"""The emulator is strict where Telegram is: these are the errors the bot must never trigger."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.emulator import Emulator, EmulatorClient, FloodPolicy


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(flood=FloodPolicy.off()) as emulator:
        yield emulator


async def call(
    emu: Emulator, method: str, token: str | None = None, **params: Any
) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{emu.base_url}{token or emu.token}/{method}", json=params)
        return response.status_code, response.json()


async def started_user(emu: Emulator) -> int:
    return emu.add_user("Ann", started=True).id


async def test_wrong_token_is_unauthorized(emu: Emulator) -> None:
    code, body = await call(emu, "getMe", token="1:wrong")
    assert (code, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


async def test_unknown_method_is_not_found(emu: Emulator) -> None:
    code, body = await call(emu, "sendTelepathy")
    assert code == 404 and body["description"] == "Not Found"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a < b", "can't parse entities"),
        ("<blink>x</blink>", 'Unsupported start tag "blink"'),
        ("<b>x", "Can't find end tag"),
        ("<b>x</i>", "Unmatched end tag"),
        ("AT&T", "can't parse entities"),
        ("&nbsp;", "Unsupported HTML entity"),
        ("<b></b>", "message text is empty"),
        ("", "message text is empty"),
    ],
)
async def test_invalid_html_is_refused(emu: Emulator, text: str, fragment: str) -> None:
    chat = await started_user(emu)
    code, body = await call(emu, "sendMessage", chat_id=chat, text=text, parse_mode="HTML")
    assert code == 400 and fragment in body["description"]


async def test_text_limit_is_4096_after_entity_parsing(emu: Emulator) -> None:
    chat = await started_user(emu)
    ok_text = "<b>" + "a" * 4096 + "</b>"  # 4103 characters of HTML, 4096 of text
    assert (await call(emu, "sendMessage", chat_id=chat, text=ok_text, parse_mode="HTML"))[0] == 200
    code, body = await call(emu, "sendMessage", chat_id=chat, text="a" * 4097)
    assert code == 400 and body["description"] == "Bad Request: message is too long"
    code, _ = await call(emu, "sendMessage", chat_id=chat, text="😀" * 2049)  # 4098 UTF-16 units
    assert code == 400


async def test_callback_data_must_be_1_to_64_bytes(emu: Emulator) -> None:
    chat = await started_user(emu)
    for data, expected in (("x" * 64, 200), ("x" * 65, 400), ("", 400), ("é" * 33, 400)):
        markup = {"inline_keyboard": [[{"text": "b", "callback_data": data}]]}
        code, body = await call(emu, "sendMessage", chat_id=chat, text="hi", reply_markup=markup)
        assert code == expected, data
        if code == 400:
            assert body["description"] == "Bad Request: BUTTON_DATA_INVALID"


async def test_edit_with_same_content_is_not_modified(emu: Emulator) -> None:
    chat = await started_user(emu)
    _, sent = await call(emu, "sendMessage", chat_id=chat, text="<b>hi</b>", parse_mode="HTML")
    message_id = sent["result"]["message_id"]
    code, body = await call(
        emu, "editMessageText", chat_id=chat, message_id=message_id, text="<b>hi</b>", parse_mode="HTML"
    )
    assert code == 400 and body["description"].startswith("Bad Request: message is not modified")
    code, _ = await call(
        emu, "editMessageText", chat_id=chat, message_id=message_id, text="<i>hi</i>", parse_mode="HTML"
    )
    assert code == 200
    code, body = await call(emu, "editMessageText", chat_id=chat, message_id=999, text="x")
    assert body["description"] == "Bad Request: message to edit not found"


async def test_users_who_never_started_or_blocked_get_403(emu: Emulator) -> None:
    never = emu.add_user("Never").id
    code, body = await call(emu, "sendMessage", chat_id=never, text="hi")
    assert code == 403 and body["description"] == "Forbidden: bot can't initiate conversation with a user"
    blocked = await started_user(emu)
    emu.world.users[blocked].blocked = True
    code, body = await call(emu, "sendMessage", chat_id=blocked, text="hi")
    assert code == 403 and body["description"] == "Forbidden: bot was blocked by the user"
    code, body = await call(emu, "sendMessage", chat_id=123456789, text="hi")
    assert code == 400 and body["description"] == "Bad Request: chat not found"


async def test_migrated_group_answers_with_new_chat_id(emu: Emulator) -> None:
    group = emu.add_group("G", [])
    new = emu.migrate(group.id)
    code, body = await call(emu, "sendMessage", chat_id=group.id, text="hi")
    assert code == 400 and body["parameters"] == {"migrate_to_chat_id": new.id}
    assert new.id < -1000000000000
    assert (await call(emu, "sendMessage", chat_id=new.id, text="hi"))[0] == 200


async def test_answers_to_what_a_person_wrote_are_not_paced() -> None:
    async with Emulator(flood=FloodPolicy()) as emu:
        chat = emu.add_user("Ann", started=True).id
        for n in range(3):
            assert (await call(emu, "sendMessage", chat_id=chat, text=str(n)))[0] == 200
        assert (await call(emu, "sendMessage", chat_id=chat, text="x"))[0] == 429
        for n in range(10):  # a conversation: each message of hers is answered at once
            emu.user_message(chat, f"/item {n}")
            assert (await call(emu, "sendMessage", chat_id=chat, text=f"#{n}"))[0] == 200
        assert (await call(emu, "sendMessage", chat_id=chat, text="unasked"))[0] == 429


async def test_flood_limits_answer_429_with_retry_after() -> None:
    async with Emulator(
        flood=FloodPolicy(global_per_second=30, group_per_minute=20, private_per_second=1.0)
    ) as emu:
        chat = emu.add_user("Ann", started=True).id
        for n in range(3):  # a short burst is allowed in a private chat, then one a second
            assert (await call(emu, "sendMessage", chat_id=chat, text=str(n)))[0] == 200
        code, body = await call(emu, "sendMessage", chat_id=chat, text="4")
        assert code == 429 and body["parameters"]["retry_after"] >= 1
        assert body["description"].startswith("Too Many Requests: retry after")
        group = emu.add_group("G", [])
        codes = [(await call(emu, "sendMessage", chat_id=group.id, text=str(i)))[0] for i in range(21)]
        assert codes.count(200) == 20 and codes[-1] == 429
        users = [emu.add_user(f"U{i}", started=True).id for i in range(40)]
        results = await asyncio.gather(*(call(emu, "sendMessage", chat_id=u, text="x") for u in users))
        codes = [code for code, _ in results]
        assert 429 in codes and codes.count(200) <= 30


async def test_two_pollers_conflict(emu: Emulator) -> None:
    first = asyncio.create_task(call(emu, "getUpdates", timeout=5))
    await asyncio.sleep(0.2)
    second = asyncio.create_task(call(emu, "getUpdates", timeout=0.2))
    code, body = await first
    assert code == 409 and "terminated by other getUpdates request" in body["description"]
    assert (await second)[0] == 200


async def test_long_polling_returns_when_an_update_arrives(emu: Emulator) -> None:
    user = await started_user(emu)
    poll = asyncio.create_task(call(emu, "getUpdates", timeout=10))
    await asyncio.sleep(0.1)
    emu.user_message(user, "/start abc")
    _, body = await asyncio.wait_for(poll, 2)
    (update,) = body["result"]
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    # confirmed by the next offset
    _, again = await call(emu, "getUpdates", offset=update["update_id"] + 1)
    assert again["result"] == []


async def test_callback_queries_are_answered_once(emu: Emulator) -> None:
    user = await started_user(emu)
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    _, sent = await call(emu, "sendMessage", chat_id=user, text="x", reply_markup=markup)
    query_id, _ = emu.press(user, user, sent["result"]["message_id"], button="Go")
    assert (await call(emu, "answerCallbackQuery", callback_query_id=query_id))[0] == 200
    code, body = await call(emu, "answerCallbackQuery", callback_query_id=query_id)
    assert code == 400 and "query is too old" in body["description"]


async def test_set_my_commands_validates_names(emu: Emulator) -> None:
    code, body = await call(emu, "setMyCommands", commands=[{"command": "Bad-Name", "description": "x"}])
    assert code == 400 and body["description"] == "Bad Request: BOT_COMMAND_INVALID"


async def test_control_client_sees_what_users_see(emu: Emulator) -> None:
    async with EmulatorClient(emu.control_url) as client:
        user = await client.user("Ann", started=True)
        await call(emu, "sendMessage", chat_id=user, text="<b>Hello</b> &amp; welcome", parse_mode="HTML")
        (sent,) = await client.replies(user)
        assert sent.text == "Hello & welcome" and sent.entities == [
            {"type": "bold", "offset": 0, "length": 5}
        ]
