"""The moderation policy: what counts, how hard each removal hits, who is exempt.

Every threshold and action is a field; the defaults are those of the spec (escalation
delete -> timeout 600 s -> ban; scam, hate and impersonation straight to ban).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


class PolicyError(ValueError):
    """A settings document that does not describe a policy."""


# Every key a settings document may hold (docs/formats.md); any other is refused by name.
SETTINGS_KEYS = frozenset(
    {
        "brand",
        "protected_names",
        "allowed_domains",
        "blocked_words",
        "flood_window_s",
        "flood_max_messages",
        "repeat_window_s",
        "repeat_max",
        "symbol_run",
        "max_chars",
        "timeout_s",
        "dry_run",
        "ladder",
        "instant_ban",
        "flag_only",
        "exempt_roles",
    }
)


@dataclass(frozen=True)
class ModerationPolicy:
    """Who is protected, what is allowed, and how hard each removal hits."""

    brand: str = ""
    protected_names: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    blocked_words: tuple[str, ...] = ()
    flood_window_s: float = 10.0
    flood_max_messages: int = 5  # the 6th message within the window is flood
    repeat_window_s: float = 60.0
    repeat_max: int = 3  # the 4th identical message within the window is repetition
    symbol_run: int = 30
    max_chars: int = 500
    timeout_s: int = 600
    ladder: tuple[str, ...] = ("delete", "timeout", "ban")
    instant_ban: frozenset[str] = frozenset({"scam", "hate", "impersonation"})
    flag_only: frozenset[str] = frozenset()  # categories that alert moderators but stay
    exempt_roles: frozenset[str] = frozenset({"moderator", "host"})
    dry_run: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings_json(
        cls, data: dict[str, Any], overrides: dict[str, Any] | None = None
    ) -> ModerationPolicy:
        """The spec's settings document (brand, protected_names, allowed_domains,
        blocked_words); any field of this class, in it or in `overrides`, replaces a default."""
        if not isinstance(data, dict) or not isinstance(overrides or {}, dict):
            raise PolicyError("settings must be a JSON object")
        data = {**data, **(overrides or {})}
        unknown = sorted(set(data) - SETTINGS_KEYS)
        if unknown:
            known = ", ".join(sorted(SETTINGS_KEYS))
            raise PolicyError(f"unknown setting(s): {', '.join(unknown)} (known: {known})")
        values: dict[str, Any] = {}
        for key in ("protected_names", "allowed_domains", "blocked_words"):
            items = data.get(key, [])
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise PolicyError(f"'{key}' must be a list of strings")
            values[key] = tuple(i.strip() for i in items if i.strip())
        brand = data.get("brand", "")
        if not isinstance(brand, str):
            raise PolicyError("'brand' must be a string")
        values["brand"] = brand
        if brand and brand not in values["protected_names"]:
            values["protected_names"] = (brand, *values["protected_names"])
        values["allowed_domains"] = tuple(
            d.lower()
            .removeprefix("https://")
            .removeprefix("http://")
            .removeprefix("www.")
            .rstrip("/")
            for d in values["allowed_domains"]
        )
        for key, kind in (
            ("flood_window_s", (int, float)),
            ("flood_max_messages", int),
            ("repeat_window_s", (int, float)),
            ("repeat_max", int),
            ("symbol_run", int),
            ("max_chars", int),
            ("timeout_s", int),
            ("dry_run", bool),
        ):
            if key in data:
                if not isinstance(data[key], kind) or (kind is int and isinstance(data[key], bool)):
                    raise PolicyError(f"'{key}' has the wrong type")
                values[key] = data[key]
        for key in ("ladder",):
            if key in data:
                ladder = data[key]
                if not ladder or not all(a in ("flag", "delete", "timeout", "ban") for a in ladder):
                    raise PolicyError("'ladder' lists actions among flag, delete, timeout, ban")
                values[key] = tuple(ladder)
        for key in ("instant_ban", "flag_only", "exempt_roles"):
            if key in data:
                items = data[key]
                if not isinstance(items, list | tuple | set | frozenset) or not all(
                    isinstance(i, str) for i in items
                ):
                    raise PolicyError(f"'{key}' must be a list of strings")
                values[key] = frozenset(items)
        return cls(**values)

    def with_dry_run(self, dry_run: bool) -> ModerationPolicy:
        """The same policy, deciding without acting (or acting again)."""
        return replace(self, dry_run=dry_run)
