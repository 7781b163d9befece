"""Work that runs on the clock rather than on a comment: hold expiry and its notices."""

from __future__ import annotations

from datetime import datetime

from commerce.orders import expire_holds
from commerce.outcomes import Event
from kernel.uow import UnitOfWorkProvider
from live.bus import publish
from live.events import Cause

# How often ended holds are looked for: by the scheduler during a live, and on the
# transcript's clock during a replay, so that both release stock at the same moments.
HOLD_CHECK_EVERY_S = 5


def expire_holds_and_notify(database: UnitOfWorkProvider, *, now: datetime) -> list[Event]:
    """Release every hold that has ended, promote waitlists, tell the viewers — one
    transaction, so a crash half-way releases nothing and tells no one."""
    with database.unit_of_work() as uow:
        cause = Cause(key=f"expiry:{now.timestamp():.3f}", now=now)
        publish(uow, expire_holds(uow.session, now), cause)
        uow.commit()
    return cause.events
