"""uploaded files in the database, for deployments of several machines

Revision ID: 0017_shared_files
Revises: 0016_office_host
Create Date: 2026-12-06 09:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017_shared_files"
down_revision = "0016_office_host"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "file_blob",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", "part"),
    )


def downgrade() -> None:
    op.drop_table("file_blob")
