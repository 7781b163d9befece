"""the brand API's keys, stored hashed

Revision ID: 0006_api_keys
Revises: 0005_session_brand
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa

import kernel.db
from alembic import op

revision: str = "0006_api_keys"
down_revision: str | None = "0005_session_brand"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", kernel.db.UtcDateTime(), nullable=False),
        sa.Column("revoked_at", kernel.db.UtcDateTime(), nullable=True),
        sa.Column("last_used_at", kernel.db.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )


def downgrade() -> None:
    op.drop_table("api_keys")
