"""A small stand-in for the LINE Platform, on 127.0.0.1 only.

`FakeLine` answers the Messaging API calls the bot makes (reply, push, content download,
rich menu) and records them. Reply tokens behave like LINE's: issued with an event, usable
once, refused with 400 when unknown, used or expired. `webhook_body` and `sign` build webhook
requests the way LINE documents and signs them, for sending to the bot over HTTP.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


@dataclass
class Call:
    """One API request the bot made."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Content:
    data: bytes
    mime: str
    processing_checks: int = 0  # a video: how many readiness checks answer "processing"
    hide_length: bool = False  # stream without Content-Length (chunked), as for big files


@dataclass
class FakeLine:
    access_token: str
    calls: list[Call] = field(default_factory=list)
    refused: list[Call] = field(default_factory=list)  # replies with a bad reply token
    contents: dict[str, Content] = field(default_factory=dict)
    rich_menus: dict[str, dict] = field(default_factory=dict)
    rich_menu_images: dict[str, Content] = field(default_factory=dict)
    default_rich_menu: str | None = None
    failures: dict[str, list[int]] = field(default_factory=dict)  # path -> statuses to answer
    # The channel's webhook settings in the console (GET/PUT /v2/bot/channel/webhook/endpoint).
    webhook_endpoint: str = ""
    webhook_active: bool = False
    # Stand-in for the console's "Use webhook" switch when the endpoint is set by API.
    activate_on_put: bool = False
    _tokens: set[str] = field(default_factory=set)
    _retry_keys: set[str] = field(default_factory=set)

    # -- what tests use ------------------------------------------------------------------

    def issue_reply_token(self) -> str:
        token = secrets.token_hex(16)
        self._tokens.add(token)
        return token

    def fail_next(self, path: str, status: int) -> None:
        """Answer the next call to `path` with `status` (an outage, a rate limit)."""
        self.failures.setdefault(path, []).append(status)

    def expire(self, token: str) -> None:
        self._tokens.discard(token)

    def add_content(self, message_id: str, data: bytes, mime: str, **how: Any) -> None:
        self.contents[message_id] = Content(data, mime, **how)

    def replies(self, token: str) -> list[dict]:
        """Messages sent with `token` (accepted calls only)."""
        return [
            m
            for c in self.calls
            if c.path == "/v2/bot/message/reply" and c.json().get("replyToken") == token
            for m in c.json()["messages"]
        ]

    def pushes(self, to: str) -> list[dict]:
        return [
            m
            for c in self.calls
            if c.path == "/v2/bot/message/push" and c.json().get("to") == to
            for m in c.json()["messages"]
        ]

    def message_calls(self) -> list[Call]:
        return [
            c for c in self.calls if c.path in ("/v2/bot/message/reply", "/v2/bot/message/push")
        ]

    # -- the API -------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v2/bot/message/reply", self._reply, methods=["POST"]),
                Route("/v2/bot/message/push", self._push, methods=["POST"]),
                Route("/v2/bot/message/{message_id}/content", self._content, methods=["GET"]),
                Route(
                    "/v2/bot/message/{message_id}/content/transcoding",
                    self._transcoding,
                    methods=["GET"],
                ),
                Route("/v2/bot/richmenu", self._create_rich_menu, methods=["POST"]),
                Route("/v2/bot/richmenu/list", self._list_rich_menus, methods=["GET"]),
                Route(
                    "/v2/bot/richmenu/{rich_menu_id}", self._delete_rich_menu, methods=["DELETE"]
                ),
                Route(
                    "/v2/bot/richmenu/{rich_menu_id}/content",
                    self._upload_rich_menu_image,
                    methods=["POST"],
                ),
                Route(
                    "/v2/bot/user/all/richmenu/{rich_menu_id}",
                    self._set_default_rich_menu,
                    methods=["POST"],
                ),
                Route("/v2/bot/info", self._bot_info, methods=["GET"]),
                Route(
                    "/v2/bot/channel/webhook/endpoint",
                    self._webhook_endpoint,
                    methods=["GET", "PUT"],
                ),
            ]
        )

    async def _record(self, request: Request) -> Call | Response:
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return JSONResponse({"message": "Authentication failed"}, status_code=401)
        pending = self.failures.get(request.url.path)
        if pending:
            return JSONResponse({"message": "Internal server error"}, status_code=pending.pop(0))
        call = Call(request.method, request.url.path, dict(request.headers), await request.body())
        return call

    async def _reply(self, request: Request) -> Response:
        call = await self._record(request)
        if isinstance(call, Response):
            return call
        token = call.json().get("replyToken")
        if token not in self._tokens:
            self.refused.append(call)
            return JSONResponse({"message": "Invalid reply token"}, status_code=400)
        self._tokens.discard(token)
        self.calls.append(call)
        return JSONResponse({"sentMessages": _sent(call)})

    async def _push(self, request: Request) -> Response:
        call = await self._record(request)
        if isinstance(call, Response):
            return call
        key = request.headers.get("x-line-retry-key")
        if key is not None:
            if key in self._retry_keys:
                return JSONResponse(
                    {"message": "The retry key is already accepted"}, status_code=409
                )
            self._retry_keys.add(key)
        self.calls.append(call)
        return JSONResponse({"sentMessages": _sent(call)})

    async def _content(self, request: Request) -> Response:
        call = await self._record(request)
        if isinstance(call, Response):
            return call
        self.calls.append(call)
        content = self.contents.get(request.path_params["message_id"])
        if content is None or content.processing_checks:
            return JSONResponse({"message": "Not found"}, status_code=404)
        if content.hide_length:

            async def chunks() -> AsyncIterator[bytes]:
                for start in range(0, len(content.data), 4096):
                    yield content.data[start : start + 4096]

            return StreamingResponse(chunks(), media_type=content.mime)
        return Response(content.data, media_type=content.mime)

    async def _transcoding(self, request: Request) -> Response:
        call = await self._record(request)
        if isinstance(call, Response):
            return call
        self.calls.append(call)
        content = self.contents.get(request.path_params["message_id"])
        if content is None:
            return JSONResponse({"message": "Not found"}, status_code=404)
        if content.processing_checks:
            content.processing_checks -= 1
            return JSONResponse({"status": "processing"})
        return JSONResponse({"status": "succeeded"})

    async def _create_rich_menu(self, request: Request) -> Response:
        call = await self._record(request)
        if isinstance(call, Response):
            return call
        self.calls.append(call)
        rich_menu_id = "richmenu-" + secrets.token_hex(16)
        self.rich_menus[rich_menu_id] = call.json()
        return JSONResponse({"richMenuId": rich_menu_id})

    async def _list_rich_menus(self, request: Request) -> Response:
        call = await self._record(request)
        if isinstance(call, Response):
            return call
        self.calls.append(call)
        menus = [{"richMenuId": k, **v} for k, v in self.rich_menus.items()]
        return JSONResponse({"richmenus": menus})

    async def _delete_rich_menu(self, request: Request) -> Response:
        call = await self._record(request)
        if isinstance(call, Response):
            return call
        self.calls.append(call)
        self.rich_menus.pop(request.path_params["rich_menu_id"], None)
        return JSONResponse({})

    async def _upload_rich_menu_image(self, request: Request) -> Response:
        call = await self._record(request)
        if isinstance(call, Response):
            return call
        self.calls.append(call)
        rich_menu_id = request.path_params["rich_menu_id"]
        if rich_menu_id not in self.rich_menus:
            return JSONResponse({"message": "Not found"}, status_code=404)
        self.rich_menu_images[rich_menu_id] = Content(
            call.body, request.headers.get("content-type", "")
        )
        return JSONResponse({})

    async def _set_default_rich_menu(self, request: Request) -> Response:
        call = await self._record(request)
        if isinstance(call, Response):
            return call
        self.calls.append(call)
        rich_menu_id = request.path_params["rich_menu_id"]
        if rich_menu_id not in self.rich_menu_images:
            return JSONResponse({"message": "An image has not been uploaded"}, status_code=400)
        self.default_rich_menu = rich_menu_id
        return JSONResponse({})

    async def _bot_info(self, request: Request) -> Response:
        call = await self._record(request)
        if isinstance(call, Response):
            return call
        self.calls.append(call)
        return JSONResponse(
            {"userId": "U" + "0" * 32, "basicId": "@123abcde", "displayName": "อบต.เขาทอง",
             "chatMode": "bot", "markAsReadMode": "auto"}
        )  # fmt: skip

    async def _webhook_endpoint(self, request: Request) -> Response:
        call = await self._record(request)
        if isinstance(call, Response):
            return call
        self.calls.append(call)
        if request.method == "PUT":
            endpoint = call.json().get("endpoint", "")
            if not endpoint.startswith("https://"):
                return JSONResponse({"message": "Invalid webhook endpoint URL"}, status_code=400)
            self.webhook_endpoint = endpoint
            self.webhook_active = self.webhook_active or self.activate_on_put
            return JSONResponse({})
        return JSONResponse({"endpoint": self.webhook_endpoint, "active": self.webhook_active})


def _sent(call: Call) -> list[dict]:
    return [{"id": secrets.token_hex(8)} for _ in call.json().get("messages", [])]


# -- serving on loopback -----------------------------------------------------------------


def loopback_socket() -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio turns Nagle off only on sockets accepted from a listener
    # that says TCP, and uvicorn serving a pre-bound socket otherwise answers every keep-alive
    # request after the first 40 ms late (the peer's delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """Run an ASGI app on uvicorn on a free loopback port; yields its base URL."""
    sock = loopback_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="auto"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # raises what stopped the server
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


# -- webhook requests, as LINE sends them --------------------------------------------------

_ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def webhook_event_id() -> str:
    """A ULID, the shape of LINE's webhookEventId."""
    return "".join(secrets.choice(_ULID_ALPHABET) for _ in range(26))


def message_id() -> str:
    return str(secrets.randbelow(10**17) + 10**17)


def event(
    kind: str,
    source: dict,
    *,
    reply_token: str | None = None,
    redelivery: bool = False,
    event_id: str | None = None,
    timestamp_ms: int | None = None,
    **fields: Any,
) -> dict:
    """One webhook event object (https://developers.line.biz/en/reference/messaging-api/)."""
    body: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
        "source": source,
        "webhookEventId": event_id or webhook_event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if reply_token is not None:
        body["replyToken"] = reply_token
    body.update(fields)
    return body


def user_source(user_id: str) -> dict:
    return {"type": "user", "userId": user_id}


def group_source(group_id: str, user_id: str) -> dict:
    return {"type": "group", "groupId": group_id, "userId": user_id}


def webhook_body(*events: dict, destination: str = "U" + "0" * 32) -> bytes:
    return json.dumps(
        {"destination": destination, "events": list(events)}, ensure_ascii=False
    ).encode("utf-8")


def sign(body: bytes, channel_secret: str) -> str:
    """X-Line-Signature: base64(HMAC-SHA256(channel secret, raw body))."""
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


@contextlib.contextmanager
def serving_in_thread(app: Any) -> Iterator[str]:
    """Like `serving`, on a thread of its own: for testing synchronous code (the CLI)."""
    sock = loopback_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the fake server did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()
