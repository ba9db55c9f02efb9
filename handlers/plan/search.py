"""Which plan item a citizen's question is about, or whether it asks for the summary.

Citizens do not type e-PlanNACC titles: they write part of a name, misspell it, use Thai
digits, spoken forms or English loan words ("No Gift"). The ranking therefore combines two
views of the same normalised text: words (pythainlp `newmm` with a domain dictionary, so
"ผลประโยชน์ทับซ้อน" stays one word), weighted by how rare they are in the plan, and
character trigrams, which survive typos and partial names. Everything runs offline: the
dictionary is pythainlp's bundled word list plus ours, nothing is downloaded.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from pythainlp.tokenize import word_tokenize
from pythainlp.util import normalize

from handlers.understand import dictionary
from messages.format import arabic_digits
from messages.plan import synonyms, vocab


class AnswerKind(StrEnum):
    ITEM = "item"  # one clear match
    CHOOSE = "choose"  # several close matches
    SUMMARY = "summary"
    DIMENSION = "dimension"
    NONE = "none"


@dataclass(frozen=True)
class Doc:
    id: int
    number: int
    dimension: int
    title: str
    extra: str = ""  # the reported result: only its Latin words ("No Gift Policy") count


@dataclass(frozen=True)
class SearchResult:
    kind: AnswerKind
    ranked: tuple[tuple[int, float], ...] = ()  # (item id, score), best first
    dimension: int | None = None
    about_plan: bool = False  # the question mentions the plan's vocabulary
    missing: bool = False  # about something the plan has no item for ("not in this plan")

    @property
    def top(self) -> int | None:
        return self.ranked[0][0] if self.ranked else None


_SPELLING_KEYS = sorted(vocab.SPELLINGS, key=len, reverse=True)
_SPELLING_RE = re.compile("|".join(re.escape(k) for k in _SPELLING_KEYS))


def normalise(text: str) -> str:
    """Lower case, Arabic digits, no quotes or repeated characters, canonical spellings.

    The result has no spaces except where a canonical form puts one.
    """
    text = arabic_digits(normalize(text or "")).lower()
    text = re.sub(r"[\"'“”‘’«»()\[\]{}<>!?,:;…]", " ", text)
    text = re.sub(r"(.)\1{2,}", r"\1", text)  # มากกกก → มาก, ???? → ?
    text = re.sub(r"\s+", "", text)
    text = _SPELLING_RE.sub(lambda m: vocab.SPELLINGS[m.group()], text)
    return text


def _strip_noise(text: str) -> str:
    return vocab.NOISE.sub(" ", text)


def tokens(text: str) -> list[str]:
    """Words of already-normalised text; kind words split off so "โครงการอบรม" is two."""
    spaced = vocab.KIND_SPLIT.sub(r" \1 ", text)
    words = word_tokenize(
        spaced, custom_dict=dictionary.trie(), engine="newmm", keep_whitespace=False
    )
    return [w for w in (w.strip(" .-/") for w in words) if w and w not in vocab.STOP_TOKENS]


def with_plan_words(text: str) -> str:
    """The question with the plan's wording added for the everyday words it uses."""
    added = [words for everyday, words in _EVERYDAY if everyday in text]
    return " ".join([text, *added]) if added else text


def _explained_words(text: str, known: dict[str, float]) -> set[str]:
    """Everyday words of the text whose plan wording this plan uses."""
    return {
        w for everyday, words in _EVERYDAY
        if everyday in text and any(p in known for p in tokens(words))
        for w in tokens(everyday)
    }  # fmt: skip


_EVERYDAY = tuple((normalise(k), v) for k, v in synonyms.EVERYDAY.items())


def trigrams(text: str) -> set[str]:
    compact = re.sub(r"[\s.\-/]", "", text)
    if len(compact) < 3:
        return {compact} if compact else set()
    return {compact[i : i + 3] for i in range(len(compact) - 2)}


@dataclass
class _Entry:
    doc: Doc
    words: set[str]
    grams: set[str]


@dataclass
class PlanIndex:
    """A plan's items prepared for ranking; build once per plan, search many times."""

    entries: list[_Entry] = field(default_factory=list)
    word_idf: dict[str, float] = field(default_factory=dict)
    gram_idf: dict[str, float] = field(default_factory=dict)
    by_number: dict[int, int] = field(default_factory=dict)
    text: str = ""  # every title, normalised, one after another: is a word part of any

    @classmethod
    def build(cls, docs: Iterable[Doc]) -> PlanIndex:
        index = cls()
        word_df: Counter[str] = Counter()
        gram_df: Counter[str] = Counter()
        for doc in docs:
            text = _strip_noise(normalise(doc.title))
            loan = re.findall(r"[a-z][a-z ]+[a-z]", normalise(doc.extra))
            entry = _Entry(doc, set(tokens(text)) | set(tokens(" ".join(loan))), trigrams(text))
            index.entries.append(entry)
            index.by_number[doc.number] = doc.id
            word_df.update(entry.words)
            gram_df.update(entry.grams)
        index.text = " ".join(_strip_noise(normalise(e.doc.title)) for e in index.entries)
        n = max(len(index.entries), 1)
        index.word_idf = {w: math.log(1 + n / df) for w, df in word_df.items()}
        index.gram_idf = {g: math.log(1 + n / df) for g, df in gram_df.items()}
        return index

    def rank(self, question: str, limit: int = 5) -> list[tuple[int, float]]:
        text = _strip_noise(normalise(question))
        return self._rank(with_plan_words(text), limit)

    def not_in_plan(self, content: str) -> bool:
        """Whether a question is about something the plan has no item for: most of its words
        ("สะพาน", "ขุดลอกคลอง") are in no title, and no title holds two of the others. Words
        the synonym table explains, kind words ("โครงการ") and filler do not count."""
        words = [w for w in dict.fromkeys(tokens(content)) if w not in vocab.KIND_TOKENS]
        words = [w for w in words if len(w) > 1 and not w.isdigit() and w not in vocab.FILLER]
        if not words:
            return False
        explained = _explained_words(content, self.word_idf)
        seen = {w for w in words if w in self.word_idf or w in explained or w in self.text}
        if len(seen) / len(words) > 1 - NOT_IN_PLAN:
            return False
        return all(len(seen & entry.words) < 2 for entry in self.entries)

    def _rank(self, text: str, limit: int) -> list[tuple[int, float]]:
        q_words = list(dict.fromkeys(tokens(text)))
        q_grams = trigrams(text)
        if not q_words and not q_grams:
            return []
        unseen = math.log(2)  # a word no title has: maybe a typo, maybe filler
        w_weight = {w: self.word_idf.get(w, unseen) * (0.3 if w in vocab.KIND_TOKENS else 1.0)
                    for w in q_words}  # fmt: skip
        w_total = sum(w_weight.values()) or 1.0
        rarest = math.log(1 + max(len(self.entries), 1))
        g_weight = {g: self.gram_idf.get(g, rarest) for g in q_grams}
        g_total = sum(g_weight.values()) or 1.0
        scored = []
        for entry in self.entries:
            word_score = sum(v for w, v in w_weight.items() if w in entry.words) / w_total
            shared = q_grams & entry.grams
            if not shared and word_score == 0:
                continue
            gram_score = sum(g_weight[g] for g in shared) / g_total
            precision = len(shared) / max(len(entry.grams), 1)
            score = 0.45 * word_score + 0.45 * gram_score + 0.1 * precision
            scored.append((score, -entry.doc.number, entry.doc.id))
        scored.sort(reverse=True)
        return [(doc_id, round(score, 4)) for score, _, doc_id in scored[:limit]]

    def search(self, question: str) -> SearchResult:
        """Decide what the question asks: an item, a choice of items, the summary, a มิติ."""
        norm = normalise(question)
        about_plan = bool(vocab.PLAN_CUES.search(norm))
        number = vocab.ITEM_NUMBER.search(norm)
        if number and int(number.group(1)) in self.by_number:
            doc_id = self.by_number[int(number.group(1))]
            return SearchResult(AnswerKind.ITEM, ((doc_id, 1.0),), about_plan=True)
        dimension = vocab.DIMENSION.search(norm)
        if dimension and 1 <= int(dimension.group(1)) <= 4:
            return SearchResult(
                AnswerKind.DIMENSION, dimension=int(dimension.group(1)), about_plan=True
            )
        content = _strip_noise(norm)
        ranked = self._rank(with_plan_words(content), 5)
        wants_summary = bool(vocab.SUMMARY_CUES.search(norm))
        best = ranked[0][1] if ranked else 0.0
        if wants_summary and best < STRONG:
            return SearchResult(AnswerKind.SUMMARY, tuple(ranked), about_plan=True)
        if best < STRONG and self.not_in_plan(content):
            return SearchResult(AnswerKind.NONE, tuple(ranked), about_plan, missing=True)
        if best < WEAK:
            if about_plan and len(re.sub(r"\s", "", content)) <= 3:
                return SearchResult(AnswerKind.SUMMARY, tuple(ranked), about_plan=True)
            return SearchResult(AnswerKind.NONE, tuple(ranked), about_plan=about_plan)
        close = tuple((i, s) for i, s in ranked if s >= best * CLOSE)
        clear = len(close) == 1 or (best >= SURE and close[1][1] < best - 0.05)
        kind = AnswerKind.ITEM if clear else AnswerKind.CHOOSE
        return SearchResult(kind, close if kind is AnswerKind.CHOOSE else tuple(ranked),
                            about_plan=about_plan or best >= STRONG)  # fmt: skip


# Score thresholds (0–1), tuned on tests/plan_eval_questions.csv.
WEAK = 0.35  # below: nothing matches
STRONG = 0.55  # above: an item even if the question also sounds like a summary question
SURE = 0.8  # above: one item, even if others are close
CLOSE = 0.85  # within this fraction of the best: offered as a choice
NOT_IN_PLAN = 0.5  # this share of a question's words unknown to the plan: not in this plan
