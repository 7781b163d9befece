"""Statements the full pipeline sends per comment, by kind: a deterministic figure to steer
throughput work by, on a machine whose speed varies from run to run.

    python bench/replay_statements.py [--messages 20000] [--db sqlite|postgresql]

Runs `vitrine replay` in this process on the replay_throughput bench's inputs and counts
every statement SQLAlchemy sends (COMMITs are not statements and are not counted).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from flash_sale import fresh_postgres
from replay_throughput import make_inputs


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--messages", type=int, default=20_000)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    counts: Counter[str] = Counter()

    @event.listens_for(Engine, "after_cursor_execute")
    def _count(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        counts[" ".join(re.sub(r"\s+", " ", statement).split(" ")[:4])] += 1

    from vitrine.cli import main as vitrine

    with tempfile.TemporaryDirectory(prefix="vitrine-statements-") as tmp:
        catalog, transcript = make_inputs(Path(tmp), args.messages)
        url = fresh_postgres() if args.db == "postgresql" else f"sqlite:///{tmp}/r.db"
        sys.argv = ["vitrine", "replay", str(transcript), "--catalog", str(catalog)]
        sys.argv += ["--db", url, "--json"]
        try:
            vitrine()
        except SystemExit as done:
            if done.code:
                return int(done.code)
    total = sum(counts.values())
    print(f"statements {total}, per comment {total / args.messages:.3f}")
    for kind, n in counts.most_common(args.top):
        print(f"{n:8d}  {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
