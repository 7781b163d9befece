"""Optional LLM help for the comments the rules are unsure about.

Any OpenAI-compatible server works (OpenAI, or Ollama / vLLM through OPENAI_BASE_URL). The
LLM answers with structured output mirroring `ParsedIntent`; an answer naming a product,
option or quantity the catalog does not have is ignored. Answers are cached by normalised
text, featured product and catalog in a bounded LRU. A timeout, an HTTP error or a malformed
answer gives back the rule result unchanged, so the live never depends on the LLM.

Budgets: `aresolve` never waits past the budget (asyncio.wait_for). `resolve` relies on the
client's timeout, which bounds connecting and each read by the budget: enough against a slow
or unreachable server, not against one that trickles its answer byte by byte.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from openai import APIStatusError, AsyncOpenAI, OpenAI, OpenAIError
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel, Field, ValidationError

from commerce.catalog import Catalog, CatalogProduct
from commerce.intent import ClaimedItem, IntentKind, ParsedIntent
from commerce.parsing.text import fold, normalize
from prompts import load_prompt

log = logging.getLogger(__name__)

CACHE_SIZE = 10_000
LLM_CONFIDENCE = 0.8  # above the usual threshold: a checked LLM answer is not asked again
MAX_QUANTITY = 99  # more is a misreading (or a prompt injection), not a live-shopping claim
MAX_COMMENT_CHARS = 500  # chat comments are short; longer text only costs tokens
_CATALOG_VIEWS = 4  # catalogs whose prompt is kept built (one per live, usually)
_CONFIG_ERRORS = {400, 401, 403, 404, 422}  # will fail every time until someone acts


class LlmOption(BaseModel):
    """One stated option; a list of these because strict schemas forbid free-form maps."""

    name: str
    value: str


class LlmItem(BaseModel):
    """One claimed product, as the LLM reads it."""

    sku: str
    quantity: int = Field(ge=1)
    options: list[LlmOption] = Field(default_factory=list)


class LlmIntent(BaseModel):
    """The structured answer we ask for: the same result as the rule parser's."""

    intent: Literal["buy", "cancel", "question", "other"]
    items: list[LlmItem] = Field(default_factory=list)


class RuleParser(Protocol):
    """The rule-based parser, as `AssistedParser` uses it."""

    def parse(self, text: str, featured: str | None = None) -> ParsedIntent: ...


def make_openai_client(api_key: str | None, base_url: str | None, timeout: float) -> OpenAI:
    """A sync client that never retries and gives up after `timeout` seconds, for the budget."""
    return OpenAI(
        api_key=api_key or "not-needed-for-local-servers",
        base_url=base_url,
        timeout=timeout,
        max_retries=0,
    )


def make_async_openai_client(
    api_key: str | None, base_url: str | None, timeout: float
) -> AsyncOpenAI:
    """An async client that never retries and gives up after `timeout` seconds, for the budget."""
    return AsyncOpenAI(
        api_key=api_key or "not-needed-for-local-servers",
        base_url=base_url,
        timeout=timeout,
        max_retries=0,
    )


def should_consult(rule_result: ParsedIntent, threshold: float) -> bool:
    """Whether the rules are unsure enough that the LLM's reading is worth its latency."""
    return rule_result.source == "rules" and rule_result.confidence < threshold


def catalog_summary(catalog: Catalog) -> str:
    """One compact line per product: what the LLM needs to name products and options."""
    lines = []
    for p in catalog.products:
        names = "; ".join([p.name, *p.aliases])
        options = "; ".join(f"{k}: {'|'.join(v)}" for k, v in p.options.items()) or "-"
        lines.append(f"{p.sku} | {p.code or '-'} | {names} | {options}")
    return "\n".join(lines)


@dataclass(frozen=True)
class _CatalogView:
    """A catalog with its prompt built once and a fingerprint for cache keys."""

    catalog: Catalog
    products: dict[str, CatalogProduct]  # by case-folded SKU
    system_prompt: str
    fingerprint: str


def _view_of(catalog: Catalog) -> _CatalogView:
    summary = catalog_summary(catalog)
    system = (
        load_prompt("intent_parser")
        + "\n\nCatalog (sku | code | name; other names | options):\n"
        + summary
    )
    return _CatalogView(
        catalog=catalog,
        products={p.sku.casefold(): p for p in catalog.products},
        system_prompt=system,
        fingerprint=hashlib.sha256(summary.encode()).hexdigest()[:16],
    )


CacheKey = tuple[str, str, str | None]
_MISS = object()


class LlmIntentResolver:
    """Asks the LLM about one comment and keeps its answer only when it fits the catalog."""

    def __init__(
        self,
        client: OpenAI | AsyncOpenAI,
        model: str,
        catalog: Catalog | None = None,
        budget_s: float = 0.8,
        *,
        cache_size: int = CACHE_SIZE,
        temperature: float | None = 0.0,
    ) -> None:
        self.client = client
        self.model = model
        self.catalog = catalog
        self.budget_s = budget_s
        self.cache_size = cache_size
        self.temperature = temperature  # None for models that refuse the parameter
        self._views: OrderedDict[int, _CatalogView] = OrderedDict()
        self._cache: OrderedDict[CacheKey, ParsedIntent | None] = OrderedDict()
        self._lock = threading.Lock()  # sync callers may share one resolver across threads
        self._warned = False

    # -- public -----------------------------------------------------------------------------

    def resolve(
        self,
        text: str,
        featured: str | None,
        catalog: Catalog | None,
        rule_result: ParsedIntent,
    ) -> ParsedIntent:
        """The LLM's reading when it answers in time and fits the catalog, else `rule_result`.

        `catalog` None means the one given to the constructor. Needs a sync `OpenAI` client.
        """
        if not isinstance(self.client, OpenAI):
            raise TypeError("resolve() needs an openai.OpenAI client; use aresolve()")
        view = self._view(catalog)
        key = self._key(view, text, featured)
        cached = self._cache_get(key)
        if cached is not _MISS:
            return self._from_cache(cached, rule_result)
        answer = self._ask(self.client, view, text, featured)
        return self._settle(key, view, answer, rule_result)

    async def aresolve(
        self,
        text: str,
        featured: str | None,
        catalog: Catalog | None,
        rule_result: ParsedIntent,
    ) -> ParsedIntent:
        """Like `resolve`, awaitable, and never waiting past the budget whatever the client."""
        view = self._view(catalog)
        key = self._key(view, text, featured)
        cached = self._cache_get(key)
        if cached is not _MISS:
            return self._from_cache(cached, rule_result)
        client = self.client
        try:
            if isinstance(client, AsyncOpenAI):
                pending = self._aask(client, view, text, featured)
                answer = await asyncio.wait_for(pending, timeout=self.budget_s)
            else:
                # The thread may outlive the wait; the client's own timeout ends it.
                pending_sync = asyncio.to_thread(self._ask, client, view, text, featured)
                answer = await asyncio.wait_for(pending_sync, timeout=self.budget_s)
        except TimeoutError:
            log.debug("LLM over budget (%.0f ms); keeping the rule result", self.budget_s * 1000)
            answer = None
        return self._settle(key, view, answer, rule_result)

    def clear_cache(self) -> None:
        """Forget cached answers, e.g. after the catalog's wording changed."""
        with self._lock:
            self._cache.clear()

    # -- asking -----------------------------------------------------------------------------

    def _messages(
        self, view: _CatalogView, text: str, featured: str | None
    ) -> list[ChatCompletionMessageParam]:
        # The comment travels as JSON data, apart from the instructions it might imitate.
        user = json.dumps({"comment": text[:MAX_COMMENT_CHARS], "featured": featured})
        return [
            {"role": "system", "content": view.system_prompt},
            {"role": "user", "content": user},
        ]

    def _ask(
        self, client: OpenAI, view: _CatalogView, text: str, featured: str | None
    ) -> LlmIntent | None:
        try:
            if self.temperature is None:
                completion = client.chat.completions.parse(
                    model=self.model,
                    messages=self._messages(view, text, featured),
                    response_format=LlmIntent,
                    timeout=self.budget_s,
                )
            else:
                completion = client.chat.completions.parse(
                    model=self.model,
                    messages=self._messages(view, text, featured),
                    response_format=LlmIntent,
                    temperature=self.temperature,
                    timeout=self.budget_s,
                )
            return completion.choices[0].message.parsed
        except (OpenAIError, ValidationError, ValueError, TypeError, IndexError) as exc:
            self._log_failure(exc)
            return None

    async def _aask(
        self, client: AsyncOpenAI, view: _CatalogView, text: str, featured: str | None
    ) -> LlmIntent | None:
        try:
            if self.temperature is None:
                completion = await client.chat.completions.parse(
                    model=self.model,
                    messages=self._messages(view, text, featured),
                    response_format=LlmIntent,
                    timeout=self.budget_s,
                )
            else:
                completion = await client.chat.completions.parse(
                    model=self.model,
                    messages=self._messages(view, text, featured),
                    response_format=LlmIntent,
                    temperature=self.temperature,
                    timeout=self.budget_s,
                )
            return completion.choices[0].message.parsed
        except (OpenAIError, ValidationError, ValueError, TypeError, IndexError) as exc:
            self._log_failure(exc)
            return None

    def _log_failure(self, exc: Exception) -> None:
        status = exc.status_code if isinstance(exc, APIStatusError) else None
        if status in _CONFIG_ERRORS and not self._warned:
            self._warned = True  # once: a wrong model or key would otherwise fail silently
            log.warning(
                "LLM intent help fails with HTTP %s (model %s); check the model name and "
                "key. Comments keep the rule result.",
                status,
                self.model,
            )
        log.debug(
            "LLM unavailable (%s%s); keeping the rule result",
            type(exc).__name__,
            f" HTTP {status}" if status else "",
        )

    # -- checking and caching ------------------------------------------------------------

    def _settle(
        self,
        key: CacheKey,
        view: _CatalogView,
        answer: LlmIntent | None,
        rule_result: ParsedIntent,
    ) -> ParsedIntent:
        if answer is None:
            return rule_result  # outages are not cached: the next comment may get through
        result, why = self._check(answer, view)
        if result is None:
            log.debug("LLM answer rejected (%s); keeping the rule result", why)
        else:
            log.debug("LLM answer used: %s", json.dumps(result.to_json()))
        self._cache_put(key, result)
        return self._from_cache(result, rule_result)

    @staticmethod
    def _check(answer: LlmIntent, view: _CatalogView) -> tuple[ParsedIntent | None, str]:
        """The answer as a ParsedIntent when every product, option and quantity is real."""
        intent = IntentKind(answer.intent)
        if intent in (IntentKind.QUESTION, IntentKind.OTHER):
            return ParsedIntent(intent, (), LLM_CONFIDENCE, source="llm"), "ok"
        items: list[ClaimedItem] = []
        seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
        for item in answer.items:
            product = view.products.get(item.sku.strip().casefold())
            if product is None:
                return None, f"unknown sku {item.sku!r}"
            if not 1 <= item.quantity <= MAX_QUANTITY:
                return None, f"quantity {item.quantity} for {product.sku}"
            names = {fold(name): name for name in product.options}
            options: dict[str, str] = {}
            for option in item.options:
                name = names.get(fold(option.name))
                if name is None:
                    return None, f"{product.sku} has no option {option.name!r}"
                values = {fold(v): v for v in product.options[name]}
                value = values.get(fold(option.value))
                if value is None:
                    return None, f"{product.sku} has no {name} {option.value!r}"
                if options.get(name, value) != value:
                    return None, f"two values of {name} for one {product.sku}"
                options[name] = value
            identity = (product.sku, tuple(sorted(options.items())))
            if identity in seen:
                continue  # "SOLD SOLD SOLD" is one claim, not three
            seen.add(identity)
            items.append(ClaimedItem(product.sku, item.quantity, options))
        if intent is IntentKind.BUY and not items:
            return None, "a claim naming no product"
        return ParsedIntent(intent, tuple(items), LLM_CONFIDENCE, source="llm"), "ok"

    @staticmethod
    def _from_cache(cached: object, rule_result: ParsedIntent) -> ParsedIntent:
        if isinstance(cached, ParsedIntent):
            return replace(cached, language=rule_result.language)
        return rule_result

    def _view(self, catalog: Catalog | None) -> _CatalogView:
        catalog = catalog if catalog is not None else self.catalog
        if catalog is None:
            raise ValueError("no catalog: pass one to resolve() or to the constructor")
        with self._lock:
            view = self._views.get(id(catalog))
            if view is not None and view.catalog is catalog:
                self._views.move_to_end(id(catalog))
                return view
        view = _view_of(catalog)
        with self._lock:
            self._views[id(catalog)] = view  # holds the catalog, so its id stays its own
            while len(self._views) > _CATALOG_VIEWS:
                self._views.popitem(last=False)
        return view

    @staticmethod
    def _key(view: _CatalogView, text: str, featured: str | None) -> CacheKey:
        return (view.fingerprint, normalize(text[:MAX_COMMENT_CHARS]).strip(), featured)

    def _cache_get(self, key: CacheKey) -> object:
        with self._lock:
            if key not in self._cache:
                return _MISS
            self._cache.move_to_end(key)
            log.debug("LLM cache hit")
            return self._cache[key]

    def _cache_put(self, key: CacheKey, result: ParsedIntent | None) -> None:
        with self._lock:
            self._cache[key] = result
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)


class AssistedParser:
    """The rule parser, with the LLM consulted where the rules are unsure."""

    def __init__(self, rules: RuleParser, resolver: LlmIntentResolver, threshold: float) -> None:
        self.rules = rules
        self.resolver = resolver
        self.threshold = threshold

    def parse(self, text: str, featured: str | None = None) -> ParsedIntent:
        """The rules' reading, or the LLM's when the rules are unsure and it answers in time."""
        result = self.rules.parse(text, featured)
        if not should_consult(result, self.threshold):
            return result
        return self.resolver.resolve(text, featured, None, result)

    async def aparse(self, text: str, featured: str | None = None) -> ParsedIntent:
        """`parse` for async callers: the LLM wait never exceeds the budget."""
        result = self.rules.parse(text, featured)
        if not should_consult(result, self.threshold):
            return result
        return await self.resolver.aresolve(text, featured, None, result)
