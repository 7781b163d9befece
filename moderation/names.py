"""Impersonation: a display name that imitates a protected name (the brand, its hosts).

The name is compared after folding case, accents, homoglyphs (TR39 skeleton), full-width and
mathematical letters, digits used as letters and separators, with "official"-style
decorations set aside. A viewer who merely shares a first name and shows a surname
("Julie Martin" for a host "Julie") is not imitating: the extra word is a real name, not a
decoration. Near misses by one edit only count for long names (a brand), where a
coincidence is unlikely.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from moderation.lexicon import ModerationLexicon
from moderation.normalize import name_variants, squeeze_name

_LONG_NAME = 8
_RUNS = re.compile(r"(.)\1+")
# Letter pairs that read as one letter in most chat fonts: "rn" looks like "m".
_DIGRAPHS = (("rn", "m"), ("vv", "w"), ("cl", "d"))


def _look_alike(text: str) -> str:
    """One spelling for letters that look alike: I/l, and the digraphs above, with runs of
    a letter as one ("JuIie" folds to "juiie", "Julie" to "julie": both read "juie")."""
    for pair, letter in _DIGRAPHS:
        text = text.replace(pair, letter)
    return _RUNS.sub(r"\1", text.replace("l", "i"))


@lru_cache(maxsize=256)
def _targets(protected: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    out = []
    for name in protected:
        squeezed = squeeze_name(name)
        if squeezed:
            out.append((squeezed, _look_alike(squeezed)))
    return tuple(out)


@lru_cache(maxsize=65536)
def impersonates(author_name: str, protected: tuple[str, ...], lexicon: ModerationLexicon) -> bool:
    """The display name is a protected name in disguise, or one with a decoration added."""
    if not author_name or not protected:
        return False
    candidates: set[str] = set()
    for parts in name_variants(author_name):
        kept = [p for p in parts if p not in lexicon.decorations]
        for chosen in (parts, kept):
            joined = "".join(chosen)
            if joined:
                candidates.add(joined)
    candidates.discard("")
    for target, target_look in _targets(protected):
        for candidate in candidates:
            if candidate == target or _look_alike(candidate) == target_look:
                return True
            if (
                len(target) >= _LONG_NAME
                and abs(len(candidate) - len(target)) <= 1
                and Levenshtein.distance(candidate, target) <= 1
            ):
                return True
    return False
