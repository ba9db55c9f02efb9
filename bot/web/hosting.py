"""Many organisations in one serving process: the webhooks of accounts kept in the database.

`/line/{owner}/webhook` and `/telegram/{owner}/webhook` (owner: an organisation's slug, or
"shared") are looked up per request. Accounts are loaded on first use (a webhook, a message
the outbox sends, or rows the process's sweep finds, `bot.channels.sweeper`), not at start:
starting costs the same for ten organisations as for ten thousand. At most `CACHE_ACCOUNTS`
loaded accounts per platform stay loaded; the least recently used idle one is closed beyond
that (its rows stay in the database, so closing loses nothing, and the next use loads it
again). An organisation added or given credentials while the server runs answers its first
webhook; loaded accounts are re-checked against `storage.hosting.accounts.version` at most
every `RECHECK_SECONDS`, so changed credentials take effect without a restart too.

The runner is also the outbox's deliverer for its platform: a message goes out through the
account its chat used (the shared account for a shared chat, else the organisation's own
account, else the environment's account of the single-organisation setup).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.accounts import Account, from_row, untagged
from bot.channels.sweeper import sweeper_for
from bot.channels.tls import client_context
from bot.send_progress import Progress
from handlers.outbound import Delivery
from storage import orgs
from storage.hosting import accounts
from storage.hosting.account_models import SHARED
from storage.models import Organisation

if TYPE_CHECKING:
    from bot.app import Core
    from bot.config import Settings

log = logging.getLogger(__name__)

RECHECK_SECONDS = 5.0
CACHE_ACCOUNTS = 200  # loaded accounts kept per platform (each holds API clients and an inbox)


class NoAccount(Exception):
    """No account can reach this chat (yet): the outbox retries later."""


class HostedAccounts:
    """The `ChannelRunner` for one platform's accounts stored in the database."""

    routes_by_org = True  # the outbox sender passes the message's organisation

    def __init__(
        self,
        settings: Settings,
        core: Core,
        platform: str,
        fallback: Any = None,
        *,
        capacity: int = CACHE_ACCOUNTS,
    ) -> None:
        self.settings = settings
        self.core = core
        self.platform = platform
        self.outbox_channel = platform
        self.fallback = fallback  # the environment's channel of this platform, if any
        self.capacity = capacity
        self.routes: list[BaseRoute] = [
            Route(f"/{platform}/{{owner}}/webhook", self.webhook, methods=["POST"])
        ]
        # inbox name -> (account, channel), least recently used first
        self.channels: OrderedDict[str, tuple[Account, Any]] = OrderedDict()
        self._names: dict[str, str] = {}  # owner -> inbox name, for loaded accounts
        self._failed: dict[str, Account] = {}  # failed to start: not tried again until changed
        self._loading: dict[str, asyncio.Lock] = {}
        self._busy: dict[str, int] = {}  # inbox name -> requests using its channel now
        self._version: tuple[int, str] | None = None
        self._checked = 0.0
        self._running = False
        self._sweeper = sweeper_for(core.db)

    async def start(self) -> None:
        """Take webhooks; accounts load on first use (the sweep loads those with rows left)."""
        self._version = await asyncio.to_thread(self._current_version)
        # Built here, once, rather than by the first account's first webhook (~0.1 s).
        await asyncio.to_thread(client_context)
        self._checked = time.monotonic()
        self._running = True
        self._sweeper.add_resolver(self._resolve)

    async def stop(self) -> None:
        self._running = False
        self._sweeper.remove_resolver(self._resolve)
        for name in list(self.channels):
            await self._drop(name)

    async def join(self) -> None:
        """Wait until every loaded account's stored events are handled and answered (tests)."""
        for _account, channel in list(self.channels.values()):
            await channel.inbox.join()

    # -- accounts ----------------------------------------------------------------------------

    async def channel_for(self, owner: str) -> Any | None:
        """The channel of `owner`'s account, loaded now if it is not; None when it has none."""
        await self._recheck()
        name = self._names.get(owner)
        if name is not None and name in self.channels:
            self.channels.move_to_end(name)
            return self.channels[name][1]
        account = await asyncio.to_thread(self._read_owner, owner)
        return None if account is None else await self._load(account)

    async def _channel_of_org(self, org_id: int) -> Any | None:
        await self._recheck()
        name = f"{self.platform}-{org_id}"  # `Account.inbox_name` of an organisation's own
        if name in self.channels:
            self.channels.move_to_end(name)
            return self.channels[name][1]
        account = await asyncio.to_thread(self._read_org, org_id)
        return None if account is None else await self._load(account)

    async def _resolve(self, org_id: int, channel: str) -> Any | None:
        """The sweep's resolver: the inbox of the account whose rows are named `channel`."""
        prefix = f"{self.platform}-"
        if not self._running or not channel.startswith(prefix):
            return None
        rest = channel[len(prefix) :]
        if rest == SHARED:
            found = await self.channel_for(SHARED)
        elif rest.isdigit():
            found = await self._channel_of_org(int(rest))
        else:
            return None
        return None if found is None else found.inbox

    async def _load(self, account: Account) -> Any | None:
        name = account.inbox_name
        async with self._loading.setdefault(name, asyncio.Lock()):
            found = self.channels.get(name)
            if found is not None and found[0] == account:
                self.channels.move_to_end(name)
                return found[1]
            if found is not None:
                await self._drop(name)
            if self._failed.get(name) == account or not self._running:
                return None
            channel = self._build(account)
            try:
                await channel.start()
            except Exception as exc:  # a wrong token: the others keep working
                log.error("%s account could not start (%s)", self.platform, type(exc).__name__)
                self._failed[name] = account
                return None
            self.channels[name] = (account, channel)
            self._names[account.owner] = name
        await self._evict()
        return channel

    async def _evict(self) -> None:
        """Close the least recently used idle accounts beyond `capacity`."""
        while len(self.channels) > self.capacity:
            name = next(
                (
                    n
                    for n, (_a, channel) in self.channels.items()
                    if not self._busy.get(n) and channel.inbox.idle
                ),
                None,
            )
            if name is None:
                return  # all busy: over the bound for a moment
            await self._drop(name)

    async def _drop(self, name: str) -> None:
        found = self.channels.pop(name, None)
        if found is None:
            return
        account, channel = found
        if self._names.get(account.owner) == name:
            del self._names[account.owner]
        try:
            await channel.stop()
        except Exception as exc:
            log.warning("%s account did not close cleanly (%s)", self.platform, type(exc).__name__)

    async def _recheck(self) -> None:
        """Drop loaded accounts whose credentials changed or went, when the accounts' version
        moved (one small query at most every `RECHECK_SECONDS`); next use loads them anew."""
        if time.monotonic() - self._checked < RECHECK_SECONDS:
            return
        self._checked = time.monotonic()
        version = await asyncio.to_thread(self._current_version)
        if version == self._version:
            return
        self._version = version
        self._failed.clear()
        loaded = {name: account for name, (account, _c) in self.channels.items()}
        current = await asyncio.to_thread(self._reread, list(loaded.values()))
        for name, account in loaded.items():
            if current.get(name) != account:
                await self._drop(name)

    def _current_version(self) -> tuple[int, str]:
        with Session(self.core.db) as session:
            return accounts.version(session)

    def _read_owner(self, owner: str) -> Account | None:
        with Session(self.core.db) as session:
            return self._owner_account(session, owner)

    def _reread(self, loaded: list[Account]) -> dict[str, Account]:
        with Session(self.core.db) as session:
            found = (self._owner_account(session, a.owner) for a in loaded)
            return {a.inbox_name: a for a in found if a is not None}

    def _owner_account(self, session: Session, owner: str) -> Account | None:
        if owner == SHARED:
            row = accounts.get(session, self.platform, SHARED)
            if row is not None and row.org_id is not None:
                row = None
        else:
            org = orgs.by_slug(session, owner)
            row = None if org is None else accounts.for_org(session, self.platform, org.id)
        return self._usable(row, owner)

    def _read_org(self, org_id: int) -> Account | None:
        with Session(self.core.db) as session:
            owner = _slug(session, org_id)
            if owner == SHARED:
                return None  # an organisation slugged "shared" (from the environment) never
                # takes the shared account's webhook
            return self._usable(accounts.for_org(session, self.platform, org_id), owner)

    def _usable(self, row: Any, owner: str) -> Account | None:
        if row is None or not owner or not (row.token or row.secret):
            return None
        return from_row(row, owner, self.core.org_id)

    def _build(self, account: Account) -> Any:
        if self.platform == "line":
            from bot.channels.line.channel import account_channel

            return account_channel(self.settings, self.core, account)
        from bot.channels.telegram.channel import account_channel as telegram_channel

        return telegram_channel(self.settings, self.core, account)

    # -- webhook -----------------------------------------------------------------------------

    async def webhook(self, request: Request) -> Response:
        if not self._running:
            return PlainTextResponse("not ready", status_code=503)
        channel = await self.channel_for(request.path_params["owner"])
        if channel is None:
            return PlainTextResponse("not found", status_code=404)
        return await self._using(channel, channel.webhook_endpoint(request))

    async def _using(self, channel: Any, work: Any) -> Any:
        """Run `work` with `channel` marked busy, so that it is not closed meanwhile."""
        name = channel.name
        self._busy[name] = self._busy.get(name, 0) + 1
        try:
            return await work
        finally:
            self._busy[name] -= 1
            if not self._busy[name]:
                del self._busy[name]

    # -- outbox ------------------------------------------------------------------------------

    async def send_out(
        self,
        chat_id: str,
        delivery: Delivery,
        key: str,
        *,
        org_id: int,
        progress: Progress | None = None,
    ) -> None:
        shared, _plain = untagged(chat_id)
        if shared:
            channel = await self.channel_for(SHARED)
        else:
            channel = await self._channel_of_org(org_id)
            if channel is None and org_id == self.core.org_id:
                channel = self.fallback
        if channel is None:
            raise NoAccount(self.platform)
        await self._using(channel, channel.send_out(chat_id, delivery, key, progress=progress))


def _slug(session: Session, org_id: int) -> str:
    org = session.get(Organisation, org_id)
    return org.slug if org is not None else ""


def hosted_runners(settings: Settings, core: Core, env_runners: list) -> list[HostedAccounts]:
    """One runner per platform; each falls back to the environment's channel for delivery."""
    by_platform = {getattr(r, "outbox_channel", None): r for r in env_runners}
    return [HostedAccounts(settings, core, p, by_platform.get(p)) for p in accounts.PLATFORMS]
