"""Stock moves as single conditional updates: a unit can never be held or sold twice."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import BindParameter, Table, bindparam, select, update
from sqlalchemy.orm import Session

from commerce.models import Variant

# Built once and run on the session's connection: the hot path of a flash sale.
_VARIANTS = cast(Table, Variant.__table__)
_ID = _VARIANTS.c.id == bindparam("variant_id")
_FREE = _VARIANTS.c.stock - _VARIANTS.c.reserved >= bindparam("quantity")
_QUANTITY: BindParameter[int] = bindparam("quantity")
_RESERVE = update(_VARIANTS).where(_ID, _FREE).values(reserved=_VARIANTS.c.reserved + _QUANTITY)
_RELEASE = update(_VARIANTS).where(_ID).values(reserved=_VARIANTS.c.reserved - _QUANTITY)
_SELL_HELD = (
    update(_VARIANTS)
    .where(_ID)
    .values(reserved=_VARIANTS.c.reserved - _QUANTITY, stock=_VARIANTS.c.stock - _QUANTITY)
)
_SELL_FREE = update(_VARIANTS).where(_ID, _FREE).values(stock=_VARIANTS.c.stock - _QUANTITY)
# Where commerce.product_facts keeps this transaction's readings of free units (product id
# -> variant id -> units); the moves below keep them up to date with what they change.
FREE_UNITS_KEY = "commerce.free_units"


def forget_free_units(session: Session) -> None:
    """Drop this transaction's readings of free units (a move was refused, or a savepoint
    that saw them was rolled back)."""
    session.info.pop(FREE_UNITS_KEY, None)


def reserve_units(session: Session, variant_id: int, quantity: int) -> bool:
    """Hold `quantity` units if that many are free; False (and nothing changed) otherwise.

    On PostgreSQL a concurrent update of the same row makes this statement wait and then
    re-check its WHERE clause; on SQLite the writer lock is taken at BEGIN. Either way the
    check and the increment are one step, and the CHECK constraint is the last guard.
    """
    return _move(session, _RESERVE, variant_id, quantity, free_after=-quantity)


def release_units(session: Session, variant_id: int, quantity: int) -> None:
    """Give held units back to sale."""
    _move(session, _RELEASE, variant_id, quantity, free_after=quantity)


def sell_units(session: Session, variant_id: int, quantity: int) -> None:
    """Turn held units into sold ones: they leave both the hold and the stock."""
    _move(session, _SELL_HELD, variant_id, quantity, free_after=0)


def available_units(session: Session, variant_id: int) -> int:
    """Units neither held nor sold, as of now (a reading, not a promise)."""
    return (
        session.scalar(select(Variant.stock - Variant.reserved).where(Variant.id == variant_id))
        or 0
    )


def sell_free_units(session: Session, variant_id: int, quantity: int) -> bool:
    """Sell units that nobody holds ("first paid, first served"): one conditional update."""
    return _move(session, _SELL_FREE, variant_id, quantity, free_after=-quantity)


def _move(
    session: Session, statement: Any, variant_id: int, quantity: int, *, free_after: int
) -> bool:
    """Run one stock move that changes the variant's free units by `free_after`; True when
    it changed the row. ORM copies of variants loaded in this session are not refreshed
    (nothing on the claim path reads them)."""
    result = session.connection().execute(
        statement, {"variant_id": variant_id, "quantity": quantity}
    )
    moved = result.rowcount == 1
    readings: dict[int, dict[int, int]] | None = session.info.get(FREE_UNITS_KEY)
    if readings:
        if not moved:  # a refused move means a reading was out of date
            forget_free_units(session)
        else:
            for free in readings.values():
                if variant_id in free:
                    free[variant_id] += free_after
    return moved
