"""Registering a Telegram bot's webhook with its own secret token and its command list: what
`complaintbot telegram set-webhook` and the office's host console both do."""

from __future__ import annotations

from bot.config import Settings


async def register(settings: Settings, token: str, secret: str, url: str) -> None:
    """Tell Telegram to post this bot's updates to `url` with `secret`; raises TelegramError."""
    from telegram import BotCommand

    from bot.channels.telegram.channel import ALLOWED_UPDATES, build_application
    from messages.channels import telegram as tg_msg

    app = build_application(settings, token)
    await app.initialize()
    try:
        await app.bot.set_my_commands([BotCommand(n, t) for n, t in tg_msg.COMMANDS])
        await app.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    finally:
        await app.shutdown()
