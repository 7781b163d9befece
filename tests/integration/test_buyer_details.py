"""What the brand needs to ship: the local checkout asks for it (checked, in the viewer's
language), Stripe Checkout is asked to collect it, and both reach the order, the exports
and the brand's webhooks. A refund made in Stripe reaches the brand too."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from commerce.buyer import BuyerFormErrors, read_buyer_form
from commerce.checkout.stripe_provider import StripeCheckout, make_stripe_client
from commerce.export import csv_to, iter_orders, shopify_csv_to
from commerce.models import OrderStatus
from kernel.models import Viewer
from tests.fakes.buyer import BUYER_FORM
from tests.fakes.stripe_server import FakeStripe
from tests.integration.test_checkout_local import (
    PUBLIC_URL,
    WEBHOOK_SECRET,
    Clock,
    claim_for,
    make_settings,
    order_by_token,
    outbox,
)
from tests.integration.test_stripe_webhooks import open_session, post_event
from vitrine.web import create_app


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def local_web(database, clock) -> TestClient:
    settings = make_settings(shipping_countries=["FR", "BE"])
    return TestClient(create_app(settings, database, clock=clock))


@pytest.fixture
def stripe_api(clock: Clock) -> Iterator[FakeStripe]:
    with FakeStripe(clock=lambda: clock.now.timestamp()) as fake:
        yield fake


@pytest.fixture
def stripe_web(database, stripe_api, clock) -> TestClient:
    settings = make_settings(
        "stripe",
        stripe_api_key="sk_test_vitrine",
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=stripe_api.url,
    )
    provider = StripeCheckout(
        make_stripe_client("sk_test_vitrine", stripe_api.url),
        PUBLIC_URL,
        clock,
        shipping_countries=["IT", "FR"],
    )
    return TestClient(create_app(settings, database, provider=provider, clock=clock))


def _speak(database, handle: str, language: str) -> None:
    with database.unit_of_work() as uow:
        viewer = uow.session.scalar(select(Viewer).where(Viewer.platform_user_id == handle))
        assert viewer is not None
        viewer.language = language
        uow.commit()


def test_the_form_refuses_what_cannot_ship_and_says_why(database, live, clock, local_web):
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    _speak(database, "ann", "fr")
    page = local_web.get(f"/checkout/{token}")
    assert "name=email type=email" in page.text and "Code postal" in page.text
    typed = BUYER_FORM | {"email": "camille-at-example", "city": "", "country": "US"}
    refused = local_web.post(f"/checkout/{token}/pay", data=typed)
    assert refused.status_code == 422
    assert "rien n'a été débité" in refused.text  # in the viewer's language
    assert "Ce n&#x27;est pas valide." in refused.text or "Ce n'est pas valide." in refused.text
    assert "Nous ne livrons pas dans ce pays." in refused.text
    assert 'value="12 rue des Lilas"' in refused.text  # what was typed is kept
    assert order_by_token(database, token).status != OrderStatus.PAID


def test_what_the_form_collected_reaches_the_order_exports_and_webhook(
    database, live, clock, local_web
) -> None:
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    paid = local_web.post(f"/checkout/{token}/pay", data=BUYER_FORM, follow_redirects=False)
    assert paid.status_code == 303
    order = order_by_token(database, token)
    assert (order.status, order.buyer_email) == (OrderStatus.PAID, "camille@example.org")
    assert order.shipping_address == {
        "line1": "12 rue des Lilas",
        "line2": None,
        "postal_code": "69003",
        "city": "Lyon",
        "state": None,
        "country": "FR",
    }
    [event] = outbox(database, channel="brand")
    assert event.payload["buyer"]["email"] == "camille@example.org"
    assert event.payload["shipping_address"]["city"] == "Lyon"
    with database.unit_of_work() as uow:
        ours, shopify = io.StringIO(), io.StringIO()
        csv_to(iter_orders(uow.session), ours)
        shopify_csv_to(iter_orders(uow.session), shopify)
    assert "camille@example.org" in ours.getvalue() and "69003" in ours.getvalue()
    header, row = shopify.getvalue().splitlines()[:2]
    assert "Shipping Zip" in header and "camille@example.org" in row and "Lyon" in row


def test_buyer_form_rules() -> None:
    good = read_buyer_form(BUYER_FORM, ["FR"])
    assert good.address is not None and good.address["country"] == "FR"
    no_address = read_buyer_form({"name": "A B", "email": "a@b.example"}, [])
    assert no_address.address is None  # a brand that ships nothing asks for no address
    with pytest.raises(BuyerFormErrors) as bad:
        read_buyer_form(BUYER_FORM | {"phone": "call me", "name": "x" * 201}, ["FR"])
    assert bad.value.errors == {"phone": "invalid", "name": "too_long"}


def test_stripe_is_asked_to_collect_and_its_answer_is_kept(
    database, live, clock, stripe_web, stripe_api
) -> None:
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    session_id = open_session(stripe_web, database, token)
    form = stripe_api.creates()[-1].form
    assert form["shipping_address_collection"] == {"allowed_countries": ["IT", "FR"]}
    assert form["phone_number_collection"] == {"enabled": "true"}
    event = stripe_api.event("checkout.session.completed", session_id)
    assert post_event(stripe_web, event).json()["outcome"] == "paid"
    order = order_by_token(database, token)
    assert (order.buyer_name, order.buyer_email) == ("Giulia Bianchi", "giulia@example.org")
    assert order.shipping_address is not None and order.shipping_address["city"] == "Milano"
    assert order.payment_intent == f"pi_test_{session_id[8:]}"
    [paid] = outbox(database, channel="brand")
    assert paid.payload["shipping_address"]["country"] == "IT"
    assert paid.payload["payment"]["reference"] == order.payment_intent


def test_a_refund_made_in_stripe_reaches_the_brand_once(
    database, live, clock, stripe_web, stripe_api
) -> None:
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now)
    session_id = open_session(stripe_web, database, token)
    post_event(stripe_web, stripe_api.event("checkout.session.completed", session_id))
    partial = stripe_api.refund_event(session_id, full=False)
    assert post_event(stripe_web, partial).json()["outcome"] == "ignored_partial_refund"
    refund = stripe_api.refund_event(session_id)
    assert post_event(stripe_web, refund).json()["outcome"] == "refunded"
    assert post_event(stripe_web, refund).json()["outcome"] == "duplicate"
    again = stripe_api.refund_event(session_id)  # Stripe's second event for the charge
    assert post_event(stripe_web, again).json()["outcome"] == "already_refunded"
    assert order_by_token(database, token).status == OrderStatus.REFUNDED
    kinds = [row.kind for row in outbox(database, channel="brand")]
    assert kinds == ["order_paid", "order_refunded"]
