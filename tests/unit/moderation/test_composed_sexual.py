"""Sexual requests composed of two concepts rather than listed whole: an undress verb and a
garment aimed at a person, a mouth verb and a body part, a request and a pet name, a
picture word and "only". Each in five languages, beside the look-alikes that stay."""

from __future__ import annotations

import pytest

from tests.unit.moderation.conftest import Judge

REMOVED = [
    # an undress verb, a word or two, a garment: said to a person
    "Ingrid enlève vite ta chemise",
    "Tom take your hoodie off",
    "Ingrid take off the cardigan for us",
    "Ingrid quítate la sudadera",
    "Ingrid zieh doch mal den Pulli aus",
    "Ingrid togliti quel maglione",
    # a mouth verb on a body part, whoever it is said to
    "j'ai envie de mordiller tes oreilles",
    "wanna nibble on your ears",
    "quiero besar tus muslos",
    "ich will ihre Zehen küssen",
    "vorrei mordicchiare le tue orecchie",
    # a request with a pet name
    "penche toi en avant ma puce",
    "bend over sweetie",
    "agáchate nena",
    "dreh dich um Schatzi",
    "piegati tesoro",
    # a picture word beside "only"
    "envoie un selfie juste en serviette",
    "a selfie wearing nothing but socks",
    "quiero fotos sin nada puesto",
    "schick mir Bilder nur mit Handtuch",
    "mandami un video con addosso solo il grembiule",
    # in letters spaced apart
    "t u r n a r o u n d b a b e",
]


@pytest.mark.parametrize("text", REMOVED)
def test_composed_requests_are_removed(fresh_judge: Judge, text: str) -> None:
    verdict = fresh_judge(text)
    assert verdict.action.removes and "sexual" in verdict.reasons, (text, verdict)


ALLOWED = [
    # a product taken off, or a garment said with no person: questions about the product
    "enlève la housse du coussin pour la laver ?",
    "take off the lid?",
    "take the lid off before washing?",
    "on peut enlever la doublure du manteau ?",
    "quita la tapa antes de lavar?",
    "zieh den Reißverschluss ganz hoch",
    "togli il coperchio prima di lavare?",
    "j'enlève ma veste du panier, je garde la robe",
    # a request that asks for the product
    "show us more colours",
    "montre nous plus de couleurs",
    "enséñanos más colores",
    "zeig uns mehr Farben",
    "facci vedere altri colori",
    # a pet name with no request, a mouth verb with no body part
    "babe we need this bag",
    "ma puce va adorer ce sac",
    "ce rouge à lèvres, on peut embrasser sans traces ?",
    "does the lipstick smudge when you kiss?",
    # a picture word with no "only"
    "can you post pics of the back only?",
    "une photo du dos stp",
]


@pytest.mark.parametrize("text", ALLOWED)
def test_look_alikes_stay(fresh_judge: Judge, text: str) -> None:
    verdict = fresh_judge(text)
    assert verdict.action.value == "allow", (text, verdict)
