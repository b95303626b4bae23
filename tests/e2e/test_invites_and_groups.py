"""Invites never change a member behind their back; groups see item data only when enabled."""

from __future__ import annotations

from sqlmodel import select

from storage.models import Invite, Member, MemberEvent, Role
from tests.e2e.harness import BotWorld


async def invite_code(world: BotWorld, party: str, role: str = "chair", extra: str = "") -> str:
    invite = await world.client.ask(world.admin, f"/invite {party} {role} {extra}".strip())
    return invite.text.split("?start=")[1].split()[0]


def member(world: BotWorld, user_id: int) -> Member:
    with world.db.session() as session:
        found = session.exec(select(Member).where(Member.telegram_user_id == user_id)).one()
    return found


def events(world: BotWorld, user_id: int) -> list[tuple[str, str | None, str | None]]:
    with world.db.session() as session:
        found = member(world, user_id)
        rows = session.exec(
            select(MemberEvent).where(MemberEvent.member_id == found.id).order_by(MemberEvent.id)
        )
        return [(e.kind, e.old_role, e.new_role) for e in rows.all()]


async def test_an_invite_for_another_role_asks_first_and_records_the_change(world: BotWorld) -> None:
    olga = await world.join("Olga", "Hungary", "secretariat")
    code = await invite_code(world, "Sweden", "chair")
    question = await world.client.ask(olga, f"/start {code}")
    assert "You are secretariat of Co-Chair (Hungary)" in question.text and "Change?" in question.text
    assert member(world, olga).role is Role.SECRETARIAT  # nothing changed before the answer

    _, (kept,) = await world.client.press(olga, question, "No, keep", expect=1)
    assert "nothing changed" in kept.text.lower()
    assert member(world, olga).role is Role.SECRETARIAT

    question = await world.client.ask(olga, f"/start {code}")
    await world.client.skip()
    _, (done,) = await world.client.press(olga, question, "Yes, change", expect=1)
    assert "you are now chair of Reference Group Chair — Sweden" in done.text
    changed = member(world, olga)
    assert changed.role is Role.CHAIR
    assert events(world, olga) == [
        ("joined", None, "secretariat"),
        ("kept", "secretariat", "chair"),
        ("changed", "secretariat", "chair"),
    ]
    # the secretariat is told
    (note,) = await world.client.replies(world.admin, 1)  # sent after Olga's answer: wait for it
    told = [m for m in await world.client.events(after=0, chat_id=world.admin) if "changed from" in m.text]
    assert told == [note] and "Olga" in note.text and "to chair of Reference Group" in note.text
    # pressing Yes again (a stale button) changes nothing more: the invite was single-use
    answer, _ = await world.client.press(olga, question, data=question.callback_data[0])
    assert answer["show_alert"] and "not valid any more" in answer["text"]


async def test_a_config_admin_keeps_the_secretariat_role(world: BotWorld) -> None:
    code = await invite_code(world, "Sweden", "observer")
    question = await world.client.ask(world.admin, f"/start {code}")
    _, (done,) = await world.client.press(world.admin, question, "Yes, change", expect=1)
    assert "secretariat of Reference Group Chair — Sweden" in done.text
    assert member(world, world.admin).role is Role.SECRETARIAT


async def test_invites_are_never_posted_in_a_group_and_codes_do_nothing_there(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    newcomer = await world.client.user("Nadia")
    group = await world.client.group("BP chairs", [world.admin, sven, newcomer])
    await world.client.ask(world.admin, "/start")
    await world.client.skip()
    await world.client.send(world.admin, "/invite Pakistan chair", chat_id=group)
    (in_group,) = await world.client.replies(group, 1)
    assert "privately" in in_group.text and "start=" not in in_group.text
    private = [m for m in await world.client.events(after=0, chat_id=world.admin) if "?start=" in m.text]
    assert private, "the inviter didn't get the link privately"
    code = private[-1].text.split("?start=")[1].split()[0]
    await world.client.send(newcomer, f"/start {code}", chat_id=group)
    (hint,) = await world.client.replies(group, 1)
    assert "private chat" in hint.text
    with world.db.session() as session:
        assert session.exec(select(Member).where(Member.telegram_user_id == newcomer)).first() is None
        invite = session.exec(select(Invite).where(Invite.code == code)).one()
        assert invite.uses_left == 1


async def test_invites_can_be_listed_and_revoked_and_uses_are_counted(world: BotWorld) -> None:
    used = await invite_code(world, "Sweden", "chair", "uses=2")
    sven = await world.client.user("Sven")
    await world.client.ask(sven, f"/start {used}")
    unused = await invite_code(world, "Pakistan", "observer")
    listing = await world.client.ask(world.admin, "/invites")
    assert used[:8] in listing.text and unused[:8] in listing.text
    assert "chair of Reference Group Chair — Sweden — 1 use left, used 1×" in listing.text
    revoked = await world.client.ask(world.admin, f"/invite revoke {unused[:8]}")
    assert "revoked" in revoked.text
    late = await world.client.user("Late")
    refused = await world.client.ask(late, f"/start {unused}")
    assert "not valid any more" in refused.text
    listing = await world.client.ask(world.admin, "/invites")
    assert unused[:8] not in listing.text
    chair_tries = await world.client.ask(sven, f"/invite revoke {used[:8]}")
    assert "Only the secretariat" in chair_tries.text


async def test_a_group_sees_items_only_after_the_secretariat_enabled_it(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    stranger = await world.client.user("Passer-by")
    group = await world.client.group("BP chairs", [world.admin, sven, stranger])
    hint = await world.client.ask(sven, "/items", chat_id=group)
    assert "/group on" in hint.text and "#" not in hint.text
    await world.client.skip()
    await world.client.send(stranger, "/items", chat_id=group)
    assert await world.client.quiet(group) == []  # a stranger sees nothing
    refused = await world.client.ask(sven, "/group on", chat_id=group)
    assert "Only the secretariat" in refused.text
    enabled = await world.client.ask(world.admin, "/group on", chat_id=group)
    assert "Members can use NextSteps here" in enabled.text
    listing = await world.client.ask(sven, "/items", chat_id=group)
    assert "Your party's open items" in listing.text
    off = await world.client.ask(world.admin, "/group off", chat_id=group)
    assert "off" in off.text
    hint = await world.client.ask(sven, "/items", chat_id=group)
    assert "/group on" in hint.text


async def test_replies_in_a_group_that_are_not_notes_are_ignored_silently(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    olga = await world.join("Olga", "Hungary", "observer")
    stranger = await world.client.user("Passer-by")
    group = await world.client.group("BP chairs", [world.admin, sven, olga, stranger])
    await world.client.ask(world.admin, "/group on", chat_id=group)
    meeting = await world.client.ask(sven, "/meeting", chat_id=group)
    card = await world.card(sven, 5, chat_id=group)  # #5 belongs to Sweden
    await world.client.skip()
    await world.client.send(sven, "thanks", chat_id=group, reply_to=meeting.message_id)  # not about an item
    await world.client.send(olga, "noted", chat_id=group, reply_to=card.message_id)  # observers can't note
    await world.client.send(stranger, "hello?", chat_id=group, reply_to=card.message_id)
    assert await world.client.quiet(group, seconds=0.5) == []
    note = await world.client.ask(sven, "Agenda circulated", chat_id=group, reply_to=card.message_id)
    assert "Note added to #5" in note.text


async def test_a_group_digest_never_names_who_blocked_the_bot(world: BotWorld) -> None:
    sven = await world.join("Sven", "Sweden")
    group = await world.client.group("BP chairs", [world.admin, sven])
    await world.client.ask(world.admin, "/group on", chat_id=group)
    with world.db.session() as session:
        session.exec(select(Member).where(Member.telegram_user_id == sven)).one().reachable = False
    private = await world.client.say(world.admin, "/digest", expect=1)
    assert "Can't reach" in private[0].text and "Sven" in private[0].text
    in_group = await world.client.say(world.admin, "/digest", chat_id=group, expect=1)
    assert "Can't reach" not in in_group[0].text
