"""The update inbox: stored before it is confirmed, handled once, recovered after a crash."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select
from telegram import Bot, Chat, Message, Update, User

from bot.inbox import DurableUpdateQueue
from storage import inbox
from storage.db import Database, WorkMark, current_work
from storage.models import InboxState, InboxUpdate, Party


def update(update_id: int, text: str = "/items") -> Update:
    user = User(id=501, first_name="Sven", is_bot=False)
    chat = Chat(id=501, type="private")
    message = Message(
        message_id=update_id, date=datetime(2027, 1, 4, tzinfo=UTC), chat=chat, from_user=user, text=text
    )
    return Update(update_id=update_id, message=message)


async def test_a_redelivered_update_is_queued_once(sqlite_database: Database) -> None:
    queue = DurableUpdateQueue(sqlite_database)
    await queue.put(update(10))
    await queue.put(update(10))  # Telegram sends it again (not confirmed before a crash)
    await queue.put(update(11))
    assert [u.update_id for u in [queue.get_nowait(), queue.get_nowait()]] == [10, 11]  # type: ignore[attr-defined]
    assert queue.empty()


async def test_unhandled_updates_are_requeued_in_order_after_a_restart(sqlite_database: Database) -> None:
    first = DurableUpdateQueue(sqlite_database)
    for n in (21, 22, 23):
        await first.put(update(n, f"/note 5 n{n}"))
    with sqlite_database.session() as session:
        inbox.mark_done(session=session, update_id=21)
    restarted = DurableUpdateQueue(sqlite_database)
    bot = Bot("123:test")
    assert await restarted.requeue_unhandled(bot) == 2
    got = [restarted.get_nowait(), restarted.get_nowait()]
    assert [(u.update_id, u.message.text) for u in got] == [(22, "/note 5 n22"), (23, "/note 5 n23")]  # type: ignore[union-attr]


def test_the_change_and_the_done_mark_commit_together(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        inbox.store(session=session, update_id=30, chat_id=501, payload="{}")
        inbox.store(session=session, update_id=31, chat_id=501, payload="{}")
    token = current_work.set(mark := WorkMark(30))
    try:
        with sqlite_database.session() as session:  # a read: the update is not done by it
            session.get(Party, 1)
        assert not mark.done
        try:
            with sqlite_database.session() as session:  # a write that fails: neither is stored
                session.add(Party(name="Sweden"))
                session.flush()
                raise RuntimeError("crash before commit")
        except RuntimeError:
            pass
        assert not mark.done
        with sqlite_database.session() as session:  # the write that commits marks it done
            session.add(Party(name="Sweden"))
        assert mark.done
    finally:
        current_work.reset(token)
    with sqlite_database.session() as session:
        states = {row.update_id: row.state for row in session.exec(select(InboxUpdate)).all()}
        parties = session.exec(select(Party)).all()
    assert states == {30: InboxState.DONE, 31: InboxState.PENDING}
    assert [p.name for p in parties] == ["Sweden"]
