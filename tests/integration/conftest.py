"""Fixtures shared by the integration tests: a catalog and a live session on each database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from commerce.catalog_formats.loader import load_catalog_file
from commerce.catalog_store import import_catalog
from live.sessions import feature_product, open_session

CATALOG = Path(__file__).resolve().parents[1] / "data" / "catalog-bijoux.json"
T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


@pytest.fixture
def live(database):
    with database.unit_of_work() as uow:
        import_catalog(uow.session, load_catalog_file(CATALOG))
        live = open_session(uow.session, key="test-live", platform="test", chat_id="chat1", now=T0)
        feature_product(uow.session, live, "BAGUE-ORA")
        uow.commit()
        return live.id
