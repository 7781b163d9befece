"""The rule-based intent parser: a comment becomes buy / cancel / question / other, with items.

How it reads a comment:
1. normalise and tokenise it (commerce.parsing.text);
2. label spans, longest match first (commerce.parsing.spans): lexicon phrases (claims,
   cancels, negations, questions...), product codes and names, colors, sizes, quantities,
   numbers, punctuation;
3. cut it into clauses at punctuation and "but"-words, and give each clause its flags
   (commerce.parsing.clauses);
4. within each clause, build item frames left to right (here): a product reference, a
   quantity or an option that is already set opens a new frame; a number is a code where a
   product is expected, a size where a size is expected, an amount, else a quantity
   (commerce.parsing.numbers);
5. read across clauses: an option or a count added after a comma, every value of an option,
   a count of each item (commerce.parsing.across);
6. correct values the viewer took back (commerce.parsing.corrections);
7. decide the intent from the clauses' flags, and take items from the clauses that claim
   (commerce.parsing.decision).
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from itertools import pairwise

from commerce.catalog import Catalog
from commerce.intent import IntentKind, ParsedIntent
from commerce.parsing.across import carry_over, count_of_each, every_value
from commerce.parsing.catalog_index import CatalogIndex, OptionHit, ProductInfo
from commerce.parsing.clauses import Clause, ClauseReader, Frame
from commerce.parsing.corrections import apply_corrections, refuses_value
from commerce.parsing.decision import Decision
from commerce.parsing.lexicon import Lexicon, load_lexicon
from commerce.parsing.numbers import NumberReader, Reading
from commerce.parsing.spans import Span, SpanLabeller
from commerce.parsing.text import normalize, tokenize, uppercase_sizes

CACHE_SIZE = 50_000
MAX_TOKENS = 120


# what opens another item after an "and": an article, a count or the product itself
_ITEM_STARTS = frozenset({"product_articles", "qty", "number", "code", "name"})


def _count_of(span: Span) -> int:
    """The number a quantity span carries (its value is an int for "qty" and "plus")."""
    value = span.value
    return value if isinstance(value, int) else 1


# spans that may say an option value, refused after a negation
_VALUE_KINDS = frozenset({"color", "size_word", "size_concept", "number", "word"})

# spans that may begin an amount: "500 gr", "un chilo", "mezzo chilo", "Viertelkilo"
_AMOUNT_STARTS = frozenset({"number", "qty", "word", "size_word", "filler", "product_articles"})


class IntentParser(NumberReader):
    """Parses comments against one catalog; pure, deterministic, never raises."""

    def __init__(self, catalog: Catalog, claim_keyword: str = "SOLD") -> None:
        self.lexicon: Lexicon = load_lexicon()
        self.index = CatalogIndex(catalog, self.lexicon)
        keyword = tuple(tokenize(normalize(claim_keyword))) if claim_keyword else ()
        self.labeller = SpanLabeller(self.lexicon, self.index, keyword)
        self.clauses = ClauseReader(self.lexicon)
        self.decision = Decision(self.lexicon)
        self._cache: OrderedDict[tuple[str, str | None], ParsedIntent] = OrderedDict()

    # -- public -------------------------------------------------------------------------

    def parse(self, text: str, featured: str | None = None) -> ParsedIntent:
        """The intent of one comment; `featured` is the SKU shown on stream, if any."""
        if not isinstance(text, str):
            return ParsedIntent(IntentKind.OTHER, (), 1.0)
        if featured is not None and featured not in self.index.products:
            featured = None
        key = (text, featured)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        try:
            result = self._parse(text, featured)
        except Exception:  # a parser bug must never take the live down: say "unsure"
            result = ParsedIntent(IntentKind.OTHER, (), 0.0)
        self._cache[key] = result
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return result

    # -- steps ----------------------------------------------------------------------------

    def _parse(self, text: str, featured: str | None) -> ParsedIntent:
        tokens = tokenize(normalize(text))[:MAX_TOKENS]
        if not tokens:
            return ParsedIntent(IntentKind.OTHER, (), 0.95)
        uppers = uppercase_sizes(text)
        spans = self.labeller.label(tokens)
        clauses = self.clauses.cut(spans, tokens)
        languages: Counter[str] = Counter(
            s.language for s in spans if s.language and s.language != "postfix"
        )
        context = featured
        for k, clause in enumerate(clauses):
            said_before = any(c.frames for c in clauses[:k])
            context = self._read_clause(clause, tokens, uppers, context, featured, said_before)
        carry_over(clauses)
        for clause in clauses:
            every_value(clause, tokens, featured, self.lexicon, self.index)
        count_of_each(clauses, tokens, self.lexicon)
        for condition, then in pairwise(clauses):
            # "falls ihr nachbestellt, nehme ich die 5": the claim hangs on the condition
            if condition.spans[0].kind == "conditional" and not then.after_but:
                then.flags.add("conditional")
        apply_corrections(clauses, featured, tokens, self.lexicon)
        language = languages.most_common(1)[0][0] if languages else None
        return self.decision.decide(clauses, featured, language, tokens)

    # -- one clause -----------------------------------------------------------------------

    def _read_clause(
        self,
        clause: Clause,
        tokens: list[str],
        uppers: frozenset[str],
        context: str | None,
        featured: str | None,
        said_before: bool = False,
    ) -> str | None:
        """Flag the clause and build its item frames; returns the product now in context."""
        self.clauses.flag(clause, tokens)
        spans = clause.spans
        reading = Reading(context, self._first_ref(spans, 0, featured, context))
        reading.said_before = said_before
        prev: Span | None = None
        skip_until = -1
        for position, span in enumerate(spans):
            if position < skip_until:
                continue
            kind = span.kind
            if kind in _VALUE_KINDS and refuses_value(spans, position):
                prev = span  # "en sachet, pas en boîte", "il 40 non il 35": not wanted
                continue
            if (
                kind in _AMOUNT_STARTS
                and self.index.has_amounts
                and (used := self._said_amount(reading, spans, position, tokens))
            ):
                skip_until = position + used  # "500 gr", "mezzo chilo", "6 tazze", "2 x 500g"
                prev = spans[position + used - 1]
                continue
            if kind == "name" and span.color and self._colour_of_another(reading, span):
                # "le cabas en rose" beside a "Parfum Rose": the product being read has
                # that colour, so the word is its colour, not the other product
                spans[position] = Span(span.start, span.end, "color", span.color)
                self._read_option(reading, spans, position, tokens, uppers, prev)
            elif kind == "name" and self._value_of_another(reading, span, prev, tokens):
                # "500 gr moka" of a coffee ground for moka, beside a "Moka" pot
                spans[position] = Span(span.start, span.end, "word", tokens[span.start])
                self._read_option(reading, spans, position, tokens, uppers, prev)
            elif kind == "name" and (named := self._product_as_value(reading, span)):
                # "2 refills of tabac rubio": the refill's scent, not the perfume itself
                self._take_value(reading, *named)
            elif kind in ("code", "name"):
                self._read_reference(reading, clause, position, featured)
            elif kind == "number" and (
                used := self._numbers_value(reading, spans, position, tokens)
            ):
                skip_until = position + used  # "39-42", "35 38": a value of several numbers
            elif kind == "number":
                nxt = spans[position + 1] if position + 1 < len(spans) else None
                # "3 du 14", "2 of 7", "2 del 5": a count, then the product it counts
                counts_of = str(span.value).isdigit() and self._counts_of(spans, position, tokens)
                reading.current = self._number(
                    span, prev, nxt, position, reading, clause, tokens, counts_of=counts_of
                )
                if reading.current is not None and reading.current.sku is not None:
                    reading.product_ctx = reading.current.sku
            elif kind in ("qty", "plus"):
                self._read_count(reading, spans, position, tokens, prev)
            elif kind == "word" and (used := self._cup_first(reading, spans, position, tokens)):
                skip_until = position + used  # "copa C talla 85"
            elif kind in ("color", "size_word", "size_number", "size_concept", "word"):
                used = self._read_option(reading, spans, position, tokens, uppers, prev)
                if used > 1:
                    skip_until = position + used
            prev = span
        clause.frames = reading.frames
        clause.unknown = reading.unknown
        self.clauses.small_talk(clause)
        return reading.product_ctx

    def _colour_of_another(self, reading: Reading, span: Span) -> bool:
        """Whether a name word that is also a colour is a colour of the product being read
        (the item being built, or the one in context), which it does not name."""
        owners = span.value if isinstance(span.value, set) else set()
        sku = (reading.current.sku if reading.current else None) or reading.product_ctx
        info = self.index.products.get(sku) if sku else None
        if info is None or info.sku in owners:
            return False
        concept = str(span.color)
        return self._has_colour(info, concept)

    def _value_of_another(
        self, reading: Reading, span: Span, prev: Span | None, tokens: list[str]
    ) -> bool:
        """Whether a one-word name is an option value of the product being read, which it
        does not name, and no article makes it a product ("la moka" is the pot)."""
        owners = span.value if isinstance(span.value, set) else set()
        sku = (reading.current.sku if reading.current else None) or reading.product_ctx
        info = self.index.products.get(sku) if sku else None
        if info is None or info.sku in owners or span.end - span.start != 1:
            return False
        if prev is not None and prev.kind == "product_articles":
            return False
        word = (tokens[span.start],)
        # said in the catalog's spelling, or in another language ("azahar" of "fleur
        # d'oranger")
        return word in info.values or self.lexicon.value_words.get(word) in info.concepts

    def _product_as_value(
        self, reading: Reading, span: Span
    ) -> tuple[ProductInfo, OptionHit] | None:
        """The option value of the product being read that another product's name says
        ("recharge … piel desnuda" of a refill in the scent "Peau Nue")."""
        owners = span.value if isinstance(span.value, set) else set()
        sku = (reading.current.sku if reading.current else None) or reading.product_ctx
        info = self.index.products.get(sku) if sku else None
        if info is None or info.sku in owners or not info.product_values:
            return None
        hits = {info.product_values[o] for o in owners if o in info.product_values}
        return (info, next(iter(hits))) if len(hits) == 1 else None

    def _read_reference(
        self, reading: Reading, clause: Clause, position: int, featured: str | None
    ) -> None:
        """A product code or name: it names the item being built, or starts a new one."""
        span = clause.spans[position]
        sku = self._resolve_name(span, featured, reading.product_ctx)
        if sku is None:
            reading.unknown += span.kind == "name"
            return
        clause.has_code_ref |= span.kind == "code"
        current = reading.current
        if current is not None and current.sku is None and not current.explicit_ref:
            current.sku, current.explicit_ref = sku, True
        elif (
            current is not None
            and current.sku == sku
            and not current.options
            and (not current.explicit_ref)
        ):
            current.explicit_ref = True
        else:
            reading.current = Frame(sku=sku, explicit_ref=True)
            reading.frames.append(reading.current)
        reading.product_ctx = sku
        reading.upcoming = self._first_ref(clause.spans, position + 1, featured, sku)

    def _read_count(
        self,
        reading: Reading,
        spans: list[Span],
        position: int,
        tokens: list[str],
        prev: Span | None,
    ) -> None:
        """A number word, "x2" or "+1": the count of the item being built, or of a new one."""
        span = spans[position]
        product = reading.product_ctx or reading.upcoming
        if (
            span.kind == "qty"
            and span.language == "postfix"
            and self._before_reference(spans, position)
            and (reading.current is None or reading.current.quantity is not None)
        ):
            # "2x le 4 et 3x le 6": "3x" counts what it comes before, not the 4 again
            reading.current = self._quantity(
                _count_of(span), spans, position, reading.frames, None, product
            )
        elif span.kind == "qty" and span.language == "postfix":
            reading.current = self._quantity(
                _count_of(span),
                spans,
                position,
                reading.frames,
                reading.current,
                product,
                postfix=True,
            )
        elif (
            span.kind == "qty"
            and span.value == 1
            and prev is not None
            and prev.kind == "color"
            and span.end - span.start == 1
            and tokens[span.start] in self.lexicon.one_pronouns
        ):
            pass  # "the pink one": a pronoun, not a count
        elif (
            span.kind == "qty"
            and span.language is None
            and not self._counts(spans, position, tokens)
        ):
            reading.unknown += 1  # "très bien" is not "tres" (three)
        else:
            # "deux du 22", "le plaid gris et deux coussins": the count starts the item of
            # the code or name that follows
            starts = self._counts_of(spans, position, tokens) or (
                reading.current is not None and self._before_reference(spans, position)
            )
            current = None if starts else reading.current
            after = spans[position + 1].start if position + 1 < len(spans) else None
            reading.current = self._quantity(
                _count_of(span),
                spans,
                position,
                reading.frames,
                current,
                product,
                for_someone=after is not None and tokens[after] in self.lexicon.for_words,
            )

    def _read_option(
        self,
        reading: Reading,
        spans: list[Span],
        position: int,
        tokens: list[str],
        uppers: frozenset[str],
        prev: Span | None,
    ) -> int:
        """A color, a size or another word: an option of the item being built, of the product
        named next or of the product in context; returns how many spans it used."""
        span = spans[position]
        hit: OptionHit | None = None
        length, info = 1, None
        upcoming = reading.upcoming
        if reading.current is None and self._joined_before_next_name(spans, position, tokens):
            upcoming = None  # "la marrone in 46 e la cintura": the next name is another item
        candidates = self._option_candidates(reading.current, reading.product_ctx, upcoming)
        for candidate in candidates:
            hit, length = self._option(spans, position, tokens, candidate, uppers, prev)
            if hit is not None:
                info = candidate
                break
        if hit is None or info is None:
            measure_after_number = (
                span.kind == "word"
                and (
                    str(span.value) in self.lexicon.measures
                    or str(span.value) in self.lexicon.size_units  # "6 años", "90 cm"
                )
                and prev is not None
                and prev.kind == "number"
            )
            if (
                span.kind == "word"
                and span.value not in self.lexicon.fillers
                and span.value != "idiom"
                and not measure_after_number
                and span.value not in self.lexicon.fused_articles  # "una al 54"
                and not self._beneficiary(spans, position, tokens)
            ):
                reading.unknown += 1
            return 1
        if reading.current is not None and reading.current.sku not in (None, info.sku):
            reading.current = None  # the option belongs to the product named next
        reading.current = self._add_option(reading.frames, reading.current, info, hit)
        return length

    def _joined_before_next_name(self, spans: list[Span], position: int, tokens: list[str]) -> bool:
        """Whether an "and" that starts another item ("e la cintura", "and 1 belt") stands
        between an option and the next product named; "black and brown belts" is one."""
        for k in range(position + 1, len(spans) - 1):
            kind = spans[k].kind
            if kind in ("code", "name"):
                return False
            if kind == "joiners":
                # "e pure la cintura", "and also 1 belt"
                following = (
                    s
                    for s in spans[k + 1 :]
                    if s.kind != "filler"
                    and tuple(tokens[s.start : s.end]) not in self.lexicon.also_words
                )
                if next(following, spans[k]).kind in _ITEM_STARTS:
                    return True
        return False

    def _beneficiary(self, spans: list[Span], position: int, tokens: list[str]) -> bool:
        """Whether a word says whom the item is for: "per il gatto", "for my dane", "pour
        ma ptite": not a stranger to the claim. It is one noun, ending what it says."""
        following = spans[position + 1].kind if position + 1 < len(spans) else None
        if following not in (None, "joiners", "filler", "marker", "color", "size_word", "name"):
            return False
        for back in (1, 2, 3):
            k = position - back
            if k < 0:
                return False
            token = tokens[spans[k].end - 1]
            if token in self.lexicon.for_words:
                return True
            short_word = spans[k].kind == "word" and len(token) <= 5  # "mio", "meine"
            if not (spans[k].kind == "product_articles" or short_word) or back == 3:
                return False
        return False

    def _first_ref(
        self, spans: list[Span], start: int, featured: str | None, context: str | None
    ) -> str | None:
        for span in spans[start:]:
            if span.kind in ("code", "name"):
                sku = self._resolve_name(span, featured, context)
                if sku is not None:
                    return sku
        return None

    def _resolve_name(self, span: Span, featured: str | None, context: str | None) -> str | None:
        if span.kind == "code":
            return str(span.value)
        owners = span.value
        assert isinstance(owners, set)
        if len(owners) == 1:
            return next(iter(owners))
        for preferred in (context, featured):
            if preferred in owners:
                return preferred
        return None

    def _option(
        self,
        spans: list[Span],
        position: int,
        tokens: list[str],
        info: ProductInfo | None,
        uppers: frozenset[str],
        prev: Span | None,
    ) -> tuple[OptionHit | None, int]:
        """The product option a span states, and how many spans it used."""
        if info is None:
            return None, 1
        span = spans[position]
        # The catalog's own spelling first, longest first ("vert sauge", "bleu marine").
        for length in (3, 2, 1):
            if position + length > len(spans):
                continue
            key = tuple(
                tokens[s.start] for s in spans[position : position + length] if s.end - s.start == 1
            )
            if len(key) == length and key in info.values:
                return info.values[key], length
        if span.kind == "color":
            concept = str(span.value)
            hit = info.concepts.get(concept) or info.families.get(self.lexicon.family_of(concept))
            return hit, 1
        if span.kind == "size_word":
            letter = str(span.value).lower()
            hit = info.letter_sizes.get(letter)
            following = spans[position + 1].kind if position + 1 < len(spans) else None
            if hit is None and following != "word":  # "une grande famille" is no tin size
                hit = info.amount_sizes.get(letter)
            return hit, 1
        if span.kind == "size_concept":
            return info.concepts.get(str(span.value)), 1
        if span.kind == "size_number":
            return info.numeric_sizes.get(str(span.value)), 1
        if span.kind == "word":
            token = str(span.value)
            if token in info.letter_sizes:
                marked = prev is not None and prev.kind == "size_markers"
                if len(token) > 1 or token in uppers or marked:
                    return info.letter_sizes[token], 1
        return None, 1

    # -- the decision -----------------------------------------------------------------------
