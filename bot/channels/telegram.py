"""The Telegram channel: python-telegram-bot for the Bot API, the core for the conversation.

PTB is used as a Bot API client and update source only (polling through its `Updater`, or
our own Starlette route for webhooks); its ConversationHandler and persistence are not,
because conversation state lives in our database, shared with LINE and across workers.

A pressed button is answered as soon as it arrives. Then every update goes through
`TelegramChannel.process`: translate (`telegram_events.parse`), download files into the
file store, run one turn of `core.engine`, then send the replies (`telegram_render`).
Chats run side by side; one chat's updates run strictly in arrival order.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import traceback
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import BotCommand, CallbackQuery, Message, Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.channels.telegram_events import Incoming, chat_key, parse
from bot.channels.telegram_render import MAX_TEXT, Outgoing, render, utf16_len
from bot.config import Settings
from bot.outbox_sender import Unreachable
from handlers.outbound import Delivery
from handlers.types import Attachment, Event, Notice, Reply
from messages import telegram as msg

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files on the public Bot API
DOWNLOAD_TIMEOUT = 120  # seconds; PTB's default of 5 is too short for 20 MB on a slow line
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
MAX_PARALLEL_TURNS = 32  # chats processed at once; more wait (bounded by the DB pool anyway)
_SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts


class FileTooBig(Exception):
    """A photo or file over the size limit: refused before or while downloading."""


def file_base_url(api_base_url: str) -> str:
    """`http://host:8081/bot` -> `http://host:8081/file/bot`, as the Bot API serves files."""
    parts = urlsplit(api_base_url)
    return f"{parts.scheme}://{parts.netloc}/file/bot"


def build_application(settings: Settings, *, polling: bool) -> Application:
    builder = Application.builder().token(settings.telegram_bot_token)
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")  # PTB appends the token directly
        builder = builder.base_url(base).base_file_url(file_base_url(base))
    if not polling:
        builder = builder.updater(None)  # updates arrive on our webhook route instead
    return builder.build()


class TelegramChannel:
    """A `ChannelRunner` for Telegram: `routes` for the web server, `start()`, `stop()`."""

    outbox_channel = "telegram"  # delivers the outbox messages of this channel (`send_out`)

    def __init__(self, settings: Settings, core: Core) -> None:
        self.settings = settings
        self.core = core
        self.webhook = bool(settings.telegram_webhook_url)
        self.app = build_application(settings, polling=not self.webhook)
        self.app.add_handler(TypeHandler(Update, self._on_polled_update))
        self.routes: list[Route] = (
            [Route(WEBHOOK_PATH, self._on_webhook, methods=["POST"])] if self.webhook else []
        )
        self.download_limit = min(settings.max_upload_bytes, BOT_API_DOWNLOAD_LIMIT)
        self._tails: dict[str, asyncio.Task] = {}
        self._answering: set[asyncio.Task] = set()
        self._slots = asyncio.Semaphore(MAX_PARALLEL_TURNS)
        self._running = False

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Log in, publish the command menu, then start polling or register the webhook."""
        await self.app.initialize()  # getMe: a wrong token fails here, loudly
        try:
            await self.app.start()
            self._running = True  # from here a webhook post is processed, not refused
            bot = self.app.bot
            await bot.set_my_commands([BotCommand(name, text) for name, text in msg.COMMANDS])
            if self.webhook:
                await bot.set_webhook(
                    self.settings.telegram_webhook_url,
                    secret_token=self.settings.telegram_webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
            else:
                # start_polling deletes any webhook first: Telegram allows only one of the two.
                await self.app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        except BaseException:
            self._running = True  # so that stop() below undoes whatever was started
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stop taking updates, finish the turns already started, then log out cleanly.

        The webhook stays registered: other workers (or the next start) keep serving it.
        """
        if not self._running:
            return
        self._running = False
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.drain()
        await self.app.shutdown()

    async def drain(self) -> None:
        """Wait until every submitted update has been processed."""
        while self._tails or self._answering:
            await asyncio.wait([*self._tails.values(), *self._answering])

    # -- intake ------------------------------------------------------------------------------

    async def _on_polled_update(self, update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            self.submit(update)  # returns at once: PTB hands over the next update right away

    async def _on_webhook(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        expected = self.settings.telegram_webhook_secret
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            return Response(status_code=403)
        if not self._running:
            return Response(status_code=503)  # Telegram retries later
        try:
            update = Update.de_json(await request.json(), self.app.bot)
        except Exception:
            return Response(status_code=400)
        if update is None:
            return Response(status_code=400)
        # Answer Telegram only once the turn is committed and replied to, so an update is
        # never acknowledged and then lost; a redelivery is skipped by the engine.
        await asyncio.shield(self.submit(update))
        return Response(status_code=200)

    def submit(self, update: Update) -> asyncio.Task:
        """Queue `update` behind earlier updates of the same chat; other chats do not wait."""
        if update.callback_query is not None:
            # Stop the button's spinner now, even if this chat's earlier turns are still running.
            answering = asyncio.create_task(self._answer(update.callback_query))
            self._answering.add(answering)
            answering.add_done_callback(self._answering.discard)
        key = chat_key(update)
        task = asyncio.create_task(self._after(self._tails.get(key), update))
        self._tails[key] = task
        task.add_done_callback(partial(self._forget_tail, key))
        return task

    def _forget_tail(self, key: str, task: asyncio.Task) -> None:
        if self._tails.get(key) is task:
            del self._tails[key]

    async def _after(self, previous: asyncio.Task | None, update: Update) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        async with self._slots:
            await self.process(update)

    # -- one update --------------------------------------------------------------------------

    async def process(self, update: Update) -> None:
        """One update, start to finish. Failures are logged and answered with an apology."""
        bot = self.app.bot
        query = update.callback_query
        event: Event | None = None
        handled = False
        try:
            try:
                event = await self.to_event(update)
            except FileTooBig:
                chat = update.effective_chat
                if chat is not None:
                    await self.deliver(chat.id, [Reply(msg.file_too_big(self.download_limit))])
                return
            if event is None:
                return
            replies = await self.core.engine.handle(event)
            handled = True
            if not replies:
                # A redelivered update: the first delivery kept its own copies of any files.
                self._delete_files(event)
                return
            if query is not None:
                await self._close_menu(query, replies)
            await self.deliver(event.chat_id, replies)
        except Forbidden:
            # The citizen blocked the bot (or left the group): nobody to answer.
            log.info("telegram chat no longer reachable; replies dropped")
            if event is not None and not handled:
                self._delete_files(event)
        except Exception as exc:
            _log_failure(exc)
            if event is not None and not handled:
                self._delete_files(event)
            chat = update.effective_chat
            if chat is not None:
                try:
                    await bot.send_message(chat.id, msg.REPLY_FAILED if handled else msg.APOLOGY)
                except Exception:
                    log.warning("telegram apology could not be sent either")

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

    async def deliver(self, chat_id: int | str, replies: list[Reply]) -> None:
        for out in render(replies):
            await self._send(chat_id, out)

    async def send_out(self, chat_id: str, delivery: Delivery, key: str) -> None:
        """An outbox message (a notice, news for a citizen), with its map pin if it has one."""
        try:
            await self.deliver(int(chat_id), delivery.replies)
            if delivery.location is not None:
                loc = delivery.location
                await self.app.bot.send_location(int(chat_id), loc.latitude, loc.longitude)
        except Forbidden as exc:
            raise Unreachable from exc

    async def _send(self, chat_id: int | str, out: Outgoing, attempts: int = 3) -> Message:
        bot = self.app.bot
        for attempt in range(attempts):
            try:
                if out.kind == "photo":
                    return await bot.send_photo(chat_id, self._file_bytes(out.key))
                if out.kind == "document":
                    return await bot.send_document(
                        chat_id, self._file_bytes(out.key), filename=out.name or out.key
                    )
                return await bot.send_message(chat_id, out.text, reply_markup=out.keyboard)
            except RetryAfter as exc:  # flood control: wait as long as Telegram asks
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(_seconds(exc.retry_after))
        raise AssertionError("unreachable")

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
    _quiet("httpx", logging.WARNING)  # logs every URL at INFO; Bot API URLs hold the token
    _quiet("telegram", logging.INFO)  # PTB logs whole updates, text included, at DEBUG
    return TelegramChannel(settings, core)
