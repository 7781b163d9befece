"""the scheduler's lease is a renewed row, not a lock a frozen process keeps

Revision ID: 0003_job_leases
Revises: 0002_outbox_lease
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa

import kernel.db
from alembic import op

revision: str = "0003_job_leases"
down_revision: str | None = "0002_outbox_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("expires_at", kernel.db.UtcDateTime(), nullable=False),
        sa.Column("acquired_at", kernel.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_leases")),
    )


def downgrade() -> None:
    op.drop_table("job_leases")
