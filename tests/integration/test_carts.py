"""Carts on real databases: the claim path's plain statements and ORM code that shares its
transaction see each other's changes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from commerce.cart_view import CartView
from commerce.carts import add_line, cancel, close_cart, open_cart, read_open_cart
from commerce.catalog_formats.loader import load_catalog_file
from commerce.catalog_store import import_catalog
from commerce.claims import claim
from commerce.holds import CommercePolicy, hold_until
from commerce.intent import ClaimedItem
from commerce.models import LineStatus, Order, OrderStatus, Variant
from commerce.outcomes import Reserved, Waitlisted, WaitlistPromoted
from commerce.ports import NewLine
from commerce.product_facts import ProductFacts
from commerce.sql_ports import SqlCommerce, session_policy
from commerce.stock import reserve_units
from commerce.waitlist import promote_waitlist
from kernel.models import Viewer
from live.bus import publish
from live.events import Cause
from live.sessions import open_session
from vitrine.bootstrap import Database, build_pipeline, new_session_hold, open_database
from vitrine.settings import Settings

CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog-bijoux.json"
T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
POLICY = CommercePolicy(hold_seconds=900, max_units_per_product=3)


def _viewer(session, name: str) -> int:
    viewer = Viewer(platform="test", platform_user_id=name, display_name=name)
    session.add(viewer)
    session.flush()
    return viewer.id


def _claim(
    session,
    live_id: int,
    viewer: int,
    sku: str,
    quantity: int = 1,
    at: float = 0.0,
    policy: CommercePolicy = POLICY,
    **options: str,
):
    """A claim as the pipeline makes it, `at` seconds into the live."""
    return claim(
        SqlCommerce(session),
        session_id=live_id,
        viewer_id=viewer,
        item=ClaimedItem(sku, quantity, options),
        comment_id=None,
        now=T0 + timedelta(seconds=at),
        policy=policy,
    )


def test_a_cart_loaded_through_the_orm_sees_a_line_added_by_a_claim(database, live) -> None:
    with database.unit_of_work() as uow:
        session = uow.session
        viewer = _viewer(session, "kim")
        first = _claim(session, live, viewer, "COLLIER-ISA")
        assert isinstance(first, Reserved)
        loaded = open_cart(session, live, viewer)
        assert loaded is not None and len(loaded.lines) == 1  # held by this test
        second = _claim(session, live, viewer, "SERUM-ECLAT", 2, at=1, size="30ml")
        assert isinstance(second, Reserved) and second.order_id == loaded.id
        assert [line.variant_id for line in loaded.lines] == [
            line.variant_id for line in second.cart.lines
        ]
        assert loaded.total_minor == second.cart.total_minor == 4990 + 2 * 2450
        assert loaded.expires_at == T0 + timedelta(seconds=901)
        # A cancel through the ORM right after sees both lines.
        cancel(
            session,
            session_id=live,
            viewer_id=viewer,
            skus=["COLLIER-ISA"],
            now=T0 + timedelta(seconds=2),
        )
        active = [line for line in loaded.lines if line.status == LineStatus.ACTIVE]
        assert [line.quantity for line in active] == [2]
        assert loaded.total_minor == 2 * 2450
        uow.commit()


def _waitlisted_behind_one_holder(session, live_id: int, policy: CommercePolicy) -> list[int]:
    """ann and bob hold the two necklaces; cid then dan wait; returns their viewer ids."""
    viewers = [_viewer(session, name) for name in ("ann", "bob", "cid", "dan")]
    for n, viewer in enumerate(viewers):
        _claim(session, live_id, viewer, "COLLIER-ISA", at=n, policy=policy)
    return viewers


def test_a_promotion_holds_for_the_time_of_the_waiting_viewers_own_session(database, live):
    with database.unit_of_work() as uow:
        session = uow.session
        short = open_session(
            session, key="short-holds", platform="test", chat_id="c2", now=T0, hold_seconds=120
        )
        own = session_policy(session, POLICY, short.id)
        assert own.hold_seconds == 120
        ann, _, cid, _ = _waitlisted_behind_one_holder(session, short.id, own)
        # A job serving every session knows only the shop-wide hold (900 s).
        later = T0 + timedelta(seconds=30)
        cause = Cause(key="test", now=later)
        publish(uow, cancel(session, session_id=short.id, viewer_id=ann, skus=[], now=later), cause)
        uow.dispatch()
        promoted = cause.events[-1]
        assert isinstance(promoted, WaitlistPromoted) and promoted.viewer_id == cid
        assert promoted.expires_at == later + timedelta(seconds=120)
        assert session.get(Order, promoted.order_id).expires_at == later + timedelta(seconds=120)


def test_a_first_paid_session_promotes_without_holding_and_no_more_than_is_free(
    database, live
) -> None:
    with database.unit_of_work() as uow:
        session = uow.session
        first_paid = open_session(
            session, key="first-paid", platform="test", chat_id="c3", now=T0, hold_seconds=None
        )
        own = session_policy(session, POLICY, first_paid.id)
        assert not own.holds_stock
        isa = session.scalars(select(Variant).where(Variant.sku == "ISA")).one()
        isa.stock = 0  # sold out before anyone claims: everyone waits
        session.flush()
        waiting = [_viewer(session, name) for name in ("eve", "fay", "gus")]
        for n, viewer in enumerate(waiting):
            outcome = _claim(session, first_paid.id, viewer, "COLLIER-ISA", at=n, policy=own)
            assert isinstance(outcome, Waitlisted)
        isa.stock = 2  # a restock: two units for three waiting viewers
        session.flush()
        promoted = promote_waitlist(SqlCommerce(session), isa.id, T0 + timedelta(minutes=1), POLICY)
        assert [p.viewer_id for p in promoted] == waiting[:2]
        assert all(p.expires_at is None for p in promoted)
        session.refresh(isa)
        assert (isa.stock, isa.reserved) == (2, 0)  # nothing held: the first to pay gets it


@pytest.mark.parametrize(("hold_seconds", "expected"), [(None, None), (300, 300)])
def test_the_live_pipeline_keeps_the_hold_its_session_was_opened_with(
    database, live, hold_seconds, expected
) -> None:
    with database.unit_of_work() as uow:
        opened = open_session(
            uow.session,
            key=f"hold-{hold_seconds}",
            platform="test",
            chat_id="c4",
            now=T0,
            hold_seconds=hold_seconds,
        )
        uow.commit()
    settings = Settings(hold_mode="timed", hold_seconds=900)  # the shop-wide default differs
    assert build_pipeline(settings, database, opened.id).policy.hold_seconds == expected


def test_units_offered_to_a_first_paid_viewer_are_not_also_held_for_the_next_in_line(
    database, live
) -> None:
    """One variant waited for from two sessions: a first-paid one, then a holding one."""
    with database.unit_of_work() as uow:
        session = uow.session
        first_paid = open_session(
            session, key="fp-mixed", platform="test", chat_id="c5", now=T0, hold_seconds=None
        )
        isa = session.scalars(select(Variant).where(Variant.sku == "ISA")).one()
        isa.stock = 0
        session.flush()
        eve, bob = _viewer(session, "eve"), _viewer(session, "bob")
        for n, (where, viewer, quantity) in enumerate([(first_paid.id, eve, 2), (live, bob, 1)]):
            outcome = _claim(
                session,
                where,
                viewer,
                "COLLIER-ISA",
                quantity,
                at=n,
                policy=session_policy(session, POLICY, where),
            )
            assert isinstance(outcome, Waitlisted)
        isa.stock = 2
        session.flush()
        promoted = promote_waitlist(SqlCommerce(session), isa.id, T0 + timedelta(minutes=1), POLICY)
        assert [(p.viewer_id, p.item.quantity) for p in promoted] == [(eve, 2)]
        session.refresh(isa)
        assert isa.reserved == 0


@pytest.mark.parametrize("hold_mode", ["first_paid", "timed"])
def test_a_session_opened_under_the_shop_settings_keeps_their_hold(
    database, live, hold_mode
) -> None:
    settings = Settings(hold_mode=hold_mode, hold_seconds=600)
    with database.unit_of_work() as uow:
        opened = open_session(
            uow.session,
            key=f"opened-{hold_mode}",
            platform="console",
            chat_id="c6",
            now=T0,
            hold_seconds=new_session_hold(settings),
        )
        uow.commit()
    expected = None if hold_mode == "first_paid" else 600
    assert build_pipeline(settings, database, opened.id).policy.hold_seconds == expected


@dataclass
class HeldNecklace:
    """A PostgreSQL database where one viewer's open cart holds the necklace."""

    database: Database
    live_id: int
    viewer: int
    order_id: int

    def add(self, session, sku: str, seen: CartView | None, at: float = 1.0) -> CartView:
        """What a claim does once it has read the cart (`seen`): hold a unit, add the line."""
        variant = session.scalars(select(Variant).where(Variant.sku == sku)).one()
        assert reserve_units(session, variant.id, 1)
        now = T0 + timedelta(seconds=at)
        line = NewLine(
            self.live_id,
            self.viewer,
            ProductFacts.of(variant.product),
            variant.id,
            1,
            None,
            now,
            hold_until(now, POLICY),
            True,
        )
        return add_line(session, line, seen)


@pytest.fixture
def held_necklace(postgres_url: str) -> Iterator[HeldNecklace]:
    """PostgreSQL only: SQLite takes its write lock when a transaction begins, so two
    transactions never interleave there."""
    database = open_database(postgres_url)
    try:
        with database.unit_of_work() as uow:
            import_catalog(uow.session, load_catalog_file(CATALOG))
            live = open_session(uow.session, key="race", platform="test", chat_id="c", now=T0)
            viewer = _viewer(uow.session, "lea")
            first = _claim(uow.session, live.id, viewer, "COLLIER-ISA")
            assert isinstance(first, Reserved)
            uow.commit()
        yield HeldNecklace(database, live.id, viewer, first.order_id)
    finally:
        database.engine.dispose()


@pytest.mark.postgres
def test_a_line_never_lands_in_a_cart_closed_since_it_was_read(held_necklace) -> None:
    held = held_necklace
    with held.database.unit_of_work() as claiming:
        seen = read_open_cart(claiming.session, held.live_id, held.viewer)
        assert seen is not None and seen.id == held.order_id
        with held.database.unit_of_work() as paying:  # paid (or expired) by another process
            order = open_cart(paying.session, held.live_id, held.viewer)
            assert order is not None
            close_cart(order, OrderStatus.PAID, T0 + timedelta(seconds=1))
            paying.commit()
        cart = held.add(claiming.session, "ECLAT-30", seen, at=2)
        claiming.commit()
    assert cart.id != held.order_id and cart.total_minor == 2450
    with held.database.unit_of_work() as uow:
        paid = uow.session.get(Order, held.order_id)
        assert [line.variant.sku for line in paid.lines] == ["ISA"]
        assert paid.total_minor == 4990
        fresh = open_cart(uow.session, held.live_id, held.viewer)
        assert fresh is not None and fresh.id == cart.id
        assert [line.variant.sku for line in fresh.lines] == ["ECLAT-30"]


@pytest.mark.postgres
def test_lines_added_to_one_cart_by_two_workers_at_once_both_count_in_its_total(
    held_necklace,
) -> None:
    held = held_necklace
    with held.database.unit_of_work() as slow:
        seen = read_open_cart(slow.session, held.live_id, held.viewer)  # 49.90 so far
        with held.database.unit_of_work() as fast:  # e.g. a waitlist promotion elsewhere
            now_seen = read_open_cart(fast.session, held.live_id, held.viewer)
            held.add(fast.session, "ECLAT-30", now_seen)
            fast.commit()
        shown = held.add(slow.session, "ORA-50-ARGENT", seen)
        slow.commit()
    # What the slow worker's reply shows adds up: every line, and their total.
    assert len(shown.lines) == 3
    assert shown.total_minor == sum(x.quantity * x.unit_price_minor for x in shown.lines)
    with held.database.unit_of_work() as uow:
        cart = open_cart(uow.session, held.live_id, held.viewer)
        assert cart is not None and len(cart.lines) == 3
        assert cart.total_minor == 4990 + 2450 + 3500


def test_each_variant_is_sold_at_its_own_price_from_a_shopify_csv(database, live, tmp_path):
    """A 50 ml dearer than its 30 ml keeps its own price from import to cart; a variant
    without one is sold at its product's."""
    from commerce.product_facts import read_product_facts

    csv_file = tmp_path / "products.csv"
    csv_file.write_text(
        "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,"
        "Variant Inventory Qty,Tags\n"
        "huile-nuit,Huile de nuit,Size,30 ml,NUIT-30,24.50,5,code:N1\n"
        "huile-nuit,,,50 ml,NUIT-50,34.50,5,\n",
        encoding="utf-8",
    )
    catalog = load_catalog_file(csv_file, currency="EUR")
    assert [v.price_minor for v in catalog.products[0].variants] == [2450, 3450]
    with database.unit_of_work() as uow:
        import_catalog(uow.session, catalog)
        uow.commit()
    with database.unit_of_work() as uow:
        session = uow.session
        viewer = _viewer(session, "noa")
        big = _claim(session, live, viewer, "huile-nuit", 2, size="50 ml")
        small = _claim(session, live, viewer, "huile-nuit", 1, at=1, size="30 ml")
        assert isinstance(big, Reserved) and isinstance(small, Reserved)
        assert small.cart.total_minor == 2 * 3450 + 2450
        cart = open_cart(session, live, viewer)
        assert sorted(line.unit_price_minor for line in cart.lines) == [2450, 3450]
        facts = read_product_facts(session, "COLLIER-ISA")  # no variant price: the product's
        assert facts is not None and {v.price_minor for v in facts.variants} == {4990}
        uow.commit()
