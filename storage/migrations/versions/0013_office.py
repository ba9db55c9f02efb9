"""the staff office: login links and codes, web sessions, login attempts, response templates

Revision ID: 0013_office
Revises: 0012_rounds
Create Date: 2026-12-06 04:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013_office"
down_revision = "0012_rounds"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def _ts(name: str, nullable: bool) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "office_login_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", _S(length=80), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        _ts("created_at", False),
        _ts("expires_at", False),
        _ts("used_at", True),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["staff_member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_office_login_link_member_id", "office_login_link", ["member_id"])
    op.create_table(
        "office_login_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", _S(length=80), nullable=False),
        sa.Column("browser_hash", _S(length=80), nullable=False),
        sa.Column("browser", _S(length=128), nullable=False),
        _ts("created_at", False),
        _ts("expires_at", False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        _ts("confirmed_at", True),
        _ts("used_at", True),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["staff_member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("browser_hash"),
    )
    op.create_index("ix_office_login_code_code_hash", "office_login_code", ["code_hash"])
    op.create_table(
        "office_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_hash", _S(length=80), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("roles", _S(length=128), nullable=False),
        sa.Column("browser", _S(length=128), nullable=False),
        _ts("created_at", False),
        _ts("seen_at", False),
        _ts("ended_at", True),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["staff_member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("id_hash"),
    )
    op.create_index("ix_office_session_member_id", "office_session", ["member_id"])
    op.create_table(
        "office_login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_key", _S(length=80), nullable=False),
        _ts("at", False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_office_login_attempt_client_key", "office_login_attempt", ["client_key"])
    op.create_table(
        "office_response_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("title", _S(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_office_response_template_org_id", "office_response_template", ["org_id"])


def downgrade() -> None:
    op.drop_index("ix_office_response_template_org_id", table_name="office_response_template")
    op.drop_table("office_response_template")
    op.drop_index("ix_office_login_attempt_client_key", table_name="office_login_attempt")
    op.drop_table("office_login_attempt")
    op.drop_index("ix_office_session_member_id", table_name="office_session")
    op.drop_table("office_session")
    op.drop_index("ix_office_login_code_code_hash", table_name="office_login_code")
    op.drop_table("office_login_code")
    op.drop_index("ix_office_login_link_member_id", table_name="office_login_link")
    op.drop_table("office_login_link")
