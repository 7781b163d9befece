"""LLM help for unsure comments, through the real openai client and a local server."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openai import BadRequestError, OpenAI

from commerce.catalog_formats.loader import load_catalog_file
from commerce.intent import IntentKind, ParsedIntent
from commerce.llm_intent import (
    AssistedParser,
    LlmIntent,
    LlmIntentResolver,
    make_async_openai_client,
    make_openai_client,
    should_consult,
)
from commerce.parsing import IntentParser
from tests.fakes.openai_server import (
    ABANDONED,
    FakeOpenAI,
    Reply,
    content,
    error,
    garbage,
    structured,
)

pytest_plugins = ("tests.fakes.openai_fixtures",)

DEMO = Path(__file__).resolve().parents[2] / "vitrine" / "demo_data" / "catalog.json"
CATALOG = load_catalog_file(DEMO)
UNSURE = ParsedIntent(IntentKind.OTHER, (), 0.3, language="fr")
KEY = "sk-test-secret-0123456789"


def buy(*items: dict[str, Any]) -> dict[str, Any]:
    return {"intent": "buy", "items": list(items)}


def item(sku: str, quantity: int = 1, **options: str) -> dict[str, Any]:
    return {
        "sku": sku,
        "quantity": quantity,
        "options": [{"name": k, "value": v} for k, v in options.items()],
    }


def resolver(server: FakeOpenAI, budget_s: float = 2.0, **kwargs: Any) -> LlmIntentResolver:
    client = make_openai_client(KEY, server.base_url, budget_s)
    return LlmIntentResolver(client, "test-model", CATALOG, budget_s, **kwargs)


def async_resolver(server: FakeOpenAI, budget_s: float = 2.0) -> LlmIntentResolver:
    client = make_async_openai_client(KEY, server.base_url, budget_s)
    return LlmIntentResolver(client, "test-model", CATALOG, budget_s)


def test_structured_answer_is_used_and_cached(openai_server: FakeOpenAI) -> None:
    openai_server.script_chat(structured(buy(item("PULL-NUAGE", 2, color="ÉCRU"))))
    llm = resolver(openai_server)
    first = llm.resolve("chui partante pr 2 en creme", "PULL-NUAGE", CATALOG, UNSURE)
    assert first.source == "llm" and first.intent is IntentKind.BUY
    assert first.language == "fr"  # the rules' language detection is kept
    assert [(i.sku, i.quantity, i.options) for i in first.items] == [
        ("PULL-NUAGE", 2, {"color": "écru"})  # the catalog's own spelling
    ]
    again = llm.resolve("Chui partante pr 2 en CREME", "PULL-NUAGE", None, UNSURE)
    assert again == first and len(openai_server.requests) == 1  # normalised text hits

    (request,) = openai_server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    body = request.body
    assert body["model"] == "test-model" and body["temperature"] == 0
    schema_format = body["response_format"]
    assert schema_format["type"] == "json_schema" and schema_format["json_schema"]["strict"]
    system, user = body["messages"]
    assert "PULL-NUAGE | 2 | Pull Nuage" in system["content"]
    assert json.loads(user["content"]) == {
        "comment": "chui partante pr 2 en creme",
        "featured": "PULL-NUAGE",
    }


def test_the_featured_product_is_part_of_the_cache_key(openai_server: FakeOpenAI) -> None:
    openai_server.script_chat(
        structured(buy(item("PULL-NUAGE"))), structured(buy(item("SAC-OPALE")))
    )
    llm = resolver(openai_server)
    assert llm.resolve("ok go", "PULL-NUAGE", None, UNSURE).items[0].sku == "PULL-NUAGE"
    assert llm.resolve("ok go", "SAC-OPALE", None, UNSURE).items[0].sku == "SAC-OPALE"
    assert len(openai_server.requests) == 2


def test_the_cache_is_a_bounded_lru(openai_server: FakeOpenAI) -> None:
    openai_server.on_chat = lambda request: structured({"intent": "other", "items": []})
    llm = resolver(openai_server, cache_size=2)
    for text in ("a", "b", "a", "c"):  # "a" used again, so "b" is the least recent
        llm.resolve(text, None, None, UNSURE)
    assert len(openai_server.requests) == 3
    llm.resolve("a", None, None, UNSURE)
    assert len(openai_server.requests) == 3
    llm.resolve("b", None, None, UNSURE)
    assert len(openai_server.requests) == 4


def test_question_items_are_dropped_and_repeated_items_count_once(
    openai_server: FakeOpenAI,
) -> None:
    openai_server.script_chat(
        structured({"intent": "question", "items": [item("SAC-OPALE")]}),
        structured(buy(item("SAC-OPALE"), item("sac-opale"), item("HUILE-AMBRE", size="50ML"))),
    )
    llm = resolver(openai_server)
    assert llm.resolve("et le sac", None, None, UNSURE).items == ()
    claim = llm.resolve("sac sac sac + huile", None, None, UNSURE)
    assert [(i.sku, i.options) for i in claim.items] == [
        ("SAC-OPALE", {}),
        ("HUILE-AMBRE", {"size": "50ml"}),
    ]


@pytest.mark.parametrize(
    "answer",
    [
        structured(buy(item("NOT-A-SKU"))),
        structured(buy(item("PULL-NUAGE", color="violet"))),  # not one of its colors
        structured(buy(item("SAC-OPALE", size="M"))),  # the bag has no sizes
        structured(buy(item("PULL-NUAGE", 500))),
        structured(buy()),  # a claim naming nothing
        content(json.dumps(buy(item("PULL-NUAGE", 0)))),  # a lax backend ignoring minimum
    ],
    ids=["unknown-sku", "unknown-value", "unknown-option", "huge-quantity", "no-item", "zero"],
)
def test_answers_outside_the_catalog_fall_back(openai_server: FakeOpenAI, answer: Any) -> None:
    openai_server.script_chat(answer)
    llm = resolver(openai_server)
    assert llm.resolve("hmm", "PULL-NUAGE", None, UNSURE) is UNSURE


def test_a_rejected_answer_is_remembered(openai_server: FakeOpenAI) -> None:
    openai_server.script_chat(structured(buy(item("NOT-A-SKU"))))
    llm = resolver(openai_server)
    assert llm.resolve("hmm", None, None, UNSURE) is UNSURE
    assert llm.resolve("hmm", None, None, UNSURE) is UNSURE
    assert len(openai_server.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [
        error(500, "boom"),
        error(503, "overloaded", delay_s=0.05),
        error(429, "slow down", "rate_limit_exceeded", retry_after_s=1),
        garbage(),
        content("not json at all"),
        content(json.dumps({"intent": "maybe", "items": []})),
        Reply(200, {"unexpected": "shape"}),
    ],
    ids=["500", "503", "429", "garbage", "prose", "wrong-enum", "no-choices"],
)
def test_errors_fall_back_to_the_rules(openai_server: FakeOpenAI, failure: Reply) -> None:
    openai_server.script_chat(failure)
    assert resolver(openai_server).resolve("hmm", None, None, UNSURE) is UNSURE
    assert len(openai_server.requests) == 1  # no retries: the live does not wait for them


def test_outages_are_not_cached(openai_server: FakeOpenAI) -> None:
    openai_server.script_chat(error(500), structured({"intent": "question", "items": []}))
    llm = resolver(openai_server)
    assert llm.resolve("dispo ?", None, None, UNSURE) is UNSURE
    assert llm.resolve("dispo ?", None, None, UNSURE).intent is IntentKind.QUESTION


def test_slow_server_never_holds_the_comment_past_the_budget(openai_server: FakeOpenAI) -> None:
    openai_server.script_chat(structured(buy(item("SAC-OPALE")), delay_s=5.0))
    result = resolver(openai_server, budget_s=0.3).resolve("hmm", None, None, UNSURE)
    assert result is UNSURE  # the rules' reading
    # What the server saw: one request, whose client hung up before the (5 s late) answer
    # was due. A budget not kept gets that answer instead, a buy, and fails both lines.
    assert openai_server.delayed_outcomes("chat/completions") == [ABANDONED]
    assert len(openai_server.requests_to("chat/completions")) == 1


async def test_aresolve_uses_the_async_client(openai_server: FakeOpenAI) -> None:
    openai_server.script_chat(structured(buy(item("ROBE-SOLSTICE", size="m", color="Noir"))))
    result = await async_resolver(openai_server).aresolve("la robe M noire", None, None, UNSURE)
    assert result.source == "llm"
    assert result.items[0].options == {"size": "M", "color": "noir"}


@pytest.mark.parametrize("asynchronous", [True, False], ids=["async-client", "sync-client"])
async def test_aresolve_never_waits_past_the_budget(
    openai_server: FakeOpenAI, asynchronous: bool
) -> None:
    openai_server.script_chat(structured(buy(item("SAC-OPALE")), delay_s=5.0))
    llm = async_resolver(openai_server, 0.3) if asynchronous else resolver(openai_server, 0.3)
    assert await llm.aresolve("hmm", None, None, UNSURE) is UNSURE  # the rules' reading
    # Off the event loop: an async client's socket closes on the loop's next turns.
    outcomes = await asyncio.to_thread(openai_server.delayed_outcomes, "chat/completions")
    assert outcomes == [ABANDONED]  # the client hung up before the answer was due
    assert len(openai_server.requests_to("chat/completions")) == 1


async def test_sync_resolve_refuses_an_async_client(openai_server: FakeOpenAI) -> None:
    with pytest.raises(TypeError):
        async_resolver(openai_server).resolve("hmm", None, None, UNSURE)


def test_a_catalog_is_needed_somewhere(openai_server: FakeOpenAI) -> None:
    client = make_openai_client(KEY, openai_server.base_url, 1.0)
    with pytest.raises(ValueError, match="no catalog"):
        LlmIntentResolver(client, "m").resolve("hmm", None, None, UNSURE)


def test_each_catalog_gets_its_own_prompt_and_cache(openai_server: FakeOpenAI) -> None:
    openai_server.on_chat = lambda request: structured({"intent": "other", "items": []})
    smaller = replace(CATALOG, products=CATALOG.products[:1])
    client = make_openai_client(KEY, openai_server.base_url, 1.0)
    llm = LlmIntentResolver(client, "m")
    llm.resolve("hmm", None, CATALOG, UNSURE)
    llm.resolve("hmm", None, smaller, UNSURE)
    assert len(openai_server.requests) == 2
    second_system = openai_server.requests[1].body["messages"][0]["content"]
    assert "BAGUE-ASTRE" in second_system and "SAC-OPALE" not in second_system


def test_the_key_is_never_logged(
    openai_server: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    openai_server.script_chat(
        structured({"intent": "other", "items": []}), error(401, "bad key"), garbage()
    )
    llm = resolver(openai_server)
    for text in ("a", "b", "c"):
        llm.resolve(text, None, None, UNSURE)
    assert "LLM answer used" in caplog.text and "HTTP 401" in caplog.text
    assert KEY not in caplog.text and KEY[-10:] not in caplog.text


def test_should_consult_only_unsure_rule_results() -> None:
    assert should_consult(UNSURE, 0.6)
    assert not should_consult(replace(UNSURE, confidence=0.6), 0.6)
    assert not should_consult(replace(UNSURE, source="llm"), 0.6)


def test_assisted_parser_only_asks_when_unsure(openai_server: FakeOpenAI) -> None:
    openai_server.on_chat = lambda request: structured({"intent": "other", "items": []})
    parser = AssistedParser(IntentParser(CATALOG), resolver(openai_server), threshold=0.7)
    sure = parser.parse("je prends le 4", "BAGUE-ASTRE")
    assert sure.source == "rules" and openai_server.requests == []
    unsure = parser.parse("moi aussi, très bien emballé", "FOULARD-BRISE")
    assert len(openai_server.requests) == 1
    assert unsure.source == "llm" and unsure.intent is IntentKind.OTHER


def test_the_fake_server_holds_structured_answers_to_the_schema(
    openai_server: FakeOpenAI, openai_client: OpenAI
) -> None:
    openai_server.script_chat(structured(buy(item("PULL-NUAGE", 0))))
    with pytest.raises(BadRequestError, match="does not fit the schema"):
        openai_client.chat.completions.parse(
            model="m", messages=[{"role": "user", "content": "x"}], response_format=LlmIntent
        )
