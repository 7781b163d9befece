"""What an outbox row carries, typed per kind: the write side builds one of these and
stores `to_json()`, the relay reads it back with `delivery_of` (no dicts by convention)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PublicReply:
    """A message in the live's chat, batched with others to the same chat."""

    chat_id: str
    text: str
    reply_to: str | None = None
    user_id: str | None = None  # the viewer it answers, when it answers one

    kind = "public"

    def to_json(self) -> dict[str, Any]:
        return {
            "chat_id": self.chat_id,
            "text": self.text,
            "reply_to": self.reply_to,
            "user_id": self.user_id,
        }


@dataclass(frozen=True, slots=True)
class PrivateReply:
    """A direct message to one viewer (their checkout link)."""

    user_id: str
    text: str
    chat_id: str = ""

    kind = "private"

    def to_json(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "text": self.text, "chat_id": self.chat_id}


@dataclass(frozen=True, slots=True)
class ModerationCommand:
    """Delete a message, mute or ban its author, or lift that (unmute, unban)."""

    chat_id: str
    message_id: str
    user_id: str
    action: str
    duration_s: int | None = None

    kind = "moderation"

    def to_json(self) -> dict[str, Any]:
        return {
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "user_id": self.user_id,
            "action": self.action,
            "duration_s": self.duration_s,
        }


@dataclass(frozen=True, slots=True)
class BrandEvent:
    """Something the brand's shop must hear of (an order paid, a payment to refund)."""

    type: str
    data: dict[str, Any]

    kind = "brand"

    def to_json(self) -> dict[str, Any]:
        return self.data


Delivery = PublicReply | PrivateReply | ModerationCommand | BrandEvent


class UnknownDelivery(ValueError):
    """An outbox row of a kind no relay knows: retrying cannot help."""


def _text(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    return "" if value is None else str(value)


def delivery_of(kind: str, channel: str, payload: dict[str, Any]) -> Delivery:
    """The typed delivery an outbox row holds."""
    if channel == "brand":
        return BrandEvent(kind, dict(payload))
    if kind == "public":
        reply_to = payload.get("reply_to")
        return PublicReply(
            _text(payload, "chat_id"),
            _text(payload, "text"),
            None if reply_to is None else str(reply_to),
        )
    if kind == "private":
        return PrivateReply(
            _text(payload, "user_id"), _text(payload, "text"), _text(payload, "chat_id")
        )
    if kind == "moderation":
        duration = payload.get("duration_s")
        return ModerationCommand(
            _text(payload, "chat_id"),
            _text(payload, "message_id"),
            _text(payload, "user_id"),
            _text(payload, "action"),
            int(duration) if duration is not None else None,
        )
    raise UnknownDelivery(f"unknown outbox kind {kind!r} on channel {channel!r}")
