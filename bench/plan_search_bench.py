"""Plan search latency over a 1,000-item plan generated from the sample plans' real titles.

    .venv/bin/python bench/plan_search_bench.py [--items 1000] [--rounds 5]

Prints the index build time and p50/p99 search latency for the evaluation questions;
asserts nothing (timings belong here, not in tests).
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.plan.search import Doc, PlanIndex  # noqa: E402
from storage.plan import importer as plan_import  # noqa: E402
from storage.plan.samples import SAMPLE_DIR, SLUGS  # noqa: E402


def real_titles() -> list[tuple[int, str, str]]:
    rows = []
    for slug in SLUGS:
        lines = plan_import.read_lines(SAMPLE_DIR / f"{slug}.csv")
        for row in plan_import.parse_rows(lines, need_status=False):
            rows.append((row.dimension, row.title, row.result))
    return rows


def generated_plan(size: int, seed: int = 2566) -> list[Doc]:
    """Real titles first, then recombinations of their halves, so the vocabulary is real."""
    rng = random.Random(seed)
    titles = real_titles()
    docs = [Doc(i + 1, i + 1, d, t, r) for i, (d, t, r) in enumerate(titles[:size])]
    while len(docs) < size:
        (d1, t1, _), (_, t2, _) = rng.sample(titles, 2)
        title = t1[: len(t1) // 2] + t2[len(t2) // 2 :]
        number = len(docs) + 1
        docs.append(Doc(number, number, d1, title))
    return docs


def questions() -> list[str]:
    path = ROOT / "tests" / "plan_eval_questions.csv"
    return [row["question"] for row in csv.DictReader(path.open(encoding="utf-8"))]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    docs = generated_plan(args.items)
    PlanIndex.build(docs[:5]).search("อุ่นเครื่อง")  # load pythainlp's dictionary once
    started = time.perf_counter()
    index = PlanIndex.build(docs)
    build_ms = (time.perf_counter() - started) * 1000

    asked = questions()
    timings = []
    for _ in range(args.rounds):
        for question in asked:
            started = time.perf_counter()
            index.search(question)
            timings.append((time.perf_counter() - started) * 1000)
    print(f"plan of {len(docs)} items, {len(asked)} questions x {args.rounds} rounds")
    print(f"index build: {build_ms:.1f} ms")
    print(
        f"search latency: p50 {percentile(timings, 0.50):.2f} ms, "
        f"p99 {percentile(timings, 0.99):.2f} ms, "
        f"mean {statistics.fmean(timings):.2f} ms, max {max(timings):.2f} ms"
    )


if __name__ == "__main__":
    main()
