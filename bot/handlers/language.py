"""/lang: the language the bot writes in, for a member (private chat) or a group (secretariat)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import app_context
from bot.handlers.common import chat_translator, friendly_errors, is_private, require_actor, show_in_place
from bot.keyboards import decode_language, language_keyboard
from bot.menus import set_group_menu, set_member_menu
from core import groups, members
from core.errors import PermissionDenied
from core.i18n import LANGUAGE_NAMES, LANGUAGES, N_, Translator, translator
from core.permissions import Actor, can_manage

GROUP_LANGUAGE_DENIED = N_("Only the secretariat can set the language of a group.")
STALE_BUTTON = N_("This button is no longer valid.")


async def _set(update: Update, context: ContextTypes.DEFAULT_TYPE, actor: Actor, language: str) -> str:
    """Store the language (the member's, or in a group the group's); the confirmation, in it."""
    ctx = app_context(context)
    tr = translator(language)
    chat = update.effective_chat
    assert chat is not None
    if is_private(update):
        await ctx.db.run(
            lambda session: members.set_language(session=session, actor=actor, language=language)
        )
        await set_member_menu(context.bot, actor.user_id, actor.role, language)
        return tr.gettext("✅ Language: {language}. /help shows what you can do.").format(
            language=LANGUAGE_NAMES[language]
        )
    title = chat.title or ""
    await ctx.db.run(
        lambda session: groups.set_language(
            session=session, actor=actor, chat_id=chat.id, title=title, language=language
        )
    )
    await set_group_menu(context.bot, chat.id, language)
    return tr.gettext("✅ This group's language: {language}.").format(language=LANGUAGE_NAMES[language])


def _choose(update: Update, tr: Translator) -> str:
    current = LANGUAGE_NAMES[tr.lang]
    if is_private(update):
        return tr.gettext("Your language: {language}. Choose one:").format(language=current)
    return tr.gettext("This group's language: {language}. Choose one:").format(language=current)


@friendly_errors
async def lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/lang ru|tr|en sets the language; /lang alone offers the choice as buttons."""
    actor = await require_actor(update, context, in_disabled_group=True)
    if actor is None:
        return
    message = update.effective_message
    assert message is not None
    tr = await chat_translator(update, context, actor)
    if not is_private(update) and not can_manage(actor):
        raise PermissionDenied(tr.gettext(GROUP_LANGUAGE_DENIED))
    asked = (context.args or [""])[0].lower()
    if len(context.args or []) == 1 and asked in LANGUAGES:
        await message.reply_text(await _set(update, context, actor, asked))
        return
    await message.reply_text(_choose(update, tr), reply_markup=language_keyboard())


@friendly_errors
async def lang_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language button: who pressed it and what it offers are checked again on press."""
    query = update.callback_query
    assert query is not None
    language = decode_language(query.data)
    actor = await require_actor(update, context, in_disabled_group=True)
    if actor is None:
        return
    tr = translator(actor.language)  # an alert only the presser sees
    if language is None:
        await query.answer(tr.gettext(STALE_BUTTON), show_alert=True)
        return
    if not is_private(update) and not can_manage(actor):
        await query.answer(tr.gettext(GROUP_LANGUAGE_DENIED), show_alert=True)
        return
    text = await _set(update, context, actor, language)
    await query.answer()
    await show_in_place(update, context, text)
