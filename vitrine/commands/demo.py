"""`vitrine demo`: a whole live on embedded defaults — no token, no key, no network.

Creates a SQLite database, imports the bundled catalog, replays the bundled chat through
the real pipeline as a simulated platform, shows what the bot says and does, and ends with
a summary and the path of the order export it wrote.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bots.console import ConsolePlatform
from bots.transcript.format import ChatLine, FeatureEvent, PayEvent, TranscriptLine, load_transcript
from bots.transcript.playback import run_replay
from commerce.catalog_formats.loader import load_catalog_file
from commerce.catalog_store import import_catalog
from commerce.export import iter_orders, write_orders_csv, write_orders_json
from commerce.outcomes import OrderPaid, Reserved, UnitsReleased, Waitlisted
from kernel.clock import utcnow
from kernel.money import format_money
from live.pipeline import PipelineResult
from live.report import session_totals
from live.sessions import open_session
from vitrine.bootstrap import build_runtime, new_session_hold
from vitrine.settings import Settings
from vitrine.terminal import plain

OUTCOME_LABELS = {
    "OptionNeeded": "❓ asked which option",
    "OptionUnavailable": "❓ option not available",
    "ClaimCancelled": "↩️  cancelled, stock back on sale",
    "WaitlistPromoted": "🎉 waitlist promoted",
    "LimitReached": "✋ limit per viewer",
    "NothingToCancel": "nothing to cancel",
    "UnknownProduct": "❓ unknown product",
    "HoldExpired": "⏰ hold expired",
}
ROLE_STYLE = {"host": "bold yellow", "moderator": "bold green", "viewer": "white"}


def demo_file(name: str) -> Path:
    return Path(str(resources.files("vitrine.demo_data").joinpath(name)))


class DemoView:
    """Prints the chat as it happens: comments, and what the pipeline made of them."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.names: dict[str, str] = {}  # viewers' names by id, as their comments gave them

    def __call__(
        self, line: TranscriptLine, result: PipelineResult | Sequence[object] | None
    ) -> None:
        c = self.console
        stamp = f"[dim]{int(line.ts) // 60:02d}:{int(line.ts) % 60:02d}[/]"
        if isinstance(line, FeatureEvent):
            c.rule(f"[bold yellow]🎬 now showing {escape(line.sku)}[/]")
        elif isinstance(line, PayEvent):
            if isinstance(result, list) and result:
                who = plain(self.names.get(line.author_id) or line.author_id)
                paid = [o for o in result if isinstance(o, OrderPaid)]
                total = f" ({format_money(paid[0].total_minor, paid[0].currency)})" if paid else ""
                c.print(f"{stamp} [bold green]💳 {escape(who)} paid their cart{total}[/]")
        elif isinstance(line, ChatLine):
            self.names[line.author_id] = line.author_name
            style = ROLE_STYLE.get(line.role, "white")
            name, text = escape(plain(line.author_name)), escape(plain(line.text, 200))
            c.print(f"{stamp} [{style}]{name}[/]: {text}")
            if isinstance(result, PipelineResult) and result.intent is not None:
                tags = []
                for outcome in result.outcomes:
                    if isinstance(outcome, UnitsReleased):
                        continue  # moves the waitlist; the promotion itself is shown
                    if isinstance(outcome, Reserved):
                        tags.append(f"[green]✅ reserved {escape(outcome.item.label())}[/]")
                    elif isinstance(outcome, Waitlisted):
                        tags.append(f"[yellow]⏳ waitlist #{outcome.position}[/]")
                    else:
                        label = OUTCOME_LABELS.get(type(outcome).__name__, type(outcome).__name__)
                        tags.append(f"[blue]{label}[/]")
                if tags:
                    c.print("      " + "  ".join(tags))
        elif isinstance(result, list) and result:
            names = ", ".join(type(o).__name__ for o in result if not isinstance(o, UnitsReleased))
            c.print(f"{stamp} [dim]⏰ {escape(names)}[/]")


def run_demo(
    settings: Settings, database_url: str | None, speed: float | None, console: Console
) -> Path:
    """Run the demo; returns the path of the order export."""
    # The bundled chat is the live of a fictional brand; its host's name is protected.
    settings = settings.model_copy(
        update={
            "brand_name": "Atelier Solène",
            "protected_names": [*settings.protected_names, "Solène"],
            "allowed_domains": [*settings.allowed_domains, "atelier-solene.fr"],
        }
    )
    data_dir = settings.data_dir
    stamp = f"{utcnow():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:4]}"
    if database_url is None:
        # A new file each run: a `vitrine run` serving an earlier demo keeps its database.
        database_url = f"sqlite:///{(data_dir / f'demo-{stamp}.db').as_posix()}"
    console.print(f"[bold]Vitrine demo[/] — database {escape(database_url)}")
    platform = ConsolePlatform(console)
    # The same runtime as `vitrine run`, with the console as the chat and the recorded
    # chat played into it.
    runtime = build_runtime(settings, database_url, platforms={"console": platform}, plugins=False)
    database = runtime.database
    try:
        lines, bad = load_transcript(demo_file("chat.jsonl"))
        for error in bad:
            console.print(f"[red]skipped demo chat {escape(str(error))}[/]")
        with database.unit_of_work() as uow:
            catalog = load_catalog_file(demo_file("catalog.json"))
            result = import_catalog(uow.session, catalog)
            live = open_session(
                uow.session,
                key=f"demo-{stamp}",
                platform="console",
                # Its own chat: run again on the same database, the demo is a new live, not
                # a redelivery of the last one's comments.
                chat_id=f"demo-{stamp}",
                now=utcnow(),
                title="Vitrine demo live",
                hold_seconds=new_session_hold(settings),
                language=settings.default_language,
                brand=settings.brand_name,
            )
            uow.commit()
            live_id, session_key = live.id, live.key
        console.print(
            f"catalog: {result.products} products, {result.units} units — "
            f"chat: {sum(isinstance(x, ChatLine) for x in lines)} messages"
        )
        pipeline = runtime.pipeline_for(live_id)
        sender = runtime.relay
        loop = asyncio.new_event_loop()

        def send_replies(now: datetime) -> None:
            loop.run_until_complete(sender.drain(now))

        try:
            counters = run_replay(
                pipeline,
                lines,
                speed=speed,
                observer=DemoView(console),
                after_step=send_replies,
            )
        finally:
            loop.close()
        totals = session_totals(database, live_id)
        with database.unit_of_work() as uow:
            documents = list(iter_orders(uow.session, session_id=live_id))
        exports = data_dir / "exports"
        csv_path = write_orders_csv(documents, exports / f"demo-orders-{live_id}.csv")
        write_orders_json(documents, exports / f"demo-orders-{live_id}.json")
    finally:
        database.dispose()
    table = Table(title="Live summary")
    table.add_column("figure")
    table.add_column("value", justify="right")
    rows = [
        ("comments", counters.comments),
        ("claims", counters.claims),
        ("units reserved", totals["reserved_units"]),
        ("waitlisted", totals["waitlisted"]),
        ("messages removed", counters.removed),
        ("carts", totals["carts"]),
        ("paid orders", totals["paid_orders"]),
        ("revenue (paid)", format_money(totals["revenue_minor"], catalog.currency)),
        ("bot replies", totals["replies"]),
    ]
    for name, value in rows:
        table.add_row(name, str(value))
    console.print(table)
    db = escape(database_url)
    key = escape(session_key)
    console.print(f"session [bold]{key}[/] in database [bold]{db}[/]")
    console.print(f"order export: [bold]{escape(str(csv_path.resolve()))}[/] (and .json)")
    console.print("next steps:")
    console.print(f"  vitrine sessions --db {db}")
    console.print(f"  vitrine moderation log --session {key} --db {db}")
    console.print(f"  vitrine export --session {key} --out orders.json --db {db}")
    console.print(f"  vitrine run --db {db}   # then open a link from a ✉️ DM above")
    return csv_path
