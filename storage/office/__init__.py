"""The staff office's state: one-time login links, login codes for a computer without the
chat app, web sessions, login attempts (for the rate limit) and per-organisation response
templates. Only hashes of tokens, codes and session ids are stored."""
