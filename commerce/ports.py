"""The ports the claim rules work through: stock, products, carts, the waitlist and the
live sessions' holds. `commerce.sql_ports` implements them with Core statements on the
caller's transaction; the tests' in-memory fakes implement them too, so the rules run in
milliseconds without a database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from commerce.cart_view import CartView
from commerce.intent import ClaimedItem
from commerce.pending import OpenQuestion
from commerce.product_facts import ProductFacts


class StockPort(Protocol):
    """Units of a variant: each move is one conditional step, never oversold."""

    def reserve(self, variant_id: int, quantity: int) -> bool: ...
    def release(self, variant_id: int, quantity: int) -> None: ...
    def available(self, variant_id: int) -> int: ...
    def free_by_variant(self, product_id: int) -> dict[int, int]: ...


class ProductsPort(Protocol):
    """What a claim needs to know of a product, by SKU or id."""

    def get(self, sku: str) -> ProductFacts | None: ...
    def by_id(self, product_id: int) -> ProductFacts | None: ...
    def of_variant(self, variant_id: int) -> ProductFacts | None: ...


@dataclass(frozen=True, slots=True)
class NewLine:
    """A line to add to a viewer's cart (its units already held when `holds_units`)."""

    session_id: int
    viewer_id: int
    product: ProductFacts
    variant_id: int
    quantity: int
    comment_id: int | None
    now: datetime
    expires_at: datetime | None
    holds_units: bool


class CartsPort(Protocol):
    """Open carts, one per viewer and live session."""

    def read_open(self, session_id: int, viewer_id: int) -> CartView | None: ...

    def add_line(self, line: NewLine, cart: CartView | None) -> CartView:
        """Add the line to the open cart (`cart` as just read; None: open one) and give the
        cart the line's hold; returns the cart as it now is."""
        ...


@dataclass(frozen=True, slots=True)
class WaitingEntry:
    id: int
    session_id: int
    viewer_id: int
    variant_id: int
    quantity: int
    comment_id: int | None


class WaitlistPort(Protocol):
    """Viewers waiting for a sold-out variant, first come, first served."""

    def waiting(self, session_id: int, viewer_id: int, variant_id: int) -> int | None: ...
    def join(
        self,
        *,
        session_id: int,
        viewer_id: int,
        variant_id: int,
        quantity: int,
        comment_id: int | None,
        now: datetime,
    ) -> int: ...
    def position(self, entry_id: int) -> int: ...
    def queue(self, variant_id: int) -> list[WaitingEntry]: ...
    def promoted(self, entry_id: int, now: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class SessionHold:
    """How a live session holds claims: `seconds`, or None for "first paid, first served"."""

    seconds: int | None


class SessionsPort(Protocol):
    def hold_of(self, session_id: int) -> SessionHold | None: ...


class CommerceUnit(Protocol):
    """Every port the claim rules use, on one transaction."""

    @property
    def stock(self) -> StockPort: ...
    @property
    def products(self) -> ProductsPort: ...
    @property
    def carts(self) -> CartsPort: ...
    @property
    def waitlist(self) -> WaitlistPort: ...
    @property
    def sessions(self) -> SessionsPort: ...


class QuestionsPort(Protocol):
    """Claims waiting for an option ("which size?"), one open question per viewer."""

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
    ) -> OpenQuestion: ...

    def supersede(self, question: OpenQuestion) -> None: ...

    def close(self, question: OpenQuestion, status: str) -> bool:
        """False when the question was no longer open (another process got there first)."""
        ...

    def load_open(self, session_id: int) -> dict[int, OpenQuestion]:
        """The session's open questions by viewer id."""
        ...
