"""Flash-sale benchmark: N buyers claim a product with K units within seconds.

Generates a catalog and a transcript, runs them through `vitrine replay --workers W` on
SQLite and on PostgreSQL, and checks what must hold: exactly K units reserved, nothing
oversold, every claimer answered exactly once (reserved, or waitlisted with a position).

    python bench/flash_sale.py [--buyers 2000] [--units 50] [--workers 4]
                               [--db sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get(
    "VITRINE_BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_DB = "vitrine_flash_sale"

CLAIMS = [
    "SOLD",
    "sold!!",
    "je prends",
    "jprends 🙏",
    "moi !",
    "mine",
    "I'll take it",
    "+1",
    "lo quiero",
    "me lo llevo",
    "ich nehme",
    "lo prendo",
    "je le veux",
    "pour moi svp",
    "SOLD SOLD",
]


def make_inputs(folder: Path, buyers: int, units: int, seed: int) -> tuple[Path, Path]:
    catalog = {
        "currency": "EUR",
        "products": [
            {
                "sku": "FLASH",
                "code": "1",
                "name": "Sac Flash",
                "aliases": ["sac"],
                "price": "89.00",
                "options": {},
                "variants": [{"sku": "FLASH-U", "options": {}, "stock": units}],
            }
        ],
    }
    rng = random.Random(seed)
    lines = [{"ts": 0.0, "event": "feature", "sku": "FLASH"}]
    stamps = sorted(rng.uniform(0.5, 5.0) for _ in range(buyers))
    for n, ts in enumerate(stamps):
        lines.append(
            {
                "id": f"f{n}",
                "ts": round(ts, 4),
                "author": {"id": f"buyer{n}", "name": f"Buyer {n}", "role": "viewer"},
                "text": rng.choice(CLAIMS),
            }
        )
    catalog_path = folder / "flash-catalog.json"
    transcript = folder / "flash-chat.jsonl"
    catalog_path.write_text(json.dumps(catalog))
    transcript.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    return catalog_path, transcript


def fresh_postgres() -> str:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{PG_DB}"'))
    admin.dispose()
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_DB}"
    subprocess.run(
        [sys.executable, "-m", "vitrine.cli", "db", "upgrade", "--db", url],
        check=True,
        capture_output=True,
    )
    return url


def answers_per_claimer(url: str, session_key: str) -> Counter[str]:
    """How many public replies each claimer received in that session."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT o.payload FROM outbox o JOIN live_sessions s ON s.id = o.session_id "
                "WHERE s.key = :key AND o.kind = 'public'"
            ),
            {"key": session_key},
        ).all()
    engine.dispose()
    counts: Counter[str] = Counter()
    for (payload,) in rows:
        data = payload if isinstance(payload, dict) else json.loads(payload)
        counts[data["user_id"]] += 1
    return counts


def run(backend: str, buyers: int, units: int, workers: int, folder: Path) -> dict:
    catalog, transcript = make_inputs(folder, buyers, units, seed=7)
    url = fresh_postgres() if backend == "postgresql" else f"sqlite:///{folder / 'flash.db'}"
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "vitrine.cli",
            "replay",
            str(transcript),
            "--catalog",
            str(catalog),
            "--db",
            url,
            "--workers",
            str(workers),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"replay failed on {backend}:\n{done.stderr}")
    summary = json.loads(done.stdout)
    answers = answers_per_claimer(url, summary["session"])
    summary.update(
        {
            "backend": backend,
            "workers": workers,
            "wall_s": round(wall, 2),
            "claimers_answered": len(answers),
            "claimers_answered_more_than_once": sum(1 for c in answers.values() if c > 1),
        }
    )
    summary["ok"] = (
        summary["reserved_units"] == units
        and summary["oversold"] == 0
        and summary["claimers_answered"] == buyers
        and summary["claimers_answered_more_than_once"] == 0
        and summary["reserved_units"] + summary["waitlisted"] == buyers
    )
    return summary


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--buyers", type=int, default=2000)
    ap.add_argument("--units", type=int, default=50)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    ok = True
    with tempfile.TemporaryDirectory(prefix="vitrine-flash-") as tmp:
        for backend in backends:
            s = run(backend, args.buyers, args.units, args.workers, Path(tmp))
            keys = (
                "backend",
                "workers",
                "comments",
                "claims",
                "reserved_units",
                "waitlisted",
                "oversold",
                "claimers_answered",
                "claimers_answered_more_than_once",
                "comments_per_s",
                "p50_ms",
                "p99_ms",
                "wall_s",
                "ok",
            )
            print(json.dumps({k: s[k] for k in keys}))
            ok &= s["ok"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
