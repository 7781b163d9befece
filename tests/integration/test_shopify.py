"""The Shopify connector against a local Admin API that throttles like Shopify: each paid
order becomes one Shopify order (found by its tag on a retry, never made twice), with
the buyer, the address and lines by variant SKU; the catalog can be pulled from the shop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from commerce.brand_events import ensure_shopify
from commerce.buyer import read_buyer_form
from commerce.catalog_store import import_catalog
from commerce.shopify.admin import ShopifyAdmin, ShopifyRefused
from commerce.shopify.catalog import pull_catalog
from commerce.shopify.orders import ShopifyOrders
from kernel.models import OutboxMessage, OutboxStatus
from live.payments import pay_with_local_checkout
from live.relay import Relay
from live.sessions import feature_product, open_session
from live.transports import ShopifyTransport
from tests.fakes.buyer import BUYER_FORM
from tests.fakes.shopify_server import TOKEN, FakeShopify
from tests.integration.test_checkout_local import claim_for
from tests.integration.test_export_formats import _vitrine

T0 = datetime(2026, 12, 5, 20, 0, tzinfo=UTC)


def _shop() -> FakeShopify:
    fake = FakeShopify()
    fake.add_product(
        "robe-lina",
        "Robe Lina",
        ["Size"],
        [
            {"sku": "LINA-S", "price": "59.00", "inventoryQuantity": 4, "options": {"Size": "S"}},
            {"sku": "LINA-M", "price": "59.00", "inventoryQuantity": 2, "options": {"Size": "M"}},
        ],
    )
    fake.add_product(
        "sac-mila",
        "Sac Mila",
        ["Color"],
        [
            {
                "sku": "MILA-NOIR",
                "price": "89.50",
                "inventoryQuantity": 3,
                "options": {"Color": "noir"},
            }
        ],
    )
    fake.add_product(
        "bague-ora",
        "Bague Ora",
        [],
        [{"sku": "ORA", "price": "25.00", "inventoryQuantity": 10, "options": {}}],
    )
    return fake


@pytest.fixture
def shop():
    with _shop() as fake:
        yield fake


def _admin(shop: FakeShopify, **options) -> ShopifyAdmin:
    return ShopifyAdmin("brand.myshopify.com", TOKEN, base_url=shop.url, **options)


async def test_the_catalog_comes_from_the_shop_page_by_page(shop, database) -> None:
    catalog = await pull_catalog(_admin(shop), "EUR")
    assert [p.sku for p in catalog.products] == ["robe-lina", "sac-mila", "bague-ora"]
    lina = catalog.products[0]
    assert lina.options == {"size": ("S", "M")} and lina.price_minor == 5900
    assert [(v.sku, v.stock) for v in lina.variants] == [("LINA-S", 4), ("LINA-M", 2)]
    assert catalog.products[1].variants[0].price_minor == 8950
    with database.unit_of_work() as uow:
        assert import_catalog(uow.session, catalog).variants == 4


def test_catalog_import_from_the_shop_on_the_command_line(shop, database_url, monkeypatch):
    monkeypatch.setenv("VITRINE_SHOPIFY_SHOP", "brand.myshopify.com")
    monkeypatch.setenv("VITRINE_SHOPIFY_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("VITRINE_SHOPIFY_BASE_URL", shop.url)
    done = _vitrine("catalog", "import", "--shopify", "--db", database_url)
    assert done.returncode == 0, done.stderr
    assert "imported 3 products" in done.stdout and "19 units" in done.stdout
    monkeypatch.setenv("VITRINE_SHOPIFY_ACCESS_TOKEN", "shpat_wrong")
    refused = _vitrine("catalog", "import", "--shopify", "--db", database_url)
    assert refused.returncode == 1 and "refused the access token" in refused.stderr
    assert "shpat_wrong" not in refused.stderr


async def _paid_orders(database, shop: FakeShopify, count: int) -> list[int]:
    catalog = await pull_catalog(_admin(shop), "EUR")
    with database.unit_of_work() as uow:
        import_catalog(uow.session, catalog)
        live = open_session(uow.session, key="shop-live", platform="test", chat_id="c", now=T0)
        feature_product(uow.session, live, "robe-lina")
        ensure_shopify(uow.session, "brand.myshopify.com", T0)
        uow.commit()
        live_id = live.id
    buyer = read_buyer_form(BUYER_FORM, ["FR"])
    ids = []
    for n in range(count):
        sku = ("robe-lina", "sac-mila", "bague-ora")[n % 3]
        options = {"size": "S"} if sku == "robe-lina" else {}
        token = claim_for(database, live_id, f"b{n}", sku, T0, options=options)
        assert token is not None
        ids.append(pay_with_local_checkout(database, token, T0, buyer=buyer).order_id)
    return ids


async def test_paid_orders_become_shopify_orders_once(shop, database) -> None:
    order_ids = await _paid_orders(database, shop, 3)
    relay = Relay(database, {"shopify": ShopifyTransport(ShopifyOrders(_admin(shop)))})
    shop.lose_next_create_answer = True  # the first create happens; its answer is lost
    first = await relay.drain(T0 + timedelta(minutes=1))
    assert first.retried == 1
    assert len(shop.orders) == 3  # all three made, one of them without Vitrine knowing
    await relay.drain(T0 + timedelta(hours=1))
    assert len(shop.orders) == 3  # the retry found it by its tag: no second order
    with database.unit_of_work() as uow:
        statuses = set(
            uow.session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.channel == "shopify")
            )
        )
    assert statuses == {OutboxStatus.SENT}
    tags = sorted(tag for o in shop.orders for tag in o["tags"] if tag != "vitrine")
    assert tags == sorted(f"vitrine-order-{i}" for i in order_ids)
    lina = next(o for o in shop.orders if f"vitrine-order-{order_ids[0]}" in o["tags"])
    assert lina["lineItems"] == [
        {
            "quantity": 1,
            "priceSet": {"shopMoney": {"amount": "59.00", "currencyCode": "EUR"}},
            "variantId": shop.variant("LINA-S")["id"],
        }
    ]
    assert lina["email"] == "camille@example.org" and lina["financialStatus"] == "PAID"
    assert lina["shippingAddress"]["zip"] == "69003"
    assert lina["shippingAddress"]["countryCode"] == "FR"
    assert shop.variant("LINA-S")["inventoryQuantity"] == 3  # Shopify keeps its stock


async def test_throttling_is_waited_out_not_failed(shop, database) -> None:
    await _paid_orders(database, shop, 4)
    shop.maximum = shop.available = 12.0  # room for one create at a time
    shop.restore_rate = 40.0
    admin = _admin(shop)
    relay = Relay(database, {"shopify": ShopifyTransport(ShopifyOrders(admin))})
    report = await relay.drain(T0 + timedelta(minutes=1))
    assert report.sent == 4 and report.retried == 0
    assert shop.throttled > 0 and admin.throttled_waits == shop.throttled
    assert len(shop.orders) == 4


async def test_a_refused_order_is_a_dead_letter(shop, database) -> None:
    await _paid_orders(database, shop, 1)
    shop.variant("LINA-S")["inventoryQuantity"] = 0  # sold in the shop meanwhile
    relay = Relay(database, {"shopify": ShopifyTransport(ShopifyOrders(_admin(shop)))})
    report = await relay.drain(T0 + timedelta(minutes=1))
    assert report.failed == 1
    with database.unit_of_work() as uow:
        row = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == "shopify")
        ).one()
        assert row.status == OutboxStatus.FAILED and "Not enough stock" in (row.last_error or "")
    with pytest.raises(ShopifyRefused, match="access token"):
        await ShopifyAdmin("x.myshopify.com", "bad", base_url=shop.url).execute("{ orders(x) }")
