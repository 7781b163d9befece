"""Paying a cart from the chat side: the transcript's `pay` lines and the console."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from commerce.carts import open_cart
from commerce.orders import mark_paid
from commerce.outcomes import Outcome
from kernel.models import LiveSession, Viewer
from kernel.uow import UnitOfWorkProvider
from live.announce import ShopVoice, notify
from live.sessions import LiveInfo


def pay_open_cart(
    database: UnitOfWorkProvider, live: LiveInfo, author_id: str, *, shop: ShopVoice, now: datetime
) -> list[Outcome]:
    """The viewer pays their open cart through the local checkout."""
    with database.unit_of_work() as uow:
        session = uow.session
        viewer = session.scalar(
            select(Viewer).where(
                Viewer.platform == live.platform, Viewer.platform_user_id == author_id
            )
        )
        cart = open_cart(session, live.id, viewer.id) if viewer is not None else None
        if cart is None or not any(line_.status == "active" for line_ in cart.lines):
            return []
        paid = mark_paid(session, cart, now)
        session_live = session.get(LiveSession, live.id)
        assert session_live is not None
        notify(session, [paid], live=session_live, shop=shop, key=f"paid:{cart.id}", now=now)
        uow.commit()
        return [paid]
