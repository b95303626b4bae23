"""What the bot writes about invites: the link, /invites, the "change your role?" question, the
outcome of an invite, and the secretariat's notice of a change."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.render import esc, role_name, split_messages
from core.i18n import Translator
from core.members import InviteOutcome, InviteRow
from storage.models import Role


def invite_text(tr: Translator, role: Role, party: str, link: str, ttl_days: int, uses: int) -> str:
    valid = tr.gettext("Valid {days}, {uses}.").format(
        days=tr.ngettext("{count} day", "{count} days", ttl_days).format(count=ttl_days),
        uses=tr.ngettext("{count} use", "{count} uses", uses).format(count=uses),
    )
    title = tr.gettext("🔗 Invite for <b>{role}</b> of <b>{party}</b>").format(
        role=role_name(role, tr), party=esc(party)
    )
    privately = tr.gettext("Send it privately to the person.")
    return f"{title}\n{esc(link)}\n{valid} {privately}"


def invites_text(rows: list[InviteRow], timezone: str, tr: Translator) -> list[str]:
    """/invites: open invites, with the code prefix /invite revoke takes."""
    if not rows:
        return [
            tr.gettext("No open invites. Create one with /invite PARTY [chair|observer|secretariat] [uses=N]")
        ]
    zone = ZoneInfo(timezone)
    blocks = []
    for r in rows:
        values = {
            "what": _what(r.party, r.invite.role, tr),
            "left": tr.ngettext("{count} use left", "{count} uses left", r.invite.uses_left).format(
                count=r.invite.uses_left
            ),
            "used": r.uses,
            "date": esc(tr.format_day(r.invite.expires_at.astimezone(zone).date())),
            "name": esc(r.created_by),
        }
        line = (
            tr.gettext("{what} — {left}, used {used}×, until {date}, by {name}")
            if r.created_by
            else tr.gettext("{what} — {left}, used {used}×, until {date}")
        )
        blocks.append(f"• <code>{esc(r.invite.code[:8])}</code> {line.format(**values)}")
    header = tr.gettext("<b>Open invites</b> ({count}) — revoke: /invite revoke CODE").format(count=len(rows))
    return split_messages(blocks, header=header)


def confirm_text(outcome: InviteOutcome, tr: Translator) -> str:
    """An existing member opened an invite for another party or role: asked before it changes."""
    was = _what(outcome.old_party.name if outcome.old_party else None, outcome.old_role, tr)
    return tr.gettext("You are {was}. This invite would make you {now}.\nChange?").format(
        was=was, now=_what(outcome.party.name, outcome.role, tr)
    )


def confirm_keyboard(outcome: InviteOutcome, tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(tr.gettext("✅ Yes, change"), callback_data=f"iv:{outcome.invite_id}:y"),
                InlineKeyboardButton(tr.gettext("✖ No, keep"), callback_data=f"iv:{outcome.invite_id}:n"),
            ]
        ]
    )


def _what(party_name: str | None, role: Role | None, tr: Translator) -> str:
    """'<b>chair</b> of <b>Sweden</b>' in the reader's language (party names as they are)."""
    if role is None:
        return tr.gettext("not a member")
    if not party_name:
        return tr.gettext("<b>{role}</b> of <b>no party</b>").format(role=role_name(role, tr))
    return tr.gettext("<b>{role}</b> of <b>{party}</b>").format(
        role=role_name(role, tr), party=esc(party_name)
    )


def outcome_text(outcome: InviteOutcome, first_name: str, tr: Translator) -> str:
    now = _what(outcome.party.name, outcome.role, tr)
    if outcome.kind == "joined":
        return tr.gettext(
            "✅ Welcome, {name}! You are now <b>{role}</b> for <b>{party}</b>.\n\n"
            "Try /items to see your next steps, or /help."
        ).format(name=esc(first_name), role=role_name(outcome.role, tr), party=esc(outcome.party.name))
    if outcome.kind == "changed":
        return tr.gettext("✅ Done: you are now {now}. /help shows what you can do.").format(now=now)
    if outcome.kind == "unchanged":
        return tr.gettext("You are already {now}. Nothing changed.").format(now=now)
    return tr.gettext("OK, nothing changed.")


def change_note(outcome: InviteOutcome, who: str, tr: Translator) -> str:
    """The secretariat's notice of a member's change, in that secretariat member's language."""
    was = _what(outcome.old_party.name if outcome.old_party else None, outcome.old_role, tr)
    now = _what(outcome.party.name, outcome.role, tr)
    if outcome.invited_by:
        text = tr.gettext("👤 {name} changed from {was} to {now} (invite by {inviter}).")
    else:
        text = tr.gettext("👤 {name} changed from {was} to {now} (invite by the secretariat).")
    return text.format(name=esc(who), was=was, now=now, inviter=esc(outcome.invited_by))
