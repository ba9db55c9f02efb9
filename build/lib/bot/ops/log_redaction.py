"""Log records that cannot hold an informant: no message text, ids, codes or tokens.

Installed once by the CLI as the process's log record factory, so it covers every logger
at every level, ours and the SDKs' (python-telegram-bot logs whole updates at DEBUG, httpx
logs URLs holding the bot token, exception messages quote request bodies), and every handler
a record reaches, before any of them formats it:

- an exception keeps its type and where it was raised (files, lines, functions), never
  its message;
- Thai text, tracking codes, long numbers (chat and user ids), LINE ids, bot tokens,
  bearer tokens and e-mail addresses are replaced by a placeholder;
- in records of other libraries' loggers every quoted string is replaced too, since an
  SDK quotes the text a user sent.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable

OURS = ("bot", "handlers", "storage", "messages", "complaintbot", "__main__")

_PATTERNS = (
    (re.compile(r"bot\d+:[A-Za-z0-9_-]+"), "bot<token>"),
    (re.compile(r"Bearer\s+\S+", re.I), "Bearer <token>"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "<email>"),
    (re.compile(r"\b[UCR][0-9a-f]{32}\b"), "<line-id>"),
    (re.compile(r"[\u0e00-\u0e7f]+(?:[\s\d.,:;!?()\-]+[\u0e00-\u0e7f]+)*"), "<thai>"),
    (re.compile(r"\d{4}(?:[\s\-\u2013]?\d{4}){3}"), "<code>"),
    (re.compile(r"-?\d{5,}"), "<number>"),
)
_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")


def redact(text: str, *, quoted: bool = False) -> str:
    """`text` with anything that could name or quote a citizen replaced."""
    if quoted:
        text = _QUOTED.sub("'<redacted>'", text)
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def _is_ours(name: str) -> bool:
    return name.split(".", 1)[0] in OURS


def _clean(record: logging.LogRecord) -> None:
    quoted = not _is_ours(record.name)
    if record.args:
        # Keep the template and the arguments' shape (uvicorn's access log unpacks them):
        # the template is code, each argument is data.
        record.msg = redact(str(record.msg))
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        cleaned = tuple(_clean_arg(a, quoted) for a in args)
        record.args = cleaned if isinstance(record.args, tuple) else cleaned[0]
    else:
        record.msg = redact(str(record.msg), quoted=quoted)  # a finished message
    if record.exc_info and record.exc_info[0] is not None:
        kind, _value, tb = record.exc_info
        frames = "".join(  # where, without source lines: they can hold literals too
            f'  File "{f.filename}", line {f.lineno}, in {f.name}\n'
            for f in traceback.extract_tb(tb)
        )
        withheld = f"{kind.__name__} (message withheld)"
        record.exc_text = f"Traceback (most recent call last):\n{frames}{withheld}"
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text, quoted=True)


class _Hidden(int):
    """A long number (a chat or user id) that still formats with %d, as 0."""

    def __repr__(self) -> str:
        return "<number>"

    __str__ = __repr__


def _clean_arg(value: object, quoted: bool, payload: bool = False) -> object:
    """One argument of a log call, cleaned; of the same kind where formatting needs it.

    `payload`: a value inside another library's dict (request parameters): all data.
    """
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int):
        return _Hidden(0) if abs(value) >= 10_000 else value  # counts stay, ids go
    if isinstance(value, dict):
        return {k: _clean_arg(v, quoted, payload=quoted) for k, v in value.items()}
    if isinstance(value, str):
        if payload or (quoted and (" " in value or not value.isascii())):
            return "<text>"  # another library's argument that reads like words: data
        return redact(value, quoted=quoted)
    return redact(repr(value), quoted=True)


def install_redaction() -> Callable[[], None]:
    """Make every log record created from now on redacted; returns a function to undo it."""
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if not getattr(record, "_redacted", False):  # installed twice: clean once
            _clean(record)
            record._redacted = True
        return record

    logging.setLogRecordFactory(factory)
    return lambda: logging.setLogRecordFactory(previous)
