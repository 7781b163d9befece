"""Viewer text for a person's screen: without control characters (ESC among them),
bidirectional overrides or other invisible format characters, and of bounded length, so
that a viewer's name or message can neither rewrite nor flood the moderator's terminal."""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 control characters (ESC among them) and DEL; tabs and newlines become spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(value: object, limit: int = 300) -> str:
    """The text without control or format characters, at most `limit` long."""
    text = _CONTROL.sub(" ", str(value or ""))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text if len(text) <= limit else text[: limit - 1] + "…"
