"""Checkout on both databases: the local test page, Stripe Checkout through the real client
against a local Stripe, and signed payment webhooks applied exactly once."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import stripe
from fastapi.testclient import TestClient
from sqlalchemy import select

from bots.notify import ShopVoice
from commerce.carts import CommercePolicy
from commerce.checkout.local import LocalCheckout
from commerce.checkout.stripe_provider import StripeCheckout
from commerce.intent import ClaimedItem, IntentKind
from commerce.models import Order, PaymentEvent, Variant, WaitlistEntry
from commerce.orders import expire_holds
from tests.fakes.stripe_server import FakeStripe
from tests.integration.test_pipeline import ScriptedParser, msg
from vitrine.models import OutboxMessage
from vitrine.web import create_app

SECRET = "whsec_test_secret"
SHOP = ShopVoice(brand="Bijoux Test", public_url="http://127.0.0.1:8000")


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def claimed(database, live, clock):
    """Two viewers claim the two necklaces; a third waits."""
    from bots.pipeline import LivePipeline

    parser = ScriptedParser()
    text = parser.means("le B7", IntentKind.BUY, ClaimedItem("COLLIER-ISA", 1, {}))
    pipeline = LivePipeline(
        database,
        live_session_id=live,
        parser=parser,
        moderator=None,
        policy=CommercePolicy(hold_seconds=900),
        shop=SHOP,
    )
    results = [
        pipeline.process(msg(n, who, text, at=n), now=clock.now)
        for n, who in enumerate(["ann", "bob", "cid"], start=1)
    ]
    with database.unit_of_work() as uow:
        tokens = [uow.session.get(Order, r.outcomes[0].order_id).public_token for r in results[:2]]
    return tokens


def _units(database, sku: str) -> tuple[int, int]:
    with database.unit_of_work() as uow:
        v = uow.session.scalars(select(Variant).where(Variant.sku == sku)).one()
        return v.stock, v.reserved


def test_local_checkout_page_and_pay(database, claimed, clock) -> None:
    app = create_app(
        database,
        provider=LocalCheckout(SHOP.public_url),
        shop=SHOP,
        policy=CommercePolicy(),
        clock=clock,
    )
    client = TestClient(app)
    page = client.get(f"/checkout/{claimed[0]}")
    assert page.status_code == 200
    assert "TEST CHECKOUT" in page.text and "Collier Isa" in page.text
    assert "49.90 EUR" in page.text and "15 min" in page.text
    paid = client.post(f"/checkout/{claimed[0]}/pay")
    assert paid.status_code == 200 and "is paid" in paid.text
    assert _units(database, "ISA") == (1, 1)
    again = client.post(f"/checkout/{claimed[0]}/pay")
    assert again.status_code == 410
    assert client.get("/checkout/nope").status_code == 404
    with database.unit_of_work() as uow:
        kinds = {m.channel for m in uow.session.scalars(select(OutboxMessage))}
        assert "brand" in kinds  # the paid order went to the brand hand-off outbox


def test_expired_cart_cannot_be_paid(database, claimed, clock) -> None:
    app = create_app(
        database,
        provider=LocalCheckout(SHOP.public_url),
        shop=SHOP,
        policy=CommercePolicy(),
        clock=clock,
    )
    clock.now += timedelta(minutes=16)
    client = TestClient(app)
    assert client.get(f"/checkout/{claimed[1]}").status_code == 410
    assert client.post(f"/checkout/{claimed[1]}/pay").status_code == 410
    assert _units(database, "ISA") == (2, 2)


def test_user_text_is_escaped(database, claimed, clock) -> None:
    with database.unit_of_work() as uow:
        order = uow.session.scalars(select(Order).where(Order.public_token == claimed[0])).one()
        order.lines[0].product.name = "<script>alert(1)</script>"
        uow.commit()
    app = create_app(
        database,
        provider=LocalCheckout(SHOP.public_url),
        shop=SHOP,
        policy=CommercePolicy(),
        clock=clock,
    )
    page = TestClient(app).get(f"/checkout/{claimed[0]}")
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text


@pytest.fixture
def stripe_api():
    with FakeStripe() as fake:
        yield fake


def _stripe_app(database, stripe_api, clock):
    client = stripe.StripeClient("sk_test_123", base_addresses={"api": stripe_api.url})
    provider = StripeCheckout(client, SHOP.public_url, clock=clock)
    app = create_app(
        database,
        provider=provider,
        shop=SHOP,
        policy=CommercePolicy(),
        stripe_webhook_secret=SECRET,
        clock=clock,
    )
    return TestClient(app, follow_redirects=False), provider


def test_stripe_session_per_cart(database, claimed, clock, stripe_api) -> None:
    web, _ = _stripe_app(database, stripe_api, clock)
    first = web.get(f"/checkout/{claimed[0]}")
    assert first.status_code == 303 and first.headers["location"].startswith(
        "https://checkout.stripe.test/"
    )
    again = web.get(f"/checkout/{claimed[0]}")
    assert again.headers["location"] == first.headers["location"]
    creates = [r for r in stripe_api.requests if r[0] == "POST"]
    assert len(creates) == 1
    _, _, form, headers = creates[0]
    assert form["line_items"] == [
        {
            "quantity": "1",
            "price_data": {
                "currency": "eur",
                "unit_amount": "4990",
                "product_data": {"name": "Collier Isa"},
            },
        }
    ]
    assert form["metadata"]["order_token"] == claimed[0] and form["client_reference_id"]
    assert headers["Idempotency-Key"].startswith("checkout-")
    assert "expires_at" not in form  # a 15-minute hold is below Stripe's 30-minute minimum


def test_long_hold_sets_expires_at_and_short_hold_expires_through_the_api(
    database, claimed, clock, stripe_api
) -> None:
    web, provider = _stripe_app(database, stripe_api, clock)
    with database.unit_of_work() as uow:
        order = uow.session.scalars(select(Order).where(Order.public_token == claimed[0])).one()
        order.expires_at = clock.now + timedelta(hours=2)
        uow.commit()
    web.get(f"/checkout/{claimed[0]}")
    form = next(r for r in stripe_api.requests if r[0] == "POST")[2]
    assert int(form["expires_at"]) == int((clock.now + timedelta(hours=2)).timestamp())
    web.get(f"/checkout/{claimed[1]}")
    with database.unit_of_work() as uow:
        order = uow.session.scalars(select(Order).where(Order.public_token == claimed[1])).one()
        ref = order.checkout_ref
        expire_holds(uow.session, clock.now + timedelta(minutes=16), CommercePolicy())
        uow.commit()
    provider.expire_checkout(ref)
    assert stripe_api.sessions[ref]["status"] == "expired"
    provider.expire_checkout(ref)  # already expired: tolerated


def _post_event(
    web: TestClient,
    stripe_api: FakeStripe,
    event: dict,
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
):
    payload, header = stripe_api.sign(event, secret, timestamp)
    return web.post(
        "/webhooks/stripe",
        content=payload,
        headers={"Stripe-Signature": header, "content-type": "application/json"},
    )


def test_webhooks_pay_once_and_refuse_forgeries(database, claimed, clock, stripe_api) -> None:
    web, _ = _stripe_app(database, stripe_api, clock)
    web.get(f"/checkout/{claimed[0]}")
    session_id = next(iter(stripe_api.sessions))
    event = stripe_api.event("checkout.session.completed", session_id, event_id="evt_paid")
    forged = _post_event(web, stripe_api, event, secret="whsec_wrong")
    stale = _post_event(web, stripe_api, event, timestamp=int(time.time()) - 3600)
    unsigned = web.post("/webhooks/stripe", content=b"{}")
    assert [forged.status_code, stale.status_code, unsigned.status_code] == [400, 400, 400]
    assert _units(database, "ISA") == (2, 2)
    first = _post_event(web, stripe_api, event)
    second = _post_event(web, stripe_api, event)
    assert first.json()["outcome"] == "paid" and second.json()["outcome"] == "duplicate"
    assert _units(database, "ISA") == (1, 1)
    late_expiry = _post_event(
        web, stripe_api, stripe_api.event("checkout.session.expired", session_id)
    )
    assert late_expiry.json()["outcome"].startswith("nothing to release")
    assert _units(database, "ISA") == (1, 1)
    with database.unit_of_work() as uow:
        assert uow.session.query(PaymentEvent).count() == 2


def test_expired_session_releases_and_promotes_the_waitlist(
    database, claimed, clock, stripe_api
) -> None:
    web, _ = _stripe_app(database, stripe_api, clock)
    web.get(f"/checkout/{claimed[1]}")
    session_id = next(iter(stripe_api.sessions))
    done = _post_event(web, stripe_api, stripe_api.event("checkout.session.expired", session_id))
    assert done.json()["outcome"] == "hold released"
    assert _units(database, "ISA") == (2, 2)  # bob's unit went straight to cid
    with database.unit_of_work() as uow:
        entry = uow.session.scalars(select(WaitlistEntry)).one()
        assert entry.status == "promoted"
        promoted = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.destination == "dm:test:cid")
        ).all()
        assert promoted


def test_payment_after_local_expiry(database, claimed, clock, stripe_api) -> None:
    web, _ = _stripe_app(database, stripe_api, clock)
    web.get(f"/checkout/{claimed[0]}")
    web.get(f"/checkout/{claimed[1]}")
    ann_session, bob_session = list(stripe_api.sessions)
    with database.unit_of_work() as uow:
        expire_holds(uow.session, clock.now + timedelta(minutes=16), CommercePolicy())
        uow.commit()
    # Both holds ended: one unit went to cid (waitlist), one is free again.
    assert _units(database, "ISA") == (2, 1)
    ann = _post_event(web, stripe_api, stripe_api.event("checkout.session.completed", ann_session))
    assert ann.json()["outcome"] == "paid after expiry, units re-taken"
    assert _units(database, "ISA") == (1, 1)
    bob = _post_event(web, stripe_api, stripe_api.event("checkout.session.completed", bob_session))
    assert "needs refund" in bob.json()["outcome"]
    assert _units(database, "ISA") == (1, 1)  # nothing oversold, bob's money to refund
