"""brand hand-off: webhook endpoints with their own secrets; what the checkout collected
to ship an order; cancelled and refunded paid orders

Revision ID: 0007_brand_handoff
Revises: 0006_api_keys
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa

import kernel.db
from alembic import op

revision: str = "0007_brand_handoff"
down_revision: str | None = "0006_api_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False, server_default="webhook"),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("created_at", kernel.db.UtcDateTime(), nullable=False),
        sa.Column("removed_at", kernel.db.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buyer_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("buyer_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("buyer_phone", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("shipping_address", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("payment_intent", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("cancelled_at", kernel.db.UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("refunded_at", kernel.db.UtcDateTime(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_orders_payment_intent"), ["payment_intent"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_payment_intent"))
        for column in (
            "refunded_at",
            "cancelled_at",
            "payment_intent",
            "shipping_address",
            "buyer_phone",
            "buyer_email",
            "buyer_name",
        ):
            batch_op.drop_column(column)
    op.drop_table("webhook_endpoints")
