"""The moderation engine's input and output, independent of any platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Action(StrEnum):
    ALLOW = "allow"
    FLAG = "flag"
    DELETE = "delete"
    TIMEOUT = "timeout"
    BAN = "ban"

    @property
    def removes(self) -> bool:
        return self in (Action.DELETE, Action.TIMEOUT, Action.BAN)


@dataclass(frozen=True, slots=True)
class MessageToJudge:
    """A chat message as moderation sees it; `ts` is seconds on the stream's clock."""

    message_id: str
    ts: float
    author_id: str
    author_name: str
    role: str
    text: str


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action = Action.ALLOW
    reasons: tuple[str, ...] = ()
    duration_s: int | None = None
    dry_run: bool = False
    details: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"action": self.action.value, "reasons": list(self.reasons)}
        if self.duration_s is not None:
            out["duration_s"] = self.duration_s
        return out


ALLOW = Verdict()
