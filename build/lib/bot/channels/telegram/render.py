"""Replies to Telegram messages: text split to the 4,096 limit, buttons as inline keyboards.

Pure functions, no network: `render` decides what to send, `telegram.py` sends it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.types import Choice, Reply

MAX_TEXT = 4096  # Telegram's limit per message, counted in UTF-16 code units
_LOOKBACK = 300  # how far before the limit a Thai word boundary is searched for

# Thai vowels written before their consonant (เ แ โ ใ ไ): a part never ends with one.
_LEADING = "\u0e40\u0e41\u0e42\u0e43\u0e44"
# A tracking code as shown (1234-5678-9012-3456) or typed without separators; Thai digits too.
_CODE = re.compile(r"[0-9\u0e50-\u0e59]{4}(?:[\- ]?[0-9\u0e50-\u0e59]{4}){3}")


@dataclass(frozen=True)
class Outgoing:
    """One Bot API call: a text message, or a photo / document from the file store."""

    kind: str  # "text", "photo" or "document"
    text: str = ""
    key: str | None = None
    keyboard: InlineKeyboardMarkup | None = None
    name: str = ""  # a document's file name


def keyboard(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup | None:
    """One button per row: Thai labels are long and must stay readable on a phone."""
    if not choices:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(c.label, callback_data=c.code)] for c in choices]
    )


def render(replies: list[Reply]) -> list[Outgoing]:
    """What to send for `replies`, in order; each reply's buttons go on its last text part."""
    out: list[Outgoing] = []
    for reply in replies:
        if reply.image_key:
            out.append(Outgoing("photo", key=reply.image_key))
        if reply.file_key:
            out.append(Outgoing("document", key=reply.file_key, name=reply.file_name))
        parts = split_text(reply.text)
        if not parts and reply.choices:
            parts = ["⬇️"]  # Telegram refuses buttons without text
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            out.append(Outgoing("text", part, keyboard=keyboard(reply.choices) if last else None))
    return out


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut `text` into parts Telegram accepts, never inside a Thai word or a tracking code.

    Prefers a paragraph break, then a line break, then a space, then a Thai word boundary
    (Thai is written without spaces between words); whitespace at a cut is dropped.
    """
    parts: list[str] = []
    rest = text.strip()
    while utf16_len(rest) > limit:
        cut = _cut_point(rest, limit)
        head = rest[:cut].rstrip()
        if head:
            parts.append(head)
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _cut_point(text: str, limit: int) -> int:
    hard = _fit(text, limit)
    cut = _preferred_break(text, hard)
    cut = _outside_code(text, cut)
    while 0 < cut < len(text) and (_joins_previous(text[cut]) or text[cut - 1] in _LEADING):
        cut -= 1
    return cut if cut > 0 else hard


def _fit(text: str, limit: int) -> int:
    """The largest prefix length whose UTF-16 size is within `limit`."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return i
    return len(text)


def _preferred_break(text: str, hard: int) -> int:
    window = text[:hard]
    floor = hard // 2  # never make a part shorter than half the limit to find a nicer break
    for sep in ("\n\n", "\n"):
        at = window.rfind(sep)
        if at > floor:
            return at
    for i in range(hard - 1, floor, -1):
        if window[i].isspace():
            return i
    return _thai_word_boundary(text, hard)


def _thai_word_boundary(text: str, hard: int) -> int:
    """The last word boundary at or before `hard`, from pythainlp's dictionary tokenizer."""
    from pythainlp.tokenize import word_tokenize  # slow to import; rarely needed

    start = max(0, hard - _LOOKBACK)
    # Tokenize a little past the limit so the word straddling it is seen whole.
    words = word_tokenize(text[start : hard + 40], engine="newmm", keep_whitespace=True)
    best = 0
    position = start
    for word in words:
        position += len(word)
        if position > hard:
            break
        best = position
    return best if best > start else hard


def _outside_code(text: str, cut: int) -> int:
    """Move a cut that falls inside a tracking code to just before the code."""
    for match in _CODE.finditer(text):
        if match.start() >= cut:
            break
        if cut < match.end() and match.start() > 0:
            return match.start()
    return cut


def _joins_previous(ch: str) -> bool:
    """Thai vowel and tone marks (and other combining marks) belong to the letter before."""
    return unicodedata.category(ch) in ("Mn", "Mc", "Me") or "\udc00" <= ch <= "\udfff"
