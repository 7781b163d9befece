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
        "NordIys Studio",  # capital I for small L
        "ɪɴɢʀɪᴅ",  # small capitals
        "Ingrіd",  # Cyrillic і
        "Тоm",  # Cyrillic Т and о
        "Ingrid.Nordlys",  # the host glued to a word of the brand
        "IngridNordlysStudio",
        "Studio_Ingrid_shop",
        "IngridOfficial",  # a decoration glued on
        "Ιngrіd",
    ],
)
def test_impersonators_are_banned_whatever_they_say(fresh_judge: Judge, name: str) -> None:
    verdict = fresh_judge("bonsoir à toutes !", name=name)
    assert verdict.action.value == "ban" and verdict.reasons == ("impersonation",), name


@pytest.mark.parametrize(
    "name",
    [
        "Ingrid Larsen",
        "Ingrida",
        "Tommy",
        "Tomas",
        "Tomate_rouge",
        "Studio Marie",
        "Nord",
        "lngrida",
        "Ingridette",
    ],
)
def test_namesakes_and_similar_names_are_not_impersonators(fresh_judge: Judge, name: str) -> None:
    assert fresh_judge("coucou", name=name).action.value == "allow", name


def test_the_host_under_the_protected_name_is_not_acted_on(fresh_judge: Judge) -> None:
    assert fresh_judge("bienvenue !", name="Ingrid", role="host").action.value == "allow"


def test_names_of_the_sessions_hosts_and_moderators_are_protected_once_seen() -> None:
    """The spec compares a name with every host and moderator name of the session, not only
    the configured ones: once "Julie" has posted as host, "Ju1ie" and "JULIE_officiel" are
    impersonators; a namesake with a surname is not."""
    from moderation.engine import ModerationEngine
    from moderation.policy import ModerationPolicy
    from moderation.verdict import MessageToJudge

    engine = ModerationEngine(ModerationPolicy.from_settings_json({"brand": "Maison Test"}))

    def action(n: int, name: str, role: str = "viewer") -> str:
        message = MessageToJudge(f"m{n}", n * 30.0, f"u{n}", name, role, "bonjour")
        return engine.decide(message).action.value

    assert action(0, "Ju1ie") == "allow"  # before any host spoke: no one to imitate
    assert action(1, "Julie", "host") == "allow"
    assert action(2, "Nadia (modo)", "moderator") == "allow"
    assert [
        action(n, name) for n, name in enumerate(("Ju1ie", "JULIE_officiel", "Nadia modo"), 3)
    ] == ["ban"] * 3
    assert [
        action(n, name) for n, name in enumerate(("Julie Martin", "Juliette", "Julien"), 6)
    ] == ["allow"] * 3


@pytest.mark.parametrize(
    ("name", "removed"),
    [
        ("SEL ET POIVRE", True),
        ("Sel and Poivre support", True),
        ("sel-y-poivre", True),
        ("SelPoivre Officiel", True),
        ("Sel & Poivre", True),
        ("Poivre", False),
        ("Selma Poivrier", False),
    ],
)
def test_an_ampersand_in_the_brand_is_said_in_every_language(name: str, removed: bool) -> None:
    """A brand written "Sel & Poivre" is imitated as "Sel et Poivre", "Sel and Poivre"..."""
    from moderation.engine import ModerationEngine
    from moderation.policy import ModerationPolicy
    from moderation.verdict import MessageToJudge

    policy = ModerationPolicy.from_settings_json({"brand": "Sel & Poivre"})
    verdict = ModerationEngine(policy).decide(
        MessageToJudge("m1", 1.0, "u1", name, "viewer", "hello")
    )
    assert verdict.action.removes is removed, name


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("Casa Luna Support", "ban"),  # the brand's first words, "Vintage" swapped for a role
        ("Luna Vintage Official", "ban"),
        ("casa.luna.team", "ban"),
        ("Casa Luna", "allow"),  # no decoration: a viewer may be called so
        ("Luna Fan", "allow"),  # one word of the brand is not the brand
        ("Casa Bella Support", "allow"),  # not a run of the brand's words
    ],
)
def test_part_of_a_long_brand_name_with_a_role_is_an_impersonator(name: str, action: str) -> None:
    from moderation.engine import ModerationEngine
    from moderation.policy import ModerationPolicy
    from moderation.verdict import MessageToJudge

    engine = ModerationEngine(ModerationPolicy.from_settings_json({"brand": "Casa Luna Vintage"}))
    message = MessageToJudge("m1", 100.0, "u1", name, "viewer", "votre commande attend")
    assert engine.decide(message).action.value == action, name


@pytest.mark.parametrize("name", ["Ingrid_Sorteos", "Nordlys Studio Giveaway", "Ingrid Suporte"])
def test_a_protected_name_with_a_giveaway_or_support_word_is_an_impersonator(
    fresh_judge: Judge, name: str
) -> None:
    assert fresh_judge("hola!", name=name).action.value == "ban", name


def test_a_host_glued_to_the_brand_where_letters_meet_is_an_impersonator() -> None:
    """ "Lena" + "Amande" reads "lenamande" once letters in a row are squeezed."""
    from moderation.engine import ModerationEngine
    from moderation.policy import ModerationPolicy
    from moderation.verdict import MessageToJudge

    policy = ModerationPolicy.from_settings_json(
        {"brand": "Atelier Amande", "protected_names": ["Atelier Amande", "Lena"]}
    )
    engine = ModerationEngine(policy)

    def action(name: str) -> str:
        return engine.decide(MessageToJudge("m", 1.0, name, name, "viewer", "merci !")).action.value

    assert action("Lena_Amande") == "ban"
    assert action("Lena Martin") == "allow"
