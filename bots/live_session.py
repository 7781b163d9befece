"""Live sessions: open one on a chat, feature a product, end it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commerce.models import Product
from vitrine.models import LiveSession, SessionStatus


class UnknownSku(LookupError):
    def __init__(self, sku: str) -> None:
        self.sku = sku
        super().__init__(f"no product with sku {sku!r} in the catalog")


def open_session(
    session: Session,
    *,
    key: str,
    platform: str,
    chat_id: str,
    now: datetime,
    title: str = "",
    hold_seconds: int | None = 900,
    language: str = "fr",
) -> LiveSession:
    """Start (or rejoin, by key) a live session; several workers may share one."""
    live = session.scalar(select(LiveSession).where(LiveSession.key == key))
    if live is None:
        live = LiveSession(
            key=key,
            title=title or key,
            platform=platform,
            chat_id=chat_id,
            status=SessionStatus.LIVE,
            hold_mode="timed" if hold_seconds else "first_paid",
            hold_seconds=hold_seconds or 0,
            language=language,
            started_at=now,
            created_at=now,
        )
        session.add(live)
        session.flush()
    elif live.status != SessionStatus.LIVE:
        live.status = SessionStatus.LIVE
        live.started_at = live.started_at or now
    return live


def feature_product(session: Session, live: LiveSession, sku: str) -> Product:
    """Show a product on stream: bare claims ("je prends", "+1") now refer to it."""
    product = session.scalar(select(Product).where(Product.sku == sku))
    if product is None:
        raise UnknownSku(sku)
    live.featured_product_id = product.id
    return product


def end_session(session: Session, live: LiveSession, now: datetime) -> None:
    live.status = SessionStatus.ENDED
    live.ended_at = now
