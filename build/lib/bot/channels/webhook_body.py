"""Reading a webhook body safely: a size cap before and while reading, and JSON that cannot
crash the server (deep nesting, bad UTF-8)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request


class BodyTooLarge(Exception):
    pass


class BadJson(ValueError):
    pass


async def read_capped(request: Request, limit: int) -> bytes:
    """The raw body, refused (`BodyTooLarge`) as soon as it is known to exceed `limit`:
    by its Content-Length before reading, else while streaming it."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(body: bytes) -> Any:
    """`json.loads` that fails only with `BadJson` (never RecursionError or a decode error)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BadJson(type(exc).__name__) from None
