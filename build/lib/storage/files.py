"""Where uploaded photos and files live: a local directory, names chosen at random.

A stored name says nothing about who sent the file or from which chat, and what is stored
is sealed with the deployment's key (`storage.crypto`, purpose "file"): an upload may be a
tip's evidence before anyone knows it is, so every upload is sealed as it is written.
`read` opens sealed files and passes older plain ones through unchanged. A deleted file is
overwritten with zeros before it is unlinked, so its blocks do not keep the content.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from storage import crypto

_KEY = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")
SEALED_MAGIC = b"complaintbot-sealed-file\0"
PURPOSE = "file"


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def save(self, data: bytes, *, suffix: str = "") -> str:
        """Store `data` sealed and return its key, e.g. `3f2a...e1.jpg`."""
        suffix = suffix.lower().lstrip(".")
        if suffix and not re.fullmatch(r"[a-z0-9]{1,8}", suffix):
            suffix = ""
        key = secrets.token_hex(16) + (f".{suffix}" if suffix else "")
        self._write(self.path(key), data)
        return key

    def path(self, key: str) -> Path:
        """Where the (sealed) bytes of `key` are; use `read` for the content."""
        if not _KEY.match(key):
            raise ValueError("not a file-store key")
        return self.root / key[:2] / key

    def read(self, key: str) -> bytes:
        stored = self.path(key).read_bytes()
        if stored.startswith(SEALED_MAGIC):
            return crypto.keyring().open(stored[len(SEALED_MAGIC) :], PURPOSE)
        return stored

    def is_current(self, key: str) -> bool:
        """Sealed under the keyring's current key (else `reseal` has work to do)."""
        stored = self.path(key).read_bytes()
        return stored.startswith(SEALED_MAGIC) and crypto.keyring().is_current(
            stored[len(SEALED_MAGIC) :]
        )

    def reseal(self, key: str) -> None:
        """Seal the file again under the current key (`keys rotate`)."""
        self._write(self.path(key), self.read(key), replace=True)

    def stored_keys(self) -> Iterator[str]:
        """Every stored file's key."""
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("??/*")):
            if _KEY.match(path.name):
                yield path.name

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

    def _write(self, path: Path, data: bytes, *, replace: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        sealed = SEALED_MAGIC + crypto.keyring().seal(data, PURPOSE)
        if not replace:
            path.write_bytes(sealed)
            return
        tmp = path.with_name(path.name + ".new")  # a crash leaves the old sealing whole
        tmp.write_bytes(sealed)
        os.replace(tmp, path)
