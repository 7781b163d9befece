"""Shared-kernel tables: live sessions, viewers, comments and the outbox."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel.clock import utcnow
from kernel.db import Base


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class ViewerRole(StrEnum):
    VIEWER = "viewer"
    MODERATOR = "moderator"
    HOST = "host"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class LiveSession(Base):
    """One live stream on one chat: what is featured, how holds work, when it ran."""

    __tablename__ = "live_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.SCHEDULED)
    featured_product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL")
    )
    hold_mode: Mapped[str] = mapped_column(String(16), default="timed")
    hold_seconds: Mapped[int] = mapped_column(default=900)
    language: Mapped[str] = mapped_column(String(8), default="fr")
    # The brand the live sells for, as its replies and checkout pages name it (None: the
    # deployment's VITRINE_BRAND_NAME).
    brand: Mapped[str | None] = mapped_column(String(200))
    scheduled_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Viewer(Base):
    """A person in a platform's chat, known by the platform's own user id."""

    __tablename__ = "viewers"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_user_id: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str | None] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16), default=ViewerRole.VIEWER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(Base):
    """A chat message, stored once per platform message id, with what Vitrine made of it."""

    __tablename__ = "comments"
    __table_args__ = (
        UniqueConstraint("platform", "chat_id", "message_id"),
        Index("ix_comments_session_received", "session_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="SET NULL")
    )
    viewer_id: Mapped[int] = mapped_column(ForeignKey("viewers.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(100))
    message_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    intent: Mapped[str | None] = mapped_column(String(16))
    intent_items: Mapped[list[Any] | None]
    intent_confidence: Mapped[float | None]
    moderation_action: Mapped[str | None] = mapped_column(String(16))
    moderation_reasons: Mapped[list[Any] | None]
    error: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(Base):
    """Something to send (chat reply, DM, moderation action, brand webhook), written in the
    same transaction as the state it reports, sent later with retries."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    destination: Mapped[str] = mapped_column(String(500))
    payload: Mapped[dict[str, Any]]
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # Set by the relay that claimed the row to send it; another relay may take the row
    # once the lease has run out (its holder died mid-send).
    lease_until: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(64))


class JobLease(Base):
    """Who runs a deployment's scheduled jobs, until when: the holder renews it while it
    runs; a holder that stops renewing (dead, or frozen) loses it once it runs out."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    acquired_at: Mapped[datetime]
