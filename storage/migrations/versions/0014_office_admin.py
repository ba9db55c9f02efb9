"""staff events for the office's audit log: invites, bindings, role changes, removals

Revision ID: 0014_office_admin
Revises: 0013_office
Create Date: 2026-12-06 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014_office_admin"
down_revision = "0013_office"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "staff_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("kind", _S(length=16), nullable=False),
        sa.Column("actor", _S(length=255), nullable=False),
        sa.Column("subject", _S(length=255), nullable=False),
        sa.Column("detail", _S(length=255), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_event_org_id", "staff_event", ["org_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_event_org_id", table_name="staff_event")
    op.drop_table("staff_event")
