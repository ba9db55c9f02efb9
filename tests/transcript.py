"""Dialogue helpers for tests: a citizen typing into the real console channel."""

from __future__ import annotations

import io
import re

from bot.channels.console import ConsoleChannel, render


class Chat:
    """One chat on the console channel; `say` types a line, `press` presses a button."""

    def __init__(self, core, chat_id: str = "chat-8675309", user_id: str = "user-5551234"):
        self.channel = ConsoleChannel(
            core, io.StringIO(), io.StringIO(), chat_id=chat_id, user_id=user_id,
            interactive=False,
        )  # fmt: skip
        self.last = ""

    async def open(self) -> str:
        await self.channel.open()
        self.last = self.channel.stdout.getvalue()
        return self.last

    async def say(self, line: str) -> str:
        self.last = await self.channel.send_line(line)
        return self.last

    async def press(self, label: str) -> str:
        """Press the button labelled `label` in the bot's last message (by its number)."""
        for number, shown in re.findall(r"^  \[(\d+)\] (.+)$", self.last, re.M):
            if shown == label:
                return await self.say(number)
        raise AssertionError(f"no button {label!r} in:\n{self.last}")

    async def inbox(self) -> str:
        """What other chats' turns (and jobs) sent to this chat since the last look."""
        return await self.channel.inbox()

    async def press_code(self, code: str) -> str:
        """Press a button by its code, e.g. one on a message the outbox delivered."""
        self.last = render(await self.channel.core.engine.handle(self.channel._event(choice=code)))
        return self.last

    async def send_file(self, path, *, photo: bool = True) -> str:
        return await self.say(f"{'/photo' if photo else '/file'} {path}")


def code_in(text: str) -> str:
    """The full tracking code shown in a reply (16 digits, dashed)."""
    match = re.search(r"\d{4}-\d{4}-\d{4}-\d{4}", text)
    assert match, f"no tracking code in:\n{text}"
    return match.group().replace("-", "")
