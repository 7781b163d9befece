"""Signed Stripe webhooks on SQLite and PostgreSQL: forgeries refused, every event stored by
id and applied once, in any order, money never taken for something we can't deliver."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from commerce.checkout.stripe_provider import StripeCheckout, make_stripe_client
from commerce.models import Order, PaymentEvent, WaitlistEntry
from commerce.payment_rules import payments_needing_refund
from live.jobs import expire_holds_and_notify
from tests.fakes.stripe_server import FakeStripe
from tests.integration.test_checkout_local import (
    PUBLIC_URL,
    WEBHOOK_SECRET,
    Clock,
    claim_for,
    make_settings,
    order_by_token,
    outbox,
    units,
)
from vitrine.bootstrap import Database
from vitrine.web import create_app


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def stripe_api(clock: Clock) -> Iterator[FakeStripe]:
    with FakeStripe(clock=lambda: clock.now.timestamp()) as fake:
        yield fake


@pytest.fixture
def web(database, stripe_api, clock) -> TestClient:
    settings = make_settings(
        "stripe",
        stripe_api_key="sk_test_vitrine",
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=stripe_api.url,
    )
    provider = StripeCheckout(
        make_stripe_client("sk_test_vitrine", stripe_api.url), PUBLIC_URL, clock
    )
    return TestClient(create_app(settings, database, provider=provider, clock=clock))


def post_event(
    web: TestClient,
    event: dict[str, Any],
    *,
    secret: str = WEBHOOK_SECRET,
    timestamp: int | None = None,
) -> httpx.Response:
    payload, header = FakeStripe.sign(event, secret, timestamp)
    return web.post(
        "/webhooks/stripe",
        content=payload,
        headers={"Stripe-Signature": header, "content-type": "application/json"},
    )


def open_session(web: TestClient, database: Database, token: str | None) -> str:
    """The viewer follows the chat link and presses Pay: a Checkout Session is made; its id."""
    assert token is not None
    assert web.post(f"/checkout/{token}/pay", follow_redirects=False).status_code == 303
    reference = order_by_token(database, token).checkout_ref
    assert reference is not None
    return reference


@pytest.fixture
def carts(database, live, clock, web, stripe_api) -> dict[str, tuple[str, str]]:
    """ann and bob hold the two necklaces and opened their Stripe checkouts; cid waits."""
    found = {}
    for who in ("ann", "bob"):
        token = claim_for(database, live, who, "COLLIER-ISA", clock.now)
        found[who] = (token, open_session(web, database, token))
    assert claim_for(database, live, "cid", "COLLIER-ISA", clock.now) is None
    assert units(database, "ISA") == (2, 2)
    return found


def events(database) -> list[tuple[str, str | None]]:
    with database.unit_of_work() as uow:
        return [
            (e.event_id, e.outcome)
            for e in uow.session.scalars(select(PaymentEvent).order_by(PaymentEvent.id))
        ]


def test_forged_stale_and_missing_signatures_change_nothing(database, carts, web, stripe_api):
    token, session_id = carts["ann"]
    event = stripe_api.event("checkout.session.completed", session_id, event_id="evt_1")
    payload, header = FakeStripe.sign(event, WEBHOOK_SECRET)
    tampered = payload.replace(b'"paid"', b'"unpaid"', 1)

    refused = [
        post_event(web, event, secret="whsec_someone_else"),
        post_event(web, event, timestamp=int(time.time()) - 301),  # replayed later
        web.post("/webhooks/stripe", content=payload),  # no Stripe-Signature header
        web.post("/webhooks/stripe", content=tampered, headers={"Stripe-Signature": header}),
        web.post("/webhooks/stripe", content=b"not json", headers={"Stripe-Signature": "t=1"}),
    ]

    assert [r.status_code for r in refused] == [400] * 5
    assert events(database) == []
    assert order_by_token(database, token).status == "awaiting_payment"
    assert units(database, "ISA") == (2, 2) and outbox(database, channel="brand") == []


def test_completed_pays_once_and_a_later_expiry_changes_nothing(database, carts, web, stripe_api):
    token, session_id = carts["ann"]
    paid = stripe_api.event("checkout.session.completed", session_id, event_id="evt_paid")

    first, second = post_event(web, paid), post_event(web, paid)
    expired = post_event(web, stripe_api.event("checkout.session.expired", session_id))

    assert (first.status_code, first.json()["outcome"]) == (200, "paid")
    assert (second.status_code, second.json()["outcome"]) == (200, "duplicate")
    assert (expired.status_code, expired.json()["outcome"]) == (200, "nothing_to_release")
    order = order_by_token(database, token)
    assert order.status == "paid" and order.paid_at is not None
    assert units(database, "ISA") == (1, 1)  # ann's unit sold, bob's still held
    assert [m.kind for m in outbox(database, channel="brand")] == ["order_paid"]
    assert [m.dedupe_key.split(":")[0] for m in outbox(database, channel="test")] == ["order_paid"]
    assert [outcome for _, outcome in events(database)] == ["paid", "nothing_to_release"]
    with database.unit_of_work() as uow:
        stored = uow.session.scalars(select(PaymentEvent)).first()
        assert stored is not None and stored.order_id == order.id
        assert stored.type == "checkout.session.completed" and stored.provider == "stripe"


def test_expired_session_releases_the_hold_and_promotes_the_waitlist(
    database, carts, web, stripe_api, clock
):
    token, session_id = carts["bob"]
    clock.now += timedelta(minutes=15)  # Stripe's expiry is the hold's end

    done = post_event(web, stripe_api.event("checkout.session.expired", session_id))

    assert done.json()["outcome"] == "hold_released"
    order = order_by_token(database, token)
    assert (order.status, order.open_key, order.checkout_url) == ("expired", None, None)
    assert units(database, "ISA") == (2, 2)  # bob's unit went straight to cid
    with database.unit_of_work() as uow:
        entry = uow.session.scalars(select(WaitlistEntry)).one()
        assert entry.status == "promoted"
        cid_cart = uow.session.scalars(
            select(Order).where(Order.viewer_id == entry.viewer_id, Order.open_key.is_not(None))
        ).one()
        assert cid_cart.lines[0].variant.sku == "ISA"
    assert outbox(database, destination="dm:test:bob")  # told the hold ended
    assert outbox(database, destination="dm:test:cid")  # told it's theirs now


def test_async_payments_wait_then_pay_or_release(database, carts, web, stripe_api, clock):
    ann_token, ann_session = carts["ann"]
    bob_token, bob_session = carts["bob"]

    waiting = post_event(
        web,
        stripe_api.event("checkout.session.completed", ann_session, payment_status="unpaid"),
    )
    succeeded = post_event(
        web, stripe_api.event("checkout.session.async_payment_succeeded", ann_session)
    )
    failed = post_event(web, stripe_api.event("checkout.session.async_payment_failed", bob_session))

    assert waiting.json()["outcome"] == "awaiting_async_payment"
    assert succeeded.json()["outcome"] == "paid"
    assert failed.json()["outcome"] == "hold_released"
    assert order_by_token(database, ann_token).status == "paid"
    assert order_by_token(database, bob_token).status == "expired"
    assert units(database, "ISA") == (1, 1)  # ann's sold; bob's unit now held for cid


def test_payment_after_the_hold_ended_here(database, carts, web, stripe_api, clock):
    ann_token, ann_session = carts["ann"]
    bob_token, bob_session = carts["bob"]
    expire_holds_and_notify(database, now=clock.now + timedelta(minutes=16))
    assert units(database, "ISA") == (2, 1)  # one unit went to cid, one is free
    _speaks(database, "bob", "de")

    ann = post_event(web, stripe_api.event("checkout.session.completed", ann_session))
    bob_paid = stripe_api.event("checkout.session.completed", bob_session)
    bob = post_event(web, bob_paid)
    assert post_event(web, bob_paid).json()["outcome"] == "duplicate"  # redelivered

    assert ann.json()["outcome"] == "paid_after_expiry"
    assert order_by_token(database, ann_token).status == "paid"
    assert bob.status_code == 200 and bob.json()["outcome"] == "paid_after_expiry_needs_refund"
    assert order_by_token(database, bob_token).status == "expired"
    assert units(database, "ISA") == (1, 1)  # never oversold: cid keeps the unit
    flagged = [m for m in outbox(database, channel="brand") if m.kind == "payment_needs_refund"]
    assert [(m.payload["checkout_ref"], m.payload["amount_minor"]) for m in flagged] == [
        (bob_session, 4990)
    ]
    with database.unit_of_work() as uow:
        assert [e.outcome for e in payments_needing_refund(uow.session)] == [
            "paid_after_expiry_needs_refund"
        ]
    # bob is told, privately, once, in his language, that he will be refunded.
    told = [m.payload["text"] for m in outbox(database, destination="dm:test:bob")]
    refunds = [text for text in told if "erstattet" in text]
    assert len(refunds) == 1 and "49.90 EUR" in refunds[0] and "letzte Stück" in refunds[0]


def _speaks(database: Database, handle: str, language: str) -> None:
    from kernel.models import Viewer

    with database.unit_of_work() as uow:
        viewer = uow.session.scalar(select(Viewer).where(Viewer.platform_user_id == handle))
        viewer.language = language
        uow.commit()


def test_money_that_does_not_match_the_cart_is_not_taken(database, carts, web, stripe_api):
    token, session_id = carts["ann"]
    event = stripe_api.event("checkout.session.completed", session_id, amount_total=100)
    assert post_event(web, event).json()["outcome"] == "amount_mismatch_needs_refund"
    assert order_by_token(database, token).status == "awaiting_payment"
    assert units(database, "ISA") == (2, 2)
    told = [m.payload["text"] for m in outbox(database, destination="dm:test:ann")]
    assert any("ne correspond pas" in text and "1.00 EUR" in text for text in told)


def test_unknown_and_foreign_events_are_stored_and_ignored(database, carts, web, stripe_api):
    token, session_id = carts["ann"]
    unknown = {
        "id": "evt_unknown",
        "object": "event",
        "type": "customer.created",
        "created": int(time.time()),
        "data": {"object": {"id": "cus_1", "object": "customer"}},
    }
    foreign = stripe_api.event(
        "checkout.session.completed",
        session_id,
        id="cs_other_shop",
        metadata={"order_id": "1", "order_token": "another-shops-token"},
    )
    assert post_event(web, unknown).json()["outcome"] == "ignored"
    assert post_event(web, foreign).json()["outcome"] == "ignored_not_our_order"
    assert order_by_token(database, token).status == "awaiting_payment"
    assert [event_id for event_id, _ in events(database)] == ["evt_unknown", foreign["id"]]


def test_stripe_ending_a_session_early_keeps_the_hold(database, live, clock, stripe_api):
    """A 25-hour hold outlives Stripe's 24-hour session: the next visit gets a new one."""
    settings = make_settings(
        "stripe",
        stripe_api_key="sk_test_vitrine",
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=stripe_api.url,
    )
    provider = StripeCheckout(
        make_stripe_client("sk_test_vitrine", stripe_api.url), PUBLIC_URL, clock
    )
    web = TestClient(create_app(settings, database, provider=provider, clock=clock))
    token = claim_for(database, live, "ann", "COLLIER-ISA", clock.now, hold_seconds=25 * 3600)
    first = web.post(f"/checkout/{token}/pay", follow_redirects=False).headers["location"]
    old_session = order_by_token(database, token).checkout_ref
    assert old_session is not None
    clock.now += timedelta(hours=24)

    ended = post_event(web, stripe_api.event("checkout.session.expired", old_session))
    again = web.post(f"/checkout/{token}/pay", follow_redirects=False)

    assert ended.json()["outcome"] == "checkout_reset"
    assert units(database, "ISA") == (2, 1)
    assert again.status_code == 303 and again.headers["location"] != first
    keys = [r.headers["Idempotency-Key"] for r in stripe_api.creates()]
    assert keys[0] != keys[1]  # a new key, or Stripe would replay the ended session


def test_concurrent_redeliveries_apply_once(database, carts, web, stripe_api) -> None:
    """Stripe may deliver one event to several workers at once: one applies it."""
    token, session_id = carts["ann"]
    payload, header = FakeStripe.sign(
        stripe_api.event("checkout.session.completed", session_id), WEBHOOK_SECRET
    )
    start = threading.Barrier(6)

    def deliver() -> str:
        start.wait()
        answer = web.post("/webhooks/stripe", content=payload, headers={"Stripe-Signature": header})
        assert answer.status_code == 200
        return str(answer.json()["outcome"])

    with ThreadPoolExecutor(6) as pool:
        outcomes = sorted(pool.map(lambda _: deliver(), range(6)))

    assert outcomes == ["duplicate"] * 5 + ["paid"]
    assert order_by_token(database, token).status == "paid"
    assert units(database, "ISA") == (1, 1)
    assert len(outbox(database, channel="brand")) == 1


def test_a_signed_amount_that_is_not_a_number_is_flagged_not_taken(
    database, carts, web, stripe_api
):
    token, session_id = carts["ann"]
    for n, amount in enumerate(["4990", 49.9]):
        event = stripe_api.event(
            "checkout.session.completed", session_id, event_id=f"evt_m{n}", amount_total=amount
        )
        assert post_event(web, event).json()["outcome"] == "amount_mismatch_needs_refund"
    assert order_by_token(database, token).status == "awaiting_payment"
    assert len(payments_needing_refund_of(database)) == 2


def payments_needing_refund_of(database) -> list:
    with database.unit_of_work() as uow:
        return payments_needing_refund(uow.session)


def _post_signed(web: TestClient, body: str) -> httpx.Response:
    """A body exactly as given, signed with our webhook secret (as Stripe would sign it)."""
    import stripe

    header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)
    return web.post(
        "/webhooks/stripe",
        content=body.encode(),
        headers={"Stripe-Signature": header, "content-type": "application/json"},
    )


@pytest.mark.parametrize(
    "body",
    [
        '[{"id": "evt_list", "type": "checkout.session.completed"}]',
        '"evt_string"',
        '{"id": "evt_deep", "type": "x", "data": ' + "[" * 100_000 + "]" * 100_000 + "}",
    ],
    ids=["list", "string", "deep-nesting"],
)
def test_a_signed_body_that_is_no_event_object_gets_400(database, carts, web, body):
    response = _post_signed(web, body)
    assert response.status_code == 400 and "unreadable event" in response.json()["error"]
    assert events(database) == []
    assert order_by_token(database, carts["ann"][0]).status == "awaiting_payment"


def test_signed_events_of_the_wrong_shape_are_kept_as_malformed_and_change_nothing(
    database, carts, web, stripe_api
):
    """Each answered 200 "ignored_malformed" (Stripe would retry anything else for days),
    stored by id with why when the id can be stored, and no cart is paid."""
    token, session_id = carts["ann"]

    def completed(event_id: str, **changes: Any) -> dict[str, Any]:
        event = stripe_api.event("checkout.session.completed", session_id, event_id=event_id)
        for path, value in changes.items():
            *parents, leaf = path.split("__")
            target = event
            for key in parents:
                target = target[key]
            target[leaf] = value
        return event

    shapes = {
        "evt_obj_str": completed("evt_obj_str", data__object="cs_not_an_object"),
        "evt_meta_str": completed("evt_meta_str", data__object__metadata="order_id=1"),
        "evt_created": completed("evt_created", created=10**20),
        "evt_ref_nul": completed("evt_ref_nul", data__object__id="cs_\x00"),
        "evt_type_nul": completed("evt_type_nul", type="checkout.session.completed\x00"),
        "long id": completed("evt_" + "x" * 300),
        "NUL id": completed("evt_\x00nul"),
    }
    for name, event in shapes.items():
        response = post_event(web, event)
        assert response.status_code == 200, name
        assert response.json()["outcome"] == "ignored_malformed", name
    stored = dict(events(database))
    assert set(stored) == {k for k in shapes if k.startswith("evt_")}
    assert stored["evt_meta_str"] == ("ignored_malformed: 'data.object.metadata' is not an object")
    assert all(outcome.startswith("ignored_malformed: ") for outcome in stored.values())
    assert order_by_token(database, token).status == "awaiting_payment"
    # The same malformed event again is a duplicate, as any other.
    assert post_event(web, shapes["evt_created"]).json()["outcome"] == "duplicate"
