"""Viewer text on the operator's terminal: shown as it is written, never as markup, links
or escape sequences (a viewer named `[/]` or `\\x1b]8;;…` must not break or rewrite the
moderator's screen)."""

from __future__ import annotations

import re
import unicodedata

from rich.text import Text

# C0 and C1 control characters (ESC among them) and DEL; tabs and newlines become spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def plain(value: object, limit: int = 300) -> str:
    """The text without control or bidirectional-override characters, at most `limit`."""
    text = _CONTROL.sub(" ", str(value or ""))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cell(value: object, limit: int = 300) -> Text:
    """A table cell or console line that rich prints literally (no markup parsing)."""
    return Text(plain(value, limit))
