"""Prometheus metrics: counters on the hot path, database gauges read only when scraped.

Labels are drawn from small fixed sets (channel, event kind, outcome, route, status class,
stream): never content, ids or codes. Served by `serve_metrics` on a port of its own
(`COMPLAINTBOT_METRICS_PORT`, loopback unless `COMPLAINTBOT_METRICS_HOST` says otherwise), so a
reverse proxy that forwards the webhook paths can never expose it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine

from bot.ops import readiness
from handlers.cases.lifecycle import Status, Stream
from handlers.telemetry import TurnRecord
from messages.format import local_date
from storage.models import Complaint, Tip

log = logging.getLogger(__name__)

OPEN_STATUSES = (Status.RECEIVED.value, Status.IN_PROGRESS.value)
# Turns take milliseconds; a slow disk or a locked database shows in the upper buckets.
TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class CaseGauges(Collector):
    """Open cases per stream, overdue ones, and the outgoing backlog, counted at scrape time."""

    def __init__(self, db: Engine) -> None:
        self.db = db

    def collect(self) -> Iterator[GaugeMetricFamily]:
        open_cases = GaugeMetricFamily(
            "complaintbot_open_cases", "Cases received or in progress", labels=["stream"]
        )
        overdue = GaugeMetricFamily(
            "complaintbot_overdue_cases", "Open cases past their due date", labels=["stream"]
        )
        waiting = GaugeMetricFamily(
            "complaintbot_outgoing_messages_waiting", "Outgoing messages not yet sent"
        )
        today = local_date(datetime.now(UTC))
        try:
            with self.db.connect() as conn:
                for stream, table in ((Stream.COMPLAINT, Complaint), (Stream.TIP, Tip)):
                    is_open = table.status.in_(OPEN_STATUSES)
                    count = sa.func.count()
                    open_cases.add_metric(
                        [stream.value],
                        conn.execute(sa.select(count).where(is_open)).scalar_one(),
                    )
                    overdue.add_metric(
                        [stream.value],
                        conn.execute(
                            sa.select(count).where(is_open, table.due_on < today)
                        ).scalar_one(),
                    )
                waiting.add_metric([], readiness.outgoing_backlog(conn))
        except sa.exc.SQLAlchemyError:
            log.warning("metrics: the database did not answer; case gauges left out")
            return
        yield open_cases
        yield overdue
        yield waiting


class Metrics:
    """Every metric of one process, in its own registry (tests make as many as they like)."""

    def __init__(self, db: Engine | None = None) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.events_received = Counter(
            "complaintbot_events_received", "Events that reached the conversation engine",
            ["channel", "kind"], registry=r,
        )  # fmt: skip
        self.events_handled = Counter(
            "complaintbot_events_handled", "Events the engine finished, by outcome",
            ["channel", "kind", "outcome"], registry=r,
        )  # fmt: skip
        self.turn_seconds = Histogram(
            "complaintbot_turn_duration_seconds", "Time one turn took, database work included",
            ["channel"], buckets=TURN_BUCKETS, registry=r,
        )  # fmt: skip
        self.http_responses = Counter(
            "complaintbot_http_responses", "Answers of the web server (webhooks), by route",
            ["route", "status"], registry=r,
        )  # fmt: skip
        self.outgoing = Counter(
            "complaintbot_outgoing_messages", "Messages to chats sent or failed, by channel",
            ["channel", "result"], registry=r,
        )  # fmt: skip
        if db is not None:
            r.register(CaseGauges(db))
        # Label lookups cost more than the increments: keep each child once it exists.
        self._received: dict[tuple[str, str], Any] = {}
        self._handled: dict[tuple[str, str, str], Any] = {}
        self._seconds: dict[str, Any] = {}

    # -- handlers.telemetry.TurnObserver ------------------------------------------------

    def received(self, channel: str, kind: str) -> None:
        child = self._received.get((channel, kind))
        if child is None:
            child = self._received[(channel, kind)] = self.events_received.labels(channel, kind)
        child.inc()

    def handled(self, record: TurnRecord) -> None:
        key = (record.channel, record.kind, record.outcome.value)
        child = self._handled.get(key)
        if child is None:
            child = self._handled[key] = self.events_handled.labels(*key)
        child.inc()
        timer = self._seconds.get(record.channel)
        if timer is None:
            timer = self._seconds[record.channel] = self.turn_seconds.labels(record.channel)
        timer.observe(record.seconds)

    # -- for senders (the outbox's sender records each delivery here) ---------------------

    def sent(self, channel: str, *, ok: bool) -> None:
        self.outgoing.labels(channel, "sent" if ok else "failed").inc()
