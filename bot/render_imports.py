"""How a pending report import looks in chat: a summary with Import/Cancel, the steps on pages,
and a card per step with its buttons. Callback data: ``im:<token>:<action>`` (<= 64 bytes).

Everything is written in the reader's language (``lang``); the steps' text, the parties' names,
the meeting's name and the words quoted from the report stay as written."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.limits import SPLIT_TARGET
from bot.render import esc, shorten, visible_length
from core import parties
from core.extract.reasons import translated as translated_reasons
from core.i18n import N_, SOURCE_LANGUAGE, Translator, translator
from core.import_previews import Preview
from core.reports import StepDraft

PAGE_BUDGET = SPLIT_TARGET - 600  # room for owners set later without re-paging
STEPS_PER_PAGE = 20  # one ✏️ button each: a page's keyboard stays short on a phone
MAX_PAGE_MESSAGES = 10  # more pages than this: one message with ◀ ▶ instead of a flood of messages
STEP_TEXT_WIDTHS = (300, 160, 80)
BUTTONS_PER_ROW = 5
MAX_CANDIDATES = 20  # new party names listed with a button each; "Add all" takes the rest too
MAX_CARD_PARTY_BUTTONS = 3  # ➕ buttons on one step's card
NO_DATE = N_(
    "⚠️ <b>No meeting date found.</b> Deadlines like “within 30 days” are counted from it: tap 📅 Set date."
)
HOW_TO_REPLY = N_(
    "<i>Nothing is stored until you tap Import. ✏️ under the steps edits one; or reply here "
    "“3: Chairmanship” (owners), “3 due: March 2024” (deadline), “date: 12 March 2024”, "
    "“name: 33rd Senior Officials Meeting”.</i>"
)


def _quoted(tr: Translator, text: str) -> str:
    """Words from the report in the reader's quotation marks (already escaped)."""
    return tr.gettext("“{text}”").format(text=text)


def why_text(step: StepDraft, lang: str = SOURCE_LANGUAGE) -> str:
    """Why the step was taken, in the reader's language (an older preview has its English only)."""
    return translated_reasons(step.reasons, translator(lang)) if step.reasons else step.why


def _due(step: StepDraft, width: int, tr: Translator) -> str:
    if step.deadline is not None and step.deadline.due_date is not None:
        phrase = _quoted(tr, esc(shorten(step.deadline.text, width)))
        return f"{tr.format_day(step.deadline.due_date)} ({phrase})"
    if step.deadline is not None and step.deadline.meeting_linked:
        return tr.gettext("{phrase} (before the next meeting)").format(
            phrase=esc(shorten(step.deadline.text, width))
        )
    if step.deadline_phrase:
        return tr.gettext("⚠️ {phrase}: no date yet").format(
            phrase=_quoted(tr, esc(shorten(step.deadline_phrase, width)))
        )
    return tr.gettext("before the next meeting (default)")


def _owners(step: StepDraft, width: int, tr: Translator) -> str:
    known = ", ".join(esc(p.name) for p in step.owners)
    new = ", ".join(_quoted(tr, esc(shorten(n, width))) for n in step.unknown_owners)
    if known and new:
        return tr.gettext("{known}; new: {new}").format(known=known, new=new)
    if new:
        return tr.gettext("⚠️ not yet a party: {new} (✏️ to add)").format(new=new)
    return known or tr.gettext("⚠️ <b>no owner</b>")


def step_block(step: StepDraft, *, width: int, dropped: bool, lang: str = SOURCE_LANGUAGE) -> str:
    tr = translator(lang)
    if dropped:
        return tr.gettext("<s><b>{key}</b> · {text}</s> — dropped").format(
            key=esc(step.key), text=esc(shorten(step.text, 60))
        )
    flag = f" ⚠️ <i>{esc(why_text(step, lang))}</i>" if step.doubtful else ""
    return (
        f"<b>{esc(step.key)}</b> · {esc(step.ref)}{flag}\n{esc(shorten(step.text, width))}\n"
        f"👥 {_owners(step, 40, tr)}\n⏰ {_due(step, 60, tr)}"
    )


def layout(preview: Preview, lang: str = SOURCE_LANGUAGE) -> list[list[str]]:
    """Steps grouped into pages once, when the preview is made: a step stays on its page."""
    pages: list[list[str]] = []
    current: list[str] = []
    size = 0
    for step in preview.draft.steps:
        block = visible_length(step_block(step, width=STEP_TEXT_WIDTHS[0], dropped=False, lang=lang)) + 2
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


def summary(preview: Preview, lang: str = SOURCE_LANGUAGE) -> tuple[str, InlineKeyboardMarkup]:
    tr = translator(lang)
    draft, token = preview.draft, preview.token
    lines = [
        f"📄 <b>{esc(draft.meeting_name)}</b>"
        if draft.meeting_name
        else tr.gettext("⚠️ <b>No meeting name found.</b>")
    ]
    where = f" · {esc(draft.place)}" if draft.place else ""
    lines.append(
        f"📅 {tr.format_day(draft.meeting_date)}{where}" if draft.meeting_date else tr.gettext(NO_DATE)
    )
    if draft.next_meeting_name and draft.next_meeting_on:
        lines.append(
            tr.gettext("⏭ Next meeting, as the report fixes it: {name}, {date} (set on import).").format(
                name=esc(draft.next_meeting_name), date=tr.format_day(draft.next_meeting_on)
            )
        )
    kept = preview.kept
    doubtful = sum(1 for s in kept if s.doubtful)
    lacking = len(preview.without_owner())
    facts = [
        tr.ngettext("<b>{count}</b> step to import", "<b>{count}</b> steps to import", len(kept)).format(
            count=len(kept)
        )
    ]
    if lacking:
        facts.append(
            tr.ngettext("{count} without an owner", "{count} without an owner", lacking).format(count=lacking)
        )
    if doubtful:
        facts.append(tr.ngettext("{count} doubtful ⚠️", "{count} doubtful ⚠️", doubtful).format(count=doubtful))
    if preview.dropped:
        dropped = len(preview.dropped)
        facts.append(tr.ngettext("{count} dropped", "{count} dropped", dropped).format(count=dropped))
    lines.append(", ".join(facts) + ".")
    unknown = preview.unknown_owners()
    if unknown:
        names = ", ".join(esc(shorten(n, 40)) for n in unknown[:8])
        if len(unknown) > 8:
            lines.append(
                tr.gettext("New parties named in the report: {names} and {count} more.").format(
                    names=names, count=len(unknown) - 8
                )
            )
        else:
            lines.append(tr.gettext("New parties named in the report: {names}.").format(names=names))
    lines.append(tr.gettext(HOW_TO_REPLY))
    rows = [
        [
            InlineKeyboardButton(
                tr.gettext("✅ Import {count}").format(count=len(kept)), callback_data=f"im:{token}:ok"
            ),
            InlineKeyboardButton(tr.gettext("✖ Cancel"), callback_data=f"im:{token}:x"),
        ]
    ]
    # a header read wrongly is as likely as one not read: both can always be changed
    fixes = [
        InlineKeyboardButton(
            tr.gettext("📅 Date") if draft.meeting_date else tr.gettext("📅 Set date"),
            callback_data=f"im:{token}:dt",
        ),
        InlineKeyboardButton(
            tr.gettext("📝 Name") if draft.meeting_name else tr.gettext("📝 Set name"),
            callback_data=f"im:{token}:nm",
        ),
    ]
    if unknown:
        fixes.append(
            InlineKeyboardButton(
                tr.gettext("➕ New parties ({count})").format(count=len(unknown)),
                callback_data=f"im:{token}:na",
            )
        )
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


def party_chooser(
    preview: Preview, candidates: Sequence[str], lang: str = SOURCE_LANGUAGE
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The owners the report names that are no party yet, to add one by one or all at once:
    a guessed owner can be a phrase, not a body. Buttons index ``candidates``, a list kept with
    the preview that only ever grows, so no button ever comes to mean another name."""
    tr = translator(lang)
    pending = {parties.normalise_name(n) for s in preview.draft.steps for n in s.unknown_owners}
    known = _known_labels(preview)
    lines = [tr.gettext("➕ <b>New parties named in the report.</b> Add the ones that really are parties:")]
    buttons = []
    waiting = 0
    for index, name in enumerate(candidates[:MAX_CANDIDATES]):
        label, norm = esc(shorten(name, 60)), parties.normalise_name(name)
        kept = [s.key for s in preview.kept if name in s.unknown_owners]
        if norm not in pending:
            state = (
                "✅ " + label
                if norm in known
                else tr.gettext("<s>{name}</s> — owners set another way").format(name=label)
            )
        elif not kept:  # its steps were dropped: nothing to add it for
            state = tr.gettext("<s>{name}</s> — only in dropped steps").format(name=label)
        else:
            waiting += 1
            keys = ", ".join(kept[:5]) + (" …" if len(kept) > 5 else "")
            state = tr.ngettext("{name} — step {keys}", "{name} — step {keys}", len(kept)).format(
                name=_quoted(tr, label), keys=keys
            )
            buttons.append(
                InlineKeyboardButton(f"➕ {index + 1}", callback_data=f"im:{preview.token}:a{index}")
            )
        lines.append(f"{index + 1}. {state}")
    if len(candidates) > MAX_CANDIDATES:
        lines.append(
            tr.gettext("… and {count} more (➕ Add all adds them too).").format(
                count=len(candidates) - MAX_CANDIDATES
            )
        )
    if not waiting:
        lines.append(tr.gettext("<i>Nothing left to add.</i>"))
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    if waiting:
        rows.append(
            [InlineKeyboardButton(tr.gettext("➕ Add all"), callback_data=f"im:{preview.token}:nall")]
        )
    # no keyboard rather than an empty one: an edit without one takes the buttons away
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


def page(
    preview: Preview,
    pages: Sequence[Sequence[str]],
    number: int,
    *,
    paged: bool,
    lang: str = SOURCE_LANGUAGE,
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of steps with a ✏️ button per step (and ◀ ▶ when one message shows every page)."""
    tr = translator(lang)
    keys = pages[number]
    steps = [preview.step(k) for k in keys]
    head = (
        tr.gettext("Steps {first}–{last} of {total}").format(
            first=esc(keys[0]), last=esc(keys[-1]), total=len(preview.draft.steps)
        )
        if paged
        else ""
    )
    text = ""
    for width in STEP_TEXT_WIDTHS:
        blocks = [step_block(s, width=width, dropped=s.key in preview.dropped, lang=lang) for s in steps]
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


def step_card(
    preview: Preview, key: str, candidates: Sequence[str], lang: str = SOURCE_LANGUAGE
) -> tuple[str, InlineKeyboardMarkup]:
    """One step in full, with what can be changed about it; a ➕ per new party it names (an
    index into ``candidates``, as in the party list)."""
    tr = translator(lang)
    step = preview.step(key)
    dropped = key in preview.dropped
    title = (
        tr.gettext("<b>Step {key}</b> · {ref} — dropped")
        if dropped
        else tr.gettext("<b>Step {key}</b> · {ref}")
    ).format(key=esc(key), ref=esc(step.ref))
    text = f"{title}\n{esc(step.text)}\n\n👥 {_owners(step, 80, tr)}\n⏰ {_due(step, 120, tr)}"
    if why := why_text(step, lang):
        found = tr.gettext("<i>Found because: {why} ({percent}% sure)</i>")
        text += "\n" + found.format(why=esc(why), percent=round(step.confidence * 100))
    token = preview.token
    rows = [
        [
            InlineKeyboardButton(tr.gettext("👥 Owners"), callback_data=f"im:{token}:o{key}"),
            InlineKeyboardButton(tr.gettext("⏰ Deadline"), callback_data=f"im:{token}:u{key}"),
        ],
        [
            InlineKeyboardButton(tr.gettext("↩ Restore"), callback_data=f"im:{token}:r{key}")
            if dropped
            else InlineKeyboardButton(tr.gettext("✖ Drop"), callback_data=f"im:{token}:d{key}")
        ],
    ]
    if not dropped:
        for name in step.unknown_owners[:MAX_CARD_PARTY_BUTTONS]:
            if name in candidates:
                index = candidates.index(name)
                label = tr.gettext("➕ Add party {name}").format(name=_quoted(tr, shorten(name, 30)))
                rows.append([InlineKeyboardButton(label, callback_data=f"im:{token}:a{index}")])
    return text, InlineKeyboardMarkup(rows)
