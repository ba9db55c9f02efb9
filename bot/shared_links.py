"""Short-lived signed links to stored files, for LINE (it shows images only by HTTPS URL).

A link names one file-store key and an expiry, signed with a subkey of the deployment keyring
that belongs to one shelf of files:

    {COMPLAINTBOT_PUBLIC_URL}/shared/{expires}/{signature}/{key}   statistics files, 7 days
    {COMPLAINTBOT_PUBLIC_URL}/photo/{expires}/{signature}/{key}    a complaint's photos, 1 hour

The route serves the file only if the signature is right for its shelf (403 otherwise), the
link has not expired (403) and the key is on that shelf now (404 otherwise): statistics files
registered in `shared_file`, or photos of a complaint that still exist. No link can therefore
reach a tip's evidence, a document or an erased photo, even one signed by mistake, and a
statistics signature never opens a photo nor the other way round.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import quote

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from storage import crypto
from storage.files import FileStore
from storage.links import case_photos
from storage.links import registry as shared_files
from storage.timeutil import utcnow


class Shelved(Protocol):
    """What a shelf knows of a file it may serve."""

    name: str
    mime: str


@dataclass(frozen=True)
class Shelf:
    """One kind of file served by signed link: where, under which key, how long, which files."""

    prefix: str  # the first path segment: /{prefix}/{expires}/{signature}/{key}
    purpose: str  # the keyring subkey's purpose, so shelves cannot sign for each other
    lifetime: timedelta
    cache: str  # Cache-Control of the served file
    files: Callable[[Session, Iterable[str]], Mapping[str, Shelved]]


STATISTICS = Shelf(
    "shared", "shared-file-link", timedelta(days=7),  # to open last month's summary days later
    "private, max-age=3600", shared_files.registered,
)  # fmt: skip
# LINE fetches a photo when the officer opens it, moments after pressing "ดูรูปภาพ"; an hour
# is enough for that and leaves a leaked link useless soon after.
CASE_PHOTOS = Shelf(
    "photo", "case-photo-link", timedelta(hours=1), "private, no-store",
    case_photos.complaint_photos,
)  # fmt: skip

PURPOSE = STATISTICS.purpose
LIFETIME = STATISTICS.lifetime


@dataclass(frozen=True)
class Link:
    url: str
    name: str
    expires_at: datetime


def _message(key: str, expires: int) -> bytes:
    return f"{key}\0{expires}".encode()


def sign(key: str, expires: int, shelf: Shelf = STATISTICS) -> str:
    return crypto.keyring().mac(_message(key, expires), shelf.purpose)


def signature_ok(key: str, expires: int, given: str, shelf: Shelf = STATISTICS) -> bool:
    """True if `given` signs (key, expires) for `shelf` under any key of the ring (keys
    rotate)."""
    macs = crypto.keyring().macs(_message(key, expires), shelf.purpose)
    return any(hmac.compare_digest(given.encode(), mac.encode()) for mac in macs)


class ShelfLinks:
    """Signs links to the files of one shelf and serves them (`routes`, mounted by LINE)."""

    def __init__(
        self,
        db: Engine,
        files: FileStore,
        public_url: str,
        *,
        shelf: Shelf = STATISTICS,
        clock: Callable[[], datetime] = utcnow,
        lifetime: timedelta | None = None,
    ) -> None:
        self.db = db
        self.files = files
        self.public_url = public_url.rstrip("/")
        self.shelf = shelf
        self.clock = clock
        self.lifetime = lifetime or shelf.lifetime
        path = f"/{shelf.prefix}/{{expires:int}}/{{signature}}/{{key}}"
        self.routes = [Route(path, self.serve, methods=["GET", "HEAD"])]

    def links(self, keys: Iterable[str]) -> dict[str, Link]:
        """Signed links to those of `keys` that are on this shelf (others: none)."""
        keys = [k for k in keys if k]
        if not keys:
            return {}
        with Session(self.db) as session:
            rows = self.shelf.files(session, keys)
        expires_at = (self.clock() + self.lifetime).replace(microsecond=0)
        expires = int(expires_at.timestamp())
        base = f"{self.public_url}/{self.shelf.prefix}/{expires}"
        return {
            key: Link(f"{base}/{sign(key, expires, self.shelf)}/{key}", row.name, expires_at)
            for key, row in rows.items()
        }

    async def serve(self, request: Request) -> Response:
        params = request.path_params
        key, expires, given = params["key"], params["expires"], params["signature"]
        if not signature_ok(key, expires, given, self.shelf):
            return PlainTextResponse("forbidden", status_code=403)
        if datetime.fromtimestamp(expires, UTC) <= self.clock():
            return PlainTextResponse("link expired", status_code=403)
        row = await run_in_threadpool(self._on_shelf, key)
        if row is None:
            return PlainTextResponse("not found", status_code=404)
        try:  # files are stored sealed: open them, never hand out the raw store file
            data = await run_in_threadpool(self.files.read, key)
        except (ValueError, OSError):
            return PlainTextResponse("not found", status_code=404)
        disposition = "inline" if row.mime.startswith("image/") else "attachment"
        name = row.name or key
        return Response(
            data, media_type=row.mime,
            headers={
                "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
                "Cache-Control": self.shelf.cache, "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )  # fmt: skip

    def _on_shelf(self, key: str) -> Shelved | None:
        with Session(self.db) as session:
            return self.shelf.files(session, [key]).get(key)


class SharedLinks:
    """Every shelf's links for one deployment: what a LINE channel signs and serves."""

    def __init__(
        self,
        db: Engine,
        files: FileStore,
        public_url: str,
        *,
        clock: Callable[[], datetime] = utcnow,
        shelves: Iterable[Shelf] = (STATISTICS, CASE_PHOTOS),
    ) -> None:
        self.shelves = [ShelfLinks(db, files, public_url, shelf=s, clock=clock) for s in shelves]
        self.routes = [route for shelf in self.shelves for route in shelf.routes]

    def links(self, keys: Iterable[str]) -> dict[str, Link]:
        """Signed links to those of `keys` that are on some shelf (others: none)."""
        keys = [k for k in keys if k]
        found: dict[str, Link] = {}
        for shelf in self.shelves:
            found.update(shelf.links(k for k in keys if k not in found))
        return found
