"""What a commerce operation did, as past-tense events: replies are rendered from them and
the application's handlers react to them (freed units promote the waitlist, a paid order
goes to the brand)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from commerce.cart_view import CartView


class _Named(Protocol):
    @property
    def sku(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def options(self) -> Any: ...


class _Variant(Protocol):
    @property
    def sku(self) -> str: ...
    @property
    def options(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A product variant as people read it: 'Pull Nuage (M, écru) x2'."""

    product_sku: str
    product_name: str
    variant_sku: str
    options: tuple[tuple[str, str], ...]
    quantity: int

    def label(self) -> str:
        opts = ", ".join(v for _, v in self.options)
        text = f"{self.product_name} ({opts})" if opts else self.product_name
        return f"{text} x{self.quantity}" if self.quantity > 1 else text


def item_ref(product: _Named, variant: _Variant, quantity: int) -> ItemRef:
    """A variant as people read it (a product row or its cached facts)."""
    return ItemRef(
        product_sku=product.sku,
        product_name=product.name,
        variant_sku=variant.sku,
        options=tuple(
            (k, str(variant.options[k])) for k in product.options if k in variant.options
        ),
        quantity=quantity,
    )


@dataclass(frozen=True, slots=True)
class Reserved:
    viewer_id: int
    order_id: int
    item: ItemRef
    expires_at: datetime | None
    # The cart as this claim left it, so that the reply needs no query to show it.
    cart: CartView | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Waitlisted:
    viewer_id: int
    item: ItemRef
    position: int


@dataclass(frozen=True, slots=True)
class OptionNeeded:
    viewer_id: int
    product_sku: str
    product_name: str
    option: str
    values_in_stock: tuple[str, ...]
    product_id: int | None = None


@dataclass(frozen=True, slots=True)
class OptionUnavailable:
    viewer_id: int
    product_sku: str
    product_name: str
    wanted: tuple[tuple[str, str], ...]
    values_in_stock: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LimitReached:
    viewer_id: int
    product_sku: str
    product_name: str
    limit: int


@dataclass(frozen=True, slots=True)
class DuplicateClaim:
    viewer_id: int
    product_sku: str


@dataclass(frozen=True, slots=True)
class UnknownProduct:
    viewer_id: int
    sku: str


@dataclass(frozen=True, slots=True)
class ClaimCancelled:
    viewer_id: int
    order_id: int
    items: tuple[ItemRef, ...]


@dataclass(frozen=True, slots=True)
class NothingToCancel:
    viewer_id: int


@dataclass(frozen=True, slots=True)
class HoldExpired:
    viewer_id: int
    order_id: int
    items: tuple[ItemRef, ...]


@dataclass(frozen=True, slots=True)
class WaitlistPromoted:
    viewer_id: int
    order_id: int
    item: ItemRef
    expires_at: datetime | None
    entry_id: int = 0  # the waitlist entry promoted: promoted once, told once


@dataclass(frozen=True, slots=True)
class UnitsReleased:
    """Held units of a variant went back on sale (cancel, expiry, a released checkout)."""

    variant_id: int


@dataclass(frozen=True, slots=True)
class OrderPaid:
    viewer_id: int
    order_id: int
    total_minor: int
    currency: str


@dataclass(frozen=True, slots=True)
class RefundDue:
    """Money a viewer paid that buys nothing (the unit went to someone else, a second
    payment, an amount that is not the cart's): the brand refunds it, the viewer is told."""

    viewer_id: int
    order_id: int
    reference: str  # the provider's payment reference: one refund per payment
    reason: str
    amount_minor: int | None
    currency: str


@dataclass(frozen=True, slots=True)
class OrderClosedAfterPayment:
    """A paid order the brand will not ship (`cancelled`) or paid back (`refunded`): the
    brand's endpoints hear of it; the viewer was told by whoever decided it."""

    viewer_id: int
    order_id: int
    status: str  # "cancelled" or "refunded"


Outcome = (
    Reserved
    | Waitlisted
    | OptionNeeded
    | OptionUnavailable
    | LimitReached
    | DuplicateClaim
    | UnknownProduct
    | ClaimCancelled
    | NothingToCancel
    | HoldExpired
    | WaitlistPromoted
    | OrderPaid
    | RefundDue
)

# Everything a state change reports: what viewers are told, and what only moves other state.
Event = Outcome | UnitsReleased | OrderClosedAfterPayment
