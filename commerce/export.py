"""Order exports for the brand's shop: CSV (one row per line), JSON (one object per order)
and Shopify's order-export layout. Orders are read in pages and written as they come: an
export of any size never holds all orders in memory."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from commerce.buyer import ADDRESS_KEYS
from commerce.models import Order, OrderLine
from commerce.orders import order_document
from kernel.csv_cells import safe_row
from kernel.models import LiveSession, Viewer
from kernel.money import format_money

CSV_COLUMNS = [
    "order_id",
    "status",
    "session",
    "platform",
    "buyer",
    "buyer_platform_id",
    "buyer_full_name",
    "buyer_email",
    "buyer_phone",
    "ship_line1",
    "ship_line2",
    "ship_postal_code",
    "ship_city",
    "ship_state",
    "ship_country",
    "product_sku",
    "variant_sku",
    "name",
    "options",
    "quantity",
    "unit_price",
    "line_total",
    "order_total",
    "currency",
    "payment_provider",
    "payment_reference",
    "created_at",
    "paid_at",
    "cancelled_at",
    "refunded_at",
]


def _orders_query(
    session_id: int | None,
    since: datetime | None,
    statuses: Iterable[str] | None,
    after_id: int | None,
    until: datetime | None = None,
    by_payment: bool = False,
) -> Select[Any]:
    query = select(Order)
    moment = Order.paid_at if by_payment else Order.created_at
    if session_id is not None:
        query = query.where(Order.session_id == session_id)
    if since is not None:
        query = query.where(moment >= since)
    if until is not None:
        query = query.where(moment < until)
    if statuses is not None:
        query = query.where(Order.status.in_(list(statuses)))
    if after_id is not None:
        query = query.where(Order.id > after_id)  # a cursor: the last order already read
    return query


def count_orders(
    session: Session,
    *,
    session_id: int | None = None,
    since: datetime | None = None,
    statuses: Iterable[str] | None = None,
) -> int:
    """How many orders `iter_orders` would give with the same filters (for a progress bar)."""
    query = _orders_query(session_id, since, statuses, None).with_only_columns(func.count())
    return int(session.scalar(query) or 0)


def iter_orders(
    session: Session,
    *,
    session_id: int | None = None,
    since: datetime | None = None,
    statuses: Iterable[str] | None = None,
    page: int = 500,
    after_id: int | None = None,
    limit: int | None = None,
    until: datetime | None = None,
    by_payment: bool = False,
) -> Iterator[dict[str, Any]]:
    """Order documents (`order_document`: buyer, address, live session, payment), oldest
    first, read `page` at a time (a page: its orders, their lines and variants, their
    buyers: four queries): of one live session, and/or created since a moment, in some
    statuses, after a cursor (the last order id already read); `since`/`until` bound the
    creation, or with `by_payment` the payment (a scheduled export's window). Pages are let go once
    written, so memory does not grow with the export."""
    lives: dict[int, LiveSession | None] = {}
    left = limit
    while left is None or left > 0:
        size = page if left is None else min(page, left)
        query = (
            _orders_query(session_id, since, statuses, after_id, until, by_payment)
            .order_by(Order.id)
            .limit(size)
            .options(
                selectinload(Order.lines).joinedload(OrderLine.variant),
                selectinload(Order.lines).joinedload(OrderLine.product),
            )
        )
        orders = list(session.scalars(query))
        if not orders:
            return
        wanted = {order.viewer_id for order in orders}
        viewers = {v.id: v for v in session.scalars(select(Viewer).where(Viewer.id.in_(wanted)))}
        for order in orders:
            if order.session_id not in lives:
                lives[order.session_id] = session.get(LiveSession, order.session_id)
            yield order_document(
                session, order, viewer=viewers.get(order.viewer_id), live=lives[order.session_id]
            )
        after_id = orders[-1].id  # keyset paging: each page is one query, then let go
        left = None if left is None else left - len(orders)
        if len(orders) < size:
            return
        session.expunge_all()
        lives.clear()


def atomic_write(path: Path, write: Any) -> None:
    """Write to a temporary file and rename: a reader never sees half an export."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_orders_csv(documents: Iterable[dict[str, Any]], path: Path) -> Path:
    atomic_write(path, lambda fh: csv_to(documents, fh))
    return path


def csv_to(documents: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    """Our CSV (a row per order line) to an open file; how many orders were written."""
    writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for doc in documents:
        currency = doc["currency"]
        money = partial_money(currency)
        buyer, ship = doc["buyer"], doc.get("shipping_address") or {}
        payment = doc.get("payment") or {}
        for line in doc["lines"]:
            writer.writerow(
                safe_row(
                    {
                        "order_id": doc["order_id"],
                        "status": doc["status"],
                        "session": doc.get("session") or "",
                        "platform": doc.get("platform") or "",
                        "buyer": buyer["name"],
                        "buyer_platform_id": buyer["platform_user_id"],
                        "buyer_full_name": buyer.get("full_name") or "",
                        "buyer_email": buyer.get("email") or "",
                        "buyer_phone": buyer.get("phone") or "",
                        **{f"ship_{key}": ship.get(key) or "" for key in ADDRESS_KEYS},
                        "product_sku": line["product_sku"],
                        "variant_sku": line["variant_sku"],
                        "name": line["name"],
                        "options": ";".join(f"{k}={v}" for k, v in line["options"].items()),
                        "quantity": line["quantity"],
                        "unit_price": money(line["unit_price_minor"]),
                        "line_total": money(line["unit_price_minor"] * line["quantity"]),
                        "order_total": money(doc["total_minor"]),
                        "currency": currency,
                        "payment_provider": payment.get("provider") or "",
                        "payment_reference": payment.get("reference") or "",
                        "created_at": doc.get("created_at") or "",
                        "paid_at": doc["paid_at"] or "",
                        "cancelled_at": doc.get("cancelled_at") or "",
                        "refunded_at": doc.get("refunded_at") or "",
                    }
                )
            )
        count += 1
    return count


def write_orders_json(documents: Iterable[dict[str, Any]], path: Path) -> Path:
    atomic_write(path, lambda fh: json_to(documents, fh))
    return path


def json_to(documents: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    """`{"orders": [...]}`, an order at a time; how many orders were written."""
    count = 0
    fh.write('{"orders": [')
    for doc in documents:
        fh.write(",\n" if count else "\n")
        fh.write(json.dumps(doc, ensure_ascii=False))
        count += 1
    fh.write("\n]}\n")
    return count


# Shopify's order export: one row per line item, the order's own fields on its first row
# (the columns a Shopify order import reads; what Vitrine does not know stays empty).
SHOPIFY_COLUMNS = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Created at",
    "Cancelled at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Billing Name",
    "Shipping Name",
    "Shipping Street",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
    "Notes",
    "Payment Method",
    "Id",
    "Tags",
    "Source",
]
_FINANCIAL = {"paid": "paid", "handed_off": "paid", "cancelled": "paid", "refunded": "refunded"}


def shopify_csv_to(documents: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    """Shopify's order-export layout; how many orders were written."""
    writer = csv.DictWriter(fh, fieldnames=SHOPIFY_COLUMNS)
    writer.writeheader()
    count = 0
    for doc in documents:
        currency = doc["currency"]
        money = partial_money(currency)
        for n, line in enumerate(doc["lines"]):
            options = " / ".join(str(v) for v in line["options"].values())
            row: dict[str, Any] = {
                "Name": f"#VIT{doc['order_id']}",
                "Lineitem quantity": line["quantity"],
                "Lineitem name": f"{line['name']} - {options}" if options else line["name"],
                "Lineitem price": money(line["unit_price_minor"]),
                "Lineitem sku": line["variant_sku"],
                "Lineitem requires shipping": "true",
            }
            if n == 0:
                buyer, ship = doc["buyer"], doc.get("shipping_address") or {}
                shipping_name = buyer.get("full_name") or buyer["name"] or ""
                street = ", ".join(v for v in (ship.get("line1"), ship.get("line2")) if v)
                row |= {
                    "Email": buyer.get("email") or "",
                    "Shipping Street": street,
                    "Shipping Address1": ship.get("line1") or "",
                    "Shipping Address2": ship.get("line2") or "",
                    "Shipping City": ship.get("city") or "",
                    "Shipping Zip": ship.get("postal_code") or "",
                    "Shipping Province": ship.get("state") or "",
                    "Shipping Country": ship.get("country") or "",
                    "Shipping Phone": buyer.get("phone") or "",
                    "Financial Status": _financial(doc),
                    "Cancelled at": doc.get("cancelled_at") or "",
                    "Paid at": doc["paid_at"] or "",
                    "Fulfillment Status": "unfulfilled",
                    "Currency": currency,
                    "Subtotal": money(doc["total_minor"]),
                    "Shipping": money(0),
                    "Taxes": money(0),
                    "Total": money(doc["total_minor"]),
                    "Created at": doc.get("created_at") or "",
                    "Billing Name": shipping_name,
                    "Shipping Name": shipping_name,
                    "Notes": f"Vitrine order {doc['order_id']}, live {doc.get('session', '')}",
                    "Payment Method": "vitrine",
                    "Id": doc["order_id"],
                    "Tags": f"vitrine, vitrine-order-{doc['order_id']}",
                    "Source": "vitrine",
                }
            writer.writerow(safe_row(row))
        count += 1
    return count


def _financial(doc: dict[str, Any]) -> str:
    """Shopify's financial status: a cart cancelled before payment was never paid."""
    if doc["status"] == "cancelled" and not doc.get("paid_at"):
        return "voided"
    return _FINANCIAL.get(doc["status"], "pending")


def partial_money(currency: str) -> Callable[[int], str]:
    """Minor units as the decimal string an import reads ("49.90"), never a float."""
    return lambda minor: format_money(minor, currency).split()[0]
