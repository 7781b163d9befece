"""Builds the configured checkout provider, so nothing else needs to know which one runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import SecretStr

from commerce.checkout.local import LocalCheckout
from commerce.checkout.port import CheckoutProvider


class CheckoutConfigError(ValueError):
    """The chosen provider lacks what it needs (e.g. Stripe without a key)."""


class CheckoutSettings(Protocol):
    """The part of `vitrine.settings.Settings` a provider is built from (commerce does not
    import the application shell)."""

    @property
    def checkout_provider(self) -> str: ...
    @property
    def public_url(self) -> str: ...
    @property
    def stripe_api_key(self) -> SecretStr | None: ...
    @property
    def stripe_api_base(self) -> str | None: ...
    @property
    def shipping_countries(self) -> list[str]: ...


def make_provider(
    name: str,
    public_url: str,
    *,
    stripe_api_key: str | None = None,
    stripe_api_base: str | None = None,
    shipping_countries: Sequence[str] = (),
) -> CheckoutProvider:
    """The provider called `name` ("local" or "stripe"), ready to create links."""
    if name == "local":
        return LocalCheckout(public_url)
    if name == "stripe":
        if not stripe_api_key:
            raise CheckoutConfigError("checkout provider 'stripe' needs VITRINE_STRIPE_API_KEY")
        # Imported here so that the local checkout never loads the Stripe library.
        from commerce.checkout.stripe_provider import StripeCheckout, make_stripe_client

        return StripeCheckout(
            make_stripe_client(stripe_api_key, stripe_api_base),
            public_url,
            shipping_countries=shipping_countries,
        )
    raise CheckoutConfigError(f"unknown checkout provider {name!r} (local, stripe)")


def provider_from_settings(settings: CheckoutSettings) -> CheckoutProvider:
    """The provider the settings choose; raises CheckoutConfigError when it can't be built."""
    key = settings.stripe_api_key.get_secret_value() if settings.stripe_api_key else None
    return make_provider(
        str(settings.checkout_provider),
        settings.public_url,
        stripe_api_key=key,
        stripe_api_base=settings.stripe_api_base,
        shipping_countries=settings.shipping_countries,
    )
