"""Insults, hate, sexual comments and scams, in five languages, from the spec's rules."""

from __future__ import annotations

import pytest

from tests.unit.moderation.conftest import Judge

REMOVED = {
    "insult": [
        "Ingrid t'es vraiment conne",
        "ferme ta gueule Tom",
        "@Anne t'es une idiote",
        "la présentatrice est grosse et moche",
        "elle est trop grosse pour ce manteau la mannequin",
        "t'es un b0uff0n",
        "Ingrid t'es une s.a.l.o.p.e",
        "bande de salopes",
        "ces connasses",
        "you're so fat Ingrid lmao",
        "shut up you dumb bitch",
        "Tom you retard",
        "the host is ugly af",
        "cállate idiota",
        "la presentadora es fea y gorda",
        "du bist so hässlich",
        "halt die Fresse du Idiot",
        "stai zitta cretina",
        "la conduttrice è brutta e grassa",
        # mockery by comparison: a person likened to something ridiculous
        "Tom you look like a boiled potato",
        "Ingrid t'as une tête de crapaud",
        "pareces una morsa con peluca",
        "du siehst aus wie eine Kartoffel",
        "sembri un rospo Ingrid",
        "@Anne tu ressembles à un épouvantail",
        "even my dog hosts better than you Tom",
        "sogar mein Hund moderiert besser als du",
        "avec cette tête Tom même le meilleur pull ne sauve rien",
        "la ragazza è un cesso Ingrid",
    ],
    "hate": [
        "sale arabe",
        "les noirs sont des singes",
        "les pédés me dégoûtent",
        "go back to your country",
        "women belong in the kitchen",
        "maricones de mierda",
        "Ausländer raus",
        "gli immigrati sono tutti criminali",
        "les handicapés devraient pas exister",
        # generalisations without a slur: a group, said to be (all) something bad
        "all muslims are dangerous",
        "les femmes sont toutes hystériques",
        "los gitanos son todos ladrones",
        "Ausländer sind kriminell",
        "gli immigrati sono pericolosi",
        # adverbs inside the predicate, verbs in their forms, a group kept out
        "women shouldn't really be allowed to vote",
        "les immigrés ne devraient même pas avoir le droit",
        "immigrants ruined this neighbourhood",
        "no gays here please",
        "n0 mu5l1ms here",
        "tous l e s m i g r a n t s dehors",  # the article spaced out with the group
        "les étrangers ça vole tout",  # a colloquial singular verb after "ça"
        "die Ausländer sind alle geizig",  # a stereotype about money
        "los gitanos vienen a robar",
    ],
    "sexual": [
        # requests and remarks about the body, aimed at a person
        "Julie tu peux te déshabiller ?",
        "envoie moi des photos de toi en maillot",
        "t'as de beaux seins",
        "j'aimerais te voir sans rien",
        "Ingrid j'ai envie de te baiser",
        "montre tes seins Ingrid",
        "I want to fuck the model",
        "nice boobs Ingrid 😏",
        "enséñanos las tetas",
        "zeig deine Titten",
        "send nudes Tom",
        "q.u.e r.i.c.a la presentadora",
        "mándame fotos sin nada",
        "Ingrid je la ramènerais bien chez moi 😏",
        "she can sit on my lap anytime 😏",  # innuendo said of a pronoun
        "nice r4ck Ingrid",
        "montre nous tes seins Ingrid",
        "Ingrid j'aimerais être à la place de ta robe",  # being the garment
        "Ingrid ponte de rodillas",
        "cette bouche serait parfaite pour autre chose 😏",
    ],
    "scam": [
        "Félicitations ! Vous avez été tiré au sort, cliquez pour réclamer votre cadeau",
        "Les 50 premiers à m'écrire gagnent un bon d'achat de 100€",
        "investissez dans la crypto avec moi, 20% par semaine garanti",
        "même manteau 3x moins cher chez moi, contactez-moi en mp",
        "DM me for a 50% discount code",
        "I made $3000 last week trading crypto, ask me how",
        "your order is on hold, pay the customs fee of 3€ to this account",
        "paie-moi directement par paypal et je t'envoie l'article",
        "votre commande est suspendue, réglez les frais de livraison par virement",
        "pagame por bizum y te lo envío hoy",
        "gana dinero con criptomonedas, escríbeme",
        "concorso: i primi 20 che mi scrivono in privato vincono un buono",
        "Gleiche Jacke viel billiger bei mir, schreibt mir privat",
        "deine Bestellung ist fehlgeschlagen, überweis mir den Betrag und ich schicke sie dir",
        "w i n  a  f r e e  c o a t  just dm me",  # words two spaces apart
        "el pago está fallando, hagan transferencia a esta cuenta",
    ],
    "blocked_word": [
        "Fastlook c'est moins cher",
        "achetez chez F4stl00k",
        "S h o p z y",
        "y a le même sur s h o p z y à 2€",  # a one-letter word joined to the run
    ],
}


@pytest.mark.parametrize(
    ("category", "text"), [(c, t) for c, texts in REMOVED.items() for t in texts]
)
def test_offences_are_removed(fresh_judge: Judge, category: str, text: str) -> None:
    verdict = fresh_judge(text)
    assert verdict.action.removes and category in verdict.reasons, (text, verdict)


ALLOWED = [
    # the body as a fitting question, never aimed at a person
    "le pantalon fait de belles fesses ?",
    "ce soutien-gorge est pour quelle taille de poitrine ?",
    "tu as des photos de la robe portée ?",
    "je peux avoir une photo du dos de la robe ?",
    # a group named with praise or a product colour is not a generalisation
    "the blacks are gorgeous in this bag",
    "les femmes sont magnifiques avec cette robe",
    "all the women in my family love this brand",
    "mes enfants sont sales après le parc",
    # a bad word inside an innocent one is never a match (the Scunthorpe problem)
    "j'adore cette salopette en jean",
    "Scunthorpe represent!",
    "assassin's creed fan here",
    "un cocktail de couleurs",
    "la salopette existe en M ?",
    # a word that money-making scams also use is not a scam on its own (issue 13: the
    # demo banned a buyer asking whether a jacket is lined)
    "elle est doublée ?",
    "la veste est doublée en satin ?",
    "is the coat double breasted?",
    "doppio petto o no?",
    # profanity as an exclamation, self-talk, product criticism, compliments
    "putain ce manteau 😍",
    "oh putain c'est trop beau",
    "damn that coat is fire",
    "fucking gorgeous colour",
    "shut up and take my money",
    "joder qué bonito",
    "Scheiße, zu spät",
    "cazzo, finito già",
    "je suis trop nulle j'ai raté le 5",
    "je suis en retard, le live a commencé ?",
    "désolée du retard Ingrid",
    "I'm so stupid I ordered the wrong size",
    "je suis grosse, ça taille grand ?",
    "soy gordita, ¿me quedaría bien?",
    "il est moche ce pull",
    "le gris est moche, le bleu est top",
    "the black is so fat and fluffy, cosy",
    "Ingrid t'es trop belle ce soir",
    "gros bisous Ingrid",
    "sexy dress, love it",
    "la modelo está guapísima",
    "Tom you look tired tonight haha",
    # groups named without an attack
    "les femmes adorent ce modèle",
    "je suis noire, le camel ira avec ma peau ?",
    "gays are welcome here ❤️",
    "lo quiero en negro",
    # money talk from buyers, and viewers warning each other
    "mon paiement a été refusé, je réessaie",
    "mon colis est bloqué en douane depuis 2 semaines, c'est normal ?",
    "ma carte a été refusée, je peux payer par paypal ?",
    "what's the discount code?",
    "is shipping free over 50€?",
    "il y a un concours ce soir ?",
    "j'ai gagné au tirage la dernière fois !",
    "attention aux faux comptes qui demandent de payer par virement",
    "Envoie moi le lien Ingrid stp",
    "je paie en crypto ?",
    "pago con tarjeta o paypal?",
    # comparisons that mock nobody, a group word that names a product line
    "this coat makes me look like a potato lol",
    "Ingrid tu ressembles à une princesse",
    "no women sizes in this jacket?",
    # Spanish praise that contains a swear word
    "de puta madre este abrigo",
]


@pytest.mark.parametrize("text", ALLOWED)
def test_buyers_and_chatter_stay(fresh_judge: Judge, text: str) -> None:
    verdict = fresh_judge(text)
    assert verdict.action.value == "allow", (text, verdict)


def test_caps_are_never_a_reason(fresh_judge: Judge) -> None:
    assert fresh_judge("JE PRENDS LE 12!!!! EN M !!!").action.value == "allow"
