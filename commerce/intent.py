"""What a comment means commercially: the parser's result, shared by rules and the LLM."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class IntentKind(StrEnum):
    BUY = "buy"
    CANCEL = "cancel"
    QUESTION = "question"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ClaimedItem:
    """One product (by catalog product SKU) with a quantity and the options the viewer stated."""

    sku: str
    quantity: int = 1
    options: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"sku": self.sku, "quantity": self.quantity, "options": dict(self.options)}


@dataclass(frozen=True, slots=True)
class ParsedIntent:
    """The parser's verdict on one comment, with how sure it is (0..1)."""

    intent: IntentKind
    items: tuple[ClaimedItem, ...] = ()
    confidence: float = 1.0
    language: str | None = None
    source: str = "rules"

    def to_json(self) -> dict[str, Any]:
        return {
            "intent": self.intent.value,
            "items": [item.to_json() for item in self.items],
            "confidence": round(self.confidence, 3),
            "language": self.language,
            "source": self.source,
        }


OTHER = ParsedIntent(IntentKind.OTHER, (), 1.0)
