"""an organisation's type (เทศบาล or อบต.), for the host's organisation files and console

Revision ID: 0016_office_host
Revises: 0015_office_stats
Create Date: 2026-12-06 09:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016_office_host"
down_revision = "0015_office_stats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(
            sa.Column(
                "kind",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("kind")
