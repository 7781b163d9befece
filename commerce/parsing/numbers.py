"""Numbers, counts and amounts: whether a number is a product's code, a size, an amount
("500 g", "cien gramos") or a count, and the item frames they open or fill. The intent
parser reads clauses with these; they know the catalog index and the lexicons, nothing of
clauses' flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from commerce.parsing.catalog_index import LETTER_SIZE, CatalogIndex, OptionHit, ProductInfo
from commerce.parsing.clauses import Clause, Frame
from commerce.parsing.lexicon import Lexicon
from commerce.parsing.spans import Span

MAX_QUANTITY = 20
_SMALL_COUNT = 4  # "2 in black": a number this small before a colour may be a count
_OWN_CODE_MIN = 5  # above it, the featured product's own code opening a comment is that code
_COUNT_NOT_SIZE = 10  # after "le prendo": up to this a number is a count, above it a size

# "please", after a number word: the count is asked for ("tres bien" is not three)
_PLEASE_1 = frozenset({"svp", "stp", "please", "pls", "plz", "bitte", "porfa", "porfis"})
_PLEASE = frozenset({("por", "favor"), ("per", "favore"), ("s", "il")})


def _please_at(tokens: list[str], start: int) -> bool:
    """Whether "please" is said at this token ("svp", "por favor")."""
    return tokens[start] in _PLEASE_1 or tuple(tokens[start : start + 2]) in _PLEASE


@dataclass(slots=True)
class Reading:
    """Where the reading of one clause stands, span after span."""

    product_ctx: str | None  # the product the clause is about so far
    upcoming: str | None  # the next product the clause names
    frames: list[Frame] = field(default_factory=list)
    current: Frame | None = None  # the item being built
    unknown: int = 0  # words that are neither cues, products nor options
    said_before: bool = False  # an earlier clause of the comment named an item


@dataclass(slots=True)
class _NumberSite:
    """A bare number, and what stands around it."""

    number: str
    code_sku: str | None
    info: ProductInfo | None
    is_size: bool
    prev_kind: str | None
    next_kind: str | None
    next_token: str | None
    after_size_word: bool = False  # "size 9", "taille 40": never a count
    after_sold: bool = False  # "sold 8": a code, as the spec's "sold 12"


class NumberReader:
    """The number, count and amount reading of the intent parser, and the option
    bookkeeping it shares with the rest of the clause reading."""

    index: CatalogIndex
    lexicon: Lexicon

    def _numbers_value(
        self, reading: Reading, spans: list[Span], position: int, tokens: list[str]
    ) -> int:
        """A catalog value written as two or three numbers ("39-42", "35/38") said whole:
        the option of the product it belongs to; returns how many spans it used (0: none)."""
        candidates = self._option_candidates(reading.current, reading.product_ctx, reading.upcoming)
        numbers: list[int] = []  # positions of the numbers, past a "/" between them ("43/46")
        k = position
        while k < len(spans) and len(numbers) < 3:
            if spans[k].kind == "number":
                numbers.append(k)
            elif not (spans[k].kind == "marker" and numbers and k + 1 < len(spans)):
                break
            k += 1
        for length in (3, 2):
            # "150x250", "25 cm", "15cm": the catalog's own spelling, begun by a number
            said = tuple(
                tokens[s.start] for s in spans[position : position + length] if s.end - s.start == 1
            )
            if len(said) == length and position + length <= len(spans):
                for info in candidates:
                    hit = info.values.get(said)
                    if hit is not None:
                        self._take_value(reading, info, hit)
                        return length
        cup = self._cup_letter(spans, position + 1, tokens)
        if cup is not None:
            # "90 copa C", "85 bonnet B": a band and its cup, the catalog's "90C"
            said = (tokens[spans[position].start], cup)
            for info in candidates:
                hit = info.values.get(said)
                if hit is not None:
                    self._take_value(reading, info, hit)
                    return 3
        system = spans[position + 1] if position + 1 < len(spans) else None
        if (
            system is not None
            and system.end - system.start == 1
            and tokens[system.start] in self.lexicon.size_systems
        ):
            # "8 uk", "10 us": the number and its sizing system name the value "UK 8"
            said = (tokens[system.start], tokens[spans[position].start])
            for info in candidates:
                hit = info.values.get(said)
                if hit is not None:
                    self._take_value(reading, info, hit)
                    return 2
        for count in (3, 2):
            if len(numbers) < count:
                continue
            length = numbers[count - 1] - position + 1
            key = tuple(tokens[spans[n].start] for n in numbers[:count])
            for info in candidates:
                hit = info.values.get(key)
                if hit is not None:
                    self._take_value(reading, info, hit)
                    return length
        return 0

    def _cup_letter(self, spans: list[Span], position: int, tokens: list[str]) -> str | None:
        """The letter of a cup said at this span with its word: "copa C", "cup D"."""
        if position + 1 >= len(spans):
            return None
        word, letter = tokens[spans[position].start], tokens[spans[position + 1].start]
        if word in self.lexicon.cup_words and len(letter) == 1 and letter.isalpha():
            return letter
        return None

    def _cup_first(
        self, reading: Reading, spans: list[Span], position: int, tokens: list[str]
    ) -> int:
        """ "copa C talla 85": the cup, then the band (after a size word or not); returns
        how many spans it used (0: none)."""
        cup = self._cup_letter(spans, position, tokens)
        if cup is None:
            return 0
        band = position + 2
        if band < len(spans) and spans[band].kind == "size_markers":
            band += 1
        if band >= len(spans) or spans[band].kind != "number":
            return 0
        said = (tokens[spans[band].start], cup)
        for info in self._option_candidates(reading.current, reading.product_ctx, reading.upcoming):
            hit = info.values.get(said)
            if hit is not None:
                self._take_value(reading, info, hit)
                return band - position + 1
        return 0

    def _said_amount(
        self, reading: Reading, spans: list[Span], position: int, tokens: list[str]
    ) -> int:
        """An amount the catalog sells ("500 g", "0,6 L", "6 Tassen") said in any unit or
        words ("500 gr", "mezzo chilo", "6 tazze", "0,6"), or counted ("2 x 500g"): the
        option of the product it belongs to; returns how many spans it used (0: none)."""
        candidates = self._option_candidates(reading.current, reading.product_ctx, reading.upcoming)
        if not any(info.amounts for info in candidates):
            return 0
        span = spans[position]
        if (
            span.kind == "number"
            and str(span.value).isdigit()
            and position + 2 < len(spans)
            and spans[position + 1].kind == "times"
        ):
            used = self._said_amount(reading, spans, position + 2, tokens)
            if used and reading.current is not None:
                reading.current.quantity = max(1, min(int(str(span.value)), MAX_QUANTITY))
                reading.current.counted = True
                return used + 2
            return 0
        for length in (3, 2, 1):
            if position + length > len(spans):
                continue
            said = tuple(tokens[span.start : spans[position + length - 1].end])
            amount = self.lexicon.amount(said)
            if amount is None:
                continue
            for info in candidates:
                hit = info.amounts.get(amount)
                if hit is not None:
                    self._take_value(reading, info, hit)
                    return length
        if span.kind == "number" and self._amount_number(span, spans, position, tokens):
            number = str(span.value)
            for info in candidates:
                hit = info.amount_numbers.get(number)
                if hit is not None:
                    self._take_value(reading, info, hit)
                    return 1
        return 0

    def _amount_number(
        self, span: Span, spans: list[Span], position: int, tokens: list[str]
    ) -> bool:
        """Whether a number alone may be an amount's number ("0,6", "da 250"): a decimal, or
        one too big to be a count that no product has as its code."""
        number = str(span.value)
        if not number.replace(".", "").isdigit():
            return False
        if "." in number:
            return True
        return int(number) > MAX_QUANTITY and self.index.code_sku(tokens[span.start]) is None

    def _take_value(self, reading: Reading, info: ProductInfo, hit: OptionHit) -> None:
        """The option of `info` said whole: of the item being built, or of a new one when
        that item is another product's."""
        if reading.current is not None and reading.current.sku not in (None, info.sku):
            reading.current = None
        reading.current = self._add_option(reading.frames, reading.current, info, hit)

    def _counts_of(self, spans: list[Span], position: int, tokens: list[str]) -> bool:
        """A count, then "of" and a product's code, maybe after an article: "3 du 14",
        "deux du 22", "2 of 7", "2 of the 3", "deux de la 5", "zwei von der 3"."""
        if position + 2 >= len(spans):
            return False
        of, ref = spans[position + 1], spans[position + 2]
        after = position + 3
        if ref.kind == "product_articles" and position + 3 < len(spans):
            ref, after = spans[position + 3], position + 4
        if not (of.end - of.start == 1 and tokens[of.start] in self.lexicon.of_words):
            return False
        if ref.kind == "code" or ref.kind == "units":
            return True  # "2 of 7", "2 of these"
        counted = spans[position]
        coded = counted.kind == "number" and self.index.code_sku(str(counted.value)) is not None
        if ref.kind == "number" and self.index.code_sku(str(ref.value)) is None:
            # "two of the 15 cm ones", "dos de 25 cm": a count of a product's size; after a
            # code it is that product's size ("el 4 de 50 ml")
            return not coded and self.index.is_size_number(str(ref.value))
        if ref.kind != "number":
            return False
        if self._amount_at(spans, after - 1, tokens):
            return False  # "two of the 6-tea boxes": a code's number, but said as an amount
        # "el 4 de 50 ml", "el 8 de 38": a code, then a volume or size of its product
        owner = self.index.code_sku(str(counted.value)) if counted.kind == "number" else None
        if owner is None:
            return True
        info = self.index.products[owner]
        number = str(ref.value)
        unit = tokens[spans[after].start] if after < len(spans) else ""
        return number not in info.numeric_sizes and (number, unit) not in info.values

    def _before_reference(self, spans: list[Span], position: int) -> bool:
        """Whether a product reference follows ("3x le 6", "2 pull", "2x 14"): a code or
        a name, right after or after an article, or a number that is a product's code."""
        following = [s.kind for s in spans[position + 1 : position + 3]]
        if not following:
            return False
        if following[0] in ("code", "name"):
            return True
        nxt = spans[position + 1]
        if nxt.kind == "number" and self.index.code_sku(str(nxt.value)) is not None:
            return True
        return following[0] == "product_articles" and following[1:2] in (
            ["code"],
            ["number"],
            ["name"],
        )

    def _counts(self, spans: list[Span], position: int, tokens: list[str]) -> bool:
        """Whether a number word stands as a count: before what is counted, a size, "for",
        or at the end ("ne prendo due")."""
        if position + 1 >= len(spans):
            return True
        nxt = spans[position + 1]
        if nxt.kind == "qty" and tokens[nxt.start] in self.lexicon.indefinite_articles:
            # "sei un tesoro" (you are a treasure): an article, a count only if it counts
            return self._counts(spans, position + 1, tokens)
        if nxt.kind in (
            "color",
            "name",
            "size_concept",
            "units",
            "size_word",
            "size_markers",
            "number",
            "code",
            "size_number",
            "claim",
            "qty",
            "marker",
        ):
            return True
        if (
            nxt.kind == "product_articles"
            and position + 2 < len(spans)
            and (
                spans[position + 2].kind in ("name", "code")
                or self.index.code_sku(str(spans[position + 2].value)) is not None
            )
        ):
            return True  # "deux le pull", "zwei den Pulli" ("sei la migliore" is no count)
        if _please_at(tokens, nxt.start):
            return True  # "deux svp", "zwei bitte", "dos por favor": a count asked for
        if nxt.kind == "word" and str(nxt.value) in self.lexicon.measures:
            return True
        if nxt.kind == "word" and tokens[nxt.start] in self.index.value_forms:
            return True  # "deux pistaches": a value the catalog has, in a form of its own
        if self._counts_of(spans, position, tokens):
            return True  # "deux du 22", "two of 7"
        if (
            tokens[nxt.start] in self.lexicon.of_words
            and position + 2 < len(spans)
            and (
                spans[position + 2].kind in ("name", "units")
                # "una de vainilla para mí"; "sei d'oro Ginevra" (you are golden) is no count
                or (
                    spans[position + 2].kind == "color"
                    and (
                        spans[position].end - spans[position].start > 1  # "une demi douzaine"
                        or any(
                            s.kind == "claim" or tokens[s.start] in _PLEASE_1
                            for s in spans[position + 3 :]
                        )
                    )
                )
            )
        ):
            return True  # "une douzaine de chaussettes", "un paio di calzini", "una de vainilla"
        if (
            tokens[nxt.start] in self.lexicon.of_words
            and position + 2 < len(spans)
            and (
                self._amount_at(spans, position + 2, tokens)
                or self._amount_number_of_any(spans[position + 2])
            )
        ):
            return True  # "uno de cien gramos", "2 da 50 g", "dos de 72" (of a "72%")
        return tokens[nxt.start] in self.lexicon.for_words or (
            nxt.kind == "word"
            and (len(str(nxt.value)) == 1 or LETTER_SIZE.match(str(nxt.value)) is not None)
        )  # "un M", "un XL orange"

    def _amount_number_of_any(self, span: Span) -> bool:
        """Whether a number is the number of some product's amount ("72" of "72%")."""
        return span.kind == "number" and str(span.value) in self.index.amount_numbers

    def _amount_at(self, spans: list[Span], position: int, tokens: list[str]) -> bool:
        """Whether an amount ("100 g", "cien gramos", "6 Sorten") starts at this span."""
        start = spans[position].start
        return any(
            self.lexicon.amount(tuple(tokens[start : start + n])) is not None for n in (1, 2, 3)
        )

    def _option_candidates(
        self, current: Frame | None, context: str | None, upcoming: str | None
    ) -> list[ProductInfo]:
        """Whose option a word may be: the item being built, the product named next in the
        clause ("the black bag"), or the product in context."""
        skus = []
        if current is not None and current.sku is not None:
            skus.append(current.sku)
        else:
            skus.extend(s for s in (upcoming, context) if s)
        if current is not None and current.sku is not None and upcoming and upcoming != current.sku:
            skus.append(upcoming)
        return [self.index.products[s] for s in dict.fromkeys(skus) if s in self.index.products]

    def _product_info(
        self, current: Frame | None, context: str | None, upcoming: str | None
    ) -> ProductInfo | None:
        sku = (current.sku if current is not None else None) or context or upcoming
        return self.index.products.get(sku) if sku else None

    def _add_option(
        self, frames: list[Frame], current: Frame | None, info: ProductInfo, hit: OptionHit
    ) -> Frame:
        option, value = hit
        if current is None:
            current = Frame(sku=info.sku)
            frames.append(current)
        elif current.sku is None:
            current.sku = info.sku
        if option in current.options and current.options[option] != value:
            current = Frame(sku=current.sku or info.sku, explicit_ref=current.explicit_ref)
            frames.append(current)
        current.options[option] = value
        return current

    def _quantity(
        self,
        quantity: int,
        spans: list[Span],
        position: int,
        frames: list[Frame],
        current: Frame | None,
        product: str | None,
        postfix: bool = False,
        for_someone: bool = False,
    ) -> Frame:
        quantity = max(1, min(quantity, MAX_QUANTITY))
        token_kind = spans[position].kind
        following = spans[position + 1].kind if position + 1 < len(spans) else None
        if following == "units" and current is not None and current.options:
            postfix = True  # "silber zwei Stück", "white 2 pcs": counts the item before
        counted = quantity > 1 or token_kind in ("number", "plus") or postfix
        if postfix and current is not None and current.quantity is None:
            current.quantity = quantity  # "blanc x2", "A7 noir x2": counts the item before
            current.counted = True
            return current
        if (
            postfix
            and current is not None
            and current.count_code is not None
            and self._has_values(current.count_code, current.options)
        ):
            # "5 media nero 2 pezzi": the count is this; the first number was the code
            current.sku, current.explicit_ref = current.count_code, True
            current.quantity, current.count_code = quantity, None
            return current
        if current is None:
            current = Frame(sku=None, quantity=quantity, counted=counted)
            current.shares = quantity if for_someone else 0
            frames.append(current)
            return current
        if for_someone and not current.options and current.quantity is not None:
            # "one for me and one for my sister" adds up; "deux : un pour moi et un pour
            # ma soeur" gave the total first and shares it out
            if current.shares == current.quantity:
                current.quantity = min(current.quantity + quantity, MAX_QUANTITY)
                current.counted = True
            current.shares += quantity
            return current
        if current.options:
            # "1 noire et 1 rouge": a new quantity after options starts the next item.
            nxt = [s.kind for s in spans[position + 1 : position + 4]]
            if any(
                k in ("color", "size_word", "size_markers", "word", "number", "name", "code")
                for k in nxt
            ):
                current = Frame(
                    sku=current.sku,
                    quantity=quantity,
                    explicit_ref=current.explicit_ref,
                    counted=counted,
                )
                frames.append(current)
            return current
        if current.quantity is None:
            current.quantity = quantity
            current.counted = counted
        else:
            # "2 paires : une en 37 et une en 40" - the per-item count replaces the total
            # only when options follow; "two, one for my mom" keeps two.
            nxt = [s.kind for s in spans[position + 1 : position + 3]]
            if any(k in ("color", "size_word", "size_markers", "size_number") for k in nxt):
                current.quantity = quantity
        return current

    def _number(
        self,
        span: Span,
        prev: Span | None,
        nxt: Span | None,
        position: int,
        reading: Reading,
        clause: Clause,
        tokens: list[str],
        *,
        counts_of: bool = False,
    ) -> Frame | None:
        """A bare number is a size, a product code or a quantity, by where it stands."""
        lex = self.lexicon
        spans, frames, current = clause.spans, reading.frames, reading.current
        product = reading.product_ctx or reading.upcoming
        number = str(span.value)
        info = self._product_info(current, reading.product_ctx, reading.upcoming)
        if (current is None or current.sku is None) and reading.upcoming:
            # "en 38 le botin roca", "30ml aurore": a size or volume of the product named
            # next in the clause, rather than of the one in context
            named = self.index.products.get(reading.upcoming)
            unit = str(nxt.value) if nxt is not None and nxt.kind == "word" else ""
            if named is not None and (
                number in named.numeric_sizes or (number, unit) in named.values
            ):
                info = named
        site = _NumberSite(
            number=number,
            code_sku=self.index.code_sku(number),
            info=info,
            is_size=info is not None and number in info.numeric_sizes,
            prev_kind=prev.kind if prev is not None else None,
            next_kind=nxt.kind if nxt is not None else None,
            next_token=str(nxt.value) if nxt is not None and nxt.kind == "word" else None,
            after_size_word=prev is not None
            and prev.kind == "size_markers"
            and tokens[prev.start] not in lex.size_prepositions,
            after_sold=prev is not None
            and prev.kind == "claim"
            and (prev.value == "keyword" or tokens[prev.end - 1] in lex.sold_words),
        )
        prev_kind, next_token = site.prev_kind, site.next_token
        if (
            number.isdigit()
            and (site.next_kind == "name" or (site.next_kind == "code" and prev_kind is None))
            and prev_kind not in ("product_articles", "size_markers")
            and int(number) <= MAX_QUANTITY
        ):
            # "2 pull bleu marine": a count before a product's name, not the code 2
            return self._quantity(int(number), spans, position, frames, None, product)
        if (
            prev_kind == "times"
            and site.code_sku is not None
            and current is not None
            and current.sku is None
            and current.quantity is not None
        ):
            # "2x 102", "2 x 14": the count came first, this is the product it counts
            current.sku, current.explicit_ref = site.code_sku, True
            clause.has_code_ref = True
            return current
        if site.next_kind == "times" and site.code_sku is not None and number.isdigit():
            after = spans[position + 2] if position + 2 < len(spans) else None
            plain_count_after = (
                after is not None
                and after.kind == "number"
                and self.index.code_sku(str(after.value)) is None
            )
            if int(number) > _COUNT_NOT_SIZE or plain_count_after:
                # "102 x 2", "14 x 3": the product, then its count
                clause.has_code_ref = True
                frame = Frame(sku=site.code_sku, explicit_ref=True)
                reading.frames.append(frame)
                return frame
        if counts_of or ((site.next_kind == "times" or prev_kind == "times") and number.isdigit()):
            postfix = prev_kind == "times"
            # "2x le 4 et 3x le 6": a count before a reference starts the next item
            starts_new = counts_of or (
                site.next_kind == "times" and self._before_reference(spans, position + 1)
            )
            return self._quantity(
                int(number),
                spans,
                position,
                frames,
                None if starts_new else current,
                product,
                postfix=postfix,
            )
        if next_token in lex.size_units and site.is_size and info is not None:
            return self._add_option(frames, current, info, info.numeric_sizes[number])
        if next_token in lex.amount_units or (
            nxt is not None and nxt.kind == "marker" and nxt.value in lex.amount_units
        ):
            return current
        if next_token is not None and next_token in lex.catalog_measures:
            hit = info.values.get((number, next_token)) if info else None
            if hit and info:
                return self._add_option(frames, current, info, hit)
        if prev_kind == "size_markers" and site.is_size and info is not None:
            return self._add_option(frames, current, info, info.numeric_sizes[number])
        if site.after_size_word:
            return current  # "mine in size 9" of a product sized both UK 9 and US 9: neither
        if prev_kind == "claim" and prev is not None and prev.value == "object":
            if (
                site.is_size
                and info is not None
                and not (number.isdigit() and int(number) <= _COUNT_NOT_SIZE)
            ):
                # "le prendo 37", "lo quiero 38,5": a size of it, no count that big
                return self._add_option(frames, current, info, info.numeric_sizes[number])
            if not number.isdigit():
                return current
            return self._quantity(int(number), spans, position, frames, current, product)
        if (
            prev_kind == "claim"
            and not site.after_sold
            and nxt is None
            and reading.said_before
            and reading.product_ctx is not None
            and number.isdigit()
            and 1 < int(number) <= _SMALL_COUNT
        ):
            # "the silk scarf in mustard, I'll take 2": the product was said, this counts it
            return self._quantity(int(number), spans, position, frames, current, product)
        if (
            prev_kind == "joiners"
            and current is not None
            and current.counted
            and number.isdigit()
            and not (site.is_size and int(number) > _OWN_CODE_MIN)  # "… x2 and 42 red x1"
        ):
            # "2 en rose et 1 en vert": the same shape again, a count again.
            return self._quantity(int(number), spans, position, frames, current, product)
        return self._code_size_or_count(site, position, reading, clause, tokens)

    def _small_count_of_a_colour(
        self, site: _NumberSite, position: int, reading: Reading, clause: Clause
    ) -> bool:
        """ "2 in black", "3 en rose" with a product on screen that comes in that colour: a
        small bare number before "in"/"en" and a colour counts the product in context,
        rather than naming the product whose code it also is ("12 en M" stays a code); so do
        options the product on screen has and the coded one lacks ("2 en L navy")."""
        spans = clause.spans
        context = self.index.products.get(reading.product_ctx or "")
        if (
            context is None
            or context.sku == site.code_sku
            or site.prev_kind not in (None, "claim")
            or not site.number.isdigit()
            or not 1 <= int(site.number) <= _SMALL_COUNT
            or site.next_kind not in ("filler", "size_markers")
            or position + 2 >= len(spans)
        ):
            return False
        if spans[position + 2].kind == "color":
            return self._has_colour(context, str(spans[position + 2].value))
        # "2 en L navy": options the product on screen has, and the coded one has not
        said = []
        for span in spans[position + 2 :]:
            if span.kind not in ("color", "size_word", "word"):
                break
            said.append(span)
        coded = self.index.products.get(site.code_sku or "")
        return (
            len(said) >= 2
            and all(self._fits(context, span) for span in said)
            and (coded is None or not all(self._fits(coded, span) for span in said))
        )

    def _has_colour(self, info: ProductInfo, concept: str) -> bool:
        """Whether a product comes in a colour concept, itself or as its only shade of it."""
        return concept in info.concepts or self.lexicon.family_of(concept) in info.families

    def _has_values(self, sku: str, options: dict[str, str]) -> bool:
        """Whether a product comes in every one of these option values."""
        info = self.index.products[sku]
        own = {
            hit
            for table in (info.values, info.letter_sizes, info.numeric_sizes, info.concepts)
            for hit in table.values()
        }
        return all((option, value) in own for option, value in options.items())

    def _fits(self, info: ProductInfo, span: Span) -> bool:
        """Whether an option word names one of this product's values."""
        if span.kind == "color":
            concept = str(span.value)
            return self._has_colour(info, concept)
        if span.kind == "size_word":
            return str(span.value).lower() in info.letter_sizes
        if span.kind == "word":
            return (str(span.value),) in info.values or str(span.value) in info.letter_sizes
        return span.kind in ("size_markers", "marker", "filler", "break")

    def _code_size_or_count(
        self,
        site: _NumberSite,
        position: int,
        reading: Reading,
        clause: Clause,
        tokens: list[str],
    ) -> Frame | None:
        """A number no neighbour explains: a code where a product is expected and no count
        follows, else a size of the product, else a small count."""
        current, info = reading.current, site.info
        prev_kind, next_kind, next_token = site.prev_kind, site.next_kind, site.next_token
        expects_product = (
            prev_kind in ("product_articles", "claim", "qty")  # "2x 14": the count's product
            or prev_kind is None
            or (prev_kind in ("joiners", "marker", "filler"))
        )
        quantity_follows = next_kind in ("color", "name", "units", "size_word") or (
            next_kind == "word"
            and next_token is not None
            and info is not None
            and (next_token,) in info.values
        )
        spans = clause.spans
        if (
            position + 2 < len(spans)
            and tokens[spans[position + 1].start] in self.lexicon.of_words
            and self._amount_at(spans, position + 2, tokens)
        ):
            quantity_follows = True  # "2 da 50 di oolong", "3 of 250 g": counts of an amount
        if (
            prev_kind in (None, "marker")
            and position + 1 < len(spans)
            and _please_at(tokens, spans[position + 1].start)
        ):
            quantity_follows = True  # "1 porfa", "2 please": a count asked for
        own_code = (
            site.code_sku is not None
            and site.code_sku == reading.product_ctx
            and prev_kind in (None, "name")
            and next_kind in ("color", "size_word", "size_number", "word")  # not "6 paires"
            and site.number.isdigit()
            and int(site.number) > _OWN_CODE_MIN
        )
        if site.code_sku is not None and (prev_kind == "product_articles" or own_code):
            # "article 6 gris", "#5 noir": a code, whatever follows; "8 blanco L" of the
            # product on screen, whose code is 8: its code, few viewers want eight
            quantity_follows = False
        elif (
            site.code_sku is not None
            and prev_kind is None
            and next_kind == "claim"
            and reading.said_before
        ):
            quantity_follows = True  # "assiettes vertes, 6 pour moi": how many of those
        elif site.after_sold and site.code_sku is not None and next_kind is not None:
            # "sold 8 navy xxl": the spec's "sold 12", when the options fit that product
            nxt = clause.spans[position + 1]
            quantity_follows = not self._fits(self.index.products[site.code_sku], nxt)
        elif site.code_sku is not None and not quantity_follows:
            quantity_follows = self._small_count_of_a_colour(site, position, reading, clause)
        elif site.code_sku is not None and next_kind is not None and info is not None:
            # "7 rouge" with a cap on screen that has no red: the code of the red shirt
            nxt = clause.spans[position + 1]
            coded = self.index.products[site.code_sku]
            quantity_follows = not (self._fits(coded, nxt) and not self._fits(info, nxt))
        if (
            site.code_sku is not None
            and not quantity_follows
            and next_kind == "size_markers"
            and info is not None
            and site.code_sku != info.sku
            and position + 2 < len(spans)
        ):
            # "1 en rojo" where product 1 has no red and the one on screen has: its count
            option = spans[position + 2]
            coded = self.index.products[site.code_sku]
            quantity_follows = self._fits(info, option) and not self._fits(coded, option)
        if (
            site.code_sku is not None
            and not quantity_follows
            and (expects_product or next_kind in ("size_markers", None))
            and not (site.is_size and prev_kind not in ("product_articles",))
        ):
            clause.has_code_ref = True
            if current is not None and current.sku is None and not current.options:
                current.sku, current.explicit_ref = site.code_sku, True
                return current
            frame = Frame(sku=site.code_sku, explicit_ref=True)
            reading.frames.append(frame)
            return frame
        if site.is_size and info is not None:
            return self._add_option(reading.frames, current, info, info.numeric_sizes[site.number])
        try:
            value = float(site.number)
        except ValueError:
            return current
        if (
            value.is_integer()
            and 1 <= value <= MAX_QUANTITY
            and (
                quantity_follows
                or next_kind in ("size_markers", "qty", None, "filler", "claim")
                or prev_kind in ("claim", None)
            )
        ):
            product = reading.product_ctx or reading.upcoming
            frame = self._quantity(
                int(value), clause.spans, position, reading.frames, current, product
            )
            if site.code_sku is not None and frame.quantity == int(value):
                frame.count_code = site.code_sku
            return frame
        return current
