"""Recorded chats: one JSON object per line, chat messages and host control events.

Chat lines are those of docs/formats.md (`id`, `ts`, `author{id,name,role}`, `text`);
control lines are `{"ts": 12.0, "event": "feature", "sku": "LINA"}` and
`{"ts": 30.0, "event": "pay", "author_id": "u9"}`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROLES = frozenset({"viewer", "moderator", "host"})


class TranscriptError(ValueError):
    """A transcript line that cannot be used; `line` is its 1-based number."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True, slots=True)
class ChatLine:
    line: int
    id: str
    ts: float
    author_id: str
    author_name: str
    role: str
    text: str


@dataclass(frozen=True, slots=True)
class FeatureEvent:
    line: int
    ts: float
    sku: str


@dataclass(frozen=True, slots=True)
class PayEvent:
    line: int
    ts: float
    author_id: str
    id: str | None = None  # the payment's own key, when the transcript gives one

    @property
    def key(self) -> str:
        """The payment's idempotency key: applied once however often the transcript is
        replayed (its `id`, or where it stands in the transcript)."""
        return self.id or f"line{self.line}:{self.author_id}:{self.ts:g}"


TranscriptLine = ChatLine | FeatureEvent | PayEvent


def _number(obj: dict, key: str, line: int) -> float:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TranscriptError(line, f"field '{key}' must be a number")
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        raise TranscriptError(line, f"field '{key}' must be a finite number >= 0")
    return float(value)


def _string(obj: dict, key: str, line: int) -> str:
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise TranscriptError(line, f"field '{key}' must be a non-empty string")
    return value


def parse_line(raw: str, line: int) -> TranscriptLine:
    """Validate one transcript line."""
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise TranscriptError(line, f"not valid JSON ({exc.msg})") from exc
    if not isinstance(obj, dict):
        raise TranscriptError(line, "a line must be a JSON object")
    ts = _number(obj, "ts", line)
    event = obj.get("event")
    if event == "feature":
        return FeatureEvent(line, ts, _string(obj, "sku", line))
    if event == "pay":
        pay_id = obj.get("id")
        if pay_id is not None and (not isinstance(pay_id, str) or not pay_id):
            raise TranscriptError(line, "field 'id' must be a non-empty string")
        return PayEvent(line, ts, _string(obj, "author_id", line), pay_id)
    if event is not None:
        raise TranscriptError(line, f"unknown event {event!r} (feature, pay)")
    author = obj.get("author")
    if not isinstance(author, dict):
        raise TranscriptError(line, "field 'author' must be an object")
    role = author.get("role", "viewer")
    if role not in ROLES:
        raise TranscriptError(line, f"author.role must be one of {sorted(ROLES)}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise TranscriptError(line, "field 'text' must be a string")
    name = author.get("name", "")
    return ChatLine(
        line=line,
        id=_string(obj, "id", line),
        ts=ts,
        author_id=_string(author, "id", line),
        author_name=name if isinstance(name, str) else str(name),
        role=role,
        text=text,
    )


def read_transcript(
    path: Path, *, strict: bool = True
) -> Iterator[TranscriptLine | TranscriptError]:
    """Yield the lines of a transcript; with `strict=False` bad lines come as errors."""
    with path.open("rb") as fh:
        for number, data in enumerate(fh, start=1):
            try:
                raw = data.decode("utf-8")
                if not raw.strip():
                    continue
                yield parse_line(raw, number)
            except UnicodeDecodeError:
                if strict:
                    raise TranscriptError(number, "not valid UTF-8") from None
                yield TranscriptError(number, "not valid UTF-8")
            except TranscriptError as exc:
                if strict:
                    raise
                yield exc


def load_transcript(path: Path) -> tuple[list[TranscriptLine], list[TranscriptError]]:
    """All usable lines, in time order, and the bad ones with their line numbers."""
    good: list[TranscriptLine] = []
    bad: list[TranscriptError] = []
    for item in read_transcript(path, strict=False):
        (bad if isinstance(item, TranscriptError) else good).append(item)  # type: ignore[arg-type]
    good.sort(key=lambda item: (item.ts, item.line))
    return good, bad
