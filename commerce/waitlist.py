"""Freed units go to the viewers waiting for them, first come, first served."""

from __future__ import annotations

from datetime import datetime

from commerce.holds import CommercePolicy, hold_until
from commerce.outcomes import WaitlistPromoted, item_ref
from commerce.ports import CommerceUnit, NewLine, WaitingEntry


def promote_waitlist(
    unit: CommerceUnit, variant_id: int, now: datetime, policy: CommercePolicy
) -> list[WaitlistPromoted]:
    """Hand freed units to waiting viewers in order while they last; each is held for the
    time of the waiting viewer's own live session (nothing held when it sells first paid,
    and then no more units are offered than are free)."""
    promoted: list[WaitlistPromoted] = []
    policies: dict[int, CommercePolicy] = {}
    offered = 0  # units told to viewers who will not hold them (first paid, first served)
    for entry in unit.waitlist.queue(variant_id):
        if entry.session_id not in policies:
            policies[entry.session_id] = policy.with_hold(unit.sessions.hold_of(entry.session_id))
        entry_policy = policies[entry.session_id]
        if entry_policy.holds_stock:
            got_units = (
                not offered or unit.stock.available(variant_id) - offered >= entry.quantity
            ) and unit.stock.reserve(variant_id, entry.quantity)
        else:
            got_units = unit.stock.available(variant_id) - offered >= entry.quantity
            offered += entry.quantity if got_units else 0
        if not got_units:
            break  # strict order: nobody jumps the queue with a smaller quantity
        promoted.append(_promote(unit, entry, now, entry_policy))
    return promoted


def _promote(
    unit: CommerceUnit, entry: WaitingEntry, now: datetime, policy: CommercePolicy
) -> WaitlistPromoted:
    product = unit.products.of_variant(entry.variant_id)
    variant = product.variant(entry.variant_id) if product is not None else None
    assert product is not None and variant is not None, "a waited-for variant exists"
    cart = unit.carts.read_open(entry.session_id, entry.viewer_id)
    line = NewLine(
        entry.session_id,
        entry.viewer_id,
        product,
        variant.id,
        entry.quantity,
        entry.comment_id,
        now,
        hold_until(now, policy, cart.opened_at if cart is not None else None),
        policy.holds_stock,
    )
    cart = unit.carts.add_line(line, cart)
    unit.waitlist.promoted(entry.id, now)
    return WaitlistPromoted(
        entry.viewer_id,
        cart.id,
        item_ref(product, variant, entry.quantity),
        cart.expires_at,
        entry.id,
    )
