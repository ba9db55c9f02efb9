"""The console channel: the bot in a terminal, interactive or replayed from a script.

A real adapter like the others: lines in become events, replies come back as text with
numbered buttons (typing the number presses the button; the core resolves it, so the
numbers keep working after a restart).
"""

from __future__ import annotations

import asyncio
import mimetypes
import uuid
from pathlib import Path
from typing import TextIO

from sqlmodel import Session

from bot.app import Core
from handlers.outbound import Delivery, decode
from handlers.stats import drawing
from handlers.types import Attachment, AttachmentKind, Channel, Event, EventKind, Location, Reply
from messages.channels import console as msg
from storage.protect.media import without_metadata
from storage.queues import outbox

_PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic"}


def render(replies: list[Reply]) -> str:
    """Replies as terminal text: each message, then its buttons as a numbered list."""
    blocks = []
    for reply in replies:
        lines = [reply.text]
        lines += [f"  [{i}] {choice.label}" for i, choice in enumerate(reply.choices, 1)]
        if reply.image_key or reply.file_key:
            lines.append(f"  ({reply.image_key or reply.file_key})")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def render_delivery(delivery: Delivery) -> str:
    """A message another chat's turn sent here. Its buttons show their codes: staff buttons
    are typed commands, so typing the code does what pressing would."""
    blocks = [msg.FROM_OTHERS]
    for reply in delivery.replies:
        lines = [reply.text]
        lines += [f"  [{choice.code}] {choice.label}" for choice in reply.choices]
        if reply.image_key or reply.file_key:
            lines.append(f"  ({reply.image_key or reply.file_key})")
        blocks.append("\n".join(lines))
    if delivery.location is not None:
        loc = delivery.location
        blocks.append(msg.LOCATION_PIN.format(lat=loc.latitude, lon=loc.longitude, title=loc.title))
    return "\n".join(blocks)


class ConsoleChannel:
    def __init__(
        self,
        core: Core,
        stdin: TextIO,
        stdout: TextIO,
        *,
        chat_id: str = "console",
        user_id: str | None = None,
        interactive: bool | None = None,
    ) -> None:
        self.core = core
        self.stdin = stdin
        self.stdout = stdout
        self.chat_id = chat_id
        self.user_id = user_id or chat_id
        self.interactive = stdin.isatty() if interactive is None else interactive

    def _event(self, **fields) -> Event:
        return Event(
            channel=Channel.CONSOLE,
            chat_id=self.chat_id,
            user_id=self.user_id,
            event_id=uuid.uuid4().hex,
            **fields,
        )

    def to_event(self, line: str) -> Event | str:
        """A typed line as an event; a string is a local problem to print instead."""
        text = line.rstrip("\r\n")
        command, _, arg = text.strip().partition(" ")
        if command in ("/photo", "/file") and arg:
            return self._attachment(command, Path(arg.strip()).expanduser())
        if command == "/location":
            try:
                lat, lon = (float(part) for part in arg.replace(" ", "").split(","))
            except ValueError:
                return msg.LOCATION_FORMAT
            return self._event(location=Location(lat, lon))
        return self._event(text=text)

    def _attachment(self, command: str, path: Path) -> Event | str:
        if not path.is_file():
            return msg.FILE_NOT_FOUND.format(path=path)
        limit = self.core.settings.max_upload_bytes
        if path.stat().st_size > limit:
            return msg.FILE_TOO_LARGE.format(limit=limit // (1024 * 1024))
        data = path.read_bytes()
        is_photo = command == "/photo" or path.suffix.lower() in _PHOTO_SUFFIXES
        if is_photo:
            data = without_metadata(data)
        key = self.core.files.save(data, suffix=path.suffix)
        attachment = Attachment(
            kind=AttachmentKind.PHOTO if is_photo else AttachmentKind.FILE,
            key=key,
            size=len(data),
            mime=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
            name=path.name,
        )
        return self._event(attachments=(attachment,))

    def write(self, text: str) -> None:
        self.stdout.write(text + "\n\n")
        self.stdout.flush()

    async def open(self) -> None:
        """Greet, or pick the conversation up where it was left (state is in the database)."""
        engine = self.core.engine
        resumed = await asyncio.to_thread(engine.resume, self._event())
        replies = resumed or await engine.handle(self._event(kind=EventKind.FOLLOW))
        if self.interactive:
            self.write(msg.HINT)
        self.write(render(replies))
        waiting = await self.inbox()  # notices that arrived while this chat was closed
        if waiting:
            self.write(waiting)

    async def send_line(self, line: str) -> str:
        """Process one typed line and return what the bot printed."""
        event = self.to_event(line)
        if isinstance(event, str):
            return event
        return render(await self.core.engine.handle(event))

    def take_outbox(self) -> list[Delivery]:
        """Messages waiting for this console chat (sent by other chats' turns or by jobs).

        Each console chat delivers its own: `complaintbot chat --chat NAME` in another
        terminal sees its notices at its next line, from the shared database.
        """
        with Session(self.core.db) as session, session.begin():
            now = self.core.engine.deps.clock()
            claimed = outbox.claim(session, now, channels=("console",), chat_id=self.chat_id)
            for item in claimed:
                outbox.mark_sent(session, item.id, now)
        db, files = self.core.db, self.core.files
        deliveries = [decode(item.payload) for item in claimed]
        return [  # statistics files are drawn now, after the claim's transaction
            Delivery(drawing.resolve_or_apologise(db, files, d.replies), d.location)
            if drawing.pending(d.replies) else d
            for d in deliveries
        ]  # fmt: skip

    async def inbox(self) -> str:
        deliveries = await asyncio.to_thread(self.take_outbox)
        return "\n\n".join(render_delivery(d) for d in deliveries)

    async def run(self) -> None:
        await self.open()
        while True:
            if self.interactive:
                self.stdout.write(msg.PROMPT)
                self.stdout.flush()
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                return
            if not self.interactive:
                self.stdout.write(f"{msg.YOU}> {line.rstrip()}\n")
            self.write(await self.send_line(line))
            waiting = await self.inbox()
            if waiting:
                self.write(waiting)
