"""The intent spec's rules, generated across the five languages and three catalogs of
different kinds of brand (sneakers with English values, jewellery with French values, home
goods with Italian values). Templates of our own, never lines of an evaluation corpus."""

from __future__ import annotations

import pytest

from commerce.catalog import Catalog, CatalogProduct, CatalogVariant
from commerce.parsing import IntentParser


def _product(sku, code, name, colors, sizes=()) -> CatalogProduct:
    options = {"color": tuple(colors)}
    if sizes:
        options["size"] = tuple(sizes)
    variants = [
        CatalogVariant(f"{sku}-{c}-{s}", {"color": c, **({"size": s} if s else {})}, 4)
        for c in colors
        for s in (sizes or ("",))
    ]
    return CatalogProduct(sku, name, 5000, code, (), options, tuple(variants))


CATALOGS = {
    "sneakers-en": Catalog(
        "EUR",
        (
            _product("RUNNER", "21", "Runner Volt", ["black", "white"], ["EU 41", "EU 42"]),
            _product("COURT", "22", "Court Classic", ["navy", "green"], ["EU 41", "EU 42"]),
        ),
    ),
    "jewels-fr": Catalog(
        "EUR",
        (
            _product("ANNEAU", "31", "Anneau Lys", ["doré", "argenté"], ["52", "54"]),
            _product("CHAINE", "32", "Chaîne Perle", ["doré", "rose"]),
        ),
    ),
    "home-it": Catalog(
        "EUR",
        (
            _product("VASO", "41", "Vaso Onda", ["blu", "bianco"]),
            _product("CIOTOLA", "42", "Ciotola Luna", ["verde", "nero"]),
        ),
    ),
}
FIRST = {name: catalog.products[0] for name, catalog in CATALOGS.items()}
SECOND = {name: catalog.products[1] for name, catalog in CATALOGS.items()}

CLAIM = {
    "fr": "je prends",
    "en": "I'll take it",
    "es": "lo quiero",
    "de": "ich nehme es",
    "it": "lo prendo",
}
CLAIM_CODE = {
    "fr": "je prends le {code}",
    "en": "I'll take {code}",
    "es": "quiero el {code}",
    "de": "ich nehme die {code}",
    "it": "prendo il {code}",
}
TWO_OF = {
    "fr": "deux du {code} svp",
    "en": "two of {code} please",
    "es": "dos del {code}",
    "de": "zwei von {code} bitte",
    "it": "due del {code}",
}
CANCEL = {
    "fr": "annule ma commande",
    "en": "cancel my order please",
    "es": "cancela mi pedido",
    "de": "bitte stornieren",
    "it": "annulla il mio ordine",
}
NO_LONGER = {
    "fr": "je ne le prends plus",
    "en": "I don't want it anymore",
    "es": "ya no lo quiero",
    "de": "ich will es nicht mehr",
    "it": "non lo voglio più",
}
PRICE = {
    "fr": "combien le {code}",
    "en": "how much is {code}",
    "es": "cuánto cuesta el {code}",
    "de": "was kostet {code}",
    "it": "quanto costa il {code}",
}
NOT_FOR_ME = {
    "fr": "pas pour moi cette fois",
    "en": "not for me this time",
    "es": "esta vez no, gracias",
    "de": "diesmal nicht, danke",
    "it": "no grazie, non fa per me",
}
GREETING = {
    "fr": "coucou tout le monde",
    "en": "hi everyone from Leeds",
    "es": "hola a todas",
    "de": "hallo zusammen",
    "it": "ciao a tutti",
}

LANGUAGES = tuple(CLAIM)
CASES = [(catalog, language) for catalog in CATALOGS for language in LANGUAGES]


@pytest.fixture(scope="module")
def parsers() -> dict[str, IntentParser]:
    return {name: IntentParser(catalog) for name, catalog in CATALOGS.items()}


def _items(result) -> list[tuple[str, int]]:
    return [(item.sku, item.quantity) for item in result.items]


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_a_bare_claim_takes_the_featured_product(parsers, catalog, language) -> None:
    product = FIRST[catalog]
    result = parsers[catalog].parse(CLAIM[language], product.sku)
    assert result.intent == "buy" and _items(result) == [(product.sku, 1)], result


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_a_claim_with_a_code_takes_that_product(parsers, catalog, language) -> None:
    product = SECOND[catalog]
    text = CLAIM_CODE[language].format(code=product.code)
    result = parsers[catalog].parse(text, FIRST[catalog].sku)
    assert result.intent == "buy" and _items(result) == [(product.sku, 1)], result


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_a_number_word_of_a_code_counts_it(parsers, catalog, language) -> None:
    product = SECOND[catalog]
    result = parsers[catalog].parse(TWO_OF[language].format(code=product.code), None)
    assert result.intent == "buy" and _items(result) == [(product.sku, 2)], result


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_cancels_and_withdrawals(parsers, catalog, language) -> None:
    for text in (CANCEL[language], NO_LONGER[language]):
        result = parsers[catalog].parse(text, FIRST[catalog].sku)
        assert result.intent == "cancel", (text, result)


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_price_questions_are_questions(parsers, catalog, language) -> None:
    text = PRICE[language].format(code=SECOND[catalog].code)
    result = parsers[catalog].parse(text, FIRST[catalog].sku)
    assert result.intent == "question" and result.items == (), result


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_refusals_and_chatter_are_other(parsers, catalog, language) -> None:
    for text in (NOT_FOR_ME[language], GREETING[language]):
        result = parsers[catalog].parse(text, FIRST[catalog].sku)
        assert result.intent == "other" and result.items == (), (text, result)


OUT_OF_CART = {
    "fr": "enlevez le {code} de mon panier",
    "en": "take {code} off my order please",
    "es": "quiten el {code} de mi carrito",
    "de": "die {code} bitte raus aus dem Warenkorb",
    "it": "togliete il {code} dal mio carrello",
}
INTO_CART = {
    "fr": "mettez le {code} dans mon panier",
    "en": "add {code} to my cart",
    "es": "pon el {code} en mi carrito",
    "de": "leg die {code} in den Warenkorb",
    "it": "metti il {code} nel carrello",
}
IN_THE_END_NOT = {
    "fr": "finalement je le prends pas",
    "en": "actually I don't want it",
    "es": "al final no lo quiero",
    "de": "doch nicht, ich nehme es nicht",
    "it": "alla fine non lo prendo",
}
SOMEONE_ELSE = {
    "fr": "ma femme achète le {code} demain",
    "en": "my girlfriend buys {code} tomorrow",
    "es": "mi novio compra el {code} mañana",
    "de": "meine Frau kauft die {code} morgen",
    "it": "mia moglie compra il {code} domani",
}


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_out_of_the_cart_is_a_cancel_of_that_product(parsers, catalog, language) -> None:
    product = SECOND[catalog]
    result = parsers[catalog].parse(OUT_OF_CART[language].format(code=product.code), None)
    assert result.intent == "cancel" and _items(result) == [(product.sku, 1)], result


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_into_the_cart_is_a_claim_of_that_product(parsers, catalog, language) -> None:
    product = SECOND[catalog]
    result = parsers[catalog].parse(INTO_CART[language].format(code=product.code), None)
    assert result.intent == "buy" and _items(result) == [(product.sku, 1)], result


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_a_refusal_in_the_end_withdraws(parsers, catalog, language) -> None:
    result = parsers[catalog].parse(IN_THE_END_NOT[language], FIRST[catalog].sku)
    assert result.intent == "cancel", result


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_someone_else_buying_is_not_a_claim(parsers, catalog, language) -> None:
    text = SOMEONE_ELSE[language].format(code=SECOND[catalog].code)
    result = parsers[catalog].parse(text, FIRST[catalog].sku)
    assert result.intent == "other" and result.items == (), result


def test_in_order_to_is_not_a_cart(parsers) -> None:
    result = parsers["sneakers-en"].parse("in order to pay I need an account", "RUNNER")
    assert result.intent != "buy", result


REQUEST = {
    "fr": "je peux avoir le {code} ?",
    "en": "can I get {code}?",
    "es": "¿me apartas el {code}?",
    "de": "legt mir die {code} zurück",
    "it": "posso avere il {code}?",
}
IF_THEN = {
    "fr": "si vous le refaites je prends le {code}",
    "en": "if you restock it I'll take {code}",
    "es": "si vuelve a haber quiero el {code}",
    "de": "falls ihr nachbestellt, nehme ich die {code}",
    "it": "se torna disponibile prendo il {code}",
}


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_a_claim_asked_as_a_question_is_a_claim(parsers, catalog, language) -> None:
    product = SECOND[catalog]
    result = parsers[catalog].parse(REQUEST[language].format(code=product.code), None)
    assert result.intent == "buy" and _items(result) == [(product.sku, 1)], result


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_a_claim_on_a_condition_is_not_a_claim(parsers, catalog, language) -> None:
    text = IF_THEN[language].format(code=SECOND[catalog].code)
    result = parsers[catalog].parse(text, FIRST[catalog].sku)
    assert result.intent != "buy", result


def test_a_request_that_names_no_item_is_a_question(parsers) -> None:
    result = parsers["sneakers-en"].parse("can I get free shipping?", "RUNNER")
    assert result.intent == "question", result


ONE_MORE = {
    "fr": "encore un pour moi",
    "en": "one more please",
    "es": "uno más para mí",
    "de": "noch eins bitte",
    "it": "ancora uno per me",
}


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_one_more_is_a_claim_of_the_featured_product(parsers, catalog, language) -> None:
    product = FIRST[catalog]
    result = parsers[catalog].parse(ONE_MORE[language], product.sku)
    assert result.intent == "buy" and _items(result) == [(product.sku, 1)], result


SMS_CLAIM = {
    "fr": "jveu en {color}",
    "en": "lemme get one in {color}",
    "es": "xa mi en {color}",
    "de": "hätt gern eins in {color}",
    "it": "per me in {color} grazie",
}


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_sms_and_slang_claims_with_thanks(parsers, catalog, language) -> None:
    product = FIRST[catalog]
    color = product.options["color"][0]
    result = parsers[catalog].parse(SMS_CLAIM[language].format(color=color), product.sku)
    assert result.intent == "buy" and [(i.sku, i.options.get("color")) for i in result.items] == [
        (product.sku, color)
    ], result


SMALL_TALK = {
    "fr": "ça va ? c'est quoi la musique ?",
    "en": "how are you? where are you from?",
    "es": "¿qué tal? ¿de dónde eres?",
    "de": "wie geht's? welches Lied ist das?",
    "it": "come stai? di dove sei?",
}


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_small_talk_asked_is_other(parsers, catalog, language) -> None:
    result = parsers[catalog].parse(SMALL_TALK[language], FIRST[catalog].sku)
    assert result.intent == "other" and result.items == (), result


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_small_talk_then_a_product_question_is_a_question(parsers, catalog, language) -> None:
    text = SMALL_TALK[language] + " " + PRICE[language].format(code=SECOND[catalog].code)
    result = parsers[catalog].parse(text, FIRST[catalog].sku)
    assert result.intent == "question", result


REACTION = {
    "fr": "vous avez vu ce prix ?!",
    "en": "omg who else is obsessed?",
    "es": "¿habéis visto el color?",
    "de": "habt ihr gesehen wie schön?",
    "it": "avete visto che colore?",
}
NOTHING_TODAY = {
    "fr": "je prends aujourd'hui rien, je regarde",
    "en": "not taking anything today, just watching",
    "es": "hoy no compro nada",
    "de": "ich nehme diesmal nichts",
    "it": "oggi non prendo niente",
}


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_reactions_with_a_question_mark_are_other(parsers, catalog, language) -> None:
    result = parsers[catalog].parse(REACTION[language], FIRST[catalog].sku)
    assert result.intent == "other", result


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_taking_nothing_is_not_a_claim(parsers, catalog, language) -> None:
    result = parsers[catalog].parse(NOTHING_TODAY[language], FIRST[catalog].sku)
    assert result.intent == "other" and result.items == (), result


SOLD_TO_ME = {
    "fr": "vendu !",
    "en": "sold!",
    "es": "vendido!",
    "de": "gekauft!",
    "it": "venduto a me",
}
BOUGHT_BEFORE = {
    "fr": "je l'ai déjà acheté la semaine dernière",
    "en": "already got mine last week",
    "es": "ya lo tengo del año pasado",
    "de": "hab ich schon gekauft",
    "it": "l'ho già preso l'anno scorso",
}


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_sold_to_me_is_a_claim(parsers, catalog, language) -> None:
    product = FIRST[catalog]
    result = parsers[catalog].parse(SOLD_TO_ME[language], product.sku)
    assert result.intent == "buy" and _items(result) == [(product.sku, 1)], result


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_bought_before_is_not_a_claim(parsers, catalog, language) -> None:
    result = parsers[catalog].parse(BOUGHT_BEFORE[language], FIRST[catalog].sku)
    assert result.intent == "other", result


BUT_NOT = {
    "fr": "je le veux mais pas en {other}, en {color}",
    "en": "I want it but not in {other}, in {color}",
    "es": "lo quiero pero no en {other}, en {color}",
    "de": "ich will es, aber nicht in {other}, in {color}",
    "it": "lo voglio, però non in {other}, in {color}",
}


@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_an_option_refused_after_but_is_not_taken(parsers, catalog, language) -> None:
    product = FIRST[catalog]
    color, other = product.options["color"]
    text = BUT_NOT[language].format(other=other, color=color)
    result = parsers[catalog].parse(text, product.sku)
    assert [(i.sku, i.options.get("color")) for i in result.items] == [(product.sku, color)]


def _shouted(text: str) -> str:
    return text.upper() + "!!!"


def _stretched(text: str) -> str:
    """The longest word with its last letter held ("prendsss", "quierooo")."""
    words = text.split()
    longest = max(range(len(words)), key=lambda k: (words[k].isalpha(), len(words[k])))
    words[longest] += words[longest][-1] * 3
    return " ".join(words)


def _with_emoji(text: str) -> str:
    return f"😍 {text} 🙋‍♀️🔥"


@pytest.mark.parametrize("way", [_shouted, _stretched, _with_emoji])
@pytest.mark.parametrize(("catalog", "language"), CASES)
def test_chat_styles_do_not_change_a_claim(parsers, catalog, language, way) -> None:
    product = SECOND[catalog]
    result = parsers[catalog].parse(way(CLAIM_CODE[language].format(code=product.code)), None)
    assert result.intent == "buy" and _items(result) == [(product.sku, 1)], result
