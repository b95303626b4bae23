"""Report upload in chat: a preview of every step found, fixes by buttons and replies, then import.

The pending import is kept in the database (``core.import_previews``) until Import or Cancel, so a
restart or a second instance loses nothing; nobody finishing it within a day forgets it. Steps are
addressed by the key they got when the report was read, never by their position.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.context import app_context
from bot.handlers.common import (
    ask_for_reply,
    chat_translator,
    friendly_errors,
    reader_translator,
    require_actor,
    show_in_place,
)
from bot.jobs import replan_after
from bot.render import esc, shorten
from bot.render_imports import MAX_PAGE_MESSAGES, layout, page, page_of, party_chooser, step_card, summary
from core import clock, import_previews, meetings
from core.deadlines import parse_deadline
from core.errors import BadInput, PermissionDenied
from core.i18n import N_, SOURCE_LANGUAGE, Translator, translator
from core.import_previews import Preview
from core.permissions import Actor, can_manage
from core.reports import ImportResult, parse_report, read_report, too_big
from core.schedule import PlanScope

log = logging.getLogger(__name__)

_CALLBACK = re.compile(r"im:([0-9a-f]{8}):(ok|x|na|nall|dt|nm|a\d{1,3}|p\d{1,5}|[eourdn]\d{1,6})")
# the reply keywords in each reader's language: the preview's hints show the reader's own
_DATE_WORD = r"(?:date|дата|tarih)"
_NAME_WORD = r"(?:name|название|isim|ad)"
_DUE_WORDS = r"(?:due|deadline|срок|son\s+tarih|termin)"
_ALL_WORD = "(?:" + "|".join(sorted(import_previews.ALL_STEPS)) + ")"  # "all: Sweden"
_DATE_FIX = re.compile(rf"^\s*{_DATE_WORD}\s*:\s*(.+)$", re.IGNORECASE | re.DOTALL)
_NAME_FIX = re.compile(rf"^\s*{_NAME_WORD}\s*:\s*(.+)$", re.IGNORECASE | re.DOTALL)
_DUE_FIX = re.compile(rf"^\s*(\d{{1,6}})\s+{_DUE_WORDS}\s*:\s*(.+)$", re.IGNORECASE | re.DOTALL)
_DUE_WORD = re.compile(rf"^\s*{_DUE_WORDS}\s*:\s*(.+)$", re.IGNORECASE | re.DOTALL)
_OWNER_FIX = re.compile(
    rf"^\s*({_ALL_WORD}|\d{{1,6}}(?:[\s,;]+\d{{1,6}})*)\s*:\s*(.+)$", re.IGNORECASE | re.DOTALL
)
HOW_TO_FIX = N_(
    "Reply “3: Chairmanship, Sweden” to set owners, “3 due: March 2024” for a deadline, "
    "“date: 12 March 2024” or “name: 33rd Senior Officials Meeting”."
)
CARD_HOW_TO_FIX = N_("Reply to a step with party names (“Chairmanship, Sweden”) or “due: March 2024”.")
QUESTIONS = {
    "o": N_("👥 Who owns step {key}? Reply with party names, e.g. Chairmanship, Sweden."),
    "u": N_("⏰ What is the deadline of step {key}? Reply with a phrase, e.g. end of March 2024."),
    "dt": N_("📅 When was the meeting? Reply with its first day, e.g. 12 March 2024."),
    "nm": N_("📝 What is the meeting called? Reply with its name, e.g. 33rd Senior Officials Meeting."),
}


async def _secretariat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Actor | None:
    actor = await require_actor(update, context)
    if actor is not None and not can_manage(actor):
        raise PermissionDenied("Only the secretariat can import meeting reports.")
    return actor


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


def _fingerprint(text: str, markup: InlineKeyboardMarkup | None) -> str:
    data = text + repr(markup.to_dict() if markup else None)
    return hashlib.sha1(data.encode(), usedforsecurity=False).hexdigest()[:12]


@friendly_errors
async def report_upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document from the secretariat: read it as a meeting report and preview its steps."""
    chat = update.effective_chat
    if chat is None or chat.type != chat.PRIVATE:
        return  # a file shared in a group is for the group, not an import: stay silent
    actor = await _secretariat(update, context)
    if actor is None:
        return
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    ctx = app_context(context)
    max_bytes = ctx.settings.reports.max_bytes
    if document.file_size and document.file_size > max_bytes:
        raise too_big(max_bytes)  # don't even download it
    content = bytes(await (await context.bot.get_file(document.file_id)).download_as_bytearray())
    # off the event loop: a DOCX or PDF takes a while to read, a long report a while to parse
    report = await asyncio.to_thread(read_report, document.file_name or "report.txt", content, max_bytes)
    today = clock.today_in(actor.timezone)
    chat_id = _chat_id(update)

    def keep(session: Session) -> Preview:
        draft = parse_report(
            session=session,
            text=report,
            today=today,
            meeting_margin_days=ctx.settings.deadlines.meeting_margin_days,
        )
        return import_previews.create(
            session=session, draft=draft, chat_id=chat_id, member_id=actor.member_id
        )

    preview = await ctx.db.run(keep, completes_work=False)
    lang = (await chat_translator(update, context, actor)).lang
    pages = layout(preview, lang)
    paged = len(pages) > MAX_PAGE_MESSAGES
    text, markup = summary(preview, lang)
    shown: dict[str, Any] = {"layout": pages, "paged": paged, "pages": {}, "prompts": {}, "shown": {}}
    sent = await message.reply_text(text, reply_markup=markup)
    shown["summary"] = sent.message_id
    shown["shown"][str(sent.message_id)] = _fingerprint(text, markup)
    for number in range(1 if paged else len(pages)):
        text, markup = page(preview, pages, number, paged=paged, lang=lang)
        sent = await context.bot.send_message(chat_id, text, reply_markup=markup)
        shown["pages"][str(sent.message_id)] = number
        shown["shown"][str(sent.message_id)] = _fingerprint(text, markup)
    await ctx.db.run(
        lambda session: import_previews.remember_messages(
            session=session,
            preview=import_previews.load(session=session, token=preview.token, chat_id=chat_id),
            messages=shown,
        )
    )


async def _refresh(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    preview: Preview,
    keys: list[str],
    lang: str = SOURCE_LANGUAGE,
) -> None:
    """Edit the summary and the pages showing ``keys`` where what they show changed."""
    shown = preview.row.messages
    if not shown:
        return
    pages = shown["layout"]
    wanted = {n for k in keys if (n := page_of(pages, k)) is not None}
    views: list[tuple[int, tuple[str, InlineKeyboardMarkup | None]]] = [
        (shown["summary"], summary(preview, lang))
    ]
    for message_id, number in shown["pages"].items():
        if number in wanted:
            views.append((int(message_id), page(preview, pages, number, paged=shown["paged"], lang=lang)))
    candidates = shown.get("candidates", [])
    for message_id, key in shown.get("cards", {}).items():
        if key in keys:
            views.append((int(message_id), step_card(preview, key, candidates, lang)))
    for message_id in shown.get("choosers", []):
        views.append((message_id, party_chooser(preview, candidates, lang)))
    changed: dict[str, str] = {}
    for message_id, (text, markup) in views:
        fingerprint = _fingerprint(text, markup)
        if shown["shown"].get(str(message_id)) == fingerprint:
            continue
        try:
            await context.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
        except BadRequest as exc:
            if "message is not modified" not in exc.message.lower():
                log.info("could not refresh an import preview message: %s", exc.message)
                continue
        changed[str(message_id)] = fingerprint
    if changed:
        await _remember(context, chat_id, preview.token, lambda s: s["shown"].update(changed))


async def _remember(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, token: str, change: Callable[[dict[str, Any]], object]
) -> None:
    """Record which messages show the preview (best effort: they only save edits and find replies)."""

    def work(session: Session) -> None:
        try:
            preview = import_previews.load(session=session, token=token, chat_id=chat_id)
        except BadInput:
            return  # finished or expired meanwhile
        messages = copy.deepcopy(preview.row.messages)  # a nested change in place would go unsaved
        change(messages)
        import_previews.remember_messages(session=session, preview=preview, messages=messages)

    await app_context(context).db.run(work, completes_work=False)


async def _change(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    token: str,
    change: Callable[[Session, Preview], Any],
) -> tuple[Preview, Any]:
    """Load the preview, apply ``change``, save it: one transaction."""
    chat_id = _chat_id(update)

    def work(session: Session) -> tuple[Preview, Any]:
        preview = import_previews.load(session=session, token=token, chat_id=chat_id)
        result = change(session, preview)
        import_previews.save(session=session, preview=preview)
        return preview, result

    result: tuple[Preview, Any] = await app_context(context).db.run(work)
    return result


@friendly_errors
async def import_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button of a preview: edit, drop/restore, owners, deadline, pages, Import, Cancel."""
    query = update.callback_query
    assert query is not None
    match = _CALLBACK.fullmatch(query.data or "")
    if match is None:
        presser = await reader_translator(update, context, as_presser=True)
        await query.answer(presser.gettext(import_previews.GONE), show_alert=True)
        return
    actor = await _secretariat(update, context)
    if actor is None:
        return
    tr = await chat_translator(update, context, actor)  # what the chat shows
    alert = translator(actor.language)  # what only the presser sees
    token, action = match[1], match[2]
    ctx = app_context(context)
    chat_id = _chat_id(update)
    margin = ctx.settings.deadlines.meeting_margin_days
    if action == "x":

        def cancel(session: Session) -> Preview:
            preview = import_previews.load(session=session, token=token, chat_id=chat_id)
            import_previews.discard(session=session, preview=preview)
            return preview

        preview = await ctx.db.run(cancel)
        await query.answer()
        await show_in_place(update, context, tr.gettext("Import cancelled. Nothing was stored."))
        await _retire_pages(context, chat_id, preview)
        return
    if action == "ok":
        today = clock.today_in(actor.timezone)

        def finish(session: Session) -> tuple[Preview, ImportResult, list[int]]:
            preview = import_previews.load(session=session, token=token, chat_id=chat_id)
            result = import_previews.finish(session=session, preview=preview, margin_days=margin, today=today)
            coming = result.next_meeting
            linked = (
                meetings.linked_item_ids(session=session, meeting_id=coming.id)
                if coming and coming.id
                else []
            )
            return preview, result, linked

        preview, result, linked = await ctx.db.run(finish)
        await replan_after(ctx, PlanScope.items(result.created))
        if result.next_meeting is not None:  # the report fixed the next meeting: its reminders too
            await replan_after(ctx, PlanScope.meeting(linked))
        await query.answer()
        await show_in_place(update, context, _imported(result, tr))
        await _retire_pages(context, chat_id, preview)
        return
    if action in ("dt", "nm") or action[0] in "ou":
        key = action[1:] if action[0] in "ou" and action not in ("dt", "nm") else ""
        kind = action if action in ("dt", "nm") else action[0]
        preview = await ctx.db.run(
            lambda session: import_previews.load(session=session, token=token, chat_id=chat_id),
            completes_work=False,
        )
        if key:
            preview.step(key)
        await query.answer()
        prompt = await ask_for_reply(update, context, tr.gettext(QUESTIONS[kind]).format(key=key))
        await _remember(
            context, chat_id, token, lambda s: s["prompts"].update({str(prompt.message_id): [kind, key]})
        )
        return
    if action == "na":
        await _show_chooser(update, context, token, tr, alert)
        return
    if action == "nall" or action[0] == "a":
        await _add_chosen(update, context, token, None if action == "nall" else int(action[1:]), tr, alert)
        return
    if action[0] == "p":
        await _show_page(update, context, token, int(action[1:]), tr, alert)
        return
    if action[0] == "e":
        key = action[1:]
        preview, candidates = await _with_candidates(context, chat_id, token, key)
        text, markup = step_card(preview, key, candidates, tr.lang)
        await query.answer()
        card = await context.bot.send_message(chat_id, text, reply_markup=markup)
        card_id, fingerprint = str(card.message_id), _fingerprint(text, markup)
        await _remember(
            context,
            chat_id,
            token,
            lambda s: (
                s.setdefault("cards", {}).update({card_id: key}),
                s["shown"].update({card_id: fingerprint}),
            ),
        )
        return
    key = action[1:]
    answers: dict[str, Callable[[Session, Preview], Any]] = {
        "d": lambda session, p: (
            alert.gettext("Dropped.")
            if import_previews.drop(p, key)
            else alert.gettext("Step {key} is already dropped.").format(key=key)
        ),
        "r": lambda session, p: (
            alert.gettext("Restored.")
            if import_previews.restore(p, key)
            else alert.gettext("Step {key} is kept.").format(key=key)
        ),
    }
    if action[0] not in answers:  # "n<key>": a button of an older version; the card's ➕ now name one party
        await query.answer(
            alert.gettext("That button is out of date: tap ✏️ on the step again."), show_alert=True
        )
        return
    preview, answer = await _change(update, context, token, answers[action[0]])
    await query.answer(answer)
    await _refresh(context, chat_id, preview, [key], tr.lang)  # the card pressed is among the cards shown
    cards = preview.row.messages.get("cards", {})
    assert query.message is not None
    if str(query.message.message_id) not in cards:  # a card from before cards were recorded
        text, markup = step_card(preview, key, preview.row.messages.get("candidates", []), tr.lang)
        await show_in_place(update, context, text, reply_markup=markup)


def _imported(result: ImportResult, tr: Translator) -> str:
    """What an Import stored, with the new items' numbers."""
    numbers = result.created
    created = ", ".join(f"#{i}" for i in numbers[:30]) + (" …" if len(numbers) > 30 else "")
    text = tr.ngettext(
        "✅ Imported {count} step from {meeting}: {numbers}.",
        "✅ Imported {count} steps from {meeting}: {numbers}.",
        len(numbers),
    ).format(count=len(numbers), meeting=esc(result.meeting.name), numbers=created or tr.gettext("none"))
    if result.skipped:
        skipped = len(result.skipped)
        text += "\n" + tr.ngettext(
            "{count} was already imported.", "{count} were already imported.", skipped
        ).format(count=skipped)
    coming = result.next_meeting
    if coming is not None and coming.held_on is not None:
        text += "\n" + tr.gettext("⏭ Next meeting set from the report: {name}, {date} (/meeting).").format(
            name=esc(coming.name), date=tr.format_day(coming.held_on)
        )
    return text + "\n" + tr.gettext("/items all lists them.")


def _reads_as_date(text: str, preview: Preview, today: date, margin: int) -> bool:
    """True when ``text`` is a deadline phrase that resolves to a date or to the next meeting."""
    try:
        deadline = parse_deadline(text, today=preview.draft.meeting_date or today, meeting_margin_days=margin)
    except BadInput:
        return False
    return deadline.due_date is not None or deadline.meeting_linked


def _due_reply(deadline: Any, held: date | None, today: date, tr: Translator) -> str:
    """The deadline as set, with a warning when its date is before the meeting or already past."""
    text = esc(deadline.text)
    due = deadline.due_date
    if due is None:
        if deadline.meeting_linked:
            return f"{text}."
        return tr.gettext("{phrase} ⚠️ (no date: I can't remind anyone of it).").format(phrase=text)
    if held is not None and due < held:
        return tr.gettext("{phrase} → {date} ⚠️ That is before the meeting ({held}): check the year.").format(
            phrase=text, date=tr.format_day(due), held=tr.format_day(held)
        )
    if due < today:
        return tr.gettext("{phrase} → {date} ⚠️ That date has passed.").format(
            phrase=text, date=tr.format_day(due)
        )
    return f"{text} → {tr.format_day(due)}."


def _added(parties: list[Any], tr: Translator) -> str:
    if not parties:
        return tr.gettext("Nothing new to add.")
    if len(parties) == 1:
        return shorten(tr.gettext("Added {name}.").format(name=parties[0].name), 190)
    return tr.ngettext("Added {count} party.", "Added {count} parties.", len(parties)).format(
        count=len(parties)
    )


async def _with_candidates(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, token: str, key: str | None
) -> tuple[Preview, list[str]]:
    """The preview, with the new party names of step ``key`` (or of every kept step) added to the
    list its ➕ buttons point into."""

    def work(session: Session) -> tuple[Preview, list[str]]:
        preview = import_previews.load(session=session, token=token, chat_id=chat_id)
        names = preview.step(key).unknown_owners if key else preview.unknown_owners()
        messages = copy.deepcopy(preview.row.messages)
        candidates = import_previews.add_candidates(messages, names)
        import_previews.remember_messages(session=session, preview=preview, messages=messages)
        return preview, candidates

    result: tuple[Preview, list[str]] = await app_context(context).db.run(work, completes_work=False)
    return result


async def _show_chooser(
    update: Update, context: ContextTypes.DEFAULT_TYPE, token: str, tr: Translator, alert: Translator
) -> None:
    """The new party names, each with its own ➕: a guessed owner may be a phrase, not a body."""
    query = update.callback_query
    assert query is not None
    chat_id = _chat_id(update)
    preview, candidates = await _with_candidates(context, chat_id, token, None)
    if not preview.unknown_owners():
        await query.answer(alert.gettext("Every owner in the report is a party now."))
        return
    await query.answer()
    text, markup = party_chooser(preview, candidates, tr.lang)
    sent = await context.bot.send_message(chat_id, text, reply_markup=markup)
    fingerprint = _fingerprint(text, markup)

    def keep(shown: dict[str, Any]) -> None:
        shown.setdefault("choosers", []).append(sent.message_id)
        shown["shown"][str(sent.message_id)] = fingerprint

    await _remember(context, chat_id, token, keep)


async def _add_chosen(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    token: str,
    index: int | None,
    tr: Translator,
    alert: Translator,
) -> None:
    """➕ under a new party's name (``index`` into the names shown) or ➕ Add all."""
    query = update.callback_query
    assert query is not None

    def add(session: Session, preview: Preview) -> list[Any]:
        candidates = preview.row.messages.get("candidates", [])
        if index is not None and not 0 <= index < len(candidates):
            raise BadInput("That list is out of date: tap ➕ New parties again.")
        names = None if index is None else [candidates[index]]
        return import_previews.add_unknown_parties(session=session, preview=preview, names=names)

    preview, added = await _change(update, context, token, add)
    await query.answer(_added(added, alert))
    await _refresh(context, _chat_id(update), preview, [s.key for s in preview.draft.steps], tr.lang)


async def _show_page(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    token: str,
    number: int,
    tr: Translator,
    alert: Translator,
) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    chat_id = _chat_id(update)
    preview = await app_context(context).db.run(
        lambda session: import_previews.load(session=session, token=token, chat_id=chat_id),
        completes_work=False,
    )
    pages = preview.row.messages.get("layout") or layout(preview, tr.lang)
    if not 0 <= number < len(pages):
        await query.answer(alert.gettext("There is no such page."), show_alert=True)
        return
    await query.answer()
    text, markup = page(preview, pages, number, paged=True, lang=tr.lang)
    await show_in_place(update, context, text, reply_markup=markup)
    message_id = str(query.message.message_id)
    fingerprint = _fingerprint(text, markup)
    await _remember(
        context,
        chat_id,
        token,
        lambda s: (s["pages"].update({message_id: number}), s["shown"].update({message_id: fingerprint})),
    )


async def _retire_pages(context: ContextTypes.DEFAULT_TYPE, chat_id: int, preview: Preview) -> None:
    """After Import or Cancel the buttons of pages, step cards and the party list mean nothing:
    take them away (best effort)."""
    shown = preview.row.messages or {}
    retired = [*shown.get("pages", {}), *shown.get("cards", {})]
    retired += [str(message_id) for message_id in shown.get("choosers", [])]
    for message_id in retired:
        try:
            await context.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=int(message_id), reply_markup=None
            )
        except BadRequest as exc:
            log.info("could not retire an import page's buttons: %s", exc.message)


async def pending_for_reply(context: ContextTypes.DEFAULT_TYPE, replied: Message) -> str | None:
    """The import token if ``replied`` is a preview's summary, page, step card or prompt (pending
    or recently ended: a fix to an ended one is told so)."""
    return await app_context(context).db.run(
        lambda session: import_previews.by_message(
            session=session, chat_id=replied.chat_id, message_id=replied.message_id
        ),
        completes_work=False,
    )


async def fix_by_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, token: str) -> None:
    """A reply to a preview: owners, a deadline, the meeting's date or name; the preview follows."""
    message = update.effective_message
    assert message is not None
    actor = await _secretariat(update, context)
    if actor is None:
        return
    ctx = app_context(context)
    tr = await chat_translator(update, context, actor)
    margin = ctx.settings.deadlines.meeting_margin_days
    today = clock.today_in(actor.timezone)
    text = message.text or ""
    replied = message.reply_to_message
    chat_id = _chat_id(update)

    def change(session: Session, preview: Preview) -> tuple[list[str], str]:
        shown = preview.row.messages
        replied_id = str(replied.message_id) if replied else ""
        prompt = shown.get("prompts", {}).get(replied_id)
        card_key = shown.get("cards", {}).get(replied_id)
        line = text
        owners_of = None  # the step whose owners a bare value names (a card, the 👥 question)
        if prompt is not None:  # the answer to one of our questions: the value alone
            kind, key = prompt
            line = {
                "o": f"{key}: {text}",
                "u": f"{key} due: {text}",
                "dt": f"date: {text}",
                "nm": f"name: {text}",
            }[kind]
            owners_of = key if kind == "o" else None
        elif card_key is not None and not any(
            r.match(text) for r in (_DATE_FIX, _NAME_FIX, _DUE_FIX, _OWNER_FIX)
        ):
            line, owners_of = f"{card_key}: {text}", card_key
        if owners_of is not None and (due := _DUE_WORD.match(text)):  # "due: June 2024"
            line = f"{owners_of} due: {due[1]}"
        if m := _DATE_FIX.match(line):
            held = import_previews.set_meeting_date(preview=preview, text=m[1], margin_days=margin)
            # English keeps the ISO day it always showed; other languages read the day in words
            day = held.isoformat() if tr.lang == SOURCE_LANGUAGE else tr.format_day(held)
            return [s.key for s in preview.draft.steps], tr.gettext("📅 Meeting date set to {date}.").format(
                date=day
            )
        if m := _NAME_FIX.match(line):
            name = import_previews.set_meeting_name(preview=preview, text=m[1])
            return [], tr.gettext("📝 Meeting name set to {name}.").format(name=esc(name))
        if m := _DUE_FIX.match(line):
            deadline = import_previews.set_deadline(
                preview=preview, key=m[1], phrase=m[2], today=today, margin_days=margin
            )
            when = _due_reply(deadline, preview.draft.meeting_date, today, tr)
            return [m[1]], tr.gettext("⏰ Step {key}: {deadline}").format(key=m[1], deadline=when)
        if m := _OWNER_FIX.match(line):
            try:
                keys = import_previews.set_owners(
                    session=session, preview=preview, keys=m[1], names_text=m[2]
                )
            except BadInput:
                if owners_of is None or not _reads_as_date(text, preview, today, margin):
                    raise
                # "by end of June 2024" replied to a step: no party, plainly a deadline
                deadline = import_previews.set_deadline(
                    preview=preview, key=owners_of, phrase=text, today=today, margin_days=margin
                )
                when = _due_reply(deadline, preview.draft.meeting_date, today, tr)
                return [owners_of], tr.gettext("⏰ Step {key}: {deadline}").format(
                    key=owners_of, deadline=when
                )
            owners = ", ".join(esc(p.name) for p in preview.step(keys[0]).owners)
            numbers = ", ".join(keys[:10]) + (" …" if len(keys) > 10 else "")
            done = tr.ngettext("👥 Step {keys}: {owners}.", "👥 Steps {keys}: {owners}.", len(keys))
            return keys, done.format(keys=numbers, owners=owners)
        raise BadInput(tr.gettext(CARD_HOW_TO_FIX if card_key is not None else HOW_TO_FIX))

    preview, (keys, done) = await _change(update, context, token, change)
    await message.reply_text(done)
    await _refresh(context, chat_id, preview, keys, tr.lang)
