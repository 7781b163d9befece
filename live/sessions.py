"""Live sessions: open one on a chat, feature a product, end it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commerce.models import Product
from kernel.models import LiveSession, SessionStatus
from kernel.uow import UnitOfWorkProvider, read_in_own_unit


@dataclass(frozen=True, slots=True)
class LiveInfo:
    """The facts of a live session that do not change while it runs."""

    id: int
    platform: str
    chat_id: str
    language: str
    started_at: datetime | None
    brand: str | None = None

    @classmethod
    def of(cls, live: LiveSession) -> LiveInfo:
        return cls(live.id, live.platform, live.chat_id, live.language, live.started_at, live.brand)


def live_info(database: UnitOfWorkProvider, live_session_id: int) -> LiveInfo:
    """A live session's fixed facts, read in a unit of work of its own."""

    def read(session: Session) -> LiveInfo:
        live = session.get(LiveSession, live_session_id)
        if live is None:
            raise LookupError(f"live session {live_session_id} does not exist")
        return LiveInfo.of(live)

    return read_in_own_unit(database, read)


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
    brand: str | None = None,
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
            brand=brand,
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


def feature(database: UnitOfWorkProvider, live_session_id: int, sku: str) -> Product:
    """Feature a product on a live session, in a unit of work of its own."""
    with database.unit_of_work() as uow:
        live = uow.session.get(LiveSession, live_session_id)
        if live is None:
            raise LookupError(f"live session {live_session_id} does not exist")
        product = feature_product(uow.session, live, sku)
        uow.commit()
        return product


def running_live(session: Session, platform: str, chat_id: str) -> LiveSession | None:
    """The live session running on a chat (the newest, if several were opened)."""
    return session.scalar(
        select(LiveSession)
        .where(
            LiveSession.platform == platform,
            LiveSession.chat_id == chat_id,
            LiveSession.status == SessionStatus.LIVE,
        )
        .order_by(LiveSession.id.desc())
        .limit(1)
    )


def live_session_on_chat(database: UnitOfWorkProvider, platform: str, chat_id: str) -> int | None:
    """The id of the live session running on a chat, read in a unit of work of its own."""

    def read(session: Session) -> int | None:
        live = running_live(session, platform, chat_id)
        return None if live is None else live.id

    return read_in_own_unit(database, read)
