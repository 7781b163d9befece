"""The chat platform port: what the relay needs to send through Telegram, Discord or a
console, and what the runtime needs to receive from them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from live.chat_commands import ChatCommand
from live.deliveries import ModerationCommand, PrivateReply
from live.messages import ChatMessage


class DeliveryError(Exception):
    """A send that failed; `retry_after` (seconds) when the platform asked us to wait,
    `permanent` when retrying cannot help (bot blocked, chat gone)."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, permanent: bool = False
    ) -> None:
        self.retry_after = retry_after
        self.permanent = permanent
        super().__init__(message)


class ReceiverStopped(Exception):
    """A platform that cannot receive at all (its token was refused): retrying cannot
    help, so the runtime stops it with this message instead of restarting it."""


class PrivateChatClosed(DeliveryError):
    """The viewer has not opened a private chat with the bot (Telegram: never started it):
    the platform cannot deliver a DM until they do."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


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

    async def moderate(self, command: ModerationCommand) -> None:
        """Apply it (delete the message, mute or ban its author, or lift that)."""

    def private_link(self, user_id: str) -> str | None:
        """A link that opens the viewer's private chat with the bot and delivers what waits
        for them there (Telegram's deep link), or None when the platform has none."""


@runtime_checkable
class CheckoutButtons(Protocol):
    """A platform that can send a checkout DM with buttons (pay, cancel) rather than a bare
    link in the text; the relay uses it when the platform has it."""

    async def send_checkout(self, reply: PrivateReply) -> None: ...


class Inbox(Protocol):
    """Where an adapter hands the comments and commands it receives (the live router)."""

    async def submit(self, message: ChatMessage) -> object: ...

    async def command(self, command: ChatCommand) -> object: ...


class PlatformAdapter(ChatPlatform, Protocol):
    """A platform adapter: it sends (ChatPlatform) and it receives, until told to stop."""

    async def run(self, inbox: Inbox, stop: asyncio.Event) -> None: ...


class WebhookReceiver(Protocol):
    """A platform that receives by webhook: the web app hands it each request to
    `/platforms/<name>/webhook`; it answers the HTTP status (403 for a request that is not
    the platform's, 2xx once the update is handled, so that a failure is delivered again)."""

    name: str

    async def accept(self, headers: Mapping[str, str], body: bytes) -> int: ...


@dataclass(frozen=True, slots=True)
class PlatformPlugin:
    """How the runtime finds a platform adapter: its name, whether the settings enable it
    (a token is set), and how to build it from them. One per folder under `bots/`."""

    name: str
    enabled: Callable[[Any], bool]
    build: Callable[[Any], PlatformAdapter]
