"""What an outbox row carries, typed per kind: the write side builds one of these and
stores `to_json()`, the relay reads it back with `from_json` (through `delivery_of`), so
no one reads or writes a payload dict by convention."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from commerce.brand_events import BRAND_CHANNELS


class UnknownDelivery(ValueError):
    """An outbox row of a kind no relay knows, or missing what its kind needs: retrying
    cannot help."""


def _text(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    return "" if value is None else str(value)


def _optional_text(payload: dict[str, Any], key: str) -> str | None:
    value = payload.get(key)
    return None if value is None else str(value)


def _required(payload: dict[str, Any], key: str, kind: str) -> str:
    value = _text(payload, key)
    if not value:
        raise UnknownDelivery(f"{kind} row without {key!r}")
    return value


@dataclass(frozen=True, slots=True)
class PublicReply:
    """A message in the live's chat, batched with others to the same chat."""

    chat_id: str
    text: str
    reply_to: str | None = None
    user_id: str | None = None  # the viewer it answers, when it answers one

    kind: ClassVar[str] = "public"

    def to_json(self) -> dict[str, Any]:
        return {
            "chat_id": self.chat_id,
            "text": self.text,
            "reply_to": self.reply_to,
            "user_id": self.user_id,
        }

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> PublicReply:
        return cls(
            _required(payload, "chat_id", cls.kind),
            _text(payload, "text"),
            _optional_text(payload, "reply_to"),
            _optional_text(payload, "user_id"),
        )


@dataclass(frozen=True, slots=True)
class PrivateReply:
    """A direct message to one viewer (their checkout link)."""

    user_id: str
    text: str
    chat_id: str = ""  # the live's chat, where a link to the private chat can be posted
    user_name: str = ""  # for that link's line, when the viewer's private chat is closed
    language: str = ""
    link: str = ""  # the checkout link it carries, for a platform's "pay" button
    items: tuple[tuple[str, str], ...] = ()  # (product SKU, label): a "cancel" per line

    kind: ClassVar[str] = "private"

    def to_json(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "text": self.text,
            "chat_id": self.chat_id,
            "user_name": self.user_name,
            "language": self.language,
            "link": self.link,
            "items": [list(item) for item in self.items],
        }

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> PrivateReply:
        return cls(
            _required(payload, "user_id", cls.kind),
            _text(payload, "text"),
            _text(payload, "chat_id"),
            str(payload.get("user_name") or ""),
            str(payload.get("language") or ""),
            str(payload.get("link") or ""),
            tuple((str(s), str(label)) for s, label in payload.get("items") or ()),
        )


@dataclass(frozen=True, slots=True)
class ModerationCommand:
    """Delete a message, mute or ban its author, or lift that (unmute, unban)."""

    chat_id: str
    message_id: str
    user_id: str
    action: str
    duration_s: int | None = None
    # For the people who watch it happen (a console, a moderators' log), not the platform:
    # whose message, why, and what it said.
    user_name: str = ""
    reasons: tuple[str, ...] = ()
    text: str = ""

    kind: ClassVar[str] = "moderation"

    def to_json(self) -> dict[str, Any]:
        return {
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "user_id": self.user_id,
            "action": self.action,
            "duration_s": self.duration_s,
            "user_name": self.user_name,
            "reasons": list(self.reasons),
            "text": self.text,
        }

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> ModerationCommand:
        duration = payload.get("duration_s")
        return cls(
            _text(payload, "chat_id"),
            _text(payload, "message_id"),
            _text(payload, "user_id"),
            _required(payload, "action", cls.kind),
            int(duration) if duration is not None else None,
            str(payload.get("user_name") or ""),
            tuple(str(r) for r in payload.get("reasons") or ()),
            str(payload.get("text") or ""),
        )


@dataclass(frozen=True, slots=True)
class BrandEvent:
    """Something the brand's shop must hear of (an order paid, a payment to refund).

    Commerce writes these rows (`order_paid`, `payment_needs_refund`) with its own document
    as the payload: the event is its type (the row's kind) and that document, unchanged."""

    type: str
    data: dict[str, Any]

    kind: ClassVar[str] = "brand"

    def to_json(self) -> dict[str, Any]:
        return dict(self.data)

    @classmethod
    def from_json(cls, payload: dict[str, Any], *, type: str) -> BrandEvent:
        return cls(type, dict(payload))

    @property
    def order_id(self) -> int | None:
        """The order it is about, if any (an `order_paid` is handed off once delivered)."""
        try:
            return int(self.data["order_id"])
        except (KeyError, TypeError, ValueError):
            return None


Delivery = PublicReply | PrivateReply | ModerationCommand | BrandEvent

_CHAT_KINDS: dict[str, type[PublicReply] | type[PrivateReply] | type[ModerationCommand]] = {
    PublicReply.kind: PublicReply,
    PrivateReply.kind: PrivateReply,
    ModerationCommand.kind: ModerationCommand,
}


def delivery_of(kind: str, channel: str, payload: dict[str, Any]) -> Delivery:
    """The typed delivery an outbox row holds; `UnknownDelivery` if none fits."""
    if channel in BRAND_CHANNELS:
        return BrandEvent.from_json(payload, type=kind)
    reader = _CHAT_KINDS.get(kind)
    if reader is None:
        raise UnknownDelivery(f"unknown outbox kind {kind!r} on channel {channel!r}")
    try:
        return reader.from_json(payload)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, UnknownDelivery):
            raise
        raise UnknownDelivery(f"{kind} row with an unreadable payload: {exc}") from None
