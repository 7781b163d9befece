"""Links outside the allowed domains are removed, however they are written; words with dots,
prices and the brand's own site stay."""

from __future__ import annotations

import pytest

from tests.unit.moderation.conftest import Judge


@pytest.mark.parametrize(
    "text",
    [
        "soldes ici -> nordlys-outlet.com",
        "go to www.cheapcoats.net",
        "promo: coats-sale[.]shop/nordlys",
        "visit coatdeals dot com",
        "hxxps://nordlys-studio.com.verify-order.ru/login",
        "photos: tinyurl.com/abcd12",
        "t.ly/xYz9 pour le catalogue",
        "https://nordlys-studio.shop/sale",
        "nordIys-studio.com/promo",
        "la même sur mode-pas-chere . fr",
        "mes looks sur modeuse(.)net",
        "schaut mal auf billig-mode.de",
        "ｂｉｔ．ｌｙ／ｘ１２",
        "http://192.168.10.1/login",
        "promo sur shop[.]fr",  # a word that is a chat word, bracketed on purpose
        "everything half price at bargainhall. it",
        "catalogo completo su outletmoda. it/saldi",
    ],
)
def test_links_are_removed(fresh_judge: Judge, text: str) -> None:
    verdict = fresh_judge(text)
    assert verdict.action.removes and "link" in verdict.reasons, (text, verdict)


@pytest.mark.parametrize(
    "text",
    [
        "j'ai commandé sur nordlys-studio.com hier",
        "https://www.nordlys-studio.com/p/manteau-5 marche pas",
        "le lien eu.nordlys-studio.com marche",
        "c'est 59.90 ou 69.90 ?",
        "prix 1.299,00 €",
        "on est le 12.03.2025",
        "la version 2.0 du sac ?",
        "merci lea.boutique pour l'info",
        "ok.merci",
        "super...je prends",
        "fini.je prends la 3",
        "Ingrid.tu peux montrer le dos?",
        # a sentence ends, the next begins with a word that is also a suffix
        "I adore the scarf. it matches my coat",
        "quiero el bolso marrón. es para mi madre",
        "il paraît que le cuir. de qualité ?",
        "the grey one please. be quick lol",
        "ordered on tuesday. it's still not here",
    ],
)
def test_dots_that_are_not_links_stay(fresh_judge: Judge, text: str) -> None:
    assert fresh_judge(text).action.value == "allow", text
