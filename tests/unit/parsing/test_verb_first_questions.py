"""German asks by putting the verb first: a clause that opens on a verb before its subject is
a question about the product, not a claim and not chatter."""

from __future__ import annotations

import pytest

from commerce.intent import IntentKind
from commerce.parsing import IntentParser
from tests.unit.parsing.builders import catalog, product

PARSER = IntentParser(
    catalog(product("JACKE", "3", "Regenjacke Fjell", {"size": ("S", "M", "L")}, ("Jacke",)))
)


@pytest.mark.parametrize(
    "text",
    [
        "läuft die Jacke beim Waschen ein",
        "hält die auch bei Starkregen dicht",
        "schickt ihr auch nach Südtirol",
        "wird das heute noch verschickt",
    ],
)
def test_a_verb_before_its_subject_asks(text: str) -> None:
    assert PARSER.parse(text, "JACKE").intent is IntentKind.QUESTION


@pytest.mark.parametrize(
    ("text", "kind"),
    [("ich nehme die Jacke in M", IntentKind.BUY), ("want the M one", IntentKind.BUY)],
)
def test_a_claim_or_another_language_is_not_read_as_a_question(text: str, kind: IntentKind) -> None:
    assert PARSER.parse(text, "JACKE").intent is kind
