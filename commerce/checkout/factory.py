"""Builds the configured checkout provider."""

from __future__ import annotations

from commerce.checkout.local import LocalCheckout
from commerce.checkout.port import CheckoutProvider


class CheckoutConfigError(ValueError):
    """The chosen provider lacks what it needs (e.g. Stripe without a key)."""


def make_provider(
    name: str,
    public_url: str,
    *,
    stripe_api_key: str | None = None,
    stripe_api_base: str | None = None,
) -> CheckoutProvider:
    if name == "local":
        return LocalCheckout(public_url)
    if name == "stripe":
        if not stripe_api_key:
            raise CheckoutConfigError("checkout provider 'stripe' needs VITRINE_STRIPE_API_KEY")
        import stripe

        from commerce.checkout.stripe_provider import StripeCheckout

        client = stripe.StripeClient(
            stripe_api_key,
            max_network_retries=2,
            **({"base_addresses": {"api": stripe_api_base}} if stripe_api_base else {}),
        )
        return StripeCheckout(client, public_url)
    raise CheckoutConfigError(f"unknown checkout provider {name!r} (local, stripe)")
