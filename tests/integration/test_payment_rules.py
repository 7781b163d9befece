"""The provider-neutral payment rules, fed a `ProviderPayment` as any provider's module would:
the right amount pays the cart; money that does not fit it is flagged for a refund."""

from __future__ import annotations

from datetime import timedelta

from commerce.models import Order
from commerce.payment_rules import ProviderPayment, record_payment
from tests.integration.test_checkout_local import Clock, claim_for, order_by_token, outbox


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
