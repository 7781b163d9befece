"""A unit can never be held twice, however many workers claim it at the same moment."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import select, update

from commerce.catalog_formats.loader import load_catalog_file
from commerce.catalog_store import import_catalog
from commerce.models import Variant
from commerce.stock import reserve_units
from vitrine.bootstrap import open_database

CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog-bijoux.json"


def test_concurrent_claims_never_oversell(database, database_url: str) -> None:
    with database.unit_of_work() as uow:
        import_catalog(uow.session, load_catalog_file(CATALOG))
        uow.commit()
        variant_id = uow.session.scalar(select(Variant.id).where(Variant.sku == "ECLAT-30"))
    workers = 16
    attempts_each = 5
    engines = [open_database(database_url) for _ in range(4)]
    barrier = threading.Barrier(workers)
    wins: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def claimer(n: int) -> None:
        db = engines[n % len(engines)]
        try:
            barrier.wait()
            for _ in range(attempts_each):
                with db.unit_of_work() as uow:
                    got = reserve_units(uow.session, variant_id, 1)
                    uow.commit()
                if got:
                    with lock:
                        wins.append(n)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for db in engines:
        db.dispose()
    assert errors == []
    assert len(wins) == 10  # ECLAT-30 has 10 units; 80 attempts
    with database.unit_of_work() as uow:
        variant = uow.session.get(Variant, variant_id)
        assert variant is not None and (variant.stock, variant.reserved) == (10, 10)


def test_database_refuses_an_oversold_counter(database) -> None:
    """The CHECK constraint is the last guard, should code ever bypass reserve_units."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    with database.unit_of_work() as uow:
        import_catalog(uow.session, load_catalog_file(CATALOG))
        uow.commit()
    with database.unit_of_work() as uow, pytest.raises(IntegrityError):
        uow.session.execute(update(Variant).where(Variant.sku == "ISA").values(reserved=3))
        uow.session.flush()
