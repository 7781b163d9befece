"""CSV cells a spreadsheet will not run: viewer-supplied text that starts like a formula
(`=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe, as OWASP
recommends against CSV injection. Every CSV Vitrine writes goes through `safe_row`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, neutralised if it is text that a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}
