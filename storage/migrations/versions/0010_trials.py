"""console trials leave the statistics record

Revision ID: 0010_trials
Revises: 0009_accounts
Create Date: 2026-12-06 04:30:00.000000

Cases filed from `complaintbot chat` were counted as complaints from the channel
"ทดสอบระบบ" on the public page. They are trials: their statistics rows go, the cases stay.
"""

from __future__ import annotations

from alembic import op

revision = "0010_trials"
down_revision = "0009_accounts"
branch_labels = None
depends_on = None

_TRIALS = "select id from stats_case where channel = 'console'"


def upgrade() -> None:
    op.execute(f"delete from stats_rating where case_ref in ({_TRIALS})")
    op.execute(f"delete from stats_status where case_ref in ({_TRIALS})")
    op.execute("delete from stats_case where channel = 'console'")


def downgrade() -> None:
    """The deleted rows were trials; nothing to bring back."""
