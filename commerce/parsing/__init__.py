"""Rule-based purchase-intent parsing: offline, fast, data-driven (see commerce/lexicons)."""

from commerce.parsing.parser import IntentParser

__all__ = ["IntentParser"]
