"""What keeps a stored tip from pointing back at its informant: hashed codes, random ids,
and a received date with no time of day.

A tip's tracking code is its informant's only key to it, so the database keeps just a keyed
hash of it (`storage.crypto`): a stolen copy cannot be used to read or answer a tip as the
informant. Hashes are tagged with the key that made them. A keyed hash cannot be recomputed
without the code, so after `keys rotate` a code is looked up under every key of the ring
and re-hashed under the current key the moment its informant types it again; the retired
key is needed for hashing only until no stored hash names it.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time

from sqlmodel import Session, select

from messages.format import BANGKOK
from storage import crypto
from storage.models import Tip

CODE_PURPOSE = "tip-code"
_MAX_ID = 2**31 - 1  # the column is a 32-bit integer on PostgreSQL


def code_hashes(code: str) -> list[str]:
    """The stored form of `code` under every key of the ring, current first."""
    return crypto.keyring().tagged_macs(code.encode("ascii"), CODE_PURPOSE)


def code_hash(code: str) -> str:
    return code_hashes(code)[0]


def code_taken(session: Session, code: str) -> bool:
    found = session.exec(select(Tip.id).where(Tip.code_hash.in_(code_hashes(code)))).first()
    return found is not None


def find_tip(session: Session, org_id: int, code: str) -> Tip | None:
    """The tip with this code; a hash made by a retired key is replaced by the current one."""
    hashes = code_hashes(code)
    tip = session.exec(select(Tip).where(Tip.org_id == org_id, Tip.code_hash.in_(hashes))).first()
    if tip is not None and tip.code_hash != hashes[0]:
        tip.code_hash = hashes[0]
        session.add(tip)
    return tip


def hashes_per_key(session: Session) -> dict[str, int]:
    """How many tip codes each key id still hashes (for `keys rotate`)."""
    counts: dict[str, int] = {}
    for stored in session.exec(select(Tip.code_hash)).all():
        kid = stored.partition(":")[0]
        counts[kid] = counts.get(kid, 0) + 1
    return counts


def new_tip_id(session: Session) -> int:
    """A random, unused id: row order must not be arrival order."""
    while True:
        candidate = secrets.randbelow(_MAX_ID) + 1
        if session.get(Tip, candidate) is None:
            return candidate


def received_day(now: datetime) -> datetime:
    """Midnight (Bangkok) of the day `now` falls on, as UTC: a date without a time of day."""
    local_day = now.astimezone(BANGKOK).date()
    return datetime.combine(local_day, time(0), tzinfo=BANGKOK).astimezone(UTC)
