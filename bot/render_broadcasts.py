"""What broadcasts look like: the message itself, the sender's controls and progress, reports.

The sender's controls, progress and reports are in the sender's language (``lang``); the frame of
the broadcast (its heading and "Got it" button) in each recipient's. The secretariat's own text is
never translated.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery import UNREACHABLE_REASONS
from bot.limits import MESSAGE_TEXT_LIMIT
from bot.render import esc, local_moment, split_messages, visible_length
from core import limits
from core.broadcasts import UNREACHABLE, Progress, Recipient
from core.i18n import ENGLISH, N_, SOURCE_LANGUAGE, Translator, translator
from storage.models import Audience, Broadcast, BroadcastState, Delivery, Party

# the audience, as in "Broadcast 3 to <b>chairs only</b>"
AUDIENCE_LABEL = {
    Audience.ALL: N_("everyone (all members and group chats)"),
    Audience.CHAIRS: N_("chairs only"),
    Audience.PARTIES: N_("chosen parties"),
    Audience.GROUPS: N_("subscribed group chats"),
}
# the state, as in "📣 Broadcast 3 (✅ done) to chairs only"
STATE_LABEL = {
    BroadcastState.DRAFT: N_("📝 draft"),
    BroadcastState.SENDING: N_("⏳ sending"),
    BroadcastState.DONE: N_("✅ done"),
    BroadcastState.CANCELLED: N_("✖️ cancelled"),
}
# one line of /broadcasts, whole for each state (a state's word agrees with "broadcast")
LIST_LINE = {
    BroadcastState.DRAFT: N_(
        "<b>{number}</b> · {when} · draft — sent {sent}/{total}, failed {failed}, 👍 {acked}"
    ),
    BroadcastState.SENDING: N_(
        "<b>{number}</b> · {when} · sending — sent {sent}/{total}, failed {failed}, 👍 {acked}"
    ),
    BroadcastState.DONE: N_(
        "<b>{number}</b> · {when} · done — sent {sent}/{total}, failed {failed}, 👍 {acked}"
    ),
    BroadcastState.CANCELLED: N_(
        "<b>{number}</b> · {when} · cancelled — sent {sent}/{total}, failed {failed}, 👍 {acked}"
    ),
}
# why a delivery failed, as recorded (bot.delivery, core.broadcasts); Telegram's own words stay as they are
FAILURE_REASONS = frozenset(
    [
        *UNREACHABLE_REASONS,
        N_("failed"),
        UNREACHABLE,
    ]
)
_GAVE_UP = re.compile(r"gave up after (\d+) tries: (.*)", re.DOTALL)
HEADING = N_("📣 <b>From the secretariat</b>")
MAX_PARTY_BUTTONS = 40


def broadcast_heading(lang: str = SOURCE_LANGUAGE) -> str:
    """The frame above the secretariat's text, in the recipient's language. A translation that
    would leave less room than the longest broadcast needs falls back to English."""
    heading = translator(lang).gettext(HEADING)
    if visible_length(heading) + 2 + limits.BROADCAST_TEXT.most > MESSAGE_TEXT_LIMIT:
        return ENGLISH.gettext(HEADING)
    return heading


def broadcast_text(text_html: str, lang: str = SOURCE_LANGUAGE) -> str:
    """Exactly what a recipient reading ``lang`` sees: the secretariat's text as written."""
    return f"{broadcast_heading(lang)}\n\n{text_html}"


def got_it_keyboard(delivery_id: int, lang: str = SOURCE_LANGUAGE) -> InlineKeyboardMarkup:
    label = translator(lang).gettext("✅ Got it")
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=f"ack:{delivery_id}")]])


def _cb(broadcast_id: int, action: str) -> str:
    return f"bc:{broadcast_id}:{action}"


def audience_controls(
    broadcast: Broadcast, parties: Sequence[Party], lang: str = SOURCE_LANGUAGE
) -> tuple[str, InlineKeyboardMarkup]:
    assert broadcast.id is not None
    tr = translator(lang)
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
                InlineKeyboardButton(tr.gettext("Done ✅"), callback_data=_cb(bid, "pd")),
                InlineKeyboardButton(tr.gettext("Back"), callback_data=_cb(bid, "au")),
            ]
        )
        text = tr.gettext("📣 Broadcast {number}: tap the parties that should receive it.")
        return text.format(number=bid), InlineKeyboardMarkup(rows)
    rows = [
        [
            InlineKeyboardButton(tr.gettext("Everyone"), callback_data=_cb(bid, "all")),
            InlineKeyboardButton(tr.gettext("Chairs only"), callback_data=_cb(bid, "ch")),
        ],
        [
            InlineKeyboardButton(tr.gettext("Choose parties…"), callback_data=_cb(bid, "pt")),
            InlineKeyboardButton(tr.gettext("Group chats"), callback_data=_cb(bid, "gr")),
        ],
        [InlineKeyboardButton(tr.gettext("✖️ Cancel"), callback_data=_cb(bid, "x"))],
    ]
    text = tr.gettext("📣 Broadcast {number}: the preview is above. Who should receive it?")
    return text.format(number=bid), InlineKeyboardMarkup(rows)


def confirm_controls(
    broadcast: Broadcast, targets: Sequence[Recipient], lang: str = SOURCE_LANGUAGE
) -> tuple[str, InlineKeyboardMarkup]:
    assert broadcast.id is not None and broadcast.audience is not None
    tr = translator(lang)
    reachable = sum(t.reachable for t in targets)
    unreachable = len(targets) - reachable
    audience = esc(tr.gettext(AUDIENCE_LABEL[broadcast.audience]))
    lines = [
        tr.ngettext(
            "📣 Broadcast {number} to <b>{audience}</b>: {count} recipient.",
            "📣 Broadcast {number} to <b>{audience}</b>: {count} recipients.",
            reachable,
        ).format(number=broadcast.id, audience=audience, count=reachable)
    ]
    if unreachable:
        lines.append(
            tr.ngettext(
                "{count} more has blocked the bot or never started it, and won't receive it.",
                "{count} more have blocked the bot or never started it, and won't receive it.",
                unreachable,
            ).format(count=unreachable)
        )
    lines.append(
        tr.gettext(
            "The preview above is what they will see (its heading in each reader's language). Send it?"
        )
    )
    rows = [
        [
            InlineKeyboardButton(tr.gettext("📤 Send"), callback_data=_cb(broadcast.id, "ok")),
            InlineKeyboardButton(tr.gettext("Change audience"), callback_data=_cb(broadcast.id, "au")),
        ],
        [InlineKeyboardButton(tr.gettext("✖️ Cancel"), callback_data=_cb(broadcast.id, "x"))],
    ]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def cancelled_text(broadcast_id: int, lang: str = SOURCE_LANGUAGE) -> str:
    return (
        translator(lang)
        .gettext("📣 Broadcast {number} cancelled. Nothing was sent.")
        .format(number=broadcast_id)
    )


def sending_text(broadcast_id: int, count: int, lang: str = SOURCE_LANGUAGE) -> str:
    """Right after Send, until the first progress edit."""
    return (
        translator(lang)
        .ngettext(
            "📣 Broadcast {number}: sending to {count} recipient…",
            "📣 Broadcast {number}: sending to {count} recipients…",
            count,
        )
        .format(number=broadcast_id, count=count)
    )


def _counts(tr: Translator, progress: Progress, *, acks: bool = False) -> str:
    """ "Sent 5 · pending 0 · failed 1 of 6 · 👍 2 got it" (the acknowledgements once there are
    any, or always with ``acks``)."""
    parts = [
        tr.gettext("Sent {sent} · pending {pending} · failed {failed} of {total}").format(
            sent=progress.sent, pending=progress.pending, failed=progress.failed, total=progress.total
        )
    ]
    if progress.acked or acks:
        parts.append(
            tr.ngettext("👍 {count} got it", "👍 {count} got it", progress.acked).format(count=progress.acked)
        )
    return " · ".join(parts)


def broadcast_progress(
    broadcast_id: int, progress: Progress, *, done: bool, lang: str = SOURCE_LANGUAGE
) -> str:
    tr = translator(lang)
    if done:
        head = tr.gettext("📣 Broadcast {number}: ✅ done")
        tail = "\n" + tr.gettext("Details: /broadcast {number}").format(number=broadcast_id)
    else:
        head, tail = tr.gettext("📣 Broadcast {number}: sending…"), ""
    return f"{head.format(number=broadcast_id)}\n{_counts(tr, progress)}{tail}"


def broadcasts_list(
    rows: Sequence[tuple[Broadcast, Progress]], timezone: str, lang: str = SOURCE_LANGUAGE
) -> str:
    """/broadcasts, with dates in the viewer's ``timezone``."""
    tr = translator(lang)
    if not rows:
        return tr.gettext("No broadcasts yet. Send one with /broadcast your message.")
    lines = [tr.gettext("<b>Recent broadcasts</b>")]
    for broadcast, p in rows:
        when = local_moment(broadcast.started_at or broadcast.created_at, timezone, tr.lang)
        summary = tr.gettext(LIST_LINE[broadcast.state]).format(
            number=broadcast.id,
            when=when,
            sent=p.sent,
            total=p.total,
            failed=p.failed,
            acked=p.acked,
        )
        lines.append(f"{summary}\n   {esc(_excerpt(broadcast.text_html))}")
    lines.append(tr.gettext("Details: /broadcast N"))
    return "\n".join(lines)


def _excerpt(text_html: str) -> str:
    plain = html.unescape(re.sub(r"<[^>]*>", "", text_html))
    plain = " ".join(plain.split())
    return plain if len(plain) <= 70 else plain[:69] + "…"


def failure_reason(reason: str | None, lang: str = SOURCE_LANGUAGE) -> str:
    """A recorded reason in the reader's language, when it is one of ours (Telegram's own words
    describing an unusual refusal stay as Telegram wrote them)."""
    tr = translator(lang)
    reason = reason or "failed"
    if reason in FAILURE_REASONS:
        return tr.gettext(reason)
    gave_up = _GAVE_UP.fullmatch(reason)
    if gave_up is not None:
        count = int(gave_up[1])
        return tr.ngettext(
            "gave up after {count} try: {reason}", "gave up after {count} tries: {reason}", count
        ).format(count=count, reason=failure_reason(gave_up[2], lang))
    return reason


def broadcast_report(
    broadcast: Broadcast, p: Progress, failed: Sequence[Delivery], timezone: str, lang: str = SOURCE_LANGUAGE
) -> list[str]:
    """/broadcast N, with dates in the viewer's ``timezone``."""
    assert broadcast.id is not None
    tr = translator(lang)
    if broadcast.audience:
        head = tr.gettext("📣 <b>Broadcast {number}</b> ({state}) to {audience}")
        audience = tr.gettext(AUDIENCE_LABEL[broadcast.audience])
    else:
        head, audience = tr.gettext("📣 <b>Broadcast {number}</b> ({state}), no audience chosen"), ""
    moments = [
        tr.gettext(label).format(when=local_moment(at, timezone, lang))
        for label, at in (
            (N_("Written {when}"), broadcast.created_at),
            (N_("sent {when}"), broadcast.started_at),
            (N_("finished {when}"), broadcast.finished_at),
        )
        if at is not None
    ]
    header = "\n".join(
        [
            head.format(
                number=broadcast.id,
                state=esc(tr.gettext(STATE_LABEL[broadcast.state])),
                audience=esc(audience),
            ),
            f"“{esc(_excerpt(broadcast.text_html))}”",
            f"{' · '.join(moments)} ({esc(timezone)})",
            _counts(tr, p, acks=True),
        ]
    )
    blocks = [f"❌ {esc(d.label)} — {esc(failure_reason(d.reason, lang))}" for d in failed]
    if failed:
        header += "\n\n" + tr.gettext("<b>Not delivered</b>")
    return split_messages(blocks, header=header)
