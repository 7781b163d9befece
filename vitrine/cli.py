"""The `vitrine` command. Heavy modules are imported inside commands to keep start-up fast."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from vitrine.cli_common import DbOption
from vitrine.cli_common import database_url as _database_url
from vitrine.cli_common import fail as _fail
from vitrine.commands.handoff import order_app, schedule_app, viewer_app, webhook_app

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    help="Vitrine: live-stream chat comments become orders; the chat stays clean.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
catalog_app = typer.Typer(help="Product catalog.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(catalog_app, name="catalog")
moderation_app = typer.Typer(help="The moderation audit log.", no_args_is_help=True)
app.add_typer(moderation_app, name="moderation")
outbox_app = typer.Typer(
    help="What waits to be sent (replies, moderation actions, brand events).",
    no_args_is_help=True,
)
app.add_typer(outbox_app, name="outbox")
apikey_app = typer.Typer(help="Keys for the brand API (GET /api/orders).", no_args_is_help=True)
app.add_typer(apikey_app, name="apikey")

app.add_typer(webhook_app, name="webhook")
app.add_typer(order_app, name="order")
app.add_typer(viewer_app, name="viewer")
app.add_typer(schedule_app, name="schedule")


@app.callback()
def _start() -> None:
    """Before any command: the settings are read (one line per problem, never a value)
    and logging is configured from them."""
    from vitrine.logs import configure_logging
    from vitrine.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        for line in exc.lines:
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(2) from None
    configure_logging(settings.log_level, settings.log_format)


@contextmanager
def _progress_bar(console: Console, label: str) -> Iterator[Callable[[int, int], None]]:
    """A bar on the terminal while a long job runs; yields what the job reports to."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(f"[bold]{label}", *columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, revision: str = "head") -> None:
    """Upgrade the database schema (creates the SQLite file if needed)."""
    from kernel.db import make_engine
    from vitrine import migrations

    url = _database_url(db)
    make_engine(url).dispose()  # creates the SQLite data directory
    migrations.upgrade(url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument()] = "base",
    db: DbOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do it without asking")] = False,
) -> None:
    """Downgrade the database schema (to `base` by default: drops every table and its data)."""
    from vitrine import migrations

    if not yes:
        what = "drop every table and all its data" if revision == "base" else "lose data"
        if not sys.stdin.isatty():
            raise _fail(f"downgrading to {revision} may {what}: add --yes to do it")
        if not typer.confirm(f"Downgrade to {revision}? This may {what}.", default=False):
            raise _fail("nothing changed")

    migrations.downgrade(_database_url(db), revision)
    typer.echo(f"database at {revision}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Print the database's schema revision and whether it is the newest."""
    from kernel.db import make_engine
    from vitrine import migrations
    from vitrine.bootstrap import require_existing

    url = _database_url(db)
    require_existing(url)
    engine = make_engine(url)
    current = migrations.current_revision(engine)
    head = migrations.head_revision()
    typer.echo(f"current {current or 'none'}; head {head}")
    engine.dispose()


@catalog_app.command("import")
def catalog_import(
    file: Annotated[Path | None, typer.Argument(exists=True, dir_okay=False, readable=True)] = None,
    db: DbOption = None,
    currency: Annotated[
        str | None, typer.Option(help="Currency of Shopify prices (default: settings)")
    ] = None,
    shopify: Annotated[
        bool,
        typer.Option("--shopify", help="Pull products and stock from VITRINE_SHOPIFY_SHOP instead"),
    ] = False,
) -> None:
    """Import a catalog: a file (JSON as in docs/formats.md, or a Shopify products CSV
    export), or with --shopify the products and stock of the brand's shop."""
    import asyncio

    from commerce.catalog import CatalogError
    from commerce.catalog_formats.loader import load_catalog_file
    from commerce.catalog_store import import_catalog
    from commerce.shopify.admin import ShopifyRefused, ShopifyUnavailable
    from commerce.shopify.catalog import pull_catalog
    from vitrine.bootstrap import open_database, shopify_admin
    from vitrine.settings import Settings

    settings = Settings()
    if (file is None) == (not shopify):
        raise _fail("give a catalog FILE, or --shopify (not both)", 2)
    try:
        if file is not None:
            catalog = load_catalog_file(file, currency=currency or settings.currency)
        else:
            admin = shopify_admin(settings)
            if admin is None:
                raise _fail("--shopify needs VITRINE_SHOPIFY_SHOP and VITRINE_SHOPIFY_ACCESS_TOKEN")
            catalog = asyncio.run(pull_catalog(admin, currency or settings.currency))
    except (ShopifyRefused, ShopifyUnavailable) as exc:
        raise _fail(f"nothing imported: {exc}") from exc
    except CatalogError as exc:
        raise _fail(f"catalog rejected, nothing imported: {exc}") from exc
    database = open_database(_database_url(db))
    try:
        with database.unit_of_work() as uow:
            result = import_catalog(uow.session, catalog)
            uow.commit()
    except CatalogError as exc:  # it does not fit the catalog already there
        raise _fail(f"catalog rejected, nothing imported: {exc}") from exc
    finally:
        database.dispose()
    typer.echo(
        f"imported {result.products} products ({result.created} new, {result.updated} updated), "
        f"{result.variants} variants, {result.units} units in stock"
    )


@app.command("parse")
def parse(
    catalog: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="Catalog JSON")],
    in_: Annotated[Path | None, typer.Option("--in", help="Comments JSONL (default stdin)")] = None,
    out: Annotated[Path | None, typer.Option(help="Results JSONL (default stdout)")] = None,
) -> None:
    """Parse purchase intents in comments, offline (docs/formats.md)."""
    from commerce.catalog import CatalogError
    from vitrine.commands.parse import run_parse

    try:
        run_parse(catalog, in_, out)
    except CatalogError as exc:
        raise _fail(f"catalog rejected: {exc}") from exc


@app.command("moderate")
def moderate(
    settings: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="Settings JSON")],
    in_: Annotated[Path | None, typer.Option("--in", help="Messages JSONL (default stdin)")] = None,
    out: Annotated[Path | None, typer.Option(help="Decisions JSONL (default stdout)")] = None,
) -> None:
    """Run the moderation policy over a recorded chat, offline (docs/formats.md)."""
    from vitrine.commands.moderate import ModerationSettingsError, run_moderate

    try:
        run_moderate(settings, in_, out)
    except ModerationSettingsError as exc:
        raise _fail(f"settings rejected: {exc}") from exc


@app.command("demo")
def demo(
    speed: Annotated[
        str, typer.Option(help="Replay pace: 'max' (as fast as possible), or N times real pace")
    ] = "40",
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (default: a fresh var/demo.db)")
    ] = None,
) -> None:
    """Run a whole simulated live on embedded defaults: no token, no key, no network."""
    from rich.console import Console

    from vitrine.commands.demo import run_demo
    from vitrine.settings import Settings

    if speed == "max":
        pace = None
    else:
        try:
            pace = float(speed)
        except ValueError as exc:
            raise _fail("--speed takes 'max' or a number, e.g. 1 for real pace") from exc
        if pace <= 0:
            raise _fail("--speed must be positive")
    run_demo(Settings(), db, pace, Console())


@app.command("replay")
def replay(
    transcript: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    catalog: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="Catalog to import first")
    ] = None,
    db: DbOption = None,
    session: Annotated[
        str | None, typer.Option(help="Live session key to join (shared by several replays)")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes, each with its share of the viewers. With more than one, "
            "scarce stock goes to the first worker to reach it, not always to the first "
            "commenter: keep 1 to replay who-bought-what exactly",
        ),
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    shard: Annotated[str | None, typer.Option(hidden=True)] = None,
    latencies_out: Annotated[Path | None, typer.Option(hidden=True)] = None,
) -> None:
    """Push a recorded chat through the full pipeline as fast as it can; print a summary.

    The summary mixes two scopes: comments, removed, claims and the timings count this run;
    reserved_units, waitlisted, oversold, carts, paid_orders, replies, comments_stored and
    revenue_minor are the whole live session's, read from the database (earlier runs with
    the same --session and every worker included)."""
    import json

    from bots.transcript.playback import Shard
    from commerce.catalog import CatalogError
    from vitrine.bootstrap import DatabaseNotMigrated
    from vitrine.commands.replay import ReplayOptions, replay_in_process, replay_with_workers
    from vitrine.settings import Settings

    settings = Settings()
    options = ReplayOptions(
        transcript=transcript,
        database_url=_database_url(db),
        catalog=catalog,
        session_key=session,
        workers=workers,
        latencies_out=latencies_out,
    )
    if shard is not None:
        index, count = (int(x) for x in shard.split("/"))
        options.shard = Shard(index, count)
    from rich.console import Console

    stderr = Console(stderr=True)
    try:
        if workers > 1 and shard is None:
            with stderr.status(f"replaying with {workers} workers…"):
                summary = replay_with_workers(settings, options)
        elif shard is None and not as_json and stderr.is_terminal:
            with _progress_bar(stderr, f"replaying {transcript.name}") as report:
                options.progress = report
                summary = replay_in_process(settings, options)
        else:
            summary = replay_in_process(settings, options)
    except (CatalogError, DatabaseNotMigrated) as exc:
        raise _fail(str(exc)) from exc
    for error in summary["bad_lines"]:
        typer.echo(f"warning: skipped {error}", err=True)
    if as_json:
        typer.echo(json.dumps(summary))
        return
    _print_replay_summary(summary, transcript.name, db)


def _print_replay_summary(summary: dict[str, Any], name: str, db: str | None) -> None:
    """The summary as a person reads it: this run, then the whole session, then what to
    run next (the same figures as --json)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from kernel.money import format_money
    from vitrine.commands.replay import THIS_RUN, WHOLE_SESSION

    key = summary["session"]
    table = Table(title=f"replay of {name}", title_justify="left")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("[bold]this run[/]", "")
    for figure in THIS_RUN:
        table.add_row(f"  {figure.replace('_', ' ')}", str(summary[figure]))
    table.add_row("[bold]the whole session (database)[/]", "")
    for figure in WHOLE_SESSION:
        if figure == "revenue_minor":
            table.add_row("  revenue (paid)", format_money(summary[figure], summary["currency"]))
        else:
            table.add_row(f"  {figure.replace('_', ' ')}", str(summary[figure]))
    console = Console()
    console.print(table)
    at = f" --db {db}" if db else ""
    console.print(f"session [bold]{escape(str(key))}[/]. Next:", highlight=False)
    for command in (
        f"vitrine export --session {key}{at} --out orders.csv",
        f"vitrine moderation log --session {key}{at}",
        f"vitrine sessions{at}",
    ):
        console.print(f"  {escape(command)}", highlight=False, soft_wrap=True)


@app.command("run")
def run(
    db: DbOption = None,
    host: Annotated[str | None, typer.Option(help="Web host (default: VITRINE_WEB_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Web port (default: VITRINE_WEB_PORT)")] = None,
) -> None:
    """Run a live: checkout pages and payment webhooks, the enabled chat platforms, the
    outbox relay and the scheduled jobs, in one process until SIGTERM or Ctrl-C."""
    import logging

    from commerce.brand_events import BRAND_CHANNELS
    from commerce.checkout.factory import CheckoutConfigError, provider_from_settings
    from live.platform import ReceiverStopped
    from vitrine.bootstrap import build_runtime
    from vitrine.runtime import serve
    from vitrine.scheduler import start_scheduler
    from vitrine.settings import load_settings
    from vitrine.web import create_app

    log = logging.getLogger("vitrine.run")
    settings = load_settings()
    host, port = host or settings.web_host, port or settings.web_port
    try:
        provider = provider_from_settings(settings)
        runtime = build_runtime(settings, _database_url(db), provider=provider)
        receivers = [p for p in runtime.platforms.values() if hasattr(p, "accept")]
        app_ = create_app(
            settings,
            runtime.database,
            provider=provider,
            receivers=receivers,  # type: ignore[arg-type]
        )
    except CheckoutConfigError as exc:
        raise _fail(str(exc)) from exc
    log.info("database: %s", _shown_url(runtime.database.url))
    log.info("checkout: %s; links start with %s", provider.name, settings.public_url)
    _warn_if_links_miss(settings.public_url, host, port, log)
    names = ", ".join(runtime.platforms) or "none (set a platform's token to connect a chat)"
    log.info("chat platforms: %s", names)
    brand = "configured" if settings.brand_webhook_url else "not configured: brand events wait"
    log.info("brand webhook: %s", brand)
    scheduler, lease = start_scheduler(settings, runtime.database, provider)
    # The brand hears from the lease holder only (whose lease is renewed every third).
    runtime.relay.only_while(BRAND_CHANNELS, lambda: lease.lease.held)
    try:
        serve(runtime, app_, host=host, port=port)
    except ReceiverStopped as exc:
        raise _fail(str(exc)) from exc
    finally:
        scheduler.shutdown(wait=False)
        lease.release()
        runtime.close()


def _shown_url(url: str) -> str:
    """A database URL fit for a log line: no password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _warn_if_links_miss(public_url: str, host: str, port: int, log: object) -> None:
    from urllib.parse import urlparse

    link = urlparse(public_url)
    local = link.hostname in ("127.0.0.1", "localhost", "::1")
    if local and (link.port or 80) != port:
        log.warning(  # type: ignore[attr-defined]
            "VITRINE_PUBLIC_URL %s does not point at this server (%s:%d): checkout links "
            "will not open",
            public_url,
            host,
            port,
        )


@app.command("export")
def export(
    out: Annotated[str, typer.Option(help="File to write, or - for standard output")],
    session: Annotated[str | None, typer.Option(help="Only this live session's orders")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only orders created since (ISO date or date-time, UTC)")
    ] = None,
    format_: Annotated[
        str | None,
        typer.Option("--format", help="csv, json or shopify-csv (default: from --out's extension)"),
    ] = None,
    db: DbOption = None,
    status: Annotated[
        list[str] | None, typer.Option(help="Only orders in this status (repeatable)")
    ] = None,
) -> None:
    """Export orders for the brand's shop: CSV (a row per line), JSON, or Shopify's order
    export layout. Orders are read and written as they come, never all held in memory."""
    from datetime import UTC, datetime

    from rich.console import Console
    from sqlalchemy import select

    from commerce.export import (
        atomic_write,
        count_orders,
        csv_to,
        iter_orders,
        json_to,
        shopify_csv_to,
    )
    from commerce.models import OrderStatus
    from kernel.models import LiveSession
    from vitrine.bootstrap import open_database

    writers = {"csv": csv_to, "json": json_to, "shopify-csv": shopify_csv_to}
    chosen = format_ or {".csv": "csv", ".json": "json"}.get(Path(out).suffix.lower())
    if chosen not in writers:
        raise _fail("give --format csv, json or shopify-csv (or an --out ending in .csv/.json)")
    unknown = sorted(set(status or ()) - {s.value for s in OrderStatus})
    if unknown:
        known = ", ".join(s.value for s in OrderStatus)
        raise _fail(f"unknown --status {', '.join(unknown)} (one of: {known})")
    moment = None
    if since is not None:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError as exc:
            raise _fail(
                f"--since {since!r} is not a date (e.g. 2026-12-05 or 2026-12-05T20:00)"
            ) from exc
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    database = open_database(_database_url(db), must_exist=True)
    try:
        with database.unit_of_work() as uow:
            live_id = None
            if session is not None:
                live_id = uow.session.scalar(
                    select(LiveSession.id).where(LiveSession.key == session)
                )
                if live_id is None:
                    raise _fail(f"no live session with key {session!r}")
            orders = iter_orders(uow.session, session_id=live_id, since=moment, statuses=status)
            write = writers[chosen]
            if out == "-":
                count = write(orders, sys.stdout)
                sys.stdout.flush()
                typer.echo(f"wrote {count} orders", err=True)
                return
            console = Console(stderr=True)
            counted: list[int] = []
            if console.is_terminal:  # a bar while a large export is written
                total = count_orders(uow.session, session_id=live_id, since=moment, statuses=status)
                with _progress_bar(console, "exporting orders") as report:
                    orders = _reporting(orders, total, report)
                    atomic_write(Path(out), lambda fh: counted.append(write(orders, fh)))
            else:
                atomic_write(Path(out), lambda fh: counted.append(write(orders, fh)))
    finally:
        database.dispose()
    typer.echo(f"wrote {counted[0]} orders to {out}")


def _reporting(
    items: Iterator[Any], total: int, report: Callable[[int, int], None], every: int = 200
) -> Iterator[Any]:
    """The same items, reporting progress every `every` of them."""
    done = 0
    for item in items:
        yield item
        done += 1
        if done % every == 0:
            report(done, total)
    report(done, total)


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Option(help="Who uses it (the brand's shop, a script)")],
    db: DbOption = None,
) -> None:
    """Make a key for the brand API; it is printed once and stored only as a hash."""
    from commerce.api_keys import ApiKeyError, create_key
    from kernel.clock import utcnow
    from vitrine.bootstrap import open_database

    database = open_database(_database_url(db), must_exist=True)
    try:
        with database.unit_of_work() as uow:
            try:
                row, key = create_key(uow.session, name, utcnow())
            except ApiKeyError as exc:
                raise _fail(str(exc)) from exc
            uow.commit()
            key_id = row.id
    finally:
        database.dispose()
    typer.echo(f"API key {key_id} ({name}), shown once - keep it now:", err=True)
    typer.echo(key)


@apikey_app.command("list")
def apikey_list(db: DbOption = None) -> None:
    """The keys: id, name, created, last used, revoked (never the key itself)."""
    from commerce.api_keys import list_keys
    from vitrine.bootstrap import open_database
    from vitrine.terminal import plain

    database = open_database(_database_url(db), must_exist=True)
    try:
        with database.unit_of_work() as uow:
            rows = [
                (k.id, k.name, k.created_at, k.last_used_at, k.revoked_at)
                for k in list_keys(uow.session)
            ]
    finally:
        database.dispose()
    if not rows:
        typer.echo("no API key yet: vitrine apikey create --name NAME")
    for key_id, name, created, used, revoked in rows:
        state = f"revoked {revoked:%Y-%m-%d}" if revoked else "active"
        last = f"{used:%Y-%m-%d %H:%M}" if used else "never used"
        typer.echo(f"{key_id}\t{plain(name)}\tcreated {created:%Y-%m-%d}\t{last}\t{state}")


@apikey_app.command("revoke")
def apikey_revoke(key_id: Annotated[int, typer.Argument(help="The key's id")], db: DbOption = None):
    """Revoke a key: requests with it get 401 from now on."""
    from commerce.api_keys import ApiKeyError, revoke
    from kernel.clock import utcnow
    from vitrine.bootstrap import open_database

    database = open_database(_database_url(db), must_exist=True)
    try:
        with database.unit_of_work() as uow:
            try:
                revoke(uow.session, key_id, utcnow())
            except ApiKeyError as exc:
                raise _fail(str(exc)) from exc
            uow.commit()
    finally:
        database.dispose()
    typer.echo(f"API key {key_id} revoked")


@outbox_app.command("list")
def outbox_list(
    db: DbOption = None,
    dead: Annotated[bool, typer.Option("--dead", help="Rows that failed for good")] = False,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many")] = 100,
) -> None:
    """Rows still to send, oldest first (or, with --dead, those that failed for good)."""
    from rich.console import Console
    from rich.table import Table

    from kernel.outbox_admin import outbox_rows
    from vitrine.bootstrap import open_database
    from vitrine.terminal import cell

    database = open_database(_database_url(db), must_exist=True)
    try:
        with database.unit_of_work() as uow:
            rows = outbox_rows(uow.session, dead=dead, limit=limit)
    finally:
        database.dispose()
    if not rows:
        typer.echo("no failed rows" if dead else "nothing waits to be sent")
        return
    table = Table(title="outbox: failed for good" if dead else "outbox: waiting")
    for column in ("id", "kind", "channel", "to", "attempts", "next try (UTC)", "last error"):
        table.add_column(column, justify="right" if column in ("id", "attempts") else "left")
    for row in rows:
        table.add_row(
            str(row.id),
            row.kind,
            row.channel,
            cell(row.destination, 40),
            str(row.attempts),
            row.next_attempt_at.strftime("%Y-%m-%d %H:%M:%S"),
            cell(row.last_error or "", 80),
        )
    Console().print(table)


@outbox_app.command("retry")
def outbox_retry(
    ids: Annotated[list[int] | None, typer.Argument(help="Ids of failed rows")] = None,
    all_dead: Annotated[bool, typer.Option("--all-dead", help="Every failed row")] = False,
    db: DbOption = None,
) -> None:
    """Send failed rows again, with fresh attempts (after fixing what made them fail)."""
    from kernel.clock import utcnow
    from kernel.outbox_admin import NotDead, retry
    from vitrine.bootstrap import open_database

    if bool(ids) == all_dead:
        raise _fail("give the ids of failed rows, or --all-dead")
    database = open_database(_database_url(db), must_exist=True)
    try:
        with database.unit_of_work() as uow:
            try:
                count = retry(uow.session, None if all_dead else ids, utcnow())
            except NotDead as exc:
                raise _fail(str(exc)) from exc
            uow.commit()
    finally:
        database.dispose()
    typer.echo(f"{count} row(s) will be sent again")


@app.command("sessions")
def sessions(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """The live sessions, newest first: key, platform, chat, started, comments, paid."""
    import dataclasses
    import json

    from rich.console import Console
    from rich.table import Table

    from live.report import sessions_overview
    from vitrine.bootstrap import open_database
    from vitrine.terminal import cell

    database = open_database(_database_url(db), must_exist=True)
    try:
        rows = sessions_overview(database)
    finally:
        database.dispose()
    if as_json:
        for row in rows:
            started = row.started_at.isoformat() if row.started_at else None
            fields = {**dataclasses.asdict(row), "started_at": started}
            typer.echo(json.dumps(fields, ensure_ascii=False))
        return
    if not rows:
        typer.echo("no live session yet: `vitrine demo` or `vitrine replay` opens one")
        return
    table = Table(title="live sessions")
    for column in ("key", "platform", "chat", "status", "started (UTC)", "comments", "paid"):
        table.add_column(
            column,
            justify="right" if column in ("comments", "paid") else "left",
            no_wrap=column == "key",  # the key is copied into other commands: keep it whole
        )
    for row in rows:
        started = row.started_at.strftime("%Y-%m-%d %H:%M") if row.started_at else ""
        table.add_row(
            cell(row.key),
            cell(row.platform),
            cell(row.chat_id),
            row.status,
            started,
            str(row.comments),
            str(row.paid_orders),
        )
    Console().print(table)


@moderation_app.command("log")
def moderation_log(
    session: Annotated[str, typer.Option(help="Live session key")],
    db: DbOption = None,
) -> None:
    """Every moderation decision of a live session, oldest first, with the removed text."""
    from rich.console import Console
    from rich.table import Table
    from sqlalchemy import select

    from kernel.models import Comment, LiveSession, Viewer
    from moderation import audit
    from vitrine.bootstrap import open_database
    from vitrine.terminal import cell

    database = open_database(_database_url(db), must_exist=True)
    try:
        with database.unit_of_work() as uow:
            live_id = uow.session.scalar(select(LiveSession.id).where(LiveSession.key == session))
            if live_id is None:
                raise _fail(f"no live session with key {session!r}")
            table = Table(title=cell(f"moderation log of {session}"))
            for column in ("id", "when", "viewer", "action", "reasons", "text", "by", "undone"):
                table.add_column(column)
            for entry in audit.history(uow.session, live_id):
                viewer = uow.session.get(Viewer, entry.viewer_id) if entry.viewer_id else None
                comment = uow.session.get(Comment, entry.comment_id) if entry.comment_id else None
                table.add_row(
                    str(entry.id),
                    entry.created_at.strftime("%H:%M:%S"),
                    cell(viewer.display_name if viewer else ""),
                    cell(entry.action + (" (dry run)" if entry.dry_run else "")),
                    cell(", ".join(entry.reasons) or (entry.argument or "")),
                    cell(comment.text if comment else "", limit=120),
                    cell(entry.actor),
                    cell(f"by {entry.undone_by}" if entry.undone_at else ""),
                )
        Console().print(table)
    finally:
        database.dispose()


@moderation_app.command("undo")
def moderation_undo(
    action_id: Annotated[int, typer.Argument(help="Id from `vitrine moderation log`")],
    by: Annotated[str, typer.Option(help="Who undoes it (kept in the audit log)")],
    db: DbOption = None,
) -> None:
    """Undo one moderation action: logged as undone; a ban or timeout is lifted."""
    if not by.strip():
        raise _fail("--by needs the name of who undoes it (it is kept in the audit log)")
    from kernel.clock import utcnow
    from live.moderator_commands import undo_action
    from moderation.audit import AuditError
    from vitrine.bootstrap import open_database

    database = open_database(_database_url(db), must_exist=True)
    try:
        entry = undo_action(database, action_id, by=by, now=utcnow())
    except AuditError as exc:
        raise _fail(str(exc)) from exc
    finally:
        database.dispose()
    typer.echo(f"undone: {entry.action} #{entry.id} ({', '.join(entry.reasons)})")


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)
    except Exception as exc:
        message = _known_failure(exc)
        if message is None:
            raise
        typer.echo(f"error: {message}", err=True)
        sys.exit(1)


def _known_failure(exc: Exception) -> str | None:
    """One line for what a user's setup gets wrong (the database), instead of a traceback."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError

    from vitrine.bootstrap import DatabaseNotMigrated, NoDatabase

    if isinstance(exc, DatabaseNotMigrated | NoDatabase):
        return str(exc)
    if isinstance(exc, ArgumentError | NoSuchModuleError):
        return f"the database URL is not valid ({exc}); e.g. sqlite:///var/vitrine.db"
    if isinstance(exc, OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        return f"cannot reach the database: {reason}"
    if isinstance(exc, ProgrammingError) and "does not exist" in str(exc.orig):
        return "the database has no Vitrine tables: run `vitrine db upgrade`"
    return None


if __name__ == "__main__":
    main()
