"""The emulator's HTTP server: the Bot API methods NextSteps uses, plus the control API."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import secrets
import struct
import time
from typing import Any

from aiohttp import web

from bot.emulator.html_entities import EntityParseError, parse_html, utf16_len
from bot.emulator.state import (
    ApiError,
    CallbackQuery,
    Chat,
    FloodControl,
    FloodPolicy,
    SentEvent,
    StoredMessage,
    User,
    World,
    bad_request,
)
from bot.emulator.webhook_delivery import WebhookDelivery

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_ANSWER_LIMIT = 200
# Uploads (multipart/form-data): https://core.telegram.org/bots/api#sending-files
UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # any file; above it Telegram's front end answers 413
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDES = 10_000  # width + height
PHOTO_MAX_RATIO = 20  # the longer side over the shorter
PHOTO_THUMB_SIDES = (90, 320, 800)  # the smaller PhotoSizes Telegram adds ("s", "m", "x")
PHOTO_MAX_SIDE = 2560  # Telegram keeps photos at most this large on their longer side
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# what python-telegram-bot names an upload given as bytes without a file name
_NAMELESS_UPLOADS = {"application.octet-stream", ""}
_JSON_PARAMS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "commands",
    "scope",
    "reply_parameters",
    "link_preview_options",
    "allowed_updates",
    "media",
}
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_MESSAGE_METHODS = {
    "sendmessage",
    "senddocument",
    "sendphoto",
    "sendmediagroup",
    "editmessagetext",
    "editmessagereplymarkup",
}


def image_size(content: bytes) -> tuple[str, int, int] | None:
    """(MIME type, width, height) of a PNG or JPEG, read from its header; None if neither."""
    if content.startswith(_PNG_SIGNATURE) and content[12:16] == b"IHDR" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return "image/png", width, height
    if content.startswith(b"\xff\xd8"):
        found = _jpeg_size(content)
        return ("image/jpeg", *found) if found else None
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    """Width and height from a JPEG's first start-of-frame segment."""
    at = 2
    while at + 9 <= len(content):
        if content[at] != 0xFF:
            return None
        marker = content[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # segments without a length
            at += 2
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[at + 5 : at + 9])
            return width, height
        at += 2 + struct.unpack(">H", content[at + 2 : at + 4])[0]
    return None


def _scaled(width: int, height: int, side: int) -> tuple[int, int]:
    """``width`` x ``height`` shrunk to fit ``side`` on the longer side (never enlarged)."""
    longer = max(width, height)
    if longer <= side:
        return width, height
    return max(1, round(width * side / longer)), max(1, round(height * side / longer))


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(exc: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return web.json_response(body, status=exc.code)


def _is_media(message: StoredMessage) -> bool:
    return message.document is not None or message.photo is not None


class Emulator:
    """A strict, in-process Telegram Bot API on 127.0.0.1 for one bot token."""

    def __init__(
        self,
        token: str = "4242:emulator-token",
        *,
        bot_username: str = "nextsteps_demo_bot",
        bot_name: str = "NextSteps",
        host: str = "127.0.0.1",
        port: int = 0,
        flood: FloodPolicy | None = None,
        first_update_id: int = 1,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.world = World(bot_id=int(token.split(":")[0]), bot_username=bot_username, bot_name=bot_name)
        self.flood = FloodControl(flood or FloodPolicy())
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = first_update_id  # Telegram's ids only grow, also across restarts
        self._update_arrived = asyncio.Event()
        self._poller: asyncio.Future[None] | None = None
        self._poller_transport: asyncio.BaseTransport | None = None
        self._event_arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._next_user_id = 1000
        self._next_group_id = 1000
        self.faults: list[dict[str, Any]] = []
        self.webhook = WebhookDelivery(pending=lambda: self._updates, accepted=self._accepted)

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def control_url(self) -> str:
        return f"http://{self.host}:{self.port}/control"

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._bot_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        app.router.add_route("*", "/control/{action}", self._control)
        return app

    async def start(self) -> Emulator:
        self._runner = web.AppRunner(self.make_app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
        if self._poller is not None and not self._poller.done():
            self._poller.cancel()
        await self.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- the Bot API -------------------------------------------------------------------------
    async def _bot_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"].lower()
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            params = await self._params(request)
            handler = getattr(self, f"api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            self.world.calls[method] = self.world.calls.get(method, 0) + 1
            await self._inject_fault(method, params)
            if method == "getupdates":
                return _ok(await self.api_getupdates(params, request))
            return _ok(await handler(params))
        except ApiError as exc:
            self.world.errors.append(
                {
                    "method": method,
                    "code": exc.code,
                    "description": exc.description,
                    "chat_id": params.get("chat_id") if "params" in locals() else None,
                    "at": time.monotonic(),
                }
            )
            return _error(exc)

    async def _inject_fault(self, method: str, params: dict[str, Any]) -> None:
        for fault in self.faults:
            chats = fault.get("chat_ids")
            if chats and str(params.get("chat_id")) not in chats:
                continue
            if fault["method"] == method and fault["count"] > 0:
                fault["count"] -= 1
                if fault["kind"] == "timeout":
                    # the request hangs and is then dropped: the client times out, nothing is sent
                    await asyncio.sleep(fault.get("seconds", 30))
                    raise ApiError(504, "Gateway Timeout")
                elif fault["kind"] == "429":
                    raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
                elif fault["kind"] == "slow":
                    await asyncio.sleep(fault.get("seconds", 0.2))  # then answered normally
                elif fault["kind"] == "404":
                    # what a misrouted proxy answers; PTB raises EndPointNotFound, which is
                    # neither a network error nor a refusal: a sender must survive it anyway
                    raise ApiError(404, "Not Found")
                elif fault["kind"] == "409":
                    raise ApiError(409, "Conflict: terminated by other getUpdates request")
                else:
                    raise ApiError(500, "Internal Server Error")

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.body_exists:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    params.update(body)
            else:
                try:
                    form = await request.post()
                except web.HTTPRequestEntityTooLarge:
                    raise ApiError(413, "Request Entity Too Large") from None
                for key, value in form.items():
                    params[key] = value
        for key in _JSON_PARAMS & params.keys():
            if isinstance(params[key], str):
                try:
                    params[key] = json.loads(params[key])
                except json.JSONDecodeError:
                    raise bad_request(f"can't parse {key} JSON object") from None
        return params

    async def api_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.world.bot_id,
            "is_bot": True,
            "first_name": self.world.bot_name,
            "username": self.world.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def api_getupdates(
        self, params: dict[str, Any], request: web.Request | None = None
    ) -> list[dict[str, Any]]:
        if self.world.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset", 0) or 0)
        limit = min(max(int(params.get("limit", 100) or 100), 1), 100)
        timeout = max(float(params.get("timeout", 0) or 0), 0.0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if self._poller is not None and not self._poller.done():
            old = self._poller_transport
            if old is None or old.is_closing():
                self._poller.set_result(None)  # its client is gone (a bot that stopped)
            else:
                self._poller.set_exception(
                    ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                )
        if not self._updates and timeout > 0:
            self._update_arrived.clear()
            loop = asyncio.get_running_loop()
            poller: asyncio.Future[None] = loop.create_future()
            self._poller = poller
            self._poller_transport = request.transport if request is not None else None
            waiter: asyncio.Future[Any] = asyncio.ensure_future(self._update_arrived.wait())
            try:
                await asyncio.wait([poller, waiter], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiter.cancel()
            if poller.done() and not poller.cancelled() and poller.exception() is not None:
                raise poller.exception()  # type: ignore[misc]
            if not poller.done():
                poller.set_result(None)
        return self._updates[:limit]

    async def api_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.world.webhook_url = ""
        await self.webhook.delete()
        if str(params.get("drop_pending_updates", "")).lower() in ("true", "1"):
            self._updates.clear()
        return True

    async def api_setwebhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url", ""))
        if not url:  # Telegram: an empty URL removes the webhook
            return await self.api_deletewebhook(params)
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = str(params.get("secret_token", ""))
        if secret and not _WEBHOOK_SECRET.match(secret):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        connections = int(params.get("max_connections", 40) or 40)
        if not 1 <= connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        if str(params.get("drop_pending_updates", "")).lower() in ("true", "1"):
            self._updates.clear()
        allowed = params.get("allowed_updates")
        self.world.webhook_url = url
        self.webhook.set(
            url,
            secret_token=secret,
            max_connections=connections,
            allowed=list(allowed) if isinstance(allowed, list) else None,
        )
        return True

    async def api_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.world.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.world.webhook_url:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.allowed_updates is not None:
                info["allowed_updates"] = self.webhook.allowed_updates
        if self.webhook.last_error_date is not None:
            info["last_error_date"] = self.webhook.last_error_date
            info["last_error_message"] = self.webhook.last_error_message
        return info

    def _accepted(self, update_id: int) -> None:
        """The webhook answered 2xx: Telegram forgets the update."""
        self._updates = [u for u in self._updates if u["update_id"] != update_id]

    def _scope_key(self, params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise bad_request("can't parse BotCommandScope JSON object")
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            self.world.chat(scope.get("chat_id"))
        if scope["type"] == "chat_member" and int(scope.get("user_id", 0)) not in self.world.users:
            raise bad_request("user not found")
        key = json.dumps(scope, sort_keys=True)
        return f"{key}|{params.get('language_code', '')}"

    async def api_setmycommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" is required')
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not _COMMAND_NAME.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.world.commands[self._scope_key(params)] = commands
        return True

    async def api_getmycommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.world.commands.get(self._scope_key(params), [])

    async def api_deletemycommands(self, params: dict[str, Any]) -> bool:
        self.world.commands.pop(self._scope_key(params), None)
        return True

    async def api_sendchataction(self, params: dict[str, Any]) -> bool:
        self._reachable_chat(params.get("chat_id"))
        return True

    def _reachable_chat(self, chat_id: Any) -> Chat:
        chat = self.world.chat(chat_id)
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat", {"migrate_to_chat_id": chat.migrated_to}
            )
        if chat.type == "private":
            user = self.world.users[chat.id]
            if user.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not user.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _formatted(
        self, text: Any, parse_mode: Any, entities: Any, limit: int, what: str
    ) -> tuple[str, list[Any]]:
        if text is None or str(text) == "":
            raise bad_request(f"{what} is empty")
        raw = str(text)
        mode = str(parse_mode or "").lower()
        if mode == "html":
            try:
                plain, parsed = parse_html(raw)
            except EntityParseError as exc:
                raise bad_request(str(exc)) from None
        elif mode in ("", "none"):
            plain, parsed = raw, list(entities or [])
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode!r} in this emulator (use HTML)")
        if not plain.strip():
            raise bad_request(f"{what} is empty")
        if utf16_len(plain) > limit:
            raise bad_request(
                "message is too long" if what == "message text" else "message caption is too long"
            )
        return plain, parsed

    def _check_markup(self, markup: Any) -> dict[str, Any] | None:
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    "can't parse inline keyboard button: InlineKeyboardMarkup must be an Array of Arrays"
                )
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
                    if "callback_data" in button:
                        size = len(str(button["callback_data"]).encode())
                        if not 1 <= size <= 64:
                            raise bad_request("BUTTON_DATA_INVALID")
                    elif "url" in button:
                        if not re.match(r"^(https?|tg)://", str(button["url"])):
                            raise bad_request(f"inline keyboard button URL '{button['url']}' is invalid")
                    elif not any(
                        k in button for k in ("switch_inline_query", "login_url", "copy_text", "web_app")
                    ):
                        raise bad_request(
                            "can't parse inline keyboard button: "
                            "Text buttons are unallowed in the inline keyboard"
                        )
        elif not any(k in markup for k in ("force_reply", "keyboard", "remove_keyboard")):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup

    def _reply_to(self, chat: Chat, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        message_id: int | None = None
        allow = False
        if isinstance(reply, dict):
            message_id = int(reply.get("message_id", 0))
            allow = bool(reply.get("allow_sending_without_reply", False))
            if reply.get("chat_id") not in (None, chat.id, str(chat.id)):
                raise bad_request("replies to other chats are not supported by the emulator")
        elif params.get("reply_to_message_id"):
            message_id = int(params["reply_to_message_id"])
            allow = str(params.get("allow_sending_without_reply", "")).lower() in ("true", "1")
        if message_id is None:
            return None
        if (chat.id, message_id) not in self.world.messages:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return message_id

    def _record(self, kind: str, message: StoredMessage) -> None:
        self.world.events.append(
            SentEvent(
                seq=len(self.world.events) + 1,
                kind=kind,
                chat_id=message.chat_id,
                message_id=message.message_id,
                text=(message.caption or "") if _is_media(message) else message.text,
                entities=message.entities,
                reply_markup=message.reply_markup,
                reply_to_message_id=message.reply_to_message_id,
                document=message.document,
                photo=message.photo[-1] if message.photo else None,
                at=time.monotonic(),
            )
        )
        self._event_arrived.set()

    def _bot_sends(self, chat: Chat, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        """Store and record a message from the bot after the checks every send shares."""
        markup = self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_to(chat, params)
        self.flood.check(chat)
        message = self.world.store(
            StoredMessage(
                chat_id=chat.id,
                message_id=self.world.new_message_id(chat),
                date=int(time.time()),
                from_bot=True,
                from_user_id=None,
                reply_markup=markup,
                reply_to_message_id=reply_to,
                **content,
            )
        )
        self._record("send", message)
        return self.world.message_to_api(message)

    async def api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._reachable_chat(params.get("chat_id"))
        text, entities = self._formatted(
            params.get("text"), params.get("parse_mode"), params.get("entities"), TEXT_LIMIT, "message text"
        )
        return self._bot_sends(chat, params, text=text, entities=entities)

    async def api_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._reachable_chat(params.get("chat_id"))
        caption, entities = self._caption(params)
        document = params.get("document")
        if document is None or document == "":
            raise bad_request("there is no document in the request")
        if isinstance(document, str):
            meta, _content = self._stored_file(document, "document")
        else:
            meta = self._store_document(document)
        return self._bot_sends(chat, params, entities=entities, document=meta, caption=caption or None)

    async def api_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._reachable_chat(params.get("chat_id"))
        caption, entities = self._caption(params)
        photo = params.get("photo")
        if photo is None or photo == "":
            raise bad_request("there is no photo in the request")
        if isinstance(photo, str):
            self._stored_file(photo, "photo")
            sizes = self.world.photos[photo]
        else:
            content = self._uploaded(photo)
            sizes = self._store_photo(content)
        return self._bot_sends(chat, params, entities=entities, photo=sizes, caption=caption or None)

    async def api_sendmediagroup(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """An album of 2-10 photos or 2-10 documents (the kinds NextSteps sends); it counts as
        one send against the flood limits here, and each item may carry its own caption."""
        chat = self._reachable_chat(params.get("chat_id"))
        media = params.get("media")
        if not isinstance(media, list) or not all(isinstance(m, dict) for m in media):
            raise bad_request("can't parse media JSON object")
        if not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media")
        kinds = {str(m.get("type")) for m in media}
        if not kinds <= {"photo", "document"}:
            raise bad_request(f"unsupported media type in this emulator: {sorted(kinds)}")
        if len(kinds) > 1:
            raise bad_request("document can't be mixed with other media types")
        contents: list[dict[str, Any]] = []
        for item in media:
            caption, entities = self._caption(item)
            source = item.get("media")
            upload = params.get(source.removeprefix("attach://")) if isinstance(source, str) else None
            if isinstance(source, str) and source.startswith("attach://") and upload is None:
                raise bad_request("can't parse InputMedia: media not found")
            content: dict[str, Any] = {"caption": caption or None, "entities": entities}
            if item["type"] == "photo":
                if upload is None:
                    self._stored_file(str(source), "photo")
                    content["photo"] = self.world.photos[str(source)]
                else:
                    content["photo"] = self._store_photo(self._uploaded(upload))
            elif upload is None:
                content["document"] = self._stored_file(str(source), "document")[0]
            else:
                content["document"] = self._store_document(upload)
            contents.append(content)
        reply_to = self._reply_to(chat, params)
        self.flood.check(chat)
        group_id = str(secrets.randbits(62))
        sent = []
        for content in contents:
            message = self.world.store(
                StoredMessage(
                    chat_id=chat.id,
                    message_id=self.world.new_message_id(chat),
                    date=int(time.time()),
                    from_bot=True,
                    from_user_id=None,
                    reply_to_message_id=reply_to,
                    media_group_id=group_id,
                    **content,
                )
            )
            self._record("send", message)
            sent.append(self.world.message_to_api(message))
        return sent

    def _caption(self, params: dict[str, Any]) -> tuple[str, list[Any]]:
        if not params.get("caption"):
            return "", []
        return self._formatted(
            params["caption"],
            params.get("parse_mode"),
            params.get("caption_entities"),
            CAPTION_LIMIT,
            "message caption",
        )

    def _stored_file(self, file_id: str, kind: str) -> tuple[dict[str, Any], bytes]:
        if file_id not in self.world.files:
            raise bad_request("wrong file identifier/HTTP URL specified")
        stored = self.world.file_kinds.get(file_id, "document")
        if stored != kind:
            raise bad_request(f"can't use file of type {stored.title()} as {kind.title()}")
        return self.world.files[file_id]

    def _store_document(self, upload: Any) -> dict[str, Any]:
        if isinstance(upload, (bytes, bytearray)) or upload.filename in _NAMELESS_UPLOADS:
            # Telegram would show it as "application.octet-stream"; the emulator's own rule
            raise bad_request("document has no file name (give the upload a filename)")
        return self._store_file(upload.filename, self._uploaded(upload), upload.content_type)

    @staticmethod
    def _uploaded(upload: Any) -> bytes:
        content = bytes(upload) if isinstance(upload, (bytes, bytearray)) else upload.file.read()
        if not content:
            raise bad_request("file must be non-empty")
        if len(content) > UPLOAD_MAX_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        return content

    def _bot_message(self, params: dict[str, Any]) -> StoredMessage:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        chat = self.world.chat(params.get("chat_id"))
        try:
            message_id = int(params.get("message_id", 0))
        except (TypeError, ValueError):
            raise bad_request("message identifier is not specified") from None
        message = self.world.messages.get((chat.id, message_id))
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot or message.inaccessible:
            raise bad_request("message can't be edited")
        return message

    _NOT_MODIFIED = (
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )

    async def api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._bot_message(params)
        if _is_media(message):
            raise bad_request("there is no text in the message to edit")
        text, entities = self._formatted(
            params.get("text"), params.get("parse_mode"), params.get("entities"), TEXT_LIMIT, "message text"
        )
        markup = self._check_markup(params.get("reply_markup"))
        if text == message.text and entities == message.entities and markup == message.reply_markup:
            raise bad_request(self._NOT_MODIFIED)
        self.flood.check(self.world.chats[message.chat_id])
        message.text, message.entities, message.reply_markup = text, entities, markup
        message.edit_date = int(time.time())
        self._record("edit", message)
        return self.world.message_to_api(message)

    async def api_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._bot_message(params)
        markup = self._check_markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise bad_request(self._NOT_MODIFIED)
        self.flood.check(self.world.chats[message.chat_id])
        message.reply_markup = markup
        message.edit_date = int(time.time())
        self._record("edit", message)
        return self.world.message_to_api(message)

    async def api_deletemessage(self, params: dict[str, Any]) -> bool:
        message = self._bot_message(params)
        del self.world.messages[(message.chat_id, message.message_id)]
        return True

    async def api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query = self.world.callbacks.get(str(params.get("callback_query_id", "")))
        if query is None or query.answered:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text")
        if text is not None and len(str(text)) > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        query.answer_text = str(text) if text is not None else None
        query.show_alert = str(params.get("show_alert", "")).lower() in ("true", "1")
        self._event_arrived.set()
        return True

    async def api_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.world.files:
            raise bad_request("invalid file_id")
        meta, content = self.world.files[file_id]
        folder = "photos" if self.world.file_kinds.get(file_id) == "photo" else "documents"
        return {
            "file_id": file_id,
            "file_unique_id": meta["file_unique_id"],
            "file_size": len(content),
            "file_path": f"{folder}/{file_id}",
        }

    async def api_getchat(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.world.chat(params.get("chat_id")).to_api(self.world.users)

    async def api_setchatmenubutton(self, params: dict[str, Any]) -> bool:
        return True

    async def api_close(self, params: dict[str, Any]) -> bool:
        return True

    async def api_logout(self, params: dict[str, Any]) -> bool:
        return True

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        file_id = request.match_info["path"].removeprefix("documents/").removeprefix("photos/")
        if file_id not in self.world.files:
            return _error(ApiError(404, "Not Found"))
        return web.Response(body=self.world.files[file_id][1])

    def _store_file(self, name: str, content: bytes, mime: str | None) -> dict[str, Any]:
        file_id = "BQAC" + secrets.token_urlsafe(24)
        meta = {
            "file_id": file_id,
            "file_unique_id": secrets.token_hex(8),
            "file_name": name,
            "mime_type": mime or "application/octet-stream",
            "file_size": len(content),
        }
        self.world.files[file_id] = (meta, content)
        self.world.file_kinds[file_id] = "document"
        return meta

    def _store_photo(self, content: bytes) -> list[dict[str, Any]]:
        """Check an uploaded photo as Telegram does and store it; its PhotoSizes, smallest first.

        Every size is the same bytes: the emulator reports the sizes Telegram would make but
        does not resize the image.
        """
        if len(content) > PHOTO_MAX_BYTES:
            raise bad_request("PHOTO_SAVE_FILE_INVALID")
        found = image_size(content)
        if found is None or min(found[1:]) < 1:
            raise bad_request("IMAGE_PROCESS_FAILED")
        _mime, width, height = found
        if width + height > PHOTO_MAX_SIDES or max(width, height) > PHOTO_MAX_RATIO * min(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        dimensions = [_scaled(width, height, side) for side in PHOTO_THUMB_SIDES if side < max(width, height)]
        dimensions.append(_scaled(width, height, PHOTO_MAX_SIDE))
        sizes: list[dict[str, Any]] = []
        for w, h in dimensions:
            file_id = "AgAC" + secrets.token_urlsafe(24)
            size: dict[str, Any] = {
                "file_id": file_id,
                "file_unique_id": secrets.token_hex(8),
                "file_size": len(content),
                "width": w,
                "height": h,
            }
            self.world.files[file_id] = (size, content)
            self.world.file_kinds[file_id] = "photo"
            sizes.append(size)
        for size in sizes:  # any size's file_id sends the whole photo again
            self.world.photos[size["file_id"]] = sizes
        return sizes

    def file_bytes(self, file_id: str) -> bytes:
        """The bytes of a file the bot sent (or a user uploaded), by its file_id."""
        return self.world.files[file_id][1]

    # -- acting as users -------------------------------------------------------------------
    def _push_update(self, update: dict[str, Any]) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, **update})
        self._update_arrived.set()
        self.webhook.wake()
        return update_id

    def add_user(
        self,
        first_name: str,
        *,
        username: str | None = None,
        user_id: int | None = None,
        started: bool = False,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> User:
        if user_id is None:
            self._next_user_id += 1
            user_id = self._next_user_id
        elif user_id in self.world.users:
            return self.world.users[user_id]
        user = User(
            id=user_id,
            first_name=first_name,
            username=username,
            last_name=last_name,
            started=started,
            language_code=language_code,
        )
        self.world.users[user.id] = user
        self.world.chats[user.id] = Chat(id=user.id, type="private")
        return user

    def add_group(self, title: str, member_ids: list[int], *, supergroup: bool = False) -> Chat:
        self._next_group_id += 1
        chat_id = -(1000000000000 + self._next_group_id) if supergroup else -self._next_group_id
        chat = Chat(
            id=chat_id, type="supergroup" if supergroup else "group", title=title, member_ids=set(member_ids)
        )
        self.world.chats[chat_id] = chat
        return chat

    def user_message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to: int | None = None,
        document: dict[str, Any] | None = None,
    ) -> tuple[StoredMessage, int]:
        user = self.world.users.get(user_id)
        if user is None:
            raise bad_request("unknown user")
        chat = self.world.chat(user_id if chat_id is None else chat_id)
        if chat.type == "private":
            if chat.id != user_id:
                raise bad_request("a user can only write in their own private chat")
            user.started = True
            user.blocked = False
        elif user_id not in chat.member_ids:
            raise bad_request("user is not a member of that group")
        if chat.migrated_to is not None:
            raise bad_request("that group was migrated; write in the supergroup")
        if reply_to is not None and (chat.id, reply_to) not in self.world.messages:
            raise bad_request("message to reply to not found")
        message = self.world.store(
            StoredMessage(
                chat_id=chat.id,
                message_id=self.world.new_message_id(chat),
                date=int(time.time()),
                from_bot=False,
                from_user_id=user_id,
                text="" if document else text,
                caption=text if document else None,
                entities=[] if document else self._command_entities(text),
                reply_to_message_id=reply_to,
                document=document,
            )
        )
        self.flood.person_wrote(chat)
        update_id = self._push_update({"message": self.world.message_to_api(message)})
        return message, update_id

    @staticmethod
    def _command_entities(text: str) -> list[dict[str, Any]]:
        entities = []
        for match in _COMMAND.finditer(text):
            offset = utf16_len(text[: match.start()])
            entities.append({"type": "bot_command", "offset": offset, "length": utf16_len(match[0])})
        return entities

    def press(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        *,
        data: str | None = None,
        button: str | int | None = None,
        inaccessible: bool = False,
    ) -> tuple[str, int]:
        """Press a button of a bot message (by text or index), or send forged ``data``.

        ``inaccessible`` ages the message past what the bot may see: the query then carries an
        ``InaccessibleMessage`` (date 0) and the message can no longer be edited.
        """
        message = self.world.messages.get((chat_id, message_id))
        if message is None or not message.from_bot:
            raise bad_request("no such bot message")
        message.inaccessible = message.inaccessible or inaccessible
        if data is None:
            buttons = [b for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]
            if isinstance(button, int):
                if not 0 <= button < len(buttons):
                    raise bad_request(f"the message has {len(buttons)} buttons")
                chosen = buttons[button]
            else:
                matches = [
                    b
                    for b in buttons
                    if b["text"] == button or (button and button.lower() in b["text"].lower())
                ]
                if not matches:
                    raise bad_request(f"no button {button!r}; buttons: {[b['text'] for b in buttons]}")
                chosen = matches[0]
            data = chosen.get("callback_data")
            if data is None:
                raise bad_request("that button has no callback data")
        query = CallbackQuery(
            id=str(secrets.randbits(60)),
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            data=data,
            created=time.monotonic(),
        )
        self.world.callbacks[query.id] = query
        self.flood.person_wrote(self.world.chats[chat_id])
        update_id = self._push_update(
            {
                "callback_query": {
                    "id": query.id,
                    "from": self.world.users[user_id].to_api(),
                    "message": (
                        {
                            "chat": self.world.chats[chat_id].to_api(self.world.users),
                            "message_id": message_id,
                            "date": 0,
                        }
                        if message.inaccessible
                        else self.world.message_to_api(message)
                    ),
                    "chat_instance": str(abs(chat_id)),
                    "data": data,
                }
            }
        )
        return query.id, update_id

    def block(self, user_id: int, blocked: bool = True) -> bool:
        """The user blocks (or unblocks) the bot; Telegram tells the bot with a my_chat_member update."""
        user = self.world.users[user_id]
        if user.blocked == blocked:
            return True
        user.blocked = blocked
        bot = {
            "id": self.world.bot_id,
            "is_bot": True,
            "first_name": self.world.bot_name,
            "username": self.world.bot_username,
        }
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        now = int(time.time())
        self._push_update(
            {
                "my_chat_member": {
                    "chat": self.world.chats[user_id].to_api(self.world.users),
                    "from": user.to_api(),
                    "date": now,
                    "old_chat_member": {
                        "user": bot,
                        "status": old,
                        **({"until_date": 0} if old == "kicked" else {}),
                    },
                    "new_chat_member": {
                        "user": bot,
                        "status": new,
                        **({"until_date": 0} if new == "kicked" else {}),
                    },
                }
            }
        )
        return True

    def migrate(self, chat_id: int) -> Chat:
        """Upgrade a group to a supergroup, as Telegram does: a new chat id, the old one dead."""
        old = self.world.chat(chat_id)
        new = self.add_group(old.title or "", sorted(old.member_ids), supergroup=True)
        old.migrated_to = new.id
        return new

    async def wait_events(self, after: int, timeout: float, chat_id: int | None = None) -> list[SentEvent]:
        deadline = time.monotonic() + timeout
        while True:
            found = [e for e in self.world.events[after:] if chat_id is None or e.chat_id == chat_id]
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return found
            self._event_arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event_arrived.wait(), remaining)

    # -- control API -------------------------------------------------------------------------
    async def _control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        try:
            params = await self._params(request)
            result = await self._control_action(action, params)
            return _ok(result)
        except ApiError as exc:
            return _error(exc)
        except (KeyError, ValueError, TypeError) as exc:
            return _error(bad_request(f"control API: {exc!r}"))

    async def _control_action(self, action: str, p: dict[str, Any]) -> Any:
        w = self.world
        if action == "users":
            user = self.add_user(
                p["first_name"],
                username=p.get("username"),
                user_id=p.get("id"),
                started=bool(p.get("started", False)),
                last_name=p.get("last_name"),
                language_code=p.get("language_code", "en"),
            )
            return user.to_api()
        if action == "groups":
            chat = self.add_group(
                p["title"],
                [int(i) for i in p.get("member_ids", [])],
                supergroup=bool(p.get("supergroup", False)),
            )
            return chat.to_api(w.users)
        if action == "messages":
            message, update_id = self.user_message(
                int(p["user_id"]),
                str(p["text"]),
                chat_id=p.get("chat_id"),
                reply_to=p.get("reply_to_message_id"),
            )
            return {
                "message_id": message.message_id,
                "chat_id": message.chat_id,
                "update_id": update_id,
                "seq": len(w.events),
            }
        if action == "documents":
            content = base64.b64decode(p["content_b64"])
            meta = self._store_file(p["file_name"], content, p.get("mime_type"))
            message, update_id = self.user_message(
                int(p["user_id"]), p.get("caption", ""), chat_id=p.get("chat_id"), document=meta
            )
            return {
                "message_id": message.message_id,
                "chat_id": message.chat_id,
                "update_id": update_id,
                "seq": len(w.events),
            }
        if action == "files":
            file_id = str(p["file_id"])
            if file_id not in w.files:
                raise bad_request("invalid file_id")
            meta, content = w.files[file_id]
            return {
                "kind": w.file_kinds.get(file_id, "document"),
                "meta": meta,
                "content_b64": base64.b64encode(content).decode(),
            }
        if action == "press":
            query_id, update_id = self.press(
                int(p["user_id"]),
                int(p["chat_id"]),
                int(p["message_id"]),
                data=p.get("data"),
                button=p.get("button"),
                inaccessible=bool(p.get("inaccessible", False)),
            )
            return {"callback_query_id": query_id, "update_id": update_id, "seq": len(w.events)}
        if action == "callback":
            query = w.callbacks[str(p["id"])]
            return {"answered": query.answered, "text": query.answer_text, "show_alert": query.show_alert}
        if action == "block":
            return self.block(int(p["user_id"]), bool(p.get("blocked", True)))
        if action == "migrate":
            return {"new_chat_id": self.migrate(int(p["chat_id"])).id}
        if action == "events":
            chat_id = p.get("chat_id")
            events = await self.wait_events(
                int(p.get("after", 0)),
                float(p.get("timeout", 0)),
                int(chat_id) if chat_id is not None else None,
            )
            return [e.to_api() for e in events]
        if action == "message":
            stored = w.messages.get((int(p["chat_id"]), int(p["message_id"])))
            if stored is None:
                raise bad_request("message not found")
            return w.message_to_api(stored)
        if action == "commands":
            return {key: value for key, value in w.commands.items()}
        if action == "stats":
            unanswered = [q.id for q in w.callbacks.values() if not q.answered]
            return {
                "calls": w.calls,
                "errors": w.errors,
                "flood_rejections": self.flood.rejected,
                "unanswered_callbacks": unanswered,
                "pending_updates": len(self._updates),
                "events": len(w.events),
                "webhook_posts": self.webhook.posts,
                "webhook_delivered": self.webhook.delivered,
            }
        if action == "webhook_route":
            self.webhook.route(str(p["prefix"]), [str(b) for b in p["backends"]])
            return True
        if action == "flood":
            self.flood.policy = FloodPolicy(**p)
            return True
        if action == "faults":
            self.faults.append(
                {
                    "method": str(p["method"]).lower(),
                    "kind": str(p["kind"]),
                    "count": int(p.get("count", 1)),
                    "seconds": float(p.get("seconds", 30)),
                    # only sends to these chats (default: any)
                    "chat_ids": [str(c) for c in p.get("chat_ids", [])],
                }
            )
            return True
        raise ApiError(404, "Not Found")
