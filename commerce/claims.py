"""A claim becomes held units in the viewer's cart, a place on the waitlist, or a question.

The rules work through the ports of `commerce.ports` and take `now` explicitly, so a
replayed chat moves holds and waitlists on its own clock, and the tests run them on
in-memory fakes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from commerce.cart_view import CartView
from commerce.holds import CommercePolicy, hold_until
from commerce.intent import ClaimedItem
from commerce.outcomes import (
    DuplicateClaim,
    LimitReached,
    OptionNeeded,
    OptionUnavailable,
    Outcome,
    Reserved,
    UnknownProduct,
    Waitlisted,
    item_ref,
)
from commerce.ports import CommerceUnit, NewLine
from commerce.product_facts import ProductFacts, VariantFacts


def claim(
    unit: CommerceUnit,
    *,
    session_id: int,
    viewer_id: int,
    item: ClaimedItem,
    comment_id: int | None,
    now: datetime,
    policy: CommercePolicy,
) -> Outcome:
    """Reserve a claimed item for a viewer, or waitlist them, or say what is missing."""
    product = unit.products.get(item.sku)
    if product is None:
        return UnknownProduct(viewer_id, item.sku)
    resolved = resolve_variant(unit, product, dict(item.options), viewer_id)
    if not isinstance(resolved, VariantFacts):
        return resolved
    variant, quantity = resolved, max(1, item.quantity)
    cart = unit.carts.read_open(session_id, viewer_id)
    refused = _refused(cart, product, variant, quantity, viewer_id, now, policy)
    if refused is not None:
        return refused
    if policy.holds_stock:
        got_units = unit.stock.reserve(variant.id, quantity)
    else:
        # "First paid, first served": nothing is held; the sale happens at payment.
        got_units = unit.stock.available(variant.id) >= quantity
    if got_units:
        line = NewLine(
            session_id,
            viewer_id,
            product,
            variant.id,
            quantity,
            comment_id,
            now,
            hold_until(now, policy, cart.opened_at if cart is not None else None),
            policy.holds_stock,
        )
        cart = unit.carts.add_line(line, cart)
        return Reserved(
            viewer_id, cart.id, item_ref(product, variant, quantity), cart.expires_at, cart
        )
    # Sold out. Free units are handed to the queue as soon as they appear, so a viewer
    # already waiting for this variant is asking again, not asking for more.
    if unit.waitlist.waiting(session_id, viewer_id, variant.id) is not None:
        return DuplicateClaim(viewer_id, product.sku)
    entry_id = unit.waitlist.join(
        session_id=session_id,
        viewer_id=viewer_id,
        variant_id=variant.id,
        quantity=quantity,
        comment_id=comment_id,
        now=now,
    )
    return Waitlisted(
        viewer_id, item_ref(product, variant, quantity), unit.waitlist.position(entry_id)
    )


def _refused(
    cart: CartView | None,
    product: ProductFacts,
    variant: VariantFacts,
    quantity: int,
    viewer_id: int,
    now: datetime,
    policy: CommercePolicy,
) -> Outcome | None:
    """A repeat of a claim just made, or more units than one viewer may hold."""
    held = 0
    if cart is not None:
        recent = now - timedelta(seconds=policy.duplicate_window_s)
        if any(
            line.variant_id == variant.id
            and line.quantity == quantity
            and line.created_at >= recent
            for line in cart.lines
        ):
            return DuplicateClaim(viewer_id, product.sku)
        held = sum(line.quantity for line in cart.lines if line.product_id == product.id)
    if held + quantity > policy.max_units_per_product:
        return LimitReached(viewer_id, product.sku, product.name, policy.max_units_per_product)
    return None


def resolve_variant(
    unit: CommerceUnit, product: ProductFacts, options: dict[str, str], viewer_id: int
) -> VariantFacts | OptionNeeded | OptionUnavailable:
    """Find the one variant the stated options designate, or say what is missing (with the
    options still in stock, read now)."""
    stated = {k: v.casefold() for k, v in options.items() if k in product.options}
    candidates = [
        v
        for v in product.variants
        if all(str(v.options.get(k, "")).casefold() == val for k, val in stated.items())
    ]
    if not candidates:
        free = unit.stock.free_by_variant(product.id)
        combinations = sorted(
            {
                "/".join(str(x) for x in v.options.values())
                for v in product.variants
                if free.get(v.id, 0) > 0
            }
        )
        return OptionUnavailable(
            viewer_id,
            product.sku,
            product.name,
            tuple(sorted(options.items())),
            tuple(combinations),
        )
    if len(candidates) == 1:
        return candidates[0]
    for option_name, values in product.options.items():
        if option_name in stated:
            continue
        distinct = {str(v.options.get(option_name)) for v in candidates}
        if len(distinct) > 1:
            free = unit.stock.free_by_variant(product.id)
            in_stock = tuple(
                value
                for value in values
                if any(
                    str(v.options.get(option_name)) == value and free.get(v.id, 0) > 0
                    for v in candidates
                )
            )
            return OptionNeeded(
                viewer_id, product.sku, product.name, option_name, in_stock, product.id
            )
    return candidates[0]
