"""Spans: what each stretch of a comment's tokens is, longest match first.

Lexicon phrases (claims, cancels, negations, questions...), product codes and names, colours,
sizes, quantities, numbers and punctuation; a word nothing knows stays a plain "word".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commerce.parsing.catalog_index import LETTER_SIZE, CatalogIndex
from commerce.parsing.lexicon import Lexicon

_X_QTY = re.compile(r"^x(\d{1,2})$")
_T_SIZE = re.compile(r"^(?:t|eu|eur)(\d{2,3})$")  # "T40", "EU39": a size glued to its system


@dataclass(slots=True)
class Span:
    start: int
    end: int
    kind: str
    value: object = None
    language: str | None = None
    color: str | None = None  # a name word that is also a colour ("Parfum Rose", "rose")


class SpanLabeller:
    """Labels a comment's tokens against the lexicons and one catalog."""

    def __init__(
        self, lexicon: Lexicon, index: CatalogIndex, claim_keyword: tuple[str, ...]
    ) -> None:
        self.lexicon = lexicon
        self.index = index
        self.claim_keyword = claim_keyword

    def label(self, tokens: list[str]) -> list[Span]:
        """Label the tokens, longest phrase first."""
        lex, index = self.lexicon, self.index
        spans: list[Span] = []
        i, n = 0, len(tokens)
        max_len = max(lex.max_len, index.max_name_len)
        while i < n:
            span = None
            for length in range(min(max_len, n - i), 0, -1):
                key = tuple(tokens[i : i + length])
                span = self._match(key, i, length)
                if span is not None:
                    break
            if (
                span is not None
                and span.kind == "size_word"
                and i + 1 < n
                and (tokens[i + 1][:1].isdigit() or LETTER_SIZE.match(tokens[i + 1]))
                and tokens[i] in lex.words.get("size_markers", ())
            ):
                # "Größe 38", "Größe S" and "große Tasche" fold alike: before a size, the noun
                span = Span(i, i + 1, "size_markers")
            if span is None and i + 1 < n and tokens[i].isalpha() and len(tokens[i]) <= 2:
                # "A 12", "C-7": a code typed apart
                sku = index.code_sku(tokens[i] + tokens[i + 1])
                after = tokens[i + 2] if i + 2 < n else ""
                if sku is not None and tokens[i + 1].isdigit() and after not in lex.amount_units:
                    span = Span(i, i + 2, "code", sku)  # not "à 12 €"
            if span is not None and span.kind == "claim" and self._lends_last_word(tokens, span):
                # "para mi hija": "para mí" folds like "para mi", but "mi hija" is a person
                shorter = span.end - 1 - i
                span = self._match(tuple(tokens[i : i + shorter]), i, shorter)
            if span is None:
                span = self._single(tokens[i], i)
            last = spans[-1] if spans else None
            if (
                last is not None
                and last.kind == span.kind == "name"
                and last.end == span.start
                and isinstance(span.value, set)
                and isinstance(last.value, set)
                and span.value < last.value
            ):
                # "robe camile": a shared word, then the word that tells which product
                spans[-1] = Span(last.start, span.end, "name", span.value)
            else:
                spans.append(span)
            i = span.end
        return spans

    def _lends_last_word(self, tokens: list[str], span: Span) -> bool:
        """Whether a claim's last word begins a person named after it ("para mi" + "hija",
        "otro para mi" + "hermano")."""
        if span.end - span.start < 2 or span.end >= len(tokens):
            return False
        if tokens[span.end - 2] not in self.lexicon.for_words:
            return False  # only "for me" claims: "je prends" + "prends le" is a claim
        phrases = self.lexicon.phrases
        return any(
            ("third_party" in {m[0] for m in phrases.get(tuple(tokens[span.end - 1 : end]), ())})
            for end in range(span.end + 1, min(len(tokens), span.end + 3) + 1)
        )

    def _match(self, key: tuple[str, ...], i: int, length: int) -> Span | None:
        lex, index = self.lexicon, self.index
        if self.claim_keyword and key == self.claim_keyword:
            return Span(i, i + length, "claim", "keyword")
        meanings = lex.phrases.get(key)
        if meanings:
            kinds = {m[0] for m in meanings}
            language = sorted(m[1] for m in meanings)[0]
            if kinds == {"hedge"}:
                return Span(i, i + length, "word", "hedge")  # "un peu": not a count
            if kinds <= {"hedge", "idioms"}:
                # "take care", "preso in giro", "no me gusta": no claim, no refusal
                return Span(i, i + length, "word", "idiom")
            if "contrast_blockers" in kinds and len(kinds) == 1:
                return Span(i, i + length, "contrast", None, language)
            for kind in lex.meaning_precedence:
                if kind in kinds:
                    value = None
                    if kind == "claim":
                        # A claim that already names its object ("j'en prends", "lo quiero",
                        # "take it"): the number after it is a count, not a product code.
                        value = (
                            "weak"
                            if key in lex.weak_claims
                            else ("object" if lex.object_pronouns & set(key) else None)
                        )
                    # A one-word question cue can also be a product name ("jean", "sac"):
                    # the catalog wins for nouns it knows.
                    if kind in ("question", "compliment") and key in index.names:
                        return Span(i, i + length, "name", index.names[key])
                    return Span(i, i + length, kind, value, language)
        if key in index.names:
            return Span(i, i + length, "name", index.names[key], color=lex.colors.get(key))
        if key in lex.colors:
            return Span(i, i + length, "color", lex.colors[key])
        if lex.value_words.get(key) in index.value_concepts:
            # a scent, flavour or material the catalog sells, in any language: an option word
            # like a colour ("vainilla" -> "vanille"); elsewhere "café" is just a word
            return Span(i, i + length, "color", lex.value_words[key])
        if key in lex.named_sizes and (length > 1 or len(key[0]) > 2):
            return Span(i, i + length, "size_concept", lex.named_sizes[key])
        if key in lex.sizes:
            return Span(i, i + length, "size_word", lex.sizes[key])
        if key in lex.quantities and length > 1:
            return Span(i, i + length, "qty", lex.quantities[key])
        return None

    def _single(self, token: str, i: int) -> Span:
        lex, index = self.lexicon, self.index
        if token in lex.clause_breaks:
            return Span(i, i + 1, "break", token)
        if token == "#":
            return Span(i, i + 1, "product_articles")  # "#7": the code 7, whatever follows
        if token in lex.neutral_marks:
            return Span(i, i + 1, "marker", token)
        if token == "x":
            return Span(i, i + 1, "times")
        if token.startswith("+") and token[1:].isdigit():
            return Span(i, i + 1, "plus", int(token[1:]))
        if token[0].isdigit() and token.replace(",", "").replace(".", "").isdigit():
            return Span(i, i + 1, "number", token.replace(",", "."))
        match = _X_QTY.match(token)
        if match:
            return Span(i, i + 1, "qty", int(match.group(1)), "postfix")
        match = _T_SIZE.match(token)
        if match and index.code_sku(token) is None:
            return Span(i, i + 1, "size_number", match.group(1))
        sku = index.code_sku(token)
        if sku is not None and not token.isalpha():
            return Span(i, i + 1, "code", sku)
        if (token,) in lex.quantities:
            return Span(i, i + 1, "qty", lex.quantities[(token,)])
        for category, words in lex.words.items():
            if token in words:
                return Span(i, i + 1, category)
        if sku is not None:  # an alphabetic code such as "AA": only where nothing else fits
            return Span(i, i + 1, "code", sku)
        if token in lex.fillers or token in lex.of_words:
            return Span(i, i + 1, "filler")  # "of", "von": they say nothing on their own
        if token in lex.negators:
            return Span(i, i + 1, "negator")
        if token in lex.ordinal_markers:
            return Span(i, i + 1, "product_articles")
        misspelt = index.misspelt_name(token)
        if misspelt is not None:
            return Span(i, i + 1, "name", misspelt)
        colour = lex.misspelt_colour(token)
        if colour is not None:
            return Span(i, i + 1, "color", colour)  # "turqesa", "amarilo"
        return Span(i, i + 1, "word", token)
