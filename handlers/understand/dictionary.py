"""The Thai word list that free text is cut with, by both of its readers: what a citizen
wants (`handlers.understand.reading`) and which plan item a question is about
(`handlers.plan.search`). One trie per process: it holds some 60,000 words and costs about
60 MB and over a second of CPU to build, so it is built once, by `warm` at start-up or by the
first text to need it."""

from __future__ import annotations

import threading
from functools import lru_cache

from pythainlp.util import Trie

from messages.plan import vocab as plan_vocab

_BUILT_ONCE = threading.Lock()


def trie() -> Trie:
    """The word list; a second thread asking while it is built waits for it (`lru_cache`
    alone would let each build its own, seconds of CPU each under load)."""
    with _BUILT_ONCE:
        return _built()


def warm() -> None:
    """Build it now (serve calls this at start-up), so that no citizen's turn pays for it."""
    trie()


@lru_cache(maxsize=1)
def _built() -> Trie:
    from pythainlp.corpus import thai_words  # bundled with pythainlp: no download

    from handlers.understand import reading  # its phrases are words of their own

    return Trie(set(thai_words()) | reading.phrase_texts() | set(plan_vocab.DOMAIN_WORDS))
