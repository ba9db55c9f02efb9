"""Named instants where a test may have the server killed: crash safety proved, not hoped for.

The crash tests kill `complaintbot serve` from outside at moments tied to the run's progress;
some instants are too short to hit that way (between Telegram accepting a message and our
recording it). `reached(name)` marks such an instant. It does nothing unless
`COMPLAINTBOT_CRASH_AT` names it, as `name` or `name:N`: then the process kills itself with
SIGKILL (no clean-up at all, as the out-of-memory killer or a power cut would) the N-th time
(default 1st) it gets there. Several points may be listed, separated by commas. A point in
`FAILURES` does not kill: it raises `InjectedFailure` there once, as a database can fail for a
moment around a restart. A production deployment never sets the variable.
"""

from __future__ import annotations

import os
import signal
import threading

ENV = "COMPLAINTBOT_CRASH_AT"

# The instants marked in the code, for tests and for the docs.
STORED = "inbox-stored"  # webhook events committed, the platform not yet answered
TURN_COMMITTED = "turn-committed"  # a turn and its replies committed, nothing sent yet
SENDING = "sending"  # the attempt at one outgoing message recorded, the message not sent
SENT = "sent"  # the platform accepted one outgoing message, nothing recorded yet
DELIVERED = "delivered"  # every reply of an event sent, its inbox row not yet deleted
OUTBOX_SENT = "outbox-sent"  # an outbox message accepted by the platform, not marked sent
TURN_FAILS = "turn-fails"  # inside a turn's transaction, before it commits: fails, not dies
POINTS = (STORED, TURN_COMMITTED, SENDING, SENT, DELIVERED, OUTBOX_SENT, TURN_FAILS)
FAILURES = (TURN_FAILS,)


class InjectedFailure(Exception):
    """A failure a test asked for (`FAILURES`)."""


_lock = threading.Lock()
_counts: dict[str, int] = {}


def _plan(raw: str) -> dict[str, int]:
    plan: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        name, _, count = part.partition(":")
        plan[name] = int(count) if count else 1
    return plan


_plans: dict[str, dict[str, int]] = {}  # the plan, by the variable's value (read late:
# a test's server is forked from an interpreter that imported this before the variable was set)


def reached(name: str) -> None:
    """Die here if the environment asked for it (see the module's docstring)."""
    raw = os.environ.get(ENV)
    if not raw:
        return
    plan = _plans.get(raw)
    if plan is None:
        plan = _plans.setdefault(raw, _plan(raw))
    if name not in plan:
        return
    with _lock:
        _counts[name] = _counts.get(name, 0) + 1
        if _counts[name] != plan[name]:
            return
    if name in FAILURES:
        raise InjectedFailure(name)
    os.kill(os.getpid(), signal.SIGKILL)
