"""`vitrine parse`: comments JSONL in, intents JSONL out, in order, never stopping on a bad line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from commerce.catalog import load_catalog_file
from commerce.parsing import IntentParser

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
    source: IO[str] = (
        in_path.open(encoding="utf-8", errors="replace")
        if in_path
        else open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    )
    sink: IO[str] = (
        out_path.open("w", encoding="utf-8")
        if out_path
        else open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    )
    with source, sink:
        buffer: list[str] = []
        for line in parse_lines(parser, source):
            buffer.append(line)
            if len(buffer) >= 1024:
                sink.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            sink.write("\n".join(buffer) + "\n")
