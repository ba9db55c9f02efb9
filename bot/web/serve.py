"""`complaintbot serve`: every configured channel in one ASGI app on one uvicorn server."""

from __future__ import annotations

import contextlib
import logging
import socket

import uvicorn
from starlette.types import ASGIApp

from bot.app import Core, build_core
from bot.config import Settings
from bot.optional import present_modules
from bot.web.routes import ChannelRunner

log = logging.getLogger(__name__)

CHANNEL_MODULES = ("bot.channels.telegram.channel", "bot.channels.line.channel")


def configured_channels(settings: Settings, core: Core) -> list[ChannelRunner]:
    """The environment's channels, then the accounts kept in the database (`bot.web.hosting`),
    which also deliver the outbox for every account of their platform."""
    from bot.web.hosting import hosted_runners

    runners: list[ChannelRunner] = []
    for module in present_modules(CHANNEL_MODULES):
        runner = module.make_channel(settings, core)
        if runner is not None:
            runners.append(runner)
    return runners + hosted_runners(settings, core, runners)


def full_app(settings: Settings, core: Core) -> ASGIApp:
    """Everything one serving process runs: the channels, the outbox sender and scheduler,
    health, readiness, metrics and the public statistics page."""
    from bot.jobs.background import background_runners
    from bot.web.ops import serving_app

    runners = configured_channels(settings, core)
    if not any(getattr(r, "routes_by_org", False) is False for r in runners):
        log.info("no chat channel in the environment; serving the accounts kept in the database")
    return serving_app(settings, core, runners + background_runners(core, runners))


class _TcpConfig(uvicorn.Config):
    """uvicorn binds the socket `--workers N` share with protocol 0, so asyncio leaves
    Nagle's algorithm on for the connections it accepts, and every keep-alive request after
    the first waits about 40 ms for the peer's delayed ACK (Kludex/uvicorn#3149). Say TCP."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, sock.detach())
        return sock


def app_from_env() -> ASGIApp:
    """The web app of one worker process (`serve --workers N` imports this by name)."""
    settings = Settings.from_env()
    return full_app(settings, build_core(settings))


def serve(settings: Settings, core: Core, *, workers: int = 1) -> int:
    """Serve every configured channel; with `workers` > 1, as that many processes sharing
    the port. Each process stores events in the inbox and works any chat no other process
    holds, so the chats' order is kept whichever process a webhook reaches."""
    from bot.ops.logs import uvicorn_log_config

    log_config = uvicorn_log_config(settings.log_format)
    if workers > 1:
        from uvicorn.supervisors import Multiprocess

        core.db.dispose()  # each worker builds its own core; the schema is migrated already
        config = _TcpConfig(
            f"{__name__}:app_from_env",
            factory=True,
            workers=workers,
            host=settings.host,
            port=settings.port,
            log_level="info",
            log_config=log_config,
            access_log=False,  # bot.web.ops.CountAnswers logs answers
        )
        with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        return 0
    app = full_app(settings, core)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        log_config=log_config,
        access_log=False,  # bot.web.ops.CountAnswers logs answers
    )
    return 0
