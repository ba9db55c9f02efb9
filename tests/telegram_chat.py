"""A citizen on Telegram, for end-to-end tests: types, presses buttons, sends photos.

Each action is pushed to the fake Bot API as the update Telegram would send; the helper
then waits until the bot has finished that update and returns what it sent back.
"""

from __future__ import annotations

import copy

from tests import telegram_updates as tg
from tests.fake_telegram import FakeTelegram


class TelegramChat:
    def __init__(self, fake: FakeTelegram, channel, chat_id: int = 111_222_333) -> None:
        self.fake = fake
        self.channel = channel
        self.chat_id = chat_id

    async def send(self, update: dict) -> list[str]:
        """Deliver `update` and return the texts of the bot's answer to it."""
        before = len(self.fake.sent(self.chat_id))
        posted = len(self.fake.webhook_statuses)
        self.fake.push(update)
        if self.fake.webhook is not None:  # the fake's POST returns once the turn is done
            await self.fake.wait_for(lambda: len(self.fake.webhook_statuses) > posted)
        else:
            await self.fake.wait_for(lambda: len(self.fake.sent(self.chat_id)) > before)
        await self.channel.drain()
        return self.fake.sent_texts(self.chat_id)[before:]

    async def say(self, words: str) -> list[str]:
        return await self.send(tg.text(self.chat_id, words))

    def menu_with(self, label: str) -> dict:
        """The newest message still showing a button labelled `label`."""
        for message in reversed(self.fake.messages(self.chat_id)):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                if any(button["text"] == label for button in row):
                    return copy.deepcopy(message)
        raise AssertionError(f"no message shows a button {label!r}")

    async def press(self, label: str, on: dict | None = None) -> list[str]:
        """Press the button `label` on `on` (default: the newest message showing it)."""
        message = on or self.menu_with(label)
        data = next(
            button["callback_data"]
            for row in message["reply_markup"]["inline_keyboard"]
            for button in row
            if button["text"] == label
        )
        return await self.send(tg.callback(self.chat_id, data, message))

    async def photo(self, data: bytes, caption: str | None = None) -> list[str]:
        file_id = self.fake.add_file(data, path=f"photos/file_{len(data)}.jpg")
        return await self.send(tg.photo(self.chat_id, file_id, size=len(data), caption=caption))

    async def location(self, latitude: float, longitude: float) -> list[str]:
        return await self.send(tg.location(self.chat_id, latitude, longitude))
