"""Carts on real databases: the claim path's plain statements and ORM code that shares its
transaction see each other's changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commerce.carts import CommercePolicy, cancel, claim, open_cart
from commerce.intent import ClaimedItem
from commerce.models import LineStatus
from commerce.outcomes import Reserved
from vitrine.models import Viewer

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
POLICY = CommercePolicy(hold_seconds=900, max_units_per_product=3)


def _viewer(session, name: str) -> int:
    viewer = Viewer(platform="test", platform_user_id=name, display_name=name)
    session.add(viewer)
    session.flush()
    return viewer.id


def test_a_cart_loaded_through_the_orm_sees_a_line_added_by_a_claim(database, live) -> None:
    with database.unit_of_work() as uow:
        session = uow.session
        viewer = _viewer(session, "kim")
        first = claim(
            session,
            session_id=live,
            viewer_id=viewer,
            item=ClaimedItem("COLLIER-ISA", 1, {}),
            comment_id=None,
            now=T0,
            policy=POLICY,
        )
        assert isinstance(first, Reserved)
        loaded = open_cart(session, live, viewer)
        assert loaded is not None and len(loaded.lines) == 1  # held by this test
        second = claim(
            session,
            session_id=live,
            viewer_id=viewer,
            item=ClaimedItem("SERUM-ECLAT", 2, {"size": "30ml"}),
            comment_id=None,
            now=T0 + timedelta(seconds=1),
            policy=POLICY,
        )
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
            policy=POLICY,
        )
        active = [line for line in loaded.lines if line.status == LineStatus.ACTIVE]
        assert [line.quantity for line in active] == [2]
        assert loaded.total_minor == 2 * 2450
        uow.commit()
