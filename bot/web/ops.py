"""The operator's side of `complaintbot serve`: `/readyz`, metrics, and counted answers.

`serving_app` is what `bot.web.serve` runs: the channels' web app with a readiness route, every
answer counted by route and status, turns reported to Prometheus, and `/metrics` on a port
of its own when `COMPLAINTBOT_METRICS_PORT` is set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from prometheus_client import start_http_server
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.jobs.outbox_sender import OutboxSender
from bot.ops import collector, readiness
from bot.ops.metrics import Metrics
from bot.web import shown_path
from bot.web.routes import ChannelRunner, build_web_app
from handlers.understand import dictionary

if TYPE_CHECKING:
    from bot.app import Core
    from bot.config import Settings

log = logging.getLogger(__name__)

READY_PATH = "/readyz"


class Operations:
    """A `ChannelRunner` without a channel: readiness route, metrics server."""

    def __init__(self, settings: Settings, core: Core, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.core = core
        self.metrics = metrics or Metrics(core.db)
        self.routes: list[BaseRoute] = [Route(READY_PATH, self.ready, methods=["GET", "HEAD"])]
        self._server: Any = None
        self._warming: asyncio.Task[None] | None = None
        core.engine.telemetry.observers.append(self.metrics)

    async def start(self) -> None:
        # The file store exists from the start, so `doctor` and backups find it writable; the
        # local directory too when files are kept elsewhere (restores and `files migrate`).
        self.settings.files_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.core.files.prepare()
        # The word list (pythainlp's corpus, read from its file, and sorted): now, rather than
        # in the turn of the first citizen to type a text, whose webhook's answer would wait.
        self._warming = asyncio.create_task(self._warm())
        port = self.settings.metrics_port
        if port:
            host = self.settings.metrics_host
            self._server, _thread = start_http_server(port, host, registry=self.metrics.registry)
            log.info("metrics served on http://%s:%d/metrics", host, port)

    async def _warm(self) -> None:
        await asyncio.to_thread(dictionary.warm)
        collector.freeze_what_start_up_made()  # the word list is the largest part

    async def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    async def ready(self, _request: Request) -> JSONResponse:
        state = await asyncio.to_thread(
            readiness.check, self.core.db, self.settings.ready_max_backlog
        )
        return JSONResponse(state.as_dict(), status_code=200 if state.ready else 503)


class CountAnswers:
    """ASGI middleware: count every HTTP answer by route and status (no query, no ids), and
    log it (the access log; uvicorn's own is off), except a platform's webhook answered
    with success: those come by the thousand a minute, are counted here, and their line
    cost more than a tenth of the webhook's own work. The line has no query string, and
    the path's secrets (a login link's one-time token, a code) are masked
    (`bot.web.shown_path`)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: Sequence[str]) -> None:
        self.app = app
        self.metrics = metrics
        # Only literal paths become labels; anything else (probes, typos) is "other".
        self.routes = frozenset(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        route = path if path in self.routes else "other"
        status = [500]
        scope, shown = shown_path.hand_down(scope)

        async def send_counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            self.metrics.http_responses.labels(route, str(status[0])).inc()
            if status[0] >= 400 or not path.endswith(WEBHOOK_SUFFIX):
                shown_path.mask(scope)  # the outer routes' parameters; the office masks its own
                _access(scope, shown[0], status[0])


WEBHOOK_SUFFIX = "/webhook"  # LINE's and Telegram's webhooks, an owner's shared ones too
access_log = logging.getLogger("bot.web.access")


def _access(scope: Scope, path: str, status: int) -> None:
    client = scope.get("client")
    where = f"{client[0]}:{client[1]}" if client else "-"
    level = logging.WARNING if status >= 500 else logging.INFO
    access_log.log(level, '%s - "%s %s HTTP/%s" %d', where, scope.get("method", ""), path,
                   scope.get("http_version", "1.1"), status,
                   extra={"status": status, "path": path})  # fmt: skip


def serving_app(settings: Settings, core: Core, runners: list[ChannelRunner]) -> ASGIApp:
    """The whole web app `complaintbot serve` runs: channels, health, readiness, counting."""
    operations = Operations(settings, core)
    for runner in runners:  # messages to other chats are counted as they are delivered
        if isinstance(runner, OutboxSender):
            runner.observers.append(operations.metrics.sent)
    app = build_web_app([*runners, operations], core)
    literal = [r.path for r in app.routes if isinstance(r, Route) and "{" not in r.path]
    return CountAnswers(app, operations.metrics, literal)
