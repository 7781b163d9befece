"""Deep links that open a viewer's private chat with the bot and deliver their cart.

The payload (at most 64 characters of `[A-Za-z0-9_-]`, Telegram's rule) names the viewer
and carries an HMAC of their id under a key derived from the bot's token: nobody can make
one for another viewer, and `/start <payload>` from anyone but that viewer is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from telegram.helpers import create_deep_linked_url


class DeepLinks:
    def __init__(self, token: str, bot_username: str = "") -> None:
        self._key = hashlib.sha256(b"vitrine deep link\x00" + token.encode()).digest()
        self.bot_username = bot_username

    def payload(self, user_id: str) -> str:
        return f"c{user_id}_{self._signature(user_id)}"

    def url(self, user_id: str) -> str:
        return create_deep_linked_url(self.bot_username, self.payload(user_id))

    def owner(self, payload: str) -> str | None:
        """The viewer a payload was made for, if it is one of ours."""
        if not payload.startswith("c") or "_" not in payload:
            return None
        user_id, _, signature = payload[1:].partition("_")
        if not user_id.isdigit():
            return None
        return user_id if hmac.compare_digest(signature, self._signature(user_id)) else None

    def _signature(self, user_id: str) -> str:
        mac = hmac.new(self._key, user_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:18]).decode().rstrip("=")
