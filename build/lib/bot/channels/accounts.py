"""Which bot account a channel instance speaks for, and whose turns its events start.

The single-organisation setup has one account per platform from the environment (`from_env`);
a deployment hosting many organisations adds accounts stored in the database
(`storage.hosting.accounts`), one per organisation and platform, plus an optional shared one per
platform whose chats are routed to an organisation by `handlers.hosting.shared_front`.

Chats of a shared account carry `SHARED_PREFIX` before their chat and user ids inside the
core, so they never meet the same person's chat with an organisation's own bot, and a notice
queued for such a chat goes back through the shared account.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

from handlers.engine import ConversationEngine
from handlers.types import Event, Reply
from storage.hosting.account_models import SHARED, ChatAccount

SHARED_PREFIX = "s:"


@dataclass(frozen=True)
class Account:
    platform: str  # "line" or "telegram"
    owner: str  # an organisation's slug, "shared", or "" for the environment's account
    org_id: int  # whose inbox rows these are (the host organisation for a shared account)
    secret: str = ""  # LINE channel secret
    token: str = ""  # LINE access token / Telegram bot token
    webhook_secret: str = ""  # Telegram's secret token header

    @property
    def shared(self) -> bool:
        return self.owner == SHARED

    @property
    def inbox_name(self) -> str:
        """The inbox's channel name (also the chat-lock namespace): distinct per account."""
        if not self.owner:
            return self.platform
        return f"{self.platform}-{'shared' if self.shared else self.org_id}"

    @property
    def webhook_path(self) -> str:
        if not self.owner:
            return f"/{self.platform}/webhook"
        return f"/{self.platform}/{self.owner}/webhook"

    @property
    def chat_prefix(self) -> str:
        return SHARED_PREFIX if self.shared else ""


def from_row(row: ChatAccount, owner: str, host_org_id: int) -> Account:
    return Account(
        platform=row.platform,
        owner=owner,
        org_id=host_org_id if owner == SHARED else int(row.org_id or 0),
        secret=row.secret,
        token=row.token,
        webhook_secret=row.webhook_secret,
    )


def tagged(event: Event, prefix: str) -> Event:
    """The core's view of a shared account's event: its chat and user ids prefixed."""
    if not prefix:
        return event
    user = prefix + event.user_id if event.user_id else event.user_id
    return replace(event, chat_id=prefix + event.chat_id, user_id=user)


def untagged(chat_id: str) -> tuple[bool, str]:
    """(shared?, the platform's chat id) of a chat id stored by the core."""
    if chat_id.startswith(SHARED_PREFIX):
        return True, chat_id[len(SHARED_PREFIX) :]
    return False, chat_id


class OrgTurns:
    """The inbox's `Turns` for one account: the engine's turns for its organisation, or, for
    a shared account, the front step first (in the same transaction)."""

    def __init__(self, engine: ConversationEngine, account: Account) -> None:
        self.engine = engine
        self.account = account
        self.front = shared_front(account) if account.shared else None

    async def handle(self, event: Event, hook: Any = None) -> list[Reply]:
        return await self.engine.handle(event, hook, org_id=self.account.org_id, front=self.front)


def turns_of(engine: ConversationEngine, account: Account) -> Any:
    """The environment's account runs the engine's own organisation's turns directly."""
    return OrgTurns(engine, account) if account.owner else engine


def shared_front(account: Account) -> Any:
    """`handlers.hosting.shared_front.step` bound to the account (built on the place branch)."""
    from handlers.hosting import shared_front as front

    return functools.partial(_front_step, front.step, f"{account.platform}:{SHARED}")


def _front_step(step: Any, account_name: str, session: Any, event: Event) -> Any:
    return step(session, event, account=account_name)
