"""A console 'platform': what the bot would say or do, printed with rich, and comments typed
on standard input as `name: text` (the demo feeds it a recorded chat instead)."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from itertools import count

from rich.console import Console
from rich.markup import escape

from kernel.printable import printable as safe
from live.deliveries import ModerationCommand
from live.messages import ChatMessage
from live.platform import Inbox, PlatformLimits

PLATFORM = "console"


class ConsolePlatform:
    """Prints what the bot would say or do in the chat; reads comments typed on stdin."""

    name = PLATFORM
    limits = PlatformLimits(max_message_chars=4096, public_messages_per_minute=10_000)

    def __init__(self, console: Console | None = None, *, chat_id: str = "console") -> None:
        self.console = console or Console()
        self.chat_id = chat_id
        self.public = self.private = self.actions = 0
        self._ids = count(1)

    async def send_public(self, chat_id: str, text: str, reply_to: str | None = None) -> None:
        self.public += 1
        for line in text.splitlines():
            self.console.print(f"  [bold cyan]🤖 bot[/] {escape(safe(line, 4096))}")

    async def send_private(self, user_id: str, text: str) -> None:
        self.private += 1
        self.console.print(
            f"  [magenta]✉️  DM → {escape(safe(user_id))}[/] [dim]{escape(safe(text, 4096))}[/]"
        )

    async def moderate(self, command: ModerationCommand) -> None:
        self.actions += 1
        extra = f" {command.duration_s // 60} min" if command.duration_s else ""
        who = command.user_name or command.user_id
        why = f" ({', '.join(command.reasons)})" if command.reasons else ""
        said = f': "{command.text}"' if command.text else ""
        self.console.print(
            f"  [bold red]🛡  {escape(command.action)}{escape(extra)}[/] "
            f"{escape(safe(who))}{escape(why)}[dim]{escape(safe(said))}[/]"
        )

    def private_link(self, user_id: str) -> str | None:
        return None  # a console has no private chats to open

    def message(self, line: str) -> ChatMessage | None:
        """A typed line (`name: text`) as a comment of this chat; None for a blank line."""
        author, _, text = line.strip().partition(":")
        if not text:
            author, text = "you", author
        if not text.strip():
            return None
        return ChatMessage(
            platform=PLATFORM,
            chat_id=self.chat_id,
            message_id=f"console-{next(self._ids)}",
            author_id=author.strip().casefold() or "you",
            author_name=author.strip() or "you",
            text=text.strip(),
            sent_at=datetime.now(UTC),
        )

    async def run(self, inbox: Inbox, stop: asyncio.Event) -> None:
        """Read comments from standard input until it ends or `stop` is set."""
        while not stop.is_set():
            read = asyncio.create_task(asyncio.to_thread(sys.stdin.readline))
            stopped = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({read, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if read not in done:
                return  # the thread reading stdin ends with the process
            line = read.result()
            if not line:
                return  # end of input
            message = self.message(line)
            if message is not None:
                await inbox.submit(message)
