"""Imported by the fork server of `tests.serve_process`: the word list `serve` builds at
start-up (`handlers.understand.dictionary.warm`) is built here once, and every forked serve
inherits it instead of reading pythainlp's corpus again."""

from handlers.understand import dictionary

dictionary.warm()
