"""How a pending report import looks in chat: a summary with Import/Cancel, the steps on pages,
and a card per step with its buttons. Callback data: ``im:<token>:<action>`` (<= 64 bytes)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.limits import SPLIT_TARGET
from bot.render import esc, fmt_date, shorten, visible_length
from core import parties
from core.import_previews import Preview
from core.reports import StepDraft

PAGE_BUDGET = SPLIT_TARGET - 600  # room for owners set later without re-paging
STEPS_PER_PAGE = 20  # one ✏️ button each: a page's keyboard stays short on a phone
MAX_PAGE_MESSAGES = 10  # more pages than this: one message with ◀ ▶ instead of a flood of messages
STEP_TEXT_WIDTHS = (300, 160, 80)
BUTTONS_PER_ROW = 5
MAX_CANDIDATES = 20  # new party names listed with a button each; "Add all" takes the rest too
MAX_CARD_PARTY_BUTTONS = 3  # ➕ buttons on one step's card
NO_DATE = (
    "⚠️ <b>No meeting date found.</b> Deadlines like “within 30 days” are counted from it: tap 📅 Set date."
)


def _due(step: StepDraft, width: int) -> str:
    if step.deadline is not None and step.deadline.due_date is not None:
        when = fmt_date(step.deadline.due_date)
        return f"{when} (“{esc(shorten(step.deadline.text, width))}”)"
    if step.deadline is not None and step.deadline.meeting_linked:
        return f"{esc(shorten(step.deadline.text, width))} (before the next meeting)"
    if step.deadline_phrase:
        return f"⚠️ “{esc(shorten(step.deadline_phrase, width))}”: no date yet"
    return "before the next meeting (default)"


def _owners(step: StepDraft, width: int) -> str:
    known = ", ".join(esc(p.name) for p in step.owners)
    new = ", ".join(f"“{esc(shorten(n, width))}”" for n in step.unknown_owners)
    if known and new:
        return f"{known}; new: {new}"
    if new:
        return f"⚠️ not yet a party: {new} (✏️ to add)"
    return known or "⚠️ <b>no owner</b>"


def step_block(step: StepDraft, *, width: int, dropped: bool) -> str:
    if dropped:
        return f"<s><b>{esc(step.key)}</b> · {esc(shorten(step.text, 60))}</s> — dropped"
    flag = f" ⚠️ <i>{esc(step.why)}</i>" if step.doubtful else ""
    return (
        f"<b>{esc(step.key)}</b> · {esc(step.ref)}{flag}\n{esc(shorten(step.text, width))}\n"
        f"👥 {_owners(step, 40)}\n⏰ {_due(step, 60)}"
    )


def layout(preview: Preview) -> list[list[str]]:
    """Steps grouped into pages once, when the preview is made: a step stays on its page."""
    pages: list[list[str]] = []
    current: list[str] = []
    size = 0
    for step in preview.draft.steps:
        block = visible_length(step_block(step, width=STEP_TEXT_WIDTHS[0], dropped=False)) + 2
        if current and (size + block > PAGE_BUDGET or len(current) >= STEPS_PER_PAGE):
            pages.append(current)
            current, size = [], 0
        current.append(step.key)
        size += block
    if current:
        pages.append(current)
    return pages


def page_of(pages: Sequence[Sequence[str]], key: str) -> int | None:
    return next((n for n, keys in enumerate(pages) if key in keys), None)


def summary(preview: Preview) -> tuple[str, InlineKeyboardMarkup]:
    draft, token = preview.draft, preview.token
    lines = [
        f"📄 <b>{esc(draft.meeting_name)}</b>" if draft.meeting_name else "⚠️ <b>No meeting name found.</b>"
    ]
    where = f" · {esc(draft.place)}" if draft.place else ""
    lines.append(f"📅 {fmt_date(draft.meeting_date)}{where}" if draft.meeting_date else NO_DATE)
    kept = preview.kept
    doubtful = sum(1 for s in kept if s.doubtful)
    lacking = len(preview.without_owner())
    facts = [f"<b>{len(kept)}</b> step(s) to import"]
    if lacking:
        facts.append(f"{lacking} without an owner")
    if doubtful:
        facts.append(f"{doubtful} doubtful ⚠️")
    if preview.dropped:
        facts.append(f"{len(preview.dropped)} dropped")
    lines.append(", ".join(facts) + ".")
    unknown = preview.unknown_owners()
    if unknown:
        names = ", ".join(esc(shorten(n, 40)) for n in unknown[:8])
        more = f" and {len(unknown) - 8} more" if len(unknown) > 8 else ""
        lines.append(f"New parties named in the report: {names}{more}.")
    lines.append(
        "<i>Nothing is stored until you tap Import. ✏️ under the steps edits one; or reply here "
        "“3: Chairmanship” (owners), “3 due: March 2024” (deadline), “date: 12 March 2024”, "
        "“name: 33rd Senior Officials Meeting”.</i>"
    )
    rows = [
        [
            InlineKeyboardButton(f"✅ Import {len(kept)}", callback_data=f"im:{token}:ok"),
            InlineKeyboardButton("✖ Cancel", callback_data=f"im:{token}:x"),
        ]
    ]
    # a header read wrongly is as likely as one not read: both can always be changed
    fixes = [
        InlineKeyboardButton(
            "📅 Date" if draft.meeting_date else "📅 Set date", callback_data=f"im:{token}:dt"
        ),
        InlineKeyboardButton(
            "📝 Name" if draft.meeting_name else "📝 Set name", callback_data=f"im:{token}:nm"
        ),
    ]
    if unknown:
        fixes.append(InlineKeyboardButton(f"➕ New parties ({len(unknown)})", callback_data=f"im:{token}:na"))
    rows.append(fixes)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _known_labels(preview: Preview) -> set[str]:
    """Names (normalised) of the parties already chosen as owners anywhere in the draft."""
    return {
        parties.normalise_name(label)
        for s in preview.draft.steps
        for p in s.owners
        for label in parties.labels(p)
    }


def party_chooser(preview: Preview, candidates: Sequence[str]) -> tuple[str, InlineKeyboardMarkup | None]:
    """The owners the report names that are no party yet, to add one by one or all at once:
    a guessed owner can be a phrase, not a body. Buttons index ``candidates``, a list kept with
    the preview that only ever grows, so no button ever comes to mean another name."""
    pending = {parties.normalise_name(n) for s in preview.draft.steps for n in s.unknown_owners}
    known = _known_labels(preview)
    lines = ["➕ <b>New parties named in the report.</b> Add the ones that really are parties:"]
    buttons = []
    waiting = 0
    for index, name in enumerate(candidates[:MAX_CANDIDATES]):
        label, norm = esc(shorten(name, 60)), parties.normalise_name(name)
        kept = [s.key for s in preview.kept if name in s.unknown_owners]
        if norm not in pending:
            state = "✅ " + label if norm in known else f"<s>{label}</s> — owners set another way"
            lines.append(f"{index + 1}. {state}")
        elif not kept:  # its steps were dropped: nothing to add it for
            lines.append(f"{index + 1}. <s>{label}</s> — only in dropped steps")
        else:
            waiting += 1
            lines.append(
                f"{index + 1}. “{label}” — step {', '.join(kept[:5])}{' …' if len(kept) > 5 else ''}"
            )
            buttons.append(
                InlineKeyboardButton(f"➕ {index + 1}", callback_data=f"im:{preview.token}:a{index}")
            )
    if len(candidates) > MAX_CANDIDATES:
        lines.append(f"… and {len(candidates) - MAX_CANDIDATES} more (➕ Add all adds them too).")
    if not waiting:
        lines.append("<i>Nothing left to add.</i>")
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    if waiting:
        rows.append([InlineKeyboardButton("➕ Add all", callback_data=f"im:{preview.token}:nall")])
    # no keyboard rather than an empty one: an edit without one takes the buttons away
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


def page(
    preview: Preview, pages: Sequence[Sequence[str]], number: int, *, paged: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of steps with a ✏️ button per step (and ◀ ▶ when one message shows every page)."""
    keys = pages[number]
    steps = [preview.step(k) for k in keys]
    head = f"Steps {esc(keys[0])}–{esc(keys[-1])} of {len(preview.draft.steps)}" if paged else ""
    text = ""
    for width in STEP_TEXT_WIDTHS:
        blocks = [step_block(s, width=width, dropped=s.key in preview.dropped) for s in steps]
        text = "\n\n".join([*([f"<i>{head}</i>"] if head else []), *blocks])
        if visible_length(text) <= SPLIT_TARGET:
            break
    buttons = [
        InlineKeyboardButton(
            f"↩ {s.key}" if s.key in preview.dropped else f"✏️ {s.key}",
            callback_data=f"im:{preview.token}:{'r' if s.key in preview.dropped else 'e'}{s.key}",
        )
        for s in steps
    ]
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    if paged:
        nav = []
        if number > 0:
            nav.append(InlineKeyboardButton("◀", callback_data=f"im:{preview.token}:p{number - 1}"))
        nav.append(
            InlineKeyboardButton(f"{number + 1}/{len(pages)}", callback_data=f"im:{preview.token}:p{number}")
        )
        if number + 1 < len(pages):
            nav.append(InlineKeyboardButton("▶", callback_data=f"im:{preview.token}:p{number + 1}"))
        rows.append(nav)
    return text, InlineKeyboardMarkup(rows)


def step_card(preview: Preview, key: str, candidates: Sequence[str]) -> tuple[str, InlineKeyboardMarkup]:
    """One step in full, with what can be changed about it; a ➕ per new party it names (an
    index into ``candidates``, as in the party list)."""
    step = preview.step(key)
    dropped = key in preview.dropped
    why = f"{esc(step.why)} ({round(step.confidence * 100)}% sure)" if step.why else ""
    text = (
        f"<b>Step {esc(key)}</b> · {esc(step.ref)}{' — dropped' if dropped else ''}\n"
        f"{esc(step.text)}\n\n👥 {_owners(step, 80)}\n⏰ {_due(step, 120)}"
        + (f"\n<i>Found because: {why}</i>" if why else "")
    )
    token = preview.token
    rows = [
        [
            InlineKeyboardButton("👥 Owners", callback_data=f"im:{token}:o{key}"),
            InlineKeyboardButton("⏰ Deadline", callback_data=f"im:{token}:u{key}"),
        ],
        [
            InlineKeyboardButton("↩ Restore", callback_data=f"im:{token}:r{key}")
            if dropped
            else InlineKeyboardButton("✖ Drop", callback_data=f"im:{token}:d{key}")
        ],
    ]
    if not dropped:
        for name in step.unknown_owners[:MAX_CARD_PARTY_BUTTONS]:
            if name in candidates:
                index = candidates.index(name)
                label = f"➕ Add party “{shorten(name, 30)}”"
                rows.append([InlineKeyboardButton(label, callback_data=f"im:{token}:a{index}")])
    return text, InlineKeyboardMarkup(rows)
