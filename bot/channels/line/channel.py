"""The LINE channel: a signed webhook in, Messaging API replies and pushes out.

`POST /line/webhook` checks the body size and the `X-Line-Signature` before it parses
anything, stores each event in the inbox (`bot.channels.inbox`, committed) and only then
answers 200.
The inbox works each chat's events in order, across processes; each event becomes one core
turn, and its replies go back with the event's reply token while it is fresh, and by push
otherwise.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import logging
import time
import uuid
from collections.abc import Sequence
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
)
from linebot.v3.webhooks import Event as LineEvent
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.accounts import Account, tagged, turns_of, untagged
from bot.channels.inbox import Inbox, Incoming, Prepared
from bot.channels.line import pool
from bot.channels.line.content import VIDEO_READY_PAUSES, ContentFetcher
from bot.channels.line.events import (
    chat_of,
    events_of,
    incoming_events,
    reply_token_of,
    translate,
    translate_now,
)
from bot.channels.line.render import batches, render, shared_keys
from bot.channels.line.wire import Sender
from bot.channels.office_links import with_office_links
from bot.channels.parsed import ParsedEvents
from bot.channels.webhook_body import BadJson, BodyTooLarge, parse_json, read_capped
from bot.send_progress import Progress
from bot.shared_links import SharedLinks
from handlers.outbound import Delivery
from handlers.types import Notice, Reply
from messages import common
from messages.channels import line as msg

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
_RETRY_NAMESPACE = uuid.UUID("3b1f0c52-8d7e-4f55-9a53-6f2f3c1d7e01")


def signature_of(body: bytes, secret: str) -> str:
    """The `X-Line-Signature` LINE sends: base64 of HMAC-SHA256 of the raw body."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_ok(body: bytes, signature: str, secret: str) -> bool:
    if not signature or not secret:
        return False
    return hmac.compare_digest(signature_of(body, secret).encode(), signature.encode())


def api_configuration(settings: Settings, token: str | None = None) -> Configuration:
    """`LINE_API_HOST` replaces both api.line.me and api-data.line.me (tests, proxies)."""
    return Configuration(
        host=settings.line_api_host.rstrip("/") or None,
        access_token=settings.line_channel_access_token if token is None else token,
    )


def env_account(settings: Settings, core: Core) -> Account:
    """The single-organisation setup's account: the environment's secret and token."""
    return Account(
        "line", "", core.org_id, settings.line_channel_secret, settings.line_channel_access_token
    )


class LineChannel:
    """The LINE adapter, runnable by `complaintbot serve` (see `bot.web.routes.ChannelRunner`).

    Also the inbox's `InboxChannel` for LINE: `prepare` turns a stored event into a core
    event, `deliver` sends its replies.
    """

    name = "line"

    outbox_channel = "line"  # delivers the outbox messages of this channel (`send_out`)

    def __init__(
        self,
        settings: Settings,
        core: Core,
        *,
        max_body_bytes: int = MAX_BODY_BYTES,
        reply_token_seconds: float = REPLY_TOKEN_SECONDS,
        push_retry_pauses: Sequence[float] = PUSH_RETRY_PAUSES,
        video_ready_pauses: Sequence[float] = VIDEO_READY_PAUSES,
        shared: SharedLinks | None = None,
        account: Account | None = None,
    ) -> None:
        self.settings = settings
        self.account = account or env_account(settings, core)
        self.name = self.account.inbox_name
        self.files = core.files
        self.max_body_bytes = max_body_bytes
        self.reply_token_seconds = reply_token_seconds
        self.push_retry_pauses = tuple(push_retry_pauses)
        self.video_ready_pauses = tuple(video_ready_pauses)
        # An organisation's own or the shared account is reached through `bot.web.hosting`.
        self.routes: list[BaseRoute] = (
            [] if self.account.owner else [Route(WEBHOOK_PATH, self.webhook, methods=["POST"])]
        )
        self.shared = shared  # signed links to statistics and photos, when a public URL is set
        if shared is not None:
            self.routes += shared.routes
        self._client: AsyncApiClient | None = None
        self.api: AsyncMessagingApi | None = None
        self.blob: AsyncMessagingApiBlob | None = None
        self.sender: Sender | None = None  # replies and pushes (`bot.channels.line.wire`)
        self.content: ContentFetcher | None = None
        self.inbox = Inbox(core.db, self.account.org_id, self, turns_of(core.engine, self.account))
        self._parsed: ParsedEvents[LineEvent] = ParsedEvents()  # until delivered

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Open the API client (it lives on the server's event loop), then the inbox, which
        begins with whatever a previous process left unanswered."""
        # On the process's one connection pool: cheap per account (`bot.channels.line.pool`).
        configuration = api_configuration(self.settings, self.account.token)
        self._client = pool.api_client(configuration)
        self.api = AsyncMessagingApi(self._client)
        self.sender = Sender(configuration.host or self.api.line_base_path, self.account.token)
        self.blob = AsyncMessagingApiBlob(self._client)
        self.content = ContentFetcher(
            self.settings.line_api_host or None,
            self.account.token,
            self.blob,
            ready_pauses=self.video_ready_pauses,
        )
        await self.inbox.start()

    async def stop(self) -> None:
        """Let chats in progress finish (briefly; the rest waits in the inbox), then close."""
        await self.inbox.stop()
        if self.content is not None:
            await self.content.close()
            self.content = None
        if self.sender is not None:
            await self.sender.close()
            self.sender = None
        if self._client is not None:
            await pool.release(self._client)
            self._client = None

    async def join(self) -> None:
        """Wait until every stored event has been handled and answered."""
        await self.inbox.join()

    # -- webhook -----------------------------------------------------------------------

    async def webhook(self, request: Request) -> Response:
        """Check size and signature, store each well-formed event, and only then answer 200.

        A malformed event is skipped (and counted in the log, without its content); the
        events beside it are stored. If the database cannot take them the answer is 500,
        and LINE redelivers.
        """
        try:
            body = await read_capped(request, self.max_body_bytes)
        except BodyTooLarge:
            return PlainTextResponse("payload too large", status_code=413)
        except ClientDisconnect:
            return PlainTextResponse("", status_code=400)
        signature = request.headers.get("x-line-signature", "")
        if not signature_ok(body, signature, self.account.secret):
            log.warning("LINE webhook with a bad or missing signature refused")
            return PlainTextResponse("bad signature", status_code=400)
        try:
            raw_events = events_of(parse_json(body))
        except BadJson:
            return PlainTextResponse("bad body", status_code=400)
        parsed, skipped = incoming_events(raw_events, time.time())
        for _item, native in parsed:
            self._parsed.keep(native.webhook_event_id, native)  # for its turn and delivery
        items = [item for item, _native in parsed]
        if skipped:
            log.info("LINE webhook: skipped %d malformed or unknown event(s)", skipped)
        try:
            await self.inbox.store(items)
        except Exception as exc:
            log.error("LINE webhook: events could not be stored (%s)", type(exc).__name__)
            return PlainTextResponse("try again", status_code=500)
        return PlainTextResponse("OK")

    async def webhook_endpoint(self, request: Request) -> Response:
        """The webhook, as `bot.web.hosting` calls it for an account kept in the database."""
        return await self.webhook(request)

    # -- the inbox's side --------------------------------------------------------------

    async def prepare(self, payload: dict) -> Prepared:
        assert self.content is not None, "LineChannel.start() was not called"
        native = self._native(payload)
        translation = await translate(
            native, self.content, self.files, self.settings.max_upload_bytes
        )
        if translation.notice is not None:
            return Prepared(replies=[Reply(translation.notice)])
        event = translation.event
        return Prepared(event=tagged(event, self.account.chat_prefix) if event else None)

    def prepare_now(self, item: Incoming) -> Prepared | None:
        """`prepare` for an event that needs no download, from the event the webhook parsed;
        None when its content must be fetched (the inbox then queues it)."""
        translation = translate_now(self._native(item.payload))
        if translation is None:
            return None
        if translation.notice is not None:
            return Prepared(replies=[Reply(translation.notice)])
        event = translation.event
        return Prepared(event=tagged(event, self.account.chat_prefix) if event else None)

    async def deliver_replies(
        self,
        payload: dict,
        replies: list[Reply],
        *,
        retry: bool = False,
        progress: Progress | None = None,
    ) -> None:
        """Send the replies from where an earlier attempt got (`progress`); a call that was on
        its way when a process died is made again in a way LINE takes only once (`deliver`)."""
        native = self._native(payload, last=True)
        chat = chat_of(native)[0]
        progress = progress or Progress.untracked()
        try:
            await self.deliver(
                chat,
                await self._render(replies),
                reply_token=reply_token_of(native),
                token_age=self._token_age(native, payload["received"]),
                retry_seed=native.webhook_event_id,
                progress=progress,
            )
        except ApiException as exc:
            # Only the status: LINE's error body may quote what was sent (a tip?).
            log.error("LINE: API call failed (%s, status %s)", native.type, exc.status)
            raise

    def _native(self, payload: dict, *, last: bool = False) -> LineEvent:
        """The event as this process's webhook parsed it (`last`: delivery, its last use)."""
        raw = payload["event"]
        parse = functools.partial(LineEvent.from_dict, raw)
        return self._parsed.use(raw.get("webhookEventId", ""), parse, last=last)

    def discard(self, prepared: Prepared) -> None:
        if prepared.event is not None:
            for attachment in prepared.event.attachments:
                self.files.delete(attachment.key)

    def apology(self) -> list[Reply]:
        return [Reply(common.INTERNAL_ERROR, notice=Notice.FAILED)]

    def _token_age(self, native: LineEvent, received: float) -> float:
        waited = time.time() - received
        if native.delivery_context.is_redelivery:
            # A redelivered event may be old already: count from when it happened.
            waited = max(waited, time.time() - native.timestamp / 1000)
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
        progress: Progress | None = None,
    ) -> None:
        """Send `messages` in calls of at most 5: the first by reply token if it is fresh,
        and the rest, or all when the token is stale or the reply fails, by push.

        Calls LINE accepted before a crash (`progress.sent`) are not made again. A reply that
        fails on LINE's side (5xx, no answer) is pushed too: a user who might see a message
        twice is better off than one who never sees their tracking code. Pushes carry a
        retry key derived from `retry_seed`, so LINE takes each once. When the first call was
        on its way as an earlier attempt died (`progress.uncertain`), LINE refusing the
        single-use token means that attempt delivered the batch: it is not pushed again.
        """
        assert self.sender is not None, "LineChannel.start() was not called"
        progress = progress or Progress.untracked()
        use_token = reply_token if token_age < self.reply_token_seconds else None
        groups = batches(messages)
        for index, group in enumerate(groups):
            if index < progress.sent:
                continue  # LINE took it before a crash
            maybe_used = progress.uncertain
            await progress.attempt(index, record=False)  # a repeat is one LINE drops
            by_token = index == 0 and use_token is not None
            if not (by_token and await self._reply(use_token, group, token_maybe_used=maybe_used)):
                await self._push(to, group, retry_seed, index)
            # A repeat of the last call is dropped by LINE (`progress.uncertain` above, the
            # retry key): what follows (the row's deletion) is its record.
            await progress.accepted(index, record=index < len(groups) - 1)

    async def _reply(
        self, token: str | None, group: list[Message], *, token_maybe_used: bool
    ) -> bool:
        """Answer with the reply token; False when the batch must be pushed instead."""
        assert self.sender is not None and token is not None
        try:
            await self.sender.reply(token, group, timeout=API_TIMEOUT)
            return True
        except ApiException as exc:
            if exc.status != 400 and not _transient(exc):
                raise
            if exc.status == 400 and token_maybe_used:
                log.info("LINE reply token used already: delivered before")
                return True
            log.info("LINE reply failed (status %s); pushing instead", exc.status)
        except (aiohttp.ClientError, TimeoutError):
            log.info("LINE reply got no answer; pushing instead")
        return False

    async def push(self, to: str, replies: Sequence[Reply]) -> None:
        """Send replies that answer no event (e.g. a status-change notification)."""
        await self.deliver(to, await self._render(replies), retry_seed=uuid.uuid4().hex)

    async def send_out(
        self, to: str, delivery: Delivery, key: str, *, progress: Progress | None = None
    ) -> None:
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
        await self.deliver(untagged(to)[1], messages, retry_seed=key, progress=progress)

    async def _render(self, replies: Sequence[Reply]) -> list[Message]:
        """`replies` as LINE messages, with signed links to the shareable files they show."""
        replies = with_office_links(replies, self.settings.public_url)
        keys = shared_keys(replies)
        if self.shared is None or not keys:
            return render(replies)
        return render(replies, await asyncio.to_thread(self.shared.links, keys))

    async def _push(
        self, to: str, group: list[Message], retry_seed: str | None, index: int
    ) -> None:
        """Push one batch, retrying LINE-side failures with the same retry key, so LINE
        delivers it once even if an earlier attempt got through (409 then)."""
        assert self.sender is not None
        seed = retry_seed or uuid.uuid4().hex
        key = str(uuid.uuid5(_RETRY_NAMESPACE, f"{seed}:{index}"))
        for attempt, pause in enumerate((*self.push_retry_pauses, None)):
            try:
                await self.sender.push(to, group, retry_key=key, timeout=API_TIMEOUT)
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
    if settings.public_url and not settings.public_url.startswith("https://"):
        log.warning("COMPLAINTBOT_PUBLIC_URL is not https: LINE will not load its pictures")
    return account_channel(settings, core, None)


def account_channel(settings: Settings, core: Core, account: Account | None) -> LineChannel:
    """The LINE channel of one account (None: the environment's)."""
    shared = None
    if settings.public_url:
        shared = SharedLinks(core.db, core.files, settings.public_url)
    return LineChannel(settings, core, shared=shared, account=account)


__all__ = ["LineChannel", "make_channel", "signature_of", "signature_ok"]
