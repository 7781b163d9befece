"""The checkout pages' words per language, as reviewable JSON files (`checkout_pages/`);
English fills any gap. The texts are ours and may hold markup; values are escaped by the
page before they are put in."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

FALLBACK_LANGUAGE = "en"


@cache
def page_texts(language: str) -> dict[str, str]:
    """Every text of the pages in `language`, English where it has none."""
    texts = dict(_read(FALLBACK_LANGUAGE))
    texts.update(_read(language))
    return texts


def _read(language: str) -> dict[str, str]:
    if not language.isalpha():
        return {}
    folder = resources.files("prompts").joinpath("checkout_pages")
    try:
        return dict(json.loads(folder.joinpath(f"{language}.json").read_text("utf-8")))
    except FileNotFoundError:
        return {}
