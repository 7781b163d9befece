"""Viewer text on the operator's terminal: shown as it is written, never as markup, links
or escape sequences (a viewer named `[/]` or `\\x1b]8;;…` must not break or rewrite the
moderator's screen)."""

from __future__ import annotations

from rich.text import Text

from kernel.printable import printable


def plain(value: object, limit: int = 300) -> str:
    """The text without control or bidirectional-override characters, at most `limit`."""
    return printable(value, limit)


def cell(value: object, limit: int = 300) -> Text:
    """A table cell or console line that rich prints literally (no markup parsing)."""
    return Text(printable(value, limit))
