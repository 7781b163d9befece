"""Order exports for the brand's shop: CSV (one row per line) and JSON (one object per order)."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commerce.models import Order
from commerce.orders import order_document
from kernel.csv_cells import safe_row
from kernel.models import Viewer
from kernel.money import format_money

CSV_COLUMNS = [
    "order_id",
    "status",
    "buyer",
    "buyer_platform_id",
    "product_sku",
    "variant_sku",
    "name",
    "options",
    "quantity",
    "unit_price",
    "line_total",
    "currency",
    "paid_at",
]


def orders_for_export(
    session: Session, session_id: int, statuses: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Order documents of a live session, with the buyer, oldest first."""
    query = select(Order).where(Order.session_id == session_id).order_by(Order.id)
    if statuses is not None:
        query = query.where(Order.status.in_(list(statuses)))
    documents = []
    for order in session.scalars(query):
        viewer = session.get(Viewer, order.viewer_id)
        doc = order_document(session, order)
        doc["buyer"] = {
            "name": viewer.display_name if viewer else None,
            "platform": viewer.platform if viewer else None,
            "platform_user_id": viewer.platform_user_id if viewer else None,
        }
        documents.append(doc)
    return documents


def _atomic_write(path: Path, write: Any) -> None:
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


def write_orders_csv(documents: list[dict[str, Any]], path: Path) -> Path:
    def write(fh: Any) -> None:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for doc in documents:
            for line in doc["lines"]:
                currency = doc["currency"]
                writer.writerow(
                    safe_row(
                        {
                            "order_id": doc["order_id"],
                            "status": doc["status"],
                            "buyer": doc["buyer"]["name"],
                            "buyer_platform_id": doc["buyer"]["platform_user_id"],
                            "product_sku": line["product_sku"],
                            "variant_sku": line["variant_sku"],
                            "name": line["name"],
                            "options": ";".join(f"{k}={v}" for k, v in line["options"].items()),
                            "quantity": line["quantity"],
                            "unit_price": format_money(line["unit_price_minor"], currency).split()[
                                0
                            ],
                            "line_total": format_money(
                                line["unit_price_minor"] * line["quantity"], currency
                            ).split()[0],
                            "currency": currency,
                            "paid_at": doc["paid_at"] or "",
                        }
                    )
                )

    _atomic_write(path, write)
    return path


def write_orders_json(documents: list[dict[str, Any]], path: Path) -> Path:
    _atomic_write(
        path, lambda fh: json.dump({"orders": documents}, fh, ensure_ascii=False, indent=2)
    )
    return path
