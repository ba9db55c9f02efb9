"""The office's routes assembled under `/office`, behind CSRF checks and security headers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.app import Core
from bot.web.office.auth import Clocked
from bot.web.office.case_page import case_routes
from bot.web.office.host import host_routes
from bot.web.office.host_files import host_file_routes
from bot.web.office.login import login_routes
from bot.web.office.plan_page import plan_routes
from bot.web.office.queue import queue_routes
from bot.web.office.security import SecurityHeaders, protect
from bot.web.office.settings_page import settings_routes
from bot.web.office.staff_page import staff_routes
from bot.web.office.statistics import statistics_routes
from bot.web.office.walk_in import walk_in_routes
from bot.web.shown_path import MaskSecrets
from handlers.stats.fonts import sarabun
from storage.timeutil import utcnow

FONT_WEIGHTS = ("Regular", "Bold")


async def _font(request: Request) -> Response:
    weight = request.path_params["weight"]
    if weight not in FONT_WEIGHTS:
        return Response(status_code=404)
    return FileResponse(sarabun(weight), media_type="font/ttf",
                        headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip


def office_mount(core: Core, *, clock: Callable[[], datetime] = utcnow) -> BaseRoute:
    """`/office` and everything under it, reading `core`'s database and files."""
    ctx = Clocked(core.db, clock, core.engine)
    settings = core.settings
    routes: list[BaseRoute] = [
        Mount("/static", StaticFiles(packages=[("bot.web.office", "static")]), name="static"),
        Route("/font/Sarabun-{weight}.ttf", _font),
        *login_routes(ctx),
        *queue_routes(ctx),
        *case_routes(ctx, core.files, tile_url=settings.map_tile_url),
        *walk_in_routes(ctx, core.files),
        *staff_routes(ctx, settings),
        *settings_routes(ctx),
        *statistics_routes(ctx),
        *plan_routes(ctx),
        *host_routes(ctx, settings),
        *host_file_routes(ctx),
    ]
    inner = MaskSecrets(Starlette(routes=routes))  # the CSRF layer copies the scope
    secure = settings.public_url.startswith("https://")
    return Mount("/office", app=SecurityHeaders(protect(inner, secure=secure),
                                               tile_url=settings.map_tile_url))  # fmt: skip
