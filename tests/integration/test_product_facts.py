"""Product facts are reused across transactions for a few seconds, and stock never is."""

from __future__ import annotations

from sqlalchemy import event, select, update

from commerce.models import Product, Variant
from commerce.product_facts import ProductFactsCache, available_units_by_variant
from commerce.stock import reserve_units


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


def test_free_units_are_read_again_once_stock_moves(database, live) -> None:
    with database.unit_of_work() as uow:
        product_id = uow.session.scalar(select(Product.id).where(Product.sku == "BAGUE-ORA"))
        variant_id = uow.session.scalar(
            select(Variant.id).where(Variant.product_id == product_id, Variant.stock > 0)
        )
        assert product_id is not None and variant_id is not None
        before = available_units_by_variant(uow.session, product_id)
        assert available_units_by_variant(uow.session, product_id) is before  # no new read
        assert reserve_units(uow.session, variant_id, 1)
        after = available_units_by_variant(uow.session, product_id)
        assert after[variant_id] == before[variant_id] - 1
