"""Self-corrections: a viewer takes back a value or an item they just said and gives
another ("rouge 42 ... ah non, 44", "not the M, the S", "für mich nicht die 1kg sondern
die 500g", "en sachet, pas en boîte"). Run on a comment's clauses once they are read, before
the decision.
"""

from __future__ import annotations

from itertools import pairwise

from commerce.parsing.clauses import Clause, Frame
from commerce.parsing.lexicon import Lexicon
from commerce.parsing.spans import Span


def refuses_value(spans: list[Span], position: int) -> bool:
    """Whether a value comes right after a negation, maybe past "in" or an article: "pas
    en boîte", "non il 35"."""
    before = position - 1
    if before >= 0 and spans[before].kind in ("size_markers", "product_articles"):
        before -= 1  # "pas en boîte", "il 40 non il 35"
    # a negation opening the clause refuses the claim, not one value ("pas en noir ?")
    return before > 0 and spans[before].kind == "negator"


def apply_corrections(
    clauses: list[Clause], featured: str | None, tokens: list[str], lexicon: Lexicon
) -> None:
    """A value said again differently replaces the one before it, which keeps its other
    options, when the viewer corrects themselves ("rouge 42 ... ah non attendez, 44", "I
    wrote 38 but I meant 39"), refused the first ("not the M, the S"), or only asked about
    it ("plus de XS en corail ?? bon ben S en corail")."""
    for k, clause in enumerate(clauses):
        if (
            k > 0
            and not (clause.strong_claim or clause.weak_claim)
            and clause.spans[0].kind in ("negator", "negation")
            and not _interjected(clause, tokens, lexicon)  # "non 100g pardon"
            and not any(s.kind == "corrections" for s in clause.spans)
            and not any(f.explicit_ref for f in clause.frames)
            and any(c.frames for c in clauses[:k])
        ):
            # "je le veux en sachet, pas en boîte": a value refused after the claim
            clause.frames = []
            clause.flags.add("refused")
    for k, clause in enumerate(clauses):
        if k == 0 or not clause.frames:
            continue
        cue = any(s.kind == "corrections" for s in clause.spans) or (
            not clauses[k - 1].frames and any(s.kind == "corrections" for s in clauses[k - 1].spans)
        )
        earlier = next((c for c in reversed(clauses[:k]) if c.frames), None)
        if earlier is None:
            continue
        # "nicht den Rubin, den Saphir", "not the ruby, the sapphire": a value refused
        refused = (earlier.negated or earlier.spans[0].kind == "negator") and not (
            earlier.strong_claim or earlier.weak_claim
        )
        if not (cue or refused or "question" in earlier.flags):
            continue
        replaced = False
        for new in clause.frames:
            for old in list(earlier.frames):
                if _restates(old, new, featured):
                    for name, value in old.options.items():
                        new.options.setdefault(name, value)
                    earlier.frames.remove(old)
                    replaced = True
        if not replaced:
            continue
        if refused:
            earlier.flags.add("refused")  # a refusal corrected is no longer a refusal
        if not (clause.strong_claim or clause.weak_claim):
            clause.strong_claim, clause.weak_claim = earlier.strong_claim, earlier.weak_claim
            clause.weak_claim |= refused  # "not the M, the S": the S is wanted
    for refused_clause, instead in pairwise(clauses):
        if _moves_claim(refused_clause, instead):
            # "für mich nicht die 1kg sondern die 500g": the claim moves to what follows
            instead.weak_claim = refused_clause.weak_claim
            instead.strong_claim = not refused_clause.weak_claim


def _restates(old: Frame, new: Frame, featured: str | None) -> bool:
    """Whether a frame gives another value for an option of the same product."""
    if (old.sku or featured) != (new.sku or featured):
        return False
    common = old.options.keys() & new.options.keys()
    return bool(common) and any(old.options[n] != new.options[n] for n in common)


def _moves_claim(refused: Clause, instead: Clause) -> bool:
    """A claim refused for one item, then another item after "but" with nothing else said:
    "not the 1kg but the 500g", "je prends pas le kilo mais le 500"."""
    return (
        refused.negated
        and (refused.strong_claim or refused.weak_claim or "negation" in refused.flags)
        and refused.spans[-1].kind not in ("negator", "negation")  # an object was refused
        and instead.after_but
        and bool(instead.frames)
        and not (instead.strong_claim or instead.weak_claim or instead.negated)
        and not instead.flags
        and instead.unknown == 0
    )


def _interjected(clause: Clause, tokens: list[str], lexicon: Lexicon) -> bool:
    """A "non" that opens a correction ("non 100g pardon"), not one that refuses the value
    it names with an article (", non il 35")."""
    spans = clause.spans
    if tokens[spans[0].start] not in lexicon.interjected_no:
        return False
    return len(spans) < 2 or spans[1].kind != "product_articles"
