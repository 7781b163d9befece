"""Stock moves as single conditional updates: a unit can never be held or sold twice."""

from __future__ import annotations

from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from commerce.models import Variant

_NO_SYNC = {"synchronize_session": False}


def reserve_units(session: Session, variant_id: int, quantity: int) -> bool:
    """Hold `quantity` units if that many are free; False (and nothing changed) otherwise.

    On PostgreSQL a concurrent update of the same row makes this statement wait and then
    re-check its WHERE clause; on SQLite the writer lock is taken at BEGIN. Either way the
    check and the increment are one step, and the CHECK constraint is the last guard.
    """
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
    session.execute(
        update(Variant)
        .where(Variant.id == variant_id)
        .values(reserved=Variant.reserved - quantity),
        execution_options=_NO_SYNC,
    )


def sell_units(session: Session, variant_id: int, quantity: int) -> None:
    """Turn held units into sold ones: they leave both the hold and the stock."""
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
