"""The ceiling for bench/webhook.py: a bare echo bot on the stack `complaintbot serve` uses.

Starlette on uvicorn, line-bot-sdk and python-telegram-bot as clients, no database: the LINE
webhook verifies the signature and parses with the SDK's `WebhookParser`, the Telegram one
checks the secret token and parses with `Update.de_json`; each replies with the same text
(a button press: its data) through the same fake platform API the bot is measured against.
Whatever `serve` costs beyond this is the bot's own work.

Run by bench/webhook.py as `python bench/echo_bot.py --port P`; configured by the same
environment variables as serve (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, LINE_API_HOST,
TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL, TELEGRAM_WEBHOOK_SECRET).
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import os
from collections.abc import AsyncIterator

import uvicorn
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhooks import MessageEvent, PostbackEvent, TextMessageContent
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Bot, Update
from telegram.request import HTTPXRequest


def build_app() -> Starlette:
    env = os.environ
    parser = WebhookParser(env["LINE_CHANNEL_SECRET"])
    state: dict = {}

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        client = AsyncApiClient(
            Configuration(host=env["LINE_API_HOST"], access_token=env["LINE_CHANNEL_ACCESS_TOKEN"])
        )
        state["line"] = AsyncMessagingApi(client)
        # A Bot alone has one pooled connection; serve's Application has 256, like this.
        bot = Bot(env["TELEGRAM_BOT_TOKEN"], base_url=env["TELEGRAM_API_BASE_URL"],
                  request=HTTPXRequest(connection_pool_size=256))  # fmt: skip
        await bot.initialize()  # getMe, as serve's Application does
        state["bot"] = bot
        try:
            yield
        finally:
            await bot.shutdown()
            await client.close()

    async def line_webhook(request: Request) -> Response:
        body = (await request.body()).decode("utf-8")
        try:
            events = parser.parse(body, request.headers.get("x-line-signature", ""))
        except InvalidSignatureError:
            return PlainTextResponse("bad signature", status_code=400)
        for event in events:
            text = None
            if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
                text = event.message.text
            elif isinstance(event, PostbackEvent):
                text = event.postback.data
            if text is not None:
                await state["line"].reply_message(
                    ReplyMessageRequest(reply_token=event.reply_token,
                                        messages=[TextMessage(text=text)])
                )  # fmt: skip
        return PlainTextResponse("OK")

    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get("x-telegram-bot-api-secret-token", "")
        if not hmac.compare_digest(given.encode(), env["TELEGRAM_WEBHOOK_SECRET"].encode()):
            return Response(status_code=403)
        bot: Bot = state["bot"]
        update = Update.de_json(await request.json(), bot)
        chat = update.effective_chat
        if update.callback_query is not None and chat is not None:
            await bot.send_message(chat.id, update.callback_query.data or "")
        elif update.message is not None and update.message.text and chat is not None:
            await bot.send_message(chat.id, update.message.text)
        return Response(status_code=200)

    async def health(_request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/healthz", health),
            Route("/line/webhook", line_webhook, methods=["POST"]),
            Route("/telegram/webhook", telegram_webhook, methods=["POST"]),
        ],
        lifespan=lifespan,
    )


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--port", type=int, required=True)
    port = args.parse_args().port
    uvicorn.run(build_app(), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
