"""Moving a deployment's local files into the database store, once, when it grows machines.

Each file's sealed bytes are copied as they are (no key is needed, nothing is opened), read
back and compared, and only then wiped from the disk: a crash half way leaves every file in
one place or both, never in neither, and running it again finishes the job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from storage.blobs.base import Blobs
from storage.blobs.disk import DiskBlobs


@dataclass
class Moved:
    copied: int = 0
    already: int = 0  # the same bytes were there (an earlier run stopped before wiping)
    wiped: int = 0
    bytes: int = 0


def move_files(
    source: DiskBlobs,
    target: Blobs,
    *,
    keep: bool = False,
    progress: Callable[[list[str]], Iterable[str]] = iter,
) -> Moved:
    """Copy every file of `source` into `target`, checked; wipe it from `source` unless `keep`."""
    moved = Moved()
    for key in progress(list(source.all_keys())):
        try:
            data = source.get(key)
        except FileNotFoundError:
            continue  # deleted meanwhile (a cancelled draft's photo)
        if target.exists(key) and target.get(key) == data:
            moved.already += 1
        else:
            target.put(key, data, replace=True)
            if target.get(key) != data:
                raise OSError(f"file {key[:6]}... read back differently; left on disk")
            moved.copied += 1
            moved.bytes += len(data)
        if not keep:
            source.delete(key)
            moved.wiped += 1
    return moved
