"""scheduled exports: schedules, and their runs claimed by key (each run once)

Revision ID: 0008_export_schedules
Revises: 0007_brand_handoff
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa

import kernel.db
from alembic import op

revision: str = "0008_export_schedules"
down_revision: str | None = "0007_brand_handoff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "export_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("cron", sa.String(length=100), nullable=True),
        sa.Column("at_session_end", sa.Boolean(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("created_at", kernel.db.UtcDateTime(), nullable=False),
        sa.Column("removed_at", kernel.db.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_schedules")),
    )
    op.create_table(
        "export_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("run_key", sa.String(length=120), nullable=False),
        sa.Column("window_start", kernel.db.UtcDateTime(), nullable=True),
        sa.Column("window_end", kernel.db.UtcDateTime(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", kernel.db.UtcDateTime(), nullable=False),
        sa.Column("finished_at", kernel.db.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["export_schedules.id"],
            name=op.f("fk_export_runs_schedule_id_export_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_runs")),
        sa.UniqueConstraint(
            "schedule_id", "run_key", name=op.f("uq_export_runs_schedule_id_run_key")
        ),
    )
    with op.batch_alter_table("export_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_export_runs_schedule_id"), ["schedule_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("export_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_runs_schedule_id"))
    op.drop_table("export_runs")
    op.drop_table("export_schedules")
