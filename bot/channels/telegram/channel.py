"""The Telegram channel: python-telegram-bot for the Bot API, the core for the conversation.

PTB is used as a Bot API client and update source only (polling through its `Updater`, or
our own Starlette route for webhooks); its ConversationHandler and persistence are not,
because conversation state lives in our database, shared with LINE and across workers.

Every update, from the webhook or from our own getUpdates loop, is stored in the inbox
(`bot.channels.inbox`, committed) before Telegram is answered or the polling offset moves on; a
pressed button's spinner is stopped right then. The inbox then works each chat's updates in
arrival order, across processes: translate (`telegram_events.parse`), download files into the
file store, run one turn of `core.engine`, then send the replies (`telegram_render`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import logging
import re
import traceback
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import BotCommand, CallbackQuery, Message, Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.channels.accounts import Account, tagged, turns_of, untagged
from bot.channels.inbox import Inbox, Prepared
from bot.channels.inbox import Incoming as Stored
from bot.channels.office_links import with_office_links
from bot.channels.parsed import ParsedEvents
from bot.channels.telegram.events import Incoming, chat_key, parse
from bot.channels.telegram.render import MAX_TEXT, Outgoing, render, utf16_len
from bot.channels.tls import client_context
from bot.channels.webhook_body import BadJson, BodyTooLarge, parse_json, read_capped
from bot.config import Settings
from bot.jobs.outbox_sender import Unreachable
from bot.send_progress import Progress
from handlers.outbound import Delivery
from handlers.types import Attachment, AttachmentKind, Channel, Event, Notice, Reply
from messages.channels import telegram as msg
from storage.conversations import event_key
from storage.protect.media import without_metadata

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files on the public Bot API
DOWNLOAD_TIMEOUT = 120  # seconds; PTB's default of 5 is too short for 20 MB on a slow line
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
MAX_BODY_BYTES = 1024 * 1024  # an update is a few kilobytes; files never come in the body
POLL_SECONDS = 25  # getUpdates long-poll timeout
POLLER_LOCK = hashlib.sha256(b"telegram getUpdates").hexdigest()  # one poller per deployment
POLLER_WAIT_SECONDS = 2.0
_SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts


class FileTooBig(Exception):
    """A photo or file over the size limit: refused before or while downloading."""


def file_base_url(api_base_url: str) -> str:
    """`http://host:8081/bot` -> `http://host:8081/file/bot`, as the Bot API serves files."""
    parts = urlsplit(api_base_url)
    return f"{parts.scheme}://{parts.netloc}/file/bot"


def build_application(settings: Settings, token: str | None = None) -> Application:
    """PTB as a Bot API client only: updates come from our webhook route or our own poller,
    which stores them in the inbox before confirming them to Telegram."""
    token = settings.telegram_bot_token if token is None else token
    builder = Application.builder().token(token).updater(None)
    # The process's one TLS context (`bot.channels.tls`), not two new ones per account; the
    # pool sizes are PTB's defaults.
    tls = {"verify": client_context()}
    builder = builder.request(HTTPXRequest(connection_pool_size=256, httpx_kwargs=tls))
    builder = builder.get_updates_request(HTTPXRequest(connection_pool_size=1, httpx_kwargs=tls))
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")  # PTB appends the token directly
        builder = builder.base_url(base).base_file_url(file_base_url(base))
    return builder.build()


class TelegramChannel:
    """A `ChannelRunner` for Telegram: `routes` for the web server, `start()`, `stop()`.

    Also the inbox's `InboxChannel` for Telegram (`prepare`, `deliver_replies`).
    """

    name = "telegram"
    outbox_channel = "telegram"  # delivers the outbox messages of this channel (`send_out`)

    def __init__(
        self,
        settings: Settings,
        core: Core,
        *,
        max_body_bytes: int = MAX_BODY_BYTES,
        account: Account | None = None,
    ):
        self.settings = settings
        self.core = core
        self.account = account or Account(
            "telegram", "", core.org_id, token=settings.telegram_bot_token,
            webhook_secret=settings.telegram_webhook_secret,
        )  # fmt: skip
        self.name = self.account.inbox_name
        # An organisation's own or the shared bot always takes webhooks, through
        # `bot.web.hosting`; `complaintbot telegram set-webhook SLUG` registers them.
        self.hosted = bool(self.account.owner)
        self.webhook = self.hosted or bool(settings.telegram_webhook_url)
        self.max_body_bytes = max_body_bytes
        self.app = build_application(settings, self.account.token)
        self.routes: list[Route] = (
            [Route(WEBHOOK_PATH, self._on_webhook, methods=["POST"])]
            if self.webhook and not self.hosted
            else []
        )
        self.download_limit = min(settings.max_upload_bytes, BOT_API_DOWNLOAD_LIMIT)
        self.inbox = Inbox(core.db, self.account.org_id, self, turns_of(core.engine, self.account))
        self._parsed: ParsedEvents[Update] = ParsedEvents()  # until delivered
        self._answering: set[asyncio.Task] = set()
        self._poller: asyncio.Task | None = None
        self._running = False

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Log in, publish the command menu, then start polling or register the webhook."""
        await self.app.initialize()  # getMe: a wrong token fails here, loudly
        try:
            await self.app.start()
            self._running = True  # from here a webhook post is processed, not refused
            bot = self.app.bot
            if self.hosted:  # set up once by `complaintbot telegram set-webhook SLUG`
                await self.inbox.start()
                return
            await bot.set_my_commands([BotCommand(name, text) for name, text in msg.COMMANDS])
            await self.inbox.start()
            if self.webhook:
                await bot.set_webhook(
                    self.settings.telegram_webhook_url,
                    secret_token=self.settings.telegram_webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
            else:
                await bot.delete_webhook()  # Telegram allows only one of webhook and polling
                self._poller = asyncio.create_task(self._poll())
        except BaseException:
            self._running = True  # so that stop() below undoes whatever was started
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stop taking updates, finish the turns already started, then log out cleanly.

        The webhook stays registered: other workers (or the next start) keep serving it.
        Updates stored and not yet answered stay in the inbox for the next start.
        """
        if not self._running:
            return
        self._running = False
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        await self.inbox.stop()
        await self._answered()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

    async def drain(self) -> None:
        """Wait until every stored update has been processed and answered."""
        await self.inbox.join()
        await self._answered()

    async def _answered(self) -> None:
        while self._answering:
            await asyncio.wait(list(self._answering))

    # -- intake ------------------------------------------------------------------------------

    async def _poll(self) -> None:
        """getUpdates in a loop; an offset moves past updates only once they are stored.

        With several processes only one polls (Telegram allows one getUpdates at a time);
        the others wait to take over, and all of them work the inbox.
        """
        while not await self.inbox.locks.acquire(POLLER_LOCK):
            await asyncio.sleep(POLLER_WAIT_SECONDS)
        try:
            await self._poll_updates()
        finally:
            await self.inbox.locks.release(POLLER_LOCK)

    async def _poll_updates(self) -> None:
        offset: int | None = None
        pause = 0.0
        while True:
            await asyncio.sleep(pause)
            params: dict = {"timeout": POLL_SECONDS, "allowed_updates": ALLOWED_UPDATES}
            if offset is not None:
                params["offset"] = offset
            try:
                raw = await self.app.bot._post(  # the raw JSON: we store it as sent
                    "getUpdates", api_kwargs=params, read_timeout=POLL_SECONDS + 10
                )
                updates = [u for u in raw if isinstance(u, dict)] if isinstance(raw, list) else []
                await self._intake(updates)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("telegram polling failed (%s); retrying", type(exc).__name__)
                pause = min(max(pause * 2, 0.5), 30.0)
                continue
            pause = 0.0
            ids = [u["update_id"] for u in updates if _is_update_id(u.get("update_id"))]
            if ids:
                offset = max(ids) + 1

    async def webhook_endpoint(self, request: Request) -> Response:
        """The webhook, as `bot.web.hosting` calls it for an account kept in the database."""
        return await self._on_webhook(request)

    async def _on_webhook(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        expected = self.account.webhook_secret
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            return Response(status_code=403)
        if not self._running:
            return Response(status_code=503)  # Telegram retries later
        try:
            body = await read_capped(request, self.max_body_bytes)
            data = parse_json(body)
        except BodyTooLarge:
            return Response(status_code=413)
        except (BadJson, ClientDisconnect):
            return Response(status_code=400)
        if not isinstance(data, dict) or not _is_update_id(data.get("update_id")):
            return Response(status_code=400)
        try:
            stored = await self._intake([data])
        except Exception as exc:
            log.error("telegram update could not be stored (%s)", type(exc).__name__)
            return Response(status_code=500)  # Telegram sends it again
        return Response(status_code=200 if stored is not None else 400)

    async def _intake(self, raws: list[dict]) -> int | None:
        """Store the updates that parse (committed), then stop the spinner of pressed buttons.

        Returns how many were stored, or None when none of them parsed.
        """
        items: list[Stored] = []
        parsed: dict[str, Update] = {}
        skipped = 0
        bot_id = self.app.bot.id
        for raw in raws:
            try:
                update = Update.de_json(raw, self.app.bot)
            except Exception:
                update = None
            if update is None or not _is_update_id(raw.get("update_id")):
                skipped += 1
                continue
            key = event_key(Channel.TELEGRAM.value, f"{bot_id}:{update.update_id}")
            items.append(Stored(chat_key(update), key, {"update": raw}))
            parsed[key] = update
            self._parsed.keep(str(update.update_id), update)
        if skipped:
            log.info("telegram: skipped %d malformed update(s)", skipped)
        if not items:
            return None if skipped else 0
        for item in await self.inbox.store(items):
            query = parsed[item.event_key].callback_query
            if query is not None:
                # Stop the button's spinner now, even if the chat's earlier turns still run.
                answering = asyncio.create_task(self._answer(query))
                self._answering.add(answering)
                answering.add_done_callback(self._answering.discard)
        return len(items)

    # -- the inbox's side --------------------------------------------------------------------

    async def prepare(self, payload: dict) -> Prepared:
        update = self._update(payload)
        try:
            event = await self.to_event(update)
        except FileTooBig:
            return Prepared(replies=[Reply(msg.file_too_big(self.download_limit))])
        return Prepared(event=tagged(event, self.account.chat_prefix) if event else None)

    async def deliver_replies(
        self,
        payload: dict,
        replies: list[Reply],
        *,
        retry: bool = False,
        progress: Progress | None = None,
    ) -> None:
        """Send the replies from where an earlier attempt got (`progress`): a message Telegram
        accepted is not sent again. Telegram's sendMessage takes no idempotency key and the
        Bot API cannot read a chat back, so the one message that was on its way when a
        process died (`progress.uncertain`) is sent again: a citizen may see that one message
        twice, never miss it (a tracking code must arrive)."""
        update = self._update(payload, last=True)
        chat = update.effective_chat
        if chat is None:
            return
        try:
            deleting = [r.delete_ref for r in replies if r.delete_ref]
            if update.callback_query is not None and not deleting:
                await self._close_menu(update.callback_query, replies)
            for ref in deleting:  # the message that showed a tip's code, once it is saved
                await self._delete_message(chat.id, ref)
            await self.deliver(chat.id, replies, progress)
        except Forbidden:
            # The citizen blocked the bot (or left the group): nobody to answer.
            log.info("telegram chat no longer reachable; replies dropped")
        except Exception as exc:
            _log_failure(exc)
            raise

    def _update(self, payload: dict, *, last: bool = False) -> Update:
        """The update as this process's webhook parsed it (`last`: delivery, its last use)."""
        raw = payload["update"]
        parse = functools.partial(Update.de_json, raw, self.app.bot)
        return self._parsed.use(str(raw.get("update_id", "")), parse, last=last)

    def discard(self, prepared: Prepared) -> None:
        if prepared.event is not None:
            self._delete_files(prepared.event)

    def apology(self) -> list[Reply]:
        return [Reply(msg.APOLOGY)]

    # -- one update --------------------------------------------------------------------------

    async def to_event(self, update: Update) -> Event | None:
        """The event for `update`, with its photos and files saved in the file store."""
        incoming = parse(update, self.app.bot.id, self.app.bot.username or "")
        if incoming is None:
            return None
        return await self._download(incoming)

    async def _download(self, incoming: Incoming) -> Event:
        saved: list[Attachment] = []
        try:
            for ref in incoming.files:
                if ref.size is not None and ref.size > self.download_limit:
                    raise FileTooBig
                try:
                    remote = await self.app.bot.get_file(ref.file_id)
                except BadRequest as exc:
                    if "too big" in str(exc).lower():
                        raise FileTooBig from exc
                    raise
                if remote.file_size is not None and remote.file_size > self.download_limit:
                    raise FileTooBig
                data = bytes(await remote.download_as_bytearray(read_timeout=DOWNLOAD_TIMEOUT))
                if len(data) > self.download_limit:
                    raise FileTooBig
                if ref.kind is AttachmentKind.PHOTO:
                    data = await asyncio.to_thread(without_metadata, data)
                key = await asyncio.to_thread(self.core.files.save, data, suffix=ref.suffix)
                saved.append(Attachment(ref.kind, key, len(data), ref.mime, ref.name))
        except BaseException:
            for attachment in saved:
                self.core.files.delete(attachment.key)
            raise
        return replace(incoming.event, attachments=tuple(saved))

    def _delete_files(self, event: Event) -> None:
        for attachment in event.attachments:
            self.core.files.delete(attachment.key)

    # -- output ------------------------------------------------------------------------------

    async def deliver(
        self, chat_id: int | str, replies: list[Reply], progress: Progress | None = None
    ) -> int:
        """Send the replies' messages, skipping those `progress` says Telegram took before;
        returns how many messages the replies make."""
        progress = progress or Progress.untracked()
        messages = render(with_office_links(replies, self.settings.public_url))
        for unit, out in enumerate(messages):
            if unit < progress.sent:
                continue  # Telegram took it before a crash
            await progress.attempt(unit)
            await self._send(chat_id, out)
            await progress.accepted(unit)
        return len(messages)

    async def send_out(
        self, chat_id: str, delivery: Delivery, key: str, *, progress: Progress | None = None
    ) -> None:
        """An outbox message (a notice, news for a citizen), with its map pin if it has one,
        from where an earlier attempt got (`progress`: the pin is the last part)."""
        chat = int(untagged(chat_id)[1])
        progress = progress or Progress.untracked()
        try:
            parts = await self.deliver(chat, delivery.replies, progress)
            if delivery.location is not None and progress.sent <= parts:
                loc = delivery.location
                await progress.attempt(parts)
                await self.app.bot.send_location(chat, loc.latitude, loc.longitude)
                await progress.accepted(parts)
        except Forbidden as exc:
            raise Unreachable from exc

    async def _send(self, chat_id: int | str, out: Outgoing, attempts: int = 3) -> Message:
        for attempt in range(attempts):
            try:
                return await self._send_once(chat_id, out)
            except RetryAfter as exc:  # flood control: wait as long as Telegram asks
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(_seconds(exc.retry_after))
        raise AssertionError("unreachable")

    async def _send_once(self, chat_id: int | str, out: Outgoing) -> Message:
        bot = self.app.bot
        if out.kind == "photo":
            return await bot.send_photo(chat_id, self._file_bytes(out.key))
        if out.kind == "document":
            return await bot.send_document(
                chat_id, self._file_bytes(out.key), filename=out.name or out.key
            )
        return await bot.send_message(chat_id, out.text, reply_markup=out.keyboard)

    async def _delete_message(self, chat_id: int | str, ref: str) -> None:
        """Delete a bot message (one that showed a tip code); if Telegram refuses (older than
        48 hours), blank it instead, so the code does not stay on screen."""
        bot = self.app.bot
        try:
            await bot.delete_message(chat_id, int(ref))
            return
        except TelegramError:
            log.info("telegram message could not be deleted; blanking it instead")
        try:
            await bot.edit_message_text(msg.MESSAGE_REMOVED, chat_id=chat_id, message_id=int(ref))
        except TelegramError:
            log.warning("telegram message could neither be deleted nor blanked")

    def _file_bytes(self, key: str | None) -> bytes:
        assert key is not None
        return self.core.files.read(key)

    async def _answer(self, query: CallbackQuery) -> None:
        """Stop the button's spinner; a query too old to answer is no reason to stop."""
        try:
            await query.answer()
        except TelegramError:
            log.info("telegram callback query could not be answered (too old?)")

    async def _close_menu(self, query: CallbackQuery, replies: list[Reply]) -> None:
        """Take the buttons off the message that was pressed, so old menus do not linger.

        An accepted press is echoed under the question ("✅ label") to keep the chat readable;
        a stale one (the core answers with its stale-button note) just loses its buttons; after
        a failed turn the buttons stay, so that the citizen can press again.
        """
        message = query.message
        if not isinstance(message, Message) or message.reply_markup is None:
            return
        if replies[0].notice is Notice.FAILED:
            return
        label = _button_label(message, query.data)
        new_text = msg.chosen(message.text, label) if message.text and label else None
        try:
            if new_text and not _is_stale_answer(replies) and utf16_len(new_text) <= MAX_TEXT:
                await message.edit_text(new_text, reply_markup=None)
            else:
                await message.edit_reply_markup(reply_markup=None)
        except TelegramError:
            log.info("telegram menu could not be edited (too old or already edited)")


def _button_label(message: Message, data: str | None) -> str:
    markup = message.reply_markup
    if markup is None:
        return ""
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return ""


def _is_stale_answer(replies: list[Reply]) -> bool:
    return bool(replies) and replies[0].notice is Notice.STALE


def _is_update_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _log_failure(exc: BaseException) -> None:
    """Log where it failed, never what: exception messages can quote a tip or a chat id."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("telegram update failed: %s\n%s", type(exc).__name__, frames)


def _quiet(name: str, level: int) -> None:
    logger = logging.getLogger(name)
    logger.setLevel(max(logger.level, level))


def make_channel(settings: Settings, core: Core) -> TelegramChannel | None:
    """The Telegram channel when TELEGRAM_BOT_TOKEN is set, else None."""
    if not settings.telegram_bot_token:
        return None
    if settings.telegram_webhook_url and not _SECRET_FORMAT.match(settings.telegram_webhook_secret):
        raise ValueError(
            "TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET: 1-256 characters of "
            "A-Z, a-z, 0-9, _ and -, so that only Telegram can post updates to the bot"
        )
    return account_channel(settings, core, None)


def account_channel(settings: Settings, core: Core, account: Account | None) -> TelegramChannel:
    """The Telegram channel of one account (None: the environment's)."""
    _quiet("httpx", logging.WARNING)  # logs every URL at INFO; Bot API URLs hold the token
    _quiet("telegram", logging.INFO)  # PTB logs whole updates, text included, at DEBUG
    return TelegramChannel(settings, core, account=account)
