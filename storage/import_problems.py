"""What an all-or-nothing import (plans, older case records) reports: every bad row."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based line of the CSV, row of the sheet; 0 for the file as a whole
    reason: StrEnum  # the importer's own reasons, each with its Thai wording in messages/
    value: str = ""


class ImportFailed(Exception):
    """The file was not imported; `problems` lists every bad row."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
