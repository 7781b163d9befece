"""LLM help for unsure comments, through the real openai client and a local server."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from commerce.catalog import load_catalog_file
from commerce.intent import IntentKind, ParsedIntent
from commerce.llm_intent import AssistedParser, LlmIntentResolver, make_openai_client
from commerce.parsing import IntentParser
from tests.fakes.openai_server import FakeOpenAI, chat_completion

DEMO = Path(__file__).resolve().parents[2] / "vitrine" / "demo_data" / "catalog.json"
CATALOG = load_catalog_file(DEMO)
UNSURE = ParsedIntent(IntentKind.OTHER, (), 0.3)


def answer(obj: dict) -> tuple[int, dict]:
    return 200, chat_completion(json.dumps(obj))


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def resolver(server: FakeOpenAI, budget_s: float = 2.0) -> LlmIntentResolver:
    client = make_openai_client("sk-test", server.base_url, budget_s)
    return LlmIntentResolver(client, "test-model", CATALOG, budget_s)


def test_structured_answer_is_used_and_cached(server: FakeOpenAI) -> None:
    server.chat = lambda request: answer(
        {
            "intent": "buy",
            "items": [
                {
                    "sku": "PULL-NUAGE",
                    "quantity": 2,
                    "options": [{"name": "color", "value": "ÉCRU"}],
                }
            ],
        }
    )
    llm = resolver(server)
    first = llm.resolve("chui partante pr 2 en creme", "PULL-NUAGE", UNSURE)
    assert first.source == "llm" and first.intent == "buy"
    assert [(i.sku, i.quantity, i.options) for i in first.items] == [
        ("PULL-NUAGE", 2, {"color": "écru"})
    ]
    again = llm.resolve("Chui partante pr 2 en CREME", "PULL-NUAGE", UNSURE)
    assert again == first and len(server.requests) == 1  # normalised text hits the cache
    path, body = server.requests[0]
    assert path == "/v1/chat/completions" and body["model"] == "test-model"
    assert body["response_format"]["type"] == "json_schema"
    assert "PULL-NUAGE" in body["messages"][0]["content"]


def test_answer_outside_the_catalog_falls_back(server: FakeOpenAI) -> None:
    server.chat = lambda request: answer(
        {"intent": "buy", "items": [{"sku": "NOT-A-SKU", "quantity": 1, "options": []}]}
    )
    assert resolver(server).resolve("hmm", None, UNSURE) is UNSURE
    server.chat = lambda request: answer(
        {
            "intent": "buy",
            "items": [
                {
                    "sku": "PULL-NUAGE",
                    "quantity": 1,
                    "options": [{"name": "color", "value": "violet"}],
                }
            ],
        }
    )
    assert resolver(server).resolve("hmm2", None, UNSURE) is UNSURE


@pytest.mark.parametrize(
    "failure",
    [
        (500, {"error": {"message": "boom", "type": "server_error"}}),
        (429, {"error": {"message": "slow down", "type": "rate_limit"}}),
        (200, "this is not json"),
        (200, chat_completion("not the schema")),
    ],
)
def test_errors_fall_back_to_the_rules(server: FakeOpenAI, failure: tuple) -> None:
    server.chat = lambda request: failure
    assert resolver(server).resolve("hmm", None, UNSURE) is UNSURE


def test_slow_server_never_holds_the_comment_past_the_budget(server: FakeOpenAI) -> None:
    server.delay_s = 5.0
    server.chat = lambda request: answer({"intent": "buy", "items": []})
    started = time.monotonic()
    result = resolver(server, budget_s=0.3).resolve("hmm", None, UNSURE)
    assert result is UNSURE
    assert time.monotonic() - started < 3.0  # the budget, not the server's five seconds


def test_assisted_parser_only_asks_when_unsure(server: FakeOpenAI) -> None:
    server.chat = lambda request: answer({"intent": "other", "items": []})
    parser = AssistedParser(IntentParser(CATALOG), resolver(server), threshold=0.7)
    sure = parser.parse("je prends le 4", "BAGUE-ASTRE")
    assert sure.source == "rules" and server.requests == []
    unsure = parser.parse("moi aussi, très bien emballé", "FOULARD-BRISE")
    assert len(server.requests) == 1 and unsure.source == "llm" and unsure.intent == "other"
