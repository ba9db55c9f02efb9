"""what citizens ask about the plan: the matched item or the unmatched words, by day

Revision ID: 0015_office_stats
Revises: 0014_office_admin
Create Date: 2026-12-06 09:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0015_office_stats"
down_revision = "0014_office_admin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["plan_item.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_question_org_day", "plan_question", ["org_id", "day"])


def downgrade() -> None:
    op.drop_index("ix_plan_question_org_day", table_name="plan_question")
    op.drop_table("plan_question")
