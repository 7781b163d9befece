"""Commerce tables. Stock, reservations and orders are separate facts (as in Saleor)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kernel.clock import utcnow
from kernel.db import Base


class OrderStatus(StrEnum):
    """reserved -> awaiting_payment -> paid -> handed_off; or expired / cancelled; a paid
    order can still be cancelled (not to ship) or refunded by the brand."""

    RESERVED = "reserved"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    HANDED_OFF = "handed_off"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.RESERVED: frozenset(
        {OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID, OrderStatus.EXPIRED, OrderStatus.CANCELLED}
    ),
    OrderStatus.AWAITING_PAYMENT: frozenset(
        {OrderStatus.RESERVED, OrderStatus.PAID, OrderStatus.EXPIRED, OrderStatus.CANCELLED}
    ),
    OrderStatus.PAID: frozenset(
        {OrderStatus.HANDED_OFF, OrderStatus.CANCELLED, OrderStatus.REFUNDED}
    ),
    OrderStatus.HANDED_OFF: frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED}),
    OrderStatus.EXPIRED: frozenset(),
    OrderStatus.CANCELLED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.REFUNDED: frozenset(),
}
# Paid at some point: what the brand hears of and exports count.
SOLD_ORDER_STATUSES = frozenset(
    {OrderStatus.PAID, OrderStatus.HANDED_OFF, OrderStatus.CANCELLED, OrderStatus.REFUNDED}
)
OPEN_ORDER_STATUSES = frozenset({OrderStatus.RESERVED, OrderStatus.AWAITING_PAYMENT})


class ReservationStatus(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    CONSUMED = "consumed"


class LineStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class WaitlistStatus(StrEnum):
    WAITING = "waiting"
    PROMOTED = "promoted"
    CANCELLED = "cancelled"


class Product(Base):
    """A product as shown on stream: on-screen code, names viewers use, a price (which a
    variant may override)."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    price_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    variants: Mapped[list[Variant]] = relationship(
        back_populates="product", order_by="Variant.id", cascade="all, delete-orphan"
    )


class Variant(Base):
    """A sellable combination of options with its stock; `reserved` units are on hold.
    Its own price when it has one (a 50 ml dearer than a 30 ml), else its product's."""

    __tablename__ = "variants"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("reserved >= 0 AND reserved <= stock", name="never_oversold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(100), unique=True)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    stock: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    price_minor: Mapped[int | None]

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def available(self) -> int:
        return self.stock - self.reserved


class Order(Base):
    """A viewer's cart in a live session; it becomes an order when paid."""

    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_session_status", "session_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    viewer_id: Mapped[int] = mapped_column(ForeignKey("viewers.id", ondelete="CASCADE"))
    # "<session>:<viewer>" while the cart is open, NULL after: one open cart per viewer.
    open_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.RESERVED)
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(default=0)
    public_token: Mapped[str] = mapped_column(String(64), unique=True)
    checkout_provider: Mapped[str | None] = mapped_column(String(16))
    checkout_ref: Mapped[str | None] = mapped_column(String(255), index=True)
    checkout_url: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    paid_at: Mapped[datetime | None]
    handed_off_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # What the checkout collected to ship the order (NULL until then; pseudonymised when
    # the viewer asks to be forgotten).
    buyer_name: Mapped[str | None] = mapped_column(String(200))
    buyer_email: Mapped[str | None] = mapped_column(String(254))
    buyer_phone: Mapped[str | None] = mapped_column(String(40))
    shipping_address: Mapped[dict[str, Any] | None]
    payment_intent: Mapped[str | None] = mapped_column(String(255), index=True)
    cancelled_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )


class OrderLine(Base):
    """One product variant in a cart, at the price it had when claimed."""

    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"), index=True)
    quantity: Mapped[int]
    unit_price_minor: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=LineStatus.ACTIVE)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()
    variant: Mapped[Variant] = relationship()


class Reservation(Base):
    """Units of a variant held for an order line until paid, released or expired."""

    __tablename__ = "reservations"
    __table_args__ = (
        Index("ix_reservations_status_expires", "status", "expires_at"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"), index=True)
    quantity: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=ReservationStatus.ACTIVE)
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    line: Mapped[OrderLine] = relationship()


class WaitlistEntry(Base):
    """A viewer waiting for a sold-out variant; promoted first come, first served."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (Index("ix_waitlist_variant_status", "variant_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    viewer_id: Mapped[int] = mapped_column(ForeignKey("viewers.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default=WaitlistStatus.WAITING)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class PendingClaim(Base):
    """A claim that lacks an option (no size given): we asked, nothing is held yet."""

    __tablename__ = "pending_claims"
    __table_args__ = (Index("ix_pending_claims_viewer", "session_id", "viewer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    viewer_id: Mapped[int] = mapped_column(ForeignKey("viewers.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(default=1)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    missing: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="open")
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentEvent(Base):
    """A payment provider's event, stored by its id so that it is applied once."""

    __tablename__ = "payment_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(100))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    payload: Mapped[dict[str, Any]]
    created: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str | None] = mapped_column(Text)


class ApiKey(Base):
    """A key the brand's systems use on the brand API (`Authorization: Bearer vit_...`),
    stored as its SHA-256 only: the key itself is shown once, when created."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class WebhookEndpoint(Base):
    """A URL of the brand's that hears of every paid, cancelled or refunded order, signed
    with its own secret (`vitrine webhook add`). The secret is kept to sign with."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "webhook": signed JSON POSTs; "shopify": paid orders become orders of that shop
    # (its url is the shop's domain; its token is a setting, never stored here).
    kind: Mapped[str] = mapped_column(String(16), default="webhook")
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]


class ExportSchedule(Base):
    """An export the brand receives by itself: on a cron schedule (the orders paid since
    the previous run) and/or when a live ends (that live's orders), written to a folder or
    POSTed to a URL (signed with `secret`). `vitrine schedule add`."""

    __tablename__ = "export_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    cron: Mapped[str | None] = mapped_column(String(100))
    at_session_end: Mapped[bool] = mapped_column(default=False)
    format: Mapped[str] = mapped_column(String(16), default="csv")
    target: Mapped[str] = mapped_column(Text)  # a folder, or an http(s) URL
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]


class ExportRun(Base):
    """One run of a schedule, claimed by its key before it runs: a key is run once, by one
    process, whatever restarts or takeovers happen around it."""

    __tablename__ = "export_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("export_schedules.id", ondelete="CASCADE"), index=True
    )
    # "cron:<fire time ISO>" or "live:<session id>"
    run_key: Mapped[str] = mapped_column(String(120))
    window_start: Mapped[datetime | None]
    window_end: Mapped[datetime | None]
    session_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    orders: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("schedule_id", "run_key"),)
