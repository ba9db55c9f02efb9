"""One Starlette app from the runners' routes: each channel's webhook, health, the public
statistics page. What a runner is (`ChannelRunner`) lives here, below everything that builds one.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Protocol

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route

from bot.app import Core


class ChannelRunner(Protocol):
    routes: list[BaseRoute]

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


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
        from bot.web.stats_page import stats_routes

        routes += stats_routes(core)
        from bot.web.office.app import office_mount

        routes.append(office_mount(core))
    for runner in runners:
        routes += runner.routes
    return Starlette(routes=routes, lifespan=lifespan)
