"""informant protection: sealed tip text and drafts, hashed tip codes and chat keys, guess limit

Existing rows are converted with the deployment's keyring (configured before migrating):
tip text and notes sealed, tip codes replaced by their keyed hash, tip times cut to the day,
conversation drafts sealed and filed under a keyed hash of their chat. The tables are
emptied, changed and filled again (children first out, last in), because SQLite rebuilds a
changed table and would refuse to drop `tip` while rows point at it.
There is no way back: a keyed hash cannot be turned into the code again.

Revision ID: 0005_protect
Revises: 0002_plans
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005_protect"
down_revision = "0004_stats"
branch_labels = None
depends_on = None

TIP_TEXT = {
    "conduct": "tip.conduct",
    "accused": "tip.accused",
    "when_where": "tip.when_where",
    "informant_name": "tip.informant",
    "informant_contact": "tip.informant",
}
NOTES = {"public_note": "tip.note", "internal_note": "tip.note"}
_TS = sa.DateTime(timezone=True)
_TYPES = {
    "received_at": _TS, "updated_at": _TS, "at": _TS,
    "code_hash": sa.String(80), **dict.fromkeys([*TIP_TEXT, *NOTES], sa.LargeBinary()),
}  # fmt: skip


def _ring():
    from storage import crypto

    return crypto.keyring()


def _rows(table: str) -> list[dict]:
    return [dict(r) for r in op.get_bind().execute(sa.text(f"select * from {table}")).mappings()]


def _insert(table: str, rows: list[dict]) -> None:
    for row in rows:
        typed = sa.table(table, *(sa.column(k, _TYPES.get(k)) for k in row))
        op.get_bind().execute(sa.insert(typed).values(**row))


def _as_datetime(value) -> datetime:
    if isinstance(value, str):  # SQLite hands back text from a plain select
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _seal(row: dict, columns: dict[str, str]) -> dict:
    ring = _ring()
    return {**row, **{n: ring.seal((row[n] or "").encode(), p) for n, p in columns.items()}}


def _tips() -> None:
    from storage.protect.tip_privacy import CODE_PURPOSE, received_day

    tips, changes, files = _rows("tip"), _rows("tip_status_change"), _rows("tip_file")
    for table in ("tip_file", "tip_status_change", "tip"):
        op.get_bind().execute(sa.text(f"delete from {table}"))

    with op.batch_alter_table("tip") as batch:
        batch.drop_column("code")
        batch.add_column(sa.Column("code_hash", sa.String(80), nullable=False))
        batch.add_column(sa.Column("content_deleted_at", _TS, nullable=True))
        for name in TIP_TEXT:
            batch.drop_column(name)
    with op.batch_alter_table("tip") as batch:
        batch.create_unique_constraint("uq_tip_code_hash", ["code_hash"])
        for name in TIP_TEXT:
            batch.add_column(sa.Column(name, sa.LargeBinary(), nullable=False))
    with op.batch_alter_table("tip_status_change") as batch:
        for name in NOTES:
            batch.drop_column(name)
    with op.batch_alter_table("tip_status_change") as batch:
        for name in NOTES:
            batch.add_column(sa.Column(name, sa.LargeBinary(), nullable=False))

    for tip in tips:
        code = tip.pop("code")
        tip["code_hash"] = _ring().tagged_macs(code.encode(), CODE_PURPOSE)[0]
        tip["received_at"] = received_day(_as_datetime(tip["received_at"]))
        tip["updated_at"] = _as_datetime(tip["updated_at"])
    _insert("tip", [_seal(tip, TIP_TEXT) for tip in tips])
    for change in changes:
        change["at"] = _as_datetime(change["at"])
    _insert("tip_status_change", [_seal(change, NOTES) for change in changes])
    _insert("tip_file", files)
    if op.get_bind().dialect.name == "postgresql":  # ids were given: move the sequences on
        for table in ("tip_status_change", "tip_file"):
            op.execute(
                f"select setval(pg_get_serial_sequence('{table}', 'id'),"
                f" coalesce(max(id), 0) + 1, false) from {table}"
            )


def _conversations() -> None:
    rows = _rows("conversation")
    op.get_bind().execute(sa.text("delete from conversation"))
    with op.batch_alter_table("conversation") as batch:  # empty now: no cast needed
        batch.drop_column("data")
    with op.batch_alter_table("conversation") as batch:
        batch.add_column(sa.Column("data", sa.LargeBinary(), nullable=False))
    ring = _ring() if rows else None
    for row in rows:
        data = row["data"] if isinstance(row["data"], dict) else json.loads(row["data"] or "{}")
        row["chat_id"] = ring.macs(f"{row['channel']}\0{row['chat_id']}".encode(), "chat")[0]
        row["data"] = ring.seal(json.dumps(data, ensure_ascii=False).encode(), "conversation")
        row["updated_at"] = _as_datetime(row["updated_at"])
    _insert("conversation", rows)


def upgrade() -> None:
    _tips()
    _conversations()
    op.create_table(
        "code_guess_window",
        sa.Column("scope", sa.String(80), nullable=False),
        sa.Column("window_start", _TS, nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "window_start"),
    )


def downgrade() -> None:
    raise NotImplementedError("tip codes are stored as keyed hashes: they cannot be restored")
