"""The embedded checkout: Vitrine's own test page, no account needed (the default)."""

from __future__ import annotations

from commerce.checkout.port import CheckoutLink, CheckoutRequest


class LocalCheckout:
    """Links to the web app's checkout page, where a button marks the cart paid (test mode)."""

    name = "local"

    def __init__(self, public_url: str) -> None:
        self.public_url = public_url.rstrip("/")

    def create_checkout(self, request: CheckoutRequest) -> CheckoutLink:
        url = f"{self.public_url}/checkout/{request.order_token}"
        return CheckoutLink(self.name, url, request.order_token, request.hold_expires_at)

    def expire_checkout(self, reference: str) -> None:
        """Nothing to do: the page reads the cart's state each time."""
