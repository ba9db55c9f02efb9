"""The architecture's rules, checked: dependencies point one way, Thai text lives in messages/."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from handlers import menu
from messages import common
from messages.citizen import complaint, tip

ROOT = Path(__file__).resolve().parent.parent
THAI = re.compile(r"[\u0E00-\u0E7F]")
SDKS = ("telegram", "linebot", "starlette", "uvicorn", "bot")


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", python_files("handlers"), ids=lambda p: str(p.relative_to(ROOT)))
def test_handlers_never_import_a_chat_sdk_or_the_bot_package(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in SDKS, f"{path.name} imports {name}"


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                lines.update(range(body[0].lineno, (body[0].end_lineno or 0) + 1))
    return lines


@pytest.mark.parametrize(
    "path",
    [p for folder in ("handlers", "bot", "storage") for p in python_files(folder)],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_user_facing_thai_outside_messages(path: Path):
    source = path.read_text(encoding="utf-8")
    docstrings = _docstring_lines(ast.parse(source))
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING and token.start[0] not in docstrings:
            assert not THAI.search(token.string), f"{path.name}:{token.start[0]} has Thai text"


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], "a model changed without a migration"


def test_every_button_fits_every_channel():
    choices = [*menu.MAIN_CHOICES, menu.CANCEL_CHOICE, menu.MENU_CHOICE]
    labels = [c.label for c in choices]
    labels += list(complaint.CATEGORY_LABELS.values()) + list(tip.CATEGORY_LABELS.values())
    labels += [
        common.BUTTON_SKIP, common.BUTTON_DONE, common.BUTTON_CONFIRM,
        complaint.BUTTON_GIVE_CONTACT, complaint.BUTTON_NO_CONTACT,
        tip.BUTTON_UNDERSTOOD, tip.BUTTON_ANONYMOUS, tip.BUTTON_IDENTIFIED,
    ]  # fmt: skip
    for label in labels:
        assert len(label) <= 20, label  # LINE quick reply labels
    for choice in choices:
        assert choice.code.isascii() and len(choice.code.encode()) <= 64


ISSUE_NUMBER = re.compile(r"\bissues? #?\d+", re.IGNORECASE)


def test_code_and_settings_name_no_internal_issue_numbers():
    """A reader cannot look an internal issue up; the code says what it means instead."""
    paths = [p for folder in ("bot", "handlers", "storage", "messages", "tests", "bench")
             for p in python_files(folder)]  # fmt: skip
    paths += [ROOT / "pyproject.toml", *sorted((ROOT / "scripts").glob("*"))]
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in paths
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ISSUE_NUMBER.search(line) and "ISSUE" not in line
    ]
    assert found == []
