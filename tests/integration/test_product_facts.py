"""Product facts are reused across transactions for a few seconds, and stock never is."""

from __future__ import annotations

from sqlalchemy import event, select, update

from commerce.models import Product, Variant
from commerce.product_facts import ProductFactsCache, available_units_by_variant
from commerce.stock import release_units, reserve_units, sell_units


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


def test_free_units_follow_this_transactions_moves_and_are_read_again_after_a_refusal(
    database, live
) -> None:
    reads: list[str] = []

    @event.listens_for(database.engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, params, context, executemany) -> None:
        if statement.lstrip().startswith("SELECT") and "FROM variants" in statement:
            reads.append(statement)

    with database.unit_of_work() as uow:
        session = uow.session
        product_id = session.scalar(select(Product.id).where(Product.sku == "BAGUE-ORA"))
        variant_id = session.scalar(
            select(Variant.id).where(Variant.product_id == product_id, Variant.sku == "ORA-50-DORE")
        )
        assert product_id is not None and variant_id is not None
        reads.clear()
        free = dict(available_units_by_variant(session, product_id))
        assert free[variant_id] == 2 and len(reads) == 1
        assert reserve_units(session, variant_id, 1)
        assert available_units_by_variant(session, product_id)[variant_id] == 1
        sell_units(session, variant_id, 1)  # held -> sold: no change in free units
        assert available_units_by_variant(session, product_id)[variant_id] == 1
        assert reserve_units(session, variant_id, 1)
        release_units(session, variant_id, 1)
        assert available_units_by_variant(session, product_id)[variant_id] == 1
        assert len(reads) == 1  # all of it known without reading again
        assert not reserve_units(session, variant_id, 5)  # refused: the reading is dropped
        again = available_units_by_variant(session, product_id)
        assert again[variant_id] == 1 and len(reads) == 2
        assert again == {**free, variant_id: 1}


def test_facts_by_id_come_from_the_cache_while_fresh_and_are_read_otherwise(database, live) -> None:
    clock = Clock()
    cache = ProductFactsCache(ttl_s=5.0, clock=clock)
    reads = _count_product_reads(database)
    with database.unit_of_work() as uow:
        product_id = uow.session.scalar(select(Product.id).where(Product.sku == "COLLIER-ISA"))
        reads.clear()
        first = cache.by_id(uow.session, product_id)
        assert first is not None and first.sku == "COLLIER-ISA" and reads
        seen = len(reads)
        assert cache.by_id(uow.session, product_id) is first and len(reads) == seen
        clock.now += 6.0
        assert cache.by_id(uow.session, product_id) == first and len(reads) > seen
        assert cache.by_id(uow.session, 999_999) is None
