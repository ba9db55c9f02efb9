"""Many organisations in one serving process: the webhooks of accounts kept in the database.

`/line/{owner}/webhook` and `/telegram/{owner}/webhook` (owner: an organisation's slug, or
"shared") are looked up per request. An owner this process does not know yet is read from
the database at once, so an organisation added or given credentials while the server runs
answers its first webhook; known ones are re-checked against `storage.hosting.accounts.version` at
most every `RECHECK_SECONDS`, so changed credentials take effect without a restart too.

The runner is also the outbox's deliverer for its platform: a message goes out through the
account its chat used (the shared account for a shared chat, else the organisation's own
account, else the environment's account of the single-organisation setup).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.accounts import Account, from_row, untagged
from handlers.outbound import Delivery
from storage.hosting import accounts
from storage.hosting.account_models import SHARED
from storage.models import Organisation

if TYPE_CHECKING:
    from bot.app import Core
    from bot.config import Settings

log = logging.getLogger(__name__)

RECHECK_SECONDS = 5.0


class NoAccount(Exception):
    """No account can reach this chat (yet): the outbox retries later."""


class HostedAccounts:
    """The `ChannelRunner` for one platform's accounts stored in the database."""

    routes_by_org = True  # the outbox sender passes the message's organisation

    def __init__(self, settings: Settings, core: Core, platform: str, fallback: Any = None) -> None:
        self.settings = settings
        self.core = core
        self.platform = platform
        self.outbox_channel = platform
        self.fallback = fallback  # the environment's channel of this platform, if any
        self.routes: list[BaseRoute] = [
            Route(f"/{platform}/{{owner}}/webhook", self.webhook, methods=["POST"])
        ]
        self.channels: dict[str, tuple[Account, Any]] = {}  # owner -> (account, channel)
        self._version: tuple[int, str] | None = None
        self._checked = 0.0
        self._lock = asyncio.Lock()
        self._running = False

    async def start(self) -> None:
        """Start every stored account's channel (their inboxes hold what is left to do)."""
        self._running = True
        self._version = None
        await self.refresh(force=True)

    async def stop(self) -> None:
        self._running = False
        for _account, channel in list(self.channels.values()):
            await channel.stop()
        self.channels.clear()

    async def join(self) -> None:
        """Wait until every account's stored events are handled and answered (tests)."""
        for _account, channel in list(self.channels.values()):
            await channel.inbox.join()

    # -- accounts ----------------------------------------------------------------------------

    async def refresh(self, *, force: bool = False) -> None:
        """Bring the running channels in line with the database when it changed.

        `force` skips the pause between checks (an owner this process does not know); the
        accounts are read in full only when their version changed, so a stream of posts to
        unknown owners costs one small query each, and an account whose channel failed to
        start (a wrong token) is tried again only once it is changed.
        """
        async with self._lock:
            if not force and time.monotonic() - self._checked < RECHECK_SECONDS:
                return
            self._checked = time.monotonic()
            version = await asyncio.to_thread(self._current_version)
            if version == self._version:
                return
            version, wanted = await asyncio.to_thread(self._read)
            self._version = version
            for owner in [o for o in self.channels if o not in wanted]:
                _account, channel = self.channels.pop(owner)
                await channel.stop()
            for owner, account in wanted.items():
                current = self.channels.get(owner)
                if current is not None and current[0] == account:
                    continue
                if current is not None:
                    await current[1].stop()
                    del self.channels[owner]
                channel = self._build(account)
                try:
                    await channel.start()
                except Exception as exc:  # a wrong token: the others keep working
                    log.error("%s account could not start (%s)", self.platform, type(exc).__name__)
                    continue
                self.channels[owner] = (account, channel)

    def _current_version(self) -> tuple[int, str]:
        with Session(self.core.db) as session:
            return accounts.version(session)

    def _read(self) -> tuple[tuple[int, str], dict[str, Account]]:
        with Session(self.core.db) as session:
            version = accounts.version(session)
            wanted = {}
            for row in accounts.all_accounts(session):
                if row.platform != self.platform:
                    continue
                owner = SHARED if row.org_id is None else _slug(session, row.org_id)
                if row.org_id is not None and owner == SHARED:
                    continue  # an organisation slugged "shared" (from the environment) never
                    # takes the shared account's webhook
                if owner and (row.token or row.secret):
                    wanted[owner] = from_row(row, owner, self.core.org_id)
            return version, wanted

    def _build(self, account: Account) -> Any:
        if self.platform == "line":
            from bot.channels.line.channel import account_channel

            return account_channel(self.settings, self.core, account)
        from bot.channels.telegram.channel import account_channel as telegram_channel

        return telegram_channel(self.settings, self.core, account)

    async def channel_for(self, owner: str) -> Any | None:
        await self.refresh(force=owner not in self.channels)
        found = self.channels.get(owner)
        return None if found is None else found[1]

    # -- webhook -----------------------------------------------------------------------------

    async def webhook(self, request: Request) -> Response:
        if not self._running:
            return PlainTextResponse("not ready", status_code=503)
        channel = await self.channel_for(request.path_params["owner"])
        if channel is None:
            return PlainTextResponse("not found", status_code=404)
        return await channel.webhook_endpoint(request)

    # -- outbox ------------------------------------------------------------------------------

    async def send_out(self, chat_id: str, delivery: Delivery, key: str, *, org_id: int) -> None:
        shared, _plain = untagged(chat_id)
        channel = None
        if shared:
            channel = await self.channel_for(SHARED)
        else:
            await self.refresh()
            channel = next(
                (c for a, c in self.channels.values() if not a.shared and a.org_id == org_id),
                None,
            )
            if channel is None and org_id == self.core.org_id:
                channel = self.fallback
        if channel is None:
            raise NoAccount(self.platform)
        await channel.send_out(chat_id, delivery, key)


def _slug(session: Session, org_id: int) -> str:
    org = session.get(Organisation, org_id)
    return org.slug if org is not None else ""


def hosted_runners(settings: Settings, core: Core, env_runners: list) -> list[HostedAccounts]:
    """One runner per platform; each falls back to the environment's channel for delivery."""
    by_platform = {getattr(r, "outbox_channel", None): r for r in env_runners}
    return [HostedAccounts(settings, core, p, by_platform.get(p)) for p in accounts.PLATFORMS]
