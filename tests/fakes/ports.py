"""In-memory fakes of the ports: the commerce ports, the open questions, the outbox and a
unit of work that hands them out. They follow the same contracts as the SQL ports
(tests/integration/test_port_contracts.py runs one suite on both), so the rules and use
cases can be tested in milliseconds."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from commerce.cart_view import CartView, HeldLine
from commerce.catalog import Catalog
from commerce.intent import ClaimedItem
from commerce.pending import OpenQuestion
from commerce.ports import NewLine, SessionHold, WaitingEntry
from commerce.product_facts import ProductFacts, VariantFacts


class FakeStock:
    def __init__(self) -> None:
        self.stock: dict[int, int] = {}
        self.reserved: dict[int, int] = {}

    def reserve(self, variant_id: int, quantity: int) -> bool:
        if self.available(variant_id) < quantity:
            return False
        self.reserved[variant_id] = self.reserved.get(variant_id, 0) + quantity
        return True

    def release(self, variant_id: int, quantity: int) -> None:
        self.reserved[variant_id] -= quantity

    def available(self, variant_id: int) -> int:
        return self.stock.get(variant_id, 0) - self.reserved.get(variant_id, 0)

    def free_by_variant(self, product_id: int) -> dict[int, int]:
        raise NotImplementedError  # replaced by FakeCommerce, which knows the products


class FakeProducts:
    def __init__(self) -> None:
        self.by_sku: dict[str, ProductFacts] = {}

    def get(self, sku: str) -> ProductFacts | None:
        return self.by_sku.get(sku)

    def by_id(self, product_id: int) -> ProductFacts | None:
        return next((p for p in self.by_sku.values() if p.id == product_id), None)

    def of_variant(self, variant_id: int) -> ProductFacts | None:
        return next((p for p in self.by_sku.values() if p.variant(variant_id) is not None), None)


class FakeCarts:
    def __init__(self) -> None:
        self.open: dict[tuple[int, int], CartView] = {}
        self.reservations: list[tuple[int, int, int]] = []  # (cart id, variant id, quantity)
        self._ids = itertools.count(1)

    def read_open(self, session_id: int, viewer_id: int) -> CartView | None:
        return self.open.get((session_id, viewer_id))

    def add_line(self, line: NewLine, cart: CartView | None) -> CartView:
        key = (line.session_id, line.viewer_id)
        current = self.open.get(key)  # as the SQL port does: the cart as it is now
        if current is None:
            currency = line.product.currency
            token = secrets.token_urlsafe(18)
            current = CartView(next(self._ids), token, currency, 0, line.expires_at, (), line.now)
        held = HeldLine(
            line.product.id,
            line.variant_id,
            line.quantity,
            line.product.price_of(line.variant_id),
            line.now,
        )
        updated = current.with_line(held, line.expires_at)
        self.open[key] = updated
        if line.holds_units:
            self.reservations.append((updated.id, line.variant_id, line.quantity))
        return updated


class FakeWaitlist:
    def __init__(self) -> None:
        self.entries: dict[int, tuple[WaitingEntry, str]] = {}  # id -> (entry, status)
        self._ids = itertools.count(1)

    def waiting(self, session_id: int, viewer_id: int, variant_id: int) -> int | None:
        return next(
            (
                e.id
                for e, status in self.entries.values()
                if status == "waiting"
                and (e.session_id, e.viewer_id, e.variant_id) == (session_id, viewer_id, variant_id)
            ),
            None,
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
        entry_id = next(self._ids)
        entry = WaitingEntry(entry_id, session_id, viewer_id, variant_id, quantity, comment_id)
        self.entries[entry_id] = (entry, "waiting")
        return entry_id

    def position(self, entry_id: int) -> int:
        entry, _ = self.entries[entry_id]
        return sum(
            1
            for other, status in self.entries.values()
            if status == "waiting"
            and other.variant_id == entry.variant_id
            and other.session_id == entry.session_id
            and other.id <= entry.id
        )

    def queue(self, variant_id: int) -> list[WaitingEntry]:
        return [
            e
            for e, status in self.entries.values()
            if status == "waiting" and e.variant_id == variant_id
        ]

    def promoted(self, entry_id: int, now: datetime) -> None:
        entry, _ = self.entries[entry_id]
        self.entries[entry_id] = (entry, "promoted")


class FakeSessions:
    def __init__(self) -> None:
        self.holds: dict[int, SessionHold] = {}

    def hold_of(self, session_id: int) -> SessionHold | None:
        return self.holds.get(session_id)


@dataclass
class FakeCommerce:
    """Every commerce port in memory, seeded from a catalog."""

    stock: FakeStock = field(default_factory=FakeStock)
    products: FakeProducts = field(default_factory=FakeProducts)
    carts: FakeCarts = field(default_factory=FakeCarts)
    waitlist: FakeWaitlist = field(default_factory=FakeWaitlist)
    sessions: FakeSessions = field(default_factory=FakeSessions)

    def __post_init__(self) -> None:
        self.stock.free_by_variant = self._free_by_variant  # type: ignore[method-assign]

    def _free_by_variant(self, product_id: int) -> dict[int, int]:
        product = self.products.by_id(product_id)
        assert product is not None
        return {v.id: self.stock.available(v.id) for v in product.variants}

    @classmethod
    def of(cls, catalog: Catalog) -> FakeCommerce:
        fake = cls()
        variant_ids = itertools.count(1)
        for product_id, product in enumerate(catalog.products, start=1):
            variants = []
            for variant in product.variants:
                variant_id = next(variant_ids)
                fake.stock.stock[variant_id] = variant.stock
                price = product.price_minor if variant.price_minor is None else variant.price_minor
                variants.append(VariantFacts(variant_id, variant.sku, dict(variant.options), price))
            fake.products.by_sku[product.sku] = ProductFacts(
                id=product_id,
                sku=product.sku,
                name=product.name,
                price_minor=product.price_minor,
                currency=catalog.currency,
                options={k: list(v) for k, v in product.options.items()},
                variants=tuple(variants),
            )
        return fake


class FakeQuestions:
    def __init__(self) -> None:
        self.rows: dict[int, tuple[int, OpenQuestion, str]] = {}  # id -> (session, q, status)
        self._ids = itertools.count(1)

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
        if replaces is not None:
            self.supersede(replaces)
        question = OpenQuestion(
            id=next(self._ids),
            viewer_id=viewer_id,
            sku=product.sku,
            quantity=item.quantity,
            options=tuple(sorted((str(k), str(v)) for k, v in item.options.items())),
            missing=(option,),
            choices=((option, tuple(str(v) for v in product.options.get(option, ()))),),
            asked_at=now,
        )
        self.rows[question.id] = (session_id, question, "open")
        return question

    def supersede(self, question: OpenQuestion) -> None:
        self.close(question, "superseded")

    def close(self, question: OpenQuestion, status: str) -> bool:
        session_id, stored, current = self.rows[question.id]
        if current != "open":
            return False
        self.rows[question.id] = (session_id, stored, status)
        return True

    def load_open(self, session_id: int) -> dict[int, OpenQuestion]:
        return {
            q.viewer_id: q
            for sid, q, status in self.rows.values()
            if sid == session_id and status == "open"
        }


class FakeOutbox:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}  # dedupe key -> row

    def add(self, rows: list[dict[str, Any]], now: datetime) -> None:
        for row in rows:
            self.rows.setdefault(row["dedupe_key"], {**row, "created_at": now})


class FakeUnitOfWork:
    """A unit of work without a database: hands out the fakes for any port opener, queues
    and dispatches events like the real one, and records whether it committed."""

    def __init__(self, bus: Any = None, **ports: object) -> None:
        self._bus = bus
        self._ports = ports  # opener name -> fake ("commerce", "questions", "outbox")
        self._events: list[tuple[object, object]] = []
        self.committed = False

    def port(self, opener: Callable[..., Any]) -> Any:
        name = getattr(opener, "port_name", None) or getattr(opener, "func", opener).port_name
        return self._ports[name]

    def publish(self, events: Any, cause: object = None) -> None:
        self._events.extend((event, cause) for event in events)

    def dispatch(self) -> None:
        while self._events:
            event, cause = self._events.pop(0)
            self._bus.handle(self, event, cause)

    def commit(self) -> None:
        self.dispatch()
        self.committed = True
