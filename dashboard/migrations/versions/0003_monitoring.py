"""Rollback requests (the monitor's proposals) beside promotions, and the monitor's checks.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("promotion_requests") as table:
        table.add_column(
            sa.Column("kind", sa.String(20), nullable=False, server_default="promotion")
        )
    op.create_table(
        "monitor_checks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model", sa.String(500), nullable=False),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("metric", sa.String(250), nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("threshold", sa.Float, nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_index("ix_monitor_checks_model_at", "monitor_checks", ["model", "at"])


def downgrade() -> None:
    op.drop_table("monitor_checks")
    with op.batch_alter_table("promotion_requests") as table:
        table.drop_column("kind")
