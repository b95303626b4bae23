"""The command menu per role (setMyCommands with scopes), so it matches what each person can do.

The default and group menus are set once per language, with Telegram's ``language_code``: a
client set to Russian or Turkish shows them translated. A member's own menu (their private chat's
scope) is in the language they read, which ``/lang`` may have set apart from Telegram's.
"""

from __future__ import annotations

import contextlib

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import BadRequest, Forbidden

from bot.render import commands_for
from core.i18n import LANGUAGES, SOURCE_LANGUAGE, Translator, translator
from storage.models import Role

GROUP_ROLE = Role.OBSERVER  # in groups the menu shows what everyone may try; rights stay per user


def _commands(role: Role | None, tr: Translator) -> list[BotCommand]:
    return [BotCommand(name, desc) for name, desc in commands_for(role, tr)]


async def set_default_menus(bot: Bot) -> None:
    for lang in LANGUAGES:
        tr = translator(lang)
        # the source language is the menu for every language without its own
        code = None if lang == SOURCE_LANGUAGE else lang
        await bot.set_my_commands(_commands(None, tr), scope=BotCommandScopeDefault(), language_code=code)
        await bot.set_my_commands(
            _commands(GROUP_ROLE, tr), scope=BotCommandScopeAllGroupChats(), language_code=code
        )


async def set_member_menu(bot: Bot, chat_id: int, role: Role, language: str) -> None:
    """Show the commands of ``role`` in ``language`` in one chat (a member's private chat)."""
    with contextlib.suppress(BadRequest, Forbidden):  # a convenience; /help always works
        await bot.set_my_commands(_commands(role, translator(language)), scope=BotCommandScopeChat(chat_id))


async def set_group_menu(bot: Bot, chat_id: int, language: str) -> None:
    """A group's menu in the language the secretariat set there (/lang in the group): everyone in
    it reads that language, whatever their own Telegram is set to."""
    await set_member_menu(bot, chat_id, GROUP_ROLE, language)
