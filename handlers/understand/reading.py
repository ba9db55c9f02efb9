"""How the bot reads a free text typed at the main menu: what the citizen wants, and about what.

One function, `understand`, serves the conversation and `complaintbot understand`. It scores
the text against the vocabulary in `messages.understand.vocab`: whole words from pythainlp's
tokeniser (with the vocabulary as a custom dictionary), phrases anywhere in the space-free
text, and, for misspellings, character n-gram similarity of a stretch of the text to a phrase.
Everything is offline and deterministic; there is no model to download.

Corruption words make the reading a tip even where complaint words score higher: the
conversation then offers the tip channel and lets the citizen choose, never filing silently.
A report of wrongdoing (who did what with whose money or property) is a tip without the word
ทุจริต. Two confusions cost more than the others, a tip answered as a plan question and a plan
question opening the tip channel: where a text could be either, the reading says so (`ask`)
and the conversation asks with two buttons. The names of the organisation's plan items and
มิติ win over the words inside them: "มาตรการป้องกันผลประโยชน์ทับซ้อน" reports nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from pythainlp.tokenize import word_tokenize

from handlers.understand import dictionary
from handlers.understand.dictionary import COMBINING as _COMBINING
from handlers.understand.dictionary import normalise
from messages.plan import vocab as plan_vocab
from messages.understand import vocab

INTENTS = ("complaint", "tip", "track", "plan", "contact", "help", "greeting", "other")
# When two intents score the same, the earlier wins.
_PRIORITY = ("track", "plan", "complaint", "tip", "contact", "help", "greeting")
MIN_SCORE = 2.0  # below: "other"
TIP_WINS_AT = 4.0  # one clear corruption word: offer the tip channel (the citizen chooses)
STRONG_ELSE = 4.0  # another intent this sure: an item title sharing its words is no plan question
FUZZY_AT = 0.85  # how close a misspelling must be to count
FUZZY_DISCOUNT = 0.75
STORY_CHARS = 10  # letters (marks not counted) left once "I want to complain" is removed

NAME_STRETCH = 10  # letters a text must share with a plan name for them to be the name
NAME_BEYOND = 6  # of which this many beyond intent words ("ผลประโยชน์ทับซ้อนกับ" is no name)
AMBIGUOUS_AT = 4.0  # both a tip and a plan question this strongly: ask which
WRONGDOING_WEIGHT = 4.0  # public property or money, put to private use or claimed falsely
FOLLOW_UP_WEIGHT = 6.0  # "the complaint I filed…, any news?": tracking, whatever its story


@dataclass(frozen=True)
class PlanHint:
    """What the organisation's plan tells the reader: how surely a text names one of its
    items or มิติ (0–1), and the names themselves (normalised)."""

    score: Callable[[str], float]
    names: tuple[str, ...] = ()

    def __call__(self, text: str) -> float:
        return self.score(text)

    @classmethod
    def of(cls, score: Callable[[str], float], names: Iterable[str]) -> PlanHint:
        return cls(score, tuple(dict.fromkeys(n for n in map(normalise, names) if n)))


@dataclass(frozen=True)
class Reading:
    """What a text seems to ask for."""

    intent: str
    category: str | None  # a complaint category for "complaint", a tip category for "tip"
    confidence: float
    complaint_category: str = "other"  # the best complaint category, whatever the intent
    has_story: bool = False  # more than "I want to complain": worth keeping as a description
    thanks: bool = False  # a greeting that says thank you
    tip_category: str = "other"  # the best tip category, whatever the intent
    ask: str | None = None  # the costly other reading ("plan" for a tip, "tip" for a plan
    # question or a complaint): the conversation asks which, with two buttons

    def as_json(self) -> dict[str, object]:
        shown: dict[str, object] = {
            "intent": self.intent, "category": self.category, "confidence": self.confidence,
        }  # fmt: skip
        if self.ask is not None:
            shown["ask"] = [self.intent, self.ask]
        return shown


@dataclass(frozen=True)
class _Phrase:
    text: str
    weight: float
    grams: frozenset[str]


def _grams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 3] for i in range(len(text) - 2))


@dataclass(frozen=True)
class _Table:
    """A table's phrases, and where to find those a text may contain: a short phrase by
    the word it is, a longer one by its n-grams (a phrase sharing none scores nothing)."""

    phrases: tuple[_Phrase, ...]
    by_word: dict[str, int]
    by_gram: dict[str, tuple[int, ...]]

    def __iter__(self) -> Iterator[_Phrase]:
        return iter(self.phrases)

    def candidates(self, words: set[str], grams: frozenset[str]) -> list[_Phrase]:
        """The phrases that may score for this text, in the table's order."""
        found = {self.by_word[w] for w in words if w in self.by_word}
        for gram in grams:
            found.update(self.by_gram.get(gram, ()))
        return [self.phrases[i] for i in sorted(found)]


def _compile(table: dict[float, str]) -> _Table:
    phrases: dict[str, float] = {}
    for weight, words in table.items():
        for word in words.split():
            key = normalise(word)
            phrases[key] = max(weight, phrases.get(key, 0.0))
    compiled = tuple(_Phrase(p, w, _grams(p)) for p, w in phrases.items())
    by_gram: dict[str, list[int]] = {}
    for i, phrase in enumerate(compiled):
        for gram in phrase.grams if len(phrase.text) > 3 else ():
            by_gram.setdefault(gram, []).append(i)
    by_word = {p.text: i for i, p in enumerate(compiled) if len(p.text) <= 3}
    return _Table(compiled, by_word, {g: tuple(ids) for g, ids in by_gram.items()})


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, _Table]]:
    return {
        "intent": {k: _compile(v) for k, v in vocab.INTENTS.items()},
        "complaint": {k: _compile(v) for k, v in vocab.COMPLAINT_CATEGORIES.items()},
        "tip": {k: _compile(v) for k, v in vocab.TIP_CATEGORIES.items()},
        # The words that make a text a tip on their own; lighter ones only choose the kind.
        "tip_core": {
            k: _compile({w: p for w, p in v.items() if w >= MIN_SCORE})
            for k, v in vocab.TIP_CATEGORIES.items()
        },
    }


@lru_cache(maxsize=1)
def _set_phrases() -> dict[str, frozenset[str]]:
    return {
        "thanks": frozenset(normalise(w) for w in vocab.THANKS.split()),
        "start": frozenset(normalise(w) for w in vocab.START_ONLY.split()),
        "plan_titles": frozenset(normalise(w) for w in vocab.PLAN_TITLE_PHRASES.split()),
    }


def tokens(compact: str) -> list[str]:
    words = word_tokenize(
        compact, custom_dict=dictionary.trie(), engine="newmm", keep_whitespace=False
    )
    return [w for w in words if w.strip()]


def _near_enough(phrase: str, text: str, shared: Iterable[str]) -> bool:
    """Whether some stretch of `text` spells `phrase` at least `FUZZY_AT` closely, the
    stretches tried being aligned on the n-grams they share (each stretch once). The cheap
    upper bound of the similarity (letters in common, whatever their order; the same both
    ways round) rules most stretches out before the real measure."""
    size = len(phrase)
    starts = {text.find(gram) - phrase.find(gram) for gram in shared}
    windows = {
        text[max(lo, 0) : max(lo, 0) + length]
        for start in starts
        for lo in (start - 1, start, start + 1)
        for length in (size - 1, size, size + 1)
    }
    bound = SequenceMatcher(None, "", phrase)  # the phrase's letters counted once
    for window in windows:
        bound.set_seq1(window)
        if bound.quick_ratio() >= FUZZY_AT and (
            SequenceMatcher(None, phrase, window).ratio() >= FUZZY_AT
        ):
            return True
    return False


def _score(table: _Table, compact: str, words: set[str], grams: frozenset[str]) -> float:
    total = 0.0
    for phrase in table.candidates(words, grams):
        if len(phrase.text) <= 3:
            if phrase.text in words:
                total += phrase.weight
            continue
        if phrase.text in compact:
            total += phrase.weight
            continue
        if len(phrase.text) < 5:
            continue
        shared = phrase.grams & grams
        if len(shared) * 3 < len(phrase.grams):
            continue
        if _near_enough(phrase.text, compact, shared):
            total += phrase.weight * FUZZY_DISCOUNT
    return total


def _best(scores: dict[str, float], fallback: str) -> str:
    label, value = max(scores.items(), key=lambda kv: kv[1])
    return label if value > 0 else fallback


def _confidence(top: float, second: float) -> float:
    margin = top / (top + second + 0.5)
    strength = 1 - math.exp(-top / 3)
    return round(min(max(margin * strength, 0.0), 1.0), 2)


def _remove(compact: str, phrases: frozenset[str]) -> str:
    for phrase in sorted(phrases, key=len, reverse=True):
        compact = compact.replace(phrase, "")
    return compact


def understand(text: str, plan_hint: PlanHint | None = None) -> Reading:
    """Read a free text: its intent, its category, and how sure the reading is."""
    compact = normalise(text)
    letters = re.sub(f"[^\\w{_COMBINING}]", "", compact)
    if not letters:  # emoji or punctuation only: a thumbs-up is a thank-you
        thanks = any(p in compact for p in _set_phrases()["thanks"])
        has_emoji = bool(compact)
        return Reading("greeting" if has_emoji else "other", None, 0.5 if has_emoji else 0.0,
                       thanks=thanks)  # fmt: skip
    tables = _tables()
    words = set(tokens(compact))
    grams = _grams(compact)
    scores = {k: _score(t, compact, words, grams) for k, t in tables["intent"].items()}
    complaint_cats = {k: _score(t, compact, words, grams) for k, t in tables["complaint"].items()}
    # The plan's own titles say "ป้องกันการทุจริต", its items "ติดตามประเมินผล…": the words
    # of another intent inside a name of the plan are the name, not that intent.
    rest = compact
    if plan_hint is not None and any(v > 0 for k, v in scores.items() if k != "plan"):
        rest = _without_names(rest, plan_hint.names)
    rest = _remove(rest, _set_phrases()["plan_titles"])
    if rest != compact:
        rest_grams, rest_words = _grams(rest), set(tokens(rest))
        for intent in scores.keys() - {"plan"}:
            scores[intent] = _score(tables["intent"][intent], rest, rest_words, rest_grams)
    else:
        rest_grams, rest_words = grams, words
    tip_cats = {k: _score(t, rest, rest_words, rest_grams) for k, t in tables["tip"].items()}
    complaint_words = scores["complaint"]  # "พัง", "ช่วยแก้ไข": more than an office's name
    scores["complaint"] += 0.6 * max(complaint_cats.values())
    wrongdoing, sign = _wrongdoing(rest)
    if wrongdoing:  # the kind of wrongdoing weighs as much as a category's own word
        tip_cats[sign] += wrongdoing
    core = (_score(t, rest, rest_words, rest_grams) for t in tables["tip_core"].values())
    scores["tip"] += 0.5 * max(core) + wrongdoing
    if _FOLLOW_UP.search(rest) and _FOLLOW_UP_ASKS.search(rest):
        scores["track"] += FOLLOW_UP_WEIGHT
    asks_to_file = plan_vocab.INTAKE_CUES.search(compact) and not plan_vocab.PLAN_WORDS.search(
        compact
    )
    # A title-like text with no other meaning is a plan question; "อยากร้องเรียน" or
    # "ติดต่อ อบต. ยังไง" is not, even where an item's title shares its words.
    clearly_else = max(v for k, v in scores.items() if k != "plan") >= STRONG_ELSE
    names_item = False  # the text names an item or มิติ of the plan
    maybe_tip = scores["tip"] >= TIP_WINS_AT  # the costly pair: the plan is always consulted
    if plan_hint is not None:
        named = plan_hint(text)
        names_item = named > 0
        if not asks_to_file and (scores["plan"] > 0 or not clearly_else or maybe_tip):
            scores["plan"] += 5 * named
    if scores["plan"] >= 3 and _asks(compact):
        scores["plan"] += 2
    substantive = max(v for k, v in scores.items() if k != "greeting")
    if substantive >= MIN_SCORE:
        scores["greeting"] = 0.0  # "สวัสดีครับ ถนนพัง" is a complaint, politely put
    intent = max(_PRIORITY, key=lambda k: (scores[k], -_PRIORITY.index(k)))
    if scores["tip"] >= TIP_WINS_AT and scores["tip"] * 2 >= scores["plan"]:
        intent = "tip"
    ask = _costly_other(intent, scores, complaint_words)
    if intent == "tip" and names_item:
        ask = "plan"  # "แจ้งเบาะแสการทุจริตผ่านเว็บไซต์" is also an item of the plan
    top = scores[intent]
    second = max(v for k, v in scores.items() if k != intent)
    complaint_category = _best(complaint_cats, "other")
    story_left = _remove(letters, _set_phrases()["start"])
    story = len(re.sub(f"[{_COMBINING}]", "", story_left)) >= STORY_CHARS
    thanks = any(p in compact for p in _set_phrases()["thanks"])
    if top < MIN_SCORE:
        return Reading("other", None, _confidence(MIN_SCORE, top), complaint_category, story)
    tip_category = _best(tip_cats, "other")
    category = None
    if intent == "complaint":
        category = complaint_category
    elif intent == "tip":
        category = tip_category
    confidence = _confidence(top, second)
    return Reading(
        intent, category, confidence, complaint_category, story, thanks, tip_category, ask
    )


def _costly_other(intent: str, scores: dict[str, float], complaint_words: float) -> str | None:
    """The other reading that would cost most if it were the right one, when it is close."""
    if intent == "tip" and scores["plan"] >= AMBIGUOUS_AT:
        return "plan"
    if intent == "tip" and complaint_words >= MIN_SCORE and scores["complaint"] >= scores["tip"]:
        return "complaint"  # corruption words in a story that reads as a complaint
    if intent == "plan" and scores["tip"] >= AMBIGUOUS_AT:
        return "tip"
    if intent == "complaint" and scores["tip"] >= MIN_SCORE:
        return "tip"
    return None


def _wrongdoing(compact: str) -> tuple[float, str]:
    """A report of wrongdoing in everyday words: public property or money put to private use,
    or claimed against what happened, by someone of the organisation; and its likely kind."""
    found = {name: bool(pattern.search(compact)) for name, pattern in _WRONGDOING.items()}
    if found["hiring"] and (found["private"] or found["claimed"] or found["demanded"]):
        return WRONGDOING_WEIGHT, vocab.WRONGDOING_CATEGORY["hiring"]
    if found["demanded"] and (found["official"] or found["public"]):
        return WRONGDOING_WEIGHT, vocab.WRONGDOING_CATEGORY["demanded"]
    if found["claimed"] and (found["public"] or found["official"]):
        return WRONGDOING_WEIGHT, vocab.WRONGDOING_CATEGORY["claimed"]
    if found["orders"] and found["private"]:
        return WRONGDOING_WEIGHT, vocab.WRONGDOING_CATEGORY["orders"]
    if found["favour"] and (found["official"] or found["public"]):
        return WRONGDOING_WEIGHT, vocab.WRONGDOING_CATEGORY["favour"]
    if found["public"] and found["private"]:
        return WRONGDOING_WEIGHT, vocab.WRONGDOING_CATEGORY["private"]
    if found["official"] and found["private"]:
        return WRONGDOING_WEIGHT / 2, vocab.WRONGDOING_CATEGORY["private"]
    return 0.0, "other"


def _without_names(compact: str, names: Iterable[str]) -> str:
    """The text less the stretches it shares with the plan's names, where a stretch is more
    than the words of another intent (the name of an item, not "ผลประโยชน์ทับซ้อน" alone)."""
    grams = _grams(compact)
    for name in names:
        if len(grams & _grams(name)) < 4:
            continue
        named = False  # once a stretch is the name, its other stretches are too
        for _ in range(3):
            match = SequenceMatcher(None, compact, name, autojunk=False).find_longest_match()
            if match.size < (NAME_BEYOND if named else NAME_STRETCH):
                break
            stretch = compact[match.a : match.a + match.size]
            if not named and len(_remove(stretch, _intent_phrases())) < NAME_BEYOND:
                break
            named = True
            compact = compact[: match.a] + " " + compact[match.a + match.size :]
    return compact


@lru_cache(maxsize=1)
def _intent_phrases() -> frozenset[str]:
    tables = _tables()
    return frozenset(
        p.text for k, table in tables["intent"].items() if k != "plan" for p in table
        if len(p.text) > 3
    )  # fmt: skip


def _asks(compact: str) -> bool:
    """A question form: how much, how many, which, whether, done yet."""
    return bool(_QUESTION.search(compact))


_QUESTION = re.compile(vocab.QUESTION_FORMS)
_WRONGDOING = {name: re.compile(pattern) for name, pattern in vocab.WRONGDOING.items()}
_FOLLOW_UP = re.compile(vocab.FOLLOW_UP)
_FOLLOW_UP_ASKS = re.compile(vocab.FOLLOW_UP_ASKS)
