"""Several fake LINE and Telegram accounts behind one API address each, as a deployment
hosting many organisations sees the real platforms: LINE_API_HOST and TELEGRAM_API_BASE_URL
are per deployment, and the account is told by its access token.

`LineAccounts` picks the `FakeLine` whose access token a request carries; `TelegramAccounts`
forwards `/bot<token>/…` to the `FakeTelegram` of that token (each runs its own server).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import httpx
from starlette.responses import JSONResponse, Response

from tests.fake_line import FakeLine
from tests.fake_telegram import FakeTelegram


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


class LineAccounts:
    def __init__(self) -> None:
        self.fakes: dict[str, FakeLine] = {}
        self._apps: dict[str, Any] = {}

    def add(self, name: str) -> FakeLine:
        fake = FakeLine(access_token=f"line-token-{name}-{secrets.token_hex(8)}")
        self.fakes[name] = fake
        self._apps[fake.access_token] = fake.app()
        return fake

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return await _lifespan(receive, send)
        auth = dict(scope["headers"]).get(b"authorization", b"").decode()
        app = self._apps.get(auth.removeprefix("Bearer "))
        if app is None:
            response = JSONResponse({"message": "Authentication failed"}, status_code=401)
            return await response(scope, receive, send)
        await app(scope, receive, send)


_TOKEN_IN_PATH = re.compile(r"^/(?:file/)?bot([^/]+)/")


class TelegramAccounts:
    def __init__(self) -> None:
        self.fakes: dict[str, FakeTelegram] = {}
        self._by_token: dict[str, FakeTelegram] = {}

    def add(self, name: str, bot_id: int) -> FakeTelegram:
        fake = FakeTelegram(f"{bot_id}:AAFake{name}{secrets.token_hex(8)}").start()
        self.fakes[name] = fake
        self._by_token[fake.token] = fake
        return fake

    def stop(self) -> None:
        for fake in self.fakes.values():
            fake.stop()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return await _lifespan(receive, send)
        found = _TOKEN_IN_PATH.match(scope["path"])
        fake = self._by_token.get(found.group(1)) if found else None
        if fake is None:
            response = JSONResponse({"ok": False, "error_code": 401}, status_code=401)
            return await response(scope, receive, send)
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"] if k != b"host"}
        query = scope.get("query_string", b"").decode()
        url = f"http://127.0.0.1:{fake.port}{scope['path']}" + (f"?{query}" if query else "")
        async with httpx.AsyncClient(timeout=60) as client:
            answer = await client.request(scope["method"], url, content=body, headers=headers)
        response = Response(
            answer.content,
            status_code=answer.status_code,
            media_type=answer.headers.get("content-type"),
        )
        await response(scope, receive, send)
