"""The command menu per role (setMyCommands with scopes), so it matches what each person can do."""

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
from storage.models import Role

GROUP_ROLE = Role.OBSERVER  # in groups the menu shows what everyone may try; rights stay per user


def _commands(role: Role | None) -> list[BotCommand]:
    return [BotCommand(name, desc) for name, desc in commands_for(role)]


async def set_default_menus(bot: Bot) -> None:
    await bot.set_my_commands(_commands(None), scope=BotCommandScopeDefault())
    await bot.set_my_commands(_commands(GROUP_ROLE), scope=BotCommandScopeAllGroupChats())


async def set_member_menu(bot: Bot, user_id: int, role: Role) -> None:
    """Show this member the commands of their role in their private chat with the bot."""
    with contextlib.suppress(BadRequest, Forbidden):  # a convenience; /help always works
        await bot.set_my_commands(_commands(role), scope=BotCommandScopeChat(user_id))
