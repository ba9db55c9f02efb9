"""statistics record: content-free cases, status intervals and ratings

Revision ID: 0004_stats
Revises: 0002_plans
Create Date: 2026-11-28 16:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_stats"
down_revision = "0003_staff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stats_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("stream", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_answer_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "stream", "case_id"),
    )
    with op.batch_alter_table("stats_case", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stats_case_received",
            [
                "org_id",
                "stream",
                "received_at",
                "category",
                "channel",
                "first_answer_at",
                "answer_days",
            ],
            unique=False,
        )

    op.create_table(
        "stats_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("stream", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("case_ref", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("previous", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_ref"], ["stats_case.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stats_status", schema=None) as batch_op:
        batch_op.create_index("ix_stats_status_case", ["case_ref", "at"], unique=False)
        batch_op.create_index(
            "ix_stats_status_received",
            ["org_id", "stream", "received_at", "at", "until", "status"],
            unique=False,
        )
        batch_op.create_index(
            "ix_stats_status_at",
            ["org_id", "stream", "status", "at", "previous", "case_ref", "days"],
            unique=False,
        )
        batch_op.create_index(
            "ix_stats_status_until", ["org_id", "stream", "status", "until", "at"], unique=False
        )

    op.create_table(
        "stats_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("stream", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("case_ref", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_ref"], ["stats_case.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_ref"),
    )
    with op.batch_alter_table("stats_rating", schema=None) as batch_op:
        batch_op.create_index("ix_stats_rating_at", ["org_id", "stream", "at"], unique=False)

    # Cases filed before this revision get their record from their status history.
    from storage.stats.events import backfill

    backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("stats_rating", schema=None) as batch_op:
        batch_op.drop_index("ix_stats_rating_at")
    op.drop_table("stats_rating")
    with op.batch_alter_table("stats_status", schema=None) as batch_op:
        batch_op.drop_index("ix_stats_status_until")
        batch_op.drop_index("ix_stats_status_at")
        batch_op.drop_index("ix_stats_status_received")
        batch_op.drop_index("ix_stats_status_case")
    op.drop_table("stats_status")
    with op.batch_alter_table("stats_case", schema=None) as batch_op:
        batch_op.drop_index("ix_stats_case_received")
    op.drop_table("stats_case")
