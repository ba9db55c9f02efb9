"""shared channel: tambon-to-organisation map, the shared account's chats, external contacts

Revision ID: 0008_placemap
Revises: 0007_statschat
Create Date: 2026-11-28 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008_placemap"
down_revision = "0007_statschat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "place_org",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subdistrict_code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("subdistrict_th", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("district_th", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("province_th", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subdistrict_code", "org_id"),
    )
    with op.batch_alter_table("place_org", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_place_org_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_place_org_subdistrict_code"), ["subdistrict_code"], unique=False
        )
    op.create_table(
        "shared_chat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("chat_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account", "chat_key"),
    )
    with op.batch_alter_table("org_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("external_contacts", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("org_settings", schema=None) as batch_op:
        batch_op.drop_column("external_contacts")
    op.drop_table("shared_chat")
    with op.batch_alter_table("place_org", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_place_org_subdistrict_code"))
        batch_op.drop_index(batch_op.f("ix_place_org_org_id"))
    op.drop_table("place_org")
