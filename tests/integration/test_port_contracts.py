"""One contract per port, run on the in-memory fake, on SQLite and on PostgreSQL: the fakes
the unit tests use behave as the database does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from commerce.catalog_formats.loader import load_catalog_file
from commerce.catalog_store import import_catalog
from commerce.intent import ClaimedItem
from commerce.models import Variant
from commerce.ports import CommerceUnit, NewLine, QuestionsPort, SessionHold
from commerce.sql_ports import SqlCommerce, SqlQuestions
from kernel.models import OutboxMessage, Viewer
from kernel.outbox import OutboxPort, SqlOutbox
from live.sessions import open_session
from tests.fakes.ports import FakeCommerce, FakeOutbox, FakeQuestions
from vitrine import migrations
from vitrine.bootstrap import open_database

CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog-bijoux.json"
T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


@dataclass
class Ports:
    """The ports of one backend, seeded with the test catalog, two live sessions (a
    15-minute hold and "first paid, first served") and whatever viewers a test names."""

    commerce: CommerceUnit
    questions: QuestionsPort
    outbox: OutboxPort
    timed: int
    first_paid: int
    backend: Any

    def variant(self, sku: str) -> int:
        return self.backend.variant(sku)

    def viewer(self, name: str) -> int:
        return self.backend.viewer(name)

    def outbox_keys(self) -> list[str]:
        return self.backend.outbox_keys()


class _Fake:
    def __init__(self) -> None:
        self.commerce = FakeCommerce.of(load_catalog_file(CATALOG))
        self.commerce.sessions.holds = {1: SessionHold(900), 2: SessionHold(None)}
        self.outbox = FakeOutbox()
        self._viewers: dict[str, int] = {}

    def variant(self, sku: str) -> int:
        for product in self.commerce.products.by_sku.values():
            for variant in product.variants:
                if variant.sku == sku:
                    return variant.id
        raise LookupError(sku)

    def viewer(self, name: str) -> int:
        return self._viewers.setdefault(name, len(self._viewers) + 1)

    def outbox_keys(self) -> list[str]:
        return sorted(self.outbox.rows)


class _Sql:
    def __init__(self, session: Any) -> None:
        self.session = session

    def variant(self, sku: str) -> int:
        return self.session.scalars(select(Variant.id).where(Variant.sku == sku)).one()

    def viewer(self, name: str) -> int:
        found = self.session.scalar(select(Viewer.id).where(Viewer.platform_user_id == name))
        if found is not None:
            return found
        viewer = Viewer(platform="test", platform_user_id=name, display_name=name)
        self.session.add(viewer)
        self.session.flush()
        return viewer.id

    def outbox_keys(self) -> list[str]:
        return sorted(self.session.scalars(select(OutboxMessage.dedupe_key)))


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ports(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ports]:
    if request.param == "fake":
        fake = _Fake()
        yield Ports(fake.commerce, FakeQuestions(), fake.outbox, 1, 2, fake)
        return
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ports.db'}"
        migrations.upgrade(url)
    else:
        url = request.getfixturevalue("postgres_url")
    database = open_database(url)
    try:
        with database.unit_of_work() as uow:
            session = uow.session
            import_catalog(session, load_catalog_file(CATALOG))
            timed = open_session(session, key="t", platform="test", chat_id="c1", now=T0)
            first_paid = open_session(
                session, key="f", platform="test", chat_id="c2", now=T0, hold_seconds=None
            )
            session.flush()
            yield Ports(
                uow.port(SqlCommerce),
                uow.port(SqlQuestions),
                uow.port(SqlOutbox),
                timed.id,
                first_paid.id,
                _Sql(session),
            )
    finally:
        database.dispose()


# -- stock ----------------------------------------------------------------------------


def test_stock_is_reserved_while_free_units_last_and_released_back(ports: Ports) -> None:
    stock, isa = ports.commerce.stock, ports.variant("ISA")  # 2 in stock
    assert stock.available(isa) == 2
    assert stock.reserve(isa, 2)
    assert not stock.reserve(isa, 1)
    assert stock.available(isa) == 0
    stock.release(isa, 1)
    assert stock.available(isa) == 1
    assert not stock.reserve(isa, 2) and stock.reserve(isa, 1)


def test_free_units_by_variant_follow_the_moves(ports: Ports) -> None:
    product = ports.commerce.products.get("SERUM-ECLAT")
    assert product is not None
    e30, e50 = ports.variant("ECLAT-30"), ports.variant("ECLAT-50")
    assert ports.commerce.stock.free_by_variant(product.id) == {e30: 10, e50: 5}
    assert ports.commerce.stock.reserve(e50, 5)
    assert ports.commerce.stock.free_by_variant(product.id) == {e30: 10, e50: 0}


# -- products ---------------------------------------------------------------------------


def test_products_are_found_by_sku_id_and_variant(ports: Ports) -> None:
    products = ports.commerce.products
    ring = products.get("BAGUE-ORA")
    assert ring is not None and ring.name == "Bague Ora" and ring.price_minor == 3500
    assert ring.currency == "EUR" and len(ring.variants) == 6
    assert ring.options["size"] == ["50", "52", "54"]
    assert products.by_id(ring.id) == ring
    assert products.of_variant(ports.variant("ORA-52-ARGENT")) == ring
    assert products.get("NOPE") is None


# -- carts ------------------------------------------------------------------------------


def _line(ports: Ports, sku: str, variant: str, viewer: int, at: int, qty: int = 1) -> NewLine:
    product = ports.commerce.products.get(sku)
    assert product is not None
    now = T0 + timedelta(seconds=at)
    return NewLine(
        ports.timed,
        viewer,
        product,
        ports.variant(variant),
        qty,
        None,
        now,
        now + timedelta(minutes=15),
        True,
    )


def test_a_cart_opens_with_its_first_line_and_grows(ports: Ports) -> None:
    carts, ann = ports.commerce.carts, ports.viewer("ann")
    assert carts.read_open(ports.timed, ann) is None
    first = carts.add_line(_line(ports, "COLLIER-ISA", "ISA", ann, 0), None)
    assert first.total_minor == 4990 and len(first.lines) == 1
    assert first.expires_at == T0 + timedelta(minutes=15)
    assert len(first.public_token) >= 24
    seen = carts.read_open(ports.timed, ann)
    assert seen is not None and seen.id == first.id
    second = carts.add_line(_line(ports, "SERUM-ECLAT", "ECLAT-30", ann, 60, qty=2), seen)
    assert second.id == first.id and second.total_minor == 4990 + 2 * 2450
    assert second.expires_at == T0 + timedelta(seconds=60, minutes=15)
    again = carts.read_open(ports.timed, ann)
    assert again is not None
    assert [(line.variant_id, line.quantity) for line in again.lines] == [
        (ports.variant("ISA"), 1),
        (ports.variant("ECLAT-30"), 2),
    ]
    assert again.total_minor == second.total_minor
    assert first.opened_at == second.opened_at == again.opened_at == T0  # the first claim


def test_carts_are_per_viewer_and_per_session(ports: Ports) -> None:
    carts = ports.commerce.carts
    ann, bob = ports.viewer("ann"), ports.viewer("bob")
    a = carts.add_line(_line(ports, "COLLIER-ISA", "ISA", ann, 0), None)
    b = carts.add_line(_line(ports, "COLLIER-ISA", "ISA", bob, 0), None)
    assert a.id != b.id and a.public_token != b.public_token
    assert carts.read_open(ports.first_paid, ann) is None


def test_a_stale_none_still_finds_the_cart_opened_meanwhile(ports: Ports) -> None:
    carts, ann = ports.commerce.carts, ports.viewer("ann")
    opened = carts.add_line(_line(ports, "COLLIER-ISA", "ISA", ann, 0), None)
    again = carts.add_line(_line(ports, "SERUM-ECLAT", "ECLAT-30", ann, 1), None)
    assert again.id == opened.id and len(again.lines) == 2


# -- waitlist ---------------------------------------------------------------------------


def test_the_waitlist_keeps_arrival_order_and_positions(ports: Ports) -> None:
    waitlist, isa = ports.commerce.waitlist, ports.variant("ISA")
    ann, bob, cid = (ports.viewer(n) for n in ("ann", "bob", "cid"))
    ids = [
        waitlist.join(
            session_id=ports.timed,
            viewer_id=viewer,
            variant_id=isa,
            quantity=quantity,
            comment_id=None,
            now=T0 + timedelta(seconds=n),
        )
        for n, (viewer, quantity) in enumerate([(ann, 1), (bob, 2), (cid, 1)])
    ]
    assert [waitlist.position(i) for i in ids] == [1, 2, 3]
    assert waitlist.waiting(ports.timed, bob, isa) == ids[1]
    assert waitlist.waiting(ports.first_paid, bob, isa) is None
    assert [(e.viewer_id, e.quantity) for e in waitlist.queue(isa)] == [
        (ann, 1),
        (bob, 2),
        (cid, 1),
    ]
    waitlist.promoted(ids[0], T0 + timedelta(minutes=1))
    assert [e.viewer_id for e in waitlist.queue(isa)] == [bob, cid]
    assert waitlist.position(ids[2]) == 2
    assert waitlist.waiting(ports.timed, ann, isa) is None


# -- sessions ---------------------------------------------------------------------------


def test_a_session_tells_its_hold(ports: Ports) -> None:
    assert ports.commerce.sessions.hold_of(ports.timed) == SessionHold(900)
    assert ports.commerce.sessions.hold_of(ports.first_paid) == SessionHold(None)
    assert ports.commerce.sessions.hold_of(999_999) is None


# -- open questions ---------------------------------------------------------------------


def test_one_open_question_per_viewer_closed_once(ports: Ports) -> None:
    ring = ports.commerce.products.get("BAGUE-ORA")
    assert ring is not None
    ann = ports.viewer("ann")

    def ask(option: str, replaces=None):
        return ports.questions.ask(
            session_id=ports.timed,
            viewer_id=ann,
            item=ClaimedItem("BAGUE-ORA", 1, {"color": "argent"}),
            option=option,
            product=ring,
            comment_id=None,
            now=T0,
            replaces=replaces,
        )

    first = ask("size")
    assert first.missing == ("size",) and dict(first.choices)["size"] == ("50", "52", "54")
    assert dict(first.options) == {"color": "argent"}
    second = ask("size", replaces=first)
    assert ports.questions.load_open(ports.timed) == {ann: second}
    assert not ports.questions.close(first, "answered")  # superseded already
    assert ports.questions.close(second, "answered")
    assert not ports.questions.close(second, "answered")
    assert ports.questions.load_open(ports.timed) == {}


# -- outbox -----------------------------------------------------------------------------


def test_the_outbox_ignores_a_second_row_with_the_same_key(ports: Ports) -> None:
    row = {
        "kind": "public",
        "channel": "test",
        "destination": "chat:test:c1",
        "payload": {"text": "hello"},
        "dedupe_key": "c:1:0:0",
    }
    ports.outbox.add([row], T0)
    ports.outbox.add([row, {**row, "dedupe_key": "c:1:0:1"}], T0)
    assert ports.outbox_keys() == ["c:1:0:0", "c:1:0:1"]
