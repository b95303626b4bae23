"""JobQueue callbacks: the tick that sends due follow-ups, and the daily re-plan.

Nothing is trusted to memory: the tick reads due rows from the database, marks them before
sending and records the outcome; jobs are rebuilt from the database at every start.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes

from bot.context import AppContext, app_context
from bot.keyboards import card_keyboard
from bot.ratelimit import retry_after
from bot.render_followups import (
    away_text,
    digest_messages,
    escalation_text,
    premeeting_keyboard,
    premeeting_report_text,
    premeeting_text,
    reminder_text,
)
from core import clock, members, outreach, schedule, subscriptions
from core.followups import Rules
from core.schedule import PlanScope
from storage.models import Followup, FollowupKind, Member, Role

log = logging.getLogger(__name__)
CLAIM_BATCH = 100
REPLAN_EVERY = timedelta(hours=6)


def rules_for(ctx: AppContext) -> Rules:
    return Rules.from_settings(ctx.settings.followups, ctx.settings.secretariat.timezone)


def replan(ctx: AppContext, scope: PlanScope) -> schedule.SyncResult:
    """Re-plan ``scope`` after a change: nothing already past is newly sent."""
    settings = ctx.settings.followups
    return schedule.sync_in_chunks(
        db=ctx.db,
        rules=rules_for(ctx),
        now=clock.now(),
        horizon_days=settings.horizon_days,
        grace_hours=settings.grace_hours,
        scope=scope,
    )


def replan_everything(ctx: AppContext) -> schedule.SyncResult:
    """Re-plan everything, catching up from where the stored plan ended (after a downtime)."""
    settings = ctx.settings.followups
    now = clock.now()
    with ctx.db.session() as session:
        covered = schedule.planned_until(session=session)
    result = schedule.sync_in_chunks(
        db=ctx.db,
        rules=rules_for(ctx),
        now=now,
        horizon_days=settings.horizon_days,
        grace_hours=settings.grace_hours,
        scope=PlanScope.everything(),
        catch_up_from=covered,
    )
    with ctx.db.session() as session:
        schedule.set_planned_until(session=session, moment=now + timedelta(days=settings.horizon_days))
    return result


async def extend_plan_if_needed(ctx: AppContext) -> None:
    """Every few hours (of the clock the plan runs on), re-plan everything: this extends the
    stored horizon and catches anything a change did not re-plan."""
    now = clock.now()
    with ctx.db.session() as session:
        covered = schedule.planned_until(session=session)
    horizon = timedelta(days=ctx.settings.followups.horizon_days)
    if covered is not None and covered - now > horizon - REPLAN_EVERY:
        return
    # in a worker thread, in short transactions: the chat stays responsive meanwhile
    result = await asyncio.to_thread(replan_everything, ctx)
    log.info("re-planned follow-ups: %s", result)


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send every follow-up that is due, each exactly once."""
    ctx = app_context(context)
    await extend_plan_if_needed(ctx)
    while True:
        with ctx.db.session() as session:
            claimed = schedule.claim_due(
                session=session,
                now=clock.now(),
                grace_hours=ctx.settings.followups.grace_hours,
                limit=CLAIM_BATCH,
            )
        for chat_id, rows in claimed.folded.items():
            await _send_away_summary(context, chat_id, rows)
        for row in claimed.send:
            await deliver(context, row)
        if len(claimed.send) + sum(len(r) for r in claimed.folded.values()) < CLAIM_BATCH:
            return


def _recipient_timezone(ctx: AppContext, row: Followup) -> tuple[str, Member | None]:
    if row.member_id is None:
        return ctx.settings.secretariat.timezone, None
    with ctx.db.session() as session:
        member = session.get(Member, row.member_id)
    return (member.timezone if member and member.timezone else ctx.settings.secretariat.timezone), member


def _render(
    ctx: AppContext, row: Followup, bot: str, timezone: str, member: Member | None
) -> tuple[list[str], InlineKeyboardMarkup | None] | None:
    today = clock.today_in(timezone)
    settings = ctx.settings.followups
    with ctx.db.session() as session:
        if row.kind is FollowupKind.DIGEST:
            subscription = subscriptions.find(session=session, chat_id=row.chat_id)
            since = (
                subscription.last_digest_at if subscription and subscription.last_digest_at else None
            ) or (clock.now() - timedelta(days=7))
            viewer = members.member_by_user(session=session, user_id=row.chat_id)
            digest = outreach.build_digest(
                session=session,
                today=today,
                since=since,
                party_id=viewer.party_id if viewer else None,
                secretariat=row.chat_id < 0 or (viewer is not None and viewer.role is Role.SECRETARIAT),
            )
            return digest_messages(digest, timezone, bot), None
        content = outreach.content_for(
            session=session,
            row=row,
            today=today,
            escalate_after=settings.escalate_after_nudges,
            premeeting_days=tuple(settings.premeeting_days),
        )
        if content is None:
            return None
        if row.kind in (FollowupKind.DEADLINE, FollowupKind.OVERDUE):
            assert content.card is not None and member is not None
            actor = members.actor_for(member, ctx.settings.secretariat.timezone)
            return [reminder_text(content, today, bot)], card_keyboard(content.card, actor)
        if row.kind is FollowupKind.PREMEETING:
            return premeeting_text(content, today, bot), premeeting_keyboard(content.cards)
        if row.kind is FollowupKind.PREMEETING_REPORT:
            return premeeting_report_text(content, today), None
        return escalation_text(content, today, bot), None


async def deliver(context: ContextTypes.DEFAULT_TYPE, row: Followup) -> None:
    """Send one claimed follow-up and record the outcome."""
    ctx = app_context(context)
    assert row.id is not None
    timezone, member = _recipient_timezone(ctx, row)
    rendered = _render(ctx, row, context.bot.username, timezone, member)
    if rendered is None:
        with ctx.db.session() as session:
            schedule.mark_cancelled(session=session, followup_id=row.id, reason="nothing to say any more")
        return
    chunks, markup = rendered
    await _send(context, row, row.chat_id, chunks, markup)


async def _send(
    context: ContextTypes.DEFAULT_TYPE,
    row: Followup,
    chat_id: int,
    chunks: list[str],
    markup: InlineKeyboardMarkup | None,
) -> None:
    ctx = app_context(context)
    assert row.id is not None
    try:
        for n, chunk in enumerate(chunks):
            await context.bot.send_message(
                chat_id, chunk, reply_markup=markup if n == len(chunks) - 1 else None
            )
    except ChatMigrated as exc:
        with ctx.db.session() as session:
            subscriptions.move_chat(session=session, old_chat_id=chat_id, new_chat_id=exc.new_chat_id)
            schedule.mark_retry(
                session=session,
                followup_id=row.id,
                at=clock.now(),
                error="group migrated",
                attempts=row.attempts,
            )
        return
    except Forbidden as exc:
        log.info("follow-up %s: recipient unreachable (%s)", row.key, exc.message)
        with ctx.db.session() as session:
            schedule.mark_failed(session=session, followup_id=row.id, error=exc.message)
            members.set_reachable(session=session, user_id=chat_id, reachable=False)
        if row.member_id is not None:
            replan(ctx, PlanScope.members([row.member_id]))
        return
    except BadRequest as exc:
        log.warning("follow-up %s refused: %s", row.key, exc.message)
        gone = "chat not found" in exc.message.lower()
        with ctx.db.session() as session:
            schedule.mark_failed(session=session, followup_id=row.id, error=exc.message)
            if gone:
                members.set_reachable(session=session, user_id=chat_id, reachable=False)
        if gone and row.member_id is not None:
            replan(ctx, PlanScope.members([row.member_id]))
        return
    except (RetryAfter, TimedOut, NetworkError) as exc:
        wait = schedule.RETRY_AFTER
        if isinstance(exc, RetryAfter):
            wait = max(wait, retry_after(exc))
        with ctx.db.session() as session:
            schedule.mark_retry(
                session=session,
                followup_id=row.id,
                at=clock.now() + wait,
                error=str(exc),
                attempts=row.attempts,
            )
        return
    with ctx.db.session() as session:
        schedule.mark_sent(session=session, followup_id=row.id, now=clock.now())
        if row.kind is FollowupKind.DIGEST:  # the next digest's "changes since" starts here
            subscriptions.mark_digest_sent(session=session, chat_id=chat_id, now=clock.now())


async def _send_away_summary(context: ContextTypes.DEFAULT_TYPE, chat_id: int, rows: list[Followup]) -> None:
    ctx = app_context(context)
    with ctx.db.session() as session:
        summary = schedule.record_away_summary(
            session=session, chat_id=chat_id, member_id=rows[0].member_id, now=clock.now(), count=len(rows)
        )
    await _send(context, summary, chat_id, [away_text([r.reason for r in rows])], None)


def start_followups(app: Application) -> None:  # type: ignore[type-arg]
    """At start: settle interrupted sends, re-plan everything, schedule the tick and re-plan."""
    ctx: AppContext = app.bot_data["nextsteps"]
    with ctx.db.session() as session:
        interrupted = schedule.reset_interrupted(session=session)
    if interrupted:
        log.warning("%d follow-up(s) were being sent when the bot stopped; sending them again", interrupted)
    result = replan_everything(ctx)
    log.info("follow-up plan at start: %s", result)
    assert app.job_queue is not None
    job_kwargs = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
    app.job_queue.run_repeating(
        tick, interval=ctx.settings.followups.tick_seconds, first=0.5, job_kwargs=job_kwargs
    )
