"""Work that runs on the clock rather than on a comment: hold expiry and its notices."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from commerce.carts import CommercePolicy
from commerce.models import Order
from commerce.orders import expire_holds
from commerce.outcomes import HoldExpired, Outcome, WaitlistPromoted
from kernel.models import LiveSession
from kernel.uow import UnitOfWorkProvider
from live.announce import ShopVoice, notify

# How often ended holds are looked for: by the scheduler during a live, and on the
# transcript's clock during a replay, so that both release stock at the same moments.
HOLD_CHECK_EVERY_S = 5


def _outcome_key(outcome: Outcome, now: datetime) -> str:
    if isinstance(outcome, HoldExpired):
        return f"hold_expired:{outcome.order_id}"
    if isinstance(outcome, WaitlistPromoted):
        return f"promoted:{outcome.order_id}:{outcome.item.variant_sku}:{now.timestamp():.3f}"
    return f"{type(outcome).__name__}:{outcome.viewer_id}:{now.timestamp():.3f}"


def expire_holds_and_notify(
    database: UnitOfWorkProvider, *, shop: ShopVoice, policy: CommercePolicy, now: datetime
) -> list[Outcome]:
    """Release every hold that has ended, promote waitlists, tell the viewers — one
    transaction, so a crash half-way releases nothing and tells no one."""
    with database.unit_of_work() as uow:
        session = uow.session
        outcomes = expire_holds(session, now, policy)
        by_session: dict[int, list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            order_id = getattr(outcome, "order_id", None)
            order = session.get(Order, order_id) if order_id else None
            if order is not None:
                by_session[order.session_id].append(outcome)
        for session_id, items in by_session.items():
            live = session.get(LiveSession, session_id)
            if live is None:
                continue
            for outcome in items:
                notify(
                    session,
                    [outcome],
                    live=live,
                    shop=shop,
                    key=_outcome_key(outcome, now),
                    now=now,
                )
        uow.commit()
    return outcomes
