"""`complaintbot serve`: every configured channel in one ASGI app on one uvicorn server."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Protocol

import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route

from bot.app import Core
from bot.config import Settings
from bot.optional import present_modules

log = logging.getLogger(__name__)

CHANNEL_MODULES = ("bot.channels.telegram", "bot.channels.line")


class ChannelRunner(Protocol):
    routes: list[BaseRoute]

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def configured_channels(settings: Settings, core: Core) -> list[ChannelRunner]:
    runners = []
    for module in present_modules(CHANNEL_MODULES):
        runner = module.make_channel(settings, core)
        if runner is not None:
            runners.append(runner)
    return runners


async def _health(_request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def build_web_app(runners: list[ChannelRunner], core: Core | None = None) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        for runner in runners:
            await runner.start()
        try:
            yield
        finally:
            for runner in reversed(runners):
                await runner.stop()

    routes: list[BaseRoute] = [Route("/healthz", _health)]
    if core is not None:  # the public statistics page reads the database
        from bot.stats_web import stats_routes

        routes += stats_routes(core)
    for runner in runners:
        routes += runner.routes
    return Starlette(routes=routes, lifespan=lifespan)


def serve(settings: Settings, core: Core) -> int:
    from bot.background import background_runners
    from bot.logs import uvicorn_log_config
    from bot.ops_web import serving_app

    runners = configured_channels(settings, core)
    if not runners:
        log.warning("no chat channel is configured; serving /healthz and /stats only")
    app = serving_app(settings, core, runners + background_runners(core, runners))
    log_config = uvicorn_log_config(settings.log_format)
    uvicorn.run(
        app, host=settings.host, port=settings.port, log_level="info", log_config=log_config
    )
    return 0
