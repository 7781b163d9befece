"""The chat platform port: what the outbox sender needs from Telegram, Discord or a console."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class DeliveryError(Exception):
    """A send that failed; `retry_after` (seconds) when the platform asked us to wait,
    `permanent` when retrying cannot help (bot blocked, chat gone)."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, permanent: bool = False
    ) -> None:
        self.retry_after = retry_after
        self.permanent = permanent
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class PlatformLimits:
    """How much one message may carry, and how fast we may send."""

    max_message_chars: int = 4096
    public_messages_per_minute: int = 20


class ChatPlatform(Protocol):
    """A platform adapter's sending side."""

    name: str
    limits: PlatformLimits

    async def send_public(self, chat_id: str, text: str, reply_to: str | None = None) -> None: ...

    async def send_private(self, user_id: str, text: str) -> None: ...

    async def moderate(
        self, chat_id: str, message_id: str, user_id: str, action: str, duration_s: int | None
    ) -> None: ...
