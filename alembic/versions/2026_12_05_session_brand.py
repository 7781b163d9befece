"""a live session records the brand it sells for (its replies and checkout pages name it)

Revision ID: 0005_session_brand
Revises: 0004_variant_price
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0005_session_brand"
down_revision: str | None = "0004_variant_price"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("brand", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.drop_column("brand")
