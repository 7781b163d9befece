"""Impersonation: names that imitate a protected name are banned whatever they say; viewers
who merely share a first name are not."""

from __future__ import annotations

import pytest

from tests.unit.moderation.conftest import Judge


@pytest.mark.parametrize(
    "name",
    [
        "Ingrid",
        "ingrid_officiel",
        "INGRID.",
        "Íngríd",
        "lngrid",  # small L for capital I
        "1ngr1d",
        "Ιngrid",  # Greek capital iota
        "Ｉｎｇｒｉｄ",
        "𝐈𝐧𝐠𝐫𝐢𝐝",
        "ingrid\u200b",
        "I n g r i d",
        "T0m",
        "Tom Officiel",
        "Torn",  # "rn" reads as "m"
        "Nordlys Studio Support",
        "NordlysStudio",
        "Nordlys_Studio_Official",
        "N0rdlys Studi0",
        "Nordlys Studios",  # one letter away from a long name
    ],
)
def test_impersonators_are_banned_whatever_they_say(fresh_judge: Judge, name: str) -> None:
    verdict = fresh_judge("bonsoir à toutes !", name=name)
    assert verdict.action.value == "ban" and verdict.reasons == ("impersonation",), name


@pytest.mark.parametrize(
    "name", ["Ingrid Larsen", "Ingrida", "Tommy", "Tomas", "Tomate_rouge", "Studio Marie", "Nord"]
)
def test_namesakes_and_similar_names_are_not_impersonators(fresh_judge: Judge, name: str) -> None:
    assert fresh_judge("coucou", name=name).action.value == "allow", name


def test_the_host_under_the_protected_name_is_not_acted_on(fresh_judge: Judge) -> None:
    assert fresh_judge("bienvenue !", name="Ingrid", role="host").action.value == "allow"
