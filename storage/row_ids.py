"""Random row ids for tables where tip rows sit beside complaint rows.

A sequential id orders rows by arrival: a tip's `stats_case` or `case_handling` row between
two complaints (which keep exact times) would date the tip. These tables take a random id
for every row, complaints' included, picked when the row is inserted (ORM or Core) and
checked against the ids already taken. Nothing may order these rows by id.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.engine import default

MAX_ID = 2**31 - 1  # the columns are 32-bit integers on PostgreSQL


def _random_id(context: default.DefaultExecutionContext) -> int:
    column = context.current_column
    while True:
        candidate = secrets.randbelow(MAX_ID) + 1
        taken = context.connection.execute(sa.select(column).where(column == candidate)).first()
        if taken is None:
            return candidate


def random_id_column() -> sa.Column:
    """The primary key column of a table whose rows must not tell their order."""
    return sa.Column(sa.Integer, primary_key=True, default=_random_id)
