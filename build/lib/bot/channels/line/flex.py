"""A tracking lookup (`StatusCard`) as a LINE Flex bubble.

Everything shown is already formatted by the core (masked code, Buddhist-era dates, Thai
labels); this module only lays it out and picks a colour for the status.
"""

from __future__ import annotations

from linebot.v3.messaging import (
    FlexBox,
    FlexBubble,
    FlexComponent,
    FlexMessage,
    FlexSeparator,
    FlexText,
)

from handlers.types import StatusCard
from messages.channels import line as text

# One colour per `handlers.cases.lifecycle.Status` value; anything unknown is grey.
STATUS_COLOURS = {
    "received": "#1565C0",  # blue: we have it
    "in_progress": "#EF6C00",  # orange: being worked on
    "completed": "#2E7D32",  # green: done
    "referred": "#6A1B9A",  # purple: went to another agency
    "closed": "#546E7A",  # grey: closed without action
}
DEFAULT_COLOUR = "#546E7A"
MUTED = "#8A8A8A"

# A bubble's JSON is limited to 30 KB; a long history is cut to its latest entries.
MAX_HISTORY = 10
MAX_NOTE = 300
ALT_TEXT_LIMIT = 400


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, DEFAULT_COLOUR)


def alt_text(plain: str) -> str:
    """LINE's alt text is at most 400 characters; the plain rendering usually fits."""
    if len(plain) <= ALT_TEXT_LIMIT:
        return plain
    return plain[: ALT_TEXT_LIMIT - len(text.ALT_TEXT_MORE)] + text.ALT_TEXT_MORE


def _row(label: str, value: str, *, colour: str | None = None) -> FlexBox:
    return FlexBox(
        layout="baseline",
        spacing="sm",
        contents=[
            FlexText(text=label, size="sm", color=MUTED, flex=2),
            FlexText(
                text=value,
                size="sm",
                flex=4,
                wrap=True,
                color=colour,
                weight="bold" if colour else None,
            ),
        ],
    )


def _history(card: StatusCard) -> list[FlexComponent]:
    items: list[FlexComponent] = [
        FlexSeparator(margin="lg"),
        FlexText(text=text.CARD_HISTORY, weight="bold", size="sm", margin="lg"),
    ]
    if not card.history:
        items.append(FlexText(text=text.CARD_NO_HISTORY, size="xs", color=MUTED, wrap=True))
        return items
    shown = card.history[-MAX_HISTORY:]
    hidden = len(card.history) - len(shown)
    if hidden:
        items.append(
            FlexText(text=text.CARD_MORE_HISTORY.format(count=hidden), size="xxs", color=MUTED)
        )
    for entry in shown:
        lines: list[FlexComponent] = [
            FlexText(text=entry.at_text, size="xxs", color=MUTED),
            FlexText(text=entry.status_label, size="sm", wrap=True),
        ]
        if entry.note:
            lines.append(FlexText(text=entry.note[:MAX_NOTE], size="xs", wrap=True, color=MUTED))
        items.append(FlexBox(layout="vertical", margin="md", contents=lines))
    return items


def status_bubble(card: StatusCard) -> FlexBubble:
    colour = status_colour(card.status)
    header = FlexBox(
        layout="vertical",
        background_color=colour,
        padding_all="16px",
        contents=[
            FlexText(text=text.CARD_TITLE, color="#FFFFFF", size="sm"),
            FlexText(text=card.status_label, color="#FFFFFF", size="lg", weight="bold", wrap=True),
        ],
    )
    body = FlexBox(
        layout="vertical",
        spacing="sm",
        contents=[
            _row(text.CARD_CODE, card.masked_code),
            _row(text.CARD_STREAM, card.stream_label),
            _row(text.CARD_STATUS, card.status_label, colour=colour),
            _row(text.CARD_RECEIVED, card.received_text),
            _row(text.CARD_DUE, card.due_text),
            *_history(card),
        ],
    )
    return FlexBubble(size="mega", header=header, body=body)


def status_message(card: StatusCard, plain: str) -> FlexMessage:
    """The card, with the reply's plain text as alt text (chat list, notifications)."""
    return FlexMessage(alt_text=alt_text(plain), contents=status_bubble(card))
