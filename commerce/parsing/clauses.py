"""Clauses: a comment cut at punctuation and "but"-words, each with the flags its cues give
(a claim, strong or weak; a cancel; a negation, a condition, the past, a question...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from commerce.parsing.lexicon import Lexicon
from commerce.parsing.spans import Span


@dataclass(slots=True)
class Frame:
    """One item being assembled: a product, a quantity, options."""

    sku: str | None = None
    quantity: int | None = None
    options: dict[str, str] = field(default_factory=dict)
    explicit_ref: bool = False
    counted: bool = False  # a count the viewer stated ("2", "x2", "deux"), not an article
    # the product whose code the count's number also was ("5 media nero 2 pezzi": when a
    # count with its unit follows, the first number was that product's code after all)
    count_code: str | None = None
    # units counted one person at a time ("one for me and one for my sister"): they add up
    shares: int = 0


@dataclass(slots=True)
class Clause:
    spans: list[Span]
    ends_with_question: bool = False
    flags: set[str] = field(default_factory=set)
    strong_claim: bool = False
    weak_claim: bool = False
    negated: bool = False
    unknown: int = 0
    frames: list[Frame] = field(default_factory=list)
    has_code_ref: bool = False
    after_but: bool = False  # follows "mais", "but", "pero", "aber"
    withdrawn: bool = False  # a claim verb said as no longer meant ("je prends plus")
    request: bool = False  # a claim asked as a question ("can I get it in gold?")
    someone_else: bool = False  # the claim's subject is another person ("my brother's gonna grab")


# spans that only name a product or an option of it
_NAMING_KINDS = frozenset(
    {
        "marker",
        "filler",
        "product_articles",
        "name",
        "code",
        "color",
        "size_word",
        "size_number",
        "size_concept",
        "size_markers",
        "number",
    }
)


class ClauseReader:
    """Cuts a comment into clauses and flags each from its cues."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def cut(self, spans: list[Span], tokens: list[str]) -> list[Clause]:
        """Cut the spans into clauses at punctuation and "but"-words; what follows "instead
        of" is a clause of its own, flagged as refused ("statt dem Hoodie": not taken)."""
        clauses: list[Clause] = []
        current: list[Span] = []
        after_but = refused = False
        but_words = self.lexicon.but_words

        def close(ends_with_question: bool = False) -> None:
            nonlocal current, after_but, refused
            if not current:
                return
            clause = Clause(current, ends_with_question=ends_with_question, after_but=after_but)
            if refused:
                clause.flags |= {"negation", "refused"}
            clauses.append(clause)
            current, after_but, refused = [], False, False

        for position, span in enumerate(spans):
            if span.kind == "instead":
                close()
                refused = True
            elif (
                span.kind == "word"
                and span.value == "ma"
                and any(
                    s.language == "it" and s.kind in ("claim", "conditional", "request_claims")
                    for s in current
                )
            ):
                # Italian "ma" after an Italian claim or wish is "but" ("lo voglio ma è
                # finito"); in French it is "my" ("ma taille"): no but-word of its own
                close()
                after_but = True
            elif span.kind == "corrections" and self._opens_correction(
                spans, position, current, tokens
            ):
                # "gold 56 sorry I meant 58": what the cue opens replaces what came before
                close()
                current.append(span)
            elif span.kind == "break":
                if current:
                    close(ends_with_question=span.value == "?")
                elif span.value == "?" and clauses:
                    clauses[-1].ends_with_question = True
                after_but = after_but or span.value in but_words
            else:
                current.append(span)
        close()
        return clauses

    _VERB_ENDINGS = ("t", "en", "st", "nn", "d")  # "kommt", "können", "wird"

    def _verb_first(self, spans: list[Span], tokens: list[str]) -> bool:
        """A clause opening on a word no lexicon knows that ends like a German verb, right
        before a subject ("wird der Code abgezogen", "können Sie liefern"): asked by
        putting the verb first."""
        opening = [s for s in spans if s.kind not in ("marker", "filler")][:2]
        if len(opening) < 2 or opening[0].kind != "word":
            return False
        verb, subject = tokens[opening[0].start], tokens[opening[1].start]
        return (
            len(verb) > 3
            and verb.isalpha()
            and verb.endswith(self._VERB_ENDINGS)
            and subject in self.lexicon.verb_first_subjects
        )

    def _opens_correction(
        self, spans: list[Span], position: int, current: list[Span], tokens: list[str]
    ) -> bool:
        """Whether a correction cue in mid-clause starts what replaces the words before it:
        something was said before it and a value follows ("non 100g pardon" ends on it;
        "torréfié ou plutôt vert" weighs two)."""
        if not any(s.kind not in ("marker", "filler") for s in current):
            return False
        if tokens[current[-1].end - 1] in self.lexicon.or_words:
            return False
        following = spans[position + 1] if position + 1 < len(spans) else None
        return following is not None and following.kind != "break"

    @staticmethod
    def small_talk(clause: Clause) -> None:
        """Small talk asked with a question mark is not a question about buying, unless it
        names a product or an option ("ça va ? le 3 existe en M ?")."""
        if "chat" in clause.flags and "question" in clause.flags and not clause.frames:
            clause.flags.discard("question")

    def flag(self, clause: Clause, tokens: list[str]) -> None:
        """The clause's flags from its cues, and whether it claims, weakly or strongly."""
        spans = clause.spans
        clause_flags = self.lexicon.clause_flags
        for position, span in enumerate(spans):
            if span.kind == "request_claims":
                # decided in _claims: it must name what it takes, unless a pronoun in it
                # does ("me la metti da parte?", "mettez-m'en")
                clause.request = True
                clause.strong_claim |= bool(
                    self.lexicon.object_pronouns & set(tokens[span.start : span.end])
                )
                continue
            if span.kind == "chat_questions":
                clause.flags.add("chat")  # "ça va ?", "the song?": not about buying
                continue
            if span.kind == "stock_conditions":
                # "if it's still there", "s'il en reste": a claim on today's stock stays a
                # claim; with no claim it asks whether there is any
                clause.flags.add("stock")
                continue
            if span.kind == "feature_questions":
                clause.flags.add("feature")  # a question if the clause claims nothing
                continue
            if span.kind == "interrogatives":
                # "comment ça taille", "ça taille comment": not "come sempre", "wie aus Top Gun"
                if self._opens_or_ends(spans, position, tokens):
                    clause.flags.add("question")
                continue
            if span.kind == "question_openers":
                # "is it lined", "hat die Jacke": asked by putting the verb first
                if all(s.kind == "marker" for s in spans[:position]):
                    clause.flags.add("question")
                continue
            if span.kind == "third_party" and self._subject_of_claim(spans, position, tokens):
                clause.someone_else = True
            if span.kind == "third_party" and self._beneficiary(spans, position, tokens):
                continue  # "pour moi et ma mère": bought for them, by the speaker
            if span.kind in clause_flags:
                clause.flags.add(span.kind)
                if span.kind == "claim":
                    if self._takes_something_else(spans, position, tokens):
                        continue  # "je prends des notes", "I'll take a break"
                    if self._no_longer(span, tokens):
                        clause.flags.discard("claim")
                        clause.flags.add("cancel")  # "je prends plus le 4": withdrawn
                        clause.withdrawn = True
                        continue
                    if span.value == "weak":
                        clause.weak_claim = True
                    else:
                        clause.strong_claim = True
                    if self._negated(spans, position, tokens):
                        clause.negated = True
            elif span.kind == "plus":
                clause.strong_claim = True
        if not clause.withdrawn and (
            self._negated_no_longer(spans, tokens) or self._split_cancel(spans, tokens)
        ):
            clause.flags.discard("claim")
            clause.flags.discard("negation")
            clause.flags.add("cancel")  # "je ne prends plus", "non lo prendo più"
            clause.withdrawn = True
            clause.strong_claim = clause.weak_claim = clause.negated = False
        if "negation" in clause.flags and not clause.withdrawn:
            clause.negated = True
        if clause.after_but and spans and spans[0].kind == "negator" and not clause.strong_claim:
            clause.negated = True  # "je le veux mais pas en navy": not that one
        if not clause.withdrawn:
            self._cart_move(clause, tokens)
        if (
            clause.negated
            and not clause.flags & {"cancel", "refused"}
            and self._finally(clause, tokens)
        ):
            clause.flags.add("cancel")  # "finalement je prends pas", "al final no me llevo"
            clause.withdrawn = True
            clause.negated = clause.strong_claim = clause.weak_claim = False
        if clause.flags & {"feature", "stock"} and not (clause.strong_claim or clause.weak_claim):
            clause.flags.add("question")  # "la gorra es ajustable", "si queda en M"
        if not (clause.strong_claim or clause.weak_claim or clause.withdrawn) and (
            self._weighs_two(spans, tokens)
            or self._made_of(spans, tokens)
            or self._alternatives(spans, tokens)
        ):
            clause.flags.add("question")  # "plus jaune ou plus ocre", "c'est du grès"
        if not (clause.strong_claim or clause.weak_claim) and self._verb_first(spans, tokens):
            clause.flags.add("question")  # "kommt alles in ein Paket", "fusselt die"
        if clause.ends_with_question:
            clause.flags.add("question")

    def _opens_or_ends(self, spans: list[Span], position: int, tokens: list[str]) -> bool:
        """Whether an interrogative word asks: it opens its clause (after greetings, "and"
        and punctuation: "bonjour comment…") or closes it ("ça taille comment"). In the
        middle it compares or relates ("comme toujours", "wie aus Top Gun")."""
        lexicon = self.lexicon
        said_before = [
            token
            for span in spans[:position]
            if span.kind not in ("marker", "joiners")
            for token in tokens[span.start : span.end]
            if token not in lexicon.fillers
        ]
        # what follows a closing one may only name the thing asked about ("elle sent quoi
        # la cèdre")
        naming_only = all(s.kind in _NAMING_KINDS for s in spans[position + 1 :])
        return not said_before or naming_only

    def _subject_of_claim(self, spans: list[Span], position: int, tokens: list[str]) -> bool:
        """Whether another person is who claims: a claim within three spans after them, and
        no "for" before them ("ma soeur va la prendre", not "je le prends pour ma soeur")."""
        if position > 0 and tokens[spans[position - 1].end - 1] in self.lexicon.for_words:
            return False
        return any(s.kind == "claim" for s in spans[position + 1 : position + 4])

    _OPTIONISH = frozenset({"color", "size_word", "size_number", "size_concept", "number", "name"})

    def _optionish(self, span: Span, tokens: list[str]) -> bool:
        token = tokens[span.start]
        lex = self.lexicon
        return (
            span.kind in self._OPTIONISH
            or (token,) in lex.value_words
            or (token,) in lex.colors
            or token in lex.size_systems
            or token in lex.unit_words  # "500 g oder 1 kg"
        )

    def _weighs_two(self, spans: list[Span], tokens: list[str]) -> bool:
        """Two options, sizes or materials weighed with "or" ("taille uk ou us", "lana o
        cotone"), or two comparisons ("plus saumon ou plus poudré"): which is it?"""
        lex = self.lexicon
        for j in range(1, len(spans) - 1):
            span = spans[j]
            if span.end - span.start != 1 or tokens[span.start] not in lex.or_words:
                continue
            right = j + 1
            compared = tokens[spans[right].start] in lex.comparatives
            if compared and right + 1 < len(spans):
                right += 1
            left = spans[j - 1]
            before_left = tokens[left.start - 1] if left.start > 0 else ""
            if compared and before_left in lex.comparatives:
                return True
            if self._optionish(left, tokens) and self._optionish(spans[right], tokens):
                return True
        return False

    def _alternatives(self, spans: list[Span], tokens: list[str]) -> bool:
        """Two things weighed with "or", each said in words ("la suela es de goma o de
        neumático", "M or L if I'm between sizes"), or a question tag closing the clause
        ("XL no hay, verdad", "schon ausverkauft oder")."""
        said = [s for s in spans if s.kind != "marker"]
        if said and said[-1].kind == "question_tags":
            return True
        if not any(s.kind == "word" for s in said):
            return False  # "la verte ou la transparente… allez les deux": a choice of options
        lex = self.lexicon
        for j in range(1, len(said) - 1):
            span = said[j]
            word = tokens[span.start]
            # Spanish "u" is also SMS English "you" ("see u next week")
            if span.end - span.start == 1 and word in lex.or_words and word != "u":
                return said[j - 1].kind != "joiners" and said[j + 1].kind != "joiners"
        return False

    def _made_of(self, spans: list[Span], tokens: list[str]) -> bool:
        """A material right after "c'est du", "è", "ist aus": what it is made of, asked."""
        lex = self.lexicon
        start, end = spans[0].start, spans[-1].end
        for k in range(start, end):
            if lex.value_words.get((tokens[k],)) not in lex.material_concepts:
                continue
            for phrase in lex.made_of:
                size = len(phrase)
                if k - size >= start and tuple(tokens[k - size : k]) == phrase:
                    return True
        return False

    def _beneficiary(self, spans: list[Span], position: int, tokens: list[str]) -> bool:
        """Whether the other person is someone the item is for: "for" just before them, or
        "pour moi et ma mère", "per me e mia figlia"."""
        before = tokens[max(0, spans[position].start - 3) : spans[position].start]
        return any(w in self.lexicon.for_words for w in before)

    def _cart_move(self, clause: Clause, tokens: list[str]) -> None:
        """The viewer's cart or order, and what stands just before it: "to my cart", "dans
        mon panier" put something in (a claim); "off my order", "raus aus dem Warenkorb",
        "dal mio carrello" take it out (a cancel)."""
        lex = self.lexicon
        start, end = clause.spans[0].start, clause.spans[-1].end
        for k in range(start, end):
            if tokens[k] not in lex.cart_words:
                continue
            # an article stands between ("off my order", "in den Warenkorb"), unless the
            # word holds one ("au panier", "dal carrello"): "in order to" is not a cart
            before = tokens[max(start, k - 3) : k - 1]
            if k - 1 >= start and tokens[k - 1] in lex.fused_articles:
                before.append(tokens[k - 1])
            if any(w in lex.out_of_cart for w in before):
                clause.flags.discard("claim")
                clause.flags.add("cancel")
                clause.withdrawn = True
                clause.strong_claim = clause.weak_claim = False
                return
            if any(w in lex.into_cart for w in before) and not clause.negated:
                clause.flags.add("claim")
                clause.strong_claim = True
                return

    def _finally(self, clause: Clause, tokens: list[str]) -> bool:
        """Whether "in the end" ("finalement", "al final", "alla fine") comes before the
        clause's end, in it or in the comment before it."""
        end = clause.spans[-1].end
        for phrase in self.lexicon.finally_words:
            size = len(phrase)
            if any(tuple(tokens[k : k + size]) == phrase for k in range(0, end - size + 1)):
                return True
        return False

    def _no_longer(self, claim: Span, tokens: list[str]) -> bool:
        """A claim verb followed, past its object pronouns ("le", "lo", "es", "it"), by
        "no longer" ("plus", "più", "más", "mehr", "anymore"): the claim is taken back.
        "Plus de"/"plus" before a number is "more" ("je prends plus de 2"), not that."""
        lex = self.lexicon
        after = claim.end
        while after < len(tokens) and tokens[after] in lex.object_pronouns:
            after += 1
        if after < len(tokens) and tokens[after] == "nicht":
            after += 1  # "ich nehme es nicht mehr"
        if after >= len(tokens) or tokens[after] not in lex.no_longer:
            return False
        following = tokens[after + 1] if after + 1 < len(tokens) else ""
        return following not in ("de", "d", "que") and not following[:1].isdigit()

    def _split_cancel(self, spans: list[Span], tokens: list[str]) -> bool:
        """A separable verb of withdrawal around what it withdraws: "nimm mich bei den
        Sneakers bitte raus". The verb opens the clause, the particle ends it; fillers
        ("bitte") and punctuation do not count."""
        if not spans or not self.lexicon.split_cancels:
            return False
        last = next((s for s in reversed(spans) if s.kind not in ("marker", "filler")), None)
        if last is None or tokens[last.end - 1] not in self.lexicon.split_cancel_particles:
            return False
        words = [
            t for s in spans if s.kind not in ("marker", "filler") for t in tokens[s.start : s.end]
        ]
        return any(
            len(words) > len(opening) + 1
            and tuple(words[: len(opening)]) == opening
            and words[-1] == closing
            for opening, closing in self.lexicon.split_cancels
        )

    def _negated_no_longer(self, spans: list[Span], tokens: list[str]) -> bool:
        """Negation, a claim verb, then "no longer": "je ne prends plus", "no lo quiero
        más", "I'm not taking it anymore". The verb and "no longer" may be apart by object
        pronouns only; the negation comes at most two words before the verb."""
        if not spans:
            return False
        lex = self.lexicon
        words = tokens[spans[0].start : spans[-1].end]
        for k, word in enumerate(words):
            if word not in lex.no_longer:
                continue
            following = words[k + 1] if k + 1 < len(words) else ""
            if following in ("de", "d", "que", "di", "than") or following[:1].isdigit():
                continue
            verb = k - 1
            while verb >= 0 and words[verb] in lex.object_pronouns:
                verb -= 1
            if verb < 0 or words[verb] not in lex.claim_verbs:
                continue
            before = words[max(0, verb - 3) : verb]
            if any(w in lex.negators or w in lex.negation_particles for w in before):
                return True
        return False

    def _takes_something_else(self, spans: list[Span], position: int, tokens: list[str]) -> bool:
        """A claim verb whose object is not merchandise: an article, then a word that names
        neither a product nor an option."""
        if position + 2 >= len(spans):
            return False
        article, noun = spans[position + 1], spans[position + 2]
        return (
            tokens[article.start] in self.lexicon.indefinite_articles
            and noun.kind == "word"
            and len(str(noun.value)) > 2
        )

    def _negated(self, spans: list[Span], position: int, tokens: list[str]) -> bool:
        """A claim word with a negation right before ("ne prends pas") or after ("prends
        pas"), or one that ends the clause past the object ("ich nehme den Pulli nicht")."""
        last = spans[-1]
        if (
            len(spans) > position + 1
            and last.kind == "negator"
            and tokens[last.start] in self.lexicon.clause_end_negators
        ):
            return True
        before = spans[max(0, position - 2) : position]
        after = spans[position + 1 : position + 2]
        skipped = position + 1
        while skipped < min(len(spans), position + 3) and spans[skipped].kind in ("word", "filler"):
            skipped += 1  # "ich nehme diesmal nichts", "je prends aujourd'hui rien"
        if skipped > position + 1:
            after = spans[skipped : skipped + 1]
        return any(s.kind == "negator" for s in before) or any(
            s.kind == "negator" and s.value is None for s in after
        )
