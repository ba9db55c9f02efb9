"""How a turn speaks to other chats: replies serialised into the outbox, and back.

Handlers call `send`; the sender in `bot/` calls `decode` after commit. Never put a tip's
content, a tracking code of a tip, or anything linking a tip to a chat in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from handlers.types import Choice, Location, Reply
from storage import outbox


@dataclass(frozen=True)
class Delivery:
    replies: list[Reply]
    location: Location | None = None


def _reply_json(reply: Reply) -> dict:
    return {
        "text": reply.text,
        "choices": [[c.label, c.code] for c in reply.choices],
        "image_key": reply.image_key,
        "file_key": reply.file_key,
        "file_name": reply.file_name,
    }


def _reply_from(data: dict) -> Reply:
    return Reply(
        data["text"],
        tuple(Choice(label, code) for label, code in data.get("choices", [])),
        image_key=data.get("image_key"),
        file_key=data.get("file_key"),
        file_name=data.get("file_name", ""),
    )


def send(
    session: Session,
    *,
    org_id: int,
    channel: str,
    chat_id: str,
    replies: list[Reply],
    now: datetime,
    location: Location | None = None,
) -> None:
    """Queue `replies` (and a map pin) for another chat; delivered after this turn commits."""
    payload: dict = {"replies": [_reply_json(r) for r in replies]}
    if location is not None:
        payload["location"] = [location.latitude, location.longitude, location.title]
    outbox.enqueue(
        session, org_id=org_id, channel=channel, chat_id=chat_id, payload=payload, now=now
    )


def decode(payload: dict) -> Delivery:
    loc = payload.get("location")
    return Delivery(
        [_reply_from(r) for r in payload["replies"]],
        Location(loc[0], loc[1], loc[2]) if loc else None,
    )
