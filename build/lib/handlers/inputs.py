"""Checks on what people type, each returning the cleaned value or a Thai reason."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from messages import common
from messages.format import arabic_digits
from messages.understand.replies import CONTACT_LABELS

MAX_TEXT = 3000


@dataclass(frozen=True)
class Checked:
    value: str = ""
    problem: str | None = None


def _has_words(text: str) -> bool:
    """At least one letter or digit (Thai, Latin, ...): emoji-only text is no description."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def clean(text: str) -> str:
    """Trim, drop control characters, fold runs of blank lines; keep emoji and Thai marks."""
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n"))
    return text.strip()


def free_text(text: str | None, *, minimum: int = 1, maximum: int = MAX_TEXT) -> Checked:
    value = clean(text or "")
    if not value:
        return Checked(problem=common.EMPTY_TEXT)
    if len(value) > maximum:
        return Checked(problem=common.too_long(maximum))
    if not _has_words(value):
        return Checked(problem=common.NEED_WORDS)
    if len(value) < minimum:
        return Checked(problem=common.too_short(minimum))
    return Checked(value)


def person_name(text: str | None, problem: str) -> Checked:
    value = re.sub(r"\s+", " ", clean(text or ""))
    if not value or len(value) > 100 or not any(ch.isalpha() for ch in value):
        return Checked(problem=problem)
    return Checked(value)


def thai_phone(text: str | None, problem: str) -> Checked:
    """A Thai phone number, 9–10 digits starting with 0; +66 and Thai digits accepted."""
    digits = re.sub(r"[\s\-().]", "", arabic_digits(clean(text or "")))
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    if re.fullmatch(r"0\d{8,9}", digits):
        return Checked(digits)
    return Checked(problem=problem)


def phone_or_email(text: str | None, problem: str) -> Checked:
    value = clean(text or "")
    if re.fullmatch(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}", value):
        return Checked(value)
    return thai_phone(value, problem)


_PHONE_IN_TEXT = re.compile(r"(?:\+66|0)[\d\s\-().]{8,14}\d")


def phone_in(text: str) -> tuple[str, str]:
    """A Thai phone number somewhere in `text` and the text without it ("", text if none)."""
    plain = arabic_digits(clean(text))
    for match in _PHONE_IN_TEXT.finditer(plain):
        checked = thai_phone(match.group(), "")
        if not checked.problem:
            rest = plain[: match.start()] + " " + plain[match.end() :]
            rest = CONTACT_LABELS.sub(" ", rest)
            return checked.value, " ".join(rest.split())
    return "", text
