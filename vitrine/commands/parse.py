"""`vitrine parse`: comments JSONL in, intents JSONL out, in order, never stopping on a bad line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from commerce.catalog_formats.loader import load_catalog_file
from commerce.parsing import IntentParser
from kernel.jsonl import transform_jsonl

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def parse_lines(parser: IntentParser, lines: Iterable[str]) -> Iterator[str]:
    """One output line per non-blank input line, errors included."""
    loads = json.loads
    for raw in lines:
        if not raw.strip():
            continue
        try:
            obj = loads(raw)
        except ValueError as exc:
            yield _dumps(
                {"id": None, "intent": "other", "items": [], "error": f"not valid JSON: {exc}"}
            )
            continue
        if not isinstance(obj, dict):
            yield _dumps(
                {
                    "id": None,
                    "intent": "other",
                    "items": [],
                    "error": "a line must be a JSON object",
                }
            )
            continue
        ident = obj.get("id")
        text = obj.get("text")
        if not isinstance(text, str):
            yield _dumps(
                {
                    "id": ident,
                    "intent": "other",
                    "items": [],
                    "error": "missing or non-string 'text'",
                }
            )
            continue
        featured = obj.get("featured")
        result = parser.parse(text, featured if isinstance(featured, str) else None)
        out = {"id": ident, **result.to_json()}
        yield _dumps(out)


def run_parse(catalog: Path, in_path: Path | None, out_path: Path | None) -> None:
    """Parse a comments file (or stdin) into a results file (or stdout)."""
    parser = IntentParser(load_catalog_file(catalog))
    transform_jsonl(in_path, out_path, lambda lines: parse_lines(parser, lines))
