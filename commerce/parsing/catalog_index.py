"""The catalog as the parser looks things up in it: codes, names, aliases, option values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz.distance import OSA

from commerce.catalog import Catalog, CatalogProduct
from commerce.parsing.lexicon import Lexicon
from commerce.parsing.text import fold, phrase_tokens

LETTER_SIZE = re.compile(r"^(x{0,3}[sml]|x{1,3}l|\d?xl)$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")
# A size in a sizing system: "EU 42", "US 9.5", "UK 8", "T40", "42 EU"; its number is
# what viewers say ("en 42", "taille 9,5").
_SYSTEM_SIZE = re.compile(
    r"^\s*(?:eu|eur|us|uk|it|fr|de|t|w)\s*(\d+(?:[.,]\d+)?)\s*$"
    r"|^\s*(\d+(?:[.,]\d+)?)\s*(?:eu|eur|us|uk|it|fr|de)\s*$",
    re.I,
)
# A size of two numbers ("98/104", "35-38", "UK 4-7"): either number alone names it, when no other
# value of the product has that number.
_SIZE_PAIR = re.compile(r"^\s*(?:(?:eu|us|uk)\s*)?(\d+)\s*[/-]\s*(\d+)\s*$", re.I)
OptionHit = tuple[str, str]  # (option name, catalog value)


@dataclass
class ProductInfo:
    """One product's vocabulary: how each of its option values can be said."""

    sku: str
    code: str | None
    option_names: tuple[str, ...]
    option_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[tuple[str, ...], OptionHit] = field(default_factory=dict)
    concepts: dict[str, OptionHit] = field(default_factory=dict)
    # a broad colour -> the product's only value of it ("green" -> "waldgrün")
    families: dict[str, OptionHit] = field(default_factory=dict)
    letter_sizes: dict[str, OptionHit] = field(default_factory=dict)
    numeric_sizes: dict[str, OptionHit] = field(default_factory=dict)
    size_option: str | None = None
    # values that are an amount ("500 g", "0,6 L", "6 Tassen"), by the amount in its base
    # unit; and by their number alone ("0,6"), where one value has it. None: two share it.
    amounts: dict[tuple[Decimal, str], OptionHit | None] = field(default_factory=dict)
    amount_numbers: dict[str, OptionHit | None] = field(default_factory=dict)
    # "small", "large" of a product sold by amounts only: its smallest and largest amount
    amount_sizes: dict[str, OptionHit] = field(default_factory=dict)
    # values that are another product's name: a refill's scent "Tabac Rubio" is said by
    # any name of that perfume ("tabaco rubio", "rubio")
    product_values: dict[str, OptionHit] = field(default_factory=dict)


def _inflections(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """'noir' -> noir, noire, noirs, noires: how adjectives agree in the viewers' languages."""
    *head, last = tokens
    forms = [tokens]
    if last.isalpha() and len(last) > 2:
        # German endings too: "silbern", "Saphiren", "grünem", "schwarzer"
        for suffix in ("e", "s", "es", "a", "o", "i", "n", "en", "em", "er"):
            forms.append((*head, last + suffix))
        if last.endswith("e"):
            forms.append((*head, last[:-1]))
        # Italian plurals: "matrimoniale" -> "matrimoniali", "nero" -> "neri", "rossa" -> "rosse"
        for ending, plural in (("e", "i"), ("o", "i"), ("a", "e")):
            if last.endswith(ending):
                forms.append((*head, last[: -len(ending)] + plural))
    return forms


def _dimension_forms(tokens: tuple[str, ...], lexicon: Lexicon) -> list[tuple[str, ...]]:
    """A value as written, and as viewers shorten it: "90x70 cm" is said "90x70" and
    "90 x 70", "UK 4-7" is said "4-7"; "55 cm" stays as it is (a bare "55" is a size, read
    elsewhere)."""
    forms = [tokens]
    if len(tokens) >= 3 and tokens[0] in lexicon.size_systems and tokens[1].isdigit():
        forms.append(tokens[1:])  # "UK 4-7" is said "4-7"
    units = lexicon.size_units | lexicon.catalog_measures
    if len(tokens) >= 3 and tokens[-1] in units:
        forms.append(tokens[:-1])
    for form in list(forms):
        if len(form) >= 2 and form[0].isdigit() and form[1][:1] == "x" and form[1][1:].isdigit():
            forms.append((form[0], "x", form[1][1:], *form[2:]))
    return forms


_TYPO_MIN = 5  # shorter words are too often other words ("jade", "sac", "top")
_TYPO_SUBSTITUTION_MIN = 6


def _one_out(word: str) -> set[str]:
    """The word and its spellings with one letter left out."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


# How nouns make their plural in the viewers' languages, as (ending, replacement): "bag" ->
# "bags", "bijou" -> "bijoux", "borsa" -> "borse", "cuscino" -> "cuscini", "Tasche" ->
# "Taschen", "Hemd" -> "Hemden", "scarf" -> "scarves", "cojín" -> "cojines".
_PLURAL_ENDINGS = (
    ("", "s"),
    ("", "x"),
    ("", "es"),
    ("", "en"),
    ("", "n"),
    ("", "e"),
    ("", "er"),
    ("a", "e"),
    ("o", "i"),
    ("e", "i"),
    ("ca", "che"),
    ("co", "chi"),
    ("ga", "ghe"),
    ("f", "ves"),
    ("fe", "ves"),
    ("y", "ies"),
    ("al", "aux"),
)


def _plurals(word: str) -> set[str]:
    """The plural spellings a product noun may take (only for words of 3+ letters)."""
    if len(word) < 3 or not word.isalpha():
        return set()
    return {
        word[: len(word) - len(ending)] + plural
        for ending, plural in _PLURAL_ENDINGS
        if word.endswith(ending)
    } - {word}


class CatalogIndex:
    """Lookups from what viewers type to catalog products and values."""

    def __init__(self, catalog: Catalog, lexicon: Lexicon) -> None:
        self.products: dict[str, ProductInfo] = {}
        self.codes: dict[str, str] = {}
        self.names: dict[tuple[str, ...], set[str]] = {}
        self.max_name_len = 1
        for product in catalog.products:
            self.products[product.sku] = self._index_product(product, lexicon)
            if product.code:
                # "C-7", "A 12": as viewers type them, letters and digits only ("c7", "a12")
                self.codes[re.sub(r"[\W_]+", "", fold(product.code))] = product.sku
        self._index_names(catalog, lexicon)
        self._index_values_naming_products(catalog)
        # whether any value is an amount ("500 g"): if none, amounts are never looked for
        self.has_amounts = any(info.amounts for info in self.products.values())
        # the option-value concepts the catalog has ("vanilla" of a candle's "vanille")
        self.value_concepts = {c for info in self.products.values() for c in info.concepts}
        # one-word spellings of any product's values ("pistaches"): a number word before
        # one counts it ("deux pistaches")
        self.value_forms = {
            key[0] for info in self.products.values() for key in info.values if len(key) == 1
        }
        # the numbers of any product's amounts ("72" of "72%"): "dos de 72" counts one
        self.amount_numbers = {
            number
            for info in self.products.values()
            for number, hit in info.amount_numbers.items()
            if hit
        }
        self._value_words = {
            word
            for product in catalog.products
            for values in product.options.values()
            for value in values
            for word in phrase_tokens(value)
        }
        # one-word names by their spellings with a letter left out (typo lookup)
        self._near: dict[str, set[str]] = {}
        for key in self.names:
            if len(key) == 1 and len(key[0]) >= _TYPO_MIN and key[0].isalpha():
                for variant in _one_out(key[0]):
                    self._near.setdefault(variant, set()).add(key[0])

    def _index_product(self, product: CatalogProduct, lexicon: Lexicon) -> ProductInfo:
        info = ProductInfo(product.sku, product.code, tuple(product.options))
        info.option_values = {name: tuple(values) for name, values in product.options.items()}
        self._index_exact(product, lexicon, info)
        self._index_amount_sizes(info)
        self._index_partial(product, lexicon, info)
        self._index_families(lexicon, info)
        return info

    @staticmethod
    def _index_families(lexicon: Lexicon, info: ProductInfo) -> None:
        """Each broad colour the product has one value of: a viewer who says "green" of a
        product whose only green is "verde bosque", or "ivory" of one whose only white is
        "blanc", names that value. Two values of one colour: neither is reached so."""
        owners: dict[str, set[OptionHit]] = {}
        for concept, hit in info.concepts.items():
            owners.setdefault(lexicon.family_of(concept), set()).add(hit)
        for family, hits in owners.items():
            if len(hits) == 1:
                info.families[family] = next(iter(hits))

    @staticmethod
    def _index_partial(product: CatalogProduct, lexicon: Lexicon, info: ProductInfo) -> None:
        """Weaker ways to name a value, used only where nothing exact claims them: a word of a
        multi-word value ("vert" for "vert sauge"), its color ("green"), a volume's number
        ("50" for "50ml")."""
        for option, values in product.options.items():
            word_owners: dict[tuple[str, ...], set[str]] = {}
            concept_owners: dict[str, set[str]] = {}
            number_owners: dict[str, set[str]] = {}
            for value in values:
                tokens = phrase_tokens(value)
                if len(tokens) == 2 and tokens[0].isdigit() and tokens[1].isalpha():
                    number_owners.setdefault(tokens[0], set()).add(value)
                pair = _SIZE_PAIR.match(value)
                if pair:
                    # "98/104": a child's size said by either of its numbers ("en 104")
                    for number in pair.groups():
                        number_owners.setdefault(number, set()).add(value)
                    info.size_option = info.size_option or option
                system = _SYSTEM_SIZE.match(value)
                if system:
                    number = (system.group(1) or system.group(2)).replace(",", ".")
                    number_owners.setdefault(number, set()).add(value)
                    info.size_option = info.size_option or option
                if len(tokens) < 2:
                    continue
                for token in tokens:
                    if token.isalpha() and len(token) > 2:
                        for form in _inflections((token,)):
                            word_owners.setdefault(form, set()).add(value)
                        for concept in lexicon.concept_of_value(token):
                            concept_owners.setdefault(concept, set()).add(value)
            for form, owners in word_owners.items():
                if len(owners) == 1 and form not in info.values:
                    info.values[form] = (option, next(iter(owners)))
            for concept, owners in concept_owners.items():
                if len(owners) == 1 and concept not in info.concepts:
                    info.concepts[concept] = (option, next(iter(owners)))
            for number, owners in number_owners.items():
                if len(owners) == 1 and number not in info.numeric_sizes:
                    info.numeric_sizes[number] = (option, next(iter(owners)))

    @staticmethod
    def _index_amount_sizes(info: ProductInfo) -> None:
        """ "The small one", "le grand", "il medio" of a product sold by amounts and not in
        letter sizes: its smallest, largest and (of three) middle amount of one option."""
        if info.letter_sizes:
            return
        by_option: dict[str, list[tuple[tuple[Decimal, str], OptionHit]]] = {}
        for amount, hit in info.amounts.items():
            if hit is not None:
                by_option.setdefault(hit[0], []).append((amount, hit))
        if len(by_option) != 1:
            return  # "small" of a tea sold by weight and by tin size would be a guess
        ranked = sorted(next(iter(by_option.values())))
        if len(ranked) < 2 or len({unit for (_, unit), _ in ranked}) != 1:
            return
        info.amount_sizes["s"], info.amount_sizes["l"] = ranked[0][1], ranked[-1][1]
        if len(ranked) == 3:
            info.amount_sizes["m"] = ranked[1][1]

    @staticmethod
    def _index_exact(product: CatalogProduct, lexicon: Lexicon, info: ProductInfo) -> None:
        breadth: dict[str, int] = {}  # how many concepts the value a concept reaches has
        for option, values in product.options.items():
            is_size = fold(option) in lexicon.size_option_names
            if is_size:
                info.size_option = option
            for value in values:
                hit = (option, value)
                tokens = phrase_tokens(value)
                if not tokens:
                    continue
                folded = "".join(tokens)
                letter = lexicon.sizes.get(tokens) if is_size else None
                if letter is not None:
                    # "piccola", "grande": a size named in words reaches its letter too
                    # ("small", "S", "petit"), unless two values share it
                    info.letter_sizes.setdefault(letter.lower(), hit)
                if len(tokens) == 1 and LETTER_SIZE.match(folded):
                    info.letter_sizes[folded] = hit
                    info.size_option = info.size_option or option
                    continue
                if len(tokens) == 1 and _NUMBER.match(folded):
                    number = folded.replace(",", ".")
                    info.numeric_sizes[number] = hit
                    # a shade "02" is said "2" too
                    info.numeric_sizes.setdefault(number.lstrip("0") or "0", hit)
                    info.size_option = info.size_option or option
                    continue
                for said in _dimension_forms(tokens, lexicon):
                    for form in _inflections(said):
                        info.values.setdefault(form, hit)
                amount = lexicon.amount(tokens)
                if amount is not None:
                    # two values of one amount ("500 g" of two grinds) name neither
                    info.amounts[amount] = hit if amount not in info.amounts else None
                    number = tokens[0].replace(",", ".")
                    taken = number in info.amount_numbers
                    info.amount_numbers[number] = None if taken else hit
                concepts = lexicon.concept_of_value(value)
                for concept in concepts:
                    # a value that means only this ("pelle": leather) beats one that means it
                    # besides something else ("cuoio": a tan colour, and leather)
                    if concept not in info.concepts or len(concepts) < breadth.get(concept, 0):
                        info.concepts[concept] = hit
                        breadth[concept] = len(concepts)

    def _index_names(self, catalog: Catalog, lexicon: Lexicon) -> None:
        generic = lexicon.generic_words
        word_owners: dict[str, set[str]] = {}
        for product in catalog.products:
            for word in phrase_tokens(product.name):
                # a count word ("dos" of "Sac à dos" is "two") names no product alone
                counts = (word,) in lexicon.quantities
                if len(word) >= 3 and word not in generic and not word.isdigit() and not counts:
                    word_owners.setdefault(word, set()).add(product.sku)
        # a word that is a whole name or alias of one product ("matcha") names that one,
        # not every product with the word in its name ("Coffret Rituel Matcha")
        whole_names = {
            phrase_tokens(phrase)
            for product in catalog.products
            for phrase in (product.name, *product.aliases)
        }
        for product in catalog.products:
            phrases = [product.name, *product.aliases]
            own = {phrase_tokens(phrase) for phrase in phrases}
            for phrase in phrases:
                tokens = phrase_tokens(phrase)
                if tokens and not (len(tokens) == 1 and tokens[0] in generic):
                    self._add_name(tokens, product.sku, lexicon)
            for word in phrase_tokens(product.name):
                if word in word_owners and ((word,) in own or (word,) not in whole_names):
                    self._add_name((word,), product.sku, lexicon)
        self._index_types(catalog, lexicon, whole_names)

    def _index_types(self, catalog: Catalog, lexicon: Lexicon, whole: set[tuple[str, ...]]) -> None:
        """A kind of product said in any language ("borsa", "bolso" of a "Sac Berthe")
        names the products of that kind, where the catalog's own words do not already."""
        owners: dict[str, set[str]] = {}
        for product in catalog.products:
            for phrase in (product.name, *product.aliases):
                for concept in lexicon.types_of(phrase_tokens(phrase)):
                    owners.setdefault(concept, set()).add(product.sku)
        for concept, skus in owners.items():
            for tokens in lexicon.type_spellings.get(concept, ()):
                *head, last = tokens
                for form in (tokens, *((*head, plural) for plural in _plurals(last))):
                    if form in whole or (len(form) == 1 and lexicon.knows_word(form[0])):
                        continue  # the catalog's own name, or a word with a meaning of its own
                    # a word of one name ("Ring" of "Ring Luna") is also every other ring's
                    self.names.setdefault(form, set()).update(skus)
                    self.max_name_len = max(self.max_name_len, len(form))

    def _index_values_naming_products(self, catalog: Catalog) -> None:
        names_of: dict[tuple[str, ...], set[str]] = {}
        for product in catalog.products:
            for phrase in (product.name, *product.aliases):
                names_of.setdefault(phrase_tokens(phrase), set()).add(product.sku)
        for product in catalog.products:
            info = self.products[product.sku]
            for option, values in product.options.items():
                for value in values:
                    for other in names_of.get(phrase_tokens(value), ()):
                        if other != product.sku:
                            info.product_values.setdefault(other, (option, value))

    def _add_name(self, tokens: tuple[str, ...], sku: str, lexicon: Lexicon) -> None:
        *head, last = tokens
        # a plural spelling that is a word of the lexicons is that word ("Nova": not "nove")
        # ("discovery sets": after a name's first word the plural is the name's)
        plurals = {p for p in _plurals(last) if head or not lexicon.knows_word(p)}
        forms = [tokens, *((*head, plural) for plural in plurals)]
        if len(tokens) >= 3 and tokens[1] in lexicon.of_words:
            # "teteras de cristal", "boules à thé": the plural is on the first noun
            first, *rest = tokens
            forms += [(p, *rest) for p in _plurals(first) if not lexicon.knows_word(p)]
        for form in forms:
            self.names.setdefault(form, set()).add(sku)
        self.max_name_len = max(self.max_name_len, len(tokens))

    def code_sku(self, token: str) -> str | None:
        return self.codes.get(token)

    def is_size_number(self, number: str) -> bool:
        """Whether some product has a size (or volume) said by this number alone."""
        return any(number in info.numeric_sizes for info in self.products.values())

    def misspelt_name(self, token: str) -> set[str] | None:
        """The product a word no lexicon knows names with one typo ("paulete", "trensh",
        "colana"): one letter missing or extra (or wrong, from six letters), the first
        letter right, the word long enough that a typo is likelier than another word.
        None unless exactly one product fits, or if the word is one of the catalog's
        option values."""
        if len(token) < _TYPO_MIN or not token.isalpha() or token in self._value_words:
            return None
        words = {w for v in _one_out(token) for w in self._near.get(v, ())}
        close = {
            w
            for w in words
            if w[0] == token[0]
            and w != token
            and OSA.distance(w, token) <= 1  # one letter wrong, missing, extra or swapped
            # a wrong letter in a short word is as often another word ("short", "shirt")
            and (len(w) != len(token) or len(token) >= _TYPO_SUBSTITUTION_MIN)
        }
        skus = {sku for w in close for sku in self.names[(w,)]}
        return skus if len(skus) == 1 else None
