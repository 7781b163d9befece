"""Classes of abuse that hide behind ordinary words: mockery by likening a person (or a
body part of theirs) to a thing, generalisations about a group with neutral verbs or a
stereotype, leet and emoji letters, bending and undressing innuendo, and payments moved off
the checkout. Each class is checked in several languages, beside the buyer talk that uses
the same words and must stay."""

from __future__ import annotations

import pytest

from moderation.policy import ModerationPolicy
from moderation.rules import text_categories

POLICY = ModerationPolicy(protected_names=("Marta",))


@pytest.mark.parametrize(
    "text",
    [
        "Marta you move slower than a snail on holiday",
        "Marta tu as le charisme d'une vieille chaussette",
        "Marta tiene los brazos como dos fideos jajaja",
        "Marta hat Beine wie zwei Zahnstocher",
        "Marta sembri un gufo bagnato con quegli occhiali",
        "Marta parla come un aspirapolvere rotto",
        "Marta con quella pancia dovresti evitare i vestiti attillati",
        "Marta tu ne comprends rien à rien",
        "Marta, moderatrice da quattro soldi, non capisci nulla",
        "Marta sei una 🅱️🅰️lena",
        "Marta sei una v*cchia strega",
    ],
)
def test_mockery_and_body_shaming_are_insults(text: str) -> None:
    assert "insult" in text_categories(text, POLICY)


@pytest.mark.parametrize(
    "text",
    [
        "the vase is fat-bellied and heavy",
        "la jarra panzuda cuesta 30€?",
        "el jarrón está gordo, me encanta",
        "die Tasche ist ein Kleiderschrank, so viel Platz",
        "Marta c'est plus profond qu'une assiette ?",
        "does the handle bend if I drop it?",
        "je ne comprends rien au guide des tailles, aidez moi",
        "Marta can you take the belt off the coat, I want to see the waist",
        "I'll take the scarf and the rest too if the price is good",
    ],
)
def test_product_talk_with_the_same_words_stays(text: str) -> None:
    assert text_categories(text, POLICY) == ()


@pytest.mark.parametrize(
    "text",
    [
        "les roumains ne paient jamais leurs commandes",
        "southerners never pay, everybody knows",
        "i napoletani sicuramente rubano i pacchi",
        "die Bulgaren haben hier nichts verloren",
        "los gitanos del chat fijo que luego revenden todo, son todos unos estafadores",
        "les turcs vont encore négocier, c'est culturel chez eux",
        "regardez tous ces p.d. dans le chat, bande de dégénérés",
    ],
)
def test_generalisations_about_a_group_are_hate(text: str) -> None:
    assert "hate" in text_categories(text, POLICY)


@pytest.mark.parametrize(
    "text",
    [
        "Marta bend over to pick up the bowl again 😏",
        "Marta inclínate hacia la cámara, se ve el escote",
        "Marta is wearing nothing underneath that apron",
        "Marta setz dich auf meinen Schoß 😏",
        "Marta lean forward a bit more, we can see your cleavage if you know what I mean",
        "Marta mi mandi qualche foto dei piedi? solo per me 😘",
        "Marta estás para f0llart3",
        "take the scarf off Marta, and the rest too 😈",
        "Marta togli la giacca e anche il resto 😏",
    ],
)
def test_bending_undressing_and_innuendo_are_sexual(text: str) -> None:
    assert "sexual" in text_categories(text, POLICY)


@pytest.mark.parametrize(
    "text",
    [
        "mon portefeuille cr¥pto a fait x5, demandez-moi en privé",
        "ich habe die gleichen Tassen billiger, Überweisung oder Paysafecard",
        "a quien le falle la web, que me haga un Bizum de 30€ y os lo mando yo",
        "the shop refunded me by mistake, pay me with a gift card and I'll ship it",
        "regalo un vaso a chi mi manda 3€ su PayPal",
        # a parcel held at customs, its fee to pay in private: no amount needed
        "votre commande est retenue à la douane, payez les frais et écrivez-moi",
        "Sendung hängt beim Zoll, Gebühren zahlen und schreib mir privat",
    ],
)
def test_payments_off_the_checkout_are_scams(text: str) -> None:
    assert "scam" in text_categories(text, POLICY)


@pytest.mark.parametrize(
    "text",
    [
        "can I pay with PayPal or only by card?",
        "attention arnaque : ne payez jamais par virement, seulement sur le site",
        "el pago no me funciona, ¿alguien sabe por qué?",
        "ist die Überweisung sicher oder lieber PayPal?",
        "ma commande est bloquée à la douane, il faut payer des frais ? écrivez-moi svp",
    ],
)
def test_buyers_asking_or_warning_about_payment_stay(text: str) -> None:
    assert "scam" not in text_categories(text, POLICY)


@pytest.mark.parametrize(
    ("text", "removed"),
    [
        ("le 21 en XL elle est énorme, parfait pour l'hiver", False),
        ("the 9 she is huge, fits like a tent", False),
        ("Marta elle est énorme", True),
    ],
)
def test_a_product_called_by_its_code_is_not_a_person(text: str, removed: bool) -> None:
    assert ("insult" in text_categories(text, POLICY)) is removed


@pytest.mark.parametrize(
    ("text", "removed"),
    [
        # a person likened to anything neither sold nor praise is mocked
        ("Marta tiene cara de berenjena pocha", True),
        ("Marta sembra un fenicottero spennato", True),
        ("Marta t'as une voix de perceuse", True),
        ("Marta you look like a wet mop today", True),
        # praise, or a product, is no mockery
        ("Marta tiene cara de ángel", False),
        ("Marta sembra una principessa con quel vestito", False),
        ("Marta on dirait une robe de soirée sur toi", False),
        ("Marta pareces una modelo de revista", False),
    ],
)
def test_a_person_likened_to_a_thing_is_mocked(text: str, removed: bool) -> None:
    assert ("insult" in text_categories(text, POLICY)) is removed


def test_a_demonstrative_before_a_person_names_no_product() -> None:
    assert "insult" in text_categories("quelle cruche cette animatrice", POLICY)


@pytest.mark.parametrize(
    ("text", "scam"),
    [
        ("ho vinto anch'io, basta pagare le spese con una ricarica Postepay", True),
        ("les 10 premiers qui m'écrivent en privé ont le maillot à 5€", True),
        ("mi cuñada trabaja en el almacén, os lo consigo a mitad de precio, hablad conmigo", True),
        # "you won" is also a compliment, and a warning quotes the bait it warns of
        ("you won a loyal customer with this bag 😍", False),
        ("vous avez gagné une fan, la robe est sublime", False),
        ("les codes promo en MP sont des arnaques, ne répondez pas", False),
    ],
)
def test_prizes_and_cheap_copies_need_a_way_out(text: str, scam: bool) -> None:
    assert ("scam" in text_categories(text, POLICY)) is scam


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Marta retourne en cuisine, c'est pas un métier pour toi", "hate"),
        ("los italianos son todos unos muertos de hambre", "hate"),
        ("Marta date la vuelta para mí 😈", "sexual"),
        ("send feet pics in those heels 👠", "sexual"),
        ("wie viel kostet ein Privatvideo, Marta? 😈", "sexual"),
    ],
)
def test_more_hate_and_sexual_shapes(text: str, category: str) -> None:
    assert category in text_categories(text, POLICY)


@pytest.mark.parametrize(
    "text",
    [
        "40 grados hoy 🥵 necesito playa ya",
        "se me acabó ya la crema solar 🥵",
    ],
)
def test_spanish_ya_addresses_nobody(text: str) -> None:
    assert "sexual" not in text_categories(text, POLICY)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Marta deberías bajar de peso antes del directo", "insult"),
        ("Marta con esa barriga mejor no te pongas bikini", "insult"),
        ("qué tetas tiene la del bikini 🍒", "sexual"),
        ("j'aimerais passer la nuit entière avec toi Marta 😏", "sexual"),
    ],
)
def test_second_round_shapes(text: str, category: str) -> None:
    assert category in text_categories(text, POLICY)


@pytest.mark.parametrize(
    "text",
    [
        "je voudrais perdre du poids, quelle tisane vous conseillez ?",
        "I want to lose weight before summer, any tips on the detox tea?",
        "quiero bajar de peso, ¿el té verde ayuda?",
    ],
)
def test_talk_of_ones_own_weight_stays(text: str) -> None:
    assert "insult" not in text_categories(text, POLICY)


def test_a_blocked_brand_that_looks_like_a_superlative_is_itself() -> None:
    policy = ModerationPolicy(protected_names=("Marta",), blocked_words=("Bellissima",))
    assert "blocked_word" in text_categories("BELLISSIMAAAA ha lo stesso costume", policy)
    assert "blocked_word" not in text_categories("la borsa è bella", policy)


@pytest.mark.parametrize(
    ("text", "insult"),
    [
        # a mild insult laughed off with affection between viewers is banter
        ("@Nuria_22 jajaja qué tonta eres, te has llevado cuatro 😘", False),
        ("@lea ptdr t'es bête ❤️", False),
        # never of the host, and laughter alone is no affection
        ("jajaja Marta eres tonta 😘", True),
        ("@Nuria_22 jajaja eres tonta 😂", True),
        # a clown said of a person mocks them; of the chat it does not
        ("la vendeuse elle sait pas compter 🤡", True),
        ("ce live c'est le cirque ce soir 🤡", False),
    ],
)
def test_banter_and_mocking_emoji(text: str, insult: bool) -> None:
    assert ("insult" in text_categories(text, POLICY)) is insult


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Italian people are lazy, that's why the parcel is late", "hate"),
        ("Marta t'es aussi utile qu'un parapluie en papier", "insult"),
        ("Marta eres más aburrida que una piedra y encima fea", "insult"),
    ],
)
def test_third_round_shapes(text: str, category: str) -> None:
    assert category in text_categories(text, POLICY)


@pytest.mark.parametrize(
    "text",
    [
        "women will steal this look, I love it",
        "les femmes vont voler la vedette avec ce parfum",
        "Marta merci pour le code promo 😉",
        "il faut le cvv pour payer sur le site ?",
        "Marta la bougie donne chaud à tout le salon, elle est top",
    ],
)
def test_third_round_buyer_talk_stays(text: str) -> None:
    assert not text_categories(text, POLICY)


@pytest.mark.parametrize(
    ("text", "hate"),
    [
        ("Marta devrait rentrer chez elle, on veut des gens d'ici", True),
        ("Marta devrait rentrer en live plus souvent, on l'adore", False),
        ("je rentre en Italie demain, vous livrez là-bas ?", False),
    ],
)
def test_sending_a_person_home_is_hate(text: str, hate: bool) -> None:
    assert ("hate" in text_categories(text, POLICY)) is hate


@pytest.mark.parametrize(
    ("text", "insult"),
    [
        ("@troll_99 vattene troll", False),
        ("@promo_bot dégueulasse, signalé", False),
        ("@Kathi du Hexe, das hab ich dir geschenkt 😂❤️", False),
        ("Marta il tuo cane sembra un astronauta con quel cappottino 😂", False),
        ("il servizio clienti fa schifo, nessuno risponde", False),
        ("Marta con quel maglione sembri una mongolfiera", True),
        ("Marta sei una troll cretina", True),
    ],
)
def test_calling_out_trolls_pets_and_services_are_no_insults(text: str, insult: bool) -> None:
    assert ("insult" in text_categories(text, POLICY)) is insult


@pytest.mark.parametrize(
    "text",
    [
        "@Lou trois boîtes, mais c'est pour offrir",
        "Marta j'en prends trois, une pour chaque fille",
    ],
)
def test_a_number_is_no_insult_read_through_leetspeak(text: str) -> None:
    """ "troll" read with a "1" as an "i" is "troi": its plural must not be French "trois"."""
    assert "insult" not in text_categories(text, POLICY)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("les Bretons sont des assistés, tous au chômage", "hate"),
        ("il faudrait interdire les femmes voilées de ce chat", "hate"),
        ("Marta t'as le charisme d'une serpillière", "insult"),
        ("send me a vid of you eating that ice cream Marta 😛", "sexual"),
        ("paiement par virement direct possible avec moi, plus rapide que le site", "scam"),
    ],
)
def test_fourth_round_shapes(text: str, category: str) -> None:
    assert category in text_categories(text, POLICY)
