"""An open cart as plain values: what a claim checks (duplicates, the per-viewer limit) and
what a reply shows (items, total, checkout link).

The claim path reads and writes carts with a few Core statements and hands this view to the
reply, instead of loading ORM objects and flushing them: during a flash sale that unit of
work cost more than the statements themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class HeldLine:
    """An active line of a cart."""

    product_id: int
    variant_id: int
    quantity: int
    unit_price_minor: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CartView:
    """An open cart as of a moment in the transaction that read or changed it."""

    id: int
    public_token: str
    currency: str
    total_minor: int
    expires_at: datetime | None
    lines: tuple[HeldLine, ...]  # active lines only, oldest first
    opened_at: datetime | None = None  # the cart's first claim: no hold runs past a cap from it

    def with_line(self, line: HeldLine, expires_at: datetime | None) -> CartView:
        """The cart once `line` is added and its hold restarted."""
        lines = (*self.lines, line)
        return CartView(
            self.id,
            self.public_token,
            self.currency,
            sum(held.quantity * held.unit_price_minor for held in lines),
            expires_at,
            lines,
            self.opened_at,
        )
