"""LINE messages as the Messaging API's JSON, and the reply and push calls that send them.

line-bot-sdk validates a request model and serialises every message model again on each
call: for a menu of ten buttons that cost several ms of CPU per reply, more than the turn
(bench/README.md). Here a quick reply (a menu's buttons, built once per menu by
`render.quick_reply`) is serialised once, a plain text message directly, and other
messages (Flex cards, images, locations) through the SDK's own `to_dict`. The calls go out
on one pooled aiohttp session and fail as the SDK's do (`ApiException` with the status), so
the channel's rules for retrying and pushing are unchanged.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from typing import Any

import aiohttp
from linebot.__about__ import __version__ as sdk_version
from linebot.v3.messaging import ApiException, Message, QuickReply, TextMessage

from bot.channels import tls
from bot.channels.line.pool import POOL_CONNECTIONS

REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"
_QUICK_KEPT = 1024

# A quick reply's JSON by the object's identity; the object is kept beside it, so an id is
# never taken for another object's.
_quick: dict[int, tuple[QuickReply, dict[str, Any]]] = {}


def quick_reply_json(quick: QuickReply) -> dict[str, Any]:
    kept = _quick.get(id(quick))
    if kept is not None and kept[0] is quick:
        return kept[1]
    wire = quick.to_dict()
    if len(_quick) >= _QUICK_KEPT:
        _quick.clear()
    _quick[id(quick)] = (quick, wire)
    return wire


def message_json(message: Message) -> dict[str, Any]:
    """`message.to_dict()`, without re-serialising a plain text or its buttons each time."""
    if (
        type(message) is TextMessage
        and message.sender is None
        and message.emojis is None
        and message.quote_token is None
    ):
        out: dict[str, Any] = {"type": "text", "text": message.text}
        if message.quick_reply is not None:
            out["quickReply"] = quick_reply_json(message.quick_reply)
        return out
    return message.to_dict()


class _Session:
    """One aiohttp session for every LINE account of the process (on its event loop): an
    account's token travels in its headers, not in the connection."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.users = 0
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=POOL_CONNECTIONS, ssl=tls.client_context()),
            trust_env=bool(urllib.request.getproxies()),
        )


_shared: _Session | None = None


class Sender:
    """The reply and push calls on the process's one pooled session (opened on first use, on
    the server's event loop, closed when the last account's sender closes). Proxies from the
    environment are honoured when one is set, as the SDK does; otherwise the environment is
    not read again on every call (netrc, proxies)."""

    def __init__(self, host: str, token: str) -> None:
        self.base = host.rstrip("/")
        self._headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "User-Agent": f"line-bot-sdk-python/{sdk_version}",
        }
        self._session: aiohttp.ClientSession | None = None

    async def reply(self, token: str, messages: list[Message], *, timeout: float) -> None:
        body = {"replyToken": token, "messages": [message_json(m) for m in messages],
                "notificationDisabled": False}  # fmt: skip
        await self._post(REPLY_PATH, body, timeout=timeout)

    async def push(
        self, to: str, messages: list[Message], *, retry_key: str, timeout: float
    ) -> None:
        body = {"to": to, "messages": [message_json(m) for m in messages],
                "notificationDisabled": False}  # fmt: skip
        await self._post(PUSH_PATH, body, retry_key=retry_key, timeout=timeout)

    async def _post(
        self, path: str, body: dict[str, Any], *, retry_key: str | None = None, timeout: float
    ) -> None:
        if self._session is None or self._session.closed:
            self._session = _join()
        headers = dict(self._headers)
        if retry_key is not None:
            headers["X-Line-Retry-Key"] = retry_key
        async with self._session.post(
            self.base + path,
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            await response.read()
            if not 200 <= response.status < 300:
                raise ApiException(status=response.status, reason=response.reason)

    async def close(self) -> None:
        if self._session is not None:
            await _leave(self._session)
            self._session = None


def _join() -> aiohttp.ClientSession:
    global _shared
    if _shared is None or _shared.loop is not asyncio.get_running_loop() or _shared.session.closed:
        _shared = _Session()  # a session of a finished event loop is of no use
    _shared.users += 1
    return _shared.session


async def _leave(session: aiohttp.ClientSession) -> None:
    global _shared
    if _shared is None or _shared.session is not session:
        await session.close()  # of a loop already gone
        return
    _shared.users -= 1
    if _shared.users <= 0:
        shared, _shared = _shared, None
        await shared.session.close()
