"""LINE webhook events as core `Event`s.

Parsing happens only after the signature was checked (`bot.channels.line.channel`). Photos, videos
and files are fetched here through the Messaging API's content (blob) endpoint and stored in
the `FileStore` before the core sees the event, the same way the Telegram adapter does.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Protocol

from linebot.v3.webhooks import (
    Event as LineEvent,
)
from linebot.v3.webhooks import (
    FileMessageContent,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    JoinEvent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    TextMessageContent,
    UnfollowEvent,
    UserMentionee,
    UserSource,
    VideoMessageContent,
)

from bot.channels.inbox import Incoming
from bot.channels.line.content import ContentTooBig
from bot.channels.webhook_body import BadJson
from handlers.types import Attachment, AttachmentKind, Channel, Event, EventKind, Location
from messages.channels import line as text
from storage.conversations import event_key
from storage.files import FileStore
from storage.protect.media import without_metadata

log = logging.getLogger(__name__)

_SUFFIXES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "application/pdf": "pdf",
}


class ContentSource(Protocol):
    """What `translate` needs to fetch content (`line_content.ContentFetcher` has it)."""

    async def fetch(
        self, message_id: str, limit: int, *, video: bool = False
    ) -> tuple[bytes, str]: ...


@dataclass(frozen=True)
class Translation:
    """What to do with one event: hand `event` to the core, or answer `notice` directly."""

    event: Event | None = None
    notice: str | None = None


def events_of(payload: Any) -> list[Any]:
    """The raw events of a (verified) webhook body; a body of the wrong shape has none."""
    if not isinstance(payload, dict):
        raise BadJson("not an object")
    events = payload.get("events", [])
    return events if isinstance(events, list) else []


def incoming_events(
    raw_events: list[Any], received: float
) -> tuple[list[tuple[Incoming, LineEvent]], int]:
    """Each raw event parsed on its own into an inbox item (with the SDK's object it was
    parsed into), and how many were skipped.

    An event the SDK cannot build (a missing field, a wrong type, an unknown type) or that
    names no chat to answer is skipped; the events beside it are kept.
    """
    items: list[tuple[Incoming, LineEvent]] = []
    skipped = 0
    for raw in raw_events:
        try:
            native = LineEvent.from_dict(raw)
            chat = chat_of(native)[0] if native is not None else ""
            event_id = native.webhook_event_id if native is not None else ""
        except Exception:  # the SDK raises ValueError, TypeError, AttributeError, ...
            native, chat, event_id = None, "", ""
        if native is None or not chat or not event_id or not isinstance(event_id, str):
            skipped += 1
            continue
        key = event_key(Channel.LINE.value, event_id)
        items.append((Incoming(chat, key, {"event": raw, "received": received}), native))
    return items, skipped


def chat_of(native: LineEvent) -> tuple[str, str, bool]:
    """(chat id, user id, is_private) of an event's source."""
    source = native.source
    if isinstance(source, GroupSource):
        return source.group_id, source.user_id or "", False
    if isinstance(source, RoomSource):
        return source.room_id, source.user_id or "", False
    if isinstance(source, UserSource) and source.user_id:
        return source.user_id, source.user_id, True
    return "", "", True


def reply_token_of(native: LineEvent) -> str | None:
    return getattr(native, "reply_token", None)


async def fetch_content(
    content: ContentSource,
    message_id: str,
    files: FileStore,
    limit: int,
    *,
    suffix: str = "",
    video: bool = False,
    photo: bool = False,
) -> tuple[str, int, str]:
    """Download a message's content into the store: (key, size, mime); a photo without its
    metadata (storage.protect.media)."""
    data, mime = await content.fetch(message_id, limit, video=video)
    if photo:
        data = without_metadata(data)
    key = files.save(data, suffix=suffix or _SUFFIXES.get(mime, ""))
    return key, len(data), mime


def _file_suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lstrip(".")


def translate_now(native: LineEvent) -> Translation | None:
    """The core event for one LINE event when it needs no download (text, a button, a
    location, a follow...), or a direct notice; None when its content must be fetched first
    (`translate`). A webhook can then run the turn before it answers (`bot.channels.inbox`)."""
    chat_id, _user, private = chat_of(native)
    if not chat_id or native.mode != "active":
        # No one to answer, or another channel (module) has the chat: leave it alone.
        return Translation()
    if not private and not _addressed_to_bot(native):
        # Group chatter is not for the bot: answering every message would flood the group.
        return Translation()
    if isinstance(native, FollowEvent):
        return _event(native, kind=EventKind.FOLLOW)
    if isinstance(native, UnfollowEvent):
        return _event(native, kind=EventKind.UNFOLLOW)
    if isinstance(native, JoinEvent):
        return _event(native, kind=EventKind.UNSUPPORTED)
    if isinstance(native, PostbackEvent):
        return _event(native, choice=native.postback.data)
    if not isinstance(native, MessageEvent):
        return Translation()

    message = native.message
    if isinstance(message, TextMessageContent):
        return _event(native, text=message.text)
    if isinstance(message, LocationMessageContent):
        place = Location(
            float(message.latitude),
            float(message.longitude),
            message.title or message.address or "",
        )
        return _event(native, location=place)
    if isinstance(message, FileMessageContent | ImageMessageContent | VideoMessageContent):
        return None
    return _event(native, kind=EventKind.UNSUPPORTED)  # stickers, audio, what comes next


async def translate(
    native: LineEvent, content: ContentSource | None, files: FileStore, max_bytes: int
) -> Translation:
    """The core event for one LINE event (downloading its content), or a direct notice."""
    now = translate_now(native)
    if now is not None:
        return now
    return await _media(
        native.message, functools.partial(_event, native), content, files, max_bytes
    )


def _event(native: LineEvent, **fields: Any) -> Translation:
    chat_id, user_id, private = chat_of(native)
    base = dict(
        channel=Channel.LINE,
        chat_id=chat_id,
        user_id=user_id,
        event_id=native.webhook_event_id,
        is_private=private,
    )
    return Translation(Event(**(base | fields)))


def _addressed_to_bot(native: LineEvent) -> bool:
    """In a group or room: the bot was just added, a button of its own was tapped, or a
    message @mentions it. Those get the core's "please message privately" answer."""
    if isinstance(native, JoinEvent | PostbackEvent):
        return True
    if isinstance(native, MessageEvent) and isinstance(native.message, TextMessageContent):
        mention = native.message.mention
        mentionees = mention.mentionees if mention else []
        return any(isinstance(m, UserMentionee) and m.is_self for m in mentionees)
    return False


async def _media(message, event, content: ContentSource | None, files: FileStore, max_bytes: int):
    if isinstance(message, FileMessageContent):
        if message.file_size > max_bytes:
            return Translation(notice=text.attachment_too_big(max_bytes))
        kind, suffix, name = AttachmentKind.FILE, _file_suffix(message.file_name), message.file_name
    else:
        provider = message.content_provider
        if provider is None or provider.type != "line":
            # Content held elsewhere would mean fetching an arbitrary URL: not done.
            return event(kind=EventKind.UNSUPPORTED)
        is_image = isinstance(message, ImageMessageContent)
        kind = AttachmentKind.PHOTO if is_image else AttachmentKind.FILE
        suffix, name = "", ""
    if content is None:
        return Translation(notice=text.ATTACHMENT_UNAVAILABLE)
    video = isinstance(message, VideoMessageContent)
    try:
        key, size, mime = await fetch_content(
            content, message.id, files, max_bytes, suffix=suffix, video=video,
            photo=kind is AttachmentKind.PHOTO,
        )  # fmt: skip
    except ContentTooBig:
        return Translation(notice=text.attachment_too_big(max_bytes))
    except Exception as exc:  # network or API failure: tell the user, keep the worker alive
        log.warning("LINE content download failed: %s", type(exc).__name__)
        return Translation(notice=text.ATTACHMENT_UNAVAILABLE)
    return event(attachments=(Attachment(kind, key, size, mime, name),))


def parse_body(body: bytes) -> list[LineEvent]:
    """The events of a (verified) webhook body the SDK can build; the others are skipped."""
    events: list[LineEvent] = []
    for raw in events_of(json.loads(body)):
        try:
            native = LineEvent.from_dict(raw)
        except Exception:
            continue
        if native is not None:
            events.append(native)
    return events
