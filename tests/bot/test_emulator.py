"""The emulator is strict where Telegram is: these are the errors the bot must never trigger."""

from __future__ import annotations

import asyncio
import json
import struct
import zlib
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
    # one message per 10 s once the burst is spent, so a slow machine can't refill it mid-test
    async with Emulator(flood=FloodPolicy(private_per_second=0.1)) as emu:
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


# -- files: sendPhoto and sendDocument ------------------------------------------------------------
def png(width: int, height: int) -> bytes:
    """A real (black, 1-bit grayscale) PNG of that size."""
    row = b"\x00" + bytes((width + 7) // 8)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    """The start of a baseline JPEG: SOI, an APP0 segment, then SOF0 with the size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


async def upload(
    emu: Emulator, method: str, field: str, content: bytes, filename: str | None = "file.bin", **params: Any
) -> tuple[int, dict[str, Any]]:
    files = {field: (filename, content, "application/octet-stream")}
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.post(f"{emu.base_url}{emu.token}/{method}", data=data, files=files)
        return response.status_code, response.json()


async def test_a_photo_is_stored_with_telegram_sizes_and_can_be_fetched_back(emu: Emulator) -> None:
    chat = await started_user(emu)
    image = png(1200, 1600)
    code, body = await upload(
        emu, "sendPhoto", "photo", image, chat_id=str(chat), caption="<b>Status</b> chart", parse_mode="HTML"
    )
    assert code == 200, body
    sizes = body["result"]["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [(68, 90), (240, 320), (600, 800), (1200, 1600)]
    assert body["result"]["caption"] == "Status chart"
    async with EmulatorClient(emu.control_url) as client:
        (sent,) = await client.replies(chat)
        assert sent.photo is not None and (sent.photo["width"], sent.photo["height"]) == (1200, 1600)
        assert sent.text == "Status chart" and sent.entities[0]["type"] == "bold"
        assert await client.download(sent) == image
    # as the bot would read it back: getFile, then the file URL
    _, info = await call(emu, "getFile", file_id=sent.file_id)
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{emu.file_url}{emu.token}/{info['result']['file_path']}")
    assert response.content == image
    # sent again by file_id, no upload
    code, body = await call(emu, "sendPhoto", chat_id=chat, photo=sizes[0]["file_id"])
    assert code == 200 and body["result"]["photo"] == sizes


async def test_a_jpeg_is_a_photo_and_anything_else_is_not(emu: Emulator) -> None:
    chat = await started_user(emu)
    code, body = await upload(emu, "sendPhoto", "photo", jpeg_header(640, 480), chat_id=str(chat))
    largest = body["result"]["photo"][-1]
    assert (code, largest["width"], largest["height"]) == (200, 640, 480)
    for content in (b"GIF89a not supported here", b"%PDF-1.7", png(10, 10)[:20]):
        code, body = await upload(emu, "sendPhoto", "photo", content, chat_id=str(chat))
        assert (code, body["description"]) == (400, "Bad Request: IMAGE_PROCESS_FAILED")
    code, body = await upload(emu, "sendPhoto", "photo", b"", chat_id=str(chat))
    assert (code, body["description"]) == (400, "Bad Request: file must be non-empty")
    code, body = await call(emu, "sendPhoto", chat_id=chat)
    assert body["description"] == "Bad Request: there is no photo in the request"


@pytest.mark.parametrize(
    ("width", "height", "accepted"),
    [
        (5000, 5000, True),  # width + height = 10,000: the most allowed
        (5001, 5000, False),
        (2000, 100, True),  # ratio 20
        (2001, 100, False),
        (100, 2001, False),
    ],
)
async def test_photo_dimensions_are_limited(emu: Emulator, width: int, height: int, accepted: bool) -> None:
    chat = await started_user(emu)
    code, body = await upload(emu, "sendPhoto", "photo", png(width, height), chat_id=str(chat))
    if accepted:
        assert code == 200, body
    else:
        assert (code, body["description"]) == (400, "Bad Request: PHOTO_INVALID_DIMENSIONS")


async def test_a_photo_over_10_mb_is_refused(emu: Emulator) -> None:
    chat = await started_user(emu)
    image = png(800, 600)
    heavy = image + b"\x00" * (10 * 1024 * 1024 + 1 - len(image))  # trailing bytes: still 800x600
    code, body = await upload(emu, "sendPhoto", "photo", heavy, chat_id=str(chat))
    assert (code, body["description"]) == (400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
    code, _ = await upload(emu, "sendPhoto", "photo", heavy[:-1], chat_id=str(chat))
    assert code == 200


@pytest.mark.parametrize("method", ["sendPhoto", "sendDocument"])
async def test_captions_are_limited_to_1024_after_entity_parsing(emu: Emulator, method: str) -> None:
    chat = await started_user(emu)
    field = "photo" if method == "sendPhoto" else "document"
    fits = "<i>" + "a" * 1024 + "</i>"
    code, _ = await upload(
        emu, method, field, png(100, 100), chat_id=str(chat), caption=fits, parse_mode="HTML"
    )
    assert code == 200
    code, body = await upload(emu, method, field, png(100, 100), chat_id=str(chat), caption="a" * 1025)
    assert (code, body["description"]) == (400, "Bad Request: message caption is too long")
    code, body = await upload(
        emu, method, field, png(100, 100), chat_id=str(chat), caption="a < b", parse_mode="HTML"
    )
    assert code == 400 and "can't parse entities" in body["description"]


async def test_a_document_keeps_its_name_and_bytes(emu: Emulator) -> None:
    chat = await started_user(emu)
    content = b"PK\x03\x04 a report"
    code, body = await upload(
        emu, "sendDocument", "document", content, "Report 13 Feb.docx", chat_id=str(chat)
    )
    assert code == 200, body
    async with EmulatorClient(emu.control_url) as client:
        (sent,) = await client.replies(chat)
        assert sent.document is not None and sent.photo is None
        assert (sent.document["file_name"], sent.document["file_size"]) == (
            "Report 13 Feb.docx",
            len(content),
        )
        assert sent.document["mime_type"] == "application/octet-stream"
        assert await client.download(sent) == content == emu.file_bytes(sent.document["file_id"])
        # a document is not a photo, nor the other way round
        code, body = await call(emu, "sendPhoto", chat_id=chat, photo=sent.file_id)
        assert body["description"] == "Bad Request: can't use file of type Document as Photo"


async def test_a_document_needs_a_file_name_and_some_bytes(emu: Emulator) -> None:
    chat = await started_user(emu)
    for nameless in (None, "application.octet-stream"):  # the second is what PTB sends for bare bytes
        code, body = await upload(emu, "sendDocument", "document", b"data", nameless, chat_id=str(chat))
        assert code == 400 and "no file name" in body["description"], nameless
    code, body = await upload(emu, "sendDocument", "document", b"", "empty.csv", chat_id=str(chat))
    assert (code, body["description"]) == (400, "Bad Request: file must be non-empty")


async def test_uploads_over_50_mb_are_too_large(emu: Emulator) -> None:
    chat = await started_user(emu)
    code, body = await upload(
        emu, "sendDocument", "document", b"x" * (50 * 1024 * 1024 + 1), "big.pdf", chat_id=str(chat)
    )
    assert (code, body) == (413, {"ok": False, "error_code": 413, "description": "Request Entity Too Large"})
    # past what the emulator's HTTP server reads at all: the same answer, not a crash
    code, body = await upload(
        emu, "sendDocument", "document", b"x" * (65 * 1024 * 1024), "bigger.pdf", chat_id=str(chat)
    )
    assert (code, body["description"]) == (413, "Request Entity Too Large")


async def test_photos_count_against_flood_limits() -> None:
    async with Emulator(flood=FloodPolicy()) as emu:
        chat = emu.add_user("Ann", started=True).id
        image = png(200, 100)
        codes = [(await upload(emu, "sendPhoto", "photo", image, chat_id=str(chat)))[0] for _ in range(4)]
        assert codes == [200, 200, 200, 429]


async def test_python_telegram_bot_uploads_are_accepted(emu: Emulator) -> None:
    from telegram import Bot
    from telegram.error import BadRequest

    chat = await started_user(emu)
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.file_url) as bot:
        message = await bot.send_photo(chat, photo=png(1200, 900), caption="<b>Chart</b>", parse_mode="HTML")
        assert (message.photo[-1].width, message.photo[-1].height) == (1200, 900)
        message = await bot.send_document(chat, document=b"a,b\n1,2\n", filename="items.csv")
        assert message.document is not None and message.document.file_name == "items.csv"
        assert message.document.mime_type == "text/csv"
        downloaded = await (await bot.get_file(message.document.file_id)).download_as_bytearray()
        assert bytes(downloaded) == b"a,b\n1,2\n"
        with pytest.raises(BadRequest, match="no file name"):
            await bot.send_document(chat, document=b"a,b\n")


async def test_an_album_of_documents_arrives_as_one_group(emu: Emulator) -> None:
    from telegram import Bot, InputMediaDocument, InputMediaPhoto
    from telegram.error import BadRequest

    chat = await started_user(emu)
    async with Bot(emu.token, base_url=emu.base_url) as bot:
        messages = await bot.send_media_group(
            chat,
            [
                InputMediaDocument(b"docx bytes", filename="report.docx"),
                InputMediaDocument(
                    b"pdf bytes", filename="report.pdf", caption="<b>As of 13 Feb</b>", parse_mode="HTML"
                ),
            ],
        )
        assert [m.document.file_name for m in messages if m.document] == ["report.docx", "report.pdf"]
        assert len({m.media_group_id for m in messages}) == 1 and messages[0].media_group_id
        with pytest.raises(BadRequest, match=r"(?i)document can't be mixed with other media types"):
            await bot.send_media_group(
                chat, [InputMediaDocument(b"x", filename="a.txt"), InputMediaPhoto(png(100, 100))]
            )
        with pytest.raises(BadRequest, match=r"(?i)wrong number of media"):
            await bot.send_media_group(chat, [InputMediaPhoto(png(100, 100))])
    async with EmulatorClient(emu.control_url) as client:
        docx, pdf = await client.replies(chat, 2)
        assert await client.download(docx) == b"docx bytes" and pdf.text == "As of 13 Feb"
