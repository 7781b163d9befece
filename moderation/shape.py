"""Shape: one character or emoji repeated past a limit, zalgo text, oversized messages."""

from __future__ import annotations

import unicodedata

# Zalgo stacks combining marks on letters; real scripts put one or two on a letter.
_STACK = 3
_STACKED_LETTERS = 3
_TALL_STACK = 8
_VARIATION_SELECTORS = frozenset({"\ufe0e", "\ufe0f"})


def is_symbols(text: str, max_run: int, max_chars: int) -> bool:
    """More than `max_run` of one character (in a row, spaces between ignored; or in all, for
    emoji and symbols), stacked combining marks (zalgo), or more than `max_chars`."""
    if len(text) > max_chars:
        return True
    if len(text) <= max_run and text.isascii():
        return False
    counts: dict[str, int] = {}
    previous, run = "", 0
    stack, stacked_letters = 0, 0
    for ch in text:
        if ch.isspace():
            continue  # "😍 😍 😍" is one run
        category = unicodedata.category(ch)
        if category == "Mn" and ch not in _VARIATION_SELECTORS:
            stack += 1
            if stack == _STACK:
                stacked_letters += 1
            if stacked_letters >= _STACKED_LETTERS or stack >= _TALL_STACK:
                return True
            continue
        if category in ("Cf", "Mn", "Sk"):
            continue  # emoji joiners, variation selectors, skin tones
        stack = 0
        run = run + 1 if ch == previous else 1
        previous = ch
        if run > max_run:
            return True
        if category == "So":
            counts[ch] = counts.get(ch, 0) + 1
            if counts[ch] > max_run:
                return True
    return False
