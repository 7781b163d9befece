"""First paid, first served: a viewer whose item went to a faster payer sees "sold out,
nothing was charged" instead of a Pay button, and can join the waitlist."""

from __future__ import annotations

from sqlalchemy import select

from commerce.models import WaitlistEntry
from tests.fakes.buyer import BUYER_FORM
from tests.integration.test_checkout_local import (
    Clock,
    claim_for,
    make_settings,
    order_by_token,
)
from vitrine.web import create_app


def test_the_slower_payer_is_told_before_paying_and_can_wait(database, live) -> None:
    from fastapi.testclient import TestClient

    clock = Clock()
    web = TestClient(create_app(make_settings(), database, clock=clock))
    ann = claim_for(database, live, "ann", "COLLIER-ISA", clock.now, quantity=2, hold_seconds=None)
    bob = claim_for(database, live, "bob", "COLLIER-ISA", clock.now, quantity=2, hold_seconds=None)
    assert ann and bob
    paid = web.post(f"/checkout/{bob}/pay", data=BUYER_FORM, follow_redirects=False)
    assert paid.status_code == 303  # bob pays first: sold
    page = web.get(f"/checkout/{ann}")
    assert page.status_code == 409 and "rien n'a été débité" in page.text
    assert "Payer (test)" not in page.text and f"/checkout/{ann}/waitlist" in page.text
    joined = web.post(f"/checkout/{ann}/waitlist")
    assert joined.status_code == 200 and "Collier Isa : n°1" in joined.text
    assert order_by_token(database, ann).status == "cancelled"
    with database.unit_of_work() as uow:
        waiting = uow.session.scalars(select(WaitlistEntry)).all()
        assert [(w.quantity, w.status) for w in waiting] == [(2, "waiting")]
