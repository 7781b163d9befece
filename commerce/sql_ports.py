"""The commerce ports on a SQLAlchemy session: today's Core statements (stock moves, cart
reads and writes, product facts) and ORM rows where cancels and expiries share them (the
waitlist), all in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commerce import carts, pending, stock
from commerce.cart_view import CartView
from commerce.holds import CommercePolicy
from commerce.intent import ClaimedItem
from commerce.models import Product, Variant, WaitlistEntry, WaitlistStatus
from commerce.pending import OpenQuestion
from commerce.ports import NewLine, SessionHold, WaitingEntry
from commerce.product_facts import (
    ProductFacts,
    ProductFactsCache,
    available_units_by_variant,
    read_product_facts,
)
from kernel.models import LiveSession


class SqlStock:
    def __init__(self, session: Session) -> None:
        self._session = session

    def reserve(self, variant_id: int, quantity: int) -> bool:
        return stock.reserve_units(self._session, variant_id, quantity)

    def release(self, variant_id: int, quantity: int) -> None:
        stock.release_units(self._session, variant_id, quantity)

    def available(self, variant_id: int) -> int:
        return stock.available_units(self._session, variant_id)

    def free_by_variant(self, product_id: int) -> dict[int, int]:
        return available_units_by_variant(self._session, product_id)


class SqlProducts:
    """Product facts from `cache` when the caller keeps one across transactions."""

    def __init__(self, session: Session, cache: ProductFactsCache | None = None) -> None:
        self._session = session
        self._cache = cache

    def get(self, sku: str) -> ProductFacts | None:
        if self._cache is not None:
            return self._cache.get(self._session, sku)
        return read_product_facts(self._session, sku)

    def by_id(self, product_id: int) -> ProductFacts | None:
        if self._cache is not None:
            return self._cache.by_id(self._session, product_id)
        sku = self._session.scalar(select(Product.sku).where(Product.id == product_id))
        return None if sku is None else self.get(sku)

    def of_variant(self, variant_id: int) -> ProductFacts | None:
        sku = self._session.scalar(
            select(Product.sku)
            .join(Variant, Variant.product_id == Product.id)
            .where(Variant.id == variant_id)
        )
        return None if sku is None else self.get(sku)


class SqlCarts:
    def __init__(self, session: Session) -> None:
        self._session = session

    def read_open(self, session_id: int, viewer_id: int) -> CartView | None:
        return carts.read_open_cart(self._session, session_id, viewer_id)

    def add_line(self, line: NewLine, cart: CartView | None) -> CartView:
        return carts.add_line(self._session, line, cart)


class SqlWaitlist:
    """Waitlist entries through the ORM: a cancel in the same transaction reads them so."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def waiting(self, session_id: int, viewer_id: int, variant_id: int) -> int | None:
        return self._session.scalar(
            select(WaitlistEntry.id).where(
                WaitlistEntry.session_id == session_id,
                WaitlistEntry.viewer_id == viewer_id,
                WaitlistEntry.variant_id == variant_id,
                WaitlistEntry.status == WaitlistStatus.WAITING,
            )
        )

    def join(
        self,
        *,
        session_id: int,
        viewer_id: int,
        variant_id: int,
        quantity: int,
        comment_id: int | None,
        now: datetime,
    ) -> int:
        entry = WaitlistEntry(
            session_id=session_id,
            variant_id=variant_id,
            viewer_id=viewer_id,
            quantity=quantity,
            status=WaitlistStatus.WAITING,
            comment_id=comment_id,
            created_at=now,
        )
        self._session.add(entry)
        self._session.flush()
        return entry.id

    def position(self, entry_id: int) -> int:
        entry = self._session.get(WaitlistEntry, entry_id)
        assert entry is not None
        ahead = self._session.scalar(
            select(func.count())
            .select_from(WaitlistEntry)
            .where(
                WaitlistEntry.variant_id == entry.variant_id,
                WaitlistEntry.session_id == entry.session_id,
                WaitlistEntry.status == WaitlistStatus.WAITING,
                WaitlistEntry.id <= entry.id,
            )
        )
        return ahead or 1

    def queue(self, variant_id: int) -> list[WaitingEntry]:
        entries = self._session.scalars(
            select(WaitlistEntry)
            .where(
                WaitlistEntry.variant_id == variant_id,
                WaitlistEntry.status == WaitlistStatus.WAITING,
            )
            .order_by(WaitlistEntry.id)
        )
        return [
            WaitingEntry(e.id, e.session_id, e.viewer_id, e.variant_id, e.quantity, e.comment_id)
            for e in entries
        ]

    def promoted(self, entry_id: int, now: datetime) -> None:
        entry = self._session.get(WaitlistEntry, entry_id)
        assert entry is not None
        entry.status = WaitlistStatus.PROMOTED
        entry.closed_at = now


class SqlSessions:
    def __init__(self, session: Session) -> None:
        self._session = session

    def hold_of(self, session_id: int) -> SessionHold | None:
        row = self._session.execute(
            select(LiveSession.hold_mode, LiveSession.hold_seconds).where(
                LiveSession.id == session_id
            )
        ).one_or_none()
        if row is None:
            return None
        return SessionHold(row.hold_seconds if row.hold_mode == "timed" else None)


class SqlQuestions:
    """Open questions in the pending-claims table (written with the batch's others inside a
    `pending.written_later` block)."""

    port_name = "questions"  # what a fake unit of work hands out for this opener

    def __init__(self, session: Session) -> None:
        self._session = session

    def ask(
        self,
        *,
        session_id: int,
        viewer_id: int,
        item: ClaimedItem,
        option: str,
        product: ProductFacts,
        comment_id: int | None,
        now: datetime,
        replaces: OpenQuestion | None,
    ) -> OpenQuestion:
        return pending.ask(
            self._session,
            session_id=session_id,
            viewer_id=viewer_id,
            item=item,
            option=option,
            product=product,
            comment_id=comment_id,
            now=now,
            replaces=replaces,
        )

    def supersede(self, question: OpenQuestion) -> None:
        pending.supersede(self._session, question)

    def close(self, question: OpenQuestion, status: str) -> bool:
        return pending.close(self._session, question, status)

    def load_open(self, session_id: int) -> dict[int, OpenQuestion]:
        return pending.read_open_questions(self._session, session_id)


class SqlCommerce:
    """Every commerce port on one session (one transaction)."""

    port_name = "commerce"  # what a fake unit of work hands out for this opener

    def __init__(self, session: Session, products: ProductFactsCache | None = None) -> None:
        self.stock = SqlStock(session)
        self.products = SqlProducts(session, products)
        self.carts = SqlCarts(session)
        self.waitlist = SqlWaitlist(session)
        self.sessions = SqlSessions(session)


def session_policy(session: Session, policy: CommercePolicy, session_id: int) -> CommercePolicy:
    """`policy` with the hold the live session was opened with."""
    return policy.with_hold(SqlSessions(session).hold_of(session_id))
