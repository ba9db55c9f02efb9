"""What the engine tells operators about each turn: a log line and any observers (metrics).

Only the channel, the kind of event, the step it ended on, the outcome and the duration are
ever reported: never text, chat or user ids, or codes. Observers run on the turn's thread and
must be cheap (counters), since every turn pays for them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

log = logging.getLogger("complaintbot.turns")


class Outcome(StrEnum):
    OK = "ok"
    DUPLICATE = "duplicate"  # a redelivered event, skipped
    FAILED = "failed"  # the turn raised; the citizen got an apology, nothing was saved


@dataclass
class TurnRecord:
    channel: str
    kind: str
    step: str = ""  # "flow.step" the chat is at after the turn; "menu" when back at the menu
    outcome: Outcome = Outcome.OK
    seconds: float = 0.0


class TurnObserver(Protocol):
    def received(self, channel: str, kind: str) -> None: ...

    def handled(self, record: TurnRecord) -> None: ...


def position_name(flow: str | None, step: str | None) -> str:
    return f"{flow}.{step}" if flow else "menu"


class Telemetry:
    """The engine's reporting point; `bot` adds observers (Prometheus metrics) at start."""

    def __init__(self) -> None:
        self.observers: list[TurnObserver] = []

    def received(self, channel: str, kind: str) -> None:
        for observer in self.observers:
            try:
                observer.received(channel, kind)
            except Exception:  # counting must never cost a citizen their turn
                log.exception("turn observer failed")

    def handled(self, record: TurnRecord) -> None:
        log.info(
            "turn channel=%s kind=%s step=%s outcome=%s ms=%.1f",
            record.channel, record.kind, record.step, record.outcome, record.seconds * 1000,
            extra={"channel": record.channel, "kind": record.kind, "step": record.step,
                   "outcome": str(record.outcome), "duration_ms": round(record.seconds * 1000, 1)},
        )  # fmt: skip
        for observer in self.observers:
            try:
                observer.handled(record)
            except Exception:
                log.exception("turn observer failed")
