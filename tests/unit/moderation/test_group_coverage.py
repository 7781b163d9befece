"""Hate without slurs about the groups most targeted in European chats: nationalities,
ethnic and religious groups, women, gay and trans people, migrants, each with what is said
of them (sent back home, taking jobs, kept at home, "it's in their blood"). Checked in five
languages, beside buyers who greet, compliment or ship to the same people and countries."""

from __future__ import annotations

import pytest

from moderation.policy import ModerationPolicy
from moderation.rules import text_categories

POLICY = ModerationPolicy(protected_names=("Marta",))


@pytest.mark.parametrize(
    "text",
    [
        # fr
        "les Tunisiens, faudrait qu'ils repartent tous d'où ils viennent",
        "ces Algériens viennent voler le boulot des gens d'ici",
        "les Ukrainiennes doivent rester à la maison avec les gosses",
        "les Kurdes, c'est dans leur culture de tricher",
        "les Sénégalais vivent des allocs",
        "des Pakistanais nous volent le travail, voilà la vérité",
        "les Turcs sont tous des voleurs",
        # en
        "nigerians should go back to where they came from",
        "the Kurds come here to take our jobs",
        "ukrainians live off benefits and laugh at us",
        "women must stay at home and cook",
        "Pakistanis steal, it's in their culture",
        "the Chechens are flooding our country",
        # es
        "Ecuatorianos son todos unos vagos",
        "los paquistaníes vienen a quitarnos los empleos",
        "las rumanas deberían quedarse en casa calladitas",
        "los afganos que se larguen por donde vinieron",
        "esos senegaleses no trabajan, está en su cultura",
        "los argelinos viven de paguitas",
        # de
        "die Ukrainer sollen dahin zurück wo sie herkommen",
        "die Afghanen nehmen uns die Arbeit weg",
        "Türkinnen müssen zu Hause bleiben",
        "die Kurden betrügen, das ist halt ihre Kultur",
        "die Syrer liegen uns auf der Tasche",
        # it
        "gli ucraini tornino al loro paese",
        "i bengalesi ci tolgono il lavoro",
        "le marocchine devono stare a casa",
        "gli egiziani fregano, è nella loro cultura",
        "quei nigeriani vivono di sussidi",
        # "these people" with a call to send them back or a stolen job (the words alone
        # are also how a buyer complains about a seller)
        "ces gens-là, qu'ils retournent d'où ils viennent",
        "these people should go back where they came from",
        "esa gente que se vuelva a su país",
        "diese Leute sollen dahin zurück wo sie herkommen",
        "sta gente ci ruba il lavoro",
    ],
)
def test_generalisations_about_the_targeted_groups_are_hate(text: str) -> None:
    assert "hate" in text_categories(text, POLICY)


@pytest.mark.parametrize(
    "text",
    [
        # sizes and models for a group
        "any sales for women this weekend?",
        "women sizes? I can't find them",
        "la taille femme taille grand ?",
        "Habt ihr auch Herrengrößen? die Frauen Modelle sind zu klein",
        "taglie da donna? le donne del gruppo chiedono",
        "las mujeres deberían pedir una talla más",
        "Frauen sollten die Größe M nehmen",
        # shipping to a country
        "envío a Venezuela? no sé si llega",
        "livrez-vous au Maroc ? je ne sais pas si c'est possible",
        "spedite in Romania? non so se conviene",
        "do you ship to Turkey? I can't find the option",
        # greetings to the people of the chat
        "les Marocains du live, bonsoir ! vous êtes nombreux ce soir",
        "los venezolanos que están viendo, ¡bienvenidos! no se pierdan la oferta",
        "die Türken im Chat: Versand in die Türkei dauert 5 Tage, könnt ihr nicht schneller?",
        "gli ucraini che seguono: spediamo anche in Ucraina, non preoccupatevi",
        "the Nigerians in the chat can't order yet, shipping opens next week",
        "Ukrainians in the chat, we ship to Kyiv now!",
        "las mexicanas del live preguntan si hay talla M",
        "las colombianas preguntan por la talla, ¿vuelven a tener la M?",
        "i cinesi del gruppo chiedono se spediamo a Pechino",
        # compliments, neighbours and friends
        "les Polonais adorent ce modèle, il part vite",
        "les Italiens font le meilleur cuir",
        "die Inder haben tolle Stoffe, echt schön",
        "gli indiani fanno tessuti stupendi",
        "my Moroccan friends love this rug",
        "le donne che lavorano da casa adorano questa borsa",
        # a demonym as a product's adjective
        "une alfombra? non, un tapis marocain pour le salon, livré à la maison ?",
        "una alfombra marroquí, ¿cuánto cuesta el envío a casa?",
        "Turkish towels: can't wait to get mine",
        "ein türkisches Handtuch nach Hause liefern?",
        "tappeti marocchini: arrivano a casa in 3 giorni?",
        "les bijoux indiens sont tous des pièces uniques",
        "cuero italiano, ¿se puede lavar en casa?",
        "vous n'avez plus de tapis marocains ?",
        "les tapis marocains coûtent trop cher ?",
        "los chinos beige, ¿los tenéis en casa?",
        # delivery home, to the people of the chat
        "les Syriens du groupe, la livraison arrive à la maison en 4 jours",
        "die Frauen fragen nach Größe S, kommt nach Hause?",
        "gli albanesi del gruppo chiedono la spedizione a casa",
        # a complaint about a seller's people is not about a group
        "ces gens-là ne savent même pas emballer un colis",
        "these people can't even pack a box",
        "esa gente no sabe ni empaquetar",
        "diese Leute können nicht mal richtig verpacken",
        "quella gente non sa spedire un pacco",
        "these people at the post office should go home early lol",
    ],
)
def test_buyers_talking_of_the_same_groups_stay(text: str) -> None:
    assert "hate" not in text_categories(text, POLICY)
