"""Contact details are removed; prices, sizes, times, dates and order numbers stay."""

from __future__ import annotations

import pytest

from tests.unit.moderation.conftest import Judge


@pytest.mark.parametrize(
    "text",
    [
        "appelle moi au 06 12 34 56 78",
        "mon tel: 07.22.33.44.55",
        "0033 6 98 76 54 32 pour les échanges",
        "call me +44 7911 123456",
        "ruf an: +49 171 2345678",
        "llámame al 612 345 678",
        "chiamami 347 123 4567",
        "écrivez-moi : prenom.nom@exemple.fr",
        "mail me at someone at gmail dot com",
        "add me on snap: cutie_anna",
        "insta @some_handle pour échanger",
        "contacte moi sur whatsapp",
        "schreib mir auf WhatsApp",
        "mi whatsapp es 600112233",
        # letters for digits, dotted groups, international prefixes
        "appelez moi au O6 l2 34 56 78",
        "O6.l2.34.56.78 dispo ce soir",
        "+44 77OO 9OO l23",
        # a messaging app beside the number says what it is for, even amid size talk
        "mon whatsapp c'est le 07 45 12 98 30 pour s'échanger les tailles",
        # a phone written in pairs stays a phone beside size talk
        "07 45 12 98 30 pour qu'on échange nos tailles",
        "correo: maria.lopez(arroba)correo(punto)es para cambiar tallas",
        # a phone given in pieces beside "my number"
        "mon numéro commence par 07 et finit par 61 48 22",
    ],
)
def test_contact_details_are_removed(fresh_judge: Judge, text: str) -> None:
    verdict = fresh_judge(text)
    assert verdict.action.removes and "contact" in verdict.reasons, (text, verdict)


@pytest.mark.parametrize(
    "text",
    [
        "tailles 34 36 38 40 42 ?",
        "mon n° de commande c'est 100234567",
        "Bestellnummer 5543219870, noch nicht angekommen",
        "livraison vers 18h30 ?",
        "ordered at 10:45, no email yet",
        "total 1 299,00 €",
        "my whatsapp is broken so I use the email",
        "My sister is on telegram all day lol",
        "il existe un groupe WhatsApp de la boutique ?",
        "le 06 en bleu svp",
        "la collection 2O24 en l, dispo ?",
        "pedido 204418973 sin llegar y encima el whatsapp de la tienda no contesta",
        "my order number is 5521 and the tracking 88412",
    ],
)
def test_numbers_and_app_names_alone_stay(fresh_judge: Judge, text: str) -> None:
    assert fresh_judge(text).action.value == "allow", text


@pytest.mark.parametrize(
    "text",
    [
        "llamadme al seis uno dos, tres cuatro cinco, seis siete ocho",
        "whatsapp 0 one 7 six, 55 two 3 eight 9 one",
        "sur insta: plus trois trois six douze trente-quatre cinquante-six soixante-dix-huit",
        "ruf an: null eins sieben sechs, vier fünf sechs, sieben acht neun",
        "écrivez-moi au O6 l2 34 S6 78",  # an S for a 5
        "contattami su IG @trucchi_di_sara",
        "écris moi anna.b92 at gmail",  # a mailbox named with its user name
        "my gmail is annab92",
        "telegram: annab92",
        "whatsapp plus 33 6 12 34 56 78",  # the "+" said in words
    ],
)
def test_numbers_spelled_out_and_handles_are_contact(fresh_judge: Judge, text: str) -> None:
    verdict = fresh_judge(text)
    assert verdict.action.removes and "contact" in verdict.reasons, (text, verdict)


@pytest.mark.parametrize(
    "text",
    [
        "one two three four five six seven eight nine ten lol",  # counting
        "je prends deux noirs, trois blancs et un rouge",
        "due nere e tre bianche taglia 38 40 42",
        "I use gmail, the confirmation never came",
        "j'ai vu sur insta le modèle A12 en noir",  # a product code, not a user name
        "je prends plus 2 en M",
    ],
)
def test_counting_and_counts_are_not_phone_numbers(fresh_judge: Judge, text: str) -> None:
    assert fresh_judge(text).action.value == "allow", text


def test_a_discord_tag_beside_the_app_is_contact(fresh_judge: Judge) -> None:
    assert fresh_judge("discord : lune_bleue#0932 pour échanger").action.value != "allow"
    assert fresh_judge("le coffret #2 est aussi sur discord ?").action.value == "allow"
