"""The console platform: the bot's chat printed on a terminal, and comments typed there.

It is the example of a platform adapter: a folder under `bots/`, a `plugin` the runtime
finds through `vitrine.plugins`, and the settings it reads (`VITRINE_CONSOLE_CHAT`).
"""

from __future__ import annotations

from typing import Any

from bots.console.adapter import ConsolePlatform
from live.platform import PlatformPlugin


def _enabled(settings: Any) -> bool:
    return bool(getattr(settings, "console_chat", None))


def _build(settings: Any) -> ConsolePlatform:
    return ConsolePlatform(chat_id=str(settings.console_chat))


plugin = PlatformPlugin(name="console", enabled=_enabled, build=_build)

__all__ = ["ConsolePlatform", "plugin"]
