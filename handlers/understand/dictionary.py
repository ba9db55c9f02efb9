"""The Thai word list that free text is cut with, by both of its readers: what a citizen
wants (`handlers.understand.reading`) and which plan item a question is about
(`handlers.plan.search`), with the normal form the reader's phrases are written in. One per
process, built once, by `warm` at start-up or by the first text to need it.

It is a sorted list searched by bisection (`WordList`) rather than pythainlp's `Trie`: the
tokeniser asks only for the words that begin at a position (`prefixes`), and a trie of some
60,000 Thai words took 60 MB and over a second of CPU to build, against nothing and 0.05 s
for the list, at about 0.03 ms more per text cut."""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache

from pythainlp.util import Trie, normalize

from messages.format import arabic_digits
from messages.plan import vocab as plan_vocab
from messages.understand import vocab

COMBINING = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"  # Thai marks written above or below
_SPELLING_RE = re.compile(
    "|".join(re.escape(k) for k in sorted(vocab.SPELLINGS, key=len, reverse=True))
    + f"(?![{COMBINING}])"
)

_BUILT_ONCE = threading.Lock()


class WordList(Trie):
    """What pythainlp's tokenisers ask of a `Trie`, over a sorted list of the words: the
    words of `prefixes(text, start)` are found by bisection, each longer piece of the text
    searched for after the last, and the search ends at the first piece no word begins with.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self._words = sorted({w.strip() for w in words if w.strip()})
        self._word_count = len(self._words)
        self.root = Trie.Node()  # never used: kept for code that looks at a Trie's root

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        words, found = self._words, []
        low, high = 0, len(words)
        for end in range(start + 1, len(text) + 1):
            piece = text[start:end]
            low = bisect.bisect_left(words, piece, low, high)
            if low == high:
                break
            if words[low] == piece:
                found.append(piece)
                if low + 1 == high or not words[low + 1].startswith(piece):
                    break
            elif not words[low].startswith(piece):
                break
        return found

    def add(self, word: str) -> None:
        word = word.strip()
        if word and word not in self:
            bisect.insort(self._words, word)
            self._word_count += 1

    def remove(self, word: str) -> None:
        if word in self:
            self._words.remove(word)
            self._word_count -= 1

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        at = bisect.bisect_left(self._words, word)
        return at < len(self._words) and self._words[at] == word

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return self._word_count


def trie() -> WordList:
    """The word list; a second thread asking while it is built waits for it (`lru_cache`
    alone would let each build its own, seconds of CPU each under load)."""
    with _BUILT_ONCE:
        return _built()


def warm() -> None:
    """Build it now (serve calls this at start-up), so that no citizen's turn pays for it."""
    trie()


def normalise(text: str) -> str:
    """Lower case, Arabic digits, no spaces or punctuation, repeated letters folded, canonical
    spellings applied."""
    text = arabic_digits(normalize(text or "")).lower()
    text = re.sub(r"[\s\"'“”‘’«»()\[\]{}<>!?,:;…~*]+", "", text)
    text = re.sub(r"([^\d])\1{2,}", r"\1", text)  # ดังมากกกก → ดังมาก; 5555 stays
    return _SPELLING_RE.sub(lambda m: vocab.SPELLINGS[m.group()], text)


def _phrases() -> set[str]:
    """The reader's phrases (`messages.understand.vocab`), each a word of its own."""
    tables = (*vocab.INTENTS.values(), *vocab.COMPLAINT_CATEGORIES.values(),
              *vocab.TIP_CATEGORIES.values())  # fmt: skip
    return {normalise(w) for table in tables for words in table.values() for w in words.split()}


@lru_cache(maxsize=1)
def _built() -> WordList:
    from pythainlp.corpus import thai_words  # bundled with pythainlp: no download

    return WordList(set(thai_words()) | _phrases() | set(plan_vocab.DOMAIN_WORDS))
