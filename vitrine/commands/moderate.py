"""`vitrine moderate`: a recorded chat in, one decision per message out, in order."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Iterator
from pathlib import Path

from kernel.jsonl import transform_jsonl
from moderation.engine import ModerationEngine
from moderation.policy import ModerationPolicy, PolicyError
from moderation.verdict import MessageToJudge

logger = logging.getLogger(__name__)
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


class ModerationSettingsError(ValueError):
    """The settings file cannot be used."""


def load_policy(path: Path) -> ModerationPolicy:
    """The policy of a settings file (docs/formats.md), or ModerationSettingsError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ModerationPolicy.from_settings_json(data)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, PolicyError) as exc:
        raise ModerationSettingsError(f"{path}: {exc}") from exc


def _message(obj: dict[str, object]) -> MessageToJudge:
    """The message of one input line, or ValueError saying what is wrong with it."""
    author = obj.get("author")
    if not isinstance(author, dict):
        raise ValueError("missing 'author' object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError("missing or non-string 'text'")
    ts = obj.get("ts", 0.0)
    if isinstance(ts, bool) or not isinstance(ts, int | float) or not math.isfinite(ts):
        raise ValueError("'ts' must be a finite number")
    return MessageToJudge(
        message_id=str(obj.get("id")),
        ts=float(ts),
        author_id=str(author.get("id", "")),
        author_name=str(author.get("name", "") or ""),
        role=str(author.get("role", "viewer")),
        text=text,
    )


def moderate_lines(engine: ModerationEngine, lines: Iterable[str]) -> Iterator[str]:
    """One decision per line, in order; a bad line (blank ones too, so that output line n
    answers input line n) is allowed with an error, in place."""
    for raw in lines:
        ident = None
        try:
            obj = json.loads(raw)
            if not isinstance(obj, dict):
                raise ValueError("a line must be a JSON object")
            ident = obj.get("id")
            message = _message(obj)
        except ValueError as exc:
            yield _dumps({"id": ident, "action": "allow", "reasons": [], "error": str(exc)})
            continue
        try:
            verdict = engine.decide(message)
        except Exception as exc:  # a bug must cost one decision, not the run
            logger.exception("moderation failed on line with id %r", ident)
            yield _dumps({"id": ident, "action": "allow", "reasons": [], "error": repr(exc)})
            continue
        yield _dumps({"id": ident, **verdict.to_json()})


def run_moderate(settings: Path, in_path: Path | None, out_path: Path | None) -> None:
    """Moderate a chat file (or stdin) into a decisions file (or stdout)."""
    engine = ModerationEngine(load_policy(settings))
    transform_jsonl(in_path, out_path, lambda lines: moderate_lines(engine, lines))
