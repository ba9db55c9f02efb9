"""One connection pool to LINE's API for every LINE account of the process.

line-bot-sdk gives each `AsyncApiClient` its own aiohttp session with its own TLS context
(about 70 ms of CPU and 1 MB to build, `bot.channels.tls`) and connection pool. An account's
token travels in its client's headers, not in the connection, so every account of a process
can send through one session: `api_client` builds an account's client on the shared pool,
which closes when the last LINE channel using it lets go (`release`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

from linebot.v3.messaging import AsyncApiClient, Configuration, async_rest

POOL_CONNECTIONS = 100  # requests to LINE in flight at once, all accounts together


class _Pool:
    def __init__(self, configuration: Configuration) -> None:
        self.loop = asyncio.get_running_loop()
        self.users = 0
        self.rest = async_rest.RESTClientObject(configuration, maxsize=POOL_CONNECTIONS)


_pool: _Pool | None = None


@contextlib.contextmanager
def _building_on(rest: async_rest.RESTClientObject) -> Iterator[None]:
    """While an `AsyncApiClient` is built (synchronously): its REST client is `rest`."""
    made = async_rest.RESTClientObject
    async_rest.RESTClientObject = lambda *_args, **_kwargs: rest  # type: ignore[assignment,misc]
    try:
        yield
    finally:
        async_rest.RESTClientObject = made  # type: ignore[misc]


def api_client(configuration: Configuration) -> AsyncApiClient:
    """An account's API client (its token from `configuration`) on the process's pool. Call
    `release` once when the account closes, instead of closing the client."""
    global _pool
    if _pool is None or _pool.loop is not asyncio.get_running_loop():
        _pool = _Pool(configuration)  # a pool of a finished event loop is of no use
    _pool.users += 1
    with _building_on(_pool.rest):
        return AsyncApiClient(configuration)


async def release(client: AsyncApiClient) -> None:
    """An account's client is done with the pool; the last one closes it."""
    global _pool
    if _pool is None or client.rest_client is not _pool.rest:
        await client.close()  # not on the pool (or of a pool already gone)
        return
    _pool.users -= 1
    if _pool.users <= 0:
        pool, _pool = _pool, None
        await pool.rest.close()
