"""Everything users read: HTML escaping, item and list formatting, message splitting."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.deeplinks import item_url
from bot.limits import SPLIT_TARGET
from core.deadlines import NO_DEADLINE, names_day, phrase_shown
from core.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, Translator, format_day, translator
from core.items import ItemCard, is_overdue
from core.items import status_word as status_word  # cards, lists and tests read it from here
from core.permissions import Actor
from storage.models import ItemEvent, Meeting, Party, Precision, Role, Status

STATUS_EMOJI = {
    Status.OPEN: "⚪",
    Status.IN_PROGRESS: "🔵",
    Status.DONE: "✅",
    Status.BLOCKED: "⛔",
    Status.DROPPED: "✖️",
}
# the message id of each status's button, in the reader's language (the words: core.items.STATUS_WORD)
_BUTTON_WORD = {
    Status.OPEN: N_("Reopen"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.DONE: N_("Done"),
    Status.BLOCKED: N_("Blocked"),
    Status.DROPPED: N_("Drop"),
}
LIST_TEXT_CHARS = 90
_TAG = re.compile(r"<[^>]*>")


def esc(value: object) -> str:
    """Escape any interpolated value for Telegram's HTML parse mode."""
    return html.escape(str(value), quote=True)


def visible_length(html_text: str) -> int:
    """Length Telegram counts: text after entity parsing, in UTF-16 code units."""
    plain = html.unescape(_TAG.sub("", html_text))
    return len(plain.encode("utf-16-le")) // 2


def split_messages(blocks: Iterable[str], *, header: str = "", limit: int = SPLIT_TARGET) -> list[str]:
    """Join blocks with blank lines into as few messages as fit; never split inside a block."""
    messages: list[str] = []
    current = header
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if current and visible_length(candidate) > limit:
            messages.append(current)
            current = block
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def status_label(status: Status, lang: str = SOURCE_LANGUAGE) -> str:
    return f"{STATUS_EMOJI[status]} {status_word(status, lang)}"


def status_button(status: Status, lang: str = SOURCE_LANGUAGE) -> str:
    return f"{STATUS_EMOJI[status]} {translator(lang).gettext(_BUTTON_WORD[status])}"


def weekday(day: date, lang: str = SOURCE_LANGUAGE) -> str:
    """'Wednesday', 'Среда', 'Çarşamba'."""
    if translator(lang).lang == SOURCE_LANGUAGE:
        return f"{day:%A}"
    name = format_date(day, "EEEE", locale=translator(lang).lang)
    return name[:1].upper() + name[1:]


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def owners_text(owners: Sequence[Party], lang: str = SOURCE_LANGUAGE) -> str:
    no_owner = translator(lang).gettext("no owner")
    return ", ".join(esc(p.name) for p in owners) or f"<i>{no_owner}</i>"


def due_text(card: ItemCard, today: date, lang: str = SOURCE_LANGUAGE) -> str:
    """The deadline as written (never translated, but for the bot's own default), plus the resolved
    date when the phrase was vague, and for a reader of another language whenever the phrase doesn't
    name the day as their language does."""
    tr = translator(lang)
    item = card.item
    written = esc(phrase_shown(item.due_text, tr))
    if item.due_precision is Precision.MEETING and item.due_date is None:
        return tr.gettext("{deadline} <i>(meeting date not set yet)</i>").format(deadline=written)
    if item.due_date is None:
        if tr.lang != SOURCE_LANGUAGE and item.due_text and written != esc(tr.gettext(NO_DEADLINE)):
            return tr.gettext("{deadline} (no deadline)").format(deadline=written)  # "TBD", "n/a"
        return written
    if item.due_precision is Precision.DAY and (
        tr.lang == SOURCE_LANGUAGE or names_day(item.due_text or "", item.due_date, tr.lang)
    ):
        text = written
    else:
        text = tr.gettext("{deadline} (by {date})").format(
            deadline=written, date=tr.format_day(item.due_date)
        )
    if is_overdue(item, today):
        days = (today - item.due_date).days
        text += " · ⚠️ " + tr.ngettext("overdue {days} day", "overdue {days} days", days).format(days=days)
    return text


def item_ref(number: int, bot: str) -> str:
    """ "#N" linked to the item: tapping opens it, and replies to the message find it."""
    return f'<a href="{esc(item_url(bot, number))}">#{number}</a>'


def item_line(card: ItemCard, today: date, bot: str, lang: str = SOURCE_LANGUAGE) -> str:
    item = card.item
    return (
        f"{STATUS_EMOJI[item.status]} <b>{item_ref(card.number, bot)}</b> "
        f"{esc(shorten(item.text, LIST_TEXT_CHARS))}\n"
        f"👥 {owners_text(card.owners, lang)}\n⏰ {due_text(card, today, lang)}"
    )


def items_messages(
    cards: Sequence[ItemCard], title: str, today: date, bot: str, lang: str = SOURCE_LANGUAGE
) -> list[str]:
    """A list of items; ``title`` is already in the reader's language."""
    tr = translator(lang)
    header = f"<b>{esc(title)}</b> ({len(cards)})"
    if not cards:
        return [header + "\n" + tr.gettext("Nothing here.")]
    footer = tr.gettext("Tap a number, or /item N, to open one.")
    return split_messages([*(item_line(c, today, bot, lang) for c in cards), footer], header=header)


def status_changed(card: ItemCard, changed: bool, bot: str, lang: str = SOURCE_LANGUAGE) -> str:
    """A one-line confirmation that names the item."""
    tr = translator(lang)
    status = card.item.status
    if changed:
        line = tr.gettext("{emoji} {item} is now <b>{status}</b>.")
    else:
        line = tr.gettext("{emoji} {item} was already <b>{status}</b>.")
    line = line.format(
        emoji=STATUS_EMOJI[status], item=item_ref(card.number, bot), status=status_word(status, lang)
    )
    return f"{line}\n<i>{esc(shorten(card.item.text, LIST_TEXT_CHARS))}</i>"


def note_added(card: ItemCard, bot: str, lang: str = SOURCE_LANGUAGE) -> str:
    summary = esc(shorten(card.item.text, LIST_TEXT_CHARS))
    added = translator(lang).gettext("📝 Note added to {item}.").format(item=item_ref(card.number, bot))
    return f"{added}\n<i>{summary}</i>"


def note_prompt(number: int, bot: str, lang: str = SOURCE_LANGUAGE) -> str:
    return (
        translator(lang)
        .gettext("📝 Reply to this message with your note for {item}.")
        .format(item=item_ref(number, bot))
    )


def local_moment(at: datetime, timezone: str, lang: str = SOURCE_LANGUAGE) -> str:
    """A moment on the reader's wall clock: "5 Mar 2027 09:30" (in ``lang``'s date words)."""
    local = at.astimezone(ZoneInfo(timezone))
    return f"{format_day(local.date(), lang)} {local:%H:%M}"


def event_line(event: ItemEvent, timezone: str, lang: str = SOURCE_LANGUAGE) -> str:
    tr = translator(lang)
    who = esc(event.actor_name or tr.gettext("someone"))
    when = local_moment(event.at, timezone, lang)
    if event.kind == "status":
        old = status_label(Status(event.old_value), lang) if event.old_value else "?"
        new = status_label(Status(event.new_value), lang) if event.new_value else "?"
        line = f"{when} · {who}: {old} → {new}"
    elif event.kind == "note":
        line = f"{when} · {who}: 📝"
    elif event.kind == "created":
        line = f"{when} · " + tr.gettext("created by {who}").format(who=who)
    elif event.kind == "due":
        old, new = esc(phrase_shown(event.old_value, tr)), esc(phrase_shown(event.new_value, tr))
        line = f"{when} · {who}: ⏰ {old} → {new}"
    else:
        line = f"{when} · {who}: {esc(event.kind)}"
    if event.note:
        line += f" “{esc(shorten(event.note, 300))}”"
    return line


def item_card(
    card: ItemCard, today: date, timezone: str, bot: str, lang: str = SOURCE_LANGUAGE, *, notes: bool = True
) -> str:
    """An item's full card; the item's own text, notes and deadline phrase are shown as agreed.
    ``notes``: the reader may add notes (an observer isn't told to reply with one)."""
    tr = translator(lang)
    item = card.item
    source = ""
    if card.meeting is not None:
        source = esc(card.meeting.name)
        if item.paragraph_ref:
            source += f", {esc(item.paragraph_ref)}"
        source = f"\n📄 {source}"
    lines = [
        f"<b>{item_ref(card.number, bot)}</b> · {status_label(item.status, lang)}",
        esc(item.text),
        f"\n👥 {owners_text(card.owners, lang)}\n⏰ {due_text(card, today, lang)}{source}",
    ]
    if card.events:
        lines.append("\n<b>" + tr.gettext("History") + "</b>")
        lines.extend(event_line(e, timezone, lang) for e in card.events)
    if notes:
        lines.append("\n<i>" + tr.gettext("Reply to this message to add a note.") + "</i>")
    return "\n".join(lines)


def meeting_text(meeting: Meeting | None, today: date, lang: str = SOURCE_LANGUAGE) -> str:
    tr = translator(lang)
    if meeting is None:
        return tr.gettext("No next meeting is set yet.")
    text = tr.gettext("📅 <b>Next meeting:</b> {name}").format(name=esc(meeting.name))
    if meeting.place:
        text += f", {esc(meeting.place)}"
    if meeting.held_on is None:
        return text + "\n" + tr.gettext("Date not set yet.")
    days = (meeting.held_on - today).days
    text += f"\n{weekday(meeting.held_on, lang)}, {tr.format_day(meeting.held_on)}"
    if days > 1:
        text += " — " + tr.ngettext("in {days} day", "in {days} days", days).format(days=days)
    elif days == 1:
        text += " — " + tr.gettext("tomorrow")
    elif days == 0:
        text += " — " + tr.gettext("today")
    else:
        text += " — " + tr.ngettext("{days} day ago", "{days} days ago", -days).format(days=-days)
    return text


ROLE_NAMES = {Role.SECRETARIAT: N_("secretariat"), Role.CHAIR: N_("chair"), Role.OBSERVER: N_("observer")}

# observers get these only when reports.progress_for_observers is on; the menu lists them for the
# roles that always may
_REPORT_ROLES = frozenset({Role.CHAIR, Role.SECRETARIAT})
# (command, description, minimum role) in the order /help and the menu show them; descriptions
# are English message ids, translated where they are shown
COMMANDS: list[tuple[str, str, frozenset[Role]]] = [
    ("items", N_("List next steps: mine, open, overdue or all"), frozenset(Role)),
    ("item", N_("Show one item: /item N"), frozenset(Role)),
    ("status", N_("Set status: /status N done [note]"), frozenset({Role.CHAIR, Role.SECRETARIAT})),
    ("note", N_("Add a progress note: /note N text"), frozenset({Role.CHAIR, Role.SECRETARIAT})),
    ("meeting", N_("The next meeting and countdown"), frozenset(Role)),
    ("parties", N_("Who owns what"), frozenset(Role)),
    ("report", N_("Progress report (Word, PDF, chart): /report [YYYY-MM-DD]"), _REPORT_ROLES),
    ("chart", N_("Status chart per party: /chart [YYYY-MM-DD]"), _REPORT_ROLES),
    ("export", N_("Items as a file: /export csv|xlsx|ics"), _REPORT_ROLES),
    ("calendar", N_("Your deadlines for your calendar (.ics)"), frozenset(Role)),
    ("add", N_("Add an item: text | owner: P | due: phrase"), frozenset({Role.SECRETARIAT})),
    ("due", N_("Change a deadline: /due N phrase"), frozenset({Role.SECRETARIAT})),
    ("invite", N_("Invite link: /invite PARTY [role] [uses=N]"), frozenset({Role.SECRETARIAT})),
    ("invites", N_("Open invites; /invite revoke CODE"), frozenset({Role.SECRETARIAT})),
    ("group", N_("In a group: /group on|off for item commands"), frozenset({Role.SECRETARIAT})),
    ("party", N_("Add a party: /party add NAME | aliases"), frozenset({Role.SECRETARIAT})),
    ("digest", N_("The digest now; /digest on|off for the weekly one"), frozenset(Role)),
    ("quiet", N_("Quiet hours: /quiet 22:00-07:00 or off"), frozenset(Role)),
    ("reminders", N_("Deadline reminders: /reminders on|off"), frozenset(Role)),
    ("broadcast", N_("Message everyone or an audience: /broadcast text"), frozenset({Role.SECRETARIAT})),
    ("broadcasts", N_("Recent broadcasts and who got them"), frozenset({Role.SECRETARIAT})),
    ("whoami", N_("Your party, role and timezone"), frozenset(Role)),
    ("tz", N_("Set your timezone: /tz Europe/Vienna"), frozenset(Role)),
    ("lang", N_("Your language: /lang {choices}"), frozenset(Role)),
    ("help", N_("What you can do here"), frozenset(Role)),
]
STRANGER_COMMANDS = [("start", N_("Join with an invite link")), ("help", N_("How to get access"))]
# the placeholders of a command's description
_COMMAND_PARAMETERS = {"lang": {"choices": "|".join(LANGUAGES)}}


def commands_for(role: Role | None, tr: Translator) -> list[tuple[str, str]]:
    """(command, description in the reader's language) this role may use."""
    if role is None:
        return [(name, tr.gettext(desc)) for name, desc in STRANGER_COMMANDS]
    return [(name, _description(name, desc, tr)) for name, desc, roles in COMMANDS if role in roles]


def _description(name: str, desc: str, tr: Translator) -> str:
    text = tr.gettext(desc)
    parameters = _COMMAND_PARAMETERS.get(name)
    return text.format(**parameters) if parameters else text


def role_name(role: Role, tr: Translator) -> str:
    return tr.gettext(ROLE_NAMES[role])


def stranger_text(tr: Translator) -> str:
    return tr.gettext(
        "👋 This is <b>NextSteps</b>: it keeps track of the next steps agreed at our meetings.\n"
        "You are not registered yet. Ask the secretariat for an invite link and open it."
    )


def help_text(actor: Actor | None, tr: Translator) -> str:
    if actor is None:
        return stranger_text(tr)
    lines = [tr.gettext("You are <b>{role}</b>. What you can do:").format(role=role_name(actor.role, tr))]
    lines += [f"/{name} — {esc(desc)}" for name, desc in commands_for(actor.role, tr)]
    if actor.role is not Role.OBSERVER:
        lines.append(
            "\n"
            + tr.gettext("Tip: reply to any message about an item to add a note; reply “done” to close it.")
        )
    return "\n".join(lines)


def whoami_text(actor: Actor, party: Party | None, tr: Translator) -> str:
    return tr.gettext(
        "You are <b>{name}</b> (id {user_id}): {role} of {party}.\nTimezone: {timezone}"
    ).format(
        name=esc(actor.name or tr.gettext("unnamed")),
        user_id=actor.user_id,
        role=role_name(actor.role, tr),
        party=esc(party.name) if party else tr.gettext("no party"),
        timezone=esc(actor.timezone),
    )


def parties_text(rows: Sequence[tuple[Party, int]], lang: str = SOURCE_LANGUAGE) -> list[str]:
    tr = translator(lang)
    if not rows:
        return [tr.gettext("No parties yet. The secretariat can add one with /party add NAME | alias, alias")]
    blocks = []
    for party, members in rows:
        aliases = ""
        if party.aliases:
            aliases = "\n   " + tr.gettext("aka {aliases}").format(aliases=esc(", ".join(party.aliases)))
        count = tr.ngettext("{count} member", "{count} members", members).format(count=members)
        blocks.append(f"• <b>{esc(party.name)}</b> — {count}{aliases}")
    title = tr.gettext("Parties")
    return split_messages(blocks, header=f"<b>{title}</b> ({len(rows)})")
