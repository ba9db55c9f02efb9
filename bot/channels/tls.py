"""The process's one TLS client context, shared by every account's HTTP clients.

Building a context loads the system's CA certificates: about 70 ms of CPU and close to 1 MB
of memory each. An account's clients (LINE's API and content, Telegram's Bot API) used to
build their own, several per account; a deployment of a thousand organisations shares one.
"""

from __future__ import annotations

import ssl
import threading

import certifi

_context: ssl.SSLContext | None = None
_lock = threading.Lock()


def client_context() -> ssl.SSLContext:
    """A verifying client context trusting the system's CA certificates and certifi's (what
    aiohttp and httpx trust by default), built once."""
    global _context
    with _lock:
        if _context is None:
            context = ssl.create_default_context()
            context.load_verify_locations(certifi.where())
            _context = context
        return _context
