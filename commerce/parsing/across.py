"""What a comment says across its clauses, once each clause is read: an option or a count
added after a comma ("in silver, 54", "…, I'll take 2"), every value of an option ("both
lengths", "one of each colour", "alle Farben") and a count of each item ("deux de chaque").
Run after the clauses are read, before corrections and the decision."""

from __future__ import annotations

from commerce.parsing.catalog_index import CatalogIndex
from commerce.parsing.clauses import Clause, Frame
from commerce.parsing.lexicon import Lexicon
from commerce.parsing.text import fold

# what a clause that only adds an option to the item before it is made of ("…, 54")
_ADDED_OPTION_KINDS = frozenset(
    {"color", "size_word", "size_number", "size_concept", "number", "word", "marker", "filler"}
)


def every_value(
    clause: Clause,
    tokens: list[str],
    featured: str | None,
    lexicon: Lexicon,
    index: CatalogIndex,
) -> None:
    """'both colours', 'one of each length', 'alle Farben': one item per value of that
    option ('both' only of an option with two values)."""
    spans = clause.spans
    for position, span in enumerate(spans):
        concept = lexicon.option_words.get(tokens[span.start])
        if concept is None or span.end - span.start != 1:
            continue
        before = spans[max(0, position - 3) : position]
        both = any(s.kind == "both" for s in before)
        each = [s for s in before if tokens[s.start] in lexicon.each_words]
        if not both and not each:
            continue
        frame = clause.frames[-1] if clause.frames else Frame()
        info = index.products.get(frame.sku or featured or "")
        if info is None:
            return
        option = next(
            (name for name in info.option_names if lexicon.option_words.get(fold(name)) == concept),
            None,
        )
        values = info.option_values.get(option or "", ())
        if option is None or option in frame.options or len(values) < 2:
            return
        if both and len(values) != 2:
            return
        copies = [
            Frame(
                sku=frame.sku,
                quantity=frame.quantity,
                options={**frame.options, option: value},
                explicit_ref=frame.explicit_ref,
                counted=frame.counted,
            )
            for value in values
        ]
        clause.frames = [*clause.frames[:-1], *copies]
        # the option word and "each" are no strangers
        strangers = sum(s.kind in ("word", "qty") for s in (span, *before))
        clause.unknown = max(0, clause.unknown - strangers)
        return


def count_of_each(clauses: list[Clause], tokens: list[str], lexicon: Lexicon) -> None:
    """'framboise et pistache, deux de chaque', 'two of each': the count is of every
    item said, not an item of its own."""
    for clause in clauses:
        spans = clause.spans
        for position, span in enumerate(spans[:-2]):
            if (
                span.kind not in ("qty", "number")
                or tokens[spans[position + 1].start] not in lexicon.of_words
                or tokens[spans[position + 2].start] not in lexicon.each_words
            ):
                continue
            if not str(span.value).isdigit():
                continue  # "2,5 of each" counts nothing
            count = int(str(span.value))
            items = [
                f
                for c in clauses
                for f in c.frames
                if (f.options or f.explicit_ref) and f.quantity is None
            ]
            if count < 2 or len(items) < 2:
                return  # "x2, uno de cada: negro y coral": one each is how it is said
            for frame in items:
                frame.quantity, frame.counted = count, True
            for c in clauses:
                c.frames = [f for f in c.frames if f.options or f.explicit_ref]
            return


def carry_over(clauses: list[Clause]) -> None:
    """What a later clause only adds to the item said before it: an option left out
    ("in silver, 54": one ring, in silver and 54) or the count of a claim ("the silk
    scarf in mustard, I'll take 2": two of that scarf)."""
    before: Frame | None = None
    for clause in clauses:
        frames = clause.frames
        if before is not None and len(frames) == 1 and not clause.negated:
            frame = frames[0]
            same = frame.sku == before.sku and not frame.explicit_ref
            if (
                same
                and frame.options
                and frame.quantity is None
                and (before.quantity or 1) == 1  # "3 caps: 57 navy, 59 navy": a list
                and not clause.flags
                and not before.options.keys() & frame.options.keys()
                and all(s.kind in _ADDED_OPTION_KINDS for s in clause.spans)
            ):
                before.options.update(frame.options)
                clause.frames = []
                continue
            if (
                same
                and not frame.options
                and frame.counted
                and before.quantity is None
                and clause.flags & {"claim"}
                and len([f for c in clauses for f in c.frames]) == 2
            ):
                before.quantity, before.counted = frame.quantity, True
                clause.frames = []
                continue
        before = frames[-1] if frames else None  # only the clause just before
