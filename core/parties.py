"""Parties (owners of next steps) and matching the names people type to them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from core.errors import BadInput
from storage.models import Member, Party

MAX_PARTY_NAME = 100


def normalise_name(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key: 'Türkiye' == 'turkiye'."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"^the\s+", "", plain.strip().lower())
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def list_parties(*, session: Session) -> list[tuple[Party, int]]:
    """All parties with their member counts, by name."""
    counts = dict(session.exec(select(Member.party_id, func.count()).group_by(col(Member.party_id))).all())
    parties = session.exec(select(Party).order_by(Party.name)).all()
    return [(party, counts.get(party.id, 0)) for party in parties]


def find_party(*, session: Session, name: str) -> Party | None:
    """The party whose name or alias matches ``name`` (normalised), if any."""
    key = normalise_name(name)
    if not key:
        return None
    for party in session.exec(select(Party)).all():
        if key == normalise_name(party.name) or key in {normalise_name(a) for a in party.aliases}:
            return party
    return None


def resolve_parties(*, session: Session, names: Sequence[str]) -> tuple[list[Party], list[str]]:
    """Match each name to a party; return (found parties without duplicates, unknown names)."""
    found: list[Party] = []
    unknown: list[str] = []
    for name in names:
        party = find_party(session=session, name=name)
        if party is None:
            unknown.append(name)
        elif party not in found:
            found.append(party)
    return found, unknown


def add_party(*, session: Session, name: str, aliases: Sequence[str] = ()) -> Party:
    name = " ".join(name.split())
    if not name:
        raise BadInput("Give the party a name: /party add NAME | alias, alias")
    if len(name) > MAX_PARTY_NAME:
        raise BadInput(f"That name is too long (max {MAX_PARTY_NAME} characters).")
    clean_aliases = [" ".join(a.split()) for a in aliases if a.strip()]
    for label in [name, *clean_aliases]:
        existing = find_party(session=session, name=label)
        if existing is not None:
            raise BadInput(f"“{label}” is already used by the party “{existing.name}”.")
    party = Party(name=name, aliases=clean_aliases)
    session.add(party)
    session.flush()
    return party
