"""/items, /item, /status, /note, /add, status buttons, and replies that become notes."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import app_context
from bot.deeplinks import items_linked
from bot.handlers import imports
from bot.handlers.common import (
    ask_for_reply,
    chat_translator,
    drop_item_buttons,
    edit_card,
    friendly_errors,
    reply_chunks,
    require_actor,
    send_card,
    telegram_translator,
)
from bot.handlers.language import STALE_BUTTON
from bot.jobs import replan_after
from bot.keyboards import decode
from bot.render import items_messages, note_added, note_prompt, status_changed
from core import clock, items, parties
from core.errors import BadInput
from core.i18n import N_, translator
from core.items import (
    Scope,
    parse_item_number,
    parse_scope,
    parse_status,
    parse_status_prefix,
    status_help,
    status_word,
)
from core.permissions import Actor
from core.schedule import PlanScope
from storage.models import Role

SCOPE_TITLES = {
    Scope.MINE: N_("Your party's open items"),
    Scope.OPEN: N_("Open items"),
    Scope.OVERDUE: N_("Overdue items"),
    Scope.ALL: N_("All items"),
}
# /add's field names in each language the bot speaks ("owner:", "сторона:", "taraf:" …)
_ADD_KEYS = {
    "owner": (
        *("owner", "owners", "сторона", "стороны", "ответственный", "ответственные"),
        *("taraf", "taraflar", "sorumlu", "sorumlular"),
    ),
    "due": ("due", "срок", "son tarih", "tarih"),
    "ref": ("ref", "ссылка", "referans"),
}
_ADD_KEY = {name: key for key, names in _ADD_KEYS.items() for name in names}
_ADD_FIELD = re.compile(
    r"^\s*(" + "|".join(sorted(map(re.escape, _ADD_KEY), key=len, reverse=True)) + r")\s*:\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)


def command_text(update: Update) -> str:
    """Everything after the /command (and @botname), verbatim."""
    message = update.effective_message
    assert message is not None and message.text is not None
    parts = message.text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def default_scope(actor: Actor) -> Scope:
    return Scope.MINE if actor.role is Role.CHAIR and actor.party_id is not None else Scope.OPEN


@friendly_errors
async def list_items(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/items [mine|open|overdue|all] (or the words of another language: мои, tümü)"""
    actor = await require_actor(update, context)
    if actor is None:
        return
    tr = await chat_translator(update, context, actor)
    if context.args:
        found = parse_scope(context.args[0])
        if found is None:
            raise BadInput(tr.gettext("Use /items mine, /items open, /items overdue or /items all."))
        scope = found
    else:
        scope = default_scope(actor)
    if scope is Scope.MINE and actor.party_id is None:
        raise BadInput(tr.gettext("You don't belong to a party, so nothing is “mine”. Try /items open."))
    today = clock.today_in(actor.timezone)
    cards = await app_context(context).db.run(
        lambda session: items.list_items(session=session, actor=actor, scope=scope, today=today)
    )
    chunks = items_messages(cards, tr.gettext(SCOPE_TITLES[scope]), today, context.bot.username, tr.lang)
    await reply_chunks(update, chunks)


@friendly_errors
async def show_item(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/item N: the full card with buttons."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    if not context.args:
        tr = await chat_translator(update, context, actor)
        raise BadInput(tr.gettext("Which item? /item N — /items lists them."))
    item_id = parse_item_number(context.args[0])
    card = await app_context(context).db.run(lambda session: items.get_card(session=session, item_id=item_id))
    await send_card(update, context, actor, card)


@friendly_errors
async def set_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status N STATUS [note]"""
    actor = await require_actor(update, context)
    if actor is None:
        return
    args = context.args or []
    tr = await chat_translator(update, context, actor)
    if len(args) < 2:
        raise BadInput(tr.gettext("Usage: /status N STATUS [note].") + " " + status_help(tr))
    item_id = parse_item_number(args[0])
    found = parse_status_prefix(args[1:])  # "в работе", "devam ediyor": the longest match first
    if found is None:
        not_status = tr.gettext("“{word}” is not a status.").format(word=args[1])
        raise BadInput(f"{not_status} {status_help(tr)}")
    status, words = found
    note = " ".join(args[1 + words :]) or None
    ctx = app_context(context)
    card, changed = await ctx.db.run(
        lambda session: items.set_status(
            session=session, actor=actor, item_id=item_id, status=status, note=note, history=False
        )
    )
    if card.follow_ups_affected:
        await replan_after(ctx, PlanScope.items([item_id]))
    text = status_changed(card, changed, context.bot.username, tr.lang)
    if note and not changed:
        text += "\n" + tr.gettext("Your note was added.")
    assert update.effective_message is not None
    await update.effective_message.reply_text(text)


@friendly_errors
async def add_note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/note N text"""
    actor = await require_actor(update, context)
    if actor is None:
        return
    text = command_text(update)
    number, _, note = text.partition(" ")
    if not number:
        tr = await chat_translator(update, context, actor)
        raise BadInput(tr.gettext("Usage: /note N your progress note"))
    item_id = parse_item_number(number)
    card = await app_context(context).db.run(
        lambda session: items.add_note(
            session=session, actor=actor, item_id=item_id, text=note, history=False
        )
    )
    assert update.effective_message is not None
    lang = (await chat_translator(update, context, actor)).lang
    await update.effective_message.reply_text(note_added(card, context.bot.username, lang))


@friendly_errors
async def set_due(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/due N phrase (secretariat)"""
    actor = await require_actor(update, context)
    if actor is None:
        return
    number, _, phrase = command_text(update).partition(" ")
    if not number:
        tr = await chat_translator(update, context, actor)
        raise BadInput(tr.gettext("Usage: /due N phrase, e.g. /due 3 end of March 2027"))
    item_id = parse_item_number(number)
    ctx = app_context(context)
    today = clock.today_in(actor.timezone)
    card = await ctx.db.run(
        lambda session: items.set_due(
            session=session,
            actor=actor,
            item_id=item_id,
            phrase=phrase,
            today=today,
            meeting_margin_days=ctx.settings.deadlines.meeting_margin_days,
        )
    )
    await replan_after(ctx, PlanScope.items([item_id]))
    tr = await chat_translator(update, context, actor)
    prefix = tr.gettext("⏰ New deadline for #{number}.").format(number=item_id)
    await send_card(update, context, actor, card, prefix=prefix)


def parse_add(text: str) -> tuple[str, list[str], str | None, str | None]:
    """``text | owner: P1, P2 | due: phrase | ref: §13.2`` -> (text, owners, due, ref); owners are
    split on commas here, on "and" ("и", "ve") by parties.party_names_in, which knows the parties."""
    parts = text.split("|")
    body = parts[0].strip()
    owners: list[str] = []
    due: str | None = None
    ref: str | None = None
    for part in parts[1:]:
        match = _ADD_FIELD.match(part)
        if match is None:
            raise BadInput(
                "I don't understand “{part}”. Use: /add text | owner: P1, P2 | due: March 2023",
                part=part.strip(),
            )
        key, value = _ADD_KEY[" ".join(match[1].lower().split())], match[2].strip()
        if key == "owner":
            owners += [n for n in re.split(r"[,;]", value) if n.strip()]  # and/и/ve: party_names_in
        elif key == "due":
            due = value
        else:
            ref = value or None
    return body, owners, due, ref


@friendly_errors
async def add_item(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/add text | owner: P1, P2 | due: phrase (secretariat)"""
    actor = await require_actor(update, context)
    if actor is None:
        return
    ctx = app_context(context)
    body, owners, due, ref = parse_add(command_text(update))
    if not body and not owners:
        raise BadInput(
            "Usage: /add text | owner: Party, Party | due: 31 March 2023"
        )  # translated where shown
    today = clock.today_in(actor.timezone)
    card = await ctx.db.run(
        lambda session: items.create_item(
            session=session,
            actor=actor,
            text=body,
            owner_names=parties.party_names_in(session=session, pieces=owners),
            due_phrase=due,
            today=today,
            meeting_margin_days=ctx.settings.deadlines.meeting_margin_days,
            paragraph_ref=ref,
        )
    )
    await replan_after(ctx, PlanScope.items([card.number]))
    tr = await chat_translator(update, context, actor)
    prefix = tr.gettext("➕ Added #{number}.").format(number=card.number)
    await send_card(update, context, actor, card, prefix=prefix)


@friendly_errors
async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A status or note button under an item card; permissions are checked again here."""
    query = update.callback_query
    assert query is not None
    action = decode(query.data)
    if action is None:
        await query.answer(telegram_translator(update).gettext(STALE_BUTTON), show_alert=True)
        return
    actor = await require_actor(update, context)
    if actor is None:
        return
    ctx = app_context(context)
    if action.kind == "note":
        await ctx.db.run(
            lambda session: items.check_can_note(session=session, actor=actor, item_id=action.item_id)
        )
        await query.answer()
        tr = await chat_translator(update, context, actor)
        await ask_for_reply(
            update,
            context,
            note_prompt(action.item_id, context.bot.username, tr.lang),
            placeholder=tr.gettext("Note for #{number}").format(number=action.item_id),
        )
        return
    status = action.status
    assert status is not None
    card, changed = await ctx.db.run(
        lambda session: items.set_status(session=session, actor=actor, item_id=action.item_id, status=status)
    )
    if card.follow_ups_affected:
        await replan_after(ctx, PlanScope.items([action.item_id]))
    mine = translator(actor.language)  # an alert only the presser sees
    if changed:
        answer = mine.gettext("#{number} is now {status}.")
    else:
        answer = mine.gettext("#{number} is already {status}.")
    await query.answer(answer.format(number=action.item_id, status=status_word(status, mine.lang)))
    if query.message is not None and len(items_linked(query.message)) > 1:
        # a list (e.g. a pre-meeting follow-up): keep it, drop the buttons of the item just updated
        await drop_item_buttons(query, action.item_id)
        return
    await edit_card(update, context, actor, card)


@friendly_errors
async def reply_to_item(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text replying to a bot message about an item: a status word sets it, else a note."""
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None
    replied = message.reply_to_message
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    token = await imports.pending_for_reply(context, replied)
    if token is not None:  # a fix to a report import's preview
        await imports.fix_by_reply(update, context, token)
        return
    actor = await require_actor(update, context)
    if actor is None:
        return
    linked = items_linked(replied)
    if len(linked) != 1:
        tr = await chat_translator(update, context, actor)
        raise BadInput(
            tr.gettext(
                "That message isn't about a single item. Reply to an item's card, or use /note N text."
            )
        )
    (item_id,) = linked
    lang = (await chat_translator(update, context, actor)).lang
    text = message.text or ""
    status = parse_status(text)
    ctx = app_context(context)
    if status is not None:
        card, changed = await ctx.db.run(
            lambda session: items.set_status(
                session=session, actor=actor, item_id=item_id, status=status, history=False
            )
        )
        if card.follow_ups_affected:  # after the commit: the plan sees the new status
            await replan_after(ctx, PlanScope.items([item_id]))
        reply = status_changed(card, changed, context.bot.username, lang)
    else:
        card = await ctx.db.run(
            lambda session: items.add_note(
                session=session, actor=actor, item_id=item_id, text=text, history=False
            )
        )
        reply = note_added(card, context.bot.username, lang)
    await message.reply_text(reply)
