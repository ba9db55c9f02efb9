"""informant protection: sealed tip text and drafts, hashed tip codes and chat keys, guess limit

Existing rows are converted in place with the deployment's keyring (configured before
migrating): tip text and notes sealed, tip codes replaced by their keyed hash, tip times cut
to the day, conversation drafts sealed and filed under a keyed hash of their chat.
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
down_revision = "0002_plans"
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
_TYPES = {"received_at": sa.DateTime(timezone=True), "code_hash": sa.String(80)}


def _ring():
    from storage import crypto

    return crypto.keyring()


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _seal_columns(table: str, columns: dict[str, str], extra: dict | None = None) -> None:
    """Seal text `columns` of `table` in every row (plus `extra` values per row id).

    SQLite stores a BLOB in a column declared TEXT unchanged, so there the values are
    replaced in place: rebuilding `tip` would trip the foreign keys of rows that point at
    it. PostgreSQL gets new `bytea` columns in place of the text ones.
    """
    conn = op.get_bind()
    target = {name: name if _sqlite() else f"{name}_sealed" for name in columns}
    if not _sqlite():
        for name in columns:
            op.add_column(table, sa.Column(target[name], sa.LargeBinary(), nullable=True))
    rows = conn.execute(sa.text(f"select id, {', '.join(columns)} from {table}")).mappings()
    for row in rows.all():
        ring = _ring()
        values = {target[n]: ring.seal((row[n] or "").encode(), p) for n, p in columns.items()}
        values.update((extra or {}).get(row["id"], {}))
        typed = sa.table(
            table, sa.column("id"), *(sa.column(k, _TYPES.get(k, sa.LargeBinary())) for k in values)
        )
        conn.execute(sa.update(typed).where(typed.c.id == row["id"]).values(**values))
    if not _sqlite():
        for name in columns:
            op.drop_column(table, name)
            op.alter_column(table, target[name], new_column_name=name, nullable=False)


def _tips() -> None:
    from storage.tip_privacy import CODE_PURPOSE, received_day

    conn = op.get_bind()
    rows = conn.execute(sa.text("select id, code, received_at from tip")).mappings().all()
    if _sqlite():  # renamed in place: the column keeps its UNIQUE constraint
        op.execute("ALTER TABLE tip RENAME COLUMN code TO code_hash")
    else:
        op.add_column("tip", sa.Column("code_hash", sa.String(80), nullable=True))
    op.add_column("tip", sa.Column("content_deleted_at", sa.DateTime(timezone=True)))
    extra = {}
    for row in rows:
        received = row["received_at"]
        if isinstance(received, str):  # SQLite hands back text here
            received = datetime.fromisoformat(received)
        if received.tzinfo is None:
            received = received.replace(tzinfo=UTC)
        extra[row["id"]] = {
            "code_hash": _ring().tagged_macs(row["code"].encode(), CODE_PURPOSE)[0],
            "received_at": received_day(received),
        }
    _seal_columns("tip", TIP_TEXT, extra)
    if not _sqlite():
        op.drop_column("tip", "code")
        op.alter_column("tip", "code_hash", nullable=False)
        op.create_unique_constraint("uq_tip_code_hash", "tip", ["code_hash"])


def _conversations() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("select * from conversation")).mappings().all()
    conn.execute(sa.text("delete from conversation"))
    with op.batch_alter_table("conversation") as batch:  # empty now: no cast needed
        batch.drop_column("data")
    with op.batch_alter_table("conversation") as batch:
        batch.add_column(sa.Column("data", sa.LargeBinary(), nullable=False))
    for row in rows:
        ring = _ring()
        data = row["data"] if isinstance(row["data"], dict) else json.loads(row["data"] or "{}")
        key = ring.macs(f"{row['channel']}\0{row['chat_id']}".encode(), "chat")[0]
        sealed = ring.seal(json.dumps(data, ensure_ascii=False).encode(), "conversation")
        conn.execute(
            sa.text(
                "insert into conversation (org_id, channel, chat_id, flow, step, data, version,"
                " updated_at) values (:org_id, :channel, :chat_id, :flow, :step, :data,"
                " :version, :updated_at)"
            ),
            {**row, "chat_id": key, "data": sealed},
        )


def upgrade() -> None:
    _tips()
    _seal_columns("tip_status_change", NOTES)
    _conversations()
    op.create_table(
        "code_guess_window",
        sa.Column("scope", sa.String(80), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "window_start"),
    )


def downgrade() -> None:
    raise NotImplementedError("tip codes are stored as keyed hashes: they cannot be restored")
