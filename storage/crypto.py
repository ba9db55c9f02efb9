"""Encryption at rest for what could expose an informant: AES-GCM sealing and keyed hashes.

A deployment has one secret (`COMPLAINTBOT_SECRET_KEY`, or a key file). Purpose-bound subkeys
are derived from it with HKDF, so the key that seals tip text never doubles as the key that
hashes tracking codes. A keyring may hold older secrets too: sealed values name the key that
sealed them, so they stay readable while `keys rotate` re-seals them under the current one.

Sealed values of the current format (version 2) are padded to a fixed bucket before they are
encrypted, so their length tells nothing finer than the bucket (an empty name and a short
one look alike), and carry in the associated data where they belong: the column, and for
row-bound columns the row (`SealedText(..., row=...)`). A value copied into another column or
another row no longer opens. Version 1 values (no padding, only the purpose bound) still
open, and `keys rotate` re-seals them into version 2.

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
from typing import ClassVar

import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.visitors import InternalTraversal

LEGACY = b"\x01"  # AES-GCM of the plain value, associated data: the purpose
VERSION = b"\x02"  # AES-GCM of the padded value, associated data: purpose and binding
KEY_ID_BYTES = 4
NONCE_BYTES = 12
MIN_SECRET_BYTES = 32
SMALLEST_BUCKET = 128  # a name, a phone number, a short answer: all one size
LARGEST_POWER_BUCKET = 1 << 20  # beyond 1 MiB (files), whole MiB


def bucket(length: int) -> int:
    """The padded size of a value of `length` bytes (one byte more for the end marker)."""
    needed = length + 1
    if needed > LARGEST_POWER_BUCKET:
        return -(-needed // LARGEST_POWER_BUCKET) * LARGEST_POWER_BUCKET
    size = SMALLEST_BUCKET
    while size < needed:
        size *= 2
    return size


def _pad(plaintext: bytes) -> bytes:
    """ISO/IEC 7816-4 padding: 0x80, then zeros, up to the bucket."""
    return plaintext + b"\x80" + b"\0" * (bucket(len(plaintext)) - len(plaintext) - 1)


def _unpad(padded: bytes) -> bytes:
    end = padded.rstrip(b"\0")
    if not end.endswith(b"\x80"):
        raise SealError("sealed value is not padded")
    return end[:-1]


def _associated(purpose: str, bind: str) -> bytes:
    return VERSION + b"complaintbot\0" + purpose.encode() + b"\0" + bind.encode()


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

    def seal(self, plaintext: bytes, purpose: str, bind: str = "") -> bytes:
        """Encrypt and authenticate `plaintext` for `purpose` under the current key, padded
        to its bucket and bound to `bind` (where it is stored: a column, a row)."""
        key = self._keys[0]
        nonce = secrets.token_bytes(NONCE_BYTES)
        aead = AESGCM(self._subkey(key, purpose))
        body = aead.encrypt(nonce, _pad(plaintext), _associated(purpose, bind))
        return VERSION + key.key_id + nonce + body

    def open(self, blob: bytes, purpose: str, bind: str = "") -> bytes:
        """Decrypt a value sealed by `seal` under any key of this ring, for the same purpose
        and binding (a version 1 value names its purpose only)."""
        version = blob[:1]
        if version not in (VERSION, LEGACY):
            raise SealError("not a sealed value")
        key_id = blob[1 : 1 + KEY_ID_BYTES]
        nonce = blob[1 + KEY_ID_BYTES : 1 + KEY_ID_BYTES + NONCE_BYTES]
        body = blob[1 + KEY_ID_BYTES + NONCE_BYTES :]
        for key in self._keys:
            if key.key_id == key_id:
                aead = AESGCM(self._subkey(key, purpose))
                try:
                    if version == LEGACY:
                        return aead.decrypt(nonce, body, purpose.encode())
                    return _unpad(aead.decrypt(nonce, body, _associated(purpose, bind)))
                except Exception as exc:  # InvalidTag: wrong purpose, place, or tampered
                    raise SealError("sealed value does not authenticate") from exc
        raise SealError("sealed under a key this keyring does not hold")

    def holds_key_of(self, blob: bytes) -> bool:
        """Whether a key of this ring sealed `blob` (without opening it)."""
        return blob[:1] in (VERSION, LEGACY) and blob[1 : 1 + KEY_ID_BYTES] in {
            k.key_id for k in self._keys
        }

    def is_current(self, blob: bytes) -> bool:
        """Sealed under the current key in the current format (else `keys rotate` re-seals)."""
        return blob[:1] == VERSION and blob[1 : 1 + KEY_ID_BYTES] == self._keys[0].key_id

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


def binding(place: str, row: Sequence[object] = ()) -> str:
    """What a stored value is bound to: `table.column`, and `@v1,v2` of its row's binding
    columns for a row-bound column (the same text SQL gives: `CAST(v AS TEXT)`)."""
    return place + ("@" + ",".join(str(v) for v in row) if row else "")


class Bound(bytes):
    """A value sealed already, with its row in the binding: written as it is."""


class SealedText(sa.TypeDecorator):
    """A text column stored sealed with the process keyring (purpose: the column's `purpose`).

    Code reads and writes plain `str`; the database only ever holds ciphertext, bound to its
    column (`table.column`, known once the column joins its table). With `row`, a value is
    bound to its row as well, through the values of those columns: reads select them with
    the value (`column_expression`), ORM writes seal with them (`_seal_rows`), and a Core
    write must hand over a `Bound` value (`keys rotate` does).
    """

    impl = sa.LargeBinary
    cache_ok = True

    def __init__(self, purpose: str, row: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.purpose = purpose
        self.row = tuple(row)
        self.place = ""

    def bind_for(self, row: Sequence[object] = ()) -> str:
        return binding(self.place, row if self.row else ())

    def seal_text(self, value: str, row: Sequence[object] = ()) -> bytes:
        return keyring().seal(value.encode("utf-8"), self.purpose, self.bind_for(row))

    def open_text(self, blob: bytes, row: Sequence[object] = ()) -> str:
        return keyring().open(bytes(blob), self.purpose, self.bind_for(row)).decode("utf-8")

    def process_bind_param(self, value: str | None, dialect) -> bytes | None:
        if value is None or isinstance(value, Bound):
            return value if value is None else bytes(value)
        if self.row:
            raise ValueError(f"{self.place} is bound to its row: write it through the ORM")
        return self.seal_text(value)

    def column_expression(self, colexpr):
        if not self.row:
            return colexpr
        return _WithRow(colexpr, [colexpr.table.c[name] for name in self.row], self)

    def process_result_value(self, value: bytes | None, dialect) -> str | None:
        if value is None:
            return None
        blob, row = _split_row(bytes(value))
        return self.open_text(blob, row)


class SealedJSON(SealedText):
    """A JSON value (a conversation draft) stored sealed, read and written as a `dict`."""

    cache_ok = True

    def process_bind_param(self, value: dict | None, dialect) -> bytes | None:
        if value is None or isinstance(value, Bound):
            return value if value is None else bytes(value)
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return super().process_bind_param(text, dialect)

    def process_result_value(self, value: bytes | None, dialect) -> dict | None:
        text = super().process_result_value(value, dialect)
        return None if text is None else json.loads(text)

    def to_text(self, value: dict) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _split_row(value: bytes) -> tuple[bytes, list[str]]:
    """`@v1,v2;<sealed>` as `_WithRow` selects it: the sealed bytes and the row's values."""
    if not value.startswith(b"@"):
        return value, []
    head, _sep, blob = value.partition(b";")
    return blob, head[1:].decode("utf-8").split(",")


class _WithRow(sa.sql.expression.ColumnElement):
    """A sealed column selected together with its row's binding columns."""

    inherit_cache = True  # cached like any select: what it renders is in these two
    _traverse_internals: ClassVar = [
        ("column", InternalTraversal.dp_clauseelement),
        ("row_columns", InternalTraversal.dp_clauseelement_list),
    ]

    def __init__(self, column, row_columns, type_) -> None:
        self.column = column
        self.row_columns = row_columns
        self.type = type_


@compiles(_WithRow)
def _with_row_default(element: _WithRow, compiler, **kw) -> str:
    prefix = " || ',' || ".join(
        f"CAST({compiler.process(c, **kw)} AS TEXT)" for c in element.row_columns
    )
    column = compiler.process(element.column, **kw)
    return f"CAST(('@' || {prefix} || ';' || {column}) AS BLOB)"


@compiles(_WithRow, "postgresql")
def _with_row_postgresql(element: _WithRow, compiler, **kw) -> str:
    prefix = " || ',' || ".join(
        f"CAST({compiler.process(c, **kw)} AS TEXT)" for c in element.row_columns
    )
    column = compiler.process(element.column, **kw)
    return f"(convert_to('@' || {prefix} || ';', 'UTF8') || {column})"


@sa.event.listens_for(sa.Column, "after_parent_attach")
def _place(column: sa.Column, table: object) -> None:
    if isinstance(column.type, SealedText) and isinstance(table, sa.Table):
        column.type.place = f"{table.name}.{column.name}"


def _row_bound(mapper) -> list[tuple[str, sa.Column]]:
    return [
        (mapper.get_property_by_column(c).key, c)
        for c in mapper.columns
        if isinstance(c.type, SealedText) and c.type.row
    ]


def _seal_rows(mapper, connection, target, *, updating: bool) -> None:
    """Before an ORM insert or update: seal row-bound values with their row's values."""
    bound = _row_bound(mapper)
    if not bound:
        return
    state = sa.inspect(target)
    plain = state.info.setdefault("sealed_plain", {})
    for key, column in bound:
        value = getattr(target, key)
        if value is None or isinstance(value, Bound):
            continue
        if updating and not state.attrs[key].history.has_changes():
            continue
        row = [getattr(target, mapper.get_property_by_column(column.table.c[n]).key)
               for n in column.type.row]  # fmt: skip
        if any(v is None for v in row):
            raise ValueError(f"{column.type.place} needs its row's values to be sealed")
        text = column.type.to_text(value) if isinstance(column.type, SealedJSON) else value
        plain[key] = value
        setattr(target, key, Bound(column.type.seal_text(text, row)))


def _plain_again(mapper, connection, target) -> None:
    """After the write: the object holds the plain values again, as loaded ones do."""
    state = sa.inspect(target)
    for key, value in state.info.pop("sealed_plain", {}).items():
        set_committed_value(target, key, value)


sa.event.listen(Mapper, "before_insert", lambda m, c, t: _seal_rows(m, c, t, updating=False))
sa.event.listen(Mapper, "before_update", lambda m, c, t: _seal_rows(m, c, t, updating=True))
sa.event.listen(Mapper, "after_insert", _plain_again)
sa.event.listen(Mapper, "after_update", _plain_again)
