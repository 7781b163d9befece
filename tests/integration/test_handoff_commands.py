"""The brand's hand-off from the command line and the brand API: webhook endpoints added,
listed and removed; a paid order cancelled or refunded; a viewer's data exported and
forgotten (totals kept for accounting)."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from commerce.models import Order, WebhookEndpoint
from kernel.models import Comment, OutboxMessage, Viewer
from live.payments import pay_with_local_checkout
from tests.fakes.buyer import BUYER_FORM
from tests.integration.test_checkout_local import claim_for, make_settings
from tests.integration.test_export_formats import _vitrine
from vitrine.web import create_app

from .conftest import T0


def _paid_with_address(database, live, handle: str = "ann") -> int:
    from commerce.buyer import read_buyer_form

    token = claim_for(database, live, handle, "SERUM-ECLAT", T0, options={"size": "30ml"})
    assert token is not None
    buyer = read_buyer_form(BUYER_FORM, ["FR"])
    paid = pay_with_local_checkout(database, token, T0 + timedelta(minutes=1), buyer=buyer)
    return paid.order_id


def _comment(database, handle: str, text: str) -> None:
    with database.unit_of_work() as uow:
        viewer = uow.session.scalar(select(Viewer).where(Viewer.platform_user_id == handle))
        assert viewer is not None
        uow.session.add(
            Comment(
                viewer_id=viewer.id,
                platform=viewer.platform,
                chat_id="chat1",
                message_id=f"m-{text[:8]}",
                text=text,
                sent_at=T0,
            )
        )
        uow.commit()


def test_webhook_endpoints_from_the_command_line(database, database_url, live) -> None:
    bad = _vitrine("webhook", "add", "ftp://shop.example/hook", "--db", database_url)
    assert bad.returncode == 1 and "not an http(s) URL" in bad.stderr
    added = _vitrine(
        "webhook", "add", "https://shop.example/hooks?token=s3cret", "--db", database_url
    )
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip()
    assert secret.startswith("whsec_") and "shown once" in added.stderr
    listed = _vitrine("webhook", "list", "--db", database_url)
    assert "https://shop.example/hooks?…" in listed.stdout
    assert "s3cret" not in listed.stdout and secret not in listed.stdout
    with database.unit_of_work() as uow:
        endpoint = uow.session.scalars(select(WebhookEndpoint)).one()
        assert endpoint.secret == secret
        endpoint_id = endpoint.id
    removed = _vitrine("webhook", "remove", str(endpoint_id), "--db", database_url)
    assert removed.returncode == 0 and "removed" in removed.stdout
    again = _vitrine("webhook", "remove", str(endpoint_id), "--db", database_url)
    assert again.returncode == 1 and f"no webhook endpoint {endpoint_id}" in again.stderr


def test_orders_are_cancelled_or_refunded_from_the_command_line(
    database, database_url, live
) -> None:
    order_id = _paid_with_address(database, live)
    cancelled = _vitrine("order", "cancel", str(order_id), "--db", database_url)
    assert cancelled.returncode == 0, cancelled.stderr
    twice = _vitrine("order", "cancel", str(order_id), "--db", database_url)
    assert twice.returncode == 1 and "is cancelled" in twice.stderr
    refunded = _vitrine("order", "refund", str(order_id), "--db", database_url)
    assert refunded.returncode == 0, refunded.stderr
    with database.unit_of_work() as uow:
        kinds = list(
            uow.session.scalars(
                select(OutboxMessage.kind)
                .where(OutboxMessage.channel == "brand")
                .order_by(OutboxMessage.id)
            )
        )
    assert kinds == ["order_paid", "order_cancelled", "order_refunded"]


def test_a_viewer_is_exported_then_forgotten_but_the_accounts_stay(
    database, database_url, live
) -> None:
    order_id = _paid_with_address(database, live)
    _paid_with_address(database, live, "bob")
    _comment(database, "ann", "je prends le sérum, livraison au 12 rue des Lilas")
    exported = _vitrine("viewer", "export", "test:ann", "--db", database_url)
    assert exported.returncode == 0, exported.stderr
    document = json.loads(exported.stdout)
    assert document["viewer"]["platform_user_id"] == "ann"
    assert document["orders"][0]["buyer"]["email"] == "camille@example.org"
    assert "12 rue des Lilas" in document["comments"][0]["text"]
    unknown = _vitrine("viewer", "export", "test:nobody", "--db", database_url)
    assert unknown.returncode == 1 and "no viewer test:nobody" in unknown.stderr
    malformed = _vitrine("viewer", "forget", "ann", "--yes", "--db", database_url)
    assert malformed.returncode == 2 and "PLATFORM:ID" in malformed.stderr

    forgot = _vitrine("viewer", "forget", "test:ann", "--yes", "--db", database_url)
    assert forgot.returncode == 0, forgot.stderr
    with database.unit_of_work() as uow:
        order = uow.session.get(Order, order_id)
        assert order is not None
        assert (order.buyer_email, order.shipping_address, order.buyer_name) == (None, None, None)
        assert order.total_minor > 0 and order.lines  # the accounts keep the sale
        viewer = uow.session.get(Viewer, order.viewer_id)
        assert viewer is not None and viewer.platform_user_id.startswith("forgotten-")
        texts = list(uow.session.scalars(select(Comment.text)))
        payloads = [json.dumps(p) for p in uow.session.scalars(select(OutboxMessage.payload))]
    assert not any("Lilas" in text for text in texts)
    brand_copy = [p for p in payloads if f'"order_id": {order_id},' in p]
    assert brand_copy and not any("camille@example.org" in p for p in brand_copy)
    assert any("camille@example.org" in p for p in payloads)  # bob's order is untouched
    assert _vitrine("viewer", "export", "test:ann", "--db", database_url).returncode == 1


def test_the_brand_api_exports_and_forgets_viewers(database, database_url, live) -> None:
    _paid_with_address(database, live)
    key = _vitrine("apikey", "create", "--name", "crm", "--db", database_url).stdout.strip()
    web = TestClient(create_app(make_settings(), database))
    auth = {"Authorization": f"Bearer {key}"}
    assert web.get("/api/viewers/test:ann").status_code == 401
    got = web.get("/api/viewers/test:ann", headers=auth)
    assert got.status_code == 200 and got.json()["orders"][0]["buyer"]["phone"]
    assert web.get("/api/viewers/nocolon", headers=auth).status_code == 400
    assert web.post("/api/viewers/test:ann/forget").status_code == 401
    forgot = web.post("/api/viewers/test:ann/forget", headers=auth)
    assert forgot.status_code == 200 and forgot.json()["orders"] == 1
    assert web.get("/api/viewers/test:ann", headers=auth).status_code == 404
