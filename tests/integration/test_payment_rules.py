"""The provider-neutral payment rules, fed a `ProviderPayment` as any provider's module would:
the right amount pays the cart; money that does not fit it, or comes too late for units now
gone, is flagged for a refund; a provider's session that ends releases or keeps the hold."""

from __future__ import annotations

from datetime import timedelta

from commerce.models import Order
from commerce.payment_rules import ProviderPayment, record_payment, release_or_reset
from live.jobs import expire_holds_and_notify
from tests.integration.test_checkout_local import (
    Clock,
    claim_for,
    order_by_token,
    outbox,
    units,
)


def _pay(database, token: str, paid: ProviderPayment, now) -> str:
    with database.unit_of_work() as uow:
        order = uow.session.get(Order, order_by_token(database, token).id)
        outcome = record_payment(uow.session, order, paid, now, [])
        uow.commit()
    return outcome


def _payment(reference: str, amount: int | None, event: str) -> ProviderPayment:
    return ProviderPayment("acme", reference, amount, "eur", None, event)


def test_a_payment_of_the_carts_amount_pays_it_once_and_another_is_refunded(database, live):
    now = Clock().now
    token = claim_for(database, live, "ann", "COLLIER-ISA", now)
    assert token is not None
    assert _pay(database, token, _payment("", 4990, "e1"), now) == "paid"
    later = now + timedelta(minutes=1)
    with database.unit_of_work() as uow:  # the cart's session, as the checkout records it
        uow.session.get(Order, order_by_token(database, token).id).checkout_ref = "s1"
        uow.commit()
    assert _pay(database, token, _payment("s1", 4990, "e2"), later) == "already_paid"
    assert _pay(database, token, _payment("s2", 4990, "e3"), later) == "paid_twice_needs_refund"
    [flag] = outbox(database, kind="payment_needs_refund")
    assert flag.payload["provider"] == "acme" and flag.payload["checkout_ref"] == "s2"


def test_money_that_does_not_fit_the_cart_is_not_taken_as_its_payment(database, live):
    now = Clock().now
    token = claim_for(database, live, "ann", "COLLIER-ISA", now)
    assert token is not None
    outcome = _pay(database, token, _payment("s1", 100, "e1"), now)
    assert outcome == "amount_mismatch_needs_refund"
    assert order_by_token(database, token).status == "reserved"


def test_a_payment_after_the_hold_ended_takes_free_units_or_is_refunded(database, live):
    now = Clock().now
    ann, bob = (claim_for(database, live, who, "COLLIER-ISA", now) for who in ("ann", "bob"))
    assert ann is not None and bob is not None
    later = now + timedelta(minutes=16)
    expire_holds_and_notify(database, now=later)
    assert claim_for(database, live, "cid", "COLLIER-ISA", later) is not None  # one unit left

    assert _pay(database, ann, _payment("s-ann", 4990, "e1"), later) == "paid_after_expiry"
    refused = _pay(database, bob, _payment("s-bob", 4990, "e2"), later)

    assert refused == "paid_after_expiry_needs_refund"
    assert (order_by_token(database, ann).status, order_by_token(database, bob).status) == (
        "paid",
        "expired",
    )
    assert units(database, "ISA") == (1, 1)  # never oversold: cid keeps the unit
    [flag] = outbox(database, kind="payment_needs_refund")
    assert flag.dedupe_key == "payment_needs_refund:acme:s-bob"


def test_the_last_unit_goes_to_whoever_pays_first(database, live):
    now = Clock().now
    tokens = [
        claim_for(database, live, who, "COLLIER-ISA", now, hold_seconds=None)
        for who in ("ann", "bob", "cid")
    ]
    outcomes = [
        _pay(database, token, _payment(f"s{i}", 4990, f"e{i}"), now)
        for i, token in enumerate(tokens)
        if token is not None
    ]
    assert outcomes == ["paid", "paid", "paid_but_sold_out_needs_refund"]
    assert order_by_token(database, tokens[2] or "").status == "reserved"


def _end_session(database, token: str, reference: str | None, *, expired: bool, now) -> str:
    with database.unit_of_work() as uow:
        order = uow.session.get(Order, order_by_token(database, token).id)
        outcome = release_or_reset(
            uow.session, order, reference, expired=expired, now=now, outcomes=[]
        )
        uow.commit()
    return outcome


def _set_session(database, token: str, reference: str) -> None:
    with database.unit_of_work() as uow:
        uow.session.get(Order, order_by_token(database, token).id).checkout_ref = reference
        uow.commit()


def test_a_session_ended_early_keeps_the_hold_and_a_failed_payment_releases_it(database, live):
    now = Clock().now
    token = claim_for(database, live, "ann", "COLLIER-ISA", now, hold_seconds=25 * 3600)
    assert token is not None
    _set_session(database, token, "s1")

    assert _end_session(database, token, "s0", expired=True, now=now) == "nothing_to_release"
    assert _end_session(database, token, "s1", expired=True, now=now) == "checkout_reset"
    order = order_by_token(database, token)
    assert (order.status, order.checkout_ref) == ("reserved", None)
    assert units(database, "ISA") == (2, 1)

    _set_session(database, token, "s2")
    assert _end_session(database, token, "s2", expired=False, now=now) == "hold_released"
    assert order_by_token(database, token).status == "expired"
    assert units(database, "ISA") == (2, 0)
