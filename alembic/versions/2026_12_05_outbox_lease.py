"""outbox rows are leased by the relay that sends them

The relay claims due rows in a short transaction (a lease of its own on each), sends them
outside any transaction and records the results in another: a relay that dies mid-send
leaves rows whose lease runs out, and another relay sends them then.

Revision ID: 0002_outbox_lease
Revises: 0001_initial
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa

import kernel.db
from alembic import op

revision: str = "0002_outbox_lease"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_until", kernel.db.UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("lease_owner")
        batch_op.drop_column("lease_until")
