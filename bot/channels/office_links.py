"""A link to the case's page in the staff office, under notices and case cards.

The core marks a reply with the case it is about (`Reply.office_case`); it knows nothing of
the deployment's address. Every channel passes its replies through `with_office_links`
before rendering, so an officer on any platform can open the case at a desk. Without a
public URL there is no address to give and the reply is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import quote

from handlers.types import Reply
from messages import staff as msg

CASE_PATH = "/office/case/{key}"


def case_url(public_url: str, key: str) -> str:
    return public_url.rstrip("/") + CASE_PATH.format(key=quote(key, safe=""))


def with_office_links(replies: Sequence[Reply], public_url: str) -> list[Reply]:
    """`replies`, each one about a case ending with the line that links to its page."""
    if not public_url or not any(r.office_case for r in replies):
        return list(replies)
    return [_linked(reply, public_url) if reply.office_case else reply for reply in replies]


def _linked(reply: Reply, public_url: str) -> Reply:
    link = msg.OFFICE_LINK.format(url=case_url(public_url, reply.office_case or ""))
    return replace(reply, text=f"{reply.text}\n\n{link}")
