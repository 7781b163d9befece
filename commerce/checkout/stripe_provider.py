"""Stripe Checkout: one Checkout Session per cart state, through the official client.

Stripe accepts `expires_at` only 30 minutes to 24 hours after the session is created;
shorter holds create the session without it and end it through the API when the hold
ends (`expire_checkout`, driven by `commerce.checkout_service.end_closed_checkouts`).
Nothing here logs an API key, a webhook secret or payment details.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import stripe

from commerce.checkout.port import CheckoutLink, CheckoutRequest
from kernel.clock import utcnow

log = logging.getLogger(__name__)

MIN_EXPIRY = timedelta(minutes=30)
MAX_EXPIRY = timedelta(hours=24)
# Our clock and Stripe's differ, and the request takes time: stay clear of both bounds
# so a hold of exactly 30 minutes or 24 hours never gets a 400 from Stripe.
EXPIRY_MARGIN = timedelta(minutes=2)
REQUEST_TIMEOUT_S = 20


def make_stripe_client(api_key: str, api_base: str | None = None) -> stripe.StripeClient:
    """A client that retries safely (every create carries an idempotency key)."""
    return stripe.StripeClient(
        api_key,
        max_network_retries=2,
        http_client=stripe.RequestsClient(timeout=REQUEST_TIMEOUT_S),
        base_addresses={"api": api_base} if api_base else None,
    )


class StripeCheckout:
    """Creates, inspects and expires Checkout Sessions."""

    name = "stripe"

    def __init__(
        self,
        client: stripe.StripeClient,
        public_url: str,
        clock: Callable[[], datetime] = utcnow,
        *,
        shipping_countries: Sequence[str] = (),
    ) -> None:
        self.client = client
        self.public_url = public_url.rstrip("/")
        self.clock = clock
        # Where the brand ships: Checkout asks for an address in one of these (none: no
        # address asked, e.g. a brand that only sells vouchers).
        self.shipping_countries = [c.upper() for c in shipping_countries]

    def session_expires_at(self, request: CheckoutRequest) -> int | None:
        """Stripe's `expires_at` for this hold, or None when Stripe would refuse it."""
        if request.hold_expires_at is None:
            return None
        ahead = request.hold_expires_at - self.clock()
        if MIN_EXPIRY + EXPIRY_MARGIN <= ahead <= MAX_EXPIRY - EXPIRY_MARGIN:
            return int(request.hold_expires_at.timestamp())
        return None

    def session_params(self, request: CheckoutRequest) -> dict[str, Any]:
        """The Checkout Session's parameters: integer minor units, lower-case currency."""
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": line.quantity,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": int(line.unit_amount_minor),
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
        if self.shipping_countries:
            params["shipping_address_collection"] = {"allowed_countries": self.shipping_countries}
            params["phone_number_collection"] = {"enabled": True}
        if request.customer_email:
            params["customer_email"] = request.customer_email
        expires_at = self.session_expires_at(request)
        if expires_at is not None:
            params["expires_at"] = expires_at
        return params

    def create_checkout(self, request: CheckoutRequest) -> CheckoutLink:
        """A new session (or, for a repeated idempotency key, the one already created)."""
        session = self.client.v1.checkout.sessions.create(
            params=self.session_params(request),  # type: ignore[arg-type]
            options={"idempotency_key": f"checkout-{request.order_id}-{request.attempt}"},
        )
        expires_at = getattr(session, "expires_at", None)
        expires = datetime.fromtimestamp(expires_at, UTC) if expires_at else None
        return CheckoutLink(self.name, str(session.url), str(session.id), expires)

    def checkout_state(self, reference: str, request: CheckoutRequest) -> str:
        """'open' if the session can still be paid for this exact cart, 'stale' if it is open
        for another cart content, else Stripe's status ('complete', 'expired')."""
        session = self.client.v1.checkout.sessions.retrieve(reference)
        status = str(getattr(session, "status", "") or "")
        if status != "open":
            return status or "unknown"
        expected = sum(line.quantity * line.unit_amount_minor for line in request.lines)
        same_amount = getattr(session, "amount_total", None) == expected
        same_currency = str(getattr(session, "currency", "") or "").lower() == (
            request.currency.lower()
        )
        return "open" if same_amount and same_currency else "stale"

    def expire_checkout(self, reference: str) -> None:
        """End a session whose hold is over; one already expired, completed or unknown to
        Stripe is fine (any other error is raised, so the caller can try again later)."""
        try:
            self.client.v1.checkout.sessions.expire(reference)
        except stripe.InvalidRequestError as exc:
            log.info(
                "checkout session %s was not open (%s): nothing to expire",
                reference,
                exc.code or exc.http_status,
            )
