"""Optional LLM help for the comments the rules are unsure about.

Any OpenAI-compatible server works (OpenAI, or Ollama / vLLM through OPENAI_BASE_URL). The
answer must fit the catalog or it is ignored; results are cached by normalised text and
featured product; a timeout or an error gives back the rule result. The request's own timeout
is the budget, so the live never waits longer than that on the LLM.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import Literal

from openai import OpenAI, OpenAIError
from pydantic import BaseModel, Field, ValidationError

from commerce.catalog import Catalog
from commerce.intent import ClaimedItem, IntentKind, ParsedIntent
from commerce.parsing.text import normalize
from prompts import load_prompt

log = logging.getLogger(__name__)

CACHE_SIZE = 10_000


class LlmOption(BaseModel):
    name: str
    value: str


class LlmItem(BaseModel):
    sku: str
    quantity: int = Field(ge=1)
    options: list[LlmOption] = Field(default_factory=list)


class LlmIntent(BaseModel):
    """The structured answer we ask for: the same result as the rule parser's."""

    intent: Literal["buy", "cancel", "question", "other"]
    items: list[LlmItem] = Field(default_factory=list)


def make_openai_client(api_key: str | None, base_url: str | None, budget_s: float) -> OpenAI:
    """A client that never retries and never waits past the budget."""
    return OpenAI(
        api_key=api_key or "not-needed-for-local-servers",
        base_url=base_url,
        timeout=budget_s,
        max_retries=0,
    )


def catalog_summary(catalog: Catalog) -> list[dict[str, object]]:
    return [
        {
            "sku": p.sku,
            "code": p.code,
            "name": p.name,
            "aliases": list(p.aliases),
            "options": {k: list(v) for k, v in p.options.items()},
        }
        for p in catalog.products
    ]


class LlmIntentResolver:
    """Asks the LLM about one comment and checks its answer against the catalog."""

    def __init__(self, client: OpenAI, model: str, catalog: Catalog, budget_s: float) -> None:
        self.client = client
        self.model = model
        self.catalog = catalog
        self.budget_s = budget_s
        self._products = {p.sku: p for p in catalog.products}
        self._system = (
            load_prompt("intent_parser")
            + "\n\nCatalog:\n"
            + json.dumps(catalog_summary(catalog), ensure_ascii=False)
        )
        self._cache: OrderedDict[tuple[str, str | None], ParsedIntent | None] = OrderedDict()

    def resolve(self, text: str, featured: str | None, rule_result: ParsedIntent) -> ParsedIntent:
        """The LLM's reading when it answers in time and fits the catalog, else the rules'."""
        key = (normalize(text), featured)
        if key in self._cache:
            cached = self._cache[key]
            return cached if cached is not None else rule_result
        answer = self._ask(text, featured)
        result = self._validate(answer) if answer is not None else None
        if answer is not None:  # cache answers, not outages: a timeout may pass next time
            self._cache[key] = result
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result if result is not None else rule_result

    def _ask(self, text: str, featured: str | None) -> LlmIntent | None:
        try:
            completion = self.client.chat.completions.parse(
                model=self.model,
                messages=[
                    {"role": "system", "content": self._system},
                    {
                        "role": "user",
                        "content": json.dumps(
                            {"comment": text, "featured": featured}, ensure_ascii=False
                        ),
                    },
                ],
                response_format=LlmIntent,
                temperature=0,
                timeout=self.budget_s,
            )
            return completion.choices[0].message.parsed
        except (OpenAIError, ValidationError, ValueError, IndexError) as exc:
            log.debug(
                "LLM unavailable for a comment (%s); keeping the rule result", type(exc).__name__
            )
            return None

    def _validate(self, answer: LlmIntent) -> ParsedIntent | None:
        """Keep only answers that name real products and real option values."""
        items = []
        for item in answer.items:
            product = self._products.get(item.sku)
            if product is None:
                return None
            options: dict[str, str] = {}
            for option in item.options:
                values = {v.casefold(): v for v in product.options.get(option.name, ())}
                if option.value.casefold() not in values:
                    return None
                options[option.name] = values[option.value.casefold()]
            items.append(ClaimedItem(item.sku, item.quantity, options))
        intent = IntentKind(answer.intent)
        if intent in (IntentKind.QUESTION, IntentKind.OTHER):
            items = []
        return ParsedIntent(intent, tuple(items), 0.8, None, source="llm")


class AssistedParser:
    """The rule parser, with the LLM consulted where the rules are unsure."""

    def __init__(self, rules: object, resolver: LlmIntentResolver, threshold: float) -> None:
        self.rules = rules
        self.resolver = resolver
        self.threshold = threshold

    def parse(self, text: str, featured: str | None = None) -> ParsedIntent:
        result = self.rules.parse(text, featured)  # type: ignore[attr-defined]
        if result.confidence >= self.threshold:
            return result
        return self.resolver.resolve(text, featured, result)
