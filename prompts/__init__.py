"""Prompts and reply templates as reviewable data files, with small loaders."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_prompt(name: str) -> str:
    """The text of prompts/<name>.md."""
    return resources.files("prompts").joinpath(f"{name}.md").read_text("utf-8")
