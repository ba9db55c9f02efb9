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
