"""Members: who a Telegram user is to the bot, invites that make them members, their settings."""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import timedelta
from zoneinfo import available_timezones

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from core import clock
from core.errors import BadInput, PermissionDenied
from core.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, pick_language
from core.parties import find_party
from core.permissions import Actor, can_manage
from storage.models import Invite, Member, MemberEvent, Party, Role

INVITE_CODE_BYTES = 16  # 22 URL-safe characters: fits Telegram's 64-character start payload


def actor_for(member: Member, default_timezone: str) -> Actor:
    assert member.id is not None
    return Actor(
        member_id=member.id,
        user_id=member.telegram_user_id,
        role=member.role,
        party_id=member.party_id,
        name=member.display_name,
        timezone=member.timezone or default_timezone,
        language=member.language or SOURCE_LANGUAGE,
    )


def find_actor(
    *,
    session: Session,
    user_id: int,
    display_name: str,
    admins: Collection[int],
    default_timezone: str,
    in_private_chat: bool = False,
    language_code: str | None = None,
) -> Actor | None:
    """The actor for a Telegram user, or None for a stranger.

    Users listed as admins in the config are secretariat from their first message on. A member
    writing to us privately is reachable again (they may have unblocked the bot). A member whose
    language isn't known yet takes it from Telegram's ``language_code``; /lang changes it later.
    """
    member = session.exec(select(Member).where(Member.telegram_user_id == user_id)).first()
    joined_now = False
    if user_id in admins:
        if member is None:
            member = Member(telegram_user_id=user_id, role=Role.SECRETARIAT, display_name=display_name)
            session.add(member)
            joined_now = True
        elif member.role is not Role.SECRETARIAT:
            member.role = Role.SECRETARIAT
        session.flush()
    if member is None:
        return None
    if display_name and member.display_name != display_name:
        member.display_name = display_name
    if in_private_chat and not member.reachable:
        member.reachable = True
    if member.language is None and language_code:
        member.language = pick_language(language_code)
    actor = actor_for(member, default_timezone)
    return replace(actor, joined_now=True) if joined_now else actor


def get_member(*, session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    assert member is not None
    return member


def language_of(*, session: Session, user_id: int) -> str | None:
    """The language a member reads (None for a stranger or one not known yet)."""
    return session.exec(select(Member.language).where(Member.telegram_user_id == user_id)).first()


def member_by_user(*, session: Session, user_id: int) -> Member | None:
    return session.exec(select(Member).where(Member.telegram_user_id == user_id)).first()


def set_quiet_hours(*, session: Session, actor: Actor, window: str) -> tuple[str, str] | None:
    """'22:00-07:00' sets the window; 'off' clears it. Returns the window or None."""
    member = get_member(session=session, member_id=actor.member_id)
    text = window.strip().lower()
    if text in ("off", "none", "no"):
        member.quiet_start = member.quiet_end = None
        return None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", text)
    if match is None:
        raise BadInput("Use /quiet 22:00-07:00 (your local time), or /quiet off.")
    start_h, start_m, end_h, end_m = (int(g) for g in match.groups())
    if not (start_h < 24 and end_h < 24 and start_m < 60 and end_m < 60) or (start_h, start_m) == (
        end_h,
        end_m,
    ):
        raise BadInput("Use /quiet 22:00-07:00 (your local time), or /quiet off.")
    member.quiet_start, member.quiet_end = f"{start_h:02d}:{start_m:02d}", f"{end_h:02d}:{end_m:02d}"
    return member.quiet_start, member.quiet_end


def set_reminders(*, session: Session, actor: Actor, enabled: bool) -> None:
    get_member(session=session, member_id=actor.member_id).reminders_enabled = enabled


def member_party(*, session: Session, actor: Actor) -> Party | None:
    return session.get(Party, actor.party_id) if actor.party_id is not None else None


def set_reachable(*, session: Session, user_id: int, reachable: bool) -> None:
    session.execute(update(Member).where(col(Member.telegram_user_id) == user_id).values(reachable=reachable))


def match_timezone(name: str) -> str:
    """The IANA zone for what the user typed (case-insensitive), or BadInput."""
    wanted = name.strip().replace(" ", "_")
    if not wanted:
        raise BadInput("Tell me your timezone, e.g. /tz Europe/Stockholm or /tz Asia/Karachi")
    zones = available_timezones()
    if wanted in zones:
        return wanted
    by_lower = {z.lower(): z for z in zones}
    if wanted.lower() in by_lower:
        return by_lower[wanted.lower()]
    city = [z for z in zones if z.lower().rsplit("/", 1)[-1] == wanted.lower()]
    if len(city) == 1:
        return city[0]
    raise BadInput(
        "I don't know the timezone “{name}”. Use a name like Europe/Stockholm, Asia/Karachi or UTC.",
        name=name.strip(),
    )


def set_timezone(*, session: Session, actor: Actor, zone: str) -> str:
    tz = match_timezone(zone)
    get_member(session=session, member_id=actor.member_id).timezone = tz
    return tz


def set_language(*, session: Session, actor: Actor, language: str) -> str:
    """/lang ru|tr|en: the language this member reads from now on."""
    if language not in LANGUAGES:
        raise BadInput("Use /lang {choices}.", choices="|".join(LANGUAGES))
    get_member(session=session, member_id=actor.member_id).language = language
    return language


def create_invite(
    *, session: Session, actor: Actor, party_name: str, role: Role, uses: int, ttl_days: int
) -> tuple[Invite, Party]:
    if not can_manage(actor):
        raise PermissionDenied("Only the secretariat can create invites.")
    party = find_party(session=session, name=party_name)
    if party is None:
        raise BadInput("I don't know the party “{party}”. /parties lists them.", party=party_name)
    if not 1 <= uses <= 1000:
        raise BadInput("uses must be between 1 and 1000.")
    assert party.id is not None
    invite = Invite(
        code=secrets.token_urlsafe(INVITE_CODE_BYTES),
        party_id=party.id,
        role=role,
        uses_left=uses,
        expires_at=clock.now() + timedelta(days=ttl_days),
        created_by_member_id=actor.member_id,
    )
    session.add(invite)
    session.flush()
    return invite, party


def enroll(*, session: Session, user_id: int, display_name: str, party_name: str, role: Role) -> Member:
    """Bind a user to a party and role directly (operator tooling, the demo); no invite needed."""
    party = find_party(session=session, name=party_name)
    if party is None:
        raise BadInput("I don't know the party “{party}”.", party=party_name)
    member = session.exec(select(Member).where(Member.telegram_user_id == user_id)).first()
    if member is None:
        member = Member(telegram_user_id=user_id, role=role, display_name=display_name)
        session.add(member)
    member.party_id, member.role, member.display_name = party.id, role, display_name
    session.flush()
    return member


INVALID_INVITE = N_(
    "This invite link is not valid any more (expired, revoked or already used). "
    "Ask the secretariat for a new one."
)
REVOKE_PREFIX_MIN = 6


@dataclass(frozen=True)
class InviteOutcome:
    """What opening (or answering) an invite did. ``kind``: joined, changed, unchanged, kept,
    or confirm (an existing member would change party or role: nothing is changed before they
    confirm)."""

    kind: str
    member: Member
    party: Party  # the invite's party
    role: Role  # the role the invite gives this person
    invite_id: int
    old_party: Party | None = None
    old_role: Role | None = None
    invited_by: str = ""


def _valid_invite(session: Session, invite: Invite | None) -> Invite:
    if invite is None or invite.revoked_at is not None or invite.expires_at <= clock.now():
        raise BadInput(INVALID_INVITE)
    if invite.uses_left <= 0:
        raise BadInput(INVALID_INVITE)
    return invite


def _use_up(session: Session, invite: Invite) -> None:
    used = session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.uses_left > 0)  # type: ignore[arg-type]
        .values(uses_left=Invite.uses_left - 1)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise BadInput(INVALID_INVITE)


def _outcome(
    session: Session, kind: str, member: Member, invite: Invite, role: Role, **old: object
) -> InviteOutcome:
    party = session.get(Party, invite.party_id)
    assert party is not None and invite.id is not None
    creator = session.get(Member, invite.created_by_member_id) if invite.created_by_member_id else None
    return InviteOutcome(
        kind=kind,
        member=member,
        party=party,
        role=role,
        invite_id=invite.id,
        invited_by=creator.display_name if creator else "",
        **old,  # type: ignore[arg-type]
    )


def _record(session: Session, member: Member, kind: str, invite: Invite, **change: int | str | None) -> None:
    assert member.id is not None
    event = MemberEvent(member_id=member.id, kind=kind, invite_id=invite.id, at=clock.now())
    for key, value in change.items():
        setattr(event, key, value)
    session.add(event)


def open_invite(
    *,
    session: Session,
    code: str,
    user_id: int,
    display_name: str,
    admins: Collection[int],
    language_code: str | None = None,
) -> InviteOutcome:
    """A person opened an invite link. A newcomer joins (one use is taken, atomically); an
    existing member who would change party or role is asked first (``kind == "confirm"``)."""
    invite = _valid_invite(session, session.exec(select(Invite).where(Invite.code == code)).first())
    member = session.exec(select(Member).where(Member.telegram_user_id == user_id)).first()
    role = Role.SECRETARIAT if user_id in admins else invite.role  # a config admin stays secretariat
    if member is None:
        _use_up(session, invite)
        member = Member(
            telegram_user_id=user_id,
            role=role,
            display_name=display_name,
            party_id=invite.party_id,
            language=pick_language(language_code) if language_code else None,
        )
        session.add(member)
        session.flush()
        _record(session, member, "joined", invite, new_party_id=invite.party_id, new_role=role.value)
        return _outcome(session, "joined", member, invite, role)
    if display_name:
        member.display_name = display_name
    member.reachable = True
    if member.language is None and language_code:
        member.language = pick_language(language_code)
    old_party = session.get(Party, member.party_id) if member.party_id is not None else None
    if member.party_id == invite.party_id and member.role is role:
        _record(session, member, "unchanged", invite, old_party_id=member.party_id, old_role=role.value)
        return _outcome(session, "unchanged", member, invite, role)
    return _outcome(session, "confirm", member, invite, role, old_party=old_party, old_role=member.role)


def answer_invite(
    *, session: Session, invite_id: int, user_id: int, accept: bool, admins: Collection[int]
) -> InviteOutcome:
    """The member's answer to "change your party or role?": the invite is checked again."""
    invite = _valid_invite(session, session.get(Invite, invite_id))
    member = session.exec(select(Member).where(Member.telegram_user_id == user_id)).first()
    if member is None:
        raise BadInput("Open the invite link again to join.")
    role = Role.SECRETARIAT if user_id in admins else invite.role
    old_party = session.get(Party, member.party_id) if member.party_id is not None else None
    old_role = member.role
    change: dict[str, int | str | None] = {
        "old_party_id": member.party_id,
        "new_party_id": invite.party_id,
        "old_role": old_role.value,
        "new_role": role.value,
    }
    if not accept:
        _record(session, member, "kept", invite, **change)
        return _outcome(session, "kept", member, invite, role, old_party=old_party, old_role=old_role)
    if member.party_id == invite.party_id and member.role is role:
        return _outcome(session, "unchanged", member, invite, role)
    _use_up(session, invite)
    member.party_id, member.role = invite.party_id, role
    _record(session, member, "changed", invite, **change)
    session.flush()
    return _outcome(session, "changed", member, invite, role, old_party=old_party, old_role=old_role)


def secretariat_readers(*, session: Session, except_user: int | None = None) -> list[tuple[int, str]]:
    """(user id, language) of the secretariat members the bot can reach: each is told in their own."""
    query = select(Member.telegram_user_id, Member.language).where(
        Member.role == Role.SECRETARIAT, col(Member.reachable)
    )
    return [(u, lang or SOURCE_LANGUAGE) for u, lang in session.exec(query).all() if u != except_user]


@dataclass(frozen=True)
class InviteRow:
    invite: Invite
    party: str
    uses: int  # people who joined or changed through it
    created_by: str


def list_invites(*, session: Session, actor: Actor) -> list[InviteRow]:
    """Invites that can still be used, newest first (secretariat)."""
    if not can_manage(actor):
        raise PermissionDenied("Only the secretariat can list invites.")
    now = clock.now()
    invites = session.exec(
        select(Invite)
        .where(col(Invite.revoked_at).is_(None), col(Invite.expires_at) > now, col(Invite.uses_left) > 0)
        .order_by(col(Invite.id).desc())
        .limit(50)
    ).all()
    ids = [invite.id for invite in invites]
    uses = dict(
        session.exec(
            select(MemberEvent.invite_id, func.count())
            .where(col(MemberEvent.invite_id).in_(ids), col(MemberEvent.kind).in_(["joined", "changed"]))
            .group_by(col(MemberEvent.invite_id))
        ).all()
    )
    # session.get serves repeated parties and creators from the identity map: one query each
    rows = []
    for invite in invites:
        party = session.get(Party, invite.party_id)
        creator = session.get(Member, invite.created_by_member_id) if invite.created_by_member_id else None
        name = party.name if party else "?"
        rows.append(
            InviteRow(invite, name, int(uses.get(invite.id, 0)), creator.display_name if creator else "")
        )
    return rows


def revoke_invite(*, session: Session, actor: Actor, code: str) -> Invite:
    """Revoke an invite by its code, its link, or the first characters of its code."""
    if not can_manage(actor):
        raise PermissionDenied("Only the secretariat can revoke invites.")
    code = code.strip().rsplit("start=", 1)[-1].strip()
    if len(code) < REVOKE_PREFIX_MIN or len(code) > 64:
        raise BadInput(
            "Give the invite's code (at least its first {count} characters); /invites lists them.",
            count=REVOKE_PREFIX_MIN,
        )
    found = session.exec(
        select(Invite).where(col(Invite.code).startswith(code, autoescape=True)).limit(2)
    ).all()
    if not found:
        raise BadInput("No invite has that code.")
    if len(found) > 1:
        raise BadInput("More than one invite starts so; give more of the code.")
    invite = found[0]
    if invite.revoked_at is None:
        invite.revoked_at = clock.now()
    return invite
