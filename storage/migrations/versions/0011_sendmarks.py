"""sending progress of inbox replies and outbox messages: attempt markers, accepted counts

Revision ID: 0011_sendmarks
Revises: 0010_trials
Create Date: 2026-12-06 04:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_sendmarks"
down_revision = "0010_trials"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_event") as batch:
        batch.add_column(sa.Column("attempted", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("sent", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("attempted_parts", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("sent_parts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("sent_parts")
        batch.drop_column("attempted_parts")
    with op.batch_alter_table("inbox_event") as batch:
        batch.drop_column("sent")
        batch.drop_column("attempted")
