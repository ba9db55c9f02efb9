"""Replies from the core as LINE messages, within LINE's limits.

- a text is at most 5,000 characters: longer ones are split, at line breaks where possible;
- a choice is a quick-reply postback button (label at most 20 characters, at most 13 of
  them), so a pressed button arrives as its code and shows its label in the chat;
- a status card is a Flex bubble whose alt text is the reply's plain text;
- a reply or push call carries at most 5 messages (`batches`).

LINE only sends media by public HTTPS URL. Statistics files and complaint photos come with
signed links (`bot.shared_links`): an image becomes an image message, a workbook a text with
its download link. An image without a link (no public URL, or a file no link may reach) is
not rendered: its reply text is sent, and the turn says once that LINE cannot show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from linebot.v3.messaging import (
    ImageMessage,
    Message,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)

from bot.channels.line.flex import status_message
from bot.shared_links import Link
from handlers.types import Choice, Reply
from messages.channels import line as text
from messages.format import thai_datetime
from messages.stats import chat as stats_chat

MAX_TEXT = 5000  # characters per text message, counted as UTF-16 units to be safe
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_MESSAGES_PER_CALL = 5


def _utf16_len(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def split_text(value: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most `limit` UTF-16 units, cut after a line break or space if one is near."""
    if _utf16_len(value) <= limit:
        return [value]
    pieces: list[str] = []
    rest = value
    while _utf16_len(rest) > limit:
        # The longest prefix within the limit (characters outside the BMP count twice).
        end = 0
        units = 0
        for ch in rest:
            width = 2 if ord(ch) > 0xFFFF else 1
            if units + width > limit:
                break
            units += width
            end += 1
        cut = end
        for sep in ("\n", " "):
            at = rest.rfind(sep, 0, end)
            if at >= end // 2:
                cut = at + 1
                break
        pieces.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:]
    if rest:
        pieces.append(rest)
    return [p for p in pieces if p]


def _label(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def quick_reply(choices: Sequence[Choice]) -> QuickReply | None:
    """The buttons as a quick reply, built once per menu (the same choices give the same
    object, which `wire.quick_reply_json` then serialises once): never change it."""
    if not choices:
        return None
    return _quick_reply(tuple(choices))


@lru_cache(maxsize=512)
def _quick_reply(choices: tuple[Choice, ...]) -> QuickReply:
    items = [
        QuickReplyItem(
            action=PostbackAction(label=_label(c.label), data=c.code, display_text=c.label)
        )
        for c in choices[:MAX_QUICK_REPLIES]
    ]
    return QuickReply(items=items)


def _with_overflow(body: str, choices: Sequence[Choice]) -> str:
    """More choices than quick replies allow: list them all as numbers (the core reads them)."""
    if len(choices) <= MAX_QUICK_REPLIES:
        return body
    lines = [body, "", text.MORE_CHOICES]
    lines += [f"{n}. {c.label}" for n, c in enumerate(choices, start=1)]
    return "\n".join(lines)


def _media(reply: Reply, links: Mapping[str, Link]) -> list[Message]:
    """An image by its signed link; a document as a text with its download link."""
    out: list[Message] = []
    image = links.get(reply.image_key or "")
    if image is not None:
        out.append(ImageMessage(original_content_url=image.url, preview_image_url=image.url))
    document = links.get(reply.file_key or "")
    if document is not None:
        until = thai_datetime(document.expires_at)
        body = stats_chat.WORKBOOK_LINK.format(name=document.name, url=document.url, until=until)
        out.append(TextMessage(text=body))
    return out


def render_reply(reply: Reply, links: Mapping[str, Link] | None = None) -> list[Message]:
    """One reply as one or more messages; its buttons ride on the last of them."""
    buttons = quick_reply(reply.choices)
    if reply.card is not None:
        card = status_message(reply.card, reply.text)
        card.quick_reply = buttons
        return [card]
    media = _media(reply, links or {})
    pieces = []
    if reply.text or not media:
        pieces = split_text(_with_overflow(reply.text, reply.choices))
    messages: list[Message] = [*media, *(TextMessage(text=piece) for piece in pieces if piece)]
    if not messages:
        if buttons is None:
            return []  # an image or file with no link and no text: LINE refuses empty texts
        messages = [TextMessage(text="⬇️")]  # as on Telegram: buttons need a message
    messages[-1].quick_reply = buttons
    return messages


def shared_keys(replies: Iterable[Reply]) -> set[str]:
    """The file-store keys `replies` show, for which signed links may exist."""
    return {k for r in replies for k in (r.image_key, r.file_key) if k}


def render(replies: Iterable[Reply], links: Mapping[str, Link] | None = None) -> list[Message]:
    """All replies of a turn. LINE shows quick replies only on the last message received,
    so buttons on earlier replies are moved to the end only if the last one has none."""
    links = links or {}
    messages: list[Message] = []
    unseen = False
    for reply in replies:
        messages.extend(render_reply(reply, links))
        unseen = unseen or bool(reply.image_key and reply.image_key not in links)
    if unseen:
        messages.append(TextMessage(text=text.IMAGE_NOT_SHOWN))
    if messages and messages[-1].quick_reply is None:
        for message in reversed(messages[:-1]):
            if message.quick_reply is not None:
                messages[-1].quick_reply, message.quick_reply = message.quick_reply, None
                break
    return messages


def batches(messages: Sequence[Message]) -> list[list[Message]]:
    """Groups of at most 5 messages, one API call each."""
    return [
        list(messages[i : i + MAX_MESSAGES_PER_CALL])
        for i in range(0, len(messages), MAX_MESSAGES_PER_CALL)
    ]
