"""Sealed files in a local directory, two hex digits of the key as a subdirectory.

A deleted file is overwritten with zeros before it is unlinked, so its blocks do not keep
the content; a replaced file is written beside and renamed over, so a crash leaves the old
sealing whole.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

_NAME = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")


class DiskBlobs:
    kind = "disk"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, *, replace: bool = False) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not replace:
            path.write_bytes(data)
            return
        tmp = path.with_name(path.name + ".new")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        path = self.path(key)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return
        with open(path, "r+b") as f:  # overwrite first: unlinking alone leaves the blocks
            f.write(b"\0" * size)
            f.flush()
            os.fsync(f.fileno())
        path.unlink(missing_ok=True)

    def all_keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("??/*")):
            if _NAME.match(path.name):
                yield path.name

    def prepare(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
