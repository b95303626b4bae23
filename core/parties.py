"""Parties (owners of next steps) and matching the names people type to them.

Names match in any script: a name's key is its Unicode case-fold with punctuation dropped, and
accents folded for Latin and Greek letters ('TÜRKİYE' == 'Turkiye', 'ΕΛΛΑΔΑ' == 'Ελλάδα'),
while the letters of every other script are kept as they are ('Україна' == 'УКРАЇНА'). Keys are
compared in Python, so SQLite and PostgreSQL (whose collations differ) match and sort alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from sqlmodel import Session, col, func, select

from core import clock, limits
from core.errors import BadInput
from storage.models import Member, Party

MAX_PARTY_NAME = limits.PARTY_NAME.most


@lru_cache(maxsize=256)
def _folds_accents(char: str) -> bool:
    """Accents on this letter are dropped: Latin (as people type without them) and Greek
    (whose capitals are written without them)."""
    return unicodedata.name(char, "").startswith(("LATIN", "GREEK"))


@lru_cache(maxsize=8192)
def normalise_name(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key in any script: 'Türkiye' == 'turkiye'."""
    # canonical caseless matching: decompose, fold the case, decompose again
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", name).casefold())
    kept: list[str] = []
    folding = False
    for char in text:
        if unicodedata.combining(char):
            if not folding:
                kept.append(char)
            continue
        folding = _folds_accents(char)
        kept.append(char)
    text = unicodedata.normalize("NFC", "".join(kept))
    # letters, marks and digits of every script are the words; everything else separates them
    words = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def party_sort_key(party: Party) -> tuple[str, str]:
    """The same order on every database: by the name's key, then as written."""
    return normalise_name(party.name), party.name


def sorted_parties(parties: Iterable[Party]) -> list[Party]:
    return sorted(parties, key=party_sort_key)


def list_parties(*, session: Session) -> list[tuple[Party, int]]:
    """All parties with their member counts, by name."""
    counts = dict(session.exec(select(Member.party_id, func.count()).group_by(col(Member.party_id))).all())
    parties = sorted_parties(session.exec(select(Party)).all())
    return [(party, counts.get(party.id, 0)) for party in parties]


def labels(party: Party) -> list[str]:
    """The name and aliases a party is known by."""
    return [party.name, *party.aliases]


def find_party(*, session: Session, name: str) -> Party | None:
    """The party whose name or alias matches ``name`` (normalised), if any."""
    key = normalise_name(name)
    if not key:
        return None
    for party in sorted_parties(session.exec(select(Party)).all()):
        if any(key == normalise_name(label) for label in labels(party)):
            return party
    return None


def resolve_parties(*, session: Session, names: Sequence[str]) -> tuple[list[Party], list[str]]:
    """Match each name to a party; return (found parties without duplicates, unknown names)."""
    limits.check_count(limits.OWNERS, [n for n in names if n.strip()])
    by_key: dict[str, Party] = {}
    for party in sorted_parties(session.exec(select(Party)).all()):
        for label in labels(party):
            by_key.setdefault(normalise_name(label), party)
    found: list[Party] = []
    unknown: list[str] = []
    for name in names:
        match = by_key.get(normalise_name(name)) if normalise_name(name) else None
        if match is None:
            unknown.append(name)
        elif match not in found:
            found.append(match)
    return found, unknown


def add_party(*, session: Session, name: str, aliases: Sequence[str] = ()) -> Party:
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    if not name:
        raise BadInput("Give the party a name: /party add NAME | alias, alias")
    limits.check_length(limits.PARTY_NAME, name)
    if not normalise_name(name):
        raise BadInput("“{name}” has no letters or digits: give the party a name people can type.", name=name)
    clean_aliases: list[str] = []
    keys = {normalise_name(name)}
    for alias in aliases:
        alias = unicodedata.normalize("NFC", " ".join(alias.split()))
        if not alias:
            continue
        limits.check_length(limits.ALIAS, alias)
        key = normalise_name(alias)
        if not key:
            raise BadInput("The alias “{alias}” has no letters or digits.", alias=alias)
        if key not in keys:  # "Türkiye | Turkiye" needs no alias: it already matches
            keys.add(key)
            clean_aliases.append(alias)
    limits.check_count(limits.ALIASES, clean_aliases)
    for label in [name, *clean_aliases]:
        existing = find_party(session=session, name=label)
        if existing is not None:
            raise BadInput(
                "“{label}” is already used by the party “{party}”.", label=label, party=existing.name
            )
    party = Party(name=name, aliases=clean_aliases, created_at=clock.now())
    session.add(party)
    session.flush()
    return party


# "and" in the languages the bot reads, kept as a part of the split (to join names back)
_AND = re.compile(r"(\s*\b(?:and|и|ve)\b\s*)", re.IGNORECASE)


def party_names_in(*, session: Session, pieces: Sequence[str]) -> list[str]:
    """/add's owners: 'Швеция и Пакистан' -> two names, 'Trinidad and Tobago' (a party) -> one.
    A piece is split on and/и/ve, but words joined that way stay together where they name a party."""
    all_labels = [label for party in session.exec(select(Party)).all() for label in labels(party)]
    known = {normalise_name(label) for label in all_labels}
    # a run of names longer than any party's never matches one (and long input stays cheap)
    longest = max((len(_AND.split(label)) for label in all_labels), default=1)
    names: list[str] = []
    for piece in pieces:
        parts = _AND.split(piece.strip())  # name, joiner, name, joiner, …
        start = 0
        while start < len(parts):
            # the longest run of names from ``start`` that is a party, else one name
            end = min(len(parts), start + longest)
            while end > start + 1 and normalise_name("".join(parts[start:end])) not in known:
                end -= 2
            name = "".join(parts[start:end]).strip()
            if name:
                names.append(name)
            start = end + 1
    return names
