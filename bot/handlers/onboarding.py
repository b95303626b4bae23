"""/start with invite codes, /help, /whoami, /tz and /invite."""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ContextTypes
from telegram.helpers import create_deep_linked_url

from bot.context import app_context
from bot.deeplinks import parse_item_payload
from bot.handlers.common import (
    chat_translator,
    current_actor,
    display_name,
    friendly_errors,
    is_private,
    reader_translator,
    reply_chunks,
    require_actor,
    send_card,
    show_in_place,
    telegram_translator,
)
from bot.jobs import replan_after
from bot.menus import set_member_menu
from bot.render import esc, help_text, role_name, stranger_text, whoami_text
from bot.render_invites import (
    change_note,
    confirm_keyboard,
    confirm_text,
    invite_text,
    invites_text,
    outcome_text,
)
from core import groups, items, members
from core.errors import BadInput
from core.i18n import LANGUAGES, SOURCE_LANGUAGE, pick_language, translator
from core.members import InviteOutcome
from core.schedule import PlanScope
from storage.models import Role

log = logging.getLogger(__name__)
_USES = re.compile(r"uses=(\d{1,4})", re.IGNORECASE)


@friendly_errors
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome; with an invite code, bind the user to the invite's party and role."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    ctx = app_context(context)
    item_id = parse_item_payload(context.args[0]) if context.args else None
    if item_id is not None:  # a tapped "#N" link
        actor = await require_actor(update, context)
        if actor is None:
            return
        card = await ctx.db.run(lambda session: items.get_card(session=session, item_id=item_id))
        await send_card(update, context, actor, card)
        return
    if context.args:
        if not is_private(update):  # an invite is for one person: never used in a group
            tr = await reader_translator(update, context)
            await message.reply_text(tr.gettext("Open the invite link in a private chat with me."))
            return
        code, name = context.args[0], display_name(update)
        outcome = await ctx.db.run(
            lambda session: members.open_invite(
                session=session,
                code=code,
                user_id=user.id,
                display_name=name,
                admins=ctx.admins,
                language_code=user.language_code,
            )
        )
        await _after_invite(update, context, outcome)
        return
    actor = await current_actor(update, context)
    if actor is None:
        await message.reply_text(stranger_text(telegram_translator(update)))
        return
    await set_member_menu(context.bot, user.id, actor.role, actor.language)
    tr = await chat_translator(update, context, actor)
    welcome = tr.gettext("Welcome, {name}!").format(name=esc(user.first_name))
    await message.reply_text(f"{welcome}\n\n{help_text(actor, tr)}")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The commands this user may use."""
    assert update.effective_message is not None
    actor = await current_actor(update, context)
    tr = await chat_translator(update, context, actor)
    await update.effective_message.reply_text(help_text(actor, tr))


@friendly_errors
async def whoami(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Your party, role and timezone."""
    actor = await require_actor(update, context, in_disabled_group=True)
    if actor is None:
        return
    party = await app_context(context).db.run(
        lambda session: members.member_party(session=session, actor=actor)
    )
    assert update.effective_message is not None
    tr = await chat_translator(update, context, actor)
    await update.effective_message.reply_text(whoami_text(actor, party, tr))


@friendly_errors
async def tz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set your own timezone."""
    actor = await require_actor(update, context, in_disabled_group=True)
    if actor is None:
        return
    assert update.effective_message is not None
    tr = await chat_translator(update, context, actor)
    if not context.args:
        await update.effective_message.reply_text(
            tr.gettext("Your timezone is {timezone}. Change it with /tz Europe/Stockholm").format(
                timezone=esc(actor.timezone)
            )
        )
        return
    ctx = app_context(context)
    asked = " ".join(context.args)
    zone = await ctx.db.run(lambda session: members.set_timezone(session=session, actor=actor, zone=asked))
    await replan_after(ctx, PlanScope.members([actor.member_id]))
    await update.effective_message.reply_text(
        tr.gettext("🕘 Timezone set to {timezone}.").format(timezone=esc(zone))
    )


def _role_words() -> dict[str, Role]:
    """A role as typed: its English name, or its name in any language the bot speaks."""
    words = {role.value: role for role in Role}
    for lang in LANGUAGES:
        words.update({role_name(role, translator(lang)).casefold(): role for role in Role})
    return words


def parse_invite_args(args: list[str], default_uses: int) -> tuple[str, Role, int]:
    """``PARTY NAME [chair|observer|secretariat] [uses=N]`` -> (party, role, uses); the role may be
    written in any of the bot's languages ("председатель", "başkan")."""
    words = list(args)
    uses = default_uses
    role = Role.CHAIR
    if words and (m := _USES.fullmatch(words[-1])):
        uses = int(m[1])
        words.pop()
    roles = _role_words()
    if words and words[-1].casefold() in roles:
        role = roles[words.pop().casefold()]
    if words and (m := _USES.fullmatch(words[-1])):
        uses = int(m[1])
        words.pop()
    party = " ".join(words).strip()
    if not party:
        raise BadInput("Usage: /invite PARTY [chair|observer|secretariat] [uses=N]")
    return party, role, uses


@friendly_errors
async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Create an invite link for a party and role, or revoke one (secretariat)."""
    actor = await require_actor(update, context, in_disabled_group=True)
    if actor is None:
        return
    ctx = app_context(context)
    message = update.effective_message
    assert message is not None
    args = context.args or []
    tr = await chat_translator(update, context, actor)
    if args and args[0].lower() == "revoke":
        if len(args) != 2:
            raise BadInput("Usage: /invite revoke CODE (/invites lists the codes)")
        revoked = await ctx.db.run(
            lambda session: members.revoke_invite(session=session, actor=actor, code=args[1])
        )
        await message.reply_text(
            tr.gettext("🚫 Invite {code}… revoked: it can't be used any more.").format(
                code=esc(revoked.code[:8])
            )
        )
        return
    party_name, role, uses = parse_invite_args(args, ctx.settings.invites.default_uses)
    created, party = await ctx.db.run(
        lambda session: members.create_invite(
            session=session,
            actor=actor,
            party_name=party_name,
            role=role,
            uses=uses,
            ttl_days=ctx.settings.invites.ttl_days,
        )
    )
    link = create_deep_linked_url(context.bot.username, created.code)
    # the link is the secretariat member's to pass on: in their own language, wherever they asked
    text = invite_text(
        translator(actor.language), role, party.name, link, ctx.settings.invites.ttl_days, uses
    )
    if is_private(update):
        await message.reply_text(text)
        return
    # never in a group: anyone there could use it
    try:
        await context.bot.send_message(actor.user_id, text)
    except Forbidden:
        await message.reply_text(
            tr.gettext("I won't post an invite link in a group. Start a private chat with me and ask there.")
        )
        return
    await message.reply_text(tr.gettext("🔗 I sent you the invite link privately."))


@friendly_errors
async def list_invites(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/invites: invites that can still be used (secretariat)."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    ctx = app_context(context)
    rows = await ctx.db.run(lambda session: members.list_invites(session=session, actor=actor))
    tr = await chat_translator(update, context, actor)
    await reply_chunks(update, invites_text(rows, actor.timezone, tr))


async def _after_invite(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: InviteOutcome) -> None:
    """Tell the person what the invite did; on a change, tell the secretariat too."""
    ctx = app_context(context)
    user = update.effective_user
    assert user is not None
    member = outcome.member
    # the person's own language: the member's, else what Telegram says (opened in a private chat)
    tr = translator(member.language or pick_language(user.language_code))
    if outcome.kind == "confirm":
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            confirm_text(outcome, tr), reply_markup=confirm_keyboard(outcome, tr)
        )
        return
    assert member.id is not None
    if outcome.kind in ("joined", "changed"):
        await replan_after(ctx, PlanScope.members([member.id]))
        await set_member_menu(context.bot, user.id, member.role, member.language or SOURCE_LANGUAGE)
    text = outcome_text(outcome, user.first_name, tr)
    if update.callback_query is not None:
        await show_in_place(update, context, text)
    else:
        assert update.effective_message is not None
        await update.effective_message.reply_text(text)
    if outcome.kind == "changed":
        who = member.display_name or str(user.id)
        secretariat = await ctx.db.run(
            lambda session: members.secretariat_readers(session=session, except_user=user.id),
            completes_work=False,
        )
        for chat_id, language in secretariat:
            try:
                await context.bot.send_message(chat_id, change_note(outcome, who, translator(language)))
            except Exception:  # best effort: the change is recorded in the member history
                log.info("could not tell secretariat member %s about a role change", chat_id, exc_info=True)


@friendly_errors
async def invite_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "change your party or role?" buttons; the invite is checked again on press."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    parts = (query.data or "").split(":")
    if len(parts) != 3 or parts[2] not in ("y", "n") or not parts[1].isdigit() or len(parts[1]) > 9:
        tr = await reader_translator(update, context, as_presser=True)
        await query.answer(tr.gettext("This button is no longer valid."), show_alert=True)
        return
    ctx = app_context(context)
    invite_id, accept = int(parts[1]), parts[2] == "y"
    outcome = await ctx.db.run(
        lambda session: members.answer_invite(
            session=session, invite_id=invite_id, user_id=user.id, accept=accept, admins=ctx.admins
        )
    )
    await query.answer()
    await _after_invite(update, context, outcome)


@friendly_errors
async def group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/group on|off: let members use item commands in this group (secretariat)."""
    actor = await require_actor(update, context, in_disabled_group=True)
    if actor is None:
        return
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    if is_private(update):
        raise BadInput("Use /group on in the group you want to enable.")
    args = [a.lower() for a in context.args or []]
    if args not in (["on"], ["off"]):
        raise BadInput("Usage: /group on (item commands work here) or /group off")
    enabled = args == ["on"]
    ctx = app_context(context)
    title = chat.title or ""
    await ctx.db.run(
        lambda session: groups.set_enabled(
            session=session, actor=actor, chat_id=chat.id, title=title, enabled=enabled
        )
    )
    tr = await chat_translator(update, context, actor)
    await message.reply_text(
        tr.gettext(
            "✅ Members can use NextSteps here now: /items, /item N, /status … "
            "(each sees what their own role allows)."
        )
        if enabled
        else tr.gettext("NextSteps item commands are off in this group.")
    )
