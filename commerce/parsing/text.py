"""Text normalisation and tokenisation shared by the lexicons and the parser.

Lexicon entries go through the same `normalize` as comments, so they are written as
people write ("j'achète", "I'll take") and matched whatever the case, accents or
apostrophes of the comment.
"""

from __future__ import annotations

import re
import unicodedata

from commerce.parsing.spelled_numbers import digits_for_spelled

MAX_CHARS = 1000  # a purchase is said in far fewer; this bounds the work on huge inputs

_APOSTROPHES = re.compile(r"[’'`´ʼ]")
_EN_CONTRACTIONS = (
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
    (re.compile(r"\b(i|you|we|they|he|she|it|that|there)'ll\b"), r"\1 will"),
    (re.compile(r"\b(i|you|we|they|he|she|it)'d\b"), r"\1 would"),
    (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"\b(\w+)'re\b"), r"\1 are"),
    (re.compile(r"\b(\w+)'ve\b"), r"\1 have"),
    (re.compile(r"\b(it|that|what|there|he|she|who)'s\b"), r"\1 is"),
)
_FR_ELISION = re.compile(r"\b(qu|[jldnmtsc])'")
_ELIDED = {
    "qu": "que ",
    "j": "je ",
    "l": "le ",
    "d": "de ",
    "n": "ne ",
    "m": "me ",
    "t": "te ",
    "s": "se ",
    "c": "ce ",
}
_LONE_J = re.compile(r"\bj(?= )")
_REPEATS = re.compile(r"([a-wyz])\1{2,}")  # "moiii" -> "moi"; x is kept for XXL
_TOKEN = re.compile(r"\+\d+|\d+(?:[.,]\d+)?|[a-z]+\d*|[?!.,;:#+&/€$£%]")
# "n°3", "nr. 5", "nro 7", "num. 2", "no. 4", "No 4": the number of an article ("no" before
# anything else is a negation: "la quiero pero no en L")
_NUMERO = re.compile(r"\b(?:n\s*[°º]|nr\.?|nro\.?|num\.|no\.?)\s*(?=\d)")


def fold(text: str) -> str:
    """Casefold and drop accents: 'Écrue' -> 'ecrue'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# "8 et demi", "9 and a half", "38 y medio", "38 e mezzo", "42 einhalb", "9½": a half size
_HALF = re.compile(
    r"(?<![\d.,])(\d{1,2})\s*(?:½|1/2|et demie?|and a half|y medi[oa]|e mezz[oa]|einhalb)(?!\w)"
)


_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def normalize(text: str) -> str:
    """One canonical spelling: NFKC, case, apostrophes, contractions, elisions, accents."""
    text = text[:MAX_CHARS].replace("½", " 1/2")
    text = unicodedata.normalize("NFKC", text).casefold().replace("×", "x")
    text = text.translate(_LIGATURES)  # "sœur", "ex æquo": no accent to fold, two letters
    text = _HALF.sub(r"\1.5", text)
    text = _NUMERO.sub(" numero ", text)
    text = _APOSTROPHES.sub("'", text)
    if "'" in text:
        for pattern, repl in _EN_CONTRACTIONS:
            text = pattern.sub(repl, text)
        text = _FR_ELISION.sub(lambda m: _ELIDED[m.group(1)], text)
        text = text.replace("'", " ")
    text = digits_for_spelled(fold(text))  # "achtundzwanzig" -> "28"
    text = _LONE_J.sub("je", text)  # "j achete", "jai" typed without the apostrophe
    return _REPEATS.sub(r"\1", text)


_DOUBLES = re.compile(r"([a-wyz])\1+")


def squeeze(token: str) -> str:
    """Every run of a letter as one ("need" -> "ned"): how `normalize` leaves a stretched
    word ("neeeeed"), so that lexicon entries can be matched in that spelling too."""
    return _DOUBLES.sub(r"\1", token)


def tokenize(normalized: str) -> list[str]:
    """Words, numbers ("38,5", "+1"), codes ("a12", "t40") and the punctuation that matters."""
    return _TOKEN.findall(normalized)


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(tokenize(normalize(phrase)))


_UPPER_SIZE = re.compile(r"(?<![A-Za-z0-9])(X{0,3}[SML]|XX?L)(?![A-Za-z])")


def uppercase_sizes(text: str) -> frozenset[str]:
    """Letter sizes the viewer wrote in capitals ("M", "XL"): a lone lowercase "m" or "l"
    is more often a word than a size."""
    return frozenset(m.lower() for m in _UPPER_SIZE.findall(text[:MAX_CHARS]))
