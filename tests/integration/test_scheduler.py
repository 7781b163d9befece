"""Exactly one process holds the scheduler lease, on SQLite and on PostgreSQL; a standby
takes it over when the holder stops or stops renewing it (frozen), a holder that lost it
runs no job, and the holder takes it back after a database restart."""

from __future__ import annotations

import pytest

from vitrine.bootstrap import open_database
from vitrine.scheduler import SchedulerLease, leased


def test_only_one_lease_at_a_time(database_url: str) -> None:
    first_db, second_db = open_database(database_url), open_database(database_url)
    try:
        first, second = SchedulerLease(first_db), SchedulerLease(second_db)
        assert first.acquire()
        assert not second.acquire()
        first.release()
        assert second.acquire()
        second.release()
    finally:
        first_db.dispose()
        second_db.dispose()


def test_hold_expiry_job_ends_stripe_sessions(database, live) -> None:
    """The job releases ended holds and expires their Stripe sessions through the API."""
    from datetime import UTC, datetime, timedelta

    import stripe
    from sqlalchemy import select

    from commerce.checkout.stripe_provider import StripeCheckout
    from commerce.checkout_service import open_checkout
    from commerce.models import Order, Variant
    from commerce.stock import reserve_units
    from tests.fakes.stripe_server import FakeStripe
    from vitrine.scheduler import run_hold_expiry
    from vitrine.settings import Settings

    past = datetime.now(UTC) - timedelta(minutes=20)
    with FakeStripe() as stripe_api, database.unit_of_work() as uow:
        from commerce.carts import add_line
        from commerce.ports import NewLine
        from commerce.product_facts import ProductFacts

        variant = uow.session.scalars(select(Variant).where(Variant.sku == "ISA")).one()
        assert reserve_units(uow.session, variant.id, 1)
        from kernel.models import Viewer

        viewer = Viewer(platform="test", platform_user_id="ann", display_name="Ann")
        uow.session.add(viewer)
        uow.session.flush()
        product = ProductFacts.of(variant.product)
        expires = past + timedelta(seconds=900)
        line = NewLine(live, viewer.id, product, variant.id, 1, None, past, expires, True)
        cart = add_line(uow.session, line, None)
        client = stripe.StripeClient("sk_test_1", base_addresses={"api": stripe_api.url})
        provider = StripeCheckout(client, "http://127.0.0.1:8000", clock=lambda: past)
        open_checkout(uow.session, cart.public_token, provider, past)
        ref = uow.session.get(Order, cart.id).checkout_ref
        uow.commit()
        run_hold_expiry(Settings(), database, provider)
        assert stripe_api.sessions[ref]["status"] == "expired"
    with database.unit_of_work() as uow:
        assert uow.session.get(Order, cart.id).status == "expired"


def test_a_standby_takes_the_lease_over_and_only_the_holder_runs_jobs(database_url) -> None:
    first_db, second_db = open_database(database_url), open_database(database_url)
    runs: list[str] = []
    try:
        first, second = SchedulerLease(first_db), SchedulerLease(second_db)
        first_job = leased(first, lambda: runs.append("first"))
        second_job = leased(second, lambda: runs.append("second"))
        assert first.acquire()
        first_job()
        second_job()
        assert runs == ["first"]
        first.release()  # the holder stops
        second_job()
        first_job()
        assert runs == ["first", "second"]
        second.release()
    finally:
        first_db.dispose()
        second_db.dispose()


@pytest.mark.postgres
def test_the_lease_is_taken_again_after_a_database_restart(
    postgres_url: str, restart_postgres
) -> None:
    database, standby_db = open_database(postgres_url), open_database(postgres_url)
    try:
        lease, standby = SchedulerLease(database), SchedulerLease(standby_db)
        assert lease.acquire() and not standby.holds()
        restart_postgres(postgres_url)
        assert lease.holds()  # its session ended, and the lock with it: taken again
        assert not standby.holds()
        restart_postgres(postgres_url)
        lease.release()  # on a dead connection: nothing to release, and no error
        assert standby.holds()
        standby.release()
    finally:
        database.dispose()
        standby_db.dispose()


def test_a_frozen_holder_loses_the_lease_once_it_runs_out(database_url: str) -> None:
    """The holder stops renewing (frozen, not dead): until the lease runs out the standby
    waits; after, the standby holds it, and the holder, waking up, runs no job."""
    from datetime import UTC, datetime, timedelta

    now = [datetime(2026, 12, 5, 12, 0, tzinfo=UTC)]
    first_db, second_db = open_database(database_url), open_database(database_url)
    runs: list[str] = []
    try:
        first = SchedulerLease(first_db, 30, clock=lambda: now[0])
        second = SchedulerLease(second_db, 30, clock=lambda: now[0])
        first_job = leased(first, lambda: runs.append("first"))
        second_job = leased(second, lambda: runs.append("second"))
        assert first.acquire()
        now[0] += timedelta(seconds=20)
        assert first.holds()  # renewed: runs to 12:00:50 now
        now[0] += timedelta(seconds=29)  # frozen: no renewal since 12:00:20
        second_job()
        assert runs == []  # not run out yet
        now[0] += timedelta(seconds=2)
        second_job()
        first_job()  # wakes up: the lease is the standby's
        assert runs == ["second"]
        assert not first.holds()
        first.release()  # releasing a lease it lost leaves the standby's alone
        assert second.holds()
        second_job()
        assert runs == ["second", "second"]
    finally:
        first_db.dispose()
        second_db.dispose()
