"""/report, /chart, /export, /calendar: the progress report, the status chart and the exports as
files in the chat.

Who gets what: the secretariat everything, a chair their party's items, observers nothing unless
``reports.progress_for_observers`` (then the report and chart of everything, the exports of their
party); ``/calendar`` is everyone's own deadlines, observers included. The database is only read
(in a database thread); documents, the chart and the XLSX are rendered in worker threads so other
chats are answered meanwhile.

Everything is in the reader's language (``chat_translator``: the group's in a group, the member's
own in a private chat): the replies, the captions, the documents' and the chart's own words, the
exports' header rows; the steps, notes, party and meeting names as written.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from datetime import date

from telegram import InputMediaDocument, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.context import app_context
from bot.handlers.common import chat_translator, friendly_errors, require_actor
from bot.render_reports import (
    BUTTON_OUT_OF_DATE,
    CHART_USAGE,
    CHAT_EXPORTS,
    DOCX_CAPTION,
    EXPORT_CALLBACK_PREFIX,
    NOT_FOR_OBSERVERS,
    PDF_CAPTION,
    PREPARING,
    REPORT_USAGE,
    chart_caption,
    export_caption,
    export_choices,
    export_usage,
    report_summary,
    unknown_format,
)
from core import clock
from core.chart import report_chart
from core.documents import render_docx, render_pdf, render_summary
from core.errors import BadInput, PermissionDenied, Term
from core.export_files import (
    FILE_KIND,
    ExportSource,
    export_title,
    file_name,
    read_export,
    render_export,
)
from core.i18n import Translator, translator
from core.permissions import Actor
from core.progress import EARLIEST_AS_OF, ProgressReport, build_progress_report
from storage.models import Role

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _check_reports_allowed(actor: Actor, context: ContextTypes.DEFAULT_TYPE) -> None:
    if actor.role is Role.OBSERVER and not app_context(context).settings.reports.progress_for_observers:
        raise PermissionDenied(NOT_FOR_OBSERVERS)


def parse_as_of(args: list[str], today: date, usage: str = REPORT_USAGE) -> date:
    """The report's (or chart's) date: today, or the one day given as YYYY-MM-DD (not in the
    future, not before ``EARLIEST_AS_OF``); BadInput with ``usage`` (a message id) otherwise."""
    if not args:
        return today
    if len(args) > 1 or not _ISO_DATE.fullmatch(args[0]):
        raise BadInput(usage)
    try:
        day = date.fromisoformat(args[0])
    except ValueError:
        raise BadInput("{day} is not a date. {usage}", day=args[0], usage=Term(usage)) from None
    if day > today:
        raise BadInput("{day} is still to come: a report shows what happened up to a day.", day=args[0])
    if day < EARLIEST_AS_OF:
        raise BadInput(
            "{day} is before anything NextSteps could know. {usage}", day=args[0], usage=Term(usage)
        )
    return day


async def _uploading(
    update: Update, context: ContextTypes.DEFAULT_TYPE, action: str = ChatAction.UPLOAD_DOCUMENT
) -> None:
    """Show "sending a file…" while the files are made (a courtesy: never fails the command)."""
    chat = update.effective_chat
    if chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_chat_action(chat.id, action)


async def _build_report(
    context: ContextTypes.DEFAULT_TYPE, actor: Actor, as_of: date, lang: str
) -> ProgressReport:
    return await app_context(context).db.run(
        lambda session: build_progress_report(
            session=session,
            actor=actor,
            as_of=as_of,
            timezone=actor.timezone,
            prepared_by=actor.name or "NextSteps",
            lang=lang,
        ),
        completes_work=False,
    )


def _report_files(report: ProgressReport) -> tuple[bytes, bytes, bytes]:
    """DOCX, PDF and chart PNG, in the report's language (CPU-bound: for a worker thread)."""
    return render_docx(report), render_pdf(report), report_chart(report)


def _message(update: Update) -> Message:
    message = update.effective_message
    assert message is not None
    return message


@friendly_errors
async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/report [YYYY-MM-DD]: summary, DOCX and PDF, and the chart."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    _check_reports_allowed(actor, context)
    as_of = parse_as_of(context.args or [], clock.today_in(actor.timezone))
    tr = await chat_translator(update, context, actor)
    await _uploading(update, context)
    progress = await _build_report(context, actor, as_of, tr.lang)
    docx, pdf, png = await asyncio.to_thread(_report_files, progress)
    message = _message(update)
    await message.reply_text(report_summary(render_summary(progress)))
    await message.reply_media_group(
        [
            InputMediaDocument(
                docx,
                filename=file_name("progress", as_of, "docx", party=progress.party),
                caption=tr.gettext(DOCX_CAPTION),
            ),
            InputMediaDocument(
                pdf,
                filename=file_name("progress", as_of, "pdf", party=progress.party),
                caption=tr.gettext(PDF_CAPTION),
            ),
        ]
    )
    await message.reply_photo(
        png,
        caption=chart_caption(as_of, progress.party, tr.lang),
        filename=file_name("chart", as_of, "png", party=progress.party),
    )


@friendly_errors
async def chart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/chart [YYYY-MM-DD]: the status chart as of today or that day (as /report)."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    _check_reports_allowed(actor, context)
    as_of = parse_as_of(context.args or [], clock.today_in(actor.timezone), CHART_USAGE)
    tr = await chat_translator(update, context, actor)
    await _uploading(update, context, ChatAction.UPLOAD_PHOTO)
    progress = await _build_report(context, actor, as_of, tr.lang)
    png = await asyncio.to_thread(report_chart, progress)
    await _message(update).reply_photo(
        png,
        caption=chart_caption(as_of, progress.party, tr.lang),
        filename=file_name("chart", as_of, "png", party=progress.party),
    )


async def _read_export(context: ContextTypes.DEFAULT_TYPE, actor: Actor, *, observers: bool) -> ExportSource:
    """The rows ``actor`` may export; BadInput when there are none (an empty file helps nobody)."""
    source: ExportSource = await app_context(context).db.run(
        lambda session: read_export(session=session, actor=actor, observers=observers),
        completes_work=False,
    )
    if not source.rows:
        raise BadInput("Nothing to export: no items are yours to see yet.")
    return source


async def _send_export(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    actor: Actor,
    source: ExportSource,
    fmt: str,
    tr: Translator,
) -> None:
    """Write ``fmt`` in a worker thread, in ``tr``'s language, and send it as a document."""
    await _uploading(update, context)
    content = await asyncio.to_thread(
        render_export,
        source,
        fmt,
        bot_username=context.bot.username,
        title=export_title(source.party),
        lang=tr.lang,
    )
    today = clock.today_in(actor.timezone)
    name = file_name(FILE_KIND[fmt], today, fmt, party=source.party)
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id, content, filename=name, caption=export_caption(fmt, source.rows, source.party, tr.lang)
    )


@friendly_errors
async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export csv|xlsx|ics; without a format, buttons to choose one."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    observers = app_context(context).settings.reports.progress_for_observers
    _check_reports_allowed(actor, context)
    tr = await chat_translator(update, context, actor)
    args = context.args or []
    if not args:
        await _message(update).reply_text(export_usage(tr.lang), reply_markup=export_choices(tr.lang))
        return
    fmt = args[0].lower().lstrip(".")
    if fmt not in CHAT_EXPORTS or len(args) > 1:
        await _message(update).reply_text(
            unknown_format(" ".join(args), tr.lang), reply_markup=export_choices(tr.lang)
        )
        return
    source = await _read_export(context, actor, observers=observers)
    await _send_export(update, context, actor, source, fmt, tr)


@friendly_errors
async def export_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A format button under /export: the file, with the same rights as typing it."""
    query = update.callback_query
    assert query is not None
    actor = await require_actor(update, context)
    if actor is None:
        return
    presser = translator(actor.language)  # the alerts only the presser sees
    fmt = (query.data or "").removeprefix(EXPORT_CALLBACK_PREFIX)
    if fmt not in CHAT_EXPORTS:
        await query.answer(presser.gettext(BUTTON_OUT_OF_DATE), show_alert=True)
        return
    _check_reports_allowed(actor, context)
    observers = app_context(context).settings.reports.progress_for_observers
    source = await _read_export(context, actor, observers=observers)  # refusals answer the button
    await query.answer(presser.gettext(PREPARING).format(format=fmt.upper()))
    await _send_export(update, context, actor, source, fmt, await chat_translator(update, context, actor))


@friendly_errors
async def calendar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/calendar: your party's open deadlines (everyone's for the secretariat) as an .ics file."""
    actor = await require_actor(update, context)
    if actor is None:
        return
    # a party's own deadlines are no secret to its observers: /items shows them too
    source = await _read_export(context, actor, observers=True)
    await _send_export(update, context, actor, source, "ics", await chat_translator(update, context, actor))
