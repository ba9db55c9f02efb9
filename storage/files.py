"""Where uploaded photos and files live: a local directory, names chosen at random.

A stored name says nothing about who sent the file or from which chat.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

_KEY = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def save(self, data: bytes, *, suffix: str = "") -> str:
        """Store `data` and return its key, e.g. `3f2a...e1.jpg`."""
        suffix = suffix.lower().lstrip(".")
        if suffix and not re.fullmatch(r"[a-z0-9]{1,8}", suffix):
            suffix = ""
        key = secrets.token_hex(16) + (f".{suffix}" if suffix else "")
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return key

    def path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError("not a file-store key")
        return self.root / key[:2] / key

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)
