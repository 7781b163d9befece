"""The decision: from the clauses' flags and items, buy / cancel / question / other, and the
items a buy claims (bare repeats dropped, options shared out, one entry per distinct item).
"""

from __future__ import annotations

from commerce.intent import ClaimedItem, IntentKind, ParsedIntent
from commerce.parsing.clauses import Clause, Frame
from commerce.parsing.lexicon import Lexicon


class Decision:
    """Decides a comment's intent once its clauses are read."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def _blocked(self, clause: Clause) -> bool:
        flags = clause.flags
        return (
            clause.negated
            or bool(flags & {"conditional", "past"})
            or ("third_party" in flags and not clause.strong_claim)
            or clause.someone_else
        )

    def _claims(
        self,
        clause: Clause,
        featured: str | None,
        total_unknown: int = 0,
        any_blocked: bool = False,
    ) -> bool:
        if self._blocked(clause):
            return False
        if clause.request and (
            clause.strong_claim
            or any(f.explicit_ref or f.options or f.counted for f in clause.frames)
        ):
            return True  # "can I get the necklace in gold?", "me la metti da parte?"
        if "question" in clause.flags:
            return False
        if clause.strong_claim:
            return True
        if "compliment" in clause.flags:
            return False
        if "contrast" in clause.flags:
            return False  # "troppo cara per me stessa": "for me" here is not a claim
        if clause.weak_claim and not clause.unknown and total_unknown <= 1:
            return True  # "moi !", "mine!! in red" - but not "moi aussi, très bien emballé"
        if clause.weak_claim and not clause.unknown and any(f.explicit_ref for f in clause.frames):
            return True  # "coffret découverte pour moi, je connais pas la marque": it is named
        if any_blocked:
            return False  # a bare option beside "j'ai pris le M la dernière fois" is talk
        # A bare reference: "12 en M", "2 noires", "A7 noir x2", "trois en M pour le club".
        for frame in clause.frames:
            if frame.sku is None and featured is None:
                continue
            signals = bool(frame.options) + frame.counted + frame.explicit_ref
            named = frame.explicit_ref or bool(frame.options)
            if not clause.unknown and (
                frame.options or frame.counted or (frame.explicit_ref and clause.has_code_ref)
            ):
                return True
            if signals >= 2 and named and clause.unknown <= 3:
                return True
            if clause.weak_claim and signals >= 2 and clause.unknown <= 2:
                return True
        return False

    def decide(
        self,
        clauses: list[Clause],
        featured: str | None,
        language: str | None,
        tokens: list[str],
    ) -> ParsedIntent:
        cancel = [c for c in clauses if "cancel" in c.flags and not c.negated]
        if cancel:
            items = self._cancel_items(clauses)
            return ParsedIntent(IntentKind.CANCEL, items, 0.9, language)
        total_unknown = sum(c.unknown for c in clauses)
        # "la quiero pero es muy cara", "I want it but it's sold out": taken back by a "but".
        taken_back = any(
            c.after_but and c.flags & {"contrast", "past", "conditional"} for c in clauses
        )
        # Talk of the past, a refusal or a wish elsewhere in the comment makes a bare option
        # commentary; "une pour ma mère" (someone it is for) does not.
        any_blocked = any(
            (c.negated and "refused" not in c.flags) or c.flags & {"conditional", "past"}
            for c in clauses
        )
        claiming = (
            []
            if taken_back
            else [c for c in clauses if self._claims(c, featured, total_unknown, any_blocked)]
        )
        items = self._buy_items(clauses, claiming, featured, tokens) if claiming else ()
        if claiming and not items and (featured is None or any(self._asks(c) for c in clauses)):
            # "first time buying, how does it work?": nothing to claim, a question asked;
            # with no product on screen and none named, nothing is claimed either
            claiming = []
        if claiming:
            strong = any(c.strong_claim for c in claiming)
            confidence = 0.95 if strong else 0.75
            if not items:
                confidence = 0.4
            elif any("question" in c.flags for c in clauses):
                confidence = min(confidence, 0.7)
            return ParsedIntent(IntentKind.BUY, items, confidence, language)
        if any(self._asks(c) for c in clauses):
            claimish = any(c.strong_claim or c.weak_claim for c in clauses)
            return ParsedIntent(IntentKind.QUESTION, (), 0.6 if claimish else 0.85, language)
        claimish = any(c.strong_claim or c.weak_claim or c.frames for c in clauses)
        return ParsedIntent(IntentKind.OTHER, (), 0.6 if claimish else 0.9, language)

    @staticmethod
    def _asks(clause: Clause) -> bool:
        """A question, unless a wish and its obstacle, with no question mark, merely name a
        topic ("I'd buy it if shipping weren't so expensive")."""
        if "question" not in clause.flags:
            return False
        return clause.ends_with_question or not {"conditional", "contrast"} <= clause.flags

    def _cancel_items(self, clauses: list[Clause]) -> tuple[ClaimedItem, ...]:
        items: dict[tuple[str, tuple[tuple[str, str], ...]], ClaimedItem] = {}
        for clause in clauses:
            for frame in clause.frames:
                if frame.sku is None or not frame.explicit_ref:
                    continue
                key = (frame.sku, tuple(sorted(frame.options.items())))
                items.setdefault(key, ClaimedItem(frame.sku, 1, dict(frame.options)))
        return tuple(items.values())

    @staticmethod
    def _has_phrase(clause: Clause, tokens: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
        start, end = clause.spans[0].start, clause.spans[-1].end
        return any(
            tuple(tokens[k : k + len(p)]) == p
            for p in phrases
            for k in range(start, end - len(p) + 1)
        )

    def _buy_items(
        self,
        clauses: list[Clause],
        claiming: list[Clause],
        featured: str | None,
        tokens: list[str],
    ) -> tuple[ClaimedItem, ...]:
        frames: list[Frame] = []
        claim_frames = any(f.options for c in claiming for f in c.frames)
        # "vendu ! la chemise blanche en M": the claim is of the product the comment names,
        # not of the featured one as well
        names_one = any(f.explicit_ref for c in clauses for f in c.frames) and not any(
            self._has_phrase(c, tokens, self.lexicon.also_words) for c in clauses
        )
        bare_claim = any(c in claiming and not c.frames for c in clauses)
        for clause in clauses:
            if clause in claiming:
                usable = True
            elif bare_claim and self._for_someone(clause):
                usable = True  # "gemelli in oro per mio figlio, li prendo": taken for him
            elif self._blocked(clause) or clause.strong_claim or clause.weak_claim:
                usable = False
            elif "question" in clause.flags:
                # "il reste du L ? je le prends": the question says which one is claimed.
                usable = not claim_frames and "compliment" not in clause.flags
                if claim_frames and "compliment" not in clause.flags:
                    self._lend_options(clause, claiming, featured)
            else:
                usable = "compliment" not in clause.flags
            if not usable:
                continue
            clause_frames = [f for f in clause.frames if f.sku is not None or featured]
            if clause in claiming and self._counts_what_was_asked(clause, frames):
                continue  # "il reste des mugs jaunes ? j'en prends 2": the count went to them
            if clause in claiming and not clause_frames and featured and not names_one:
                clause_frames = [Frame(sku=featured)]
            frames.extend(clause_frames)
        for frame in frames:
            if frame.sku is None:
                frame.sku = featured
        frames = [f for f in frames if f.sku is not None]
        frames = self._merge(frames)
        return tuple(ClaimedItem(str(f.sku), f.quantity or 1, dict(f.options)) for f in frames)

    @staticmethod
    def _for_someone(clause: Clause) -> bool:
        """A clause that names a product for another person, who does not take it themselves
        ("les boutons de manchette pour le mariage de mon fils")."""
        return (
            "third_party" in clause.flags
            and not (
                clause.negated or clause.someone_else or clause.flags & {"conditional", "past"}
            )
            and any(f.explicit_ref for f in clause.frames)
        )

    @staticmethod
    def _counts_what_was_asked(clause: Clause, earlier: list[Frame]) -> bool:
        """A claim that is only a count ("j'en prends 2", "ne prendo due") after a question
        that named one product: the count is of that product, which it then claims."""
        bare = clause.frames
        if len(bare) != 1 or bare[0].sku is not None or bare[0].options:
            return False
        named = [f for f in earlier if f.explicit_ref]
        if len(named) != 1 or len(earlier) != 1:
            return False
        named[0].quantity = bare[0].quantity or named[0].quantity
        return True

    @staticmethod
    def _lend_options(question: Clause, claiming: list[Clause], featured: str | None) -> None:
        """ "any 9.5 left? I'll take the black": an option asked about in the comment goes
        to the one item claimed of that product, when the claim does not state it."""
        for asked in question.frames:
            sku = asked.sku or featured
            takers = [f for c in claiming for f in c.frames if (f.sku or featured) == sku and sku]
            if len(takers) != 1:
                continue
            for name, value in asked.options.items():
                takers[0].options.setdefault(name, value)

    @staticmethod
    def _merge(frames: list[Frame]) -> list[Frame]:
        """Drop bare repeats ("SOLD SOLD"), share a lone option between the items of one
        product ("bleue et verte en M"), keep one frame per distinct item."""
        by_sku: dict[str, list[Frame]] = {}
        for frame in frames:
            by_sku.setdefault(str(frame.sku), []).append(frame)
        result: list[Frame] = []
        for group in by_sku.values():
            with_options = [f for f in group if f.options]
            counts = [f.quantity for f in group if not f.options and f.quantity]
            if with_options:
                # A count said apart from the options ("2 pour moi : une en 37, une en 40")
                # belongs to them when there is one item, and is their sum otherwise.
                if counts and len(with_options) == 1 and with_options[0].quantity is None:
                    with_options[0].quantity = counts[0]
                group = with_options
            else:
                counted = [f for f in group if f.quantity is not None]
                group = counted[:1] or group[:1]
            if len(group) > 1:
                names = {name for f in group for name in f.options}
                for name in names:
                    holders = [f for f in group if name in f.options]
                    if len(holders) == 1:
                        for f in group:
                            f.options.setdefault(name, holders[0].options[name])
            # "two blacks, M and L": a count whose items are then listed one by one.
            group = [
                f
                for f in group
                if not (
                    f.quantity
                    and f.quantity > 1
                    and f.quantity
                    == sum(1 for g in group if g is not f and f.options.items() < g.options.items())
                )
            ]
            # "blue and green, both in S": the lone "S" item was shared out above.
            group = [
                f
                for f in group
                if f.quantity is not None
                or not any(g is not f and f.options.items() < g.options.items() for g in group)
            ]
            kept: list[Frame] = []
            for frame in group:
                twin = next((k for k in kept if k.options == frame.options), None)
                if twin is not None and frame.quantity is None:
                    continue
                if twin is not None and twin.quantity is None:
                    # "Socken 43-46, zwei Paar schwarz": the item said again with its count
                    kept.remove(twin)
                kept.append(frame)
            if len(kept) == 1 and kept[0].quantity is None and len(counts) == 1:
                # "three bags of the blend, 250 g, filter": options said one by one make
                # one item, and the count said first is its count
                kept[0].quantity = counts[0]
            result.extend(kept)
        order = {id(f): i for i, f in enumerate(frames)}
        return sorted(result, key=lambda f: order.get(id(f), 0))
