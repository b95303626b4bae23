"""/start with invite codes, /help, /whoami, /tz and /invite."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes
from telegram.helpers import create_deep_linked_url

from bot.context import app_context
from bot.deeplinks import parse_item_payload
from bot.handlers.common import current_actor, display_name, friendly_errors, require_actor, send_card
from bot.jobs import replan_after
from bot.menus import set_member_menu
from bot.render import ROLE_NAMES, STRANGER_TEXT, esc, help_text, whoami_text
from core import items, members
from core.errors import BadInput
from core.schedule import PlanScope
from storage.models import Role

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
        code, name = context.args[0], display_name(update)
        member, party = await ctx.db.run(
            lambda session: members.redeem_invite(
                session=session, code=code, user_id=user.id, display_name=name, admins=ctx.admins
            )
        )
        assert member.id is not None
        await replan_after(ctx, PlanScope.members([member.id]))
        await set_member_menu(context.bot, user.id, member.role)
        await message.reply_text(
            f"✅ Welcome, {esc(user.first_name)}! You are now <b>{ROLE_NAMES[member.role]}</b> "
            f"for <b>{esc(party.name)}</b>.\n\nTry /items to see your next steps, or /help."
        )
        return
    actor = await current_actor(update, context)
    if actor is None:
        await message.reply_text(STRANGER_TEXT)
        return
    await set_member_menu(context.bot, user.id, actor.role)
    await message.reply_text(f"Welcome, {esc(user.first_name)}!\n\n{help_text(actor)}")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The commands this user may use."""
    assert update.effective_message is not None
    actor = await current_actor(update, context)
    await update.effective_message.reply_text(help_text(actor))


@friendly_errors
async def whoami(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Your party, role and timezone."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    party = await app_context(context).db.run(
        lambda session: members.member_party(session=session, actor=actor)
    )
    assert update.effective_message is not None
    await update.effective_message.reply_text(whoami_text(actor, party))


@friendly_errors
async def tz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set your own timezone."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    assert update.effective_message is not None
    if not context.args:
        await update.effective_message.reply_text(
            f"Your timezone is {esc(actor.timezone)}. Change it with /tz Europe/Stockholm"
        )
        return
    ctx = app_context(context)
    asked = " ".join(context.args)
    zone = await ctx.db.run(lambda session: members.set_timezone(session=session, actor=actor, zone=asked))
    await replan_after(ctx, PlanScope.members([actor.member_id]))
    await update.effective_message.reply_text(f"🕘 Timezone set to {esc(zone)}.")


def parse_invite_args(args: list[str], default_uses: int) -> tuple[str, Role, int]:
    """``PARTY NAME [chair|observer|secretariat] [uses=N]`` -> (party, role, uses)."""
    words = list(args)
    uses = default_uses
    role = Role.CHAIR
    if words and (m := _USES.fullmatch(words[-1])):
        uses = int(m[1])
        words.pop()
    if words and words[-1].lower() in {r.value for r in Role}:
        role = Role(words.pop().lower())
    if words and (m := _USES.fullmatch(words[-1])):
        uses = int(m[1])
        words.pop()
    party = " ".join(words).strip()
    if not party:
        raise BadInput("Usage: /invite PARTY [chair|observer|secretariat] [uses=N]")
    return party, role, uses


@friendly_errors
async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Create an invite link for a party and role (secretariat)."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    ctx = app_context(context)
    party_name, role, uses = parse_invite_args(context.args or [], ctx.settings.invites.default_uses)
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
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        f"🔗 Invite for <b>{ROLE_NAMES[role]}</b> of <b>{esc(party.name)}</b>\n{esc(link)}\n"
        f"Valid {ctx.settings.invites.ttl_days} days, {uses} use{'s' if uses != 1 else ''}. "
        "Send it privately to the person."
    )
