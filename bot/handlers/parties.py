"""/parties and /party add."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import app_context
from bot.handlers.common import chat_translator, friendly_errors, reply_chunks, require_actor
from bot.handlers.items import command_text
from bot.render import esc, parties_text
from core import parties
from core.errors import BadInput, PermissionDenied
from core.i18n import N_
from core.permissions import can_manage

USAGE = N_("Usage: /party add NAME | alias, alias — e.g. /party add Reference Group Chair — Sweden | Sweden")


@friendly_errors
async def list_parties(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """All parties with aliases and member counts."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    rows = await app_context(context).db.run(lambda session: parties.list_parties(session=session))
    lang = (await chat_translator(update, context, actor)).lang
    await reply_chunks(update, parties_text(rows, lang))


@friendly_errors
async def party(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/party add NAME | aliases (secretariat)"""
    actor = await require_actor(update, context)
    if actor is None:
        return
    tr = await chat_translator(update, context, actor)
    if not can_manage(actor):
        raise PermissionDenied(tr.gettext("Only the secretariat can add parties."))
    text = command_text(update)
    verb, _, rest = text.partition(" ")
    if verb.lower() != "add" or not rest.strip():
        raise BadInput(tr.gettext(USAGE))
    name, _, alias_text = rest.partition("|")
    aliases = [a for a in alias_text.split(",") if a.strip()]
    added = await app_context(context).db.run(
        lambda session: parties.add_party(session=session, name=name, aliases=aliases)
    )
    assert update.effective_message is not None
    name = esc(added.name)
    if added.aliases:
        done = tr.gettext("✅ Added party <b>{name}</b> (also: {aliases}).").format(
            name=name, aliases=esc(", ".join(added.aliases))
        )
    else:
        done = tr.gettext("✅ Added party <b>{name}</b>.").format(name=name)
    await update.effective_message.reply_text(done)
