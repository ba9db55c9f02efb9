"""The LINE bot running for real on loopback, against `FakeLine`, for end-to-end tests.

`running_line_bot` builds the core with `bot.app.build_core`, the LINE channel with
`make_channel`, serves them with `bot.web.routes.build_web_app` on uvicorn, and points the real
line-bot-sdk client at a `FakeLine` server. A `LineUser` talks to it the way LINE would:
signed webhook requests over HTTP, then reads what the bot sent back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.app import Core, build_core
from bot.channels.line.channel import LineChannel, make_channel
from bot.config import Settings
from bot.web.routes import build_web_app
from tests.fake_line import (
    FakeLine,
    event,
    message_id,
    serving,
    sign,
    user_source,
    webhook_body,
)

SECRET = "0123456789abcdef0123456789abcdef"
ACCESS_TOKEN = "test-channel-access-token"
ORG_NAME = "องค์การบริหารส่วนตำบลเขาทอง"


def line_settings(db_url: str, files_dir: Path, api_host: str, **overrides: Any) -> Settings:
    settings = Settings(
        database_url=db_url,
        files_dir=files_dir,
        org_slug="khaothong",
        org_name=ORG_NAME,
        line_channel_secret=SECRET,
        line_channel_access_token=ACCESS_TOKEN,
        line_api_host=api_host,
        secret_key_file=files_dir.parent / "secret.key",  # build_core needs a keyring
    )
    return dataclasses.replace(settings, **overrides)


@dataclass
class LineBot:
    fake: FakeLine
    channel: LineChannel
    core: Core
    url: str
    http: httpx.AsyncClient

    async def post(
        self, body: bytes, *, signature: str | None = None, headers: dict | None = None
    ) -> httpx.Response:
        """POST a webhook body (signed with the channel secret unless told otherwise) and
        wait until the bot has handled and answered every event it accepted."""
        sent = {"Content-Type": "application/json; charset=utf-8"}
        sent["X-Line-Signature"] = sign(body, SECRET) if signature is None else signature
        sent.update(headers or {})
        response = await self.http.post(self.url + "/line/webhook", content=body, headers=sent)
        await self.channel.join()
        return response

    def user(self, user_id: str | None = None) -> LineUser:
        return LineUser(self, user_id or "U" + secrets.token_hex(16))


@dataclass
class LineUser:
    bot: LineBot
    user_id: str

    async def send(self, kind: str, *, reply_token: str | None = None, **fields: Any) -> list[dict]:
        """One webhook event from this user; returns the messages the bot sent in answer
        (by reply token or by push)."""
        fake = self.bot.fake
        token = reply_token or fake.issue_reply_token()
        pushed_before = len(fake.pushes(self.user_id))
        body = webhook_body(event(kind, user_source(self.user_id), reply_token=token, **fields))
        response = await self.bot.post(body)
        assert response.status_code == 200, response.text
        return fake.replies(token) + fake.pushes(self.user_id)[pushed_before:]

    async def follow(self) -> list[dict]:
        return await self.send("follow", follow={"isUnblocked": False})

    async def say(self, text: str) -> list[dict]:
        message = {"type": "text", "id": message_id(), "quoteToken": _quote(), "text": text}
        return await self.send("message", message=message)

    async def press(self, code: str) -> list[dict]:
        """Tap a quick-reply postback button (LINE sends its data)."""
        return await self.send("postback", postback={"data": code})

    async def send_image(self, data: bytes, mime: str = "image/jpeg") -> list[dict]:
        mid = message_id()
        self.bot.fake.add_content(mid, data, mime)
        message = {
            "type": "image",
            "id": mid,
            "quoteToken": _quote(),
            "contentProvider": {"type": "line"},
        }
        return await self.send("message", message=message)

    async def send_video(self, data: bytes, *, processing_checks: int = 0) -> list[dict]:
        mid = message_id()
        self.bot.fake.add_content(mid, data, "video/mp4", processing_checks=processing_checks)
        message = {
            "type": "video",
            "id": mid,
            "quoteToken": _quote(),
            "duration": 12000,
            "contentProvider": {"type": "line"},
        }
        return await self.send("message", message=message)

    async def send_file(self, name: str, data: bytes, mime: str) -> list[dict]:
        mid = message_id()
        self.bot.fake.add_content(mid, data, mime)
        message = {"type": "file", "id": mid, "fileName": name, "fileSize": len(data)}
        return await self.send("message", message=message)

    async def send_location(self, title: str, address: str, lat: float, lon: float) -> list[dict]:
        message = {
            "type": "location",
            "id": message_id(),
            "title": title,
            "address": address,
            "latitude": lat,
            "longitude": lon,
        }
        return await self.send("message", message=message)

    async def send_sticker(self) -> list[dict]:
        message = {
            "type": "sticker",
            "id": message_id(),
            "quoteToken": _quote(),
            "packageId": "446",
            "stickerId": "1988",
            "stickerResourceType": "STATIC",
            "keywords": ["Happy"],
        }
        return await self.send("message", message=message)


def _quote() -> str:
    return secrets.token_urlsafe(24)


@contextlib.asynccontextmanager
async def running_line_bot(db_url: str, tmp_path: Path, **overrides: Any) -> AsyncIterator[LineBot]:
    fake = FakeLine(access_token=ACCESS_TOKEN)
    async with serving(fake.app()) as api_url:
        settings = line_settings(db_url, tmp_path / "files", api_url, **overrides)
        core = build_core(settings)
        channel = make_channel(settings, core)
        assert channel is not None
        # Retry and poll at once: the tests make no timing claims.
        channel.push_retry_pauses = (0.0, 0.0)
        channel.video_ready_pauses = (0.0, 0.0, 0.0)
        channel.inbox.delivery_pauses = (0.0, 0.0)
        try:
            async with (
                serving(build_web_app([channel])) as url,
                httpx.AsyncClient(timeout=30) as http,
            ):
                yield LineBot(fake, channel, core, url, http)
        finally:
            core.db.dispose()


# -- reading what the bot sent ------------------------------------------------------------


def texts(messages: list[dict]) -> list[str]:
    """What a person reads: a text message's text, a Flex card's alt text."""
    return [m["text"] if m["type"] == "text" else m.get("altText", "") for m in messages]


def buttons(messages: list[dict]) -> dict[str, str]:
    """The quick-reply buttons on the last message: {data: label}."""
    items = (messages[-1].get("quickReply") or {}).get("items", []) if messages else []
    return {i["action"]["data"]: i["action"]["label"] for i in items}


CODE = re.compile(r"\d{4}-\d{4}-\d{4}-\d{4}")


def tracking_code(messages: list[dict]) -> str:
    for line in texts(messages):
        found = CODE.search(line)
        if found:
            return found.group(0)
    raise AssertionError(f"no tracking code in {texts(messages)!r}")
