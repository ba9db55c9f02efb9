"""Channel-neutral types: what an adapter hands the core and what the core hands back.

Adapters (console, Telegram, LINE) translate their platform's updates into one `Event`
and render a list of `Reply` back. Nothing here knows about any chat SDK.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Channel(StrEnum):
    CONSOLE = "console"
    TELEGRAM = "telegram"
    LINE = "line"


class EventKind(StrEnum):
    MESSAGE = "message"  # text, a button choice, attachments or a location
    FOLLOW = "follow"  # the user added the bot (LINE follow)
    UNFOLLOW = "unfollow"  # the user blocked / removed the bot
    UNSUPPORTED = "unsupported"  # a sticker, a voice note, ... answered politely


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    FILE = "file"


@dataclass(frozen=True)
class Attachment:
    """A file the adapter already saved through `storage.files.FileStore`.

    `key` is the store's random name for it; it says nothing about who sent it.
    """

    kind: AttachmentKind
    key: str
    size: int
    mime: str = "application/octet-stream"
    name: str = ""


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    title: str = ""


@dataclass(frozen=True)
class Event:
    """One thing a user did, in one chat, on one channel."""

    channel: Channel
    chat_id: str
    user_id: str
    event_id: str  # platform id used to process a redelivered event once
    kind: EventKind = EventKind.MESSAGE
    text: str | None = None
    choice: str | None = None  # the code of a pressed button
    attachments: tuple[Attachment, ...] = ()
    location: Location | None = None
    is_private: bool = True  # False in groups and rooms
    # The platform's id of the bot message whose button was pressed (Telegram), if known.
    message_ref: str | None = None


@dataclass(frozen=True)
class Choice:
    """A button: a Thai label for people and a short ASCII code for the core.

    Codes are at most 64 bytes (Telegram callback data) and labels at most 20 characters
    (LINE quick replies) so that every channel can render them unchanged.
    """

    label: str
    code: str


@dataclass(frozen=True)
class HistoryEntry:
    at_text: str  # already formatted, Buddhist era
    status_label: str
    note: str = ""


@dataclass(frozen=True)
class StatusCard:
    """Everything a tracking lookup shows; LINE renders it as a Flex card, others as text."""

    masked_code: str
    stream_label: str
    status: str  # a `handlers.cases.lifecycle.Status` value, for colouring
    status_label: str
    received_text: str
    due_text: str
    history: tuple[HistoryEntry, ...] = ()


class Notice(StrEnum):
    """What kind of answer a reply is, where an adapter treats it specially."""

    STALE = "stale"  # the pressed button belongs to an old message
    FAILED = "failed"  # the turn failed and nothing was saved: the user may press again


@dataclass(frozen=True)
class Reply:
    """One message to show. `text` is always set: it is the plain rendering of the reply."""

    text: str
    choices: tuple[Choice, ...] = ()
    image_key: str | None = None
    file_key: str | None = None
    file_name: str = ""  # the document's name where the channel shows one (else the key)
    card: StatusCard | None = None
    notice: Notice | None = None
    # Delete this earlier bot message (an `Event.message_ref`) where the platform allows it.
    delete_ref: str | None = None
    # The staff case this reply is about (`Target.ascii_key`): channels add a link to its page
    # in the office when the deployment has a public URL.
    office_case: str | None = None
    # What to draw once the turn has committed (`handlers.stats.drawing`): such a reply is
    # replaced by the drawn image and document before any channel sees it.
    draw: dict | None = None


@dataclass
class Turn:
    """What a step decided: the replies and where the conversation goes next.

    `flow` None means the conversation is back at the main menu with no draft.
    `again_at_menu` hands the event back to the router, to be taken as if typed at the main
    menu (a step that is not what the citizen meant says so instead of calling the router).
    """

    replies: list[Reply] = field(default_factory=list)
    flow: str | None = None
    step: str | None = None
    data: dict = field(default_factory=dict)
    again_at_menu: bool = False
