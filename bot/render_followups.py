"""What follow-ups look like: reminders, nudges, pre-meeting requests, reports, digests."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards import encode_status
from bot.render import (
    LIST_TEXT_CHARS,
    STATUS_EMOJI,
    due_text,
    esc,
    event_line,
    item_line,
    item_ref,
    meeting_text,
    shorten,
    split_messages,
    status_label,
    visible_length,
)
from core.followups import about
from core.i18n import SOURCE_LANGUAGE, translator
from core.items import ItemCard
from core.outreach import Content, Digest
from storage.models import Followup, FollowupKind, Status

PREMEETING_BUTTON_ITEMS = 8
NAMES_CHARS = 1000  # a list of people's names, cut short so its line fits a message
AWAY_REASON_CHARS = 110  # thirty of these fit one message
ESCALATION_BLOCK_CHARS = 3000  # a party's part of an escalation: well within one message


def reminder_text(content: Content, today: date, bot: str, lang: str = SOURCE_LANGUAGE) -> str:
    """A deadline or overdue reminder in the recipient's language; the item's text as agreed."""
    tr = translator(lang)
    card = content.card
    assert card is not None and card.item.due_date is not None
    days = (card.item.due_date - today).days
    ref = item_ref(card.number, bot)
    if content.kind is FollowupKind.OVERDUE:
        head = tr.gettext("⚠️ <b>Overdue</b>: {item} was due {date}.").format(
            item=ref, date=tr.format_day(card.item.due_date)
        )
    elif days <= 0:
        head = tr.gettext("⏰ <b>Due today</b>: {item}").format(item=ref)
    else:
        head = tr.ngettext(
            "⏰ <b>Due in {days} day</b>: {item}", "⏰ <b>Due in {days} days</b>: {item}", days
        ).format(days=days, item=ref)
    status = tr.gettext("Status: {status}").format(status=status_label(card.item.status, lang))
    tap = tr.gettext("Tap a status below, or reply to this message with a note.")
    return (
        f"{head}\n{esc(shorten(card.item.text, 300))}\n\n⏰ {due_text(card, today, lang)}\n"
        f"{status}\n<i>{tap}</i>"
    )


def premeeting_text(content: Content, today: date, bot: str, lang: str = SOURCE_LANGUAGE) -> list[str]:
    tr = translator(lang)
    meeting = content.meeting
    assert meeting is not None and meeting.held_on is not None
    days = (meeting.held_on - today).days
    header = tr.ngettext(
        "📅 <b>{meeting}</b> is in {days} day ({date}).",
        "📅 <b>{meeting}</b> is in {days} days ({date}).",
        days,
    ).format(meeting=esc(meeting.name), days=days, date=tr.format_day(meeting.held_on))
    header += "\n" + tr.gettext(
        "Please update your open items: tap a status, or reply to an item's message with a note."
    )
    return split_messages([item_line(card, today, bot, lang) for card in content.cards], header=header)


def premeeting_keyboard(cards: list[ItemCard]) -> InlineKeyboardMarkup | None:
    rows = [
        [
            InlineKeyboardButton(
                f"#{card.number} {STATUS_EMOJI[status]}", callback_data=encode_status(card.number, status)
            )
            for status in (Status.IN_PROGRESS, Status.DONE, Status.BLOCKED)
            if status is not card.item.status
        ]
        for card in cards[:PREMEETING_BUTTON_ITEMS]
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def premeeting_report_text(content: Content, today: date, lang: str = SOURCE_LANGUAGE) -> list[str]:
    tr = translator(lang)
    meeting = content.meeting
    assert meeting is not None and meeting.held_on is not None
    days = (meeting.held_on - today).days
    header = tr.ngettext(
        "📋 <b>{meeting}</b> in {days} day: who has updated since the last follow-up",
        "📋 <b>{meeting}</b> in {days} days: who has updated since the last follow-up",
        days,
    ).format(meeting=esc(meeting.name), days=days)
    lines = []
    for progress in content.progress:
        party = esc(progress.party.name)
        if progress.updates:
            who = esc(shorten(", ".join(progress.updated_by), NAMES_CHARS))
            updates = tr.ngettext(
                "{count} update by {who}", "{count} updates by {who}", progress.updates
            ).format(count=progress.updates, who=who)
            lines.append(f"✅ {party} — {updates}")
        else:
            none = tr.gettext("no update ({count} open)").format(count=progress.open_items)
            lines.append(f"⏳ {party} — {none}")
    return split_messages(lines or [tr.gettext("No party has open items.")], header=header)


def escalation_text(content: Content, today: date, bot: str, lang: str = SOURCE_LANGUAGE) -> list[str]:
    blocks = []
    for party, cards in content.by_party:
        name = f"<b>{esc(party.name)}</b>"
        block = name
        for c in cards:
            step = esc(shorten(c.item.text, LIST_TEXT_CHARS))
            line = f"{item_ref(c.number, bot)} {step} — {due_text(c, today, lang)}"
            if block != name and visible_length(f"{block}\n{line}") > ESCALATION_BLOCK_CHARS:
                blocks.append(block)  # a party with many items: its name again on the next part
                block = name
            block += f"\n{line}"
        blocks.append(block)
    header = translator(lang).gettext("🚨 <b>Still overdue after repeated reminders</b>, by party:")
    return split_messages(blocks, header=header)


def away_reason(row: Followup, lang: str = SOURCE_LANGUAGE) -> str:
    """One line of the "I was offline" summary: what fell due, in the reader's language."""
    tr = translator(lang)
    facts = about(row.kind, row.key, row.reason)
    if facts is None or facts.day is None:  # a key this version can't read: no English for others
        return row.reason if tr.lang == SOURCE_LANGUAGE else tr.gettext("a reminder")
    day = tr.format_day(facts.day)
    if facts.kind is FollowupKind.DEADLINE:
        if facts.number == 0:
            return tr.gettext("#{number} due today ({date})").format(number=facts.item_id, date=day)
        return tr.ngettext(
            "#{number} due in {days} day ({date})", "#{number} due in {days} days ({date})", facts.number
        ).format(number=facts.item_id, days=facts.number, date=day)
    if facts.kind is FollowupKind.OVERDUE:
        return tr.gettext("#{number} overdue since {date} (reminder {n})").format(
            number=facts.item_id, date=day, n=facts.number
        )
    if facts.kind is FollowupKind.ESCALATION:
        return tr.gettext("still overdue after repeated reminders: {items}").format(
            items=", ".join(f"#{n}" for n in facts.item_ids)
        )
    if facts.kind in (FollowupKind.PREMEETING, FollowupKind.PREMEETING_REPORT):
        return tr.ngettext(
            "{days} day before the meeting on {date}",
            "{days} days before the meeting on {date}",
            facts.number,
        ).format(days=facts.number, date=day)
    return tr.gettext("weekly digest for {date}").format(date=day)


def away_text(reasons: list[str], lang: str = SOURCE_LANGUAGE) -> str:
    tr = translator(lang)
    # cut, not shorten(): a date's no-break spaces stay
    clipped = (r if len(r) <= AWAY_REASON_CHARS else r[: AWAY_REASON_CHARS - 1] + "…" for r in reasons[:30])
    shown = "\n".join(f"• {esc(r)}" for r in clipped)
    more = ""
    if len(reasons) > 30:
        more = "\n" + tr.gettext("… and {count} more").format(count=len(reasons) - 30)
    head = tr.ngettext(
        "👋 I was offline for a while; {count} reminder fell due meanwhile:",
        "👋 I was offline for a while; {count} reminders fell due meanwhile:",
        len(reasons),
    ).format(count=len(reasons))
    return f"{head}\n{shown}{more}\n" + tr.gettext("Use /items to see where things stand.")


def digest_messages(digest: Digest, timezone: str, bot: str, lang: str = SOURCE_LANGUAGE) -> list[str]:
    """The weekly digest in the reader's language (a group's: the one the secretariat set)."""
    tr = translator(lang)
    today = digest.today
    counts = " · ".join(f"{STATUS_EMOJI[s]} {n}" for s, n in digest.counts.items() if n)
    since_local = digest.since.astimezone(ZoneInfo(timezone))
    title = tr.gettext("<b>Weekly digest</b> — {date}").format(date=tr.format_day(today))
    blocks = [f"{title}\n" + (counts or tr.gettext("No items yet."))]
    blocks.append(meeting_text(digest.meeting, today, lang))
    if digest.overdue:
        blocks.append(tr.gettext("⚠️ <b>Overdue ({count})</b>").format(count=len(digest.overdue)))
        blocks.extend(item_line(c, today, bot, lang) for c in digest.overdue)
    if digest.due_soon:
        blocks.append(
            tr.gettext("⏰ <b>Due in the next 14 days ({count})</b>").format(count=len(digest.due_soon))
        )
        blocks.extend(item_line(c, today, bot, lang) for c in digest.due_soon)
    blocks.append(
        tr.gettext("📝 <b>Changes since {date}</b> ({count})").format(
            date=tr.format_day(since_local.date()), count=len(digest.changes)
        )
    )
    if digest.changes:
        blocks.extend(
            f"{item_ref(item_id, bot)} {event_line(event, timezone, lang)}"
            for event, item_id in digest.changes
        )
    else:
        blocks.append(tr.gettext("No updates."))
    if digest.unreachable:
        blocks.append(
            tr.gettext("📵 <b>Can't reach</b> (blocked the bot or never started it):")
            + " "
            + esc(shorten(", ".join(digest.unreachable), NAMES_CHARS))
        )
    return split_messages(blocks)
