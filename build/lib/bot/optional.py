"""Feature modules that may or may not be installed in this build (channels, CLI groups)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType


def present_modules(names: Iterable[str]) -> list[ModuleType]:
    """Import each module that exists; a missing module is skipped, a broken one raises."""
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules
