"""Export at scale: `vitrine export` of 10,000 and 100,000 paid orders, as a user runs it,
on SQLite and PostgreSQL. Reports wall time and the export process's peak memory (RSS):
a streaming export's peak must not grow with the number of orders.

    python bench/export_scale.py [--sizes 10000 100000] [--db sqlite|postgresql|both]
                                 [--format csv|json|shopify-csv]

Orders are written straight into a migrated database (two lines each, a buyer with an
address), then exported by `python -m vitrine.cli export` in a child process whose peak
RSS is read from the kernel when it exits (os.wait4).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_ADMIN = os.environ.get(
    "VITRINE_BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_DB = "vitrine_export_scale"
T0 = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


def _vitrine(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vitrine.cli", *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def fresh_database(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'export.db'}"
    else:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_DB}"'))
        admin.dispose()
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_DB}"
    _vitrine("db", "upgrade", "--db", url)
    return url


def seed(url: str, orders: int) -> None:
    """`orders` paid orders of one live, two lines each, each buyer with an address."""
    from commerce.models import Order, OrderLine, Product, Variant
    from kernel.models import LiveSession, Viewer

    engine = create_engine(url)
    with engine.begin() as conn:
        live = conn.execute(
            insert(LiveSession).returning(LiveSession.id),
            [
                {
                    "key": "scale",
                    "platform": "telegram",
                    "chat_id": "-100",
                    "started_at": T0,
                    "hold_mode": "timed",
                    "hold_seconds": 900,
                }
            ],
        ).scalar_one()
        product = conn.execute(
            insert(Product).returning(Product.id),
            [
                {
                    "sku": "ROBE",
                    "code": "1",
                    "name": "Robe Lina",
                    "price_minor": 5900,
                    "currency": "EUR",
                    "aliases": [],
                    "options": {"size": ["S", "M"]},
                }
            ],
        ).scalar_one()
        variants = [
            conn.execute(
                insert(Variant).returning(Variant.id),
                [
                    {
                        "product_id": product,
                        "sku": f"ROBE-{size}",
                        "options": {"size": size},
                        "stock": 10**9,
                        "reserved": 0,
                    }
                ],
            ).scalar_one()
            for size in ("S", "M")
        ]
        batch = 5000
        for start in range(0, orders, batch):
            n = min(batch, orders - start)
            viewers = (
                conn.execute(
                    insert(Viewer).returning(Viewer.id),
                    [
                        {
                            "platform": "telegram",
                            "platform_user_id": str(10**8 + start + i),
                            "display_name": f"buyer {start + i}",
                            "role": "viewer",
                            "created_at": T0,
                        }
                        for i in range(n)
                    ],
                )
                .scalars()
                .all()
            )
            rows = []
            for i, viewer in enumerate(viewers):
                moment = T0 + timedelta(seconds=start + i)
                rows.append(
                    {
                        "session_id": live,
                        "viewer_id": viewer,
                        "status": "paid",
                        "currency": "EUR",
                        "total_minor": 11800,
                        "public_token": f"tok{start + i:012d}scale",
                        "checkout_provider": "local",
                        "created_at": moment,
                        "updated_at": moment,
                        "paid_at": moment,
                        "closed_at": moment,
                        "buyer_name": f"Camille Martin {start + i}",
                        "buyer_email": f"buyer{start + i}@example.org",
                        "shipping_address": {
                            "line1": f"{i} rue des Lilas",
                            "line2": None,
                            "postal_code": "69003",
                            "city": "Lyon",
                            "state": None,
                            "country": "FR",
                        },
                    }
                )
            ids = conn.execute(insert(Order).returning(Order.id), rows).scalars().all()
            conn.execute(
                insert(OrderLine),
                [
                    {
                        "order_id": order,
                        "product_id": product,
                        "variant_id": variant,
                        "quantity": 1,
                        "unit_price_minor": 5900,
                        "status": "active",
                        "created_at": T0,
                    }
                    for order in ids
                    for variant in variants
                ],
            )
    engine.dispose()


def export(url: str, out: Path, fmt: str) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one `vitrine export` process."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vitrine.cli",
            "export",
            "--format",
            fmt,
            "--out",
            str(out),
            "--db",
            url,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"export failed: {child.stderr.read().decode() if child.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--format", default="csv", choices=("csv", "json", "shopify-csv"))
    options = parser.parse_args()
    kinds = ("sqlite", "postgresql") if options.db == "both" else (options.db,)
    heads = ("orders", "seconds", "orders/s", "peak MiB", "file MiB")
    print(f"{'database':<11} " + " ".join(f"{h:>9}" for h in heads))
    for kind in kinds:
        for size in options.sizes:
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                url = fresh_database(kind, folder)
                seed(url, size)
                out = folder / f"orders.{options.format}"
                seconds, peak = export(url, out, options.format)
                lines = sum(1 for _ in out.open(encoding="utf-8"))
                expected_min = size * 2 if options.format != "json" else size
                if lines < expected_min:
                    raise SystemExit(f"{kind}: {lines} lines for {size} orders")
                file_mib = out.stat().st_size / 2**20
                print(
                    f"{kind:<11} {size:>8} {seconds:>8.1f} {size / seconds:>9,.0f} "
                    f"{peak:>9.1f} {file_mib:>9.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
