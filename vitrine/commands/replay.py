"""`vitrine replay`: a recorded chat through the full pipeline, by one or several workers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bots.transcript.format import (
    FeatureEvent,
    TranscriptError,
    TranscriptLine,
    load_transcript,
)
from bots.transcript.playback import Observer, Shard, percentile, run_replay
from commerce.catalog import CatalogError
from commerce.catalog_formats.loader import load_catalog_file
from commerce.catalog_store import import_catalog
from commerce.models import Product
from kernel.clock import utcnow
from kernel.models import LiveSession
from live.report import session_currency, session_totals
from live.sessions import open_session
from vitrine.bootstrap import Database, build_runtime, new_session_hold, open_database
from vitrine.settings import Settings

REPLAY_PLATFORM = "replay"


@dataclass
class ReplayOptions:
    transcript: Path
    database_url: str
    catalog: Path | None = None
    session_key: str | None = None
    workers: int = 1
    shard: Shard = field(default_factory=Shard)
    latencies_out: Path | None = None
    # Told (lines done, lines in all) as the replay goes, for a progress bar; in-process only.
    progress: Callable[[int, int], None] | None = None


def prepare_session(settings: Settings, database: Database, options: ReplayOptions) -> int:
    """Import the catalog if given and open (or join) the live session; returns its id."""
    with database.unit_of_work() as uow:
        key = options.session_key or f"replay-{options.transcript.stem}-{uuid.uuid4().hex[:8]}"
        joining = uow.session.scalar(select(LiveSession.id).where(LiveSession.key == key))
        if options.catalog is None and uow.session.scalar(select(Product.id).limit(1)) is None:
            raise CatalogError(
                "the database has no catalog: pass --catalog FILE (or import one first "
                "with `vitrine catalog import FILE`)"
            )
        if options.catalog is not None and joining is None:
            # Only a new session imports: re-importing into a running one would reset stock
            # that its sales have already moved.
            import_catalog(uow.session, load_catalog_file(options.catalog, settings.currency))
        live = open_session(
            uow.session,
            key=key,
            platform=REPLAY_PLATFORM,
            chat_id=key,
            now=utcnow(),
            title=f"replay of {options.transcript.name}",
            hold_seconds=new_session_hold(settings),
            language=settings.default_language,
            brand=settings.brand_name,
        )
        uow.commit()
        options.session_key = key
        return live.id


def without_unknown_features(
    database: Database, lines: list[TranscriptLine], bad: list[TranscriptError]
) -> list[TranscriptLine]:
    """The lines, less `feature` events naming a SKU the catalog does not have: each is a
    bad line (added to `bad`, in line order), and the featured product stays as it was."""
    named = {line.sku for line in lines if isinstance(line, FeatureEvent)}
    if not named:
        return lines
    with database.unit_of_work() as uow:
        known = set(uow.session.scalars(select(Product.sku).where(Product.sku.in_(named))))
    kept: list[TranscriptLine] = []
    for line in lines:
        if isinstance(line, FeatureEvent) and line.sku not in known:
            bad.append(TranscriptError(line.line, f"no product with sku {line.sku!r} to feature"))
        else:
            kept.append(line)
    bad.sort(key=lambda error: error.line)
    return kept


def replay_in_process(settings: Settings, options: ReplayOptions) -> dict[str, Any]:
    """Run the whole replay (or one shard of it) in this process."""
    lines, bad = load_transcript(options.transcript)
    # The same runtime as `vitrine run` (no chat platform: the transcript is the chat).
    runtime = build_runtime(settings, options.database_url, plugins=False)
    database = runtime.database
    try:
        live_id = prepare_session(settings, database, options)
        lines = without_unknown_features(database, lines, bad)
        pipeline = runtime.pipeline_for(live_id)
        counters = run_replay(
            pipeline, lines, shard=options.shard, observer=_observer(options, lines)
        )
        if options.progress is not None:
            options.progress(len(lines), len(lines))
        if options.latencies_out is not None:
            options.latencies_out.write_text(json.dumps(counters.latencies_ms))
        totals = session_totals(database, live_id)
        currency = session_currency(database, live_id) or settings.currency
    finally:
        database.dispose()
    return _summary(
        totals,
        counters.comments,
        counters.removed,
        counters.claims,
        counters.latencies_ms,
        counters.elapsed_s,
        options.session_key,
        bad,
        currency,
    )


def _observer(options: ReplayOptions, lines: list[TranscriptLine]) -> Observer | None:
    """Reports progress every 1% of the transcript (per line would slow the replay)."""
    report = options.progress
    if report is None:
        return None
    total = len(lines)
    step = max(1, total // 100)
    done = 0

    def seen(line: TranscriptLine, result: object) -> None:
        nonlocal done
        done += 1  # a line may be seen twice (holds that ended before it): hence the min
        if done % step == 0:
            report(min(done, total), total)

    return seen


def _summary(
    totals: dict[str, int],
    comments: int,
    removed: int,
    claims: int,
    latencies: list[float],
    elapsed_s: float,
    key: str | None,
    bad: list[TranscriptError],
    currency: str,
) -> dict[str, Any]:
    return {
        "comments": comments,
        "removed": removed,
        "claims": claims,
        "reserved_units": totals["reserved_units"],
        "waitlisted": totals["waitlisted"],
        "oversold": totals["oversold"],
        "carts": totals["carts"],
        "paid_orders": totals["paid_orders"],
        "replies": totals["replies"],
        "p50_ms": round(percentile(latencies, 50), 3),
        "p99_ms": round(percentile(latencies, 99), 3),
        "comments_per_s": round(comments / elapsed_s, 1) if elapsed_s > 0 else 0.0,
        "elapsed_s": round(elapsed_s, 3),
        "session": key,
        "bad_lines": [str(e) for e in bad],
        # Added keys (the ones above keep their meaning): the whole session's figures.
        "comments_stored": totals["comments_stored"],
        "revenue_minor": totals["revenue_minor"],
        "currency": currency,
    }


# Which figures of the summary count this run only, and which the whole live session (read
# back from the database: earlier runs and other workers included).
THIS_RUN = ("comments", "removed", "claims", "p50_ms", "p99_ms", "comments_per_s", "elapsed_s")
WHOLE_SESSION = (
    "comments_stored",
    "reserved_units",
    "waitlisted",
    "oversold",
    "carts",
    "paid_orders",
    "replies",
    "revenue_minor",
)


def replay_with_workers(settings: Settings, options: ReplayOptions) -> dict[str, Any]:
    """Prepare the session once, then run one worker process per shard on it."""
    lines, bad = load_transcript(options.transcript)
    database = open_database(options.database_url)
    try:
        live_id = prepare_session(settings, database, options)
        without_unknown_features(database, lines, bad)
    finally:
        database.dispose()
    with tempfile.TemporaryDirectory(prefix="vitrine-replay-") as tmp:
        procs = []
        for index in range(options.workers):
            cmd = [
                sys.executable,
                "-m",
                "vitrine.cli",
                "replay",
                str(options.transcript),
                "--db",
                options.database_url,
                "--session",
                str(options.session_key),
                "--json",
                "--shard",
                f"{index}/{options.workers}",
                "--latencies-out",
                str(Path(tmp) / f"lat-{index}.json"),
            ]
            procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, env=os.environ.copy()))
        results = []
        for proc in procs:
            out, _ = proc.communicate()
            if proc.returncode != 0:
                raise RuntimeError(f"replay worker exited with {proc.returncode}")
            results.append(json.loads(out))
        latencies: list[float] = []
        for index in range(options.workers):
            latencies.extend(json.loads((Path(tmp) / f"lat-{index}.json").read_text()))
    database = open_database(options.database_url)
    try:
        totals = session_totals(database, live_id)
        currency = session_currency(database, live_id) or settings.currency
    finally:
        database.dispose()
    elapsed = max(r["elapsed_s"] for r in results) if results else 0.0
    return _summary(
        totals,
        sum(r["comments"] for r in results),
        sum(r["removed"] for r in results),
        sum(r["claims"] for r in results),
        latencies,
        elapsed,
        options.session_key,
        bad,
        currency,
    )
