"""The lexicons: one JSON file per language under commerce/lexicons, merged into one matcher.

A comment is parsed with every language at once (viewers mix them), and the language that
matched most is reported as a hint for replies. Adding a language is adding a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

from commerce.parsing.text import fold, phrase_tokens, squeeze

PHRASE_CATEGORIES = (
    "claim",
    "cancel",
    "negation",
    "conditional",
    "past",
    "third_party",
    "question",
    "interrogatives",
    "compliment",
    "both",
    "hedge",
    "idioms",
    "contrast_blockers",
    "question_openers",
    "question_tags",
    "corrections",
    "request_claims",
    "feature_questions",
    "chat_questions",
    "stock_conditions",
    "instead",
)
_TYPO_MIN = 6  # letters a colour word needs before a typo of it is read as it

WORD_CATEGORIES = ("size_markers", "product_articles", "joiners", "units")


# French elisions an entry writes without the apostrophe ("fleur d oranger", "l air"),
# as viewers often type them; `normalize` expands them where the apostrophe is typed
_ELIDED_LETTERS = {"d": "de", "l": "le", "j": "je", "n": "ne", "c": "ce", "qu": "que"}


def elided_spellings(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """An entry's tokens, and the same with its elided letters spelled out as `normalize`
    reads them when the apostrophe is typed ("d oranger" and "de oranger")."""
    if not any(t in _ELIDED_LETTERS for t in tokens[:-1]):
        return (tokens,)
    spelled = tuple(
        _ELIDED_LETTERS.get(t, t) if k < len(tokens) - 1 else t for k, t in enumerate(tokens)
    )
    return (tokens, spelled)


@dataclass
class Lexicon:
    """Every phrase, keyed by its token tuple, with what it means and in which language."""

    phrases: dict[tuple[str, ...], set[tuple[str, str]]] = field(default_factory=dict)
    # Phrases under their squeezed spelling ("need" as "ned"), merged into `phrases` once
    # every file is read, where no phrase is spelled so already.
    squeezed: dict[tuple[str, ...], set[tuple[str, str]]] = field(default_factory=dict)
    quantities: dict[tuple[str, ...], int] = field(default_factory=dict)
    sizes: dict[tuple[str, ...], str] = field(default_factory=dict)
    colors: dict[tuple[str, ...], str] = field(default_factory=dict)
    # scents, flavours, materials: read as option words only where the catalog has them
    value_words: dict[tuple[str, ...], str] = field(default_factory=dict)
    color_families: dict[str, str] = field(default_factory=dict)  # shade -> its broad colour
    named_sizes: dict[tuple[str, ...], str] = field(default_factory=dict)  # "matrimoniale"
    # kinds of product ("bag": "sac", "bolso", "borsa", "Tasche"): a kind said in any
    # language names the catalog's products of that kind
    product_types: dict[tuple[str, ...], str] = field(default_factory=dict)
    # a shade's own word, without its broad colour ("forest" of "forest green"): what a
    # catalog that writes "forest" or "sapin" means
    shade_stems: dict[str, str] = field(default_factory=dict)
    option_words: dict[str, str] = field(default_factory=dict)  # "couleurs" -> "color"
    each_words: frozenset[str] = frozenset()  # "chaque", "alle": every value of an option
    type_spellings: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    words: dict[str, set[str]] = field(default_factory=dict)
    weak_claims: set[tuple[str, ...]] = field(default_factory=set)
    fillers: set[str] = field(default_factory=set)
    negators: set[str] = field(default_factory=set)
    ordinal_markers: set[str] = field(default_factory=set)
    # Sets of single tokens, the union of the same key in every file (languages and common):
    clause_breaks: frozenset[str] = frozenset()  # punctuation and words that end a clause
    but_words: frozenset[str] = frozenset()  # end a clause too; what follows may take back
    neutral_marks: frozenset[str] = frozenset()  # punctuation that separates, meaning nothing
    object_pronouns: frozenset[str] = frozenset()  # a claim naming its object: "j'en prends"
    for_words: frozenset[str] = frozenset()  # "deux pour moi": the number word is a count
    indefinite_articles: frozenset[str] = frozenset()  # "je prends des notes": not merchandise
    amount_units: frozenset[str] = frozenset()  # after a number: a price, a time, an age
    size_units: frozenset[str] = frozenset()  # "100 cm" of a belt sized "100"
    cup_words: frozenset[str] = frozenset()  # "copa C", "bonnet B": a bra's cup
    interjected_no: frozenset[str] = frozenset()  # "non 100g pardon": a correction's "no"
    measures: frozenset[str] = frozenset()  # after a number: "30 ml", not an unknown word
    catalog_measures: frozenset[str] = frozenset()  # looked up with the number: "50 ml"
    one_pronouns: frozenset[str] = frozenset()  # "the pink one": a pronoun, not a count
    size_systems: frozenset[str] = frozenset()  # "8 UK", "US 10": the sizing system said
    sold_words: frozenset[str] = frozenset()  # "sold 12": the number after it is a code
    size_prepositions: frozenset[str] = frozenset()  # "en", "in": not a size word proper
    generic_words: frozenset[str] = frozenset()  # too common to name a product on their own
    size_option_names: frozenset[str] = frozenset()  # folded: a catalog option that is a size
    # Right after a claim verb, it takes the claim back: "je (ne) prends plus", "non lo
    # prendo più", "no lo quiero más", "ich nehme es nicht mehr", "not taking it anymore".
    no_longer: frozenset[str] = frozenset()
    claim_verbs: frozenset[str] = frozenset()  # "prends", "quiero": a claim once negated back
    negation_particles: frozenset[str] = frozenset()  # "ne": negation only around a verb
    # after the object, ending the clause: "ich nehme den Pulli nicht"
    clause_end_negators: frozenset[str] = frozenset()
    # one-word colours with a letter left out, for `misspelt_colour`
    near_colours: dict[str, set[str]] = field(default_factory=dict)
    # "nimm mich … raus": a withdrawal whose verb opens the clause and whose particle ends it
    split_cancels: frozenset[tuple[tuple[str, ...], str]] = frozenset()
    split_cancel_particles: frozenset[str] = frozenset()  # the particles that close them
    of_words: frozenset[str] = frozenset()  # "3 du 14", "2 of 7": a count of a product
    verb_first_subjects: frozenset[str] = frozenset()  # "kommt alles …": a verb put first asks
    cart_words: frozenset[str] = frozenset()  # "panier", "cart", "Warenkorb"
    into_cart: frozenset[str] = frozenset()  # right before the cart: "to my cart" claims
    out_of_cart: frozenset[str] = frozenset()  # right before the cart: "off my order" cancels
    also_words: frozenset[tuple[str, ...]] = frozenset()  # "aussi": the featured one too
    fused_articles: frozenset[str] = frozenset()  # "au", "nel": may stand right before it
    # "finalement", "al final": a refusal after it takes an earlier claim back
    finally_words: frozenset[tuple[str, ...]] = frozenset()
    or_words: frozenset[str] = frozenset()  # "ou", "oder": two options weighed, a question
    comparatives: frozenset[str] = frozenset()  # "plus saumon ou plus poudré"
    made_of: frozenset[tuple[str, ...]] = frozenset()  # "c'est du", "è di": before a material
    material_concepts: frozenset[str] = frozenset()  # value concepts that are materials
    # Units of measure: a unit word -> its concept ("chilo" -> "kilogram"); a concept -> its
    # size in a base concept ("kilogram" -> (1000, "gram")); amounts said in words
    # ("mezzo chilo" -> (500, "gram")).
    unit_words: dict[str, str] = field(default_factory=dict)
    unit_scales: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    amount_words: dict[tuple[str, ...], tuple[Decimal, str]] = field(default_factory=dict)
    # From common.json: which meaning wins when a phrase is listed under several categories,
    # and the span kinds that flag the clause they are in.
    meaning_precedence: tuple[str, ...] = ()
    clause_flags: frozenset[str] = frozenset()
    languages: tuple[str, ...] = ()
    max_len: int = 1

    def types_of(self, tokens: tuple[str, ...]) -> set[str]:
        """The kinds of product a name or alias says it is ("Sac Berthe" is a bag)."""
        return {
            concept
            for length in (1, 2, 3)
            for i in range(len(tokens) - length + 1)
            if (concept := self.product_types.get(tokens[i : i + length])) is not None
        }

    def add_phrase(self, phrase: str, category: str, language: str) -> None:
        tokens = phrase_tokens(phrase)
        if not tokens:
            return
        for spelling in elided_spellings(tokens):
            self.phrases.setdefault(spelling, set()).add((category, language))
        self.max_len = max(self.max_len, len(tokens))
        # A letter stretched in a comment ("neeeed", "wanttt") is squeezed to one by
        # `normalize`; the entry's squeezed spelling must then match it too.
        squeezed = tuple(squeeze(token) for token in tokens)
        if squeezed != tokens and squeezed not in self.phrases:
            self.squeezed.setdefault(squeezed, set()).add((category, language))

    def concept_of_value(self, value: str) -> set[str]:
        """The color concepts a catalog value names in any language ("noir" -> {"black"})."""
        tokens = phrase_tokens(value)
        # a value may be a colour and a kind at once ("noir": black, and dark chocolate)
        found = (
            self.colors.get(tokens)
            or (self.shade_stems.get(tokens[0]) if len(tokens) == 1 else None),
            self.named_sizes.get(tokens),
            self.value_words.get(tokens),
        )
        return {c for c in found if c}

    def amount(self, tokens: tuple[str, ...]) -> tuple[Decimal, str] | None:
        """The amount a number and a unit say, in the unit's base ("1 kg" -> 1000 gram),
        or an amount said in words ("mezzo chilo"); None for anything else."""
        if tokens in self.amount_words:
            return self.amount_words[tokens]
        if len(tokens) != 2 or tokens[1] not in self.unit_words:
            return None
        said = self.quantities.get(tokens[:1])
        try:
            number = Decimal(said) if said else Decimal(tokens[0].replace(",", "."))
        except InvalidOperation:
            return None
        factor, base = self.unit_scales[self.unit_words[tokens[1]]]
        return number * factor, base

    def misspelt_colour(self, word: str) -> str | None:
        """The colour a long unknown word is with one letter missing or one letter too many
        ("turqesa", "amarilo", "marrrone" aside: runs are squeezed before), if only one."""
        if len(word) < _TYPO_MIN or self.knows_word(word):
            return None
        concepts = set(self.near_colours.get(word, ()))  # a letter missing
        for i in range(len(word)):  # a letter too many
            if (word[:i] + word[i + 1 :],) in self.colors:
                concepts.add(self.colors[(word[:i] + word[i + 1 :],)])
        return next(iter(concepts)) if len(concepts) == 1 else None

    def knows_word(self, word: str) -> bool:
        """Whether one word means something of its own here: a cue, a count, a colour, a
        size or a word of the word lists."""
        key = (word,)
        return (
            key in self.phrases
            or key in self.quantities
            or key in self.colors
            or key in self.sizes
            or any(word in words for words in self.words.values())
        )

    def family_of(self, concept: str) -> str:
        """The broad colour of a shade ("navy" -> "blue"); a broad colour is its own."""
        return self.color_families.get(concept, concept)


def _read(name: str) -> dict[str, Any]:
    text = resources.files("commerce").joinpath("lexicons").joinpath(name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def load_lexicon() -> Lexicon:
    """Merge every language file of commerce/lexicons with the shared one."""
    lexicon = Lexicon()
    folder = resources.files("commerce").joinpath("lexicons")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".json"))
    languages = [_read(name) for name in names if name != "common.json"]
    for data in languages:
        _add_language(lexicon, data)
    common = _read("common.json")
    _add_units(lexicon, common)
    _add_common(lexicon, common)
    _add_word_sets(lexicon, [*languages, common])
    lexicon.languages = tuple(data["language"] for data in languages)
    for key, meanings in lexicon.squeezed.items():
        # a squeezed spelling that is a word of its own is that word ("doublee" squeezes
        # to "double", a bed size)
        own_word = key in lexicon.colors or key in lexicon.named_sizes or key in lexicon.sizes
        if not own_word:
            lexicon.phrases.setdefault(key, meanings)
    stems: dict[str, set[str]] = {}
    for key, concept in list(lexicon.colors.items()):
        family = lexicon.color_families.get(concept)
        if family and len(key) == 2:
            for shade, broad in ((key[0], key[1]), (key[1], key[0])):
                if lexicon.colors.get((broad,)) == family and len(shade) >= 4:
                    stems.setdefault(shade, set()).add(concept)  # "forest" of "forest green"
    # a word that shades several colours is a modifier ("dark", "clair", "pastel"), not a shade
    lexicon.shade_stems = {
        stem: next(iter(concepts))
        for stem, concepts in stems.items()
        if len(concepts) == 1 and not lexicon.knows_word(stem)
    }
    for key, concept in lexicon.colors.items():
        if len(key) == 1 and len(key[0]) >= _TYPO_MIN:
            colour = key[0]
            for i in range(len(colour)):
                lexicon.near_colours.setdefault(colour[:i] + colour[i + 1 :], set()).add(concept)
    return lexicon


def _add_language(lexicon: Lexicon, data: dict[str, Any]) -> None:
    language = data["language"]
    for category in PHRASE_CATEGORIES:
        for phrase in data.get(category, []):
            lexicon.add_phrase(phrase, category, language)
    for word_category in WORD_CATEGORIES:
        for word in data.get(word_category, []):
            lexicon.words.setdefault(word_category, set()).update(phrase_tokens(word))
    for word, number in data.get("quantities", {}).items():
        lexicon.quantities[phrase_tokens(word)] = int(number)
    for word, size in data.get("sizes", {}).items():
        lexicon.sizes[phrase_tokens(word)] = size
    for concept, words in data.get("named_sizes", {}).items():
        for word in words:
            tokens = phrase_tokens(word)
            lexicon.named_sizes.setdefault(tokens, concept)
            lexicon.max_len = max(lexicon.max_len, len(tokens))
    for concept, words in data.get("product_types", {}).items():
        for word in words:
            tokens = phrase_tokens(word)
            if tokens and lexicon.product_types.setdefault(tokens, concept) == concept:
                lexicon.type_spellings.setdefault(concept, []).append(tokens)
                lexicon.max_len = max(lexicon.max_len, len(tokens))
    for concept, words in data.get("value_words", {}).items():
        for word in words:
            tokens = phrase_tokens(word)
            for spelling in elided_spellings(tokens):
                lexicon.value_words.setdefault(spelling, concept)
            lexicon.max_len = max(lexicon.max_len, len(tokens))
    _add_units(lexicon, data)
    for concept, words in data.get("colors", {}).items():
        for word in words:
            tokens = phrase_tokens(word)
            for spelling in elided_spellings(tokens):
                lexicon.colors.setdefault(spelling, concept)
            lexicon.max_len = max(lexicon.max_len, len(tokens))
            if len(tokens) == 1 and tokens[0].isalpha() and not tokens[0].endswith("s"):
                lexicon.colors.setdefault((tokens[0] + "s",), concept)  # "two blacks"


def _add_units(lexicon: Lexicon, data: dict[str, Any]) -> None:
    for concept, words in data.get("unit_words", {}).items():
        for word in words:
            for token in phrase_tokens(word):
                lexicon.unit_words.setdefault(token, concept)
    for amount, words in data.get("amount_words", {}).items():
        number, unit = amount.split()
        for word in words:
            tokens = phrase_tokens(word)
            lexicon.amount_words.setdefault(tokens, (Decimal(number), unit))
            lexicon.max_len = max(lexicon.max_len, len(tokens))


def _add_common(lexicon: Lexicon, common: dict[str, Any]) -> None:
    lexicon.weak_claims = {phrase_tokens(p) for p in common["weak_claims"]}
    # Only one-word fillers: splitting "s'il vous plaît" would make "s" a filler, and "S" a size.
    lexicon.fillers = {tokens[0] for p in common["fillers"] if len(tokens := phrase_tokens(p)) == 1}
    lexicon.negators = {t for p in common["negators"] for t in phrase_tokens(p)}
    lexicon.ordinal_markers = {t for p in common["ordinal_markers"] for t in phrase_tokens(p)}
    lexicon.ordinal_markers.add("#")
    lexicon.meaning_precedence = tuple(common["meaning_precedence"])
    lexicon.clause_flags = frozenset(common["clause_flags"])
    lexicon.color_families = dict(common["color_families"])
    lexicon.option_words = {
        token: concept
        for concept, words in common["option_words"].items()
        for word in words
        for token in phrase_tokens(word)
    }
    lexicon.each_words = frozenset(t for w in common["each_words"] for t in phrase_tokens(w))
    for concept, scale in common["unit_scales"].items():
        factor, base = scale.split()
        lexicon.unit_scales[concept] = (Decimal(factor), base)


def _add_word_sets(lexicon: Lexicon, files: list[dict[str, Any]]) -> None:
    def tokens(key: str) -> frozenset[str]:
        return frozenset(t for data in files for p in data.get(key, []) for t in phrase_tokens(p))

    lexicon.but_words = tokens("but_words")
    lexicon.verb_first_subjects = tokens("verb_first_subjects")
    lexicon.clause_breaks = tokens("clause_breaks") | lexicon.but_words
    lexicon.neutral_marks = tokens("neutral_marks")
    lexicon.object_pronouns = tokens("object_pronouns")
    lexicon.for_words = tokens("for_words")
    lexicon.indefinite_articles = tokens("indefinite_articles")
    lexicon.amount_units = tokens("amount_units")
    lexicon.size_units = tokens("size_units")
    lexicon.cup_words = tokens("cup_words")
    lexicon.interjected_no = tokens("interjected_no")
    lexicon.measures = tokens("measures")
    lexicon.catalog_measures = tokens("catalog_measures")
    lexicon.one_pronouns = tokens("one_pronouns")
    lexicon.size_systems = tokens("size_systems")
    lexicon.sold_words = tokens("sold_words")
    lexicon.size_prepositions = tokens("size_prepositions")
    lexicon.generic_words = tokens("generic_words")
    lexicon.no_longer = tokens("no_longer")
    lexicon.claim_verbs = tokens("claim_verbs")
    lexicon.negation_particles = tokens("negation_particles")
    lexicon.clause_end_negators = tokens("clause_end_negators")
    lexicon.split_cancels = frozenset(
        (phrase_tokens(opening), phrase_tokens(closing)[-1])
        for data in files
        for opening, closing in data.get("split_cancels", {}).items()
    )
    lexicon.split_cancel_particles = frozenset(c for _, c in lexicon.split_cancels)
    lexicon.of_words = tokens("of_words")
    lexicon.cart_words = tokens("cart_words")
    lexicon.into_cart = tokens("into_cart")
    lexicon.out_of_cart = tokens("out_of_cart")
    lexicon.fused_articles = tokens("fused_articles")
    lexicon.also_words = frozenset(
        phrase_tokens(p) for data in files for p in data.get("also_words", [])
    )
    lexicon.or_words = tokens("or_words")
    lexicon.comparatives = tokens("comparatives")
    lexicon.made_of = frozenset(phrase_tokens(p) for data in files for p in data.get("made_of", []))
    lexicon.material_concepts = frozenset(
        c for data in files for c in data.get("material_concepts", [])
    )
    lexicon.finally_words = frozenset(
        phrase_tokens(p) for data in files for p in data.get("finally_words", [])
    )
    lexicon.size_option_names = frozenset(
        fold(name) for data in files for name in data.get("size_option_names", [])
    )
