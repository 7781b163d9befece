"""Moderation against the spec's rules, for a brand of our own - never the evaluation chat."""

from __future__ import annotations

import pytest

from moderation.engine import ModerationEngine
from moderation.normalize import words
from moderation.policy import ModerationPolicy
from moderation.verdict import Action, MessageToJudge

SETTINGS = {
    "brand": "Atelier Solène",
    "protected_names": ["Solène", "Marco"],
    "allowed_domains": ["atelier-solene.fr"],
    "blocked_words": ["Fastfripe"],
}


@pytest.fixture
def engine() -> ModerationEngine:
    return ModerationEngine(ModerationPolicy.from_settings_json(SETTINGS))


def judge(
    engine: ModerationEngine,
    text: str,
    *,
    author: str = "u1",
    name: str = "Zoé",
    role: str = "viewer",
    ts: float = 0.0,
):
    return engine.decide(MessageToJudge("m", ts, author, name, role, text))


ALLOWED = [
    "JE PRENDS LE 4!!!!",
    "SOLD SOLD SOLD",
    "😍😍😍😍😍😍",
    "putain elle est trop belle",
    "holy shit that's cheap",
    "c'est 59.90 ou 69.90 ?",
    "tailles 36 38 40 42 ?",
    "je fais 1m65 pour 58kg",
    "la commande n°20231124 est arrivée",
    "Scunthorpe represent",
    "un cocktail de couleurs",
    "je suis bassiste",
    "je suis nulle pour choisir les tailles",
    "merci lea.boutique pour le conseil",
    "le site atelier-solene.fr bug chez moi",
    "https://shop.atelier-solene.fr/panier",
    "@Chloé elle te va trop bien",
    "on paie par paypal ?",
    "mon paiement a été refusé, je réessaie",
    "la même en noir ?",
    "il fait chaud à Bitche",
    "je peux payer en 3 fois ?",
    "trop hâte 🎉",
    "lo quiero en negro",
    "les femmes de ma famille adorent",
]


@pytest.mark.parametrize("text", ALLOWED)
def test_buyers_and_chatter_stay(engine: ModerationEngine, text: str) -> None:
    verdict = judge(engine, text)
    assert verdict.action is Action.ALLOW, verdict


REMOVED = [
    ("retrouvez tout sur fripes-pascher.com", "link"),
    ("code promo sur bit.ly/3abcd", "link"),
    ("vu sur shop[.]discount[.]fr", "link"),
    ("hxxps://promo-solene.shop/sac", "link"),
    ("meilleurs prix 👉 solene-outlet . store", "link"),
    ("appelez-moi au 07 81 22 33 44", "contact"),
    ("mon numéro +41 79 123 45 67", "contact"),
    ("écrivez à zoe.mode@gmail.com", "contact"),
    ("ajoutez moi sur telegram @zoemode", "contact"),
    ("tu es vraiment une connasse", "insult"),
    ("t'es nulle Solène arrête", "insult"),
    ("c0nn4ss3", "insult"),
    ("c o n n a s s e", "insult"),
    ("la mannequin est bien trop grosse", "insult"),
    ("sale bougnoule", "hate"),
    ("les migrants c'est tous des voleurs", "hate"),
    ("Solène t'es bandante", "sexual"),
    ("vous avez gagné un iPhone, écrivez-moi en privé", "scam"),
    ("J'ai transformé 100€ en 3000€ avec la crypto, dm moi", "scam"),
    ("Le même sac moitié prix sur mon site, écrivez-moi en privé", "scam"),
    ("paiement refusé ? envoie-moi 39€ sur Lydia et je valide", "scam"),
    ("you won a free gift card, claim your prize in my bio", "scam"),
    ("Fastfripe c'est mieux", "blocked_word"),
    ("a" * 40, "symbols"),
    ("x" * 501, "symbols"),
    ("z̷̢̛̛̹̩͎̣͎͍̱̦̟̓̈́̓͗̀͘a̸̡̧̛͚̤̹͙̬̫̐̐̒̆̑̔̕l̴̨̰̮̠͍̝̲̀̆̿̊̿̀͑g̷̨̛̭̙̬̪͓̐̒͊̈́͠o̵̢̯̱̣͔̿̔̋͊", "symbols"),
]


@pytest.mark.parametrize(("text", "category"), REMOVED)
def test_offences_are_removed(engine: ModerationEngine, text: str, category: str) -> None:
    verdict = judge(engine, text)
    assert verdict.action.removes, (text, verdict)
    assert category in verdict.reasons


@pytest.mark.parametrize(
    "name",
    [
        "Solene",
        "SOLÈNE officiel",
        "S0lène",
        "Sоlène",
        "solene_support",
        "Atelier Solene",
        "A.t.e.l.i.e.r Solène",
        "Marc0",
        "ｓｏｌｅｎｅ",
    ],
)
def test_impersonators_are_banned_whatever_they_say(engine: ModerationEngine, name: str) -> None:
    verdict = judge(engine, "bienvenue à toutes !", name=name)
    assert verdict.action is Action.BAN and "impersonation" in verdict.reasons, name


@pytest.mark.parametrize("name", ["Solange", "Hélène", "Marcel", "Marco Polo fan", "Soléna B."])
def test_similar_real_names_are_not_impersonators(engine: ModerationEngine, name: str) -> None:
    assert judge(engine, "coucou", name=name).action is Action.ALLOW


def test_moderators_and_hosts_are_never_acted_on(engine: ModerationEngine) -> None:
    assert judge(engine, "code -20% sur bit.ly/x", role="moderator").action is Action.ALLOW
    assert judge(engine, "c'est moi Solène", name="Solène", role="host").action is Action.ALLOW


def test_escalation_ladder(engine: ModerationEngine) -> None:
    actions = [judge(engine, "va sur promo.shop", ts=t * 30).action for t in range(4)]
    assert actions == [Action.DELETE, Action.TIMEOUT, Action.BAN, Action.BAN]
    timeout = judge(ModerationEngine(engine.policy), "x" * 600)
    assert timeout.action is Action.DELETE and timeout.duration_s is None


def test_scam_and_hate_go_straight_to_ban(engine: ModerationEngine) -> None:
    assert judge(engine, "sale bougnoule").action is Action.BAN


def test_flood_is_the_sixth_message_in_ten_seconds(engine: ModerationEngine) -> None:
    results = [judge(engine, f"message {i}", ts=i * 1.5) for i in range(7)]
    assert [r.action.removes for r in results] == [False] * 5 + [True, True]
    assert "flood" in results[5].reasons
    other = [judge(engine, f"slow {i}", author="u2", ts=i * 3.0) for i in range(7)]
    assert not any(r.action.removes for r in other)


def test_repeat_is_the_fourth_same_text_in_a_minute(engine: ModerationEngine) -> None:
    results = [judge(engine, "vous livrez en Suisse ??", ts=i * 12.0) for i in range(5)]
    assert [r.action.removes for r in results] == [False, False, False, True, True]
    assert "repeat" in results[3].reasons
    assert not judge(engine, "SOLD SOLD SOLD SOLD", author="u3").action.removes


def test_moderator_overrides(engine: ModerationEngine) -> None:
    engine.allow_domain("partner-shop.com")
    assert judge(engine, "voir partner-shop.com").action is Action.ALLOW
    engine.block_word("wesh")
    assert "blocked_word" in judge(engine, "wesh", author="u9").reasons
    judge(engine, "va sur promo.shop", author="u5")
    engine.pardon("u5")
    assert judge(engine, "va sur promo.shop", author="u5", ts=40).action is Action.DELETE


def test_dry_run_decides_but_says_so() -> None:
    engine = ModerationEngine(ModerationPolicy.from_settings_json(SETTINGS).with_dry_run(True))
    verdict = judge(engine, "va sur promo.shop")
    assert verdict.action is Action.DELETE and verdict.dry_run


def test_state_stays_bounded_over_a_long_live(engine: ModerationEngine) -> None:
    for i in range(5000):
        judge(engine, f"message numéro {i}", author="chatty", ts=i * 3.0)
    state = engine._authors["chatty"]
    assert len(state.recent) <= 4 and len(state.texts) <= 21


def test_normalisation_keeps_word_boundaries() -> None:
    assert words("Ｃ０ＮＮＡＲＤ") == ("conard",)
    assert words("c.o.n.n.a.r.d") == ("conard",)
    assert "scunthorpe" in words("Scunthorpe")
    assert words("а\u200brnaaaque") == ("arnaque",)


def test_settings_are_validated() -> None:
    from moderation.policy import PolicyError

    with pytest.raises(PolicyError):
        ModerationPolicy.from_settings_json({"protected_names": "Solène"})
    with pytest.raises(PolicyError):
        ModerationPolicy.from_settings_json({"ladder": ["explode"]})


def test_capital_i_and_small_l_look_alike_in_names(engine: ModerationEngine) -> None:
    policy = ModerationPolicy.from_settings_json({"protected_names": ["Iris"]})
    lookalike = ModerationEngine(policy)
    assert "impersonation" in judge(lookalike, "coucou", name="lris").reasons
    assert judge(lookalike, "coucou", name="Lila").action is Action.ALLOW


@pytest.mark.parametrize(
    "text", ["trop sexy cette robe sur toi", "la robe est sexy", "tu es magnifique ce soir"]
)
def test_compliments_to_the_host_stay(engine: ModerationEngine, text: str) -> None:
    assert judge(engine, text).action is Action.ALLOW


BUYER_CHAT = [
    "hola desde Bilbao!!",
    "la quiero en talla M",
    "¿cuánto cuesta el envío a Francia?",
    "Marta estás guapísima",
    "qué bonita la chaqueta",
    "mi hija tiene 12 años y le encanta",
    "pago con tarjeta o paypal?",
    "me llega el paquete antes del 24?",
    "el 7 en L por favor",
    "joder qué precio tan bueno",
    "ostras se me ha escapado el 3",
    "hay descuento si compro 2?",
    "mi número de pedido es 4839201, no me ha llegado",
    "la web casaverde.es va lenta",
    "vi el bolso en instagram",
    "es de piel auténtica?",
    "la modelo mide cuánto?",
    "1m70 y 60kg qué talla me recomiendas",
    "Marta, ¿cuándo es el próximo directo?",
    "SOLD SOLD",
    "ich nehme die blaue in M",
    "wie viel kostet der Versand nach Österreich?",
    "Scheiße, zu spät für die Tasche",
    "verdammt schön",
    "ist das Leder echt?",
    "la prendo in blu, taglia 42",
    "quanto costa la spedizione?",
    "cavolo, già finito!",
    "che bella la giacca",
    "merci pour le live, bonne soirée",
    "j'ai payé mais je n'ai pas reçu le mail",
    "mon numéro de commande: 123 456 789",
    "le paiement a été refusé, je réessaie",
    "c'est du 100% coton ?",
    "je fais du 42, ça taille grand ?",
    "bravo Marta !",
    "ptn elle est trop belle",
    "j'hésite entre le 3 et le 5",
    "les femmes de ma famille adorent vos robes",
    "une amie m'a parlé de vous sur insta",
    "elle est à combien la livraison en Suisse ?",
    "I ordered twice by mistake, can you cancel one?",
    "omg I need this",
    "what a steal!!",
    "my whatsapp is broken so I use the email",
    "where do you ship from?",
    "can I pay with Apple Pay?",
    "the model is gorgeous",
    "killer dress 🔥",
    "this is sick",
    "so cheap wow",
    "is it vegan leather?",
    "my size is 10 UK",
    "ordered at 9:45 pm",
    "I love you guys ❤️",
    "haha same",
    "total: 89,90€ c'est ça ?",
    "promo code ?",
    "le code LIVE20 marche pas",
]


def test_a_loud_multilingual_buyer_chat_is_never_removed() -> None:
    """Buyers' talk in five languages, prices, order numbers, sizes, exclamations."""
    engine = ModerationEngine(
        ModerationPolicy.from_settings_json(
            {
                "brand": "Casa Verde",
                "protected_names": ["Casa Verde", "Marta"],
                "allowed_domains": ["casaverde.es"],
                "blocked_words": [],
            }
        )
    )
    removed = [
        text
        for n, text in enumerate(BUYER_CHAT)
        if engine.decide(
            MessageToJudge(f"m{n}", n * 3.0, f"u{n}", "Viewer", "viewer", text)
        ).action.removes
    ]
    assert removed == []
