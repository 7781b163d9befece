"""What the brand does to an order after payment: cancel it (it will not be shipped) or
record that it was refunded. Either way the brand's endpoints hear of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from commerce.models import Order, OrderStatus
from commerce.orders import InvalidTransition, close_paid_order
from kernel.uow import UnitOfWorkProvider
from live.bus import publish
from live.events import Cause


class OrderNotClosable(LookupError):
    """No such order, or one that cannot be cancelled or refunded (never paid, or closed
    so already)."""


def close_order(
    database: UnitOfWorkProvider, order_id: int, status: OrderStatus, now: datetime
) -> None:
    """Cancel or mark refunded a paid order, in one transaction with its brand events."""
    with database.unit_of_work() as uow:
        query = select(Order).where(Order.id == order_id)
        if uow.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        order = uow.session.scalar(query)
        if order is None:
            raise OrderNotClosable(f"no order {order_id}")
        try:
            closed = close_paid_order(order, status, now)
        except InvalidTransition:
            state = "was never paid" if order.paid_at is None else f"is {order.status}"
            raise OrderNotClosable(f"order {order_id} {state}: it cannot be {status}") from None
        publish(uow, [closed], Cause(key=f"order_{status}:{order_id}", now=now))
        uow.commit()
