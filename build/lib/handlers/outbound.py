"""How a turn speaks to other chats: replies serialised into the outbox, and back.

Handlers call `send`; the sender in `bot/` calls `decode` after commit. Never put a tip's
content, a tracking code of a tip, or anything linking a tip to a chat in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from handlers import reply_codec
from handlers.types import Location, Reply
from storage.queues import outbox


@dataclass(frozen=True)
class Delivery:
    replies: list[Reply]
    location: Location | None = None


def send(
    session: Session,
    *,
    org_id: int,
    channel: str,
    chat_id: str,
    replies: list[Reply],
    now: datetime,
    location: Location | None = None,
    not_before: datetime | None = None,
) -> None:
    """Queue `replies` (and a map pin) for another chat; delivered after this turn commits."""
    payload: dict = {"replies": reply_codec.dump(replies)}
    if location is not None:
        payload["location"] = [location.latitude, location.longitude, location.title]
    outbox.enqueue(
        session, org_id=org_id, channel=channel, chat_id=chat_id, payload=payload, now=now,
        not_before=not_before,
    )  # fmt: skip


def decode(payload: dict) -> Delivery:
    loc = payload.get("location")
    return Delivery(
        reply_codec.load(payload["replies"]),
        Location(loc[0], loc[1], loc[2]) if loc else None,
    )
