"""Items said across clauses: an option or a count added after a comma, every value of an
option ('both lengths', 'one of each colour'), a count of each, a correction in mid-clause,
a claim on today's stock, and wishes with an obstacle."""

from __future__ import annotations

import pytest

from commerce.intent import IntentKind
from commerce.parsing import IntentParser
from tests.unit.parsing.builders import catalog, product

RING = product("RING", "1", "Bague Selene", {"size": ("50", "52", "54"), "metal": ("or", "argent")})
CHAIN = product(
    "CHAIN", "2", "Collier Ondine", {"length": ("40 cm", "45 cm"), "metal": ("or", "argent")}
)
THROW = product(
    "THROW",
    "7",
    "Plaid Brume",
    {"dimensions": ("130x170 cm", "150x200 cm"), "color": ("gris", "rouge", "vert")},
)
TEA = product("TEA", "8", "Thé Lune", {"flavour": ("menthe", "vanille")})
PARSER = IntentParser(catalog(RING, CHAIN, THROW, TEA))


def _items(text: str, featured: str) -> list[tuple[str, int, dict[str, str]]]:
    result = PARSER.parse(text, featured)
    assert result.intent is IntentKind.BUY, (text, result)
    return sorted(((i.sku, i.quantity, dict(i.options)) for i in result.items), key=repr)


@pytest.mark.parametrize(
    ("text", "featured", "expected"),
    [
        (
            "une en argent, 52, et une en or 50",
            "RING",
            [
                ("RING", 1, {"metal": "argent", "size": "52"}),
                ("RING", 1, {"metal": "or", "size": "50"}),
            ],
        ),
        ("the chain in silver please, I'll take 3", "CHAIN", [("CHAIN", 3, {"metal": "argent"})]),
        (
            "both lengths in gold please",
            "CHAIN",
            [
                ("CHAIN", 1, {"length": "40 cm", "metal": "or"}),
                ("CHAIN", 1, {"length": "45 cm", "metal": "or"}),
            ],
        ),
        (
            "uno di ogni colore in 130x170",
            "THROW",
            [
                ("THROW", 1, {"color": c, "dimensions": "130x170 cm"})
                for c in ("gris", "rouge", "vert")
            ],
        ),
        (
            "menthe et vanille, trois de chaque",
            "TEA",
            [("TEA", 3, {"flavour": "menthe"}), ("TEA", 3, {"flavour": "vanille"})],
        ),
        (
            "plaid 150 x 200 rouge",
            "THROW",
            [("THROW", 1, {"color": "rouge", "dimensions": "150x200 cm"})],
        ),
        ("or 52 sorry I meant 54", "RING", [("RING", 1, {"metal": "or", "size": "54"})]),
        ("nicht Gold, Silber bitte", "RING", [("RING", 1, {"metal": "argent"})]),
        ("il collier in oro per mia nipote, lo prendo", "RING", [("CHAIN", 1, {"metal": "or"})]),
        (
            "I'll take it in silver if it's still available",
            "RING",
            [("RING", 1, {"metal": "argent"})],
        ),
        ("me la llevo en 52 si queda", "RING", [("RING", 1, {"size": "52"})]),
    ],
)
def test_items_said_across_clauses(text: str, featured: str, expected: list) -> None:
    assert _items(text, featured) == sorted(expected, key=repr)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("si queda en 52", IntentKind.QUESTION),
        ("la voglio ma costa troppo per me questo mese", IntentKind.OTHER),
        ("I want it so much but payday is next week", IntentKind.OTHER),
        ("ich will ihn, aber mein Konto sagt nein", IntentKind.OTHER),
        ("les deux longueurs sont belles", IntentKind.OTHER),
    ],
)
def test_what_is_not_a_claim(text: str, kind: IntentKind) -> None:
    assert PARSER.parse(text, "CHAIN").intent is kind


def test_a_word_that_is_a_colour_besides_a_material_goes_to_the_material() -> None:
    """'cuoio' is a tan colour and leather; 'pelle' is only leather: 'black leather' is the
    black one in leather, not a tan one and a black one."""
    loafer = product(
        "LOAFER",
        "4",
        "Mocassino Dario",
        {"color": ("cuoio", "nero"), "material": ("pelle", "camoscio")},
    )
    parser = IntentParser(catalog(loafer))
    items = parser.parse("black leather please", "LOAFER").items
    assert [(i.sku, i.options) for i in items] == [
        ("LOAFER", {"color": "nero", "material": "pelle"})
    ]
