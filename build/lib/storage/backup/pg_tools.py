"""PostgreSQL's command-line tools (`pg_dump`, `pg_restore`) of the server's version."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.backup.archive import BackupError


def find_pg_tool(name: str, server_major: int) -> str:
    """`pg_dump`/`pg_restore` of the server's major version (Debian keeps each version in
    /usr/lib/postgresql/N/bin), else one on PATH that is at least as new."""
    versioned = Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")
    if versioned.exists():
        return str(versioned)
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    on_path = shutil.which(name)
    for candidate in [*map(str, candidates), *([on_path] if on_path else [])]:
        if _major_of(candidate) >= server_major:
            return candidate
    raise BackupError("no_pg_tool", tool=name, major=server_major)


def _major_of(tool: str) -> int:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
        found = re.search(r"(\d+)(?:\.\d+)?", out)
        if found:
            return int(found.group(1))
    return 0


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for the command-line tools, the password passed in the environment."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""
