"""Stock moves as single conditional updates: a unit can never be held or sold twice."""

from __future__ import annotations

from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from commerce.models import Variant

_NO_SYNC = {"synchronize_session": False}
# Where commerce.product_facts keeps this transaction's readings of free units; every stock
# move below forgets them.
FREE_UNITS_KEY = "commerce.free_units"


def _stock_moves(session: Session) -> None:
    session.info.pop(FREE_UNITS_KEY, None)


def reserve_units(session: Session, variant_id: int, quantity: int) -> bool:
    """Hold `quantity` units if that many are free; False (and nothing changed) otherwise.

    On PostgreSQL a concurrent update of the same row makes this statement wait and then
    re-check its WHERE clause; on SQLite the writer lock is taken at BEGIN. Either way the
    check and the increment are one step, and the CHECK constraint is the last guard.
    """
    _stock_moves(session)
    result = cast(
        CursorResult[tuple[()]],
        session.execute(
            update(Variant)
            .where(Variant.id == variant_id, Variant.stock - Variant.reserved >= quantity)
            .values(reserved=Variant.reserved + quantity),
            execution_options=_NO_SYNC,
        ),
    )
    return result.rowcount == 1


def release_units(session: Session, variant_id: int, quantity: int) -> None:
    """Give held units back to sale."""
    _stock_moves(session)
    session.execute(
        update(Variant)
        .where(Variant.id == variant_id)
        .values(reserved=Variant.reserved - quantity),
        execution_options=_NO_SYNC,
    )


def sell_units(session: Session, variant_id: int, quantity: int) -> None:
    """Turn held units into sold ones: they leave both the hold and the stock."""
    _stock_moves(session)
    session.execute(
        update(Variant)
        .where(Variant.id == variant_id)
        .values(reserved=Variant.reserved - quantity, stock=Variant.stock - quantity),
        execution_options=_NO_SYNC,
    )


def available_units(session: Session, variant_id: int) -> int:
    """Units neither held nor sold, as of now (a reading, not a promise)."""
    return (
        session.scalar(select(Variant.stock - Variant.reserved).where(Variant.id == variant_id))
        or 0
    )


def sell_free_units(session: Session, variant_id: int, quantity: int) -> bool:
    """Sell units that nobody holds ("first paid, first served"): one conditional update."""
    _stock_moves(session)
    result = cast(
        CursorResult[tuple[()]],
        session.execute(
            update(Variant)
            .where(Variant.id == variant_id, Variant.stock - Variant.reserved >= quantity)
            .values(stock=Variant.stock - quantity),
            execution_options=_NO_SYNC,
        ),
    )
    return result.rowcount == 1
