"""Encryption at rest for what could expose an informant: AES-GCM sealing and keyed hashes.

A deployment has one secret (`COMPLAINTBOT_SECRET_KEY`, or a key file). Purpose-bound subkeys
are derived from it with HKDF, so the key that seals tip text never doubles as the key that
hashes tracking codes. A keyring may hold older secrets too: sealed values name the key that
sealed them, so they stay readable while `keys rotate` re-seals them under the current one.

Without the secret, neither the database nor the file store reveals what was sealed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"\x01"
KEY_ID_BYTES = 4
NONCE_BYTES = 12
MIN_SECRET_BYTES = 32


class SealError(LookupError):
    """A sealed value names a key this keyring does not hold, or fails to authenticate."""


class WeakSecret(ValueError):
    pass


def _derive(secret: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"complaintbot", info=purpose.encode()
    ).derive(secret)


@dataclass(frozen=True)
class _Key:
    key_id: bytes
    secret: bytes

    @classmethod
    def from_secret(cls, secret: bytes) -> _Key:
        key_id = hashlib.sha256(b"complaintbot-key-id\0" + secret).digest()[:KEY_ID_BYTES]
        return cls(key_id, secret)


class Keyring:
    """The current secret first, then older ones still accepted for reading."""

    def __init__(self, secrets_: Sequence[bytes]) -> None:
        if not secrets_:
            raise ValueError("a keyring needs at least one secret")
        for secret in secrets_:
            if len(secret) < MIN_SECRET_BYTES:
                raise WeakSecret(f"a secret key must hold at least {MIN_SECRET_BYTES} bytes")
        self._keys = [_Key.from_secret(s) for s in secrets_]
        self._cache: dict[tuple[bytes, str], bytes] = {}

    @property
    def current_id(self) -> str:
        return self._keys[0].key_id.hex()

    def _subkey(self, key: _Key, purpose: str) -> bytes:
        cached = self._cache.get((key.key_id, purpose))
        if cached is None:
            cached = self._cache[(key.key_id, purpose)] = _derive(key.secret, purpose)
        return cached

    def seal(self, plaintext: bytes, purpose: str) -> bytes:
        """Encrypt and authenticate `plaintext` for `purpose` under the current key."""
        key = self._keys[0]
        nonce = secrets.token_bytes(NONCE_BYTES)
        body = AESGCM(self._subkey(key, purpose)).encrypt(nonce, plaintext, purpose.encode())
        return VERSION + key.key_id + nonce + body

    def open(self, blob: bytes, purpose: str) -> bytes:
        """Decrypt a value sealed by `seal` under any key of this ring."""
        if blob[:1] != VERSION:
            raise SealError("not a sealed value")
        key_id = blob[1 : 1 + KEY_ID_BYTES]
        nonce = blob[1 + KEY_ID_BYTES : 1 + KEY_ID_BYTES + NONCE_BYTES]
        body = blob[1 + KEY_ID_BYTES + NONCE_BYTES :]
        for key in self._keys:
            if key.key_id == key_id:
                try:
                    return AESGCM(self._subkey(key, purpose)).decrypt(nonce, body, purpose.encode())
                except Exception as exc:  # InvalidTag: wrong purpose or tampered
                    raise SealError("sealed value does not authenticate") from exc
        raise SealError("sealed under a key this keyring does not hold")

    def is_current(self, blob: bytes) -> bool:
        return blob[1 : 1 + KEY_ID_BYTES] == self._keys[0].key_id

    @property
    def key_ids(self) -> list[str]:
        """The ids of the ring's keys, current first (hex; they reveal nothing of the keys)."""
        return [k.key_id.hex() for k in self._keys]

    def tagged_macs(self, data: bytes, purpose: str) -> list[str]:
        """`<key id>:<keyed hash>` under every key, current first.

        Stored where a secret must be found again but never read back (tip codes): the tag
        says which key made a stored hash, so `keys rotate` can count the hashes that still
        need a retired key (a keyed hash cannot be recomputed without the secret it hides).
        """
        return [
            f"{kid}:{mac}" for kid, mac in zip(self.key_ids, self.macs(data, purpose), strict=True)
        ]

    def mac(self, data: bytes, purpose: str) -> str:
        """A keyed hash (hex) under the current key: stored instead of a secret like a code."""
        return self.macs(data, purpose)[0]

    def macs(self, data: bytes, purpose: str) -> list[str]:
        """The keyed hash under every key of the ring, current first (for look-ups)."""
        return [
            hmac.new(self._subkey(k, "mac:" + purpose), data, hashlib.sha256).hexdigest()
            for k in self._keys
        ]


def parse_secret(text: str) -> bytes:
    """A secret as written in the environment or a key file: base64 (urlsafe or not) or hex
    of at least 32 bytes, or else a long passphrase taken as its UTF-8 bytes."""
    text = text.strip()
    for decode in (bytes.fromhex, base64.urlsafe_b64decode, base64.b64decode):
        try:
            raw = decode(text)
        except ValueError:
            continue
        if len(raw) >= MIN_SECRET_BYTES:
            return raw
    return text.encode()


def new_secret_text() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def read_key_file(path: Path) -> bytes:
    return read_key_file_ring(path)[0]


def read_key_file_ring(path: Path) -> list[bytes]:
    """Every secret in a key file: the current one on the first line, retired ones after."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    if not lines:
        raise WeakSecret(f"the key file {path} is empty")
    return [parse_secret(line) for line in lines]


def write_key_file(path: Path, secrets_text: Sequence[str]) -> None:
    """Replace the key file atomically (mode 0600): current secret first, retired after."""
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("".join(text + "\n" for text in secrets_text))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def ensure_key_file(path: Path) -> bytes:
    """The secret in `path`, written there (mode 0600) first if the file does not exist.

    Only for the demo default: a real deployment keeps its key away from the data it seals.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(new_secret_text() + "\n")
    return read_key_file(path)


# The process's keyring, set once by `bot.app.build_core` (tests set their own).
_keyring: Keyring | None = None


def configure(keyring: Keyring) -> None:
    global _keyring
    _keyring = keyring


def keyring() -> Keyring:
    if _keyring is None:
        raise RuntimeError("no secret key configured (bot.app.build_core sets it)")
    return _keyring


class SealedText(sa.TypeDecorator):
    """A text column stored sealed with the process keyring (purpose: the column's `purpose`).

    Code reads and writes plain `str`; the database only ever holds ciphertext.
    """

    impl = sa.LargeBinary
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: str | None, dialect) -> bytes | None:
        if value is None:
            return None
        return keyring().seal(value.encode("utf-8"), self.purpose)

    def process_result_value(self, value: bytes | None, dialect) -> str | None:
        if value is None:
            return None
        return keyring().open(bytes(value), self.purpose).decode("utf-8")


class SealedJSON(SealedText):
    """A JSON value (a conversation draft) stored sealed, read and written as a `dict`."""

    cache_ok = True

    def process_bind_param(self, value: dict | None, dialect) -> bytes | None:
        if value is None:
            return None
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return super().process_bind_param(text, dialect)

    def process_result_value(self, value: bytes | None, dialect) -> dict | None:
        text = super().process_result_value(value, dialect)
        return None if text is None else json.loads(text)
