"""The LINE channel: a signed webhook in, Messaging API replies and pushes out.

`POST /line/webhook` checks the body size and the `X-Line-Signature` before it parses
anything, answers 200 at once, and leaves the events to background workers: one queue per
chat so that a user's events run in order, while different users' run side by side.
Each event becomes one core turn (`ConversationEngine.handle`); the replies go back with the
event's reply token while it is fresh, and by push otherwise.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    LocationMessage,
    Message,
    PushMessageRequest,
    ReplyMessageRequest,
    TextMessage,
)
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.line_content import VIDEO_READY_PAUSES, ContentFetcher
from bot.channels.line_events import Inbound, chat_of, parse_body, reply_token_of, translate
from bot.channels.line_render import batches, render, shared_keys
from bot.shared_links import SharedLinks
from handlers.outbound import Delivery
from handlers.types import Event, Reply
from messages import line as msg
from storage.files import FileStore

if TYPE_CHECKING:
    from bot.app import Core
    from bot.config import Settings

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/line/webhook"
MAX_BODY_BYTES = 1024 * 1024
# LINE accepts a reply token for about a minute; past this age push instead of trying.
REPLY_TOKEN_SECONDS = 50.0
# Seconds a reply or push may take (the SDK's default is five minutes).
API_TIMEOUT = 30
# Seconds to wait before each retry of a push LINE failed to take (5xx, 429, no answer).
PUSH_RETRY_PAUSES = (1.0, 4.0)
# Turns running at once across all chats (each holds a database connection).
MAX_CONCURRENT_TURNS = 8
_RETRY_NAMESPACE = uuid.UUID("3b1f0c52-8d7e-4f55-9a53-6f2f3c1d7e01")

Handle = Callable[[Event], Awaitable[list[Reply]]]


def signature_of(body: bytes, secret: str) -> str:
    """The `X-Line-Signature` LINE sends: base64 of HMAC-SHA256 of the raw body."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_ok(body: bytes, signature: str, secret: str) -> bool:
    if not signature or not secret:
        return False
    return hmac.compare_digest(signature_of(body, secret).encode(), signature.encode())


def api_configuration(settings: Settings) -> Configuration:
    """`LINE_API_HOST` replaces both api.line.me and api-data.line.me (tests, proxies)."""
    return Configuration(
        host=settings.line_api_host.rstrip("/") or None,
        access_token=settings.line_channel_access_token,
    )


class BodyTooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class LineChannel:
    """The LINE adapter, runnable by `complaintbot serve` (see `bot.serve.ChannelRunner`)."""

    outbox_channel = "line"  # delivers the outbox messages of this channel (`send_out`)

    def __init__(
        self,
        settings: Settings,
        handle: Handle,
        files: FileStore,
        *,
        max_body_bytes: int = MAX_BODY_BYTES,
        reply_token_seconds: float = REPLY_TOKEN_SECONDS,
        push_retry_pauses: Sequence[float] = PUSH_RETRY_PAUSES,
        video_ready_pauses: Sequence[float] = VIDEO_READY_PAUSES,
        shared: SharedLinks | None = None,
    ) -> None:
        self.settings = settings
        self._handle = handle
        self.files = files
        self.max_body_bytes = max_body_bytes
        self.reply_token_seconds = reply_token_seconds
        self.push_retry_pauses = tuple(push_retry_pauses)
        self.video_ready_pauses = tuple(video_ready_pauses)
        self.routes: list[BaseRoute] = [Route(WEBHOOK_PATH, self.webhook, methods=["POST"])]
        self.shared = shared  # signed links to statistics files, when a public URL is set
        if shared is not None:
            self.routes += shared.routes
        self._client: AsyncApiClient | None = None
        self.api: AsyncMessagingApi | None = None
        self.blob: AsyncMessagingApiBlob | None = None
        self.content: ContentFetcher | None = None
        self._queues: dict[str, deque[Inbound]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._turns = asyncio.Semaphore(MAX_CONCURRENT_TURNS)

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Open the API client; it lives on the server's event loop."""
        self._client = AsyncApiClient(api_configuration(self.settings))
        self.api = AsyncMessagingApi(self._client)
        self.blob = AsyncMessagingApiBlob(self._client)
        self.content = ContentFetcher(
            self.settings.line_api_host or None,
            self.settings.line_channel_access_token,
            self.blob,
            ready_pauses=self.video_ready_pauses,
        )

    async def stop(self) -> None:
        """Let queued events finish (briefly), then close the client."""
        try:
            await asyncio.wait_for(self.join(), timeout=10)
        except TimeoutError:
            log.warning("LINE: stopping with %d chats still queued", len(self._queues))
            for task in self._workers.values():
                task.cancel()
        if self.content is not None:
            await self.content.close()
            self.content = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def join(self) -> None:
        """Wait until every queued event has been handled and answered."""
        while self._workers:
            await asyncio.gather(*self._workers.values(), return_exceptions=True)

    # -- webhook -----------------------------------------------------------------------

    async def webhook(self, request: Request) -> Response:
        try:
            body = await _read_body(request, self.max_body_bytes)
        except BodyTooLarge:
            return PlainTextResponse("payload too large", status_code=413)
        except ClientDisconnect:
            return PlainTextResponse("", status_code=400)
        signature = request.headers.get("x-line-signature", "")
        if not signature_ok(body, signature, self.settings.line_channel_secret):
            log.warning("LINE webhook with a bad or missing signature refused")
            return PlainTextResponse("bad signature", status_code=400)
        try:
            events = parse_body(body)
        except (ValueError, AttributeError):
            return PlainTextResponse("bad body", status_code=400)
        received_at = asyncio.get_running_loop().time()
        for native in events:
            chat_key = chat_of(native)[0]
            if chat_key:
                self._enqueue(Inbound(native, chat_key, received_at))
        return PlainTextResponse("OK")

    def _enqueue(self, item: Inbound) -> None:
        queue = self._queues.get(item.chat_key)
        if queue is None:
            queue = self._queues[item.chat_key] = deque()
            self._workers[item.chat_key] = asyncio.create_task(self._work(item.chat_key))
        queue.append(item)

    async def _work(self, chat_key: str) -> None:
        """Drain one chat's queue in order; the worker ends when the queue is empty."""
        queue = self._queues[chat_key]
        try:
            while queue:
                item = queue.popleft()
                try:
                    async with self._turns:
                        await self._process(item)
                except ApiException as exc:
                    # Only the status: LINE's error body may quote what was sent (a tip?).
                    log.error("LINE: API call failed (%s, status %s)", item.native.type, exc.status)
                except Exception:
                    # Ids and text are not logged: the event may be a corruption tip.
                    log.exception("LINE: event failed (type=%s)", item.native.type)
        finally:
            # No await between the empty check and here, so nothing is enqueued in between.
            del self._queues[chat_key]
            del self._workers[chat_key]

    async def _process(self, item: Inbound) -> None:
        assert self.content is not None, "LineChannel.start() was not called"
        native = item.native
        translation = await translate(
            native, self.content, self.files, self.settings.max_upload_bytes
        )
        if translation.notice is not None:
            messages: list[Message] = [TextMessage(text=translation.notice)]
        elif translation.event is not None:
            replies = await self._handle(translation.event)
            if not replies:
                # An event already processed: the files fetched again are not needed.
                for attachment in translation.event.attachments:
                    self.files.delete(attachment.key)
                return
            messages = await self._render(replies)
        else:
            return
        await self.deliver(
            item.chat_key,
            messages,
            reply_token=reply_token_of(native),
            token_age=self._token_age(item),
            retry_seed=native.webhook_event_id,
        )

    def _token_age(self, item: Inbound) -> float:
        waited = asyncio.get_running_loop().time() - item.received_at
        if item.native.delivery_context.is_redelivery:
            # A redelivered event may be old already: count from when it happened.
            waited = max(waited, time.time() - item.native.timestamp / 1000)
        return waited

    # -- sending -----------------------------------------------------------------------

    async def deliver(
        self,
        to: str,
        messages: Sequence[Message],
        *,
        reply_token: str | None = None,
        token_age: float = 0.0,
        retry_seed: str | None = None,
    ) -> None:
        """Send `messages` in calls of at most 5: the first by reply token if it is fresh,
        and the rest, or all when the token is stale or the reply fails, by push.

        A reply that fails on LINE's side (5xx, no answer) is pushed too: a user who might
        see a message twice is better off than one who never sees their tracking code.
        """
        assert self.api is not None, "LineChannel.start() was not called"
        use_token = reply_token if token_age < self.reply_token_seconds else None
        for index, group in enumerate(batches(messages)):
            if index == 0 and use_token:
                try:
                    await self.api.reply_message(
                        ReplyMessageRequest(reply_token=use_token, messages=group),
                        _request_timeout=API_TIMEOUT,
                    )
                    continue
                except ApiException as exc:
                    if exc.status != 400 and not _transient(exc):
                        raise
                    log.info("LINE reply failed (status %s); pushing instead", exc.status)
                except (aiohttp.ClientError, TimeoutError):
                    log.info("LINE reply got no answer; pushing instead")
            await self._push(to, group, retry_seed, index)

    async def push(self, to: str, replies: Sequence[Reply]) -> None:
        """Send replies that answer no event (e.g. a status-change notification)."""
        await self.deliver(to, await self._render(replies), retry_seed=uuid.uuid4().hex)

    async def send_out(self, to: str, delivery: Delivery, key: str) -> None:
        """An outbox message by push (it uses the monthly quota). `key` seeds LINE's retry
        key, so a message re-sent after a crash is dropped by LINE instead of shown twice."""
        messages: list[Message] = await self._render(delivery.replies)
        if delivery.location is not None:
            loc = delivery.location
            pin = LocationMessage(
                title=(loc.title or msg.LOCATION_TITLE)[:100],
                address=msg.LOCATION_ADDRESS.format(lat=loc.latitude, lon=loc.longitude),
                latitude=loc.latitude,
                longitude=loc.longitude,
            )
            messages.insert(max(len(messages) - 1, 0), pin)  # quick replies stay on the last
        await self.deliver(to, messages, retry_seed=key)

    async def _render(self, replies: Sequence[Reply]) -> list[Message]:
        """`replies` as LINE messages, with signed links to the shareable files they show."""
        keys = shared_keys(replies)
        if self.shared is None or not keys:
            return render(replies)
        return render(replies, await asyncio.to_thread(self.shared.links, keys))

    async def _push(
        self, to: str, group: list[Message], retry_seed: str | None, index: int
    ) -> None:
        """Push one batch, retrying LINE-side failures with the same retry key, so LINE
        delivers it once even if an earlier attempt got through (409 then)."""
        assert self.api is not None
        seed = retry_seed or uuid.uuid4().hex
        key = str(uuid.uuid5(_RETRY_NAMESPACE, f"{seed}:{index}"))
        request = PushMessageRequest(to=to, messages=group)
        for attempt, pause in enumerate((*self.push_retry_pauses, None)):
            try:
                await self.api.push_message(
                    request, x_line_retry_key=key, _request_timeout=API_TIMEOUT
                )
                return
            except ApiException as exc:
                if exc.status == 409:  # this retry key was accepted before: delivered
                    return
                if pause is None or not _transient(exc):
                    raise
            except (aiohttp.ClientError, TimeoutError):
                if pause is None:
                    raise
            log.info("LINE push failed (attempt %d); retrying", attempt + 1)
            await asyncio.sleep(pause)


def _transient(exc: ApiException) -> bool:
    return exc.status is not None and (exc.status >= 500 or exc.status == 429)


def make_channel(settings: Settings, core: Core) -> LineChannel | None:
    """The LINE channel when its secret and access token are configured, else None."""
    if not (settings.line_channel_secret and settings.line_channel_access_token):
        return None
    shared = None
    if settings.public_url:
        if not settings.public_url.startswith("https://"):
            log.warning("COMPLAINTBOT_PUBLIC_URL is not https: LINE will not load its pictures")
        shared = SharedLinks(core.db, core.files, settings.public_url)
    return LineChannel(settings, core.engine.handle, core.files, shared=shared)


__all__ = ["LineChannel", "make_channel", "signature_of", "signature_ok"]
