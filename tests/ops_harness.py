"""The bot as `complaintbot serve` runs it (channels plus readiness and metrics), on loopback
against the fake LINE server, and a citizen filing a complaint through it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.app import Core, build_core
from bot.channels.line.channel import make_channel
from bot.ops.metrics import Metrics
from bot.web.ops import serving_app
from handlers import menu
from handlers.citizen import complaint as complaint_flow
from tests.fake_line import FakeLine, serving
from tests.line_harness import ACCESS_TOKEN, LineBot, LineUser, line_settings, tracking_code


@dataclass
class Watched:
    line: LineBot
    metrics: Metrics


@contextlib.asynccontextmanager
async def watched_bot(db_url: str, tmp_path: Path, **overrides: Any) -> AsyncIterator[Watched]:
    fake = FakeLine(access_token=ACCESS_TOKEN)
    async with serving(fake.app()) as api_url:
        overrides.setdefault("secret_key_file", tmp_path / "secret.key")
        settings = line_settings(db_url, tmp_path / "files", api_url, **overrides)
        core: Core = build_core(settings)
        channel = make_channel(settings, core)
        assert channel is not None
        channel.push_retry_pauses = (0.0, 0.0)
        app = serving_app(settings, core, [channel])
        try:
            async with serving(app) as url, httpx.AsyncClient(timeout=30) as http:
                yield Watched(LineBot(fake, channel, core, url, http), app.metrics)
        finally:
            core.db.dispose()


async def file_complaint(citizen: LineUser, text: str, photo: bytes | None = None) -> str:
    """Menu → complaint → road → `text` → (photo) → no contact → confirm; the code."""
    await citizen.follow()
    await citizen.press(menu.COMPLAINT)
    await citizen.press(complaint_flow.CAT + "road")
    await citizen.say(text)
    if photo is not None:
        await citizen.send_image(photo)
        await citizen.press(complaint_flow.EV_DONE)
    else:
        await citizen.press(complaint_flow.EV_SKIP)
    await citizen.press(complaint_flow.CONTACT_NO)
    return tracking_code(await citizen.press(complaint_flow.CONFIRM))
