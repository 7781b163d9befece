"""The checkout port: what the cart needs from a payment provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CheckoutLine:
    name: str
    quantity: int
    unit_amount_minor: int
    description: str = ""


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """A cart ready to pay: everything a provider needs, nothing from the database."""

    order_id: int
    order_token: str
    currency: str
    lines: tuple[CheckoutLine, ...]
    hold_expires_at: datetime | None
    customer_ref: str
    attempt: int = 1  # bumps when the cart changes, so idempotency keys change with it
    customer_email: str | None = None  # known from an earlier checkout of this viewer


@dataclass(frozen=True, slots=True)
class CheckoutLink:
    provider: str
    url: str
    reference: str  # the provider's id for the session (Stripe: cs_...)
    expires_at: datetime | None = None


class CheckoutProvider(Protocol):
    """Creates a payable link for a cart and can cancel it when the hold ends."""

    name: str

    def create_checkout(self, request: CheckoutRequest) -> CheckoutLink: ...

    def expire_checkout(self, reference: str) -> None: ...
