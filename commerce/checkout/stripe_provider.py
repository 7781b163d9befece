"""Stripe Checkout: one Checkout Session per cart.

Stripe accepts `expires_at` only 30 minutes to 24 hours ahead; shorter holds create the
session without it and expire it through the API when the hold ends (see `expire_checkout`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import stripe

from commerce.checkout.port import CheckoutLink, CheckoutRequest
from vitrine.db import utcnow

log = logging.getLogger(__name__)

MIN_EXPIRY = timedelta(minutes=30)
MAX_EXPIRY = timedelta(hours=24)


class StripeCheckout:
    """Creates and expires Checkout Sessions through the official client."""

    name = "stripe"

    def __init__(
        self,
        client: stripe.StripeClient,
        public_url: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.client = client
        self.public_url = public_url.rstrip("/")
        self.clock = clock

    def session_params(self, request: CheckoutRequest) -> dict[str, object]:
        params: dict[str, object] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": line.quantity,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": line.unit_amount_minor,
                        "product_data": {
                            "name": line.name,
                            **({"description": line.description} if line.description else {}),
                        },
                    },
                }
                for line in request.lines
            ],
            "metadata": {"order_id": str(request.order_id), "order_token": request.order_token},
            "client_reference_id": str(request.order_id),
            "success_url": f"{self.public_url}/checkout/{request.order_token}?paid=1",
            "cancel_url": f"{self.public_url}/checkout/{request.order_token}",
        }
        if request.hold_expires_at is not None:
            ahead = request.hold_expires_at - self.clock()
            if MIN_EXPIRY <= ahead <= MAX_EXPIRY:
                params["expires_at"] = int(request.hold_expires_at.timestamp())
        return params

    def create_checkout(self, request: CheckoutRequest) -> CheckoutLink:
        session = self.client.v1.checkout.sessions.create(
            params=self.session_params(request),  # type: ignore[arg-type]
            options={"idempotency_key": f"checkout-{request.order_id}-{request.attempt}"},
        )
        expires_at = getattr(session, "expires_at", None)
        expires = datetime.fromtimestamp(expires_at, UTC) if expires_at else None
        return CheckoutLink(self.name, str(session.url), str(session.id), expires)

    def expire_checkout(self, reference: str) -> None:
        """End a session whose hold is over; one already expired or completed is fine."""
        try:
            self.client.v1.checkout.sessions.expire(reference)
        except stripe.InvalidRequestError as exc:
            log.info("checkout session %s not expired: %s", reference, exc.user_message)
