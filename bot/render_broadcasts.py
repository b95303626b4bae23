"""What broadcasts look like: the message itself, the sender's controls and progress, reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.render import esc, fmt_date, split_messages
from core.broadcasts import Progress, Recipient
from storage.models import Audience, Broadcast, Delivery, Party

AUDIENCE_LABEL = {
    Audience.ALL: "everyone (all members and group chats)",
    Audience.CHAIRS: "chairs only",
    Audience.PARTIES: "chosen parties",
    Audience.GROUPS: "subscribed group chats",
}
MAX_PARTY_BUTTONS = 40


def broadcast_text(text_html: str) -> str:
    """Exactly what each recipient sees."""
    return f"📣 <b>From the secretariat</b>\n\n{text_html}"


def _cb(broadcast_id: int, action: str) -> str:
    return f"bc:{broadcast_id}:{action}"


def audience_controls(broadcast: Broadcast, parties: Sequence[Party]) -> tuple[str, InlineKeyboardMarkup]:
    assert broadcast.id is not None
    bid = broadcast.id
    if broadcast.audience is Audience.PARTIES or parties:
        chosen = set(broadcast.party_ids)
        rows = [
            [
                InlineKeyboardButton(
                    ("☑️ " if p.id in chosen else "⬜ ") + p.name[:40], callback_data=_cb(bid, f"p{p.id}")
                )
            ]
            for p in parties[:MAX_PARTY_BUTTONS]
            if p.id is not None
        ]
        rows.append(
            [
                InlineKeyboardButton("Done ✅", callback_data=_cb(bid, "pd")),
                InlineKeyboardButton("Back", callback_data=_cb(bid, "au")),
            ]
        )
        return f"📣 Broadcast {bid}: tap the parties that should receive it.", InlineKeyboardMarkup(rows)
    rows = [
        [
            InlineKeyboardButton("Everyone", callback_data=_cb(bid, "all")),
            InlineKeyboardButton("Chairs only", callback_data=_cb(bid, "ch")),
        ],
        [
            InlineKeyboardButton("Choose parties…", callback_data=_cb(bid, "pt")),
            InlineKeyboardButton("Group chats", callback_data=_cb(bid, "gr")),
        ],
        [InlineKeyboardButton("✖️ Cancel", callback_data=_cb(bid, "x"))],
    ]
    return f"📣 Broadcast {bid}: the preview is above. Who should receive it?", InlineKeyboardMarkup(rows)


def confirm_controls(broadcast: Broadcast, targets: Sequence[Recipient]) -> tuple[str, InlineKeyboardMarkup]:
    assert broadcast.id is not None and broadcast.audience is not None
    reachable = sum(t.reachable for t in targets)
    unreachable = len(targets) - reachable
    text = (
        f"📣 Broadcast {broadcast.id} to <b>{AUDIENCE_LABEL[broadcast.audience]}</b>: "
        f"{reachable} recipient{'s' if reachable != 1 else ''}"
    )
    if unreachable:
        text += f" (+{unreachable} who blocked the bot or never started it)"
    text += ".\nThe preview above is exactly what they will see. Send it?"
    rows = [
        [
            InlineKeyboardButton("📤 Send", callback_data=_cb(broadcast.id, "ok")),
            InlineKeyboardButton("Change audience", callback_data=_cb(broadcast.id, "au")),
        ],
        [InlineKeyboardButton("✖️ Cancel", callback_data=_cb(broadcast.id, "x"))],
    ]
    return text, InlineKeyboardMarkup(rows)


def broadcast_progress(broadcast_id: int, progress: Progress, *, done: bool) -> str:
    head = f"📣 Broadcast {broadcast_id}: " + ("✅ done" if done else "sending…")
    line = f"Sent {progress.sent} · pending {progress.pending} · failed {progress.failed} of {progress.total}"
    if progress.acked:
        line += f" · 👍 {progress.acked} got it"
    tail = f"\nDetails: /broadcast {broadcast_id}" if done else ""
    return f"{head}\n{line}{tail}"


def _when(at: datetime, timezone: str) -> str:
    """A moment on the viewer's wall clock: "5 Mar 2027 09:30"."""
    local = at.astimezone(ZoneInfo(timezone))
    return f"{fmt_date(local.date())} {local:%H:%M}"


def broadcasts_list(rows: Sequence[tuple[Broadcast, Progress]], timezone: str) -> str:
    """/broadcasts, with dates in the viewer's ``timezone``."""
    if not rows:
        return "No broadcasts yet. Send one with /broadcast your message."
    lines = ["<b>Recent broadcasts</b>"]
    for broadcast, p in rows:
        when = _when(broadcast.started_at or broadcast.created_at, timezone)
        lines.append(
            f"<b>{broadcast.id}</b> · {when} · {broadcast.state.value} — sent {p.sent}/{p.total}, "
            f"failed {p.failed}, 👍 {p.acked}\n   {esc(_excerpt(broadcast.text_html))}"
        )
    lines.append("Details: /broadcast N")
    return "\n".join(lines)


def _excerpt(text_html: str) -> str:
    import html
    import re

    plain = html.unescape(re.sub(r"<[^>]*>", "", text_html))
    plain = " ".join(plain.split())
    return plain if len(plain) <= 70 else plain[:69] + "…"


def broadcast_report(
    broadcast: Broadcast, p: Progress, failed: Sequence[Delivery], timezone: str
) -> list[str]:
    """/broadcast N, with dates in the viewer's ``timezone``."""
    assert broadcast.id is not None
    audience = AUDIENCE_LABEL[broadcast.audience] if broadcast.audience else "no audience"
    when = f"Written {_when(broadcast.created_at, timezone)}"
    if broadcast.started_at is not None:
        when += f" · sent {_when(broadcast.started_at, timezone)}"
    if broadcast.finished_at is not None:
        when += f" · finished {_when(broadcast.finished_at, timezone)}"
    header = (
        f"📣 <b>Broadcast {broadcast.id}</b> ({broadcast.state.value}) to {audience}\n"
        f"“{esc(_excerpt(broadcast.text_html))}”\n"
        f"{when} ({esc(timezone)})\n"
        f"Sent {p.sent} · pending {p.pending} · failed {p.failed} of {p.total} · 👍 {p.acked} got it"
    )
    blocks = [f"❌ {esc(d.label)} — {esc(d.reason or 'failed')}" for d in failed]
    return split_messages(blocks, header=header + ("\n\n<b>Not delivered</b>" if failed else ""))
