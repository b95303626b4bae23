"""JobQueue callbacks: the tick that sends due follow-ups, and the re-plans.

Nothing is trusted to memory: the tick reads due rows from the database, marks them before
sending (with a lease) and records the outcome; jobs are rebuilt from the database at every
start. The tick survives anything: a failure is logged once with its row, the row is retried
later, and the tick goes on. Every tick also does the housekeeping that keeps work from being
stranded while the bot runs: expired leases are released, broadcasts without a sender are
resumed, and a re-plan that failed after a change is redone in full.

With several instances on one PostgreSQL database, only the leader (``storage.leadership``)
ticks: a standby's tick does nothing, and an instance that takes over ticks at once (not at its
next scheduled tick), re-planning everything and doing the housekeeping. Every instance renews
the leases of what it is still sending.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session
from telegram import InlineKeyboardMarkup
from telegram.ext import Application, ContextTypes

from bot.context import AppContext, app_context
from bot.delivery import Outcome, Result, send_chunks, settle
from bot.keyboards import card_keyboard
from bot.render_followups import (
    away_reason,
    away_text,
    digest_messages,
    escalation_text,
    premeeting_keyboard,
    premeeting_report_text,
    premeeting_text,
    reminder_text,
)
from core import broadcasts, clock, groups, import_previews, members, outreach, schedule, subscriptions
from core.followups import Rules
from core.schedule import PlanScope
from storage import inbox
from storage.models import Followup, FollowupKind, Member, Role

log = logging.getLogger(__name__)
CLAIM_BATCH = 100
# Fresh follow-ups claimed at a time (a third of a second at the flood limit): a leader that dies
# strands no more than these until their leases end; the next leader sends the rest at once.
SEND_BATCH = 10
REPLAN_EVERY = timedelta(hours=6)
HOUSEKEEPING_EVERY = timedelta(minutes=1)
RENEW_LEASES_EVERY = timedelta(seconds=15)  # well inside the leases (schedule.LEASE, broadcasts.LEASE)


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


async def replan_after(ctx: AppContext, scope: PlanScope) -> bool:
    """Re-plan after a change was committed, on a database thread. Never raises: if it fails,
    the change stays saved, the failure is logged and the next tick re-plans everything."""
    try:
        await ctx.db.call(replan, ctx, scope)
        return True
    except Exception:
        log.exception("re-plan after a change failed (%s); the next tick re-plans everything", scope)
        ctx.runtime.full_replan_needed = True
        return False


async def extend_plan_if_needed(ctx: AppContext) -> None:
    """Every few hours (of the clock the plan runs on), re-plan everything: this extends the
    stored horizon and catches anything a change did not re-plan."""
    now = clock.now()
    covered = await ctx.db.run(lambda session: schedule.planned_until(session=session))
    horizon = timedelta(days=ctx.settings.followups.horizon_days)
    if not ctx.runtime.full_replan_needed and covered is not None and covered - now > horizon - REPLAN_EVERY:
        return
    ctx.runtime.full_replan_needed = False
    # in its own thread, in short transactions: the chat stays responsive meanwhile
    try:
        result = await asyncio.to_thread(replan_everything, ctx)
    except Exception:
        ctx.runtime.full_replan_needed = True
        raise
    log.info("re-planned follow-ups: %s", result)


async def housekeeping(context: ContextTypes.DEFAULT_TYPE) -> None:
    """At every tick, release expired leases (rows a sender that is gone left 'sending': a dead
    leader's come back as soon as their leases end) and resume broadcasts that have no sender (one
    a standby stored starts here); every minute, forget old handled updates and previews."""
    ctx = app_context(context)
    from bot.broadcaster import broadcaster  # the broadcaster imports this module's neighbours

    sender = broadcaster(context.application)
    now = clock.now()
    in_flight = frozenset(ctx.runtime.followups_in_flight)
    released = await ctx.db.run(
        lambda session: schedule.release_expired(session=session, now=now, in_flight=in_flight)
    )
    if released:
        log.warning("%d follow-up(s) were left 'sending' past their lease; they will be sent again", released)
    in_flight = frozenset(sender.in_flight)
    released = await ctx.db.run(
        lambda session: broadcasts.release_expired(session=session, now=now, in_flight=in_flight)
    )
    if released:
        log.warning("%d broadcast deliveries were left 'sending' past their lease; retrying them", released)
    for broadcast_id in await ctx.db.run(lambda session: broadcasts.sending_broadcasts(session=session)):
        sender.ensure_running(broadcast_id)
    if ctx.runtime.last_housekeeping is not None and now - ctx.runtime.last_housekeeping < HOUSEKEEPING_EVERY:
        return
    ctx.runtime.last_housekeeping = now
    keep_since = now - timedelta(days=inbox.KEEP_DONE_FOR_DAYS)
    await ctx.db.run(lambda session: inbox.prune(session=session, before=keep_since))
    await ctx.db.run(lambda session: import_previews.prune_expired(session=session, now=now))


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send every follow-up that is due, each exactly once (on the leader). Never raises.

    One tick at a time: the one run at a take-over waits for a scheduled one still running."""
    ctx = app_context(context)
    async with ctx.runtime.tick_lock:
        await _tick(context, ctx)


async def _tick(context: ContextTypes.DEFAULT_TYPE, ctx: AppContext) -> None:
    if not ctx.leadership.is_leader:
        if ctx.runtime.leading:
            log.info("no longer the leader: follow-ups are left to the new one")
        ctx.runtime.leading = False
        log.debug("standby: the leader sends follow-ups")
        return
    if not ctx.runtime.leading:  # just took over: catch up on what the last leader left
        log.info("now the leader: re-planning and sending follow-ups")
        ctx.runtime.leading = True
        ctx.runtime.full_replan_needed = True
        ctx.runtime.last_housekeeping = None
    for step in (extend_plan_if_needed(ctx), housekeeping(context)):
        try:
            await step
        except Exception:
            log.exception("follow-up housekeeping failed; trying again at the next tick")
    while ctx.leadership.is_leader:
        try:
            claimed = await ctx.db.run(
                lambda session: schedule.claim_due(
                    session=session,
                    now=clock.now(),
                    grace_hours=ctx.settings.followups.grace_hours,
                    limit=CLAIM_BATCH,
                    send_limit=SEND_BATCH,
                )
            )
        except Exception:
            log.exception("could not claim due follow-ups; trying again at the next tick")
            return
        rows = claimed.send + [row for folded in claimed.folded.values() for row in folded]
        ctx.runtime.followups_in_flight.update(row.id for row in rows if row.id is not None)
        try:
            for chat_id, folded in claimed.folded.items():
                await _guarded(ctx, folded, _send_away_summary(context, chat_id, folded))
            for row in claimed.send:
                await _guarded(ctx, [row], deliver(context, row))
        finally:
            ctx.runtime.followups_in_flight.difference_update(row.id for row in rows if row.id is not None)
        if not claimed.more:
            return


async def _guarded(ctx: AppContext, rows: list[Followup], work: Coroutine[Any, Any, None]) -> None:
    """Run one row's send; on any failure log it once and put the row back for a later try."""
    try:
        await work
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        keys = ", ".join(row.key for row in rows)
        log.exception("follow-up %s failed; it will be retried", keys)
        error = f"unexpected error: {exc!r}"
        try:
            await ctx.db.run(lambda session: _put_back(session, rows, error))
        except Exception:  # their leases bring them back later
            log.exception("could not put follow-up %s back; its lease will", keys)


def _put_back(session: Session, rows: list[Followup], error: str) -> None:
    for row in rows:
        assert row.id is not None
        schedule.mark_retry(
            session=session,
            followup_id=row.id,
            at=clock.now() + schedule.RETRY_AFTER,
            error=error,
            attempts=row.attempts,
        )


@dataclass(frozen=True)
class Recipient:
    """Whom a follow-up goes to: their wall clock and the language they read."""

    timezone: str
    lang: str
    member: Member | None = None


def _recipient(ctx: AppContext, row: Followup) -> Recipient:
    default = ctx.settings.secretariat.timezone
    with ctx.db.session() as session:
        member = session.get(Member, row.member_id) if row.member_id is not None else None
        lang = groups.chat_language(session=session, chat_id=row.chat_id, member=member)
    timezone = member.timezone if member is not None and member.timezone else default
    return Recipient(timezone=timezone, lang=lang, member=member)


def _render(
    ctx: AppContext, row: Followup, bot: str, recipient: Recipient
) -> tuple[list[str], InlineKeyboardMarkup | None] | None:
    """The follow-up's messages and buttons, in the recipient's language."""
    timezone, lang, member = recipient.timezone, recipient.lang, recipient.member
    today = clock.today_in(timezone)
    settings = ctx.settings.followups
    with ctx.db.session() as session:
        if row.kind is FollowupKind.DIGEST:
            subscription = subscriptions.find(session=session, chat_id=row.chat_id)
            since = (
                subscription.last_digest_at if subscription and subscription.last_digest_at else None
            ) or (clock.now() - timedelta(days=7))
            viewer = members.member_by_user(session=session, user_id=row.chat_id) if row.chat_id > 0 else None
            if viewer is not None:  # a person's own digest: their dates, their "today"
                timezone = viewer.timezone or ctx.settings.secretariat.timezone
                today = clock.today_in(timezone)
            digest = outreach.build_digest(
                session=session,
                today=today,
                since=since,
                party_id=viewer.party_id if viewer else None,
                # secretariat-only details (who blocked the bot, escalations) never go to a group
                secretariat=row.chat_id > 0 and viewer is not None and viewer.role is Role.SECRETARIAT,
            )
            return digest_messages(digest, timezone, bot, lang), None
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
            return [reminder_text(content, today, bot, lang)], card_keyboard(content.card, actor, lang)
        if row.kind is FollowupKind.PREMEETING:
            return premeeting_text(content, today, bot, lang), premeeting_keyboard(content.cards)
        if row.kind is FollowupKind.PREMEETING_REPORT:
            return premeeting_report_text(content, today, lang), None
        return escalation_text(content, today, bot, lang), None


async def deliver(context: ContextTypes.DEFAULT_TYPE, row: Followup) -> None:
    """Send one claimed follow-up, in its recipient's language, and record the outcome."""
    ctx = app_context(context)
    assert row.id is not None
    followup_id = row.id
    recipient = await ctx.db.call(_recipient, ctx, row)
    rendered = await ctx.db.call(_render, ctx, row, context.bot.username, recipient)
    if rendered is None:
        await ctx.db.run(
            lambda session: schedule.mark_cancelled(
                session=session, followup_id=followup_id, reason="nothing to say any more"
            )
        )
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
    outcome = await send_chunks(
        context.bot, chat_id, chunks, markup, what=f"follow-up {row.key}", retry_wait=schedule.RETRY_AFTER
    )
    await settle(ctx.db, lambda session: _record(session, row, chat_id, outcome), what=f"follow-up {row.key}")
    if outcome.result is Result.UNREACHABLE and row.member_id is not None:
        await replan_after(ctx, PlanScope.members([row.member_id]))


def _record(session: Session, row: Followup, chat_id: int, outcome: Outcome) -> None:
    assert row.id is not None
    now = clock.now()
    if outcome.result is Result.SENT:
        schedule.mark_sent(session=session, followup_id=row.id, now=now)
        if row.kind is FollowupKind.DIGEST:  # the next digest's "changes since" starts here
            subscriptions.mark_digest_sent(session=session, chat_id=chat_id, now=now)
    elif outcome.result is Result.MIGRATED:
        assert outcome.new_chat_id is not None
        subscriptions.move_chat(session=session, old_chat_id=chat_id, new_chat_id=outcome.new_chat_id)
        schedule.mark_retry(
            session=session, followup_id=row.id, at=now, error="group migrated", attempts=row.attempts
        )
    elif outcome.result is Result.UNREACHABLE:
        schedule.mark_failed(session=session, followup_id=row.id, error=outcome.reason)
        members.set_reachable(session=session, user_id=chat_id, reachable=False)
        schedule.cancel_planned_to_chat(session=session, chat_id=chat_id, reason=outcome.reason)
    elif outcome.result is Result.FAILED:
        schedule.mark_failed(session=session, followup_id=row.id, error=outcome.reason)
    else:
        schedule.mark_retry(
            session=session,
            followup_id=row.id,
            at=now + outcome.wait,
            error=outcome.reason,
            attempts=row.attempts,
        )


async def _send_away_summary(context: ContextTypes.DEFAULT_TYPE, chat_id: int, rows: list[Followup]) -> None:
    ctx = app_context(context)
    now = clock.now()

    def record(session: Session) -> tuple[Followup, str]:
        summary = schedule.record_away_summary(
            session=session, chat_id=chat_id, member_id=rows[0].member_id, now=now, count=len(rows)
        )
        member = session.get(Member, rows[0].member_id) if rows[0].member_id is not None else None
        return summary, groups.chat_language(session=session, chat_id=chat_id, member=member)

    summary, lang = await ctx.db.run(record)
    text = away_text([away_reason(r, lang) for r in rows], lang)
    await _send(context, summary, chat_id, [text], None)


async def renew_leases(context: ContextTypes.DEFAULT_TYPE) -> None:
    """What this process is still sending keeps its claim: another instance releases a row only
    when its sender is gone. Never raises."""
    ctx = app_context(context)
    from bot.broadcaster import broadcaster

    followup_ids = frozenset(ctx.runtime.followups_in_flight)
    delivery_ids = frozenset(broadcaster(context.application).in_flight)
    if not followup_ids and not delivery_ids:
        return
    now = clock.now()

    def renew(session: Session) -> None:
        schedule.renew_leases(session=session, followup_ids=followup_ids, now=now)
        broadcasts.renew_leases(session=session, delivery_ids=delivery_ids, now=now)

    try:
        await ctx.db.run(renew, completes_work=False)
    except Exception:  # the next renewal tries again; the leases last several of these
        log.warning("could not renew the leases of what is being sent", exc_info=True)


def start_followups(app: Application) -> None:  # type: ignore[type-arg]
    """At start: settle interrupted sends, re-plan everything (on the leader), schedule the tick,
    the re-plan and the lease renewal."""
    ctx: AppContext = app.bot_data["nextsteps"]
    if ctx.db.is_sqlite:  # the only process: what is 'sending' was left by its previous run
        with ctx.db.session() as session:
            interrupted = schedule.reset_interrupted(session=session)
        if interrupted:
            log.warning(
                "%d follow-up(s) were being sent when the bot stopped; sending them again", interrupted
            )
    if ctx.leadership.is_leader:
        ctx.runtime.leading = True
        try:
            result = replan_everything(ctx)
            log.info("follow-up plan at start: %s", result)
        except Exception:  # the bot still answers people; the first tick tries again
            log.exception("could not plan follow-ups at start; the first tick tries again")
            ctx.runtime.full_replan_needed = True
    else:
        log.info("standby: the leader plans and sends follow-ups")
    assert app.job_queue is not None
    job_queue = app.job_queue
    job_kwargs = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
    job_queue.run_repeating(
        tick, interval=ctx.settings.followups.tick_seconds, first=0.5, job_kwargs=job_kwargs
    )
    # a standby that takes over ticks at once, not up to tick_seconds later
    ctx.leadership.on_lead = lambda: job_queue.run_once(tick, 0, name="tick at take-over")
    app.job_queue.run_repeating(renew_leases, interval=RENEW_LEASES_EVERY, job_kwargs=job_kwargs)
