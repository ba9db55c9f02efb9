"""Bot API updates to channel-neutral events, without touching the network.

`parse` decides what an update means; files it names are downloaded afterwards by the
channel (`telegram.py`), so this stays a pure function that tests feed documented JSON.
Only new messages, button presses and a citizen blocking the bot matter: edits, channel
posts, group membership changes and the like are ignored, since a complaint is a
conversation and not a post to be revised.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from telegram import CallbackQuery, Chat, ChatMember, ChatMemberUpdated, Message, Update

from handlers import menu
from handlers.types import AttachmentKind, Channel, Event, EventKind, Location

# Commands passed on as the words the core understands everywhere.
_PLAIN_COMMANDS = {"start", "menu", "cancel", "help"}


@dataclass(frozen=True)
class FileRef:
    """A photo or file Telegram holds for us, not yet downloaded."""

    kind: AttachmentKind
    file_id: str
    size: int | None  # as Telegram reports it; documents may omit it
    mime: str
    name: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Incoming:
    """What an update means: the event (attachments still to fetch) and the files to fetch."""

    event: Event
    files: tuple[FileRef, ...] = ()


# `https://t.me/BOT?start=staff_CODE` (an invite in the office) arrives as `/start staff_CODE`
# and binds like `/staff CODE`.
STAFF_START = "staff_"


def parse(update: Update, bot_id: int | str, bot_username: str = "") -> Incoming | None:
    """The event an update carries, or None for updates the bot should not answer."""
    # Update ids are counted per bot: with the bot's id, a new token or bot cannot collide
    # with ids the engine has already marked as processed.
    event_id = f"{bot_id}:{update.update_id}"
    if update.callback_query is not None:
        return _from_callback(update.callback_query, event_id)
    if update.my_chat_member is not None:
        return _from_membership(update.my_chat_member, event_id)
    message = update.message  # edited_message, channel_post, ... are not read on purpose
    if message is None:
        return None
    base = Event(
        channel=Channel.TELEGRAM,
        chat_id=str(message.chat.id),
        user_id=str(message.from_user.id) if message.from_user else "",
        event_id=event_id,
    )
    if message.chat.type != Chat.PRIVATE:
        return _from_group(message, base, bot_id, bot_username)
    return _from_private(message, base)


def chat_key(update: Update) -> str:
    """Which chat an update belongs to, for keeping each chat's updates in order."""
    chat = update.effective_chat
    if chat is not None:
        return str(chat.id)
    user = update.effective_user
    return f"user:{user.id}" if user is not None else "none"


def _from_callback(query: CallbackQuery, event_id: str) -> Incoming | None:
    message = query.message
    if message is None or query.data is None:
        return None  # a button under an inline-mode message or a game: not ours
    chat = message.chat
    return Incoming(
        Event(
            channel=Channel.TELEGRAM,
            chat_id=str(chat.id),
            user_id=str(query.from_user.id),
            event_id=event_id,
            choice=query.data,
            is_private=chat.type == Chat.PRIVATE,
            message_ref=str(message.message_id),
        )
    )


def _from_membership(change: ChatMemberUpdated, event_id: str) -> Incoming | None:
    """A citizen blocking the bot: the core drops any half-written draft (a tip, perhaps)."""
    if change.chat.type != Chat.PRIVATE or change.new_chat_member.status != ChatMember.BANNED:
        return None
    return Incoming(
        Event(
            channel=Channel.TELEGRAM,
            chat_id=str(change.chat.id),
            user_id=str(change.from_user.id),
            event_id=event_id,
            kind=EventKind.UNFOLLOW,
        )
    )


def _from_group(
    message: Message, base: Event, bot_id: int | str, bot_username: str
) -> Incoming | None:
    """In a group, answer only what is addressed to the bot, and never take files there.

    The core answers with a note to write privately; nothing sent in a group is stored.
    """
    text = message.text or message.caption or ""
    replied_to = message.reply_to_message
    command, _, _ = text.partition(" ")
    target = command.partition("@")[2].lower()
    addressed = (
        (text.startswith("/") and target in ("", bot_username.lower()))
        or (bool(bot_username) and f"@{bot_username.lower()}" in text.lower())
        or (
            replied_to is not None
            and replied_to.from_user is not None
            and str(replied_to.from_user.id) == str(bot_id)
        )
    )
    if not addressed:
        return None
    return Incoming(_with(base, text=text, is_private=False))


def _from_private(message: Message, base: Event) -> Incoming | None:
    if message.text is not None:
        return Incoming(_command(base, message.text) if message.text.startswith("/") else
                        _with(base, text=message.text))  # fmt: skip
    caption = message.caption
    files = _files(message)
    if files:
        return Incoming(_with(base, text=caption), files)
    if message.location is not None:
        title = message.venue.title if message.venue is not None else ""
        place = Location(message.location.latitude, message.location.longitude, title)
        return Incoming(_with(base, location=place))
    if message.effective_attachment is not None:
        # Stickers, voice notes, contacts, polls, ...: answered politely by the core.
        return Incoming(_with(base, kind=EventKind.UNSUPPORTED))
    return None  # a service message (pinned, chat photo changed, ...)


def _command(base: Event, text: str) -> Event:
    """`/track 1234-...` passes the code as text; other commands become the core's words."""
    head, _, args = text.partition(" ")
    name = head[1:].split("@", 1)[0].lower()
    args = args.strip()
    if name == "track":
        return _with(base, text=args) if args else _with(base, choice=menu.TRACK)
    if name == "start" and args.startswith(STAFF_START):  # an invite's link or QR code
        return _with(base, text=f"/staff {args[len(STAFF_START) :]}")
    if name in _PLAIN_COMMANDS:
        return _with(base, text=f"/{name}")  # drops /start's other deep-link payloads
    return _with(base, text=text)


def _files(message: Message) -> tuple[FileRef, ...]:
    if message.photo:
        # Telegram sends several sizes of one photo; keep only the largest.
        largest = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        return (FileRef(AttachmentKind.PHOTO, largest.file_id, largest.file_size,
                        "image/jpeg", "", "jpg"),)  # fmt: skip
    document = message.document or message.video
    if document is not None:
        name = document.file_name or ""
        mime = document.mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        suffix = PurePosixPath(name).suffix.lstrip(".") or _suffix_for(mime)
        return (FileRef(AttachmentKind.FILE, document.file_id, document.file_size,
                        mime, name, suffix),)  # fmt: skip
    return ()


def _suffix_for(mime: str) -> str:
    guessed = mimetypes.guess_extension(mime) or ""
    return guessed.lstrip(".")


def _with(base: Event, **changes) -> Event:
    return replace(base, **changes)
