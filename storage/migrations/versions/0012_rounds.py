"""tip notices in rounds, filing limits, the order of a case's messages

Revision ID: 0012_rounds
Revises: 0011_sendmarks
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012_rounds"
down_revision = "0011_sendmarks"
branch_labels = None
depends_on = None

SETTINGS = {
    "tip_round_minutes": 60,
    "filings_per_chat": 5,
    "filings_per_org": 300,
    "uploads_per_chat": 30,
    "disk_quota_mb": 5000,
}


def upgrade() -> None:
    with op.batch_alter_table("org_settings") as batch:
        for name, default in SETTINGS.items():
            batch.add_column(
                sa.Column(name, sa.Integer(), nullable=False, server_default=str(default))
            )
    with op.batch_alter_table("case_message") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "tip_round_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("handling_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("round_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["handling_id"], ["case_handling.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tip_round_notice_due", "tip_round_notice", ["round_at", "org_id"])
    op.create_table(
        "intake_count",
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "day"),
    )
    op.create_table(
        "limit_hit",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("org_id", "day", "kind"),
    )


def downgrade() -> None:
    op.drop_table("limit_hit")
    op.drop_table("intake_count")
    op.drop_index("ix_tip_round_notice_due", table_name="tip_round_notice")
    op.drop_table("tip_round_notice")
    with op.batch_alter_table("case_message") as batch:
        batch.drop_column("seq")
    with op.batch_alter_table("org_settings") as batch:
        for name in reversed(SETTINGS):
            batch.drop_column(name)
