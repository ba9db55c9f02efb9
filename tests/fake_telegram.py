"""A small fake Telegram Bot API on 127.0.0.1, so the real python-telegram-bot talks HTTP to it.

It serves queued updates to getUpdates (or posts them to the webhook the bot registered, with
its secret header, as Telegram does), answers the methods the bot uses, serves uploaded test
files under /file/bot<token>/<path>, and records every call for the tests to read.
It runs uvicorn in its own thread and event loop, so the bot under test has the test's loop
to itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.waiting import DEADLINE

TOKEN = "123456789:AAFakeTokenForTestsOnly_0123456789ab"
BOT_USERNAME = "khaothong_test_bot"
_JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "chat_id", "message_id", "offset",
                "limit", "timeout"}  # fmt: skip
_LONG_POLL_CAP = 0.3  # seconds getUpdates waits at most, whatever the bot asks


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class StoredFile:
    path: str
    data: bytes
    reported_size: int
    too_big: bool = False


class FakeTelegram:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user = {"id": self.bot_id, "is_bot": True, "first_name": "เขาทอง",
                         "username": BOT_USERNAME, "can_join_groups": True,
                         "can_read_all_group_messages": False,
                         "supports_inline_queries": False}  # fmt: skip
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] | None = None
        self.webhook_statuses: list[int] = []
        self.blocked: set[int] = set()  # chats whose user blocked the bot
        # What getWebhookInfo reports beyond the queue: updates Telegram could not deliver
        # yet, and the last delivery error as (unix time, message).
        self.undelivered = 0
        self.webhook_error: tuple[int, str] | None = None
        self._queue: list[dict] = []
        self._files: dict[str, StoredFile] = {}
        self._messages: dict[tuple[int, int], dict] = {}
        self._update_ids = itertools.count(700_000_001)
        self._message_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._deliveries: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- running ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL is set to in tests."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeTelegram:
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
            ]
        )
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # Nagle off
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_until_complete,
            args=(self._server.serve(sockets=[sock]),),
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + DEADLINE
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Telegram server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=DEADLINE)
            assert self._loop is not None
            self._loop.close()

    # -- what tests do -----------------------------------------------------------------------

    def add_file(self, data: bytes, *, path: str = "photos/file_1.jpg",
                 reported_size: int | None = None, too_big: bool = False) -> str:  # fmt: skip
        """Make `data` downloadable; returns its file_id for a photo or document update."""
        file_id = f"AgAC-file-{next(self._ids)}"
        size = len(data) if reported_size is None else reported_size
        with self._lock:
            self._files[file_id] = StoredFile(path, data, size, too_big)
        return file_id

    def push(self, update: dict) -> int:
        """Deliver an update (getUpdates, or the webhook once set); returns its update_id."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        with self._lock:
            webhook = self.webhook
            if webhook is None:
                self._queue.append(update)
        if webhook is not None:
            assert self._loop is not None
            asyncio.run_coroutine_threadsafe(self._post_webhook(webhook, update), self._loop)
        return update["update_id"]

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def sent(self, chat_id: int | None = None) -> list[dict]:
        """The sendMessage calls (params), optionally to one chat only."""
        return [
            c.params
            for c in self.calls_to("sendMessage")
            if chat_id is None or c.params.get("chat_id") == chat_id
        ]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [p["text"] for p in self.sent(chat_id)]

    def messages(self, chat_id: int) -> list[dict]:
        """Messages the bot sent to `chat_id` as they are now (edits applied), oldest first."""
        with self._lock:
            return [dict(m) for (chat, _), m in self._messages.items() if chat == chat_id]

    def is_pending(self, update_id: int) -> bool:
        """True until the bot has confirmed `update_id` (a getUpdates with a later offset)."""
        with self._lock:
            return any(u["update_id"] == update_id for u in self._queue)

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._queue)

    async def wait_for(self, check: Callable[[], Any], timeout: float = DEADLINE) -> Any:
        """Let the bot (on the caller's loop) run until `check()` is truthy; a hang guard only."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                methods = [c.method for c in self.calls]
                raise AssertionError(f"fake Telegram: condition not met; calls so far {methods}")
            await asyncio.sleep(0.02)

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = DEADLINE
    ) -> list[dict]:
        """The first `count` messages sent to `chat_id` once there are that many."""
        await self.wait_for(lambda: len(self.sent(chat_id)) >= count, timeout)
        return self.sent(chat_id)[:count]

    # -- the Bot API -----------------------------------------------------------------------

    async def _api(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.path_params["method"]
        try:
            params, files = await _params(request)
        except ClientDisconnect:  # the bot was killed mid-request: it never made the call
            return Response(status_code=400)
        with self._lock:
            self.calls.append(Call(method, params, files))
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        return await handler(params, files)

    async def _m_getMe(self, params: dict, files: dict) -> Response:
        return _ok(self.bot_user)

    async def _m_getUpdates(self, params: dict, files: dict) -> Response:
        if self.webhook is not None:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        wait = min(float(params.get("timeout") or 0), _LONG_POLL_CAP)
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                if offset:  # confirms (forgets) every update before `offset`
                    self._queue = [u for u in self._queue if u["update_id"] >= offset]
                ready = self._queue[:limit]
            if ready or time.monotonic() >= deadline:
                return _ok(ready)
            await asyncio.sleep(0.02)

    async def _m_sendMessage(self, params: dict, files: dict) -> Response:
        if params["chat_id"] in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        message = self._new_message(params, text=params["text"])
        return _ok(message)

    async def _m_sendLocation(self, params: dict, files: dict) -> Response:
        location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        return _ok(self._new_message(params, location=location))

    async def _m_sendPhoto(self, params: dict, files: dict) -> Response:
        size = sum(len(data) for data in files.values())
        photo = [{"file_id": f"sent-{next(self._ids)}", "file_unique_id": "u", "width": 800,
                  "height": 600, "file_size": size}]  # fmt: skip
        return _ok(self._new_message(params, photo=photo))

    async def _m_sendDocument(self, params: dict, files: dict) -> Response:
        document = {"file_id": f"sent-{next(self._ids)}", "file_unique_id": "u",
                    "file_size": sum(len(data) for data in files.values())}  # fmt: skip
        return _ok(self._new_message(params, document=document))

    async def _m_editMessageText(self, params: dict, files: dict) -> Response:
        message = self._edit(params, text=params["text"])
        return _ok(message) if message else _error(400, "Bad Request: message to edit not found")

    async def _m_editMessageReplyMarkup(self, params: dict, files: dict) -> Response:
        message = self._edit(params)
        return _ok(message) if message else _error(400, "Bad Request: message to edit not found")

    async def _m_deleteMessage(self, params: dict, files: dict) -> Response:
        key = (params.get("chat_id"), params.get("message_id"))
        with self._lock:
            found = self._messages.pop(key, None)  # type: ignore[arg-type]
        return _ok(True) if found else _error(400, "Bad Request: message to delete not found")

    async def _m_answerCallbackQuery(self, params: dict, files: dict) -> Response:
        return _ok(True)

    async def _m_getFile(self, params: dict, files: dict) -> Response:
        with self._lock:
            stored = self._files.get(params.get("file_id", ""))
        if stored is None:
            return _error(400, "Bad Request: invalid file_id")
        if stored.too_big:
            return _error(400, "Bad Request: file is too big")
        return _ok({"file_id": params["file_id"], "file_unique_id": params["file_id"][-8:],
                    "file_size": stored.reported_size, "file_path": stored.path})  # fmt: skip

    async def _m_setMyCommands(self, params: dict, files: dict) -> Response:
        return _ok(True)

    async def _m_setWebhook(self, params: dict, files: dict) -> Response:
        with self._lock:
            self.webhook = {"url": params["url"], "secret": params.get("secret_token", "")}
        return _ok(True)

    async def _m_getWebhookInfo(self, params: dict, files: dict) -> Response:
        with self._lock:
            info: dict[str, Any] = {
                "url": self.webhook["url"] if self.webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._queue) + self.undelivered,
            }
        if self.webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self.webhook_error
        return _ok(info)

    async def _m_deleteWebhook(self, params: dict, files: dict) -> Response:
        with self._lock:
            self.webhook = None
        return _ok(True)

    async def _download(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        path = request.path_params["path"]
        with self._lock:
            found = [f for f in self._files.values() if f.path == path]
        if not found:
            return Response(status_code=404)
        return Response(found[0].data, media_type="application/octet-stream")

    # -- helpers -----------------------------------------------------------------------------

    def _new_message(self, params: dict, **content: Any) -> dict:
        chat_id = params["chat_id"]
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                   "from": self.bot_user, **content}  # fmt: skip
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        with self._lock:
            self._messages[(chat_id, message["message_id"])] = message
        return message

    def _edit(self, params: dict, **changes: Any) -> dict | None:
        key = (params.get("chat_id"), params.get("message_id"))
        with self._lock:
            message = self._messages.get(key)  # type: ignore[arg-type]
            if message is None:
                return None
            message.update(changes)
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            else:
                message.pop("reply_markup", None)
            return dict(message)

    async def _post_webhook(self, webhook: dict, update: dict) -> None:
        """POST like Telegram: one delivery at a time, in order, retried while unreachable."""
        self._deliveries = self._deliveries or asyncio.Lock()  # made on the server's loop
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook["secret"]}
        deadline = time.monotonic() + DEADLINE
        async with self._deliveries, httpx.AsyncClient(timeout=DEADLINE) as client:
            while True:
                try:
                    response = await client.post(webhook["url"], json=update, headers=headers)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        return  # never delivered: a test waiting for it says so
                    await asyncio.sleep(0.1)  # the bot's web server is not listening yet
        with self._lock:
            self.webhook_statuses.append(response.status_code)


async def _params(request: Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Bot API parameters from the query string and a form, multipart or JSON body."""
    params: dict[str, Any] = dict(request.query_params)
    files: dict[str, bytes] = {}
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        params.update(await request.json())
    elif kind:
        form = await request.form()
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[name] = await value.read()
            else:
                params[name] = value
    for name in _JSON_FIELDS & params.keys():
        if isinstance(params[name], str):
            with contextlib.suppress(ValueError):
                params[name] = json.loads(params[name])
    return params, files


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(code: int, description: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error_code": code, "description": description}, code)


def free_socket() -> socket.socket:
    """A socket bound to a free 127.0.0.1 port, to know a server's URL before it starts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # Nagle off
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.asynccontextmanager
async def serving(app: Any, sock: socket.socket | None = None) -> AsyncIterator[str]:
    """Run an ASGI app (the bot's web server) on 127.0.0.1 in the current event loop."""
    sock = sock or free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
