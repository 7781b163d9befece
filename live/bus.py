"""The one dispatcher: what happens because of an event, in the transaction that caused it.

- units released → the waitlist of that variant moves, first come, first served;
- a claim reserved, waitlisted, cancelled, an ended hold, a promotion, a payment → the
  viewer is told (replies rendered into the outbox);
- an order paid, or cancelled or refunded after payment → the brand's endpoints hear of it
  (a brand row per endpoint in the outbox).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from commerce.brand_events import ORDER_PAID, enqueue_brand_event
from commerce.holds import CommercePolicy
from commerce.models import Order
from commerce.orders import order_document
from commerce.outcomes import Event, OrderClosedAfterPayment, OrderPaid, UnitsReleased
from commerce.sql_ports import SqlCommerce
from commerce.waitlist import promote_waitlist
from kernel.uow import UnitOfWork
from live.announce import ShopVoice, announce
from live.events import Cause

log = logging.getLogger(__name__)

Handler = Callable[["LiveBus", UnitOfWork, Event, Cause], None]


def _promote(bus: LiveBus, uow: UnitOfWork, event: Event, cause: Cause) -> None:
    assert isinstance(event, UnitsReleased)
    commerce = uow.port(SqlCommerce)
    promoted = promote_waitlist(commerce, event.variant_id, cause.now, bus.policy)
    uow.publish(promoted, cause)


def _announce(bus: LiveBus, uow: UnitOfWork, event: Event, cause: Cause) -> None:
    assert not isinstance(event, UnitsReleased | OrderClosedAfterPayment)  # tells no one
    announce(uow.session, event, cause, bus.shop)


def _hand_off(bus: LiveBus, uow: UnitOfWork, event: Event, cause: Cause) -> None:
    """The order goes to each of the brand's endpoints, once whatever path reported it:
    paid, or cancelled or refunded after payment."""
    assert isinstance(event, OrderPaid | OrderClosedAfterPayment)
    order = uow.session.get(Order, event.order_id)
    assert order is not None
    kind = ORDER_PAID if isinstance(event, OrderPaid) else f"order_{event.status}"
    enqueue_brand_event(
        uow.session,
        type=kind,
        event_id=f"{kind}:{order.id}",
        data=order_document(uow.session, order),
        session_id=order.session_id,
        now=cause.now,
    )


# Every event a viewer hears about is announced; these add to (or replace) that.
HANDLERS: dict[type, tuple[Handler, ...]] = {
    UnitsReleased: (_promote,),
    OrderPaid: (_announce, _hand_off),
    OrderClosedAfterPayment: (_hand_off,),
}
DEFAULT_HANDLERS: tuple[Handler, ...] = (_announce,)


class LiveBus:
    """The message bus of a deployment: the shop's voice and the commerce rules that the
    handlers apply (built once from settings in bootstrap)."""

    def __init__(self, shop: ShopVoice, policy: CommercePolicy) -> None:
        self.shop = shop
        self.policy = policy

    def handle(self, uow: UnitOfWork, event: object, cause: object) -> None:
        if not isinstance(cause, Cause):
            raise TypeError(f"events need a live.events.Cause, got {type(cause).__name__}")
        outcome: Event = event  # type: ignore[assignment]  # the kernel carries objects
        cause.events.append(outcome)
        for handler in HANDLERS.get(type(event), DEFAULT_HANDLERS):
            handler(self, uow, outcome, cause)


def publish(uow: UnitOfWork, events: Sequence[Event], cause: Cause) -> None:
    """Queue a state change's events with their cause; handled before the commit."""
    cause.note(events)
    uow.publish(events, cause)
