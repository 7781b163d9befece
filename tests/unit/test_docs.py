"""The file formats are documented where the help texts say, and completely: every
moderation setting and every export column appears in docs/formats.md."""

from __future__ import annotations

import re
from pathlib import Path

from commerce.export import CSV_COLUMNS
from moderation.policy import SETTINGS_KEYS

ROOT = Path(__file__).resolve().parents[2]
FORMATS = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")


def test_every_document_the_help_and_readme_point_to_exists() -> None:
    texts = [(ROOT / "README.md").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "vitrine").rglob("*.py")]
    pointed = {m for text in texts for m in re.findall(r"\b(?:docs|spec)/[\w.-]+\.md", text)}
    assert pointed, "nothing points to the docs"
    assert all((ROOT / path).is_file() for path in pointed), pointed


def test_every_moderation_setting_and_export_column_is_documented() -> None:
    missing = [key for key in sorted(SETTINGS_KEYS) if f"`{key}`" not in FORMATS]
    missing += [col for col in CSV_COLUMNS if col not in FORMATS]
    assert missing == []
