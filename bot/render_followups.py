"""What follow-ups look like: reminders, nudges, pre-meeting requests, reports, digests."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards import encode_status
from bot.render import (
    LIST_TEXT_CHARS,
    STATUS_EMOJI,
    STATUS_LABEL,
    due_text,
    esc,
    event_line,
    fmt_date,
    item_line,
    item_ref,
    meeting_text,
    shorten,
    split_messages,
)
from core.items import ItemCard
from core.outreach import Content, Digest
from storage.models import FollowupKind, Status

PREMEETING_BUTTON_ITEMS = 8


def reminder_text(content: Content, today: date, bot: str) -> str:
    card = content.card
    assert card is not None and card.item.due_date is not None
    days = (card.item.due_date - today).days
    if content.kind is FollowupKind.OVERDUE:
        head = f"⚠️ <b>Overdue</b>: {item_ref(card.number, bot)} was due {fmt_date(card.item.due_date)}."
    elif days <= 0:
        head = f"⏰ <b>Due today</b>: {item_ref(card.number, bot)}"
    else:
        head = f"⏰ <b>Due in {days} day{'s' if days != 1 else ''}</b>: {item_ref(card.number, bot)}"
    return (
        f"{head}\n{esc(shorten(card.item.text, 300))}\n\n⏰ {due_text(card, today)}\n"
        f"Status: {STATUS_LABEL[card.item.status]}\n"
        "<i>Tap a status below, or reply to this message with a note.</i>"
    )


def premeeting_text(content: Content, today: date, bot: str) -> list[str]:
    meeting = content.meeting
    assert meeting is not None and meeting.held_on is not None
    header = (
        f"📅 <b>{esc(meeting.name)}</b> is in {(meeting.held_on - today).days} days "
        f"({fmt_date(meeting.held_on)}).\nPlease update your open items: tap a status, or reply to "
        "an item's message with a note."
    )
    return split_messages([item_line(card, today, bot) for card in content.cards], header=header)


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


def premeeting_report_text(content: Content, today: date) -> list[str]:
    meeting = content.meeting
    assert meeting is not None and meeting.held_on is not None
    header = (
        f"📋 <b>{esc(meeting.name)}</b> in {(meeting.held_on - today).days} days: "
        "who has updated since the last follow-up"
    )
    lines = []
    for progress in content.progress:
        if progress.updates:
            who = ", ".join(esc(n) for n in progress.updated_by)
            lines.append(f"✅ {esc(progress.party.name)} — {progress.updates} update(s) by {who}")
        else:
            lines.append(f"⏳ {esc(progress.party.name)} — no update ({progress.open_items} open)")
    return split_messages(lines or ["No party has open items."], header=header)


def escalation_text(content: Content, today: date, bot: str) -> list[str]:
    blocks = [
        f"<b>{esc(party.name)}</b>\n"
        + "\n".join(
            f"{item_ref(c.number, bot)} {esc(shorten(c.item.text, LIST_TEXT_CHARS))} — {due_text(c, today)}"
            for c in cards
        )
        for party, cards in content.by_party
    ]
    return split_messages(blocks, header="🚨 <b>Still overdue after repeated reminders</b>, by party:")


def away_text(reasons: list[str]) -> str:
    shown = "\n".join(f"• {esc(r)}" for r in reasons[:30])
    more = f"\n… and {len(reasons) - 30} more" if len(reasons) > 30 else ""
    return (
        f"👋 I was offline for a while; {len(reasons)} reminder(s) fell due meanwhile:\n{shown}{more}\n"
        "Use /items to see where things stand."
    )


def digest_messages(digest: Digest, timezone: str, bot: str) -> list[str]:
    today = digest.today
    counts = " · ".join(f"{STATUS_EMOJI[s]} {n}" for s, n in digest.counts.items() if n)
    since_local = digest.since.astimezone(ZoneInfo(timezone))
    blocks = [f"<b>Weekly digest</b> — {fmt_date(today)}\n{counts or 'No items yet.'}"]
    blocks.append(meeting_text(digest.meeting, today))
    if digest.overdue:
        blocks.append(f"⚠️ <b>Overdue ({len(digest.overdue)})</b>")
        blocks.extend(item_line(c, today, bot) for c in digest.overdue)
    if digest.due_soon:
        blocks.append(f"⏰ <b>Due in the next 14 days ({len(digest.due_soon)})</b>")
        blocks.extend(item_line(c, today, bot) for c in digest.due_soon)
    blocks.append(f"📝 <b>Changes since {fmt_date(since_local.date())}</b> ({len(digest.changes)})")
    if digest.changes:
        blocks.extend(
            f"{item_ref(item_id, bot)} {event_line(event, timezone)}" for event, item_id in digest.changes
        )
    else:
        blocks.append("No updates.")
    if digest.unreachable:
        blocks.append(
            "📵 <b>Can't reach</b> (blocked the bot or never started it): "
            + esc(", ".join(digest.unreachable))
        )
    return split_messages(blocks)
