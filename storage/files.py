"""Uploaded photos and files, sealed, under names chosen at random.

A stored name says nothing about who sent the file or from which chat, and what is stored
is sealed with the deployment's key (`storage.crypto`, purpose "file", bound to the file's
name, padded like every sealed value): an upload may be a tip's evidence before anyone
knows it is, so every upload is sealed as it is written.
`read` opens sealed files and passes older plain ones through unchanged.

The sealed bytes live in a blob store (`storage.blobs`): a local directory (one machine,
the default) or the database (several machines behind one PostgreSQL). Callers see only
this class, whichever it is.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from storage import crypto
from storage.blobs.base import Blobs
from storage.blobs.disk import DiskBlobs

_KEY = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")
SEALED_MAGIC = b"complaintbot-sealed-file\0"
PURPOSE = "file"


class FileStore:
    def __init__(self, where: Path | Blobs) -> None:
        """`where`: a directory (the local store) or a blob store from `storage.blobs`."""
        self.blobs: Blobs = DiskBlobs(where) if isinstance(where, str | Path) else where

    @property
    def kind(self) -> str:
        return self.blobs.kind

    @property
    def root(self) -> Path | None:
        """The local directory, when files are kept in one."""
        return self.blobs.root if isinstance(self.blobs, DiskBlobs) else None

    def save(self, data: bytes, *, suffix: str = "") -> str:
        """Store `data` sealed and return its key, e.g. `3f2a...e1.jpg`."""
        suffix = suffix.lower().lstrip(".")
        if suffix and not re.fullmatch(r"[a-z0-9]{1,8}", suffix):
            suffix = ""
        key = secrets.token_hex(16) + (f".{suffix}" if suffix else "")
        self.blobs.put(key, self.seal(key, data))
        return key

    def path(self, key: str) -> Path:
        """Where the (sealed) bytes of `key` are on disk (local store only)."""
        _check(key)
        if not isinstance(self.blobs, DiskBlobs):
            raise TypeError("files are not kept on this machine's disk")
        return self.blobs.path(key)

    def read(self, key: str) -> bytes:
        """The content of `key`; FileNotFoundError when the store no longer holds it."""
        return self.open(key, self.stored(key))

    def stored(self, key: str) -> bytes:
        """The bytes as kept (sealed), for copying between stores and backups."""
        return self.blobs.get(_check(key))

    def put_stored(self, key: str, stored: bytes) -> None:
        """Keep bytes `stored` already sealed (a copy from another store, a restore)."""
        self.blobs.put(_check(key), stored, replace=True)

    def exists(self, key: str) -> bool:
        return self.blobs.exists(_check(key))

    def is_current(self, key: str) -> bool:
        """Sealed under the keyring's current key (else `reseal` has work to do)."""
        stored = self.stored(key)
        return stored.startswith(SEALED_MAGIC) and crypto.keyring().is_current(
            stored[len(SEALED_MAGIC) :]
        )

    def reseal(self, key: str) -> None:
        """Seal the file again under the current key (`keys rotate`)."""
        self.blobs.put(key, self.seal(key, self.read(key)), replace=True)

    def stored_keys(self) -> Iterator[str]:
        """Every stored file's key."""
        return self.blobs.all_keys()

    def delete(self, key: str) -> None:
        self.blobs.delete(_check(key))

    def prepare(self) -> None:
        """Ready to store (the local directory exists, private); `serve` calls it at start."""
        self.blobs.prepare()

    @staticmethod
    def seal(key: str, data: bytes) -> bytes:
        return SEALED_MAGIC + crypto.keyring().seal(data, PURPOSE, key)  # bound to its name

    @staticmethod
    def open(key: str, stored: bytes) -> bytes:
        if stored.startswith(SEALED_MAGIC):
            return crypto.keyring().open(stored[len(SEALED_MAGIC) :], PURPOSE, key)
        return stored


def _check(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError("not a file-store key")
    return key
