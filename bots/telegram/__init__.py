"""The Telegram platform: a bot in the group where a live is commented.

Enabled by `VITRINE_TELEGRAM_TOKEN`; `VITRINE_TELEGRAM_BASE_URL` points it at another Bot
API server (python-telegram-bot's `base_url`: the token is appended), for tests and
self-hosted servers.
"""

from __future__ import annotations

from typing import Any

from bots.telegram.adapter import BadToken, TelegramPlatform
from live.platform import PlatformPlugin


def _enabled(settings: Any) -> bool:
    return getattr(settings, "telegram_token", None) is not None


def _build(settings: Any) -> TelegramPlatform:
    return TelegramPlatform(
        settings.telegram_token.get_secret_value(),
        base_url=settings.telegram_base_url,
        webhook_url=settings.telegram_webhook_url,
    )


plugin = PlatformPlugin(name="telegram", enabled=_enabled, build=_build)

__all__ = ["BadToken", "TelegramPlatform", "plugin"]
