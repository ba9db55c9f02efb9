"""`complaintbot serve` as a real subprocess, for tests that kill, restart and multiply it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

CLI = str(Path(sys.executable).parent / "complaintbot")
TEST_SECRET_KEY = "Y29tcGxhaW50Ym90IHRlc3Qgc2VjcmV0IGtleSAzMiBieXRlcyE="  # 32 bytes, base64


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServeProcess:
    """One `complaintbot serve` (or `serve --workers N`) on 127.0.0.1:`port`; its output is
    appended to `log_path` across restarts, for checks that logs hold no ids or text."""

    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    workers: int = 1
    process: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        args = [CLI, "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        profile = os.environ.get("COMPLAINTBOT_PROFILE_SERVE")  # bench: profile the server
        if profile:
            args = [sys.executable, "-m", "cProfile", "-o", profile, *args]
        if self.workers > 1:
            args += ["--workers", str(self.workers)]
        environment = {**os.environ, "COMPLAINTBOT_SECRET_KEY": TEST_SECRET_KEY, **self.env}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                args, env=environment, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # so a kill reaches uvicorn's worker processes too
            )  # fmt: skip
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL, as an out-of-memory killer or a power cut would: no clean-up at all."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 60) -> int:
        """SIGINT and wait, as an operator stops it; returns the exit status."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode

    async def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2) as client:
            while True:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise AssertionError(f"serve exited: {self.log_path.read_text()[-3000:]}")
                try:
                    if (await client.get(self.url + "/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError("serve did not come up")
                await asyncio.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
