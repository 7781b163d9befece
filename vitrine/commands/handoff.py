"""`vitrine webhook`, `vitrine order` and `vitrine viewer`: the brand's endpoints, what the
brand does to a paid order, and a viewer's data rights. Thin: the work is in `commerce`
and `live`."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from vitrine.cli_common import DbOption, existing_database, fail

webhook_app = typer.Typer(
    help="The brand's webhook endpoints (paid, cancelled and refunded orders).",
    no_args_is_help=True,
)
order_app = typer.Typer(help="A paid order the brand cancels or refunds.", no_args_is_help=True)
viewer_app = typer.Typer(
    help="A viewer's data: export everything held, or forget them (GDPR).", no_args_is_help=True
)


@webhook_app.command("add")
def webhook_add(
    url: Annotated[str, typer.Argument(help="The brand's https endpoint")],
    db: DbOption = None,
) -> None:
    """Register an endpoint; its signing secret is printed once (keep it for the
    verification snippet in the README)."""
    from commerce.brand_events import BadEndpoint, add_endpoint
    from kernel.clock import utcnow

    with existing_database(db) as database, database.unit_of_work() as uow:
        try:
            added = add_endpoint(uow.session, url, utcnow())
        except BadEndpoint as exc:
            raise fail(str(exc)) from exc
        uow.commit()
        endpoint_id = added.endpoint.id
    typer.echo(f"webhook endpoint {endpoint_id} added; its signing secret, shown once:", err=True)
    typer.echo(added.secret)
    if added.routed:
        typer.echo(f"{added.routed} event(s) that waited for an endpoint go to it", err=True)


@webhook_app.command("list")
def webhook_list(
    db: DbOption = None,
    all_: Annotated[bool, typer.Option("--all", help="Removed endpoints too")] = False,
) -> None:
    """The endpoints: id, URL (without its query), when added, state. Never the secret."""
    from urllib.parse import urlsplit

    from commerce.brand_events import endpoints
    from vitrine.terminal import plain

    with existing_database(db) as database, database.unit_of_work() as uow:
        rows = [
            (e.id, e.url, e.created_at, e.removed_at)
            for e in endpoints(uow.session, include_removed=all_)
        ]
    if not rows:
        typer.echo("no webhook endpoint yet: vitrine webhook add URL")
    for endpoint_id, url, created, removed in rows:
        parts = urlsplit(url)
        shown = f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")
        state = f"removed {removed:%Y-%m-%d}" if removed else "active"
        typer.echo(f"{endpoint_id}\t{plain(shown)}\tadded {created:%Y-%m-%d}\t{state}")


@webhook_app.command("remove")
def webhook_remove(
    endpoint_id: Annotated[int, typer.Argument(help="The endpoint's id")], db: DbOption = None
) -> None:
    """Stop sending to an endpoint; what it had not received yet stays in the outbox as
    failed (`vitrine outbox list --dead`)."""
    from commerce.brand_events import remove_endpoint
    from kernel.clock import utcnow

    with existing_database(db) as database, database.unit_of_work() as uow:
        try:
            dropped = remove_endpoint(uow.session, endpoint_id, utcnow())
        except LookupError as exc:
            raise fail(str(exc)) from exc
        uow.commit()
    typer.echo(f"webhook endpoint {endpoint_id} removed ({dropped} undelivered event(s) kept)")


def _close(order_id: int, status: str, db: str | None) -> None:
    from commerce.models import OrderStatus
    from kernel.clock import utcnow
    from live.order_admin import OrderNotClosable, close_order

    with existing_database(db, wired=True) as database:
        try:
            close_order(database, order_id, OrderStatus(status), utcnow())
        except OrderNotClosable as exc:
            raise fail(str(exc)) from exc
    typer.echo(f"order {order_id} {status}; the brand's endpoints hear of it")


@order_app.command("cancel")
def order_cancel(
    order_id: Annotated[int, typer.Argument(help="The paid order's id")], db: DbOption = None
) -> None:
    """A paid order the brand will not ship (refund it in the payment provider)."""
    _close(order_id, "cancelled", db)


@order_app.command("refund")
def order_refund(
    order_id: Annotated[int, typer.Argument(help="The paid order's id")], db: DbOption = None
) -> None:
    """Record that a paid order was refunded (Stripe refunds are recorded by themselves)."""
    _close(order_id, "refunded", db)


@viewer_app.command("export")
def viewer_export(
    viewer: Annotated[str, typer.Argument(help="PLATFORM:ID, e.g. telegram:123456")],
    db: DbOption = None,
) -> None:
    """Everything held about a viewer, as JSON on standard output."""
    from live.viewer_data import UnknownViewer, ViewerRef, export_viewer

    try:
        ref = ViewerRef.parse(viewer)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    with existing_database(db) as database, database.unit_of_work() as uow:
        try:
            document = export_viewer(uow.session, ref)
        except UnknownViewer as exc:
            raise fail(str(exc)) from exc
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


@viewer_app.command("forget")
def viewer_forget(
    viewer: Annotated[str, typer.Argument(help="PLATFORM:ID, e.g. telegram:123456")],
    db: DbOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
) -> None:
    """Pseudonymise a viewer's personal data in comments, carts, orders and the moderation
    log; order totals stay for accounting. Cannot be undone."""
    from kernel.clock import utcnow
    from live.viewer_data import UnknownViewer, ViewerRef, forget_viewer

    try:
        ref = ViewerRef.parse(viewer)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    if not yes and not typer.confirm(f"forget {viewer} for good?"):
        raise typer.Exit(1)
    with existing_database(db) as database, database.unit_of_work() as uow:
        try:
            done = forget_viewer(uow.session, ref, utcnow())
        except UnknownViewer as exc:
            raise fail(str(exc)) from exc
        uow.commit()
    typer.echo(
        f"{viewer} is now {done.pseudonym}: {done.comments} comment(s) emptied, "
        f"{done.orders} order(s) without name or address, "
        f"{done.messages_dropped} unsent message(s) dropped"
    )


schedule_app = typer.Typer(
    help="Exports the brand receives by themselves: on a cron schedule, at the end of a live.",
    no_args_is_help=True,
)


@schedule_app.command("add")
def schedule_add(
    to: Annotated[str, typer.Option("--to", help="A folder, or an http(s) URL to POST to")],
    name: Annotated[str, typer.Option(help="What the files are called")] = "orders",
    cron: Annotated[
        str | None, typer.Option(help='A crontab line in UTC, e.g. "0 * * * *" (hourly)')
    ] = None,
    at_session_end: Annotated[
        bool, typer.Option("--at-session-end", help="Export each live's orders when it ends")
    ] = False,
    format_: Annotated[str, typer.Option("--format", help="csv, json or shopify-csv")] = "csv",
    db: DbOption = None,
) -> None:
    """Add a schedule: on each cron fire, the orders paid since the previous run; at the
    end of each live, that live's orders. `vitrine run` runs them, each once."""
    from commerce.export_schedules import BadSchedule, add_schedule, is_url
    from kernel.clock import utcnow
    from vitrine.scheduler import check_cron

    if cron is not None:
        try:
            check_cron(cron)
        except ValueError as exc:
            raise fail(f"--cron {cron!r} is not a crontab line: {exc}", 2) from exc
    with existing_database(db) as database, database.unit_of_work() as uow:
        try:
            schedule = add_schedule(
                uow.session,
                name=name,
                cron=cron,
                at_session_end=at_session_end,
                format=format_,
                target=to,
                now=utcnow(),
            )
        except BadSchedule as exc:
            raise fail(str(exc), 2) from exc
        uow.commit()
        schedule_id, secret = schedule.id, schedule.secret
    typer.echo(f"export schedule {schedule_id} added", err=True)
    if is_url(to):
        typer.echo("its signing secret, shown once:", err=True)
        typer.echo(secret)


@schedule_app.command("list")
def schedule_list(db: DbOption = None) -> None:
    """The schedules, and the last run of each."""
    from commerce.export_schedules import active_schedules, runs
    from vitrine.terminal import plain

    with existing_database(db) as database, database.unit_of_work() as uow:
        lines = []
        for s in active_schedules(uow.session):
            when = ", ".join(
                part
                for part in (
                    f"cron {s.cron}" if s.cron else "",
                    "at session end" * s.at_session_end,
                )
                if part
            )
            last = runs(uow.session, s.id, limit=1)
            ran = (
                f"last run {last[0].started_at:%Y-%m-%d %H:%M} {last[0].status}"
                f" ({last[0].orders if last[0].orders is not None else '?'} orders)"
                if last
                else "never run"
            )
            lines.append(f"{s.id}\t{plain(s.name)}\t{when}\t{s.format} to {plain(s.target)}\t{ran}")
    typer.echo("\n".join(lines) if lines else "no export schedule: vitrine schedule add --help")


@schedule_app.command("remove")
def schedule_remove(
    schedule_id: Annotated[int, typer.Argument(help="The schedule's id")], db: DbOption = None
) -> None:
    """Stop a schedule (its past runs stay listed)."""
    from commerce.export_schedules import remove_schedule
    from kernel.clock import utcnow

    with existing_database(db) as database, database.unit_of_work() as uow:
        try:
            remove_schedule(uow.session, schedule_id, utcnow())
        except LookupError as exc:
            raise fail(str(exc)) from exc
        uow.commit()
    typer.echo(f"export schedule {schedule_id} removed")
