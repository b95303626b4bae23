"""Two real `nextsteps run` processes in webhook mode on one PostgreSQL database, with Telegram's
flood limits on: a 300-recipient broadcast and 100 due follow-ups are each sent exactly once; the
leader SIGKILLed mid-broadcast and then mid-tick → the standby takes over within 30 s, nothing is
lost, at most one duplicate per kill, and a restarted instance comes back as standby."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.emulator import Emulator, EmulatorClient
from storage.db import Database
from tests.e2e.cluster_kit import (
    ADMIN,
    Cluster,
    Followups,
    add_users,
    broadcasts_sent,
    due_now,
    first_sent_after,
    in_doubt,
    is_broadcast,
    is_reminder,
    reminders_sent,
    role_of,
    seed,
    start_broadcast,
    wait_for,
    wait_role,
)

RECIPIENTS = 300
REMINDED = 100
TAKE_OVER_BOUND = 30.0  # seconds, from the kill to the other instance's first message
# A dead leader's claimed rows come back when their lease (60 s) ends, at the new leader's next
# housekeeping (every minute): generous on a loaded 2-core machine.
EVERYTHING_WITHIN = 240.0


async def test_two_instances_send_a_broadcast_and_due_followups_exactly_once(
    tmp_path: Path, postgresql_database: Database
) -> None:
    db = postgresql_database
    followups = Followups.around_now()
    users, reminded, (item_id,) = seed(db, followups, recipients=RECIPIENTS, reminded=REMINDED)
    async with Emulator() as emu, EmulatorClient(emu.control_url) as client:  # flood limits on
        add_users(emu, users)
        cluster = Cluster.of(emu, tmp_path, str(db.url), followups.env)
        first, second = cluster.instances
        try:
            await cluster.start(first, role="leader")
            await cluster.start(second, role="standby")
            await start_broadcast(client)
            assert due_now(db, followups, item_id) == REMINDED
            everyone = {ADMIN, *users}
            await wait_for(
                lambda: set(broadcasts_sent(emu)) >= everyone and set(reminders_sent(emu)) >= set(reminded),
                120,
                "the broadcast and the reminders",
            )
            await asyncio.sleep(3)  # more ticks: nothing more may arrive
            roles = [await role_of(i.port) for i in cluster.instances]
        finally:
            codes = await cluster.stop()
        broadcast, reminders = broadcasts_sent(emu), reminders_sent(emu)
        assert set(broadcast) == everyone and set(broadcast.values()) == {1}, broadcast.most_common(3)
        assert set(reminders) == set(reminded) and set(reminders.values()) == {1}, reminders.most_common(3)
        assert roles == ["leader", "standby"]
        assert codes == [0, 0]
        assert emu.flood.rejected == 0, emu.world.errors


async def test_leader_killed_mid_broadcast_and_mid_tick_the_standby_takes_over(
    tmp_path: Path, postgresql_database: Database
) -> None:
    db = postgresql_database
    followups = Followups.around_now()
    users, reminded, (item_id,) = seed(db, followups, recipients=RECIPIENTS, reminded=REMINDED)
    everyone = {ADMIN, *users}
    async with Emulator() as emu, EmulatorClient(emu.control_url) as client:  # flood limits on
        add_users(emu, users)
        cluster = Cluster.of(emu, tmp_path, str(db.url), followups.env)
        a, b = cluster.instances
        try:
            await cluster.start(a, role="leader")
            await cluster.start(b, role="standby")

            # 1. the leader dies mid-broadcast
            await start_broadcast(client)
            await wait_for(lambda: sum(broadcasts_sent(emu).values()) >= 60, 60, "60 broadcast messages")
            dead_at = await cluster.kill(a)
            sent_before_kill = sum(broadcasts_sent(emu).values())
            assert sent_before_kill < len(everyone), "the kill came too late to test anything"
            flipped_at = await wait_role(b.port, "leader", 60)
            resumed_at = await wait_for(
                lambda: first_sent_after(emu, dead_at, is_broadcast) is not None, 60, "the broadcast to go on"
            )
            broadcast_take_over = (first_sent_after(emu, dead_at, is_broadcast) or resumed_at) - dead_at
            broadcast_flip = flipped_at - dead_at

            # 2. the killed instance comes back as standby
            await cluster.start(a)
            assert await role_of(a.port) == "standby"

            # 3. the new leader dies mid-tick (sending the due reminders), once the broadcast is
            # out but for what the first kill left in doubt: each kill's duplicate is its own
            await wait_for(
                lambda: len(broadcasts_sent(emu)) >= len(everyone) - 1, 90, "the rest of the broadcast"
            )
            assert due_now(db, followups, item_id) == REMINDED
            await wait_for(lambda: sum(reminders_sent(emu).values()) >= 20, 60, "20 reminders")
            dead_at = await cluster.kill(b)
            assert sum(reminders_sent(emu).values()) < REMINDED, "the kill came too late to test anything"
            flipped_at = await wait_role(a.port, "leader", 60)
            resumed_at = await wait_for(
                lambda: first_sent_after(emu, dead_at, is_reminder) is not None, 90, "the reminders to go on"
            )
            tick_take_over = (first_sent_after(emu, dead_at, is_reminder) or resumed_at) - dead_at
            tick_flip = flipped_at - dead_at
            await cluster.start(b)
            assert await role_of(b.port) == "standby"

            # 4. nothing lost: what the dead leaders held comes back through the leases, and
            # nothing is left in doubt (so every duplicate there will be has been sent)
            await wait_for(
                lambda: set(broadcasts_sent(emu)) >= everyone and set(reminders_sent(emu)) >= set(reminded),
                EVERYTHING_WITHIN,
                "every broadcast message and reminder",
            )
            await wait_for(lambda: in_doubt(db) == 0, EVERYTHING_WITHIN, "no message left in doubt")
            await asyncio.sleep(3)  # more ticks: nothing more may arrive
            roles = [await role_of(i.port) for i in cluster.instances]
        finally:
            await cluster.stop()
    broadcast, reminders = broadcasts_sent(emu), reminders_sent(emu)
    duplicates = (sum(broadcast.values()) - len(broadcast), sum(reminders.values()) - len(reminders))
    print(
        f"take-over: mid-broadcast {broadcast_take_over:.1f} s (role {broadcast_flip:.1f} s), "
        f"mid-tick {tick_take_over:.1f} s (role {tick_flip:.1f} s); "
        f"duplicates: broadcast {duplicates[0]}, reminders {duplicates[1]}"
    )
    assert broadcast_take_over <= TAKE_OVER_BOUND and tick_take_over <= TAKE_OVER_BOUND
    assert set(broadcast) == everyone and set(reminders) == set(reminded)  # nothing lost
    assert duplicates[0] <= 1 and duplicates[1] <= 1  # at most one per kill
    assert roles == ["leader", "standby"]
