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


def _look_alike(text: str) -> frozenset[str]:
    """Spellings of a folded name with runs of a letter as one, with and without the
    digraphs above read as one letter ("Jarnie" reads "Jamie"). A capital I for an l
    ("JuIie", "CIara") is read by `name_variants`; a lowercase "i" is a letter of its own
    ("Ciara" is another name than "Clara")."""
    plain = _RUNS.sub(r"\1", text)
    merged = text
    for pair, letter in _DIGRAPHS:
        merged = merged.replace(pair, letter)
    return frozenset({plain, _RUNS.sub(r"\1", merged)})


# "Terre & Lin" is also written "Terre et Lin", "Terre and Lin", "Terre y Lin", "TerreLin"
_AND = re.compile(r"\s*(?:&|\+|\b(?:et|and|y|und|e)\b)\s*", re.I)
_AND_WORDS = ("&", " et ", " and ", " y ", " und ", " e ", " ")


def _spellings(name: str) -> tuple[str, ...]:
    """A protected name as it is written, with its "&" or "and" said in each language,
    and with a capital I as an l ("lngrid" for "Ingrid")."""
    forms = [name]
    if _AND.search(name) and len(name.split()) > 1:
        forms += [_AND.sub(word, name) for word in _AND_WORDS]
    return tuple(dict.fromkeys(f for form in forms for f in (form, form.replace("I", "l"))))


@lru_cache(maxsize=256)
def _targets(protected: tuple[str, ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    out = []
    for name in protected:
        for spelling in _spellings(name):
            squeezed = squeeze_name(spelling)
            if squeezed:
                out.append((squeezed, _look_alike(squeezed)))
    return tuple(out)


_PIECE_MIN = 4  # a word of a protected name this long can be a piece of a made-up name


@lru_cache(maxsize=256)
def _pieces(protected: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """The protected names squeezed, and those with their longer words ("lunerousse",
    "rousse"): what a name glued from them is made of."""
    # runs of a letter as one, as in a name typed in one word ("nordlysstudio" is read so)
    names = [squeeze_name(n) for n in protected]
    whole = frozenset(f for n in names if n for f in (n, _RUNS.sub(r"\1", n)))
    words = frozenset(
        f
        for n in protected
        for w in (squeeze_name(part) for part in n.split())
        if len(w) >= 5
        for f in (w, _RUNS.sub(r"\1", w))
    )
    return whole, whole | words


def _glued(candidate: str, protected: tuple[str, ...], decorations: frozenset[str]) -> bool:
    """The name is a protected name glued to other protected words or to decorations
    ("ClaraLuneRousse", "clara.rousse", "ClaraOfficial", "Rousse_Clara_shop")."""
    # runs squeezed ("nordlysstudio" read so), and as typed: squeezing would merge the
    # letters where two pieces meet ("Paloma" + "Azahar")
    return any(
        _glued_as(c, protected, decorations) for c in {_RUNS.sub(r"\1", candidate), candidate}
    )


def _glued_as(candidate: str, protected: tuple[str, ...], decorations: frozenset[str]) -> bool:
    whole, pieces = _pieces(protected)
    if len(candidate) < 2 * _PIECE_MIN:
        return False
    # reach[i]: how candidate[:i] splits: (a whole name among the pieces, pieces glued)
    reach: dict[int, tuple[bool, int]] = {0: (False, 0)}
    for i in range(len(candidate)):
        if i not in reach:
            continue
        has_whole, used = reach[i]
        for piece in (*pieces, *decorations):
            if len(piece) >= 2 and candidate.startswith(piece, i):
                end = i + len(piece)
                found = (has_whole or piece in whole, used + 1)
                if end not in reach or found > reach[end]:
                    reach[end] = found
    has_whole, used = reach.get(len(candidate), (False, 0))
    return has_whole and used >= 2


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
    if _decorated_part(author_name, protected, lexicon):
        return True
    for target, target_look in _targets(protected):
        for candidate in candidates:
            if candidate == target or _look_alike(candidate) & target_look:
                return True
            if (
                len(target) >= _LONG_NAME
                and abs(len(candidate) - len(target)) <= 1
                and Levenshtein.distance(candidate, target) <= 1
            ):
                return True
    return any(_glued(c, protected, lexicon.decorations) for c in candidates)


@lru_cache(maxsize=256)
def _runs_of_words(protected: tuple[str, ...]) -> frozenset[str]:
    """Two or more consecutive words of a protected name of three words or more, squeezed
    ("bottegaverde" of "Bottega Verde Vintage"): a brand is often called by part of its
    name."""
    runs = set()
    for name in protected:
        words = [w for w in (squeeze_name(part) for part in name.split()) if w]
        if len(words) < 3:
            continue
        for start in range(len(words)):
            for end in range(start + 2, len(words) + 1):
                if end - start < len(words):
                    runs.add("".join(words[start:end]))
    return frozenset(runs)


def _decorated_part(
    author_name: str, protected: tuple[str, ...], lexicon: ModerationLexicon
) -> bool:
    """The name is part of a long protected name with a decoration in place of the rest:
    "Bottega Verde Support" for the brand "Bottega Verde Vintage"."""
    runs = _runs_of_words(protected)
    if not runs:
        return False
    for parts in name_variants(author_name):
        kept = [p for p in parts if p not in lexicon.decorations]
        if len(kept) < len(parts) and "".join(kept) in runs:
            return True
    return False
