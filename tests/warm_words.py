"""Imported by the fork server of `tests.serve_process`: the word list `serve` builds at
start-up (`handlers.understand.dictionary.warm`) is built here once, and every forked serve
inherits it instead of spending over a second of CPU on it."""

from handlers.understand import dictionary

dictionary.warm()
