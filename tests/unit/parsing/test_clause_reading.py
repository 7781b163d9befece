"""How a clause is read beyond its cue words: where an interrogative stands, set phrases
built on a claim verb, withdrawals split around their object, sizes given in a length unit,
and options that belong to the item before an "and", not to the product named after it."""

from __future__ import annotations

import pytest

from commerce.parsing import IntentParser
from tests.unit.parsing.builders import catalog, product

COAT = product(
    "COAT",
    "11",
    "Manteau laine",
    {"size": ("IT 42", "IT 44", "IT 46"), "color": ("grigio", "blu")},
)
STRAP = product(
    "STRAP", "12", "Cinturino pelle", {"size": ("80", "90", "100"), "color": ("grigio", "blu")}
)
CATALOG = catalog(COAT, STRAP)


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser(CATALOG)


def read(parser: IntentParser, text: str, featured: str | None = "COAT"):
    result = parser.parse(text, featured)
    return result.intent.value, [(i.sku, i.quantity, i.options) for i in result.items]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # opening or closing the clause, an interrogative asks
        ("hello how does it wash", "question"),
        ("e come si lava", "question"),
        ("und wann kommt die Lieferung", "question"),
        ("il taille comment", "question"),
        ("ça sent quoi ce manteau", "question"),
        # in the middle it compares or relates
        ("the grey looks like what my grandpa wore lol", "other"),
        ("elegante come sempre Giulia", "other"),
        ("der Mantel sieht aus wie im Film", "other"),
        ("mi abuela tiene uno parecido", "other"),
        ("ça s'est passé quand j'étais petite", "other"),
    ],
)
def test_an_interrogative_asks_where_it_opens_or_closes_the_clause(
    parser: IntentParser, text: str, intent: str
) -> None:
    assert read(parser, text)[0] == intent


@pytest.mark.parametrize(
    "text",
    [
        "take care everyone, see you next week",
        "je prends soin de mes pulls comme ça",
        "non mi prendere in giro dai",
        "ich nehme an, der fällt normal aus",
        "para mí que el gris es más bonito",
    ],
)
def test_set_phrases_built_on_a_claim_verb_claim_nothing(parser: IntentParser, text: str) -> None:
    assert read(parser, text)[0] != "buy"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("nimm mich beim Mantel bitte wieder raus", "cancel"),
        ("tragt mich bei dem Gürtel aus", "cancel"),
        # the particle does not end the clause: no withdrawal
        ("nimm den Mantel raus aus der Schachtel, bitte", "other"),
    ],
)
def test_a_separable_verb_withdraws_around_its_object(
    parser: IntentParser, text: str, intent: str
) -> None:
    assert read(parser, text)[0] == intent


def test_a_size_said_in_centimetres_is_that_size(parser: IntentParser) -> None:
    assert read(parser, "lo prendo da 90 cm", "STRAP") == ("buy", [("STRAP", 1, {"size": "90"})])
    # a length that is no size of the product stays unread
    assert read(parser, "lo prendo, io ho 85 cm di vita", "STRAP")[1] == [("STRAP", 1, {})]


def test_options_before_an_and_belong_to_the_item_in_context(parser: IntentParser) -> None:
    intent, items = read(parser, "io il blu in 44 e pure il cinturino da 100")
    assert intent == "buy"
    assert items == [
        ("COAT", 1, {"color": "blu", "size": "IT 44"}),
        ("STRAP", 1, {"size": "100"}),
    ]
    # "grey and blue cinturini": the colours are the straps', joined by a plain "and"
    assert read(parser, "i want the grey and blue cinturini")[1] == [
        ("STRAP", 1, {"color": "grigio"}),
        ("STRAP", 1, {"color": "blu"}),
    ]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("presooo!", "buy"),
        ("presa la 46 grigia", "buy"),
        ("il 44 blu è mio", "buy"),
        # said of the past, or by someone else
        ("l'ho preso l'inverno scorso, è caldissimo", "other"),
        ("Giulia ha preso il blu", "other"),
        ("somebody said sold before me, too late", "other"),
        ("alguien ya puso vendido, llegué tarde", "other"),
    ],
)
def test_italian_participle_claims_and_reported_claims(
    parser: IntentParser, text: str, intent: str
) -> None:
    assert read(parser, text)[0] == intent


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("für mich nicht den blauen sondern den grauen", ("COAT", 1, {"color": "grigio"})),
        ("je ne prends pas le 44 mais le 46", ("COAT", 1, {"size": "IT 46"})),
        ("no lo quiero en azul sino en gris", ("COAT", 1, {"color": "grigio"})),
    ],
)
def test_a_refusal_corrected_by_but_claims_what_follows(
    parser: IntentParser, text: str, item: tuple
) -> None:
    assert read(parser, text) == ("buy", [item])


def test_a_refusal_then_talk_after_but_claims_nothing(parser: IntentParser) -> None:
    assert read(parser, "je ne le prends pas, mais merci pour le live")[0] != "buy"


@pytest.mark.parametrize(
    "text",
    [
        "one for me and another for my brother",
        "une pour moi et une autre pour mon frère",
        "uno para mí y otro para mi hermano",
    ],
)
def test_another_for_someone_adds_one(parser: IntentParser, text: str) -> None:
    assert read(parser, text) == ("buy", [("COAT", 2, {})])


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("grigio 44... ah non attendez, 46", ("COAT", 1, {"color": "grigio", "size": "IT 46"})),
        ("I typed 42 but I meant 44", ("COAT", 1, {"size": "IT 44"})),
        ("not the blue, the grey!!", ("COAT", 1, {"color": "grigio"})),
        ("il 42 blu, anzi il 44", ("COAT", 1, {"size": "IT 44", "color": "blu"})),
        (
            "hay 42 en azul?? vale pues 44 en azul, lo quiero",
            ("COAT", 1, {"size": "IT 44", "color": "blu"}),
        ),
    ],
)
def test_a_value_corrected_replaces_the_one_before(
    parser: IntentParser, text: str, item: tuple
) -> None:
    assert read(parser, text) == ("buy", [item])


def test_two_items_said_one_after_the_other_are_both_kept(parser: IntentParser) -> None:
    assert read(parser, "je prends le bleu en 42, et le gris en 46")[1] == [
        ("COAT", 1, {"color": "blu", "size": "IT 42"}),
        ("COAT", 1, {"color": "grigio", "size": "IT 46"}),
    ]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("is it wool or a blend", "question"),
        ("la fodera è di seta o di poliestere", "question"),
        ("42 or 44 if my shoulders are broad", "question"),
        ("der 46 ist schon weg oder", "question"),
        ("no queda en azul, verdad", "question"),
        ("see u next week everyone", "other"),
        # a choice between options, then the decision: a claim
        ("le bleu ou le gris... allez les deux !", "buy"),
    ],
)
def test_alternatives_and_question_tags_ask(parser: IntentParser, text: str, intent: str) -> None:
    assert read(parser, text)[0] == intent


def test_a_letter_size_after_a_number_word_is_counted() -> None:
    shirt = product(
        "SHIRT", "3", "Camisa lino", {"size": ("S", "M", "XL"), "color": ("gris", "azul")}
    )
    result = IntentParser(catalog(shirt)).parse(
        "un XL gris pour papa et un M bleu pour moi", "SHIRT"
    )
    assert [(i.sku, i.quantity, i.options) for i in result.items] == [
        ("SHIRT", 1, {"size": "XL", "color": "gris"}),
        ("SHIRT", 1, {"size": "M", "color": "azul"}),
    ]


def test_a_claim_word_with_nothing_to_claim_beside_a_question_is_a_question(
    parser: IntentParser,
) -> None:
    assert read(parser, "first order for me, how does paying work?", None)[0] == "question"


def _shop() -> IntentParser:
    """A product whose code is bigger than a count, one coded 1, one sized in EU sizes."""
    dress = product(
        "DRESS", "8", "Vestido lino", {"size": ("S", "M", "L"), "color": ("blanco", "rosa")}
    )
    top = product("TOP", "1", "Top punto", {"size": ("S", "M"), "color": ("negro",)})
    shoe = product("SHOE", "9", "Bota", {"size": ("EU 38", "EU 39"), "color": ("rojo", "amarillo")})
    return IntentParser(catalog(dress, top, shoe))


@pytest.mark.parametrize(
    ("text", "featured", "items"),
    [
        # the product on screen called by its own code, options after it
        ("8 blanco L", "DRESS", [("DRESS", 1, {"color": "blanco", "size": "L"})]),
        ("9 EU39 rojo", "SHOE", [("SHOE", 1, {"size": "EU 39", "color": "rojo"})]),
        # a count whose number is another product's code, with an option only ours has
        (
            "2 en blanco y 1 en rosa",
            "DRESS",
            [
                ("DRESS", 2, {"color": "blanco"}),
                ("DRESS", 1, {"color": "rosa"}),
            ],
        ),
        # a size after a postfix count is a size, not the next count
        (
            "38 red x2 and 39 yellow x1",
            "SHOE",
            [
                ("SHOE", 2, {"size": "EU 38", "color": "rojo"}),
                ("SHOE", 1, {"size": "EU 39", "color": "amarillo"}),
            ],
        ),
        # colours with a typo, Italian plurals
        ("amarilo 38 para mi", "SHOE", [("SHOE", 1, {"color": "amarillo", "size": "EU 38"})]),
        ("gialli 39 per me", "SHOE", [("SHOE", 1, {"color": "amarillo", "size": "EU 39"})]),
    ],
)
def test_codes_counts_and_colours(text: str, featured: str, items: list) -> None:
    result = _shop().parse(text, featured)
    assert result.intent.value == "buy"
    assert [(i.sku, i.quantity, i.options) for i in result.items] == items


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("el 38 lo tenéis en rojo", "question"),
        ("qué talla lleva la modelo", "question"),
        ("porto il 38 e mezzo, che faccio", "question"),
        ("can it be worn in the rain", "question"),
        ("wrong live sorry, ignore my +1", "cancel"),
        ("ya no los quiero, gracias", "cancel"),
        ("killer price for boots 🔥", "other"),
        ("me apuntas la 39 en rojo?", "buy"),
    ],
)
def test_more_questions_cancels_and_requests(text: str, intent: str) -> None:
    assert _shop().parse(text, "SHOE").intent.value == intent


def _beach() -> IntentParser:
    bra = product(
        "BRA", "3", "Top bikini", {"size": ("85B", "90B", "90C"), "color": ("negro", "blanco")}
    )
    kids = product("KIDS", "K2", "Camiseta niño", {"size": ("4", "6", "8"), "color": ("azul",)})
    pot = product("POT", "T2", "Tetera de cristal", {"material": ("inox", "vidrio")})
    tea = product(
        "TEA", "5", "Thé vert", {"weight": ("50 g", "250 g"), "format": ("boîte", "sachet")}
    )
    return IntentParser(catalog(bra, kids, pot, tea))


@pytest.mark.parametrize(
    ("text", "featured", "items"),
    [
        ("90 copa C en negro", "BRA", [("BRA", 1, {"size": "90C", "color": "negro"})]),
        ("bonnet B taille 85 svp", "BRA", [("BRA", 1, {"size": "85B"})]),
        ("azul 6 años para mi hijo", "KIDS", [("KIDS", 1, {"color": "azul", "size": "6"})]),
        ("3 teteras de cristal", "POT", [("POT", 3, {})]),
        (
            "le grand en sachet, pas en boîte",
            "TEA",
            [("TEA", 1, {"weight": "250 g", "format": "sachet"})],
        ),
        (
            "the small tin, not the pouch",
            "TEA",
            [("TEA", 1, {"weight": "50 g", "format": "boîte"})],
        ),
        ("je prends le 250... non 50 g pardon", "TEA", [("TEA", 1, {"weight": "50 g"})]),
        # "grande" of a family is not the large tin
        (
            "2 thés verts en 50 g, on est une grande famille",
            "TEA",
            [("TEA", 2, {"weight": "50 g"})],
        ),
    ],
)
def test_cups_ages_plural_heads_and_refused_values(text: str, featured: str, items: list) -> None:
    result = _beach().parse(text, featured)
    assert result.intent.value == "buy"
    assert [(i.sku, i.quantity, i.options) for i in result.items] == items


@pytest.mark.parametrize("text", ["le sachet il est refermable", "elle est en inox la théière"])
def test_a_feature_or_material_said_without_a_mark_asks(text: str) -> None:
    assert _beach().parse(text, "TEA").intent.value == "question"


def _scents() -> IntentParser:
    perfume = product(
        "NOIR",
        "1",
        "Eau de Parfum Nuit Noire",
        {"size": ("30 ml", "100 ml"), "concentration": ("eau de parfum", "extrait")},
        ("nuit noire",),
    )
    candle = product(
        "CANDLE",
        "2",
        "Bougie",
        {"size": ("petite", "grande"), "scent": ("ambre", "fleur d'oranger")},
        ("bougie", "vela", "candela", "kerze"),
    )
    refill = product(
        "REFILL",
        "R1",
        "Recharge",
        {"scent": ("Nuit Noire", "Ambre Gris")},
        ("recharge", "refill", "recarga"),
    )
    return IntentParser(catalog(perfume, candle, refill))


@pytest.mark.parametrize(
    ("text", "featured", "items"),
    [
        # another product's name said as the value it is of the product read
        ("2 refills of nuit noire please", "REFILL", [("REFILL", 2, {"scent": "Nuit Noire"})]),
        # a scent and a concentration said in the viewer's language
        (
            "candela piccola all'ambra per me",
            "CANDLE",
            [("CANDLE", 1, {"size": "petite", "scent": "ambre"})],
        ),
        ("2x groß Bernstein", "CANDLE", [("CANDLE", 2, {"size": "grande", "scent": "ambre"})]),
        (
            "vela grande de azahar para mí",
            "CANDLE",
            [("CANDLE", 1, {"size": "grande", "scent": "fleur d'oranger"})],
        ),
        (
            "grande fleur d oranger stp",
            "CANDLE",
            [("CANDLE", 1, {"size": "grande", "scent": "fleur d'oranger"})],
        ),
        (
            "estratto da 30 per me",
            "NOIR",
            [("NOIR", 1, {"concentration": "extrait", "size": "30 ml"})],
        ),
        (
            "2 edp 100ml",
            "NOIR",
            [("NOIR", 2, {"concentration": "eau de parfum", "size": "100 ml"})],
        ),
        ("biggest bottle for me", "NOIR", [("NOIR", 1, {"size": "100 ml"})]),
    ],
)
def test_scents_concentrations_and_values_that_name_products(
    text: str, featured: str, items: list
) -> None:
    result = _scents().parse(text, featured)
    assert result.intent.value == "buy"
    assert [(i.sku, i.quantity, i.options) for i in result.items] == items


@pytest.mark.parametrize(
    ("text", "featured", "intent", "items"),
    [
        (
            "la recharge pour moi, je connais pas encore la marque",
            "REFILL",
            "buy",
            [("REFILL", 1, {})],
        ),
        (
            "grande para mí, la pequeña no me gusta",
            "CANDLE",
            "buy",
            [("CANDLE", 1, {"size": "grande"})],
        ),
        ("la grande no me gusta", "CANDLE", "other", []),
        ("si j'annule après le live je suis remboursée ?", "CANDLE", "question", []),
        ("j'en veux 3 pour les cadeaux", "CANDLE", "buy", [("CANDLE", 3, {})]),
        ("tolgo la candela, scusate", "CANDLE", "cancel", [("CANDLE", 1, {})]),
    ],
)
def test_claims_beside_chatter_opinions_and_conditional_cancels(
    text: str, featured: str, intent: str, items: list
) -> None:
    result = _scents().parse(text, featured)
    assert result.intent.value == intent
    assert [(i.sku, i.quantity, i.options) for i in result.items] == items


def _sweets() -> IntentParser:
    box = product(
        "BOX",
        "1",
        "Coffret de chocolats",
        {"size": ("12", "30"), "kind": ("lait", "noir", "assorti")},
    )
    bar = product(
        "BAR", "2", "Tablette", {"cocoa": ("55%", "80%")}, ("tablette", "bar", "tavoletta")
    )
    return IntentParser(catalog(box, bar))


@pytest.mark.parametrize(
    ("text", "featured", "items"),
    [
        # a value that is a colour and a kind of chocolate at once, said either way
        ("the 12 in dark please", "BOX", [("BOX", 1, {"size": "12", "kind": "noir"})]),
        ("den 30er in Vollmilch nehm ich", "BOX", [("BOX", 1, {"size": "30", "kind": "lait"})]),
        ("per me 12 misti", "BOX", [("BOX", 1, {"size": "12", "kind": "assorti"})]),
        # a percentage by its number or in words
        ("l'80 per me", "BAR", [("BAR", 1, {"cocoa": "80%"})]),
        ("two bars, 55 percent", "BAR", [("BAR", 2, {"cocoa": "55%"})]),
    ],
)
def test_chocolate_kinds_and_percentages(text: str, featured: str, items: list) -> None:
    result = _sweets().parse(text, featured)
    assert result.intent.value == "buy"
    assert [(i.sku, i.quantity, i.options) for i in result.items] == items


def _walks() -> IntentParser:
    leash = product(
        "LEASH",
        "4",
        "Guinzaglio",
        {"length": ("1 m", "1,5 m", "3 m"), "color": ("rosso", "nero")},
        ("guinzaglio", "leash"),
    )
    collar = product(
        "COLLAR", "2", "Collare", {"size": ("35 cm", "40 cm"), "color": ("nero",)}, ("collare",)
    )
    return IntentParser(catalog(leash, collar))


@pytest.mark.parametrize(
    ("text", "featured", "intent", "items"),
    [
        (
            "prendo quello da un metro nero",
            "LEASH",
            "buy",
            [("LEASH", 1, {"length": "1 m", "color": "nero"})],
        ),
        ("1.5 rosso per me", "LEASH", "buy", [("LEASH", 1, {"length": "1,5 m", "color": "rosso"})]),
        ("il 40 per me, non il 35", "COLLAR", "buy", [("COLLAR", 1, {"size": "40 cm"})]),
        ("lo avrei preso ma costa troppo", "COLLAR", "other", []),
        ("mi prendo una pausa e torno", "COLLAR", "other", []),
    ],
)
def test_lengths_refused_numbers_and_idioms(
    text: str, featured: str, intent: str, items: list
) -> None:
    result = _walks().parse(text, featured)
    assert result.intent.value == intent
    assert [(i.sku, i.quantity, i.options) for i in result.items] == items
