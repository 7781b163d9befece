"""Events and their one dispatcher: handled before the commit, in the same transaction,
keyed by the event's identity whichever path reported it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commerce.models import Order, OrderStatus
from commerce.orders import mark_paid
from kernel.uow import NoBusWired, UnitOfWork
from live.bus import publish
from live.events import Cause
from live.payments import pay_with_local_checkout
from tests.integration.test_checkout_local import claim_for, order_by_token, outbox

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


def test_a_paid_order_is_told_and_handed_off_once_whichever_path_reports_it(database, live) -> None:
    token = claim_for(database, live, "ann", "COLLIER-ISA", T0)
    assert token is not None
    paid = pay_with_local_checkout(database, token, T0 + timedelta(minutes=1))
    # The same payment reported again by another path (a webhook redelivered, a replay).
    with database.unit_of_work() as uow:
        publish(uow, [paid], Cause(key="stripe:evt_again", now=T0 + timedelta(minutes=2)))
        uow.commit()
    keys = [m.dedupe_key for m in outbox(database)]
    told = [k for k in keys if k.startswith(f"order_paid:{paid.order_id}:")]
    assert told == [f"order_paid:{paid.order_id}:0"]
    assert [m.kind for m in outbox(database, channel="brand")] == ["order_paid"]


class Exploding:
    """A bus whose handler fails: the state change it was handling must not commit."""

    def handle(self, uow: UnitOfWork, event: object, cause: object) -> None:
        raise RuntimeError("handler failed")


def test_a_failing_handler_rolls_back_the_state_change_it_handles(database, live) -> None:
    token = claim_for(database, live, "ann", "COLLIER-ISA", T0)
    assert token is not None
    database.bus = Exploding()
    with database.unit_of_work() as uow, pytest.raises(RuntimeError, match="handler failed"):
        order = uow.session.get(Order, order_by_token(database, token).id)
        publish(uow, [mark_paid(uow.session, order, T0)], Cause(key="t", now=T0))
        uow.commit()
    assert order_by_token(database, token).status == OrderStatus.RESERVED
    assert outbox(database, channel="brand") == []


def test_events_without_a_bus_are_refused_at_commit(database, live) -> None:
    database.bus = None
    token = claim_for(database, live, "ann", "COLLIER-ISA", T0)
    assert token is not None
    with database.unit_of_work() as uow, pytest.raises(NoBusWired):
        order = uow.session.get(Order, order_by_token(database, token).id)
        uow.publish([mark_paid(uow.session, order, T0)], Cause(key="t", now=T0))
        uow.commit()
    assert order_by_token(database, token).status == OrderStatus.RESERVED
