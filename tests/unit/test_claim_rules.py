"""The claim and waitlist rules on the in-memory ports: every outcome of a claim, and the
order in which freed units reach waiting viewers (milliseconds, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commerce.catalog_formats.loader import load_catalog_file
from commerce.claims import claim
from commerce.holds import CommercePolicy
from commerce.intent import ClaimedItem
from commerce.outcomes import (
    DuplicateClaim,
    LimitReached,
    OptionNeeded,
    OptionUnavailable,
    Reserved,
    UnknownProduct,
    Waitlisted,
)
from commerce.ports import SessionHold
from commerce.waitlist import promote_waitlist
from tests.fakes.ports import FakeCommerce

CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog-bijoux.json"
T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
POLICY = CommercePolicy(hold_seconds=900, max_units_per_product=3, duplicate_window_s=30)
TIMED, FIRST_PAID = 1, 2


@pytest.fixture
def shop() -> FakeCommerce:
    fake = FakeCommerce.of(load_catalog_file(CATALOG))
    fake.sessions.holds = {TIMED: SessionHold(900), FIRST_PAID: SessionHold(None)}
    return fake


def variant_id(shop: FakeCommerce, sku: str) -> int:
    return next(v.id for p in shop.products.by_sku.values() for v in p.variants if v.sku == sku)


def buy(shop, viewer, sku, qty=1, at=0.0, policy=POLICY, session=TIMED, **options):
    return claim(
        shop,
        session_id=session,
        viewer_id=viewer,
        item=ClaimedItem(sku, qty, options),
        comment_id=None,
        now=T0 + timedelta(seconds=at),
        policy=policy,
    )


def test_a_claim_holds_units_in_the_viewers_cart_until_the_hold_ends(shop) -> None:
    outcome = buy(shop, 1, "SERUM-ECLAT", 2, size="50ml")
    assert isinstance(outcome, Reserved)
    assert outcome.item.label() == "Sérum Éclat (50ml) x2"
    assert outcome.expires_at == T0 + timedelta(seconds=900)
    assert outcome.cart is not None and outcome.cart.total_minor == 2 * 2450
    assert shop.stock.available(variant_id(shop, "ECLAT-50")) == 3
    assert shop.carts.reservations == [(outcome.order_id, variant_id(shop, "ECLAT-50"), 2)]


def test_first_paid_holds_nothing_but_still_needs_a_free_unit(shop) -> None:
    policy = CommercePolicy(hold_seconds=None)
    outcome = buy(shop, 1, "COLLIER-ISA", 2, policy=policy)
    assert isinstance(outcome, Reserved) and outcome.expires_at is None
    assert shop.stock.available(variant_id(shop, "ISA")) == 2  # nothing held
    assert shop.carts.reservations == []
    assert isinstance(buy(shop, 2, "COLLIER-ISA", 3, policy=policy), Waitlisted)


def test_the_same_claim_twice_in_the_window_is_one_claim(shop) -> None:
    assert isinstance(buy(shop, 1, "COLLIER-ISA"), Reserved)
    assert isinstance(buy(shop, 1, "COLLIER-ISA", at=10), DuplicateClaim)
    assert isinstance(buy(shop, 1, "COLLIER-ISA", at=31), Reserved)  # asked again later


def test_a_viewer_may_hold_no_more_than_the_limit(shop) -> None:
    assert isinstance(buy(shop, 1, "SERUM-ECLAT", 2, size="30ml"), Reserved)
    refused = buy(shop, 1, "SERUM-ECLAT", 2, at=1, size="50ml")
    assert refused == LimitReached(1, "SERUM-ECLAT", "Sérum Éclat", 3)
    assert isinstance(buy(shop, 2, "SERUM-ECLAT", 4, size="30ml"), LimitReached)


def test_sold_out_puts_viewers_on_the_waitlist_in_order_once(shop) -> None:
    assert isinstance(buy(shop, 1, "COLLIER-ISA", 2), Reserved)
    second, third = buy(shop, 2, "COLLIER-ISA", at=1), buy(shop, 3, "COLLIER-ISA", at=2)
    assert isinstance(second, Waitlisted) and second.position == 1
    assert isinstance(third, Waitlisted) and third.position == 2
    assert isinstance(buy(shop, 2, "COLLIER-ISA", at=40), DuplicateClaim)


def test_a_missing_option_is_asked_with_the_values_in_stock(shop) -> None:
    asked = buy(shop, 1, "BAGUE-ORA", color="doré")  # 54 doré is sold out
    assert isinstance(asked, OptionNeeded)
    assert (asked.option, asked.values_in_stock) == ("size", ("50", "52"))


def test_an_option_that_does_not_exist_lists_what_does(shop) -> None:
    outcome = buy(shop, 1, "BAGUE-ORA", size="56", color="doré")
    assert isinstance(outcome, OptionUnavailable)
    assert outcome.wanted == (("color", "doré"), ("size", "56"))
    assert "54/doré" not in outcome.values_in_stock and "50/doré" in outcome.values_in_stock


def test_an_unknown_product_is_said_so(shop) -> None:
    assert buy(shop, 1, "NOPE") == UnknownProduct(1, "NOPE")


def test_freed_units_go_first_come_first_served_without_queue_jumping(shop) -> None:
    isa = variant_id(shop, "ISA")
    assert isinstance(buy(shop, 1, "COLLIER-ISA", 2), Reserved)
    buy(shop, 2, "COLLIER-ISA", 2, at=1)  # waits for two
    buy(shop, 3, "COLLIER-ISA", 1, at=2)  # waits for one
    shop.stock.release(isa, 1)
    assert promote_waitlist(shop, isa, T0 + timedelta(minutes=1), POLICY) == []
    shop.stock.release(isa, 1)
    promoted = promote_waitlist(shop, isa, T0 + timedelta(minutes=2), POLICY)
    assert [(p.viewer_id, p.item.quantity) for p in promoted] == [(2, 2)]
    assert promoted[0].expires_at == T0 + timedelta(minutes=2, seconds=900)
    assert [e.viewer_id for e in shop.waitlist.queue(isa)] == [3]
    assert shop.stock.available(isa) == 0


def test_a_first_paid_session_is_offered_no_more_units_than_are_free(shop) -> None:
    isa = variant_id(shop, "ISA")
    shop.stock.stock[isa] = 0
    for viewer in (1, 2, 3):
        assert isinstance(buy(shop, viewer, "COLLIER-ISA", session=FIRST_PAID), Waitlisted)
    shop.stock.stock[isa] = 2
    promoted = promote_waitlist(shop, isa, T0, POLICY)
    assert [p.viewer_id for p in promoted] == [1, 2]
    assert all(p.expires_at is None for p in promoted)
    assert shop.stock.available(isa) == 2  # offered, not held


def test_claims_restart_the_hold_but_never_past_the_cap_from_the_first(shop) -> None:
    """Claiming (and cancelling) something cheap every 13 minutes cannot keep a scarce
    unit held: the cart's hold stops 30 minutes after its first claim."""
    policy = CommercePolicy(hold_seconds=900, max_units_per_product=5, max_hold_seconds=1800)
    first = buy(shop, 1, "COLLIER-ISA", policy=policy)
    assert isinstance(first, Reserved) and first.expires_at == T0 + timedelta(minutes=15)
    later = buy(shop, 1, "SERUM-ECLAT", at=13 * 60, policy=policy, size="30ml")
    assert isinstance(later, Reserved) and later.expires_at == T0 + timedelta(minutes=28)
    last = buy(shop, 1, "SERUM-ECLAT", at=26 * 60, policy=policy, size="50ml")
    assert isinstance(last, Reserved) and last.expires_at == T0 + timedelta(minutes=30)
