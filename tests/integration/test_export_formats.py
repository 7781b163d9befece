"""`vitrine export` in every format, to a file or standard output, for one live or since a
moment, read a page at a time."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import timedelta

from commerce.export import iter_orders
from live.payments import pay_with_local_checkout
from tests.integration.test_checkout_local import claim_for

from .conftest import T0


def _vitrine(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vitrine.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )


def _orders(database, live) -> list[str]:
    """ann pays two serums; bob holds a necklace; cid waits (no cart line)."""
    ann = claim_for(database, live, "ann", "SERUM-ECLAT", T0, quantity=2, options={"size": "50ml"})
    bob = claim_for(database, live, "bob", "COLLIER-ISA", T0 + timedelta(seconds=1))
    assert ann is not None and bob is not None
    pay_with_local_checkout(database, ann, T0 + timedelta(minutes=1))
    return [ann, bob]


def test_every_format_to_stdout_and_files(database, database_url, live, tmp_path) -> None:
    _orders(database, live)
    shopify = _vitrine(
        "export",
        "--session",
        "test-live",
        "--format",
        "shopify-csv",
        "--out",
        "-",
        "--db",
        database_url,
    )
    assert shopify.returncode == 0, shopify.stderr
    assert "wrote 2 orders" in shopify.stderr
    rows = list(csv.DictReader(io.StringIO(shopify.stdout)))
    assert [r["Lineitem sku"] for r in rows] == ["ECLAT-50", "ISA"]
    paid = rows[0]
    assert paid["Financial Status"] == "paid" and paid["Total"] == paid["Subtotal"]
    assert paid["Lineitem price"].count(".") == 1 and paid["Name"].startswith("#VIT")
    assert rows[1]["Financial Status"] == "pending"
    as_json = _vitrine(
        "export", "--status", "paid", "--out", str(tmp_path / "o.json"), "--db", database_url
    )
    assert as_json.returncode == 0, as_json.stderr
    orders = json.loads((tmp_path / "o.json").read_text())["orders"]
    assert [o["status"] for o in orders] == ["paid"] and orders[0]["session"] == "test-live"
    later = _vitrine(
        "export", "--since", "2099-01-01", "--format", "csv", "--out", "-", "--db", database_url
    )
    assert later.returncode == 0 and later.stdout.strip().splitlines() == [
        "order_id,status,session,platform,buyer,buyer_platform_id,buyer_full_name,"
        "buyer_email,buyer_phone,ship_line1,ship_line2,ship_postal_code,ship_city,"
        "ship_state,ship_country,product_sku,variant_sku,name,options,quantity,unit_price,"
        "line_total,order_total,currency,payment_provider,payment_reference,created_at,"
        "paid_at,cancelled_at,refunded_at"
    ]
    bad = _vitrine(
        "export", "--since", "yesterday", "--out", "-", "--format", "csv", "--db", database_url
    )
    assert bad.returncode == 1 and "is not a date" in bad.stderr


def test_orders_are_read_a_page_at_a_time(database, live) -> None:
    for n in range(7):
        claim_for(database, live, f"buyer{n}", "SERUM-ECLAT", T0, options={"size": "30ml"})
    with database.unit_of_work() as uow:
        documents = iter_orders(uow.session, session_id=live, page=3)
        first = next(documents)
        rest = list(documents)
    assert first["buyer"]["platform_user_id"] == "buyer0"
    assert len(rest) == 6 and [d["order_id"] for d in rest] == sorted(d["order_id"] for d in rest)


def test_the_brand_api_needs_a_live_key_and_pages_with_a_cursor(
    database, database_url, live
) -> None:
    """A key made with `vitrine apikey create` reads /api/orders a page at a time; no key,
    a wrong one or a revoked one gets 401; the key is stored only as a hash."""
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from commerce.models import ApiKey
    from tests.integration.test_checkout_local import make_settings
    from vitrine.web import create_app

    _orders(database, live)
    claim_for(database, live, "cid", "SERUM-ECLAT", T0, options={"size": "30ml"})
    made = _vitrine("apikey", "create", "--name", "shop sync", "--db", database_url)
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key.startswith("vit_") and len(key) > 40
    with database.unit_of_work() as uow:
        stored = uow.session.scalars(select(ApiKey)).one()
        assert key not in (stored.key_hash, stored.name)
        key_id = stored.id
    web = TestClient(create_app(make_settings(), database))
    auth = {"Authorization": f"Bearer {key}"}
    first = web.get("/api/orders?limit=2", headers=auth)
    assert first.status_code == 200, first.text
    page = first.json()
    assert len(page["orders"]) == 2 and page["next_cursor"] == str(page["orders"][1]["order_id"])
    rest = web.get(f"/api/orders?limit=2&cursor={page['next_cursor']}", headers=auth).json()
    assert len(rest["orders"]) == 1 and rest["next_cursor"] is None
    shopify = web.get("/api/orders?format=shopify-csv", headers=auth)
    assert shopify.headers["content-type"].startswith("text/csv") and "#VIT" in shopify.text
    for headers in ({}, {"Authorization": "Bearer vit_guess"}, {"Authorization": key}):
        assert web.get("/api/orders", headers=headers).status_code == 401
    assert _vitrine("apikey", "revoke", str(key_id), "--db", database_url).returncode == 0
    assert web.get("/api/orders", headers=auth).status_code == 401
    listed = _vitrine("apikey", "list", "--db", database_url).stdout
    assert "shop sync" in listed and "revoked" in listed and key not in listed
