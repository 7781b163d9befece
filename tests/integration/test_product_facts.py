"""Product facts are reused across transactions for a few seconds, and stock never is."""

from __future__ import annotations

from sqlalchemy import event, select, update

from commerce.models import Product, Variant
from commerce.product_facts import ProductFactsCache, available_units_by_variant


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _count_product_reads(database) -> list[str]:
    reads: list[str] = []

    @event.listens_for(database.engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, params, context, executemany) -> None:
        if "FROM products" in statement:
            reads.append(statement)

    return reads


def test_facts_are_reused_until_they_age_then_read_again(database, live) -> None:
    clock = Clock()
    cache = ProductFactsCache(ttl_s=5.0, clock=clock)
    reads = _count_product_reads(database)
    with database.unit_of_work() as uow:
        first = cache.get(uow.session, "BAGUE-ORA")
    assert first is not None and first.price_minor > 0
    with database.unit_of_work() as uow:  # a new price, within the time to live
        uow.session.execute(
            update(Product).where(Product.sku == "BAGUE-ORA").values(price_minor=1234)
        )
        uow.commit()
    clock.now += 4.0
    with database.unit_of_work() as uow:
        assert cache.get(uow.session, "BAGUE-ORA") is first
    assert len(reads) == 1
    assert cache.known(first.id) is first
    clock.now += 2.0  # older than the time to live: read again, the new price is seen
    assert cache.known(first.id) is None
    with database.unit_of_work() as uow:
        again = cache.get(uow.session, "BAGUE-ORA")
    assert again is not None and again.price_minor == 1234 and len(reads) == 2
    with database.unit_of_work() as uow:
        assert cache.get(uow.session, "NO-SUCH-SKU") is None


def test_free_units_are_read_fresh(database, live) -> None:
    with database.unit_of_work() as uow:
        product_id = uow.session.scalar(select(Product.id).where(Product.sku == "BAGUE-ORA"))
        variant = uow.session.scalars(
            select(Variant).where(Variant.product_id == product_id).order_by(Variant.id)
        ).first()
        assert variant is not None
        before = available_units_by_variant(uow.session, product_id)
        variant.reserved += 1
        uow.session.flush()
        after = available_units_by_variant(uow.session, product_id)
        assert after[variant.id] == before[variant.id] - 1
