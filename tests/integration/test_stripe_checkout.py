"""Stripe Checkout through the real `stripe` client against a local Stripe, on SQLite and
PostgreSQL: a session per cart state, idempotent creates, expiry within Stripe's bounds,
short holds ended through the API, the chat link redirecting to the session."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import pytest
import stripe
from fastapi.testclient import TestClient

from commerce.carts import cancel
from commerce.checkout.factory import CheckoutConfigError, provider_from_settings
from commerce.checkout.local import LocalCheckout
from commerce.checkout.port import CheckoutLine, CheckoutRequest
from commerce.checkout.stripe_provider import StripeCheckout, make_stripe_client
from commerce.checkout_service import end_closed_checkouts
from commerce.orders import expire_holds
from tests.fakes.stripe_server import FakeStripe
from tests.integration.test_checkout_local import (
    PUBLIC_URL,
    WEBHOOK_SECRET,
    Clock,
    claim_for,
    make_settings,
    order_by_token,
    units,
    viewer_id,
)
from vitrine.settings import Settings
from vitrine.web import create_app


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def stripe_api() -> Iterator[FakeStripe]:
    with FakeStripe() as fake:
        yield fake


def stripe_settings(stripe_api: FakeStripe, **extra: object) -> Settings:
    values: dict[str, object] = {
        "stripe_api_key": "sk_test_vitrine",
        "stripe_webhook_secret": WEBHOOK_SECRET,
        "stripe_api_base": stripe_api.url,
        **extra,
    }
    return make_settings("stripe", **values)


@pytest.fixture
def provider(stripe_api, clock) -> StripeCheckout:
    return StripeCheckout(make_stripe_client("sk_test_vitrine", stripe_api.url), PUBLIC_URL, clock)


@pytest.fixture
def web(database, stripe_api, clock, provider) -> TestClient:
    app = create_app(stripe_settings(stripe_api), database, provider=provider, clock=clock)
    return TestClient(app, follow_redirects=False)


def request_for(at: Clock, hold: timedelta | None, order_id: int = 7) -> CheckoutRequest:
    return CheckoutRequest(
        order_id=order_id,
        order_token="tok_abc",
        currency="EUR",
        lines=(CheckoutLine("Bague Ora", 2, 3500, "52, doré"),),
        hold_expires_at=at.now + hold if hold is not None else None,
        customer_ref="3",
    )


def test_chat_link_redirects_to_one_session_per_cart(database, live, clock, web, stripe_api):
    token = claim_for(
        database, live, "ann", "BAGUE-ORA", clock.now, options={"size": "52", "color": "doré"}
    )
    claim_for(database, live, "ann", "COLLIER-ISA", clock.now)

    first = web.post(f"/checkout/{token}/pay")
    again = web.post(f"/checkout/{token}/pay")

    assert first.status_code == 303 and first.headers["location"].startswith(
        "https://checkout.stripe.test/c/pay/cs_test_"
    )
    assert again.status_code == 303 and again.headers["location"] == first.headers["location"]
    creates = stripe_api.creates()
    assert len(creates) == 1 and len(stripe_api.sessions) == 1
    order = order_by_token(database, token)
    form, headers = creates[0].form, creates[0].headers
    assert form["mode"] == "payment"
    assert form["line_items"] == [
        {
            "quantity": "1",
            "price_data": {
                "currency": "eur",
                "unit_amount": "3500",
                "product_data": {"name": "Bague Ora", "description": "52, doré"},
            },
        },
        {
            "quantity": "1",
            "price_data": {
                "currency": "eur",
                "unit_amount": "4990",
                "product_data": {"name": "Collier Isa"},
            },
        },
    ]
    assert form["metadata"] == {"order_id": str(order.id), "order_token": token}
    assert form["client_reference_id"] == str(order.id)
    assert form["success_url"] == f"{PUBLIC_URL}/checkout/{token}?paid=1"
    assert form["cancel_url"] == f"{PUBLIC_URL}/checkout/{token}"
    assert headers["Idempotency-Key"] == f"checkout-{order.id}-2"
    assert "expires_at" not in form  # a 15-minute hold is below Stripe's 30-minute minimum
    session_id = next(iter(stripe_api.sessions))
    assert stripe_api.sessions[session_id]["amount_total"] == order.total_minor == 8490
    assert (order.status, order.checkout_provider, order.checkout_ref) == (
        "awaiting_payment",
        "stripe",
        session_id,
    )


def test_expires_at_only_within_stripes_bounds(clock, provider, stripe_api) -> None:
    two_hours = provider.session_params(request_for(clock, timedelta(hours=2)))
    assert two_hours["expires_at"] == int((clock.now + timedelta(hours=2)).timestamp())
    for hold in (None, timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=25)):
        assert "expires_at" not in provider.session_params(request_for(clock, hold))
    # Stripe itself refuses a shorter expiry: the fake says so like Stripe does.
    with pytest.raises(stripe.InvalidRequestError) as refused:
        provider.client.v1.checkout.sessions.create(
            params={
                **provider.session_params(request_for(clock, None)),  # type: ignore[typeddict-item]
                "expires_at": int((clock.now + timedelta(minutes=15)).timestamp()),
            }
        )
    assert refused.value.param == "expires_at" and refused.value.http_status == 400
    link = provider.create_checkout(request_for(clock, timedelta(hours=2)))
    assert link.expires_at == clock.now + timedelta(hours=2)


def test_create_is_idempotent(clock, provider, stripe_api) -> None:
    request = request_for(clock, None)
    first = provider.create_checkout(request)
    second = provider.create_checkout(request)
    assert first == second and len(stripe_api.sessions) == 1
    assert [r.headers["Idempotency-Key"] for r in stripe_api.creates()] == ["checkout-7-1"] * 2
    changed = dataclasses.replace(request, lines=request.lines * 2)
    with pytest.raises(stripe.IdempotencyError):
        provider.create_checkout(changed)  # a changed cart must come with a new attempt


def test_network_errors_are_retried_with_the_same_key(clock, provider, stripe_api) -> None:
    stripe_api.fail_next = [500]
    link = provider.create_checkout(request_for(clock, None))
    keys = [r.headers["Idempotency-Key"] for r in stripe_api.creates()]
    assert keys == ["checkout-7-1", "checkout-7-1"] and len(stripe_api.sessions) == 1
    assert link.reference in stripe_api.sessions


def test_changed_cart_gets_a_new_session_and_the_old_one_ends(
    database, live, clock, web, stripe_api
) -> None:
    token = claim_for(
        database, live, "ann", "BAGUE-ORA", clock.now, options={"size": "52", "color": "doré"}
    )
    claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    old = web.post(f"/checkout/{token}/pay").headers["location"]
    with database.unit_of_work() as uow:  # ann withdraws the necklace: the session is stale
        cancel(
            uow.session,
            session_id=live,
            viewer_id=viewer_id(database, "ann"),
            skus=["COLLIER-ISA"],
            now=clock.now,
        )
        uow.commit()

    new = web.post(f"/checkout/{token}/pay").headers["location"]

    assert new != old
    old_id, new_id = list(stripe_api.sessions)
    assert stripe_api.expires() == [old_id]
    assert stripe_api.sessions[old_id]["status"] == "expired"
    assert stripe_api.sessions[new_id]["amount_total"] == 3500
    assert order_by_token(database, token).checkout_ref == new_id


def test_short_hold_session_is_expired_through_the_api_when_the_hold_ends(
    database, live, clock, web, stripe_api, provider
) -> None:
    ann = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    bob = claim_for(database, live, "bob", "COLLIER-ISA", clock.now)
    web.post(f"/checkout/{ann}/pay")
    web.post(f"/checkout/{bob}/pay")
    ann_session, bob_session = list(stripe_api.sessions)
    stripe_api.sessions[bob_session]["status"] = "expired"  # e.g. ended in the dashboard
    with database.unit_of_work() as uow:
        assert end_closed_checkouts(database, provider) == 0  # holds still running
        expire_holds(uow.session, clock.now + timedelta(minutes=16))
        uow.commit()

    assert end_closed_checkouts(database, provider) == 2  # "already expired" is tolerated

    assert stripe_api.expires() == [ann_session, bob_session]
    assert stripe_api.sessions[ann_session]["status"] == "expired"
    assert order_by_token(database, ann).checkout_url is None
    assert order_by_token(database, ann).checkout_ref == ann_session  # to match late events
    assert end_closed_checkouts(database, provider) == 0  # each session is ended once
    assert len(stripe_api.expires()) == 2
    assert units(database, "ISA") == (2, 0)


def test_unreachable_stripe_is_retried_on_the_next_run(
    database, live, clock, web, stripe_api, provider
) -> None:
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    web.post(f"/checkout/{token}/pay")
    with database.unit_of_work() as uow:
        expire_holds(uow.session, clock.now + timedelta(minutes=16))
        uow.commit()
    stripe_api.fail_next = [500, 500, 500]  # the first try and both retries
    assert end_closed_checkouts(database, provider) == 0
    assert order_by_token(database, token).checkout_url is not None
    assert end_closed_checkouts(database, provider) == 1


def test_provider_down_keeps_the_hold_and_says_so(database, live, clock, web, stripe_api) -> None:
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    stripe_api.fail_next = [500, 500, 500]
    page = web.post(f"/checkout/{token}/pay")
    assert page.status_code == 503 and "restent réservés" in page.text
    order = order_by_token(database, token)
    assert (order.status, order.checkout_ref) == ("reserved", None)
    assert web.post(f"/checkout/{token}/pay").status_code == 303  # back up: the link works


def test_return_from_stripe_before_the_webhook_shows_confirming(
    database, live, clock, web, stripe_api
) -> None:
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    web.post(f"/checkout/{token}/pay")
    stripe_api.pay(next(iter(stripe_api.sessions)))

    returned = web.get(f"/checkout/{token}?paid=1")
    reopened = web.post(f"/checkout/{token}/pay")  # the chat link, opened again meanwhile

    for page in (returned, reopened):
        assert page.status_code == 200 and "en cours de confirmation" in page.text
    assert len(stripe_api.sessions) == 1


def test_provider_from_settings(stripe_api) -> None:
    assert isinstance(provider_from_settings(make_settings()), LocalCheckout)
    assert isinstance(provider_from_settings(stripe_settings(stripe_api)), StripeCheckout)
    with pytest.raises(CheckoutConfigError):
        provider_from_settings(make_settings("stripe"))  # no API key


def test_stripe_without_webhook_secret_refuses_to_start(database, stripe_api) -> None:
    settings = stripe_settings(stripe_api, stripe_webhook_secret=None)
    with pytest.raises(CheckoutConfigError, match="WEBHOOK_SECRET"):
        create_app(settings, database)
