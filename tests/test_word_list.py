"""The word list free text is cut with cuts it exactly as pythainlp's own trie of the same
words would, at a fraction of its memory."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie

from handlers.understand import dictionary

WORDS = sorted(dictionary.trie())
REFERENCE = Trie(WORDS)

# Texts made of words of the list, cut anywhere, with stray characters between them.
pieces = st.one_of(st.sampled_from(WORDS), st.text("กขคงะาิีุู่้ 1a", max_size=3))
texts = st.lists(pieces, min_size=1, max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=texts, data=st.data())
def test_the_words_beginning_anywhere_are_the_tries(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    assert dictionary.trie().prefixes(text, start) == REFERENCE.prefixes(text, start)


@settings(max_examples=100, deadline=None)
@given(text=texts)
def test_a_text_is_cut_into_the_same_words(text: str) -> None:
    ours = word_tokenize(text, custom_dict=dictionary.trie(), engine="newmm")
    assert ours == word_tokenize(text, custom_dict=REFERENCE, engine="newmm")


def test_it_holds_the_thai_words_and_the_bots_own_phrases() -> None:
    words = dictionary.trie()
    assert "ทุจริต" in words and "ไฟถนน" in words  # pythainlp's words
    assert "ไฟถนนดับ" in words  # a phrase of the bot's vocabulary, cut whole
    assert word_tokenize("ไฟถนนดับทั้งซอย", custom_dict=words, engine="newmm") == [
        "ไฟถนนดับ",
        "ทั้ง",
        "ซอย",
    ]
    assert len(words) == len(set(WORDS))
