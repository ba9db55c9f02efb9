"""Looking for an informant in a copy of the deployment: every byte of every file.

What an attacker with a copy of the server's disk would do: read the database file, its
write-ahead log and shared memory, the file store and the logs as raw bytes, and search for
the chat id, the user id, the display name, the tip's words and its code, in every encoding
they could be stored in.
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa


def variants(term: str) -> set[bytes]:
    """The ways a string can sit in a file: UTF-8, JSON-escaped, UTF-16."""
    return {
        term.encode("utf-8"),
        json.dumps(term).strip('"').encode("ascii"),
        term.encode("utf-16-le"),
    }


def traces_in_files(root: Path, terms: list[str]) -> list[str]:
    """`file: term` for every term found in any file under `root`."""
    found = []
    wanted = {v: t for t in terms for v in variants(t)}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path.relative_to(root)}: {t!r}" for v, t in wanted.items() if v in data]
    return found


def traces_in_rows(engine: sa.Engine, terms: list[str]) -> list[str]:
    """`table: term` for every term in any stored value (what a database dump would show)."""
    found = []
    wanted = {v: t for t in terms for v in variants(t)}
    with engine.connect() as conn:
        for table in sa.inspect(engine).get_table_names():
            for row in conn.execute(sa.text(f'select * from "{table}"')):
                for value in row:
                    raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value)
                    data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
                    found += [f"{table}: {t!r}" for v, t in wanted.items() if v in data]
    return found


def traces_in_logs(lines: list[str], terms: list[str]) -> list[str]:
    return [f"log: {t!r}" for t in terms for line in lines if t in line]


def sealed_in_files(root: Path, ring, purpose: str, binds: set[str]) -> list[bytes]:
    """Every value sealed for `purpose` that the key opens in any file under `root`, as a
    holder of the key with a copy of the disk would find it: each place where a key id of
    the ring follows a format byte is tried at every length a value can have (any length
    for the first format, the padded sizes for the current one), with every binding the
    values were sealed with (`binds`, recorded while the test ran: more than such a holder
    knows)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from storage import crypto

    found: list[bytes] = []
    sizes = [crypto.SMALLEST_BUCKET << n for n in range(8)]
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for key in ring._keys:
            aead = AESGCM(ring._subkey(key, purpose))
            for version in (crypto.LEGACY, crypto.VERSION):
                start = 0
                while (at := data.find(version + key.key_id, start)) != -1:
                    start = at + 1
                    nonce_at = at + 1 + crypto.KEY_ID_BYTES
                    nonce = data[nonce_at : nonce_at + crypto.NONCE_BYTES]
                    body_at = nonce_at + crypto.NONCE_BYTES
                    if version == crypto.LEGACY:
                        tries = [(n, purpose.encode()) for n in range(17, 4097)]
                    else:
                        tries = [(s + 16, crypto._associated(purpose, b)) for s in sizes
                                 for b in binds]  # fmt: skip
                    for length, associated in tries:
                        body = data[body_at : body_at + length]
                        if len(body) < length:
                            break
                        try:
                            found.append(aead.decrypt(nonce, body, associated))
                        except InvalidTag:
                            continue
                        break
    return found
