"""The platform adapters Vitrine knows: one line per platform folder under `bots/`.

A new platform is a folder `bots/<platform>/` exposing `plugin` (live.platform.PlatformPlugin),
its settings fields in `vitrine/settings.py`, and its line here.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from live.platform import PlatformPlugin

PLATFORMS: tuple[str, ...] = ("bots.console", "bots.telegram")


def known_plugins() -> list[PlatformPlugin]:
    return [import_module(module).plugin for module in PLATFORMS]


def enabled_plugins(settings: Any) -> list[PlatformPlugin]:
    """The plugins the settings turn on (a token is set)."""
    return [plugin for plugin in known_plugins() if plugin.enabled(settings)]
