"""How claims are held: for how long, how many per viewer, what counts as a repeat."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from commerce.ports import SessionHold


@dataclass(frozen=True, slots=True)
class CommercePolicy:
    """The shop's claim rules; a live session keeps the hold it was opened with."""

    hold_seconds: int | None = 900  # None: "first paid, first served", nothing held
    max_units_per_product: int = 5
    duplicate_window_s: float = 30.0
    # Each claim restarts its cart's hold, but never past this long after the cart's first
    # claim: claiming and cancelling something cheap cannot keep a scarce unit for ever.
    max_hold_seconds: int = 1800

    @property
    def holds_stock(self) -> bool:
        return self.hold_seconds is not None

    def with_hold(self, hold: SessionHold | None) -> CommercePolicy:
        """These rules with a live session's own hold (unchanged when it is unknown)."""
        if hold is None:
            return self
        return replace(self, hold_seconds=hold.seconds)


def hold_until(
    now: datetime, policy: CommercePolicy, opened_at: datetime | None = None
) -> datetime | None:
    """When a hold that starts now ends (None: nothing is held): `hold_seconds` from now,
    but no later than `max_hold_seconds` after the cart's first claim (`opened_at`)."""
    if not policy.hold_seconds:
        return None
    until = now + timedelta(seconds=policy.hold_seconds)
    if opened_at is not None:
        until = min(until, opened_at + timedelta(seconds=policy.max_hold_seconds))
    return until
