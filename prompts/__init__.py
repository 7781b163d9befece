"""Prompts and reply templates as reviewable data files, with small loaders."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_PROMPT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


@cache
def load_prompt(name: str) -> str:
    """The text of prompts/<name>.md, read once; names are plain so no path escapes the folder."""
    if not _PROMPT_NAME.fullmatch(name):
        raise ValueError(f"not a prompt name: {name!r}")
    resource = resources.files("prompts").joinpath(f"{name}.md")
    if not resource.is_file():
        raise FileNotFoundError(f"no prompt named {name!r} in prompts/")
    return resource.read_text("utf-8")


def available_prompts() -> list[str]:
    """The prompt names that `load_prompt` accepts, for checks and listings."""
    folder = resources.files("prompts")
    return sorted(p.name.removesuffix(".md") for p in folder.iterdir() if p.name.endswith(".md"))
