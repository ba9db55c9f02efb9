"""What every blob store does: keep sealed bytes under a key, hand them back, forget them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class Blobs(Protocol):
    """Sealed bytes by file-store key; the key is already checked by `storage.files`."""

    kind: str  # "disk" or "database", for the doctor, the backup and `files migrate`

    def put(self, key: str, data: bytes, *, replace: bool = False) -> None:
        """Keep `data` under `key`; with `replace`, the old bytes stay whole until then."""

    def get(self, key: str) -> bytes:
        """The bytes under `key`; FileNotFoundError when there are none."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Forget `key` (nothing happens when it is not there)."""

    def all_keys(self) -> Iterator[str]:
        """Every stored key, sorted."""

    def prepare(self) -> None:
        """Make ready to store (create the directory); called once when `serve` starts."""
