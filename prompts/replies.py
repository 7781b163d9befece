"""Reply templates per language, as reviewable JSON files; English fills any gap."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

FALLBACK_LANGUAGE = "en"


@cache
def templates(language: str) -> dict[str, str]:
    """The templates of one language (empty when the language has no file)."""
    try:
        text = (
            resources.files("prompts")
            .joinpath("reply_templates")
            .joinpath(f"{language}.json")
            .read_text("utf-8")
        )
    except (FileNotFoundError, ModuleNotFoundError):
        return {}
    return dict(json.loads(text))


def available_languages() -> list[str]:
    folder = resources.files("prompts").joinpath("reply_templates")
    return sorted(
        p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json")
    )


def render(key: str, language: str | None, **values: object) -> str:
    """Fill template `key` in `language` (falling back to English) with `values`."""
    template = (
        templates(language or FALLBACK_LANGUAGE).get(key) or templates(FALLBACK_LANGUAGE)[key]
    )
    return template.format(**values)
