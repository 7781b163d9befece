"""A console 'platform': the demo's chat, printed with rich instead of sent anywhere."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from live.platform import PlatformLimits


class ConsolePlatform:
    """Prints what the bot would say or do in the chat."""

    name = "console"
    limits = PlatformLimits(max_message_chars=4096, public_messages_per_minute=10_000)

    def __init__(self, console: Console) -> None:
        self.console = console
        self.public = self.private = self.actions = 0

    async def send_public(self, chat_id: str, text: str, reply_to: str | None = None) -> None:
        self.public += 1
        for line in text.splitlines():
            self.console.print(f"  [bold cyan]🤖 bot[/] {escape(line)}")

    async def send_private(self, user_id: str, text: str) -> None:
        self.private += 1
        self.console.print(f"  [magenta]✉️  DM → {escape(user_id)}[/] [dim]{escape(text)}[/]")

    async def moderate(
        self, chat_id: str, message_id: str, user_id: str, action: str, duration_s: int | None
    ) -> None:
        self.actions += 1
        extra = f" {duration_s}s" if duration_s else ""
        self.console.print(
            f"  [bold red]🛡  {escape(action)}{extra}[/] message {escape(message_id)} "
            f"of {escape(user_id)}"
        )
