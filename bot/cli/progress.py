"""The progress bar of the command line's long work (imports of plans, cases, tambon maps and
organisations): shown on standard error, and only when someone watches a terminal and the work
is long enough for a bar to be seen before it is done."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def bar(items: Iterable[T], *, desc: str, unit: str, show_from: int) -> Iterator[T]:
    """`items`, with a bar when there are at least `show_from` of them on a terminal."""
    from tqdm import tqdm  # only the commands that import load it

    items = list(items)
    show = sys.stderr.isatty() and len(items) >= show_from
    yield from tqdm(items, desc=desc, unit=unit, file=sys.stderr, disable=not show)
