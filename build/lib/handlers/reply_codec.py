"""Replies as plain JSON and back, so a turn's answer can wait in the database for delivery."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from handlers.types import Choice, HistoryEntry, Notice, Reply, StatusCard


def dump(replies: list[Reply]) -> list[dict[str, Any]]:
    return [asdict(reply) for reply in replies]


def load(data: list[dict[str, Any]]) -> list[Reply]:
    return [_reply(item) for item in data]


_NESTED = {"choices", "card", "notice"}  # rebuilt below into their own types
_PLAIN = {f.name for f in fields(Reply)} - _NESTED


def _reply(item: dict[str, Any]) -> Reply:
    """Every field a reply has (so a new one survives the database without a change here)."""
    card, notice = item.get("card"), item.get("notice")
    return Reply(
        **{key: value for key, value in item.items() if key in _PLAIN},
        choices=tuple(Choice(**c) for c in item.get("choices", ())),
        card=_card(card) if card else None,
        notice=Notice(notice) if notice else None,
    )


def _card(data: dict[str, Any]) -> StatusCard:
    history = tuple(HistoryEntry(**h) for h in data.get("history", ()))
    return StatusCard(**{**data, "history": history})
