"""Payment, delivery and fit questions are questions in every language, with or without
a question mark, and a claim that asks one is still a claim."""

from __future__ import annotations

import pytest

from commerce.parsing import IntentParser
from tests.unit.parsing.test_size_words import CATALOG


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("envoi en suisse", "question"),
        ("vous acceptez paypal", "question"),
        ("se puede pagar con tarjeta", "question"),
        ("hacen envíos a chile", "question"),
        ("accettate paypal", "question"),
        ("spedite in svizzera", "question"),
        ("fällt es klein aus", "question"),
        ("liefert ihr nach österreich", "question"),
        ("do you ship to canada", "question"),
        ("can i pay with apple pay", "question"),
        ("I take it, do you ship to canada?", "buy"),
        ("lo quiero, aceptan paypal?", "buy"),
    ],
)
def test_service_questions(text: str, intent: str) -> None:
    assert IntentParser(CATALOG).parse(text, "TOP").intent.value == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("is the top lined", "question"),
        ("do u take klarna", "question"),
        ("will you restock it", "question"),
        ("hat das Top Knöpfe", "question"),
        ("ist der Stoff dehnbar", "question"),
        ("ok! are these washable", "question"),
        # the verb is not first: no question
        ("this is the one I want", "buy"),
        ("that is the one for me", "buy"),
    ],
)
def test_a_verb_put_first_asks(text: str, intent: str) -> None:
    assert IntentParser(CATALOG).parse(text, "TOP").intent.value == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("la gorra es ajustable", "question"),
        ("il top è foderato", "question"),
        ("ist das Top waschbar", "question"),
        ("still have the top in L", "question"),
        # a feature said beside a claim is not a question
        ("love that it's stretchy, I'll take it", "buy"),
    ],
)
def test_features_asked_about_without_a_question_mark(text: str, intent: str) -> None:
    assert IntentParser(CATALOG).parse(text, "TOP").intent.value == intent
