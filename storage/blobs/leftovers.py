"""A shared store that still finds the files a deployment kept on disk before it moved.

A one-machine PostgreSQL deployment upgraded to keep files in the database (or S3) has its
older photos on disk until `complaintbot files migrate` moves them. Meanwhile they still
open, on that machine, from the disk; new files go to the shared store only. A file deleted
(retention, erasure, a cancelled draft) is wiped from both, and one re-sealed (`keys
rotate`) moves to the shared store, so nothing sealed under a retired key stays behind.
"""

from __future__ import annotations

from collections.abc import Iterator

from storage.blobs.base import Blobs
from storage.blobs.disk import DiskBlobs


class WithLeftovers:
    def __init__(self, shared: Blobs, disk: DiskBlobs) -> None:
        self.shared, self.disk = shared, disk
        self.kind = shared.kind

    def put(self, key: str, data: bytes, *, replace: bool = False) -> None:
        self.shared.put(key, data, replace=replace)
        if replace:
            self.disk.delete(key)

    def get(self, key: str) -> bytes:
        try:
            return self.shared.get(key)
        except FileNotFoundError:
            return self.disk.get(key)

    def exists(self, key: str) -> bool:
        return self.shared.exists(key) or self.disk.exists(key)

    def delete(self, key: str) -> None:
        self.shared.delete(key)
        self.disk.delete(key)

    def all_keys(self) -> Iterator[str]:
        yield from sorted(set(self.shared.all_keys()) | set(self.disk.all_keys()))

    def prepare(self) -> None:
        self.shared.prepare()
