"""`complaintbot serve` as a real subprocess, for tests that kill, restart and multiply it.

Each start is a new process of its own (its own session, so a kill reaches uvicorn's
worker processes too), running `complaintbot serve` from the command line's `main`. It is
forked from a warm interpreter (multiprocessing's fork server) that has done nothing but
import the code, which a fresh `complaintbot` would import anyway: a start costs a fork
instead of seconds of imports, which is most of the time of the tests that kill and start
servers over and over. The child sets its own environment and output first, so it sees
exactly what an exec'd `complaintbot serve` would. `fork=False`, a PYTHONPATH in `env`
(another source tree: its code must be imported, not this checkout's), or
COMPLAINTBOT_TEST_SERVE_EXEC=1 (or COMPLAINTBOT_PROFILE_SERVE) in the environment start the
installed `complaintbot` program instead.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

CLI = str(Path(sys.executable).parent / "complaintbot")
TEST_SECRET_KEY = "Y29tcGxhaW50Ym90IHRlc3Qgc2VjcmV0IGtleSAzMiBieXRlcyE="  # 32 bytes, base64

# What `complaintbot serve` imports on its way up (missing ones are skipped).
WARM_MODULES = [
    "bot.cli.main",
    "bot.app",
    "bot.web.serve",
    "bot.web.ops",
    "bot.web.hosting",
    "bot.jobs.background",
    "bot.channels.line.channel",
    "bot.channels.telegram.channel",
    "uvicorn.supervisors",
    "psycopg",
    "tests.warm_words",  # serve builds the word list at start: forks inherit it built
]
_forks = multiprocessing.get_context("forkserver")
_forks.set_forkserver_preload(WARM_MODULES)


def _run_as_program(
    args: list[str], environment: dict[str, str], out: str, err: str, new_session: bool
) -> None:
    """The forked child: become `complaintbot ARGS` as an exec'd program would start, with
    stdin from /dev/null, its output appended to `out` and `err` (which may be one file) and
    exactly `environment`; a new session puts uvicorn's workers in reach of a group kill."""
    if new_session:
        os.setsid()
    null = os.open(os.devnull, os.O_RDONLY)  # stdin as a program has it: fd 0, which
    os.dup2(null, 0)  # `serve --workers N` hands on to its worker processes
    os.close(null)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 - stdin stays open for the process
    for fd, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(target, fd)
        os.close(target)
    os.environ.clear()
    os.environ.update(environment)
    from bot.cli.main import main

    try:
        code = main(args)
    finally:
        atexit._run_exitfuncs()  # a forked child leaves by os._exit; a program runs these
    sys.exit(code)


class _Forked:
    """A forked `serve`, with the part of Popen's interface that ServeProcess uses."""

    def __init__(self, args: list[str], environment: dict[str, str], log_path: Path) -> None:
        self._process = _forks.Process(
            target=_run_as_program,
            args=(args, environment, str(log_path), str(log_path), True),
            daemon=False,
        )
        self._process.start()
        self.pid = self._process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired("complaintbot serve", timeout or 0)
        return self._process.exitcode

    def send_signal(self, sig: int) -> None:
        os.kill(self.pid, sig)


def run_program(
    args: list[str], environment: dict[str, str], *, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`complaintbot ARGS` as a program run from a shell would be, forked from the warm
    interpreter (a fresh one spends over a second importing the code). Tests that need the
    installed program itself, its entry point and a real exec, run `CLI` instead."""
    with tempfile.TemporaryDirectory() as folder:
        out, err = Path(folder, "stdout"), Path(folder, "stderr")
        process = _forks.Process(
            target=_run_as_program, args=(args, environment, str(out), str(err), False)
        )
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(["complaintbot", *args], timeout)
        return subprocess.CompletedProcess(
            ["complaintbot", *args],
            process.exitcode,
            out.read_text(encoding="utf-8", errors="replace"),
            err.read_text(encoding="utf-8", errors="replace"),
        )


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
    fork: bool = True  # from the warm interpreter; False: exec the program
    process: subprocess.Popen | _Forked | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        serve = ["serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.workers > 1:
            serve += ["--workers", str(self.workers)]
        environment = {**os.environ, "COMPLAINTBOT_SECRET_KEY": TEST_SECRET_KEY, **self.env}
        profile = os.environ.get("COMPLAINTBOT_PROFILE_SERVE")  # bench: profile the server
        exec_asked = os.environ.get("COMPLAINTBOT_TEST_SERVE_EXEC") == "1"
        if self.fork and not profile and not exec_asked and "PYTHONPATH" not in self.env:
            self.process = _Forked(serve, environment, self.log_path)
            self.starts += 1
            return
        args = [CLI, *serve]
        if profile:
            args = [sys.executable, "-m", "cProfile", "-o", profile, *args]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                args, env=environment, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # so a kill reaches uvicorn's worker processes too
            )  # fmt: skip
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL, as an out-of-memory killer or a power cut would: no clean-up at all."""
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:  # a fork not yet in a session of its own (nothing else
            with contextlib.suppress(ProcessLookupError):  # of it runs yet), or gone
                os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 60) -> int:
        """SIGINT and wait, as an operator stops it; returns the exit status."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
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
