"""chat accounts per organisation and the shared ones

Revision ID: 0009_accounts
Revises: 0008_placemap
Create Date: 2026-11-28 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009_accounts"
down_revision = "0008_placemap"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_account",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.Column("token", sa.LargeBinary(), nullable=False),
        sa.Column("webhook_secret", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_chat_account_org_id", "chat_account", ["org_id"])


def downgrade() -> None:
    op.drop_index("ix_chat_account_org_id", table_name="chat_account")
    op.drop_table("chat_account")
